/**
 * Bench child: the idle floor under the service. Bare node:http that has used what the service
 * uses at rest, and nothing of ours: a Bogotá date and a peso amount through ICU (settings and the
 * domain), crypto (request ids), and fetch's globals (ofetch reads them at import, which loads
 * undici). Its settled RSS is what any service on this runtime with those needs idles at.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Bogota', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
new Intl.DateTimeFormat('en-US', { timeZone: 'America/Bogota', timeZoneName: 'longOffset' }).format(new Date());
new Intl.NumberFormat('es-CO').format(1_234_567);
createHash('sha256').update(randomUUID()).digest('hex');
new Headers([['vary', 'Origin']]);

const server = createServer((_req, res) => res.end('{}'));
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.send?.({ url: `http://127.0.0.1:${address.port}` });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
