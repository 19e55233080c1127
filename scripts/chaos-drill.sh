#!/usr/bin/env bash
# The long chaos drill (issue 5 §6; docs/reliability.md §6): ChaosDrillTests in Release with the long knobs, then the
# figures. Three silo processes on a private PostgreSQL under an open-model load of checkouts paid at the sandbox's
# store counter, a kill -9 of a random silo every 7 s (at least 20 kills), one PostgreSQL crash in the middle; at the
# end every checkout is audited against the sandbox's ledger and the merchant's webhook receiver. Violations must be 0.
# Then the secrets scan reads every log the drill wrote (§7). Hits must be 0.
#
#   scripts/chaos-drill.sh                                              # the long variant (about 5 minutes)
#   CHAOS_DURATION_SECONDS=600 CHAOS_MIN_KILLS=70 scripts/chaos-drill.sh  # any knob can be overridden
#   CHAOS_SEED=<printed seed> scripts/chaos-drill.sh                    # replay a run's choices (victims, merchants, amounts, who pays)
#
# Needs what the tests need: the .NET SDK and PostgreSQL's server binaries (initdb, pg_ctl); everything runs on
# loopback, nothing leaves the machine. Artifacts (every process's log, the harness log, figures.md) go to
# $DURABILITY_ARTIFACTS, by default artifacts/chaos/<UTC time>/.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# The long variant's knobs (the CI defaults are in tests/DurabilityTests/Infrastructure/ChaosKnobs.cs).
export CHAOS_SILOS="${CHAOS_SILOS:-3}"
export CHAOS_DURATION_SECONDS="${CHAOS_DURATION_SECONDS:-180}"      # load and chaos
export CHAOS_KILL_EVERY_SECONDS="${CHAOS_KILL_EVERY_SECONDS:-7}"    # 180 / 7: 25 ticks, the middle one restarts PostgreSQL
export CHAOS_MIN_KILLS="${CHAOS_MIN_KILLS:-20}"                     # fewer kills fail the drill
export CHAOS_RATE="${CHAOS_RATE:-5}"                                # checkouts arriving per second
export CHAOS_UNPAID_PERCENT="${CHAOS_UNPAID_PERCENT:-10}"
export CHAOS_PG_DOWN_SECONDS="${CHAOS_PG_DOWN_SECONDS:-5}"
export CHAOS_PG_STOP="${CHAOS_PG_STOP:-immediate}"                  # a crash: PostgreSQL recovers from its WAL on start
export CHAOS_RETRY_SECONDS="${CHAOS_RETRY_SECONDS:-60}"
export CHAOS_SETTLE_SECONDS="${CHAOS_SETTLE_SECONDS:-240}"
export DURABILITY_ARTIFACTS="${DURABILITY_ARTIFACTS:-$PWD/artifacts/chaos/$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$DURABILITY_ARTIFACTS"

env | grep -E '^(CHAOS|DURABILITY)_' | sort | tee "$DURABILITY_ARTIFACTS/knobs.txt"
started=$(date +%s)
dotnet build tests/DurabilityTests -c Release
status=0
# The drill, then the secrets scan of its logs (docs/reliability.md §7), which runs last.
dotnet test tests/DurabilityTests -c Release --no-build --filter "Category=Chaos|Category=Secrets" --logger "console;verbosity=normal" \
  > "$DURABILITY_ARTIFACTS/test-output.log" 2>&1 || status=$?
grep -E '^\s+(Passed|Failed) |^(Passed|Failed)!|Total tests' "$DURABILITY_ARTIFACTS/test-output.log" || true

echo
echo "# Chaos drill figures ($(( $(date +%s) - started )) s, exit $status; artifacts in $DURABILITY_ARTIFACTS)"
cat "$DURABILITY_ARTIFACTS/figures.md" 2>/dev/null || echo "(no figures: see $DURABILITY_ARTIFACTS/test-output.log)"
exit $status
