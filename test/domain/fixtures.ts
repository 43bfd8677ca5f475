import type { Client } from '../../server/domain/client';

/** A domain client with sensible defaults, for unit tests. */
export function makeClient(overrides: Partial<Client> & { serviceId: number }): Client {
  return {
    name: 'Cliente Prueba',
    givenNames: null,
    surnames: null,
    document: null,
    phoneText: null,
    phones: [],
    email: null,
    address: null,
    locality: null,
    city: 'Villavicencio',
    status: 'active',
    statusText: 'Activo',
    billingStatus: null,
    balance: 0,
    plan: { id: 1, name: 'Plan Hogar 10M' },
    planPrice: 65000,
    zone: { id: 1, name: 'Zona Norte' },
    router: null,
    outage: null,
    ip: null,
    cutoffDate: null,
    technician: null,
    ...overrides,
  };
}
