/** Bench child: the provider simulator alone, on loopback. Reports {"url"} once listening. */
import { startLlmSimulator } from '../../server/llm-simulator/server';

const simulator = await startLlmSimulator({});
process.send?.({ url: simulator.url });
process.on('SIGTERM', () => void simulator.close().then(() => process.exit(0)));
