/** The books on Postgres (DATABASE_URL): a throw-away server of its own; its data folder's bytes read for plaintext. */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { defineBooksSuite } from '../support/books-suite';
import { postgresAvailable, TestPostgres } from '../support/postgres-server';

let server: TestPostgres | null = null;
let url = '';

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

if (postgresAvailable()) {
  defineBooksSuite('Postgres', {
    settings: async () => {
      server = await TestPostgres.start();
      url = await server.database('books');
      return { DATABASE_URL: url };
    },
    rawBytes: async () => {
      // A checkpoint puts every committed page in the table files; the WAL holds them too.
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query('checkpoint');
      await client.end();
      return Buffer.concat(filesUnder(server!.dataDir).map((path) => readFileSync(path)));
    },
    stop: async () => {
      await server?.stop();
    },
  });
}
