/** Where the REST surface is mounted (shared by the HTTP layer, the fast path and the OpenAPI document). */
export const REST_BASE_PATH = '/api/v1';
