// A node:test reporter that emits the run's test counts as JSON (suites are not counted as tests).
export default async function* countReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data;
    if (d.details?.type === 'suite') {
      // A suite whose hook failed has no failing test of its own: count it once.
      if (event.type === 'test:fail' && d.details?.error?.failureType !== 'subtestsFailed') counts.failed++;
      continue;
    }
    if (d.skip || d.todo) counts.skipped++;
    else if (event.type === 'test:pass') counts.passed++;
    else counts.failed++;
  }
  yield JSON.stringify(counts);
}
