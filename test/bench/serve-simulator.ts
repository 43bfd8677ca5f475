/** Bench child: the simulator alone, on loopback. Prints {"url","apiKey"} once listening. */
import { startSimulator } from '../../server/simulator/server';

const clients = Number(process.env.SIM_CLIENTS ?? 10_000);
const simulator = await startSimulator({ seed: 20260806, clients, plans: 55, tickets: 2500, zones: 20, pingDelayMs: 1000 });
process.send?.({ url: simulator.url, apiKey: simulator.apiKey });
process.on('SIGTERM', () => void simulator.close().then(() => process.exit(0)));
