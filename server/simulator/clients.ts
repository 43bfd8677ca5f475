/**
 * The simulated tenant's clients: look-ups by service id, the list's filters as upstream
 * honours them, profile edits, per-client balance overrides and routers' outages.
 */

import type { BalanceShape } from './balance';
import type { JsonRecord, SimulatorData } from './data';
import { bogotaNow } from './http';

const CLIENT_STATE_BY_NUMBER: Record<string, string> = { '1': 'Activo', '2': 'Suspendido', '3': 'Cancelado', '4': 'Gratis' };
const PROFILE_FIELDS = ['nombre', 'apellidos', 'cedula', 'direccion', 'localidad', 'ciudad', 'telefono', 'email', 'saldo'];

/** A list filter's value, or null when absent or ignored by a fault. */
export type FilterValue = (filter: string) => string | null;

export class SimClients {
  readonly byId: Map<number, JsonRecord>;
  /** What `/api/clientes/{id}/saldo` answers for a client instead of the generated balance. */
  readonly balances = new Map<number, { record: JsonRecord; shape: BalanceShape }>();

  constructor(private readonly data: SimulatorData) {
    this.byId = new Map(data.clients.map((client) => [client.id_servicio as number, client]));
  }

  /** `/api/clientes/` filtered: cedula, id_servicio, telefono and nombre as `honoured`; usuario and estado always. */
  filter(honoured: FilterValue, params: URLSearchParams): JsonRecord[] {
    let list: JsonRecord[] = this.data.clients;
    const cedula = honoured('cedula');
    if (cedula !== null) list = list.filter((client) => client.cedula === cedula);
    const serviceId = honoured('id_servicio');
    if (serviceId !== null) list = list.filter((client) => String(client.id_servicio) === serviceId);
    const phone = honoured('telefono');
    if (phone !== null) list = list.filter((client) => typeof client.telefono === 'string' && client.telefono.includes(phone));
    const name = honoured('nombre');
    if (name !== null) list = list.filter((client) => String(client.nombre).toLowerCase().includes(name.toLowerCase()));
    const user = params.get('usuario');
    if (user !== null) list = list.filter((client) => client.usuario === user);
    const state = params.get('estado');
    if (state !== null) list = list.filter((client) => client.estado === CLIENT_STATE_BY_NUMBER[state]);
    return list;
  }

  /** Applies a profile edit; false when the form names no editable field. */
  updateProfile(client: JsonRecord, form: Record<string, string>): boolean {
    const given = PROFILE_FIELDS.filter((field) => field in form);
    if (given.length === 0) return false;
    for (const field of given) {
      if (field === 'nombre') client.nombres = form.nombre;
      else client[field] = form[field];
    }
    client.nombre = `${String(client.nombres)} ${String(client.apellidos)}`.trim();
    client.ultimo_cambio = `${bogotaNow()}:00`;
    return true;
  }

  add(client: JsonRecord): void {
    this.data.clients.push(client);
    this.byId.set(client.id_servicio as number, client);
  }

  /** Marks (description) or clears (null) a known outage; clients share their router's record, as they share the router upstream. */
  setOutage(routerId: number, description: string | null): void {
    for (const client of this.data.clients) {
      const router = client.router as JsonRecord | null;
      if (router?.id !== routerId) continue;
      router.falla_general = description !== null;
      router.falla_general_descripcion = description ?? '';
    }
  }
}
