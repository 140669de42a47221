#!/usr/bin/env node
// Prints one closing line for CI from jest's --json result files: "tests: N passed, N failed".
const fs = require('node:fs');
let passed = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
	if (!fs.existsSync(file)) continue;
	const r = JSON.parse(fs.readFileSync(file, 'utf8'));
	passed += r.numPassedTests;
	failed += r.numFailedTests;
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
