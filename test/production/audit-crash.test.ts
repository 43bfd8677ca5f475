import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FileAuditTrail } from '../../server/observability/audit';
import { startSimulator } from '../../server/simulator/server';
import { startServiceProcess } from '../support/service-process';
import { simClient } from '../support/sim-data';

/** A crash between the audit record and its settlement leaves `unknown`, never nothing. */

const crash = suite('production: audit trail across a crash');
const OPERATOR = 'operator-crash-key-0123456789';

crash('the process is killed while a payment registration is in flight: the trail says unknown', async () => {
  const sim = await startSimulator({ seed: 7, clients: 200, plans: 10, tickets: 50, zones: 5, pingDelayMs: 50 });
  const auditPath = join(mkdtempSync(join(tmpdir(), 'audit-crash-')), 'audit.jsonl');
  const service = await startServiceProcess({
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    WARMUP: 'false',
    LOG_LEVEL: 'info',
    WISPHUB_NET_HOST: sim.url,
    WISPHUB_NET_KEY: sim.apiKey,
    API_KEYS: 'bot:crash=bot-crash-key-0123456789',
    VERIFICATION_SECRET: 'crash-verification-secret-0123456789abcdef',
    OPERATOR_API_KEYS: `desk=${OPERATOR}`,
    AUDIT_LOG_PATH: auditPath,
    UPSTREAM_TIMEOUT_MS: '20000',
  }).catch(async (error: unknown) => {
    await sim.close();
    throw error;
  });
  const { child, url } = service;
  try {
    const debtor = sim.data.clients.find((client) => simClient.owes(client))!;
    const serviceId = Number(debtor.id_servicio);
    const invoice = sim.billing.balance(debtor, Date.now(), 'production').facturas as { id: number; total: string | number }[];
    // Upstream holds the POST: the registration is recorded, in flight, and never settled.
    sim.setFaults({ stallRate: 1, stallMs: 10_000, method: 'POST', pathPrefix: '/api/facturas/' });
    const inFlight = fetch(`${url}/api/v1/invoices/${invoice[0]!.id}/payments`, {
      method: 'POST',
      headers: { 'x-api-key': OPERATOR, 'content-type': 'application/json' },
      body: JSON.stringify({
        serviceId,
        method: Number(sim.data.paymentMethods[0]!.id),
        amount: Number(invoice[0]!.total),
        paidAt: new Date().toISOString(),
        reference: 'CRASH-1',
      }),
    }).catch(() => 'connection lost');
    for (let waited = 0; sim.calls(/^POST \/api\/facturas\//) === 0 && waited < 15_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.is(sim.calls(/^POST \/api\/facturas\//), 1, 'the POST reached upstream');
    child.kill('SIGKILL');
    await service.exited;
    assert.is(await inFlight, 'connection lost');
    const entries = await new FileAuditTrail(auditPath).list({ serviceId });
    assert.is(entries.length, 1);
    assert.equal(
      { action: entries[0]!.action, outcome: entries[0]!.outcome, reference: entries[0]!.reference, keyName: entries[0]!.keyName },
      { action: 'payment.register', outcome: 'unknown', reference: 'CRASH-1', keyName: 'desk' },
    );
  } finally {
    child.kill('SIGKILL');
    await sim.close();
  }
});

crash.run();
