/**
 * Probe checks of client data: the balance shape, client filters, one invoice.
 */

import { toBalance } from '../balance-mapper';
import { UPSTREAM_PATHS } from '../paths';
import {
  describe,
  differs,
  fieldNames,
  filterHonoured,
  isRow,
  ok,
  type ProbeCheck,
  type ProbeContext,
  sampleServiceId,
  serviceIdOf,
  unchecked,
} from './check-kit';
import { locationPath } from './probe-http';

export const balanceShape: ProbeCheck = {
  id: 'saldo-shape',
  assumption: '/saldo answers {nombre, saldo, facturas[{id, total, fecha_vencimiento}]} (or the older saldo_actual/facturas_pendientes)',
  blocking: true,
  async run(context) {
    const ids = [0, 1, 2].map((index) => sampleServiceId(context, index)).filter((id): id is number => id !== null);
    if (ids.length === 0) return unchecked('no sample client');
    const shapes: string[] = [];
    for (const serviceId of ids) {
      let observation = await context.http.get(UPSTREAM_PATHS.balance(serviceId));
      // The spelling has its own check: follow one redirect here to see the shape.
      if (observation.status >= 300 && observation.status < 400 && observation.location) {
        observation = await context.http.get(locationPath(observation.location, context.http.baseUrl));
      }
      if (observation.status !== 200 || observation.json === undefined)
        return differs(`client ${shapes.length + 1}: ${describe(observation)}`);
      try {
        context.sample.invoiceId ??= toBalance(observation.json, serviceId).invoices[0]?.id;
      } catch {
        const record = Array.isArray(observation.json)
          ? observation.json[0]
          : isRow(observation.json) && Array.isArray(observation.json.results)
            ? observation.json.results[0]
            : observation.json;
        const fields = isRow(record) ? Object.keys(record).sort().join(', ') : typeof record;
        return differs(`client ${shapes.length + 1}: unknown shape (fields: ${fields})`);
      }
      const record = JSON.stringify(observation.json);
      shapes.push(record.includes('"facturas"') || record.includes('"saldo"') ? 'production' : 'older');
    }
    const counts = ['production', 'older'].map((shape) => `${shapes.filter((s) => s === shape).length} ${shape}`).join(', ');
    return ok(`${shapes.length} clients read: ${counts}`);
  },
};

export const clientFilters: ProbeCheck = {
  id: 'client-filters',
  assumption:
    'client filters id_servicio, cedula, telefono narrow the list (the gateway reads whole collections and does not rely on them)',
  blocking: false,
  async run(context) {
    const client = context.sample.clients.find(
      (row) => typeof row.cedula === 'string' && row.cedula !== '' && typeof row.telefono === 'string' && row.telefono !== '',
    );
    if (!client) return unchecked('no sample client with a document and a phone');
    const results = [
      await filterHonoured(
        context,
        UPSTREAM_PATHS.clients,
        'id_servicio',
        String(client.id_servicio),
        (item) => String(item.id_servicio) === String(client.id_servicio),
      ),
      await filterHonoured(context, UPSTREAM_PATHS.clients, 'cedula', String(client.cedula), (item) => item.cedula === client.cedula),
      await filterHonoured(
        context,
        UPSTREAM_PATHS.clients,
        'telefono',
        String(client.telefono),
        (item) => typeof item.telefono === 'string' && item.telefono.includes(String(client.telefono)),
      ),
    ];
    return results.every((result) => result.endsWith('honoured')) ? ok(results.join(', ')) : differs(results.join(', '));
  },
};

/** An invoice id from the balance of a sampled client who owes something (at most three reads). */
async function findInvoice(context: ProbeContext): Promise<string | undefined> {
  const owing = context.sample.clients.filter((client) => Number(client.saldo) > 0).slice(0, 3);
  for (const client of owing) {
    const serviceId = serviceIdOf(client);
    if (serviceId === null) continue;
    const observation = await context.http.get(UPSTREAM_PATHS.balance(serviceId));
    try {
      const id = toBalance(observation.json, serviceId).invoices[0]?.id;
      if (id) return id;
    } catch {
      // An unreadable balance is saldo-shape's to report.
    }
  }
  return undefined;
}

export const invoiceEndpoint: ProbeCheck = {
  id: 'invoice-endpoint',
  assumption:
    'GET /api/facturas/{id}/ answers one invoice as a JSON object (read before a promise by the ISP portal; the gateway reads invoices from /saldo)',
  blocking: false,
  async run(context) {
    const invoiceId = context.sample.invoiceId ?? (await findInvoice(context));
    if (!invoiceId) return unchecked('no invoice among the sampled balances');
    const observation = await context.http.get(UPSTREAM_PATHS.invoice(invoiceId));
    if (observation.status === 200 && isRow(observation.json)) return ok(`200 JSON object with fields: ${fieldNames(observation.json)}`);
    if (observation.status === 404 && observation.json !== undefined) return differs('a JSON 404 for an invoice /saldo lists');
    return differs(`${describe(observation)}: no such endpoint here`);
  },
};
