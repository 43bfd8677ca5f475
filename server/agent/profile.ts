/**
 * The ISP's voice for the agent: its name, tone, opening hours, policies, the data-treatment notice
 * the customer accepts first (Ley 1581 de 2012) and the fixed sentences said when the agent stops.
 * Shipped in Spanish (profile.json); AGENT_PROFILE_FILE replaces it with the ISP's own.
 */

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import shipped from './profile.json' with { type: 'json' };

const sentence = z.string().min(1).max(2000);

export const profileSchema = z.object({
  ispName: z.string().min(1).max(120),
  assistantName: z.string().min(1).max(120),
  tone: sentence,
  openingHours: sentence,
  policies: z.array(sentence).max(30),
  consent: z.object({ version: z.string().min(1).max(40), notice: sentence }),
  sentences: z.object({ fallback: sentence, limit: sentence, unavailable: sentence }),
});

export type AgentProfile = z.infer<typeof profileSchema>;

export const SHIPPED_PROFILE: AgentProfile = profileSchema.parse(shipped);

/** The profile a file names, checked; throws naming the file and the first problem. */
export function readProfile(path: string): AgentProfile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`AGENT_PROFILE_FILE: cannot read ${path} (${error instanceof Error ? error.message : 'error'})`);
  }
  const parsed = profileSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`AGENT_PROFILE_FILE: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** The system prompt: who the agent is, how it speaks, what it may and may not do. No secret ever goes in it. */
export function systemPrompt(
  profile: AgentProfile,
  state: { verifiedServiceIds: number[]; consented: boolean; channelPhone: boolean },
): string {
  return [
    `Usted es ${profile.assistantName}, el asistente de soporte de ${profile.ispName} por chat. Tono: ${profile.tone}`,
    `Horario de atención del equipo: ${profile.openingHours}.`,
    'Responda en español, o en el idioma en que el cliente le escriba.',
    'Use las herramientas para consultar y hacer cosas; nunca invente datos, saldos, números de ticket ni fechas.',
    'Nunca diga que algo quedó creado, registrado o acordado (un ticket, un reporte de pago, una promesa) si la herramienta no lo confirmó en este turno.',
    'Para consultar datos de un cliente, primero verifíquelo con clients_verify usando dos datos que el cliente le dé (documento o teléfono, y nombre o dirección). El sistema guarda la verificación: usted no maneja códigos ni tokens.',
    'Nunca repita documentos ni teléfonos completos; nunca hable de otro cliente.',
    'Si el cliente pide una persona, está molesto o usted no puede resolver, use handoff_to_person con el motivo.',
    ...profile.policies.map((policy) => `Política: ${policy}`),
    state.consented
      ? 'El cliente ya autorizó el tratamiento de sus datos.'
      : 'El cliente aún no autoriza el tratamiento de sus datos: solo puede responder preguntas generales (planes, medios de pago, horarios). Para cualquier dato personal, pídale que responda ACEPTO al aviso de tratamiento de datos.',
    ...(state.channelPhone
      ? [
          'El cliente escribe desde WhatsApp: el sistema ya conoce su número y lo usa como uno de los datos de verificación (no lo pida ni lo escriba). Para verificarle basta su nombre o su dirección y, si no lo sabe usted, su número de servicio (clients_byPhone lo busca por ese número).',
          'Si el cliente envía un comprobante, aparece como [adjunto-N]: para reportar el pago pase ese id en `receipt`.',
        ]
      : []),
    state.verifiedServiceIds.length > 0
      ? `Clientes ya verificados en esta conversación (número de servicio): ${state.verifiedServiceIds.join(', ')}.`
      : 'Aún no hay un cliente verificado en esta conversación.',
  ].join('\n');
}
