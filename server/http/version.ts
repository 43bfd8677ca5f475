/** The service's version: in /openapi.json, the MCP server's info and the client package (kept equal to package.json by a test). */
export const SERVICE_VERSION = '1.0.0';
