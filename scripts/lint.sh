#!/usr/bin/env bash
# ESLint (type-aware) and a Prettier check over the paths in scripts/lint-paths.txt.
# `scripts/lint.sh --fix` applies ESLint fixes and Prettier formatting to the same paths.
set -euo pipefail
cd "$(dirname "$0")/.."
include=() ignore=() prettier=()
while read -r line; do
  [[ -z "$line" || "$line" == \#* ]] && continue
  if [[ "$line" == !* ]]; then ignore+=(--ignore-pattern "${line:1}"); prettier+=("$line"); else include+=("$line"); prettier+=("$line"); fi
done < scripts/lint-paths.txt
if [ "${1:-}" = "--fix" ]; then
  npx eslint --fix "${ignore[@]}" "${include[@]}"
  npx prettier --log-level warn --write "${prettier[@]}"
else
  npx eslint --max-warnings 0 "${ignore[@]}" "${include[@]}"
  npx prettier --log-level warn --check "${prettier[@]}"
fi
