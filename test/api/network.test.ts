import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type RestErrorBody, startTestService, type TestService } from '../support/service';

let service: TestService;
const network = suite('api: network diagnosis');
network.before(async () => {
  service = await startTestService({ SIM_PING_DELAY_MS: '150', PING_POLL_INTERVAL_MS: '30', PING_DEADLINE_MS: '3000' });
});
network.after(() => service.stop());

/** The simulator plays outcomes by service id: 0-5 stable, 6 intermittent, 7 antenna only, 8 no internet, 9 router error. */
const idEndingIn = (digit: number) =>
  service.sim.data.clients.find((c) => (c.id_servicio as number) % 10 === digit && (c.id_servicio as number) % 13 !== 0)!
    .id_servicio as number;

network('startPing then pingResult: pending, then the diagnosis with per-host figures (REST)', async () => {
  const serviceId = idEndingIn(6);
  const started = await service.staff(`/clients/${serviceId}/ping`, { method: 'POST', json: { pings: 4 } });
  assert.is(started.status, 200);
  const { taskId } = (await started.json()) as { taskId: string };
  const pending = (await (await service.staff(`/network/ping/${taskId}`)).json()) as { status: string };
  assert.is(pending.status, 'pending');
  await new Promise((resolve) => setTimeout(resolve, 200));
  const done = (await (await service.staff(`/network/ping/${taskId}`)).json()) as {
    status: string;
    outcome: string;
    hosts: { role: string; received: number; sent: number; lossPercent: number }[];
    message: string;
  };
  assert.is(done.status, 'done');
  assert.is(done.outcome, 'intermittent');
  const customer = done.hosts.find((h) => h.role === 'customer')!;
  assert.ok(customer.received < customer.sent);
  assert.ok(customer.lossPercent > 0);
  assert.ok(done.hosts.some((h) => h.role === 'antenna'));
  assert.match(done.message, /intermitente/);
});

network('diagnose waits server-side for each outcome (tRPC)', async () => {
  const expected: [number, string][] = [
    [1, 'stable'],
    [6, 'intermittent'],
    [7, 'antenna_only'],
    [8, 'no_internet'],
    [9, 'router_error'],
  ];
  const results = await Promise.all(expected.map(([digit]) => service.operator.network.diagnose.mutate({ serviceId: idEndingIn(digit) })));
  results.forEach((answer, index) => {
    assert.is(answer.result.status, 'done');
    if (answer.result.status === 'done') assert.is(answer.result.outcome, expected[index]![1]);
  });
});

network('a MAC-address customer host is the customer side', async () => {
  const raw = service.sim.data.clients.find((c) => (c.id_servicio as number) % 13 === 0 && (c.id_servicio as number) % 10 < 6)!;
  const answer = await service.operator.network.diagnose.mutate({ serviceId: raw.id_servicio as number, pings: 2 });
  assert.is(answer.result.status, 'done');
  if (answer.result.status === 'done') {
    assert.is(answer.result.outcome, 'stable');
    assert.is(answer.result.hosts.find((h) => h.role === 'customer')?.host, raw.mac_cpe);
  }
});

network('diagnose answers pending with the task id when the deadline passes', async () => {
  const slow = await startTestService({ SIM_PING_DELAY_MS: '5000', PING_POLL_INTERVAL_MS: '20', PING_DEADLINE_MS: '150' });
  try {
    const answer = await slow.operator.network.diagnose.mutate({ serviceId: 1001 });
    assert.is(answer.result.status, 'pending');
    assert.ok((answer.result.taskId ?? '').length > 0);
  } finally {
    await slow.stop();
  }
});

network('watchPing: a subscription over SSE emits each state until the diagnosis', async () => {
  const { taskId } = await service.operator.network.startPing.mutate({ serviceId: idEndingIn(7), pings: 3 });
  const states: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const subscription = service.operator.network.watchPing.subscribe(
      { taskId },
      {
        onData(result) {
          states.push(result.status === 'done' ? result.outcome : result.status);
          if (result.status === 'done') {
            subscription.unsubscribe();
            resolve();
          }
        },
        onError: reject,
      },
    );
    setTimeout(() => reject(new Error(`no diagnosis; saw ${states.join(',')}`)), 5000).unref();
  });
  assert.is(states[0], 'pending');
  assert.is(states.at(-1), 'antenna_only');
});

network('errors: unknown client 404, unknown task 404, pings out of range 400', async () => {
  const missing = await service.staff('/clients/999999/ping', { method: 'POST', json: {} });
  assert.is(missing.status, 404);
  assert.is(((await missing.json()) as RestErrorBody).error.reason, 'client_not_found');
  const task = await service.staff('/network/ping/no-such-task');
  assert.is(task.status, 404);
  assert.is(((await task.json()) as RestErrorBody).error.reason, 'ping_task_not_found');
  const tooMany = await service.staff(`/clients/${idEndingIn(1)}/ping`, { method: 'POST', json: { pings: 11 } });
  assert.is(tooMany.status, 400);
  assert.is(((await tooMany.json()) as RestErrorBody).error.issues?.[0]?.path, 'pings');
});

network.run();
