/** The simulator's client routes: the list and one client, its balance, profile edits and pings. */

import { randomUUID } from 'node:crypto';
import { balanceShape, shapeBalance } from '../balance';
import { DETAIL_NOT_FOUND, parseForm, sendJson } from '../http';
import { paginate } from '../paging';
import type { SimPingTask } from '../ping';
import type { SimRoute } from '../routing';
import { honoured } from '../state';

export const CLIENT_ROUTES: readonly SimRoute[] = [
  {
    method: 'GET',
    path: /^\/api\/clientes\/$/,
    handle: ({ res, url }, _, state) =>
      paginate(
        state,
        res,
        url,
        state.clients.filter((filter) => honoured(state, url, filter), url.searchParams),
      ),
  },
  {
    method: 'GET',
    path: /^\/api\/clientes\/(\d+)\/$/,
    handle: ({ res }, [id], state) => {
      const client = state.clients.byId.get(Number(id));
      return client ? sendJson(res, 200, client) : sendJson(res, 404, DETAIL_NOT_FOUND);
    },
  },
  {
    method: 'GET',
    path: /^\/api\/clientes\/(\d+)\/saldo\/?$/,
    handle: ({ res }, [id], { clients, billing, dialect }) => {
      const serviceId = Number(id);
      const client = clients.byId.get(serviceId);
      if (!client) return sendJson(res, 404, DETAIL_NOT_FOUND);
      if (dialect.balanceRecord === 'unknown')
        return sendJson(res, 200, { cliente: client.id_servicio, deuda: { valor: client.saldo }, documentos: [] });
      const set = clients.balances.get(serviceId);
      return sendJson(
        res,
        200,
        set
          ? shapeBalance(set.record, set.shape)
          : shapeBalance(billing.balance(client, Date.now(), dialect.balanceRecord), balanceShape(serviceId)),
      );
    },
  },
  {
    method: 'PUT',
    path: /^\/api\/clientes\/(\d+)\/perfil\/?$/,
    handle: async (call, [id], { clients }) => {
      const client = clients.byId.get(Number(id));
      if (!client) return sendJson(call.res, 404, DETAIL_NOT_FOUND);
      const form = await parseForm(call.req, call.body);
      if (!form) return sendJson(call.res, 400, { detail: 'JSON parse error.' });
      if (!clients.updateProfile(client, form)) return sendJson(call.res, 400, { non_field_errors: ['No se enviaron datos.'] });
      await call.afterWrite();
      return sendJson(call.res, 200, { detail: 'Perfil actualizado.' });
    },
  },
  {
    method: 'POST',
    path: /^\/api\/clientes\/(\d+)\/ping\/$/,
    handle: async (call, [id], { clients, pingTasks }) => {
      const serviceId = Number(id);
      if (!clients.byId.has(serviceId)) return sendJson(call.res, 404, DETAIL_NOT_FOUND);
      const form = (await parseForm(call.req, call.body)) ?? {};
      const pings = Math.min(Math.max(Number(form.pings ?? '4') || 4, 1), 20);
      const task: SimPingTask = { id: randomUUID(), serviceId, pings, createdAt: Date.now() };
      pingTasks.set(task.id, task);
      await call.afterWrite();
      return sendJson(call.res, 202, { task_id: task.id });
    },
  },
];
