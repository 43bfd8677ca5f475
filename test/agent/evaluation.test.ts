/**
 * The evaluation set in CI: 42 WhatsApp conversations through the Twilio channel, the provider
 * simulator playing each conversation's tool-calling model, the WispHub simulator behind the
 * procedures. Every conversation must pass its expectations and the invariants (test/support/agent-eval.ts).
 */

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AGENT_CONVERSATIONS } from '../data/agent-conversations';
import { runEvaluation } from '../support/agent-eval';
import { BOT_KEY, startTestService, type TestService } from '../support/service';

const ADMIN_KEY = 'admin-key-agent-evaluation-0123456789';
const evaluation = suite('agent: the evaluation set (42 WhatsApp conversations, scripted model)');
let service: TestService;

evaluation.before(async () => {
  service = await startTestService({
    ADMIN_API_KEYS: `root=${ADMIN_KEY}`,
    CHANNEL_API_KEY: BOT_KEY,
    SIM_CLIENTS: '3000',
    USAGE_FLUSH_MS: '20',
  });
});
evaluation.after(async () => {
  await service?.stop();
});

evaluation('at least 40 conversations over the situations the issue names', () => {
  assert.ok(AGENT_CONVERSATIONS.length >= 40, `${AGENT_CONVERSATIONS.length}`);
  const situations = new Set(AGENT_CONVERSATIONS.map((conversation) => conversation.situation));
  for (const needed of [
    'no internet',
    'slow',
    'balance',
    'promise to pay on Friday',
    'plan change request',
    'angry customer',
    "someone else's data",
    'prompt injection',
    'wrong facts three times',
    'switches to English',
  ])
    assert.ok(situations.has(needed), needed);
  assert.is(new Set(AGENT_CONVERSATIONS.map((conversation) => conversation.id)).size, AGENT_CONVERSATIONS.length, 'ids are unique');
});

evaluation('every conversation passes its expectations and the invariants', async () => {
  const outcomes = await runEvaluation(service, { scripted: true, adminKey: ADMIN_KEY });
  const failed = outcomes.filter((outcome) => !outcome.passed);
  for (const outcome of failed) console.log(`  ${outcome.id}: ${outcome.failures.join('; ')}`);
  assert.is(failed.length, 0, `${failed.length} of ${outcomes.length} conversations failed`);
  console.log(
    `  evaluation: ${outcomes.length} conversations, ${outcomes.reduce((sum, outcome) => sum + outcome.modelCalls, 0)} model calls, all passed`,
  );
});

evaluation.run();
