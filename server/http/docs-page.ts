/**
 * /docs: Swagger UI from the swagger-ui-dist package, served from this process (no CDN: the
 * machines that run this may have no internet). It renders /openapi.json with "Try it out".
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// A Map, not an object literal: "constructor" or "toString" must not find an inherited property.
const ASSETS = new Map<string, string>([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
  ['favicon-32x32.png', 'image/png'],
]);

const PAGE = `<!doctype html>
<html lang="es">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>WispHub Gateway · API</title>
  <link rel="icon" href="/docs/assets/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: true,
  displayRequestDuration: true,
});
`;

/** Inline styles are needed by Swagger UI; scripts come only from this origin. */
export const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

export interface DocsAsset {
  body: Buffer | string;
  contentType: string;
}

const assetDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const cache = new Map<string, Buffer>();

/** The page, its init script, or one allow-listed asset; null for anything else under /docs. */
export function docsAsset(path: string): DocsAsset | null {
  if (path === '/docs' || path === '/docs/') return { body: PAGE, contentType: 'text/html; charset=utf-8' };
  if (path === '/docs/init.js') return { body: INIT, contentType: 'text/javascript; charset=utf-8' };
  const name = path.startsWith('/docs/assets/') ? path.slice('/docs/assets/'.length) : null;
  const contentType = name ? ASSETS.get(name) : undefined;
  if (!name || !contentType) return null;
  let body = cache.get(name);
  if (!body) {
    body = readFileSync(join(assetDir, name));
    cache.set(name, body);
  }
  return { body, contentType };
}
