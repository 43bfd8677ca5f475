/**
 * A bot's first steps: find the customer by the phone they write from, then verify them.
 *
 *   npm start                     # in another terminal (embedded simulator)
 *   npm run example -- 3001234567 # phone to look up (optional)
 *
 * Env: WISPHUB_GATEWAY_URL (default http://localhost:3000), WISPHUB_GATEWAY_KEY (default: development key).
 */
import { TRPCClientError } from '@trpc/client';
import { createWispHubClient, type AppRouter } from '../index';

const url = process.env.WISPHUB_GATEWAY_URL ?? 'http://localhost:3000';
const apiKey = process.env.WISPHUB_GATEWAY_KEY ?? 'dev-local-key-not-for-production';
const client = createWispHubClient({ url, apiKey });

async function main(): Promise<void> {
  let phone = process.argv[2];
  if (!phone) {
    // No phone given: take one from a search so the example runs against any data set.
    const found = await client.clients.search.query({ q: 'pena', limit: 20 });
    phone = found.items.find((hit) => hit.client.phones.length > 0)?.client.phones[0];
    if (!phone) throw new Error('no client with a phone found');
  }
  const { items } = await client.clients.byPhone.query({ phone });
  const customer = items[0]!;
  console.log(`Found ${items.length} service(s) for ${phone}: #${customer.serviceId} ${customer.name} (${customer.status})`);

  const verification = await client.clients.verify.mutate({
    serviceId: customer.serviceId,
    phone,
    ...(customer.document ? { document: customer.document } : { name: customer.name }),
  });
  console.log(`Verification: ${verification.isValid ? 'valid' : 'not valid'} - ${verification.message}`);
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
