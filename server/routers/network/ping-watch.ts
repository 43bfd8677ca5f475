/**
 * `watchPing`: one poller per task, shared by every subscriber of that task. Ten watchers of one
 * task cost upstream what one does; the poller stops the moment the task is done or the last
 * watcher leaves (no "one more" poll after an unsubscribe).
 */

import type { Services } from '../../services';
import type { LookupContext } from '../clients/lookup';
import { type PingResult, readPingResult } from './handler';

interface Watcher {
  push(result: PingResult): void;
  end(failure?: unknown): void;
}

interface SharedPoll {
  watchers: Set<Watcher>;
  last: PingResult | null;
  timer: ReturnType<typeof setTimeout> | null;
}

const pollsByService = new WeakMap<Services, Map<string, SharedPoll>>();

function pollsOf(services: Services): Map<string, SharedPoll> {
  let polls = pollsByService.get(services);
  if (!polls) pollsByService.set(services, (polls = new Map()));
  return polls;
}

/** A context of the poller's own: reads are shared, so no request's report is written by them. */
function pollerContext(services: Services, taskId: string): LookupContext {
  return {
    services,
    requestId: `watch-ping:${taskId}`,
    surface: 'trpc',
    presentedApiKey: null,
    presentedVerification: null,
    endUser: null,
    report: { keyName: null, cacheState: null, procedure: null },
  };
}

function startPoll(services: Services, taskId: string, polls: Map<string, SharedPoll>): SharedPoll {
  const poll: SharedPoll = { watchers: new Set(), last: null, timer: null };
  const forget = () => {
    if (polls.get(taskId) === poll) polls.delete(taskId);
  };
  const finish = (failure?: unknown) => {
    forget();
    for (const watcher of poll.watchers) watcher.end(failure);
    poll.watchers.clear();
  };
  const tick = async () => {
    poll.timer = null;
    if (poll.watchers.size === 0) return;
    let result: PingResult;
    try {
      result = await readPingResult(pollerContext(services, taskId), taskId);
    } catch (error) {
      finish(error);
      return;
    }
    poll.last = result;
    for (const watcher of poll.watchers) watcher.push(result);
    if (result.status === 'done') finish();
    else if (poll.watchers.size > 0) poll.timer = setTimeout(() => void tick(), services.config.PING_POLL_INTERVAL_MS);
    else forget();
  };
  polls.set(taskId, poll);
  queueMicrotask(() => void tick());
  return poll;
}

function subscribe(services: Services, taskId: string, watcher: Watcher): () => void {
  const polls = pollsOf(services);
  const poll = polls.get(taskId) ?? startPoll(services, taskId, polls);
  poll.watchers.add(watcher);
  if (poll.last) watcher.push(poll.last);
  return () => {
    poll.watchers.delete(watcher);
    if (poll.watchers.size > 0) return;
    if (poll.timer) clearTimeout(poll.timer);
    poll.timer = null;
    if (polls.get(taskId) === poll) polls.delete(taskId);
  };
}

/** Tasks being polled now (for tests and diagnostics). */
export function watchedTasks(services: Services): number {
  return pollsOf(services).size;
}

/** Every state of a task until the diagnosis, the subscriber's deadline (PING_DEADLINE_MS) or its leaving. */
export async function* watchPing(ctx: LookupContext, taskId: string, signal?: AbortSignal): AsyncGenerator<PingResult> {
  const queue: PingResult[] = [];
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | null = null;
  const watcher: Watcher = {
    push(result) {
      queue.push(result);
      wake?.();
    },
    end(error) {
      ended = true;
      failure = error;
      wake?.();
    },
  };
  const unsubscribe = subscribe(ctx.services, taskId, watcher);
  const deadline = setTimeout(() => watcher.end(), ctx.services.config.PING_DEADLINE_MS);
  const onAbort = () => watcher.end();
  signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      let result: PingResult | undefined;
      while ((result = queue.shift()) !== undefined) {
        yield result;
        if (result.status === 'done') return;
      }
      if (ended) {
        if (failure !== undefined) throw failure;
        return;
      }
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
  } finally {
    clearTimeout(deadline);
    signal?.removeEventListener('abort', onAbort);
    unsubscribe();
  }
}
