/**
 * zod schemas of WispHub Net's Spanish JSON, only the fields this service uses. Objects are
 * stripped (not passthrough), so the ~50 other fields, secrets among them, never survive a parse.
 */

import { z } from 'zod';

/**
 * Money and counts arrive as strings ("45000.00") or numbers. The string form is tried first: it is
 * what clients carry (`saldo`, `precio_plan`), and a union's failed first option records an issue
 * for that field of every item of a page.
 */
export const upstreamNumber = z.union([
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
  z.number(),
]);

const optionalText = z
  .union([z.string(), z.number()])
  .transform((value) => String(value))
  .nullish();

const namedRef = z.object({ id: z.coerce.number().int(), nombre: z.string() });

export const upstreamPageSchema = z.object({
  count: z.number().int().nonnegative(),
  next: z.string().nullish(),
  results: z.array(z.unknown()),
});

export const upstreamClientSchema = z.object({
  id_servicio: z.coerce.number().int().positive(),
  nombre: z.string(),
  // Some tenants also keep the given names and the surnames apart (the profile form's two fields).
  nombres: z.string().nullish(),
  apellidos: z.string().nullish(),
  cedula: optionalText,
  telefono: optionalText,
  email: z.string().nullish(),
  direccion: z.string().nullish(),
  localidad: z.string().nullish(),
  ciudad: z.string().nullish(),
  estado: z.string().nullish(),
  estado_facturas: z.string().nullish(),
  saldo: upstreamNumber.nullish(),
  plan_internet: namedRef.nullish(),
  precio_plan: upstreamNumber.nullish(),
  zona: namedRef.nullish(),
  router: z
    .object({
      id: z.coerce.number().int(),
      nombre: z.string(),
      falla_general: z.boolean().nullish(),
      falla_general_descripcion: z.string().nullish(),
    })
    .nullish(),
  ip: z.string().nullish(),
  fecha_corte: z.string().nullish(),
  tecnico: z.union([namedRef, z.string()]).nullish(),
});
export type UpstreamClient = z.infer<typeof upstreamClientSchema>;
