/** The simulator's task route: a ping's or an activate/deactivate's state, where the dialect has the endpoint. */

import { DETAIL_NOT_FOUND, htmlNotFound, sendJson } from '../http';
import { pingTaskState } from '../ping';
import type { SimRoute } from '../routing';

export const TASK_ROUTES: readonly SimRoute[] = [
  { method: '*', path: /^\/api\/tasks\//, when: (dialect) => !dialect.taskEndpoint, handle: ({ res }) => htmlNotFound(res) },
  {
    method: 'GET',
    path: /^\/api\/tasks\/([\w-]+)\/$/,
    handle: ({ res }, [id], { billing, pingTasks, clients, pingDelayMs }) => {
      const serviceTask = billing.serviceTasks.get(id!);
      if (serviceTask) return sendJson(res, 200, billing.serviceTaskState(serviceTask, pingDelayMs, Date.now()));
      const task = pingTasks.get(id!);
      const client = task ? clients.byId.get(task.serviceId) : undefined;
      if (!task || !client) return sendJson(res, 404, DETAIL_NOT_FOUND);
      return sendJson(res, 200, pingTaskState(task, client, pingDelayMs, Date.now()));
    },
  },
];
