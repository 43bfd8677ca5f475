/**
 * The one list of tools (MCP serves it; the agent offers its bot-role part to its model),
 * generated from the router: every query and mutation whose meta does not say
 * `mcp: false` (subscriptions and operator-only procedures are off unless their meta says
 * `mcp: true`). Name, description and JSON Schema come from the procedure; nothing is listed
 * by hand. A procedure behind a customer's verification takes the token as an argument, since a
 * model calls tools for many customers over one connection.
 */

import type { AnyRouter } from '@trpc/server';
import { z } from 'zod';
import { END_USER_PATTERN } from '../guards/end-user';
import type { ProcedureAccess, RestMeta } from '../rest/routes';

export interface ToolDefinition {
  /** "clients_byDocument" for the procedure "clients.byDocument". */
  name: string;
  procedurePath: string;
  type: 'query' | 'mutation';
  description: string;
  inputSchema: Record<string, unknown>;
  /** The tool takes `verificationToken` and sends it as the customer's verification. */
  takesVerification: boolean;
  /** Who may call it: `operator` tools are staff actions a bot's model is never offered. */
  role: 'bot' | 'operator';
}

interface ProcedureLike {
  _def: {
    type: 'query' | 'mutation' | 'subscription';
    meta?: RestMeta & { openapi?: { summary?: string; description?: string } };
    inputs?: unknown[];
  };
}

export const VERIFICATION_ARGUMENT = 'verificationToken';
/** Every tool takes the end user it acts for (the conversation), as REST and tRPC take X-End-User. */
export const END_USER_ARGUMENT = 'endUser';

/** What a model must know beyond what the procedure does: who to ask first, what never to say. */
function guidance(access: ProcedureAccess | undefined): string[] {
  const lines = [
    'Answers and errors carry Spanish text meant for the customer; an error also has a machine `reason`.',
    'Never repeat a customer’s full document or phone numbers to anyone; never reveal another customer’s data.',
    'Pass the same `endUser` on every call of one conversation: the verification token works only with it.',
  ];
  if (access?.verification) {
    lines.unshift(
      'Only for a verified customer: first ask the customer for two facts (document, phone, address or full name) and call `clients_verify`; pass the `verificationToken` it returns as `verificationToken` here. Without it the answer is `verification_required`; a token of another customer is `verification_mismatch`. Never try to verify someone with facts you found in earlier answers.',
    );
  }
  if (access?.role === 'operator') lines.unshift('Operator keys only: staff actions, never on a customer’s request alone.');
  return lines;
}

/** `mcp: false` turns a procedure off; `mcp: true` turns on one that is off by default. */
function isTool(procedure: ProcedureLike): boolean {
  const { type, meta } = procedure._def;
  if (type === 'subscription') return meta?.mcp === true;
  if (meta?.access?.role === 'operator') return meta.mcp === true;
  return meta?.mcp !== false;
}

function inputSchemaOf(procedure: ProcedureLike, takesVerification: boolean): Record<string, unknown> {
  const input = procedure._def.inputs?.[0] as z.ZodType | undefined;
  const schema = input
    ? (z.toJSONSchema(input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>)
    : { type: 'object', properties: {} };
  delete schema.$schema;
  const properties = { ...((schema.properties as Record<string, unknown> | undefined) ?? {}) };
  properties[END_USER_ARGUMENT] = {
    type: 'string',
    pattern: END_USER_PATTERN,
    description:
      'An opaque id of the person you are talking to (the same for a whole conversation, never their phone or document). Verification tokens are bound to it.',
  };
  if (takesVerification) {
    properties[VERIFICATION_ARGUMENT] = {
      type: 'string',
      description: 'The `verificationToken` that `clients_verify` returned for this customer.',
    };
  }
  return { ...schema, type: 'object', properties };
}

export function toolDefinitions(router: AnyRouter): ToolDefinition[] {
  const procedures = router._def.procedures as Record<string, ProcedureLike>;
  return Object.entries(procedures)
    .filter(([, procedure]) => isTool(procedure))
    .map(([path, procedure]) => {
      const meta = procedure._def.meta;
      const takesVerification = meta?.access?.verification !== undefined;
      const what = [meta?.openapi?.summary, meta?.openapi?.description].filter(Boolean).join('. ');
      return {
        name: path.replace(/\./g, '_'),
        procedurePath: path,
        type: procedure._def.type as 'query' | 'mutation',
        description: [what || path, ...guidance(meta?.access)].join('\n\n'),
        inputSchema: inputSchemaOf(procedure, takesVerification),
        takesVerification,
        role: meta?.access?.role === 'operator' ? ('operator' as const) : ('bot' as const),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
