/**
 * A bot's first steps, as the trust model has them: find the customer from what they say, see
 * only masked hints, verify them with facts only they know, then read their full record.
 *
 *   npm start                                        # in another terminal (embedded simulator)
 *   npm run example -- 3001234567 1098765432         # the phone and document the customer gives
 *   npm run example                                  # against the simulator: the ISP's staff picks a demo customer
 *
 * Env: WISPHUB_GATEWAY_URL (default http://localhost:3000), WISPHUB_GATEWAY_KEY (a bot key; default:
 * the development key), WISPHUB_GATEWAY_OPERATOR_KEY (only to pick a demo customer; default: the
 * development operator key, accepted by a gateway running on its simulator with no keys configured).
 */
import { TRPCClientError } from '@trpc/client';
import { type AppRouter, createWispHubClient } from '../index';

const url = process.env.WISPHUB_GATEWAY_URL ?? 'http://localhost:3000';
const apiKey = process.env.WISPHUB_GATEWAY_KEY ?? 'dev-local-key-not-for-production';
const operatorKey = process.env.WISPHUB_GATEWAY_OPERATOR_KEY ?? 'dev-local-operator-key-not-for-production';
// One conversation: tokens are bound to it (a hash of the WhatsApp number in a real bot).
const endUser = 'example-conversation-1';

/** What a customer would tell the bot; without arguments, a demo customer picked by staff (an operator key). */
async function customerFacts(): Promise<{ phone: string; document: string }> {
  const [phone, document] = process.argv.slice(2);
  if (phone && document) return { phone, document };
  const staff = createWispHubClient({ url, apiKey: operatorKey });
  const found = await staff.clients.search.query({ q: 'pena', limit: 20 });
  for (const { client } of found.items) {
    if (client.view === 'full' && client.phones[0] && client.document) return { phone: client.phones[0], document: client.document };
  }
  throw new Error('no demo customer with a phone and a document found');
}

async function main(): Promise<void> {
  const facts = await customerFacts();
  const bot = createWispHubClient({ url, apiKey, endUser });
  const { items } = await bot.clients.byPhone.query({ phone: facts.phone });
  const hint = items[0]!;
  const shown = hint.view === 'masked' ? `${hint.nameHint}, documento terminado en ${hint.documentEnding ?? '?'}` : hint.name;
  console.log(`Found ${items.length} service(s) for ${facts.phone}: #${hint.serviceId} ${shown}`);

  const verification = await bot.clients.verify.mutate({ serviceId: hint.serviceId, phone: facts.phone, document: facts.document });
  console.log(`Verification: ${verification.isValid ? 'valid' : 'not valid'} - ${verification.message}`);
  if (!verification.verificationToken) return;

  const verified = createWispHubClient({ url, apiKey, endUser, verificationToken: verification.verificationToken });
  const record = await verified.clients.byServiceId.query({ serviceId: hint.serviceId });
  if (record.view === 'full') console.log(`Full record: ${record.name} (${record.status}), plan ${record.plan?.name ?? '-'}`);
}

main().catch((error: unknown) => {
  if (error instanceof TRPCClientError) {
    const typed = error as TRPCClientError<AppRouter>;
    console.error(`Gateway error ${typed.data?.httpStatus ?? ''} ${typed.data?.reason ?? ''}: ${typed.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
