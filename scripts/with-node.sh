#!/usr/bin/env bash
# Runs a command with Node >= 22 first on PATH (see ensure-node.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
node_dir="$(bash "$here/ensure-node.sh")"
export PATH="$node_dir:$here/../node_modules/.bin:$PATH"
exec "$@"
