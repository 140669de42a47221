#!/usr/bin/env node
// Build: tsc compiles our code module for module into dist/; esbuild then replaces
// dist/lib/vendor.js with a bundle of the third-party libraries it re-exports, so
// dist needs nothing from node_modules at run time except n8n-workflow (a peer).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
esbuild.buildSync({
	entryPoints: [path.join(root, 'lib/vendor.ts')],
	outfile: path.join(dist, 'lib/vendor.js'),
	bundle: true,
	platform: 'node',
	format: 'cjs',
	target: 'node20',
	legalComments: 'linked',
	logLevel: 'warning',
});
fs.chmodSync(path.join(dist, 'lib/cli/main.js'), 0o755);
console.log('built dist/');
