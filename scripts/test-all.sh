#!/usr/bin/env bash
# `./dev test`'s steps, in order, stopping at the first that fails; each step's time is printed,
# and all of them at the end, so a slow CI run says where its minutes went.
set -uo pipefail
steps=(typecheck api:check lint readme-snippets test conformance test:install)
times=()
for step in "${steps[@]}"; do
  started=$(date +%s)
  # Arguments go to the last step, the install test (its recipes), as before.
  if [ "$step" = test:install ]; then pnpm run "$step" "$@"; else pnpm run "$step"; fi
  status=$?
  elapsed=$(( $(date +%s) - started ))
  times+=("$step ${elapsed}s")
  echo "test-all: $step took ${elapsed}s (exit $status)"
  if [ "$status" -ne 0 ]; then printf 'test-all: %s\n' "${times[@]}"; exit "$status"; fi
done
printf 'test-all: %s\n' "${times[@]}"
