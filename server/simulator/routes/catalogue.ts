/** The simulator's catalogue routes: plans (list and detail by type), payment methods, zones. */

import type { JsonRecord } from '../data';
import { DETAIL_NOT_FOUND, sendJson } from '../http';
import { paginate } from '../paging';
import type { SimRoute } from '../routing';

export const CATALOGUE_ROUTES: readonly SimRoute[] = [
  {
    method: 'GET',
    path: /^\/api\/plan-internet\/$/,
    handle: ({ res, url }, _, state) =>
      paginate(
        state,
        res,
        url,
        state.data.plans.map(({ id, nombre, precio, tipo }) => ({ id, nombre, precio, tipo })),
      ),
  },
  {
    method: 'GET',
    path: /^\/api\/plan-internet\/(pppoe|queue)\/(\d+)\/$/,
    handle: ({ res }, [type, id], { data }) => {
      const wanted = type === 'pppoe' ? 'PPPOE' : 'Simple Queue';
      const plan = data.plans.find((candidate) => candidate.id === Number(id) && candidate.tipo === wanted);
      if (!plan) return sendJson(res, 404, DETAIL_NOT_FOUND);
      return sendJson(res, 200, { nombre: plan.nombre, precio: plan.precio, bajada: plan.bajada, subida: plan.subida, rafaga: false });
    },
  },
  {
    method: 'GET',
    path: /^\/api\/formas-de-pago\/$/,
    handle: ({ res, url }, _, state) => paginate(state, res, url, state.data.paymentMethods),
  },
  {
    method: 'GET',
    path: /^\/api\/zonas\/$/,
    handle: ({ res, url }, _, state) => paginate(state, res, url, state.data.zones as unknown as JsonRecord[]),
  },
];
