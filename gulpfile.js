// Copies node and credential icons next to the compiled files (tsc does not copy SVG/PNG).
const { src, dest } = require('gulp');

function buildIcons() {
	src('nodes/**/*.{png,svg}', { encoding: false }).pipe(dest('dist/nodes'));
	return src('credentials/**/*.{png,svg}', { encoding: false, allowEmpty: true }).pipe(dest('dist/credentials'));
}

exports['build:icons'] = buildIcons;
