/**
 * MCP over Streamable HTTP at /mcp, stateless: each POST gets its own server and transport. The
 * SDK (and its dependencies) load on the first call, so a gateway nobody asks over MCP does not
 * carry them. Tools run in process through a tRPC caller with the request's API key: the same
 * authentication, rate limits, roles, verification rules and error reasons as REST and tRPC.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnyRouter } from '@trpc/server';
import { methodNotAllowed, toErrorPayload } from '../errors';
import { readEndUser } from '../guards/end-user';
import { rateLimitHeaders, setHeaders } from '../http/headers';
import { readJsonBody } from '../http/io';
import { END_USER_ARGUMENT, type ToolDefinition } from '../tools/definitions';
import type { RequestContext } from '../trpc/context';
import { atProcedurePath } from '../trpc/procedure-path';
import { authenticate } from '../trpc/procedures';

type Caller = Record<string, unknown>;

export interface McpHttpOptions {
  router: AnyRouter;
  tools: readonly ToolDefinition[];
  createCaller: (ctx: RequestContext) => Caller;
  bodyLimitBytes: number;
}

export function createMcpHttpHandler(options: McpHttpOptions) {
  let sdk: Promise<[typeof import('./server'), typeof import('@modelcontextprotocol/sdk/server/streamableHttp.js')]> | null = null;

  return async function handleMcp(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void> {
    ctx.report.procedure = 'mcp';
    if (req.method !== 'POST') {
      // Stateless: no server-initiated stream (GET) and no session to end (DELETE).
      throw methodNotAllowed(['POST']);
    }
    // The listener admitted the key before the body; every JSON-RPC message of a batch is a call against its limit.
    const body = await readJsonBody(req, options.bodyLimitBytes);
    await authenticate(ctx, Array.isArray(body) ? Math.max(1, body.length) : 1);
    setHeaders(res, rateLimitHeaders(ctx.report.rateLimit));
    sdk ??= Promise.all([import('./server'), import('@modelcontextprotocol/sdk/server/streamableHttp.js')]);
    const [{ createMcpServer }, { StreamableHTTPServerTransport }] = await sdk;
    const server = createMcpServer(
      options.tools,
      async ({ tool, input, verificationToken, endUser }) => {
        const toolCtx: RequestContext = {
          ...ctx,
          endUser: readEndUser(endUser, END_USER_ARGUMENT) ?? ctx.endUser,
          requestId: `${ctx.requestId}:${tool.name}`,
          surface: 'mcp',
          presentedVerification: verificationToken,
          report: { keyName: null, cacheState: null, procedure: tool.procedurePath },
        };
        return atProcedurePath<(input: unknown) => Promise<unknown>>(options.createCaller(toolCtx), tool.procedurePath)(input);
      },
      (error) => {
        const payload = toErrorPayload(error, ctx.requestId);
        return { reason: payload.reason, message: payload.message, status: payload.status, details: payload.details ?? payload.issues };
      },
    );
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.once('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  };
}
