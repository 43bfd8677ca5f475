import type { Client, ClientStatus, NamedRef } from '../domain/client';
import { routerOutage } from '../domain/outage';
import { extractPhoneNumbers } from '../domain/phone';
import type { UpstreamClient } from './schemas';

/** Upstream client (Spanish) to domain client (English). Only allow-listed fields are copied. */

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

function ref(value: { id: number; nombre: string } | null | undefined): NamedRef | null {
  return value ? { id: value.id, name: value.nombre } : null;
}

export function toClient(item: UpstreamClient): Client {
  const technician = typeof item.tecnico === 'string' ? null : ref(item.tecnico);
  const router = item.router
    ? {
        id: item.router.id,
        name: item.router.nombre,
        outage: item.router.falla_general === true,
        outageDescription: blankToNull(item.router.falla_general_descripcion),
      }
    : null;
  return {
    serviceId: item.id_servicio,
    name: item.nombre.trim().replace(/\s+/g, ' '),
    document: blankToNull(item.cedula),
    phoneText: blankToNull(item.telefono),
    phones: extractPhoneNumbers(item.telefono),
    email: blankToNull(item.email),
    address: blankToNull(item.direccion),
    locality: blankToNull(item.localidad),
    city: blankToNull(item.ciudad),
    status: clientStatus(item.estado),
    statusText: blankToNull(item.estado),
    billingStatus: blankToNull(item.estado_facturas),
    balance: item.saldo ?? null,
    plan: ref(item.plan_internet),
    planPrice: item.precio_plan ?? null,
    zone: ref(item.zona),
    router,
    outage: routerOutage(router),
    ip: blankToNull(item.ip),
    cutoffDate: upstreamDayToIso(item.fecha_corte),
    technician,
  };
}
