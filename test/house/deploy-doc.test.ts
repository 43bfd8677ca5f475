import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

/**
 * docs/deploy.md's recipes cannot run here (no proxy, systemd or container runtime): this keeps
 * their commands the README's own (`npm ci`, `npm run build`, `node dist/main.mjs`), the ones the
 * tests exercise, so a recipe cannot drift to a command nobody runs.
 */

const deploy = suite('house: the deployment recipes use the tested commands');
const doc = readFileSync('docs/deploy.md', 'utf8');
const readme = readFileSync('README.md', 'utf8');
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };

const block = (language: string): string => {
  const found = doc.match(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``));
  if (!found) throw new Error(`no ${language} block in docs/deploy.md`);
  return found[1]!;
};

deploy('the container builds with npm ci and npm run build, and runs node dist/main.mjs', () => {
  const dockerfile = block('dockerfile');
  assert.match(dockerfile, /RUN npm ci\n/);
  assert.match(dockerfile, /RUN npm run build\n/);
  assert.match(dockerfile, /CMD \["node", "dist\/main\.mjs"\]/);
  assert.is(manifest.scripts['start:prod'], 'node dist/main.mjs', 'the README’s start:prod is the same command');
  assert.match(readme, /npm run build && npm run start:prod/);
});

deploy('systemd runs the bundle on node; the proxy recipe sets the header TRUST_PROXY_HOPS believes', () => {
  assert.match(block('ini'), /ExecStart=\/usr\/bin\/node dist\/main\.mjs/);
  assert.match(block('nginx'), /proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;/);
  assert.match(doc, /TRUST_PROXY_HOPS=1/);
});

deploy('every setting the recipes name exists', () => {
  const envExample = readFileSync('.env.example', 'utf8');
  for (const name of block('sh').matchAll(/^([A-Z_]+)=/gm)) {
    assert.ok(envExample.includes(`\n${name[1]}=`), `${name[1]} is a setting`);
  }
});

deploy.run();
