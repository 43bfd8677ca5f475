/**
 * Runs the agent's evaluation set (test/data/agent-conversations.ts) through the WhatsApp channel
 * (the embedded Twilio), either with the provider simulator playing each conversation's script
 * (CI: deterministic) or against whatever model the service routes to (a real key: pass rate and
 * cost). Every conversation is checked for what it expects turn by turn, and for the invariants
 * that hold whatever the model does: no one else's document or phone in any reply, consent
 * recorded once when given, and (when the provider simulator shows what the model read) no
 * verification token and no one else's data in any model input.
 */

import { channelEndUser } from '../../server/channels/channel';
import { endUserDigest } from '../../server/llm/usage/entry';
import { AGENT_CONVERSATIONS, type EvalConversation, type ScriptedReply } from '../data/agent-conversations';
import type { TestService } from './service';
import { claimRecord, simClient } from './sim-data';

export interface EvalOutcome {
  id: string;
  situation: string;
  passed: boolean;
  failures: string[];
  costUsd: number;
  modelCalls: number;
}

interface Row {
  endUser: string | null;
  toolCalls: string[];
  handoff: string | null;
  costUsd: number;
  modelRequested: string;
}

const digits = (value: unknown): string[] =>
  String(value ?? '')
    .split(/[/,]/)
    .map((part) => part.replace(/\D/g, '').replace(/^57(?=\d{10}$)/, ''))
    .filter((part) => part.length >= 6);

const unescapeXml = (text: string) =>
  text.replace(/&(lt|gt|amp|apos|quot);/g, (_, name: string) => ({ lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' })[name]!);

function customersFor(service: TestService) {
  const mobile = (client: Record<string, unknown>) => typeof client.telefono === 'string' && /^3\d{9}$/.test(client.telefono);
  const speaker = claimRecord(
    service.sim.data.clients,
    (client) => simClient.owes(client, 15_000) && simClient.isActive(client) && simClient.hasDocument(client) && mobile(client),
  );
  const other = claimRecord(service.sim.data.clients, (client) => simClient.hasDocument(client) && mobile(client));
  return { speaker, other };
}

export async function runConversation(
  service: TestService,
  conversation: EvalConversation,
  options: { scripted: boolean; adminKey: string; index: number },
): Promise<EvalOutcome> {
  const { speaker, other } = customersFor(service);
  const serviceId = simClient.serviceId(speaker);
  const otherServiceId = simClient.serviceId(other);
  const invoices = (await (await service.staff(`/clients/${serviceId}/invoices`)).json()) as { invoices: { id: string }[] };
  const until = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
  const values: Record<string, string> = {
    name: String(speaker.nombre),
    document: String(speaker.cedula),
    serviceId: String(serviceId),
    otherName: String(other.nombre),
    otherDocument: String(other.cedula),
    otherServiceId: String(otherServiceId),
    invoiceId: invoices.invoices[0]?.id ?? '1',
    until,
  };
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
  const fillArgs = (args: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(args).map(([name, value]) => {
        if (value === '$serviceId') return [name, serviceId];
        if (value === '$otherServiceId') return [name, otherServiceId];
        if (value === '$invoiceId') return [name, values.invoiceId];
        return [name, typeof value === 'string' ? fill(value) : value];
      }),
    );
  const fillReply = (reply: ScriptedReply): ScriptedReply =>
    reply.kind === 'text' ? { ...reply, text: fill(reply.text) } : { ...reply, args: fillArgs(reply.args) };

  const from =
    conversation.from === 'own'
      ? `whatsapp:+57${speaker.telefono}`
      : `whatsapp:+57321${String(5_000_000 + options.index).padStart(7, '0')}`;
  const digest = endUserDigest(channelEndUser('whatsapp', from));
  const forbidden = [...digits(other.cedula), ...digits(other.telefono)];
  const failures: string[] = [];
  const sim = service.llmSimulator;
  const webhook = `${service.url}/channels/twilio/whatsapp`;
  const rowsOf = async (): Promise<Row[]> => {
    const response = await fetch(`${service.url}/admin/llm/usage/requests?limit=1000`, {
      headers: { authorization: `Bearer ${options.adminKey}` },
    });
    return ((await response.json()) as { requests: Row[] }).requests.filter(
      (row) => row.endUser === digest && row.modelRequested === 'wisphub-agent',
    );
  };
  let modelCalls = 0;
  let seenRows = 0;

  for (const [turnIndex, turn] of conversation.turns.entries()) {
    const where = `turn ${turnIndex + 1}`;
    if (options.scripted && sim) {
      sim.resetReceived();
      sim.script(turn.model.map(fillReply));
    }
    const delivered = await service.twilioSimulator!.deliver(webhook, { from, body: fill(turn.user) });
    if (delivered.status !== 200) failures.push(`${where}: webhook answered ${delivered.status}`);
    const reply = unescapeXml(delivered.body.replace(/^.*?<Message>|<\/Message>.*$/gs, ''));
    for (const number of forbidden) if (reply.includes(number)) failures.push(`${where}: the reply holds another customer’s number`);
    if (options.scripted && sim) {
      const read = JSON.stringify(sim.received().map((call) => call.body));
      modelCalls += sim.received().length;
      if (/v2\.\d+\.\d+\./.test(read)) failures.push(`${where}: a verification token reached the model`);
      for (const number of forbidden) if (read.includes(number)) failures.push(`${where}: another customer’s number reached the model`);
    }
    const rows = await rowsOf();
    if (rows.length !== seenRows + 1) failures.push(`${where}: ${rows.length - seenRows} usage rows for the turn`);
    seenRows = rows.length;
    const row = rows[0];
    const expect = turn.expect ?? {};
    for (const wanted of expect.tools ?? []) {
      const [name, outcome] = wanted.split(':') as [string, string];
      const found = (row?.toolCalls ?? []).some((call) => {
        const [calledName, calledOutcome] = call.split(':');
        return calledName === name && (outcome === '*' || calledOutcome === outcome);
      });
      if (!found) failures.push(`${where}: expected ${wanted}, got [${(row?.toolCalls ?? []).join(', ')}]`);
    }
    if (expect.handoff === true && !row?.handoff) failures.push(`${where}: expected a handoff`);
    if (expect.consent === 'pending' && /ACEPTO/i.test(reply) === false && turnIndex === 0)
      failures.push(`${where}: the data-treatment notice was not said`);
  }

  const audit = (await (
    await fetch(`${service.url}/admin/audit?limit=2000`, { headers: { authorization: `Bearer ${options.adminKey}` } })
  ).json()) as {
    entries: { action: string; endUser?: string }[];
  };
  const consents = audit.entries.filter(
    (entry) => entry.action === 'consent.accept' && entry.endUser === endUserDigest(channelEndUser('whatsapp', from)),
  ).length;
  const accepted = conversation.turns.some((turn) => turn.expect?.consent === 'accepted');
  if (accepted && consents !== 1) failures.push(`consent recorded ${consents} times`);
  if (!accepted && consents !== 0) failures.push('consent recorded without an acceptance');
  const costUsd = (await rowsOf()).reduce((sum, row) => sum + row.costUsd, 0);
  return { id: conversation.id, situation: conversation.situation, passed: failures.length === 0, failures, costUsd, modelCalls };
}

export async function runEvaluation(service: TestService, options: { scripted: boolean; adminKey: string }): Promise<EvalOutcome[]> {
  const outcomes: EvalOutcome[] = [];
  for (const [index, conversation] of AGENT_CONVERSATIONS.entries())
    outcomes.push(await runConversation(service, conversation, { ...options, index }));
  return outcomes;
}
