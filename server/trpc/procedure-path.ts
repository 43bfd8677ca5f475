/**
 * The member of a nested tRPC object (a caller, a client) at a procedure path such as
 * "clients.byPhone": REST, MCP and the stdio bridge all reach procedures by path.
 */
export function atProcedurePath<T>(root: unknown, path: string): T {
  let current: unknown = root;
  for (const segment of path.split('.')) current = (current as Record<string, unknown>)[segment];
  return current as T;
}
