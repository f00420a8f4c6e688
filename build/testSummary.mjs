#!/usr/bin/env node
// Prints one closing line over every vitest run of `npm test` (unit and e2e), from
// their JSON reports: "tests: N passed, N failed, N skipped".
import fs from 'node:fs';

const reports = ['test-results/unit.json', 'test-results/e2e.json'].filter((f) => fs.existsSync(f));
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of reports) {
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
