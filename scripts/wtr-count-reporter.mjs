// A wtr reporter that writes the run's test counts to $WTR_COUNT_FILE for the closing line of `npm test`.
import { writeFileSync } from 'node:fs';

function countSuite(suite, counts) {
  for (const t of suite.tests ?? []) {
    if (t.skipped) counts.skipped++;
    else if (t.passed) counts.passed++;
    else counts.failed++;
  }
  for (const s of suite.suites ?? []) countSuite(s, counts);
}

export function countReporter() {
  return {
    onTestRunFinished({ sessions }) {
      const counts = { passed: 0, failed: 0, skipped: 0, files: sessions.length };
      for (const session of sessions) {
        const failedBefore = counts.failed;
        if (session.testResults) countSuite(session.testResults, counts);
        // A file that failed to load, or threw outside any test, counts as one more failure.
        const ownFailures = counts.failed - failedBefore;
        if ((session.errors?.length ?? 0) > 0 || (!session.passed && ownFailures === 0)) counts.failed++;
      }
      if (process.env.WTR_COUNT_FILE) writeFileSync(process.env.WTR_COUNT_FILE, JSON.stringify(counts));
    },
  };
}
