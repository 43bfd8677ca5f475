import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { printReport, runSoak } from '../soak/soak';

/** The 15 s soak (npm run soak runs 60 s): 10% faults, mixed reads and writes. */
const soak = suite('faults: 15 s soak');

soak('zero 500s, zero duplicate tickets, zero partial lists, valid bodies, reasons on every error', async () => {
  const report = await runSoak(15);
  printReport(report);
  assert.ok(report.requests > 100, 'the soak made traffic');
  assert.ok(report.ticketsCreated > 0, 'tickets were created');
  assert.ok((report.byStatus['503'] ?? 0) + (report.byStatus['504'] ?? 0) + report.staleAnswers > 0, 'faults were injected');
  assert.equal(report.violations, []);
});

soak.run();
