#!/usr/bin/env bash
# Makes sure Debian's chromium is at /usr/bin/chromium: the event browser's tests (packages/ui) and
# its bench workload drive it headless through playwright-core. Installed with apt-get when missing
# (as root, or through sudo when there is one). ES_CHROMIUM points the tests at another binary.
set -euo pipefail

chromium="${ES_CHROMIUM:-/usr/bin/chromium}"
[ -x "$chromium" ] && exit 0

echo "chromium: $chromium is missing, installing Debian's chromium" >&2
if [ "$(id -u)" -eq 0 ]; then as_root=(); elif command -v sudo >/dev/null 2>&1; then as_root=(sudo -n); else
  echo "chromium: not root and no sudo; install it with: apt-get install -y --no-install-recommends chromium" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# A fresh machine's package lists may be missing or stale: update them once if the install fails.
"${as_root[@]}" apt-get install -y -q --no-install-recommends chromium >&2 \
  || { "${as_root[@]}" apt-get update -q >&2 && "${as_root[@]}" apt-get install -y -q --no-install-recommends chromium >&2; }
[ -x "$chromium" ] || { echo "chromium: $chromium still missing after the install" >&2; exit 1; }
echo "chromium: $("$chromium" --version 2>/dev/null || echo installed)" >&2
