#!/usr/bin/env bash
# CI: a FOCUS export of seeded traffic (CSV and Parquet), checked by the FinOps Foundation's own
# validator (PyPI focus-validator, via shared/tools/focus-validate) against FOCUS 1.2 with the
# applicability criteria that describe Switchyard. Exits non-zero on any violated rule.
#
# One known validator defect is tolerated, and only in this exact form: InvoiceId-C-003-C is an OR
# of InvoiceId-C-004-C ("null when not invoiced") and InvoiceId-C-005-C ("not null when
# invoiced"); focus-validator 2.2.1 also reports the branch that does not apply as a failed rule,
# so every dataset fails one of the two. Our InvoiceId is null (no provider invoice ids), so
# C-004 holds and C-005 is reported: accepted only when the OR rule itself passes.
# The report (~85 KB) is searched from a here-string, never `echo | grep -q`: grep -q exits at its
# match while echo is still writing past the 64 KB pipe buffer, and under pipefail that SIGPIPE
# made the check fail at random (CI of ffea482).
set -euo pipefail
cd "$(dirname "$0")/../.."
validate=${FOCUS_VALIDATE:-../shared/tools/focus-validate}
criteria=USAGE_MEASUREMENT_SUPPORTED,UNIT_PRICING_SUPPORTED,NEGOTIATED_PRICING_SUPPORTED,PUBLIC_PRICE_LIST_SUPPORTED,TAGGING_SUPPORTED,REGION_SUPPORTED,SUB_ACCOUNT_SUPPORTED
mapfile -t files < <(node --import tsx finance/focus/seed-and-export.ts)
[ ${#files[@]} -eq 2 ] || { echo "focus-ci: the export did not produce two files" >&2; exit 1; }
trap 'rm -rf "$(dirname "${files[0]}")"' EXIT
for file in "${files[@]}"; do
  set +e
  report=$("$validate" "$file" --validate-version 1.2 --applicability-criteria "$criteria" 2>&1)
  rc=$?
  set -e
  echo "focus-ci: $(basename "$file"): $(grep -E '^Total:' <<<"$report" | tail -1)"
  [ $rc -eq 0 ] && continue
  [ $rc -eq 1 ] || { echo "$report" >&2; exit $rc; }
  failed=$(grep -E '^❌ ' <<<"$report" | sed -E 's/^❌ ([A-Za-z0-9-]+):.*/\1/' | sort -u | tr '\n' ' ')
  if [ "$failed" = "InvoiceId-C-005-C " ] && grep -q '^✅ InvoiceId-C-003-C: PASS' <<<"$report"; then
    echo "focus-ci: InvoiceId-C-005-C reported although its OR rule InvoiceId-C-003-C passes (validator defect, see this script); accepted"
    continue
  fi
  grep -E '^(❌|- |  MustSatisfy)' <<<"$report" >&2
  echo "focus-ci: $(basename "$file") violates FOCUS 1.2: $failed" >&2
  exit 1
done
echo "focus-ci: FOCUS 1.2 exports valid"
