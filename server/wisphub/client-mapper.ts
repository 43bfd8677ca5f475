/** Upstream client (Spanish) to domain client (English). Only allow-listed fields are copied. */

import type { Client, ClientStatus, NamedRef } from '../domain/client';
import { routerOutage } from '../domain/outage';
import { extractPhoneNumbers } from '../domain/phone';
import type { UpstreamClient } from './schemas';
import { SharedValues } from './shared-values';

const STATUS_BY_TEXT: Record<string, ClientStatus> = {
  activo: 'active',
  suspendido: 'suspended',
  cancelado: 'cancelled',
  retirado: 'cancelled',
  gratis: 'free',
};

function clientStatus(text: string | null | undefined): ClientStatus {
  if (!text) return 'unknown';
  return STATUS_BY_TEXT[text.trim().toLowerCase()] ?? 'unknown';
}

const blankToNull = (value: string | null | undefined): string | null => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
};

/** "6/08/2026" (day first) to "2026-08-06"; anything else to null. */
export function upstreamDayToIso(value: string | null | undefined): string | null {
  const match = value?.trim().match(/^(\d{1,2})\/(\d{1,2})\/(\d{4})/);
  if (!match) return null;
  const [, day, month, year] = match;
  return `${year}-${month!.padStart(2, '0')}-${day!.padStart(2, '0')}`;
}

function ref(kind: string, value: { id: number; nombre: string } | null | undefined, shared: SharedValues): NamedRef | null {
  if (!value) return null;
  const { id, nombre } = value;
  return shared.object(`${kind}\u0000${id}\u0000${nombre}`, () => ({ id, name: nombre }));
}

/** The router serving the client and the outage it reports, one pair per distinct router. */
function servingRouter(value: UpstreamClient['router'], shared: SharedValues): Pick<Client, 'router' | 'outage'> {
  if (!value) return NO_ROUTER;
  const outage = value.falla_general === true;
  const outageDescription = blankToNull(value.falla_general_descripcion);
  return shared.object(`router\u0000${value.id}\u0000${value.nombre}\u0000${outage}\u0000${outageDescription}`, () => {
    const router = { id: value.id, name: value.nombre, outage, outageDescription };
    return { router, outage: routerOutage(router) };
  });
}

const NO_ROUTER: Pick<Client, 'router' | 'outage'> = { router: null, outage: null };

/**
 * `shared` is the load's: clients mapped with the same one share their plan, zone, router and
 * technician objects and repeated texts (a 10,000-client collection holds each once, not 10,000
 * times). A client mapped alone gets its own.
 */
export function toClient(item: UpstreamClient, shared: SharedValues = new SharedValues()): Client {
  const technician = typeof item.tecnico === 'string' ? null : ref('technician', item.tecnico, shared);
  const { router, outage } = servingRouter(item.router, shared);
  return {
    serviceId: item.id_servicio,
    name: item.nombre.trim().replace(/\s+/g, ' '),
    givenNames: shared.text(blankToNull(item.nombres)?.replace(/\s+/g, ' ') ?? null),
    surnames: shared.text(blankToNull(item.apellidos)?.replace(/\s+/g, ' ') ?? null),
    document: blankToNull(item.cedula),
    phoneText: blankToNull(item.telefono),
    phones: extractPhoneNumbers(item.telefono),
    email: blankToNull(item.email),
    address: shared.text(blankToNull(item.direccion)),
    locality: shared.text(blankToNull(item.localidad)),
    city: shared.text(blankToNull(item.ciudad)),
    status: clientStatus(item.estado),
    statusText: shared.text(blankToNull(item.estado)),
    billingStatus: shared.text(blankToNull(item.estado_facturas)),
    balance: item.saldo ?? null,
    plan: ref('plan', item.plan_internet, shared),
    planPrice: item.precio_plan ?? null,
    zone: ref('zone', item.zona, shared),
    router,
    outage,
    ip: blankToNull(item.ip),
    cutoffDate: upstreamDayToIso(item.fecha_corte),
    technician,
  };
}
