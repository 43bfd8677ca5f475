/**
 * npm run mcp: the gateway's tools over MCP stdio, for an LLM agent on the same machine
 * (Claude Desktop, an IDE). It calls a running gateway (WISPHUB_GATEWAY_URL, default
 * http://127.0.0.1:3000) with WISPHUB_GATEWAY_KEY, so every key, role, limit, verification rule
 * and error reason is the gateway's own. stdout carries the protocol: nothing else is printed there.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import { createMcpServer } from '../server/mcp/server';
import { type AppRouter, appRouter } from '../server/routers/_app';
import { toolDefinitions } from '../server/tools/definitions';
import { atProcedurePath } from '../server/trpc/procedure-path';
import { VERIFICATION_HINTS } from '../server/trpc/procedures';

const url = (process.env.WISPHUB_GATEWAY_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
const apiKey = process.env.WISPHUB_GATEWAY_KEY ?? '';
if (!apiKey) {
  process.stderr.write('WISPHUB_GATEWAY_KEY is required (an API key of the gateway).\n');
  process.exit(2);
}

/** One client; each call carries its own verification token and end user in its context, sent as headers. */
const gateway = createTRPCClient<AppRouter>({
  links: [
    httpLink({
      url: `${url}/trpc`,
      transformer: superjson,
      headers: ({ op }) => {
        const { verificationToken: token, endUser } = op.context;
        return {
          'x-api-key': apiKey,
          ...(typeof token === 'string' ? { 'x-verification-token': token } : {}),
          ...(typeof endUser === 'string' && endUser !== '' ? { 'x-end-user': endUser } : {}),
        };
      },
    }),
  ],
});

type Procedure = Record<'query' | 'mutate', (input: unknown, options: { context: Record<string, unknown> }) => Promise<unknown>>;

const server = createMcpServer(
  toolDefinitions(appRouter),
  async ({ tool, input, verificationToken, endUser }) => {
    const procedure = atProcedurePath<Procedure>(gateway, tool.procedurePath);
    // The gateway checks the end user's form (X-End-User), as it does for every caller.
    const options = { context: { verificationToken, endUser } };
    return tool.type === 'query' ? procedure.query(input, options) : procedure.mutate(input, options);
  },
  (error) => {
    if (error instanceof TRPCClientError) {
      const data = error.data as { reason?: string; status?: number; details?: unknown } | undefined;
      // No answer at all: the gateway is down or elsewhere, which is not WispHub being unavailable.
      if (!data?.reason) {
        return {
          reason: 'gateway_unreachable',
          message: `No fue posible comunicarse con el gateway en ${url}: revise WISPHUB_GATEWAY_URL y que el gateway esté en marcha.`,
          status: null,
        };
      }
      return {
        reason: data.reason,
        // This bridge reaches the gateway over tRPC, whose hint names a header; a model passes an argument.
        message: error.message.replace(VERIFICATION_HINTS.header, VERIFICATION_HINTS.mcp),
        status: data.status ?? null,
        details: data.details,
      };
    }
    return { reason: 'internal_error', message: 'No fue posible completar la operación.', status: null };
  },
);
await server.connect(new StdioServerTransport());
