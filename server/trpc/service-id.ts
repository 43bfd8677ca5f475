/**
 * The service id every customer procedure takes, in one schema: the procedures validate their input
 * with it and the access check (procedures.ts) reads the id it acts on with the same one. Here, below
 * the routers, so the tRPC layer never imports a router's types.
 */

import { z } from 'zod';

// JSON numbers only: tRPC takes no strings, arrays or booleans; REST reads path and query digits into numbers first (rest/routes.ts).
export const serviceIdSchema = z
  .number({ error: (issue) => (issue.code === 'invalid_type' ? 'serviceId must be a number (digits only)' : undefined) })
  .int()
  .positive()
  .meta({ description: 'WispHub Net service id (`id_servicio`).', example: 1234 });
