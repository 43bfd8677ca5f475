/**
 * npm run eval:agent: the agent's evaluation set against a real model (not in CI). Needs a provider
 * key in the environment (OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY or an
 * OPENAI_COMPATIBLE_BASE_URL); WispHub and Twilio stay on their simulators. Prints each
 * conversation's result, the pass rate and the cost per conversation (at registry prices), to be
 * dated in docs/agent.md.
 */

import { runEvaluation } from '../support/agent-eval';
import { BOT_KEY, startTestService } from '../support/service';

const ADMIN_KEY = 'admin-key-agent-evaluation-real-0123456789';

if (
  !process.env.OPENAI_API_KEY &&
  !process.env.ANTHROPIC_API_KEY &&
  !process.env.GEMINI_API_KEY &&
  !process.env.OPENAI_COMPATIBLE_BASE_URL
) {
  console.error('eval:agent needs a model provider key (OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY or OPENAI_COMPATIBLE_BASE_URL).');
  process.exit(2);
}

const service = await startTestService({
  ADMIN_API_KEYS: `root=${ADMIN_KEY}`,
  CHANNEL_API_KEY: BOT_KEY,
  SIM_CLIENTS: '3000',
  USAGE_FLUSH_MS: '20',
  LLM_SIMULATOR: 'off',
  // A real model may take longer than the webhook's inline window: the replies still arrive through the Messages API.
  TWILIO_REPLY_WITHIN_MS: '14000',
  ...Object.fromEntries(
    [
      'OPENAI_API_KEY',
      'ANTHROPIC_API_KEY',
      'GEMINI_API_KEY',
      'OPENAI_COMPATIBLE_BASE_URL',
      'OPENAI_COMPATIBLE_API_KEY',
      'OPENAI_COMPATIBLE_NAME',
    ]
      .filter((name) => process.env[name])
      .map((name) => [name, process.env[name]!]),
  ),
});
try {
  const started = Date.now();
  const outcomes = await runEvaluation(service, { scripted: false, adminKey: ADMIN_KEY });
  for (const outcome of outcomes)
    console.log(`${outcome.passed ? 'pass' : 'FAIL'}  ${outcome.id}  $${outcome.costUsd.toFixed(5)}  ${outcome.failures.join('; ')}`);
  const passed = outcomes.filter((outcome) => outcome.passed).length;
  const cost = outcomes.reduce((sum, outcome) => sum + outcome.costUsd, 0);
  console.log(
    `\n${new Date().toISOString().slice(0, 10)}: ${passed}/${outcomes.length} passed (${((100 * passed) / outcomes.length).toFixed(1)}%), ` +
      `$${(cost / outcomes.length).toFixed(5)} per conversation, ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
} finally {
  await service.stop();
}
