import { spawn } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { serviceFor } from '../support/service';

/** test/consumers/openapi_consumer.py (Python stdlib) drives the API from /openapi.json alone. */

const consumer = suite('production: a non-TypeScript consumer');
const service = serviceFor(consumer);

consumer('reads the document, calls three operations by its paths and validates the answers', async () => {
  const child = spawn('python3', ['test/consumers/openapi_consumer.py', service.url, service.config.API_KEYS[0]!.key]);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.is(code, 0, output);
  assert.is(output.match(/-> 200: valid/g)?.length, 3, output);
  assert.match(output, /consumer: OK/);
});

consumer.run();
