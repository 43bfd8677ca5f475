import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CONFIG_VARIABLES, ConfigError, parseConfig } from '../server/config/settings';
import { typescriptCommand } from './support/runtimes';

const problemsOf = (raw: Record<string, string>) => {
  try {
    parseConfig(raw);
  } catch (error) {
    return (error as ConfigError).problems;
  }
  return [];
};

const config = suite('config');

config('defaults: port 3000, TTLs, limits, Bogotá, simulator when no host', () => {
  const parsed = parseConfig({});
  assert.is(parsed.PORT, 3000);
  assert.is(parsed.CACHE_TTL_CLIENTS_S, 300);
  assert.is(parsed.CACHE_TTL_PLANS_S, 900);
  assert.is(parsed.CACHE_TTL_PAYMENT_METHODS_S, 900);
  assert.is(parsed.CACHE_TTL_ZONE_COUNTS_S, 60);
  assert.is(parsed.MAX_ACTIVE_TICKETS_PER_ZONE, 3);
  assert.equal(parsed.ACTIVE_TICKET_STATES, [1]);
  assert.is(parsed.DEFAULT_TICKET_STATUS, 1);
  assert.is(parsed.MAX_TICKET_RESOLUTION_DAYS, 3);
  assert.is(parsed.TIMEZONE, 'America/Bogota');
  assert.ok(parsed.useSimulator);
  assert.equal(parsed.API_KEYS, []);
});

config('lists, keys with names, empty strings as unset', () => {
  const parsed = parseConfig({
    PORT: '',
    API_KEYS: 'bot:whatsapp=abcdefghijklmnop1234, crm:main=qrstuvwxyz0987654321',
    ACTIVE_TICKET_STATES: '1, 2',
    EXTRA_HOLIDAYS: '2026-12-24,2026-12-31',
  });
  assert.is(parsed.PORT, 3000);
  assert.equal(
    parsed.API_KEYS.map((k) => k.name),
    ['bot:whatsapp', 'crm:main'],
  );
  assert.equal(parsed.ACTIVE_TICKET_STATES, [1, 2]);
  assert.equal(parsed.EXTRA_HOLIDAYS, ['2026-12-24', '2026-12-31']);
});

config('key roles: API_KEYS are bots, OPERATOR_API_KEYS (and its file) operators; names and keys unique across both', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keys-'));
  const file = join(dir, 'operators');
  writeFileSync(file, '# front desk\ncaja=operator-file-key-0123456789\n');
  const parsed = parseConfig({
    API_KEYS: 'bot:whatsapp=abcdefghijklmnop1234',
    OPERATOR_API_KEYS: 'desk=operator-key-0123456789abc, bare-operator-key-0123456789',
    OPERATOR_API_KEYS_FILE: file,
  });
  assert.equal(
    parsed.API_KEYS.map(({ name, role }) => [name, role]),
    [
      ['bot:whatsapp', 'bot'],
      ['desk', 'operator'],
      ['operator2', 'operator'],
      ['caja', 'operator'],
    ],
  );
  assert.not.ok('OPERATOR_API_KEYS' in parsed, 'one list of keys, each with its role');
  for (const clash of [
    { API_KEYS: 'same=abcdefghijklmnop1234', OPERATOR_API_KEYS: 'same=qrstuvwxyz0987654321' },
    { API_KEYS: 'a=abcdefghijklmnop1234', OPERATOR_API_KEYS: 'b=abcdefghijklmnop1234' },
    { OPERATOR_API_KEYS: 'desk=abcdefghijklmnop1234', ADMIN_API_KEYS: 'ops=abcdefghijklmnop1234' },
  ]) {
    assert.throws(
      () => parseConfig(clash),
      (error: unknown) => error instanceof ConfigError,
      JSON.stringify(clash),
    );
  }
  assert.throws(
    () => parseConfig({ OPERATOR_API_KEYS_FILE: join(dir, 'missing') }),
    (error: unknown) => error instanceof ConfigError && error.problems.some((problem) => problem.startsWith('OPERATOR_API_KEYS_FILE:')),
  );
});

config('one clear message per bad variable, secrets not echoed', () => {
  try {
    parseConfig({
      PORT: 'http',
      TIMEZONE: 'Mars/Olympus',
      EXTRA_HOLIDAYS: '2026-13-45',
      WISPHUB_NET_KEY: 'short',
      UPSTREAM_PAGE_SIZE: '0',
    });
    assert.unreachable('should throw');
  } catch (error) {
    assert.instance(error, ConfigError);
    const problems = (error as ConfigError).problems;
    for (const variable of ['PORT', 'TIMEZONE', 'EXTRA_HOLIDAYS', 'WISPHUB_NET_KEY', 'UPSTREAM_PAGE_SIZE']) {
      assert.ok(
        problems.some((p) => p.startsWith(`${variable}:`)),
        `names ${variable}`,
      );
    }
    assert.not.ok(problems.join(' ').includes('short'), 'the bad key value is masked');
  }
});

config('Redis and admin settings: URL scheme, password never echoed, admin keys apart from bot keys, account thresholds ordered', () => {
  const parsed = parseConfig({ REDIS_URL: 'redis://:pw@127.0.0.1:6379/0', ADMIN_API_KEYS: 'ops=admin-key-0123456789abcdef' });
  assert.equal(
    [parsed.REDIS_URL, parsed.REDIS_KEY_PREFIX, parsed.ADMIN_API_KEYS[0]?.name],
    ['redis://:pw@127.0.0.1:6379/0', 'wisphub:', 'ops'],
  );
  const badUrl = problemsOf({ REDIS_URL: 'http://user:hunter2secret@redis:6379' });
  assert.ok(badUrl.some((p) => p.startsWith('REDIS_URL:')));
  assert.not.ok(badUrl.join(' ').includes('hunter2secret'), 'a Redis password is masked');
  assert.ok(
    problemsOf({ API_KEYS: 'bot=same-key-0123456789abc', ADMIN_API_KEYS: 'ops=same-key-0123456789abc' }).some((p) =>
      p.startsWith('ADMIN_API_KEYS:'),
    ),
  );
  assert.ok(
    problemsOf({ ACCOUNT_OVERDUE_AFTER_DAYS: '30', ACCOUNT_SERIOUSLY_OVERDUE_AFTER_DAYS: '30' }).some((p) =>
      p.startsWith('ACCOUNT_SERIOUSLY_OVERDUE_AFTER_DAYS:'),
    ),
  );
});

config('a real host needs its key and API keys', () => {
  try {
    parseConfig({ WISPHUB_NET_HOST: 'https://api.wisphub.net' });
    assert.unreachable('should throw');
  } catch (error) {
    const problems = (error as ConfigError).problems;
    assert.ok(problems.some((p) => p.startsWith('WISPHUB_NET_KEY:')));
    assert.ok(problems.some((p) => p.startsWith('API_KEYS:')));
  }
});

config('NODE_ENV=production refuses the simulator and the development keys unless ALLOW_SIMULATOR_IN_PRODUCTION=true', () => {
  assert.ok(problemsOf({ NODE_ENV: 'production' }).some((p) => p.startsWith('WISPHUB_NET_HOST: required with NODE_ENV=production')));
  assert.ok(parseConfig({ NODE_ENV: 'production', ALLOW_SIMULATOR_IN_PRODUCTION: 'true' }).useSimulator);
  assert.not.ok(parseConfig({ NODE_ENV: 'development' }).ALLOW_SIMULATOR_IN_PRODUCTION);
});

config('WRITE_SETTLE_MS, with TICKET_SETTLE_MS read as its old name for one release', () => {
  assert.is(parseConfig({}).WRITE_SETTLE_MS, 120_000);
  assert.is(parseConfig({ TICKET_SETTLE_MS: '5000' }).WRITE_SETTLE_MS, 5000, 'the old name alone');
  assert.is(parseConfig({ TICKET_SETTLE_MS: '5000', WRITE_SETTLE_MS: '7000' }).WRITE_SETTLE_MS, 7000, 'the new name wins');
});

config('npm start with a bad value exits non-zero with the message', () => {
  const result = spawnSync(...typescriptCommand('server/main.ts'), {
    env: { ...process.env, PORT: 'not-a-port', CACHE_TTL_CLIENTS_S: '-1' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.is(result.status, 1);
  assert.match(result.stderr, /PORT:/);
  assert.match(result.stderr, /CACHE_TTL_CLIENTS_S:/);
});

config('.env.example lists every variable, each with a comment, and parses', () => {
  const lines = readFileSync('.env.example', 'utf8').split('\n');
  const listed = lines.filter((line) => /^[A-Z_]+=/.test(line)).map((line) => line.split('=')[0]!);
  assert.equal([...listed].sort(), [...CONFIG_VARIABLES].sort());
  for (const variable of listed) {
    // A comment right above it, or above the group of variables it belongs to.
    let index = lines.findIndex((line) => line.startsWith(`${variable}=`)) - 1;
    while (index >= 0 && /^[A-Z_]+=/.test(lines[index]!)) index--;
    assert.ok(lines[index]?.startsWith('# '), `${variable} has a comment`);
  }
  const values = Object.fromEntries(lines.filter((line) => /^[A-Z_]+=/.test(line)).map((line) => line.split(/=(.*)/s).slice(0, 2)));
  assert.ok(parseConfig(values).useSimulator);
});

config.run();
