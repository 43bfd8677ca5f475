/**
 * A small ISP's morning, played once at start when everything runs on the embedded simulators
 * (`SIM_DEMO_ACTIVITY`), so a fresh `npm start` shows the console with every view filled. Every
 * step is a real request to this service's own public surfaces with the development key, through
 * the same guards, audit trail and books as a bot's; the simulators play the upstream faults that
 * make a receipt wait for staff, a ticket create wait for confirmation and a model fall back.
 * Never with a real tenant or provider: app.ts starts it only with both simulators embedded.
 */

import type { LlmSimulator } from '../llm-simulator/server';
import type { JsonRecord } from '../simulator/data';
import type { Simulator } from '../simulator/server';
import { receiptImage } from './receipt-image';

export interface MorningDeps {
  /** This service's own URL. */
  url: string;
  /** The development bot key (the simulators only). */
  botKey: string;
  simulator: Simulator;
  llmSimulator: LlmSimulator;
  /** VERIFY_MAX_FAILURES: wrong answers that lock a conversation out of a service id. */
  verifyMaxFailures: number;
}

export interface MorningPlayed {
  completions: number;
  agentTurns: number;
  lockouts: number;
  receiptsWaiting: number;
  pendingTickets: number;
  failedSteps: string[];
}

const QUESTIONS = [
  'hola',
  'buenos días, ¿cuánto debo este mes?',
  '¿a qué hora abren la oficina?',
  'no tengo internet desde anoche, ya reinicié el router',
  'quiero cambiar mi plan a uno de más megas, ¿qué opciones hay y cuánto cuestan?',
  'el internet está muy lento en las noches, ¿pueden revisar?',
  '¿dónde puedo pagar la factura?',
  'Compare the plans and explain which one suits a home office with two video calls at once.',
  'gracias',
  'ya pagué por Nequi, ¿cómo envío el comprobante?',
  'se me cae la señal cada rato cuando llueve',
  '¿me pueden dar un plazo para pagar hasta el viernes?',
];
const MODELS = ['auto', 'auto', 'gpt-4o-mini', 'auto', 'claude-3-5-haiku-latest', 'auto', 'gemini-2.0-flash', 'auto'];

export async function playMorning(deps: MorningDeps): Promise<MorningPlayed> {
  const played: MorningPlayed = { completions: 0, agentTurns: 0, lockouts: 0, receiptsWaiting: 0, pendingTickets: 0, failedSteps: [] };
  /** GET without a body, POST with one. */
  const call = (path: string, init: { body?: unknown; headers?: Record<string, string> } = {}) =>
    fetch(`${deps.url}${path}`, {
      method: init.body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${deps.botKey}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  const step = async (name: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (error) {
      played.failedSteps.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const ok = async (response: Response, what: string): Promise<Record<string, unknown>> => {
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${what} answered ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
    return body;
  };
  const clients = deps.simulator.data.clients;
  const debtors = clients.filter((client) => Number(client.saldo) >= 15_000 && client.estado === 'Activo' && hasDocument(client));
  const verify = async (client: JsonRecord): Promise<string> => {
    const body = await ok(
      await call(`/api/v1/clients/${client.id_servicio}/verify`, {
        body: { document: String(client.cedula), name: String(client.nombre) },
        headers: { 'x-end-user': `demo-${client.id_servicio}` },
      }),
      'verify',
    );
    if (typeof body.verificationToken !== 'string') throw new Error('the verification did not pass');
    return body.verificationToken;
  };

  await step('model traffic', async () => {
    for (const [index, question] of QUESTIONS.entries()) {
      await ok(
        await call('/v1/chat/completions', {
          body: { model: MODELS[index % MODELS.length], messages: [{ role: 'user', content: question }] },
          headers: { 'x-end-user': `demo-wa-${index % 5}` },
        }),
        'a completion',
      );
      played.completions++;
    }
  });

  await step('a fallback', async () => {
    deps.llmSimulator.setFaults([{ model: 'gpt-4o-mini', status: 503, times: 2 }]);
    try {
      await ok(
        await call('/v1/chat/completions', {
          body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'no me carga ninguna página' }] },
          headers: { 'x-end-user': 'demo-wa-5' },
        }),
        'a completion that falls back',
      );
      played.completions++;
    } finally {
      deps.llmSimulator.resetFaults();
    }
  });

  await step('the agent hands a conversation to a person', async () => {
    await ok(
      await call('/v1/chat/completions', {
        body: { model: 'wisphub-agent', messages: [{ role: 'user', content: 'Buenas, quiero hablar con un asesor por favor' }] },
        headers: { 'x-end-user': 'demo-wa-asesor' },
      }),
      'an agent turn',
    );
    played.agentTurns++;
  });

  await step('a conversation locked out after wrong answers', async () => {
    const target = clients[2];
    if (!target) throw new Error('the simulator has no clients');
    for (let attempt = 0; attempt < deps.verifyMaxFailures; attempt++)
      await ok(
        await call(`/api/v1/clients/${target.id_servicio}/verify`, {
          body: { document: `10000000${attempt}`, name: 'Alguien Más' },
          headers: { 'x-end-user': 'whatsapp:+573000000042' },
        }),
        'a wrong verification',
      );
    played.lockouts++;
  });

  await step('a payment report whose answer upstream lost', async () => {
    const client = debtors[0];
    if (!client) throw new Error('no client owes money in the simulator');
    const token = await verify(client);
    const headers = { 'x-verification-token': token, 'x-end-user': `demo-${client.id_servicio}` };
    const { invoices } = (await ok(await call(`/api/v1/clients/${client.id_servicio}/invoices`, { headers }), 'invoices')) as {
      invoices: { id: string }[];
    };
    const methods = (await ok(await call('/api/v1/payment-methods', { headers }), 'payment methods')) as { items: { id: number }[] };
    const invoice = invoices[0];
    const method = methods.items[0];
    if (!invoice || !method) throw new Error('no invoice or payment method to report');
    deps.simulator.setFaults({ commitThenReset: true, method: 'POST', pathPrefix: '/api/facturas/reportar-pago/' });
    try {
      const response = await call(`/api/v1/clients/${client.id_servicio}/invoices/${invoice.id}/payment-reports`, {
        body: {
          method: method.id,
          reference: `NEQUI-DEMO-${Date.now().toString(36).toUpperCase()}`,
          paidAt: new Date().toISOString(),
          receipt: { contentBase64: receiptImage().toString('base64'), fileName: 'comprobante.png' },
        },
        headers,
      });
      await ok(response, 'the payment report');
      if (response.status === 202) played.receiptsWaiting++;
    } finally {
      deps.simulator.resetFaults();
    }
  });

  await step('a ticket create whose answer upstream lost', async () => {
    // Zones at their ticket limit refuse a create (409): try customers until one zone has room.
    const candidates = clients.filter((client) => client.estado === 'Activo' && hasDocument(client)).slice(5, 25);
    deps.simulator.setFaults({ stallRate: 1, stallMs: 15_000, method: 'POST', pathPrefix: '/api/tickets/' });
    try {
      for (const client of candidates) {
        const token = await verify(client);
        const response = await call('/api/v1/tickets', {
          body: {
            serviceId: client.id_servicio,
            subject: 'Internet Lento',
            description: `El internet está lento desde ayer en la noche. Llamar al ${String(client.telefono ?? 'número registrado')}.`,
          },
          headers: { 'x-verification-token': token, 'x-end-user': `demo-${client.id_servicio}` },
        });
        if (response.status === 409) continue;
        await ok(response, 'the ticket create');
        if (response.status === 202) played.pendingTickets++;
        return;
      }
      throw new Error('every zone tried is at its ticket limit');
    } finally {
      deps.simulator.resetFaults();
    }
  });
  return played;
}

const hasDocument = (client: JsonRecord): boolean => typeof client.cedula === 'string' && client.cedula.trim() !== '';
