/**
 * One MCP server over the generated tools. How a tool runs is given by the transport's owner:
 * in process through a tRPC caller (Streamable HTTP at /mcp), or against a running gateway
 * (stdio). Either way a failure is a tool error carrying the reason and the Spanish message.
 */

import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { SERVICE_VERSION } from '../http/version';
import { END_USER_ARGUMENT, type ToolDefinition, VERIFICATION_ARGUMENT } from '../tools/definitions';

export interface ToolCall {
  tool: ToolDefinition;
  input: Record<string, unknown>;
  verificationToken: string | null;
  /** The tool's `endUser` argument as given (checked by whoever runs the tool). */
  endUser: unknown;
}

export interface ToolFailure {
  reason: string;
  message: string;
  status: number | null;
  details?: unknown;
}

export type RunTool = (call: ToolCall) => Promise<unknown>;
export type DescribeFailure = (error: unknown) => ToolFailure;

export function createMcpServer(tools: readonly ToolDefinition[], run: RunTool, describeFailure: DescribeFailure): Server {
  const server = new Server({ name: 'wisphub-gateway', version: SERVICE_VERSION }, { capabilities: { tools: {} } });
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: tools.map((tool) => ({ name: tool.name, description: tool.description, inputSchema: tool.inputSchema as never })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const tool = byName.get(request.params.name);
    if (!tool) {
      return failure({ reason: 'route_not_found', message: `No existe la herramienta ${request.params.name}.`, status: 404 });
    }
    const {
      [VERIFICATION_ARGUMENT]: token,
      [END_USER_ARGUMENT]: endUser,
      ...input
    } = (request.params.arguments ?? {}) as Record<string, unknown>;
    try {
      const data = await run({ tool, input, endUser, verificationToken: typeof token === 'string' && token !== '' ? token : null });
      return { content: [{ type: 'text' as const, text: JSON.stringify(data) }], structuredContent: { result: data } };
    } catch (error) {
      return failure(describeFailure(error));
    }
  });
  return server;
}

function failure(problem: ToolFailure) {
  return {
    isError: true,
    content: [{ type: 'text' as const, text: `${problem.message} (${problem.reason})` }],
    structuredContent: { error: problem },
  };
}
