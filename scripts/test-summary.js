#!/usr/bin/env node
// Prints one closing line for CI from jest's --json result files: "tests: N passed, N failed".
// A missing or unreadable result file, a suite that failed to run (its tests never counted)
// and a run jest itself marks unsuccessful all fail the summary, not only failed tests.
const fs = require('node:fs');
let passed = 0;
let failed = 0;
const problems = [];
for (const file of process.argv.slice(2)) {
	let r;
	try {
		r = JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch (err) {
		problems.push(`${file}: no jest result (${err.code || err.message})`);
		continue;
	}
	passed += r.numPassedTests;
	failed += r.numFailedTests;
	if (r.numRuntimeErrorTestSuites > 0) problems.push(`${file}: ${r.numRuntimeErrorTestSuites} suite(s) failed to run`);
	if (r.numFailedTestSuites > 0 && r.numFailedTests === 0) problems.push(`${file}: ${r.numFailedTestSuites} suite(s) failed outside their tests`);
	if (r.success === false && r.numFailedTests === 0 && r.numFailedTestSuites === 0) problems.push(`${file}: jest reported the run as unsuccessful`);
}
for (const p of problems) console.log(p);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 || problems.length ? 1 : 0);
