#!/usr/bin/env bash
# Prints a directory holding a Node.js >= 22 binary, provisioning Node 24 from the
# npm registry into ~/.cache/brandbase-node when the system node is older.
# Usage: export PATH="$(bash scripts/ensure-node.sh):$PATH"
set -euo pipefail
required_major=22
pinned="node@24.21.0"
cache="${BRANDBASE_NODE_CACHE:-$HOME/.cache/brandbase-node}"

major_of() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if command -v node >/dev/null 2>&1 && [ "$(major_of node)" -ge "$required_major" ]; then
  dirname "$(command -v node)"
  exit 0
fi

bin="$cache/node_modules/.bin"
if [ ! -x "$bin/node" ] || [ "$(major_of "$bin/node")" -lt "$required_major" ]; then
  echo "brandbase: system node is older than $required_major; installing $pinned into $cache" >&2
  mkdir -p "$cache"
  npm install --silent --no-audit --no-fund --prefix "$cache" "$pinned" >&2
fi
echo "$bin"
