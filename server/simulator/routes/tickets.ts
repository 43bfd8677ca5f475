/** The simulator's ticket routes: list, create, read, change, comments and the subject catalogue, each where the dialect has it. */

import { presentTicket } from '../dialect';
import { DETAIL_NOT_FOUND, htmlNotFound, parseForm, parseMultipart, sendJson } from '../http';
import { paginate } from '../paging';
import type { SimRoute } from '../routing';
import { honoured } from '../state';

export const TICKET_ROUTES: readonly SimRoute[] = [
  {
    method: '*',
    path: /^\/api\/tickets\/asuntos-tickets\/$/,
    when: (dialect) => dialect.subjectCatalogue === 'absent',
    handle: ({ res }) => htmlNotFound(res),
  },
  {
    method: '*',
    path: /^\/api\/tickets\/comentarios\//,
    when: (dialect) => !dialect.ticketComments,
    handle: ({ res }) => htmlNotFound(res),
  },
  {
    method: 'GET',
    path: /^\/api\/tickets\/comentarios\/$/,
    handle: ({ res, url }, _, state) => paginate(state, res, url, state.tickets.commentsOf(honoured(state, url, 'ticket'))),
  },
  {
    method: 'POST',
    path: /^\/api\/tickets\/comentarios\/$/,
    handle: async (call, _, { tickets }) => {
      const form = await parseMultipart(call.req, call.body);
      if (!form) return sendJson(call.res, 400, { detail: 'Cuerpo de la solicitud inválido.' });
      const answer = tickets.addComment(form);
      if (answer.status === 201) await call.afterWrite();
      return sendJson(call.res, answer.status, answer.body);
    },
  },
  {
    method: ['PATCH', 'PUT'],
    path: /^\/api\/tickets\/(\d+)\/$/,
    handle: async (call, [id], { tickets, dialect }) => {
      const ticket = tickets.byId.get(Number(id));
      if (!ticket) return sendJson(call.res, 404, DETAIL_NOT_FOUND);
      const method = call.req.method;
      if (method === 'PATCH' && !dialect.ticketPatch) return sendJson(call.res, 405, { detail: 'Método "PATCH" no permitido.' });
      const form = await parseForm(call.req, call.body);
      if (!form) return sendJson(call.res, 400, { detail: 'JSON parse error.' });
      const answer = tickets.change(ticket, form, method === 'PUT', dialect);
      if (answer.status === 200) await call.afterWrite();
      return sendJson(call.res, answer.status, answer.body);
    },
  },
  {
    method: 'GET',
    path: /^\/api\/tickets\/asuntos-tickets\/$/,
    handle: ({ res, url }, _, state) => {
      if (state.dialect.subjectCatalogue === 'unreadable') return paginate(state, res, url, [{ id: 1 }, { id: 2, activo: true }]);
      const subjects = state.tickets.catalogue(state.dialect).map((nombre, index) => ({ id: index + 1, nombre }));
      return paginate(state, res, url, subjects);
    },
  },
  {
    method: 'GET',
    path: /^\/api\/tickets\/$/,
    // `estado` and `servicio` filter, unless a fault makes upstream ignore them silently.
    handle: ({ res, url }, _, state) => {
      const listed = state.tickets.list(honoured(state, url, 'estado'), honoured(state, url, 'servicio'));
      return paginate(
        state,
        res,
        url,
        listed.map((ticket) => presentTicket(ticket, state.dialect)),
      );
    },
  },
  {
    method: 'POST',
    path: /^\/api\/tickets\/$/,
    handle: async (call, _, { tickets, dialect }) => {
      const form = await parseForm(call.req, call.body);
      if (!form) return sendJson(call.res, 400, { detail: 'Cuerpo de la solicitud inválido.' });
      const answer = tickets.create(form, dialect);
      if (answer.status === 201) await call.afterWrite();
      return sendJson(call.res, answer.status, answer.body);
    },
  },
  {
    method: 'GET',
    path: /^\/api\/tickets\/(\d+)\/$/,
    handle: ({ res }, [id], { tickets, dialect }) => {
      const ticket = tickets.byId.get(Number(id));
      return ticket ? sendJson(res, 200, presentTicket(ticket, dialect)) : sendJson(res, 404, DETAIL_NOT_FOUND);
    },
  },
];
