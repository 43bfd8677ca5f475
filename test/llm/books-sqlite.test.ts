/** The books on SQLite, the default: a file of its own per run, its bytes (and its WAL's) read for plaintext. */

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineBooksSuite } from '../support/books-suite';

const folder = mkdtempSync(join(tmpdir(), 'wisphub-books-sqlite-'));
const file = join(folder, 'books.db');

defineBooksSuite('SQLite', {
  settings: async () => ({ DATABASE_FILE: file }),
  rawBytes: async () => Buffer.concat([file, `${file}-wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path))),
  stop: async () => rmSync(folder, { recursive: true, force: true }),
});
