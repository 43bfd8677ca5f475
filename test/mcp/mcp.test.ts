import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RestMeta } from '../../server/rest/routes';
import { appRouter } from '../../server/routers/_app';
import type { JsonRecord } from '../../server/simulator/data';
import { freePort } from '../support/redis-server';
import { typescriptCommand } from '../support/runtimes';
import { BOT_KEY, serviceFor } from '../support/service';
import { activeTicketsIn, simClient } from '../support/sim-data';

/**
 * The procedures as MCP tools, with the SDK's own client, over Streamable HTTP (/mcp) and stdio
 * (npm run mcp against the running gateway): the tool list, lookups, verification, an idempotent
 * ticket, and the refusals.
 */

const mcp = suite('mcp: the procedures as tools, over HTTP and stdio');
const service = serviceFor(mcp);

type ToolResult = { isError?: boolean; structuredContent?: { result?: unknown; error?: { reason: string; message: string } } };

/** Which procedures should be tools, worked out here from the meta flag rules, not from the generator. */
function expectedTools(): string[] {
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string; meta?: RestMeta } }>;
  return Object.entries(procedures)
    .filter(([, { _def }]) => {
      if (_def.meta?.mcp !== undefined) return _def.meta.mcp;
      return _def.type !== 'subscription' && _def.meta?.access?.role !== 'operator';
    })
    .map(([path]) => path.replace('.', '_'))
    .sort();
}

async function httpClient(headers: Record<string, string> = { 'x-api-key': BOT_KEY }): Promise<Client> {
  const client = new Client({ name: 'test-agent', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${service.url}/mcp`), { requestInit: { headers } }));
  return client;
}

async function stdioClient(gatewayUrl = service.url): Promise<Client> {
  const [command, args] = typescriptCommand('scripts/mcp.ts');
  const client = new Client({ name: 'test-agent', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command,
      args,
      env: { ...(process.env as Record<string, string>), WISPHUB_GATEWAY_URL: gatewayUrl, WISPHUB_GATEWAY_KEY: BOT_KEY },
      stderr: 'ignore',
    }),
  );
  return client;
}

function customer(skip: number): JsonRecord {
  return service.sim.data.clients.filter(
    (client) =>
      typeof client.cedula === 'string' &&
      typeof client.telefono === 'string' &&
      /^3\d{9}$/.test(client.telefono) &&
      simClient.owes(client) &&
      !(client.router as JsonRecord | null)?.falla_general &&
      activeTicketsIn(service.sim.data, (client.zona as { id: number }).id) === 0,
  )[skip]!;
}

/** The tool's result, typed for the assertion; a failure if the tool answered an error. */
function resultOf<T>(result: ToolResult): T {
  if (result.isError || result.structuredContent?.result === undefined)
    throw new Error(`tool error: ${JSON.stringify(result.structuredContent)}`);
  return result.structuredContent.result as T;
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<ToolResult> {
  return (await client.callTool({ name, arguments: args })) as ToolResult;
}

/** One support conversation through tools: lookups, verify, a verified read, a refused one, an idempotent ticket. */
async function conversation(client: Client, raw: JsonRecord, label: string): Promise<void> {
  const serviceId = Number(raw.id_servicio);
  // One conversation: every tool call names its end user, and the token is bound to it.
  const endUser = `mcp-${label}-conversation`;
  const byPhone = await call(client, 'clients_byPhone', { phone: `+57 ${String(raw.telefono)}`, endUser });
  assert.not.ok(byPhone.isError, `${label}: byPhone`);
  const hints = resultOf<{ items: { serviceId: number; view: string; document?: string }[] }>(byPhone).items;
  assert.ok(hints.some((item) => item.serviceId === serviceId));
  assert.ok(
    hints.every((item) => item.view === 'masked' && item.document === undefined),
    `${label}: hints only before verifying`,
  );
  const refused = await call(client, 'account_invoices', { serviceId, endUser });
  assert.ok(refused.isError, `${label}: invoices before verifying`);
  assert.is(refused.structuredContent?.error?.reason, 'verification_required');
  assert.match(refused.structuredContent?.error?.message ?? '', /verificar la identidad/);
  assert.match(refused.structuredContent?.error?.message ?? '', /argumento de esta herramienta/, `${label}: said the MCP way`);
  assert.not.match(refused.structuredContent?.error?.message ?? '', /encabezado/, `${label}: no header a model cannot send`);
  const verified = await call(client, 'clients_verify', { serviceId, document: raw.cedula, phone: raw.telefono, endUser });
  const token = resultOf<{ verificationToken: string }>(verified).verificationToken;
  assert.ok(token, `${label}: a token`);
  const otherConversation = await call(client, 'account_invoices', { serviceId, verificationToken: token, endUser: 'someone-else' });
  assert.is(otherConversation.structuredContent?.error?.reason, 'verification_required', `${label}: the token is bound to its end user`);
  const invoices = await call(client, 'account_invoices', { serviceId, verificationToken: token, endUser });
  assert.not.ok(invoices.isError, `${label}: invoices with the token`);
  assert.ok(resultOf<{ invoices: unknown[] }>(invoices).invoices.length > 0);
  const posts = service.sim.calls(/^POST \/api\/tickets\/$/);
  const request = {
    serviceId,
    subject: 'Internet Lento',
    description: `Desde ${label}: el cliente reporta lentitud.`,
    idempotencyKey: `mcp-${label}-${serviceId}`,
    verificationToken: token,
    endUser,
  };
  const first = await call(client, 'tickets_create', request);
  const again = await call(client, 'tickets_create', request);
  const ticketOf = (result: ToolResult) => resultOf<{ ticket: { id: number } }>(result).ticket.id;
  assert.is(ticketOf(again), ticketOf(first), `${label}: the same ticket`);
  assert.is(service.sim.calls(/^POST \/api\/tickets\/$/) - posts, 1, `${label}: one upstream POST`);
  const invalid = await call(client, 'clients_byServiceId', { serviceId: 'uno' });
  assert.is(invalid.structuredContent?.error?.reason, 'invalid_input');
}

mcp('the tool list is exactly the flagged procedures, each with a JSON Schema and guidance for a model (HTTP)', async () => {
  const client = await httpClient();
  try {
    const { tools } = await client.listTools();
    assert.equal(
      tools.map((tool) => tool.name),
      expectedTools(),
    );
    for (const hidden of ['payments_register', 'service_reconnect', 'service_suspend', 'network_watchPing']) {
      assert.not.ok(
        tools.some((tool) => tool.name === hidden),
        `${hidden} is not a tool`,
      );
    }
    const invoices = tools.find((tool) => tool.name === 'account_invoices')!;
    assert.ok((invoices.inputSchema.properties as Record<string, unknown>).verificationToken, 'verified tools take the token');
    assert.equal(invoices.inputSchema.required, ['serviceId']);
    for (const tool of tools) {
      assert.ok((tool.inputSchema.properties as Record<string, unknown>).endUser, `${tool.name} takes the end user`);
    }
    assert.match(invoices.description ?? '', /clients_verify/);
    assert.match(tools.find((tool) => tool.name === 'clients_search')!.description ?? '', /Never repeat a customer’s full document/);
  } finally {
    await client.close();
  }
});

mcp('a support conversation over Streamable HTTP', async () => {
  const client = await httpClient();
  try {
    await conversation(client, customer(0), 'http');
  } finally {
    await client.close();
  }
});

mcp('a support conversation over stdio (npm run mcp against the running gateway)', async () => {
  const client = await stdioClient();
  try {
    const { tools } = await client.listTools();
    assert.equal(
      tools.map((tool) => tool.name),
      expectedTools(),
    );
    await conversation(client, customer(1), 'stdio');
  } finally {
    await client.close();
  }
});

mcp('no key, a bad key: refused before anything MCP, with the error contract; GET is 405', async () => {
  const initialize = {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
  };
  for (const [headers, status, reason] of [
    [{}, 401, 'api_key_missing'],
    [{ 'x-api-key': 'not-a-key-0123456789' }, 403, 'api_key_invalid'],
  ] as const) {
    const response = await fetch(`${service.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      body: JSON.stringify(initialize),
    });
    assert.is(response.status, status);
    assert.is(((await response.json()) as { error: { reason: string } }).error.reason, reason);
  }
  const connected = await httpClient({}).then(
    () => 'connected',
    () => 'refused',
  );
  assert.is(connected, 'refused', 'the SDK client cannot connect without a key');
  const get = await fetch(`${service.url}/mcp`, { headers: { 'x-api-key': BOT_KEY } });
  assert.is(get.status, 405);
  assert.is(get.headers.get('allow'), 'POST');
});

mcp('the stdio bridge tells an unreachable gateway apart from an unavailable WispHub', async () => {
  const closed = await freePort();
  const client = await stdioClient(`http://127.0.0.1:${closed}`);
  try {
    const result = await call(client, 'plans_list', {});
    assert.ok(result.isError);
    assert.is(result.structuredContent?.error?.reason, 'gateway_unreachable');
    assert.match(result.structuredContent?.error?.message ?? '', /gateway/);
  } finally {
    await client.close();
  }
});

mcp.run();
