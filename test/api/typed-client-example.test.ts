import { spawn } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { typescriptCommand } from '../support/runtimes';
import { OPERATOR_KEY, serviceFor } from '../support/service';

/** The README's typed-client example runs against a live service and finds + verifies a customer. */

const example = suite('client: find-client example');
const service = serviceFor(example);

example('finds a customer by phone and verifies them', async () => {
  const child = spawn(...typescriptCommand('client/examples/find-client.ts'), {
    env: {
      ...process.env,
      WISPHUB_GATEWAY_URL: service.url,
      WISPHUB_GATEWAY_KEY: service.config.API_KEYS[0]!.key,
      WISPHUB_GATEWAY_OPERATOR_KEY: OPERATOR_KEY,
    },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.is(code, 0, output);
  assert.match(output, /Found \d+ service\(s\) for \d+: #\d+/);
  assert.match(output, /Found \d+ service\(s\) for \d+: #\d+ \S+ (\S\. )*\S\., documento terminado en/, 'the bot sees masked hints');
  assert.match(output, /Verification: valid/);
  assert.match(output, /Full record: .+ \((active|suspended|cancelled|free|unknown)\)/);
});

example.run();
