/**
 * Compile-time proof that the typed client rejects wrong inputs. Checked by `tsc --noEmit`
 * (part of `npm test`); never executed. Each @ts-expect-error fails the build if the line compiles.
 */
import { createWispHubClient, type RouterInputs, type RouterOutputs } from '../../client/index';

const client = createWispHubClient({ url: 'http://localhost:3000', apiKey: 'key' });

export async function typeChecks(): Promise<void> {
  // @ts-expect-error serviceId is required
  await client.clients.byServiceId.query({});
  // @ts-expect-error serviceId is a number, not an object
  await client.clients.byServiceId.query({ serviceId: { id: 1 } });
  // @ts-expect-error search takes `q`, not `query`
  await client.clients.search.query({ query: 'pena' });
  // @ts-expect-error verify is a mutation, not a query
  await client.clients.verify.query({ serviceId: 1, document: '1' });
  // @ts-expect-error planPrice is a number
  await client.clients.verify.mutate({ serviceId: 1, planPrice: { pesos: 1 } });
  // @ts-expect-error unknown procedure
  await client.clients.deleteEverything.mutate({});

  const found: RouterOutputs['clients']['byServiceId'] = await client.clients.byServiceId.query({ serviceId: 1 });
  // @ts-expect-error outputs are typed: no `password` field exists
  void found.password;
  // @ts-expect-error a bot may get masked hints: the full record's fields exist only once `view` says 'full'
  void found.status;
  if (found.view === 'full') {
    const status: 'active' | 'suspended' | 'cancelled' | 'free' | 'unknown' = found.status;
    void status;
  } else {
    const hint: string = found.nameHint;
    void hint;
  }
  const input: RouterInputs['clients']['updateProfile'] = { serviceId: 1, city: 'Granada' };
  void input;
}
