#!/usr/bin/env bash
# Runs every *.test.ts under the service folders with node's test runner (Node 20 has no --test globs).
# Extra arguments narrow the run: scripts/test.sh collector/routing
set -euo pipefail
cd "$(dirname "$0")/.."
roots=("$@")
[ ${#roots[@]} -gt 0 ] || roots=(core collector ingest policy api finance cli dashboards test bench)
mapfile -t files < <(find "${roots[@]}" -name '*.test.ts' -not -path '*/node_modules/*' 2>/dev/null | sort)
if [ ${#files[@]} -eq 0 ]; then echo "no test files under ${roots[*]}" >&2; exit 1; fi
# Each file is bounded (15 min) and exits once its tests end, so one hung file fails itself instead of the whole run.
# Two files at a time: most of the long files wait on real time (policy windows, a broker or ClickHouse held
# down, a process restarted), so two overlap well on 2 cores (full run 12.7 min against 20–21 min one at a time,
# measured 2026-12-01). Files share nothing: each takes free ports, its own data directory and its own topics.
exec node --import tsx --test --test-concurrency="${SWITCHYARD_TEST_CONCURRENCY:-2}" --test-timeout="${SWITCHYARD_TEST_FILE_TIMEOUT_MS:-900000}" --test-force-exit --test-reporter=spec "${files[@]}"
