#!/usr/bin/env bash
# The long durability drill: tests/DurabilityTests in Release with larger knobs (docs/durability.md), then the figures.
#
#   scripts/durability-drill.sh                      # every proof, long variant
#   scripts/durability-drill.sh SiloKillTests        # one proof (a dotnet test filter on the class or test name)
#   DURABILITY_KILL_ROUNDS=30 scripts/durability-drill.sh SiloKillTests    # any knob can be overridden
#
# Needs what the tests need: the .NET SDK and PostgreSQL's server binaries (initdb, pg_ctl); everything runs on
# loopback, nothing leaves the machine. Artifacts (every process's log, the harness log, figures.md) go to
# $DURABILITY_ARTIFACTS, by default artifacts/durability/drill-<UTC time>/.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# The long variant's knobs (the CI defaults are in tests/DurabilityTests/Infrastructure/DurabilityKnobs.cs).
export DURABILITY_RESTART_CHECKOUTS="${DURABILITY_RESTART_CHECKOUTS:-5}"        # per stage: registered, webhook failing, paid while down, expiring
export DURABILITY_KILL_SILOS="${DURABILITY_KILL_SILOS:-3}"
export DURABILITY_KILL_ROUNDS="${DURABILITY_KILL_ROUNDS:-12}"                   # kills; they cycle through the three stages
export DURABILITY_KILL_CHECKOUTS="${DURABILITY_KILL_CHECKOUTS:-3}"              # per stage per kill
export DURABILITY_LOAD_SILOS="${DURABILITY_LOAD_SILOS:-3}"
export DURABILITY_LOAD_WORKERS="${DURABILITY_LOAD_WORKERS:-6}"
export DURABILITY_LOAD_RATE="${DURABILITY_LOAD_RATE:-4}"                        # create + read + payment per second per client
export DURABILITY_PG_RESTARTS="${DURABILITY_PG_RESTARTS:-3}"                    # fast stop, crash (immediate), fast stop
export DURABILITY_PG_DOWN_SECONDS="${DURABILITY_PG_DOWN_SECONDS:-8}"
export DURABILITY_LOAD_BETWEEN_SECONDS="${DURABILITY_LOAD_BETWEEN_SECONDS:-6}"
export DURABILITY_REQUEST_BOUND_SECONDS="${DURABILITY_REQUEST_BOUND_SECONDS:-20}"
export DURABILITY_SETTLE_SECONDS="${DURABILITY_SETTLE_SECONDS:-240}"
export DURABILITY_ARTIFACTS="${DURABILITY_ARTIFACTS:-$PWD/artifacts/durability/drill-$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$DURABILITY_ARTIFACTS"

# The chaos drill has its own long run (scripts/chaos-drill.sh). The secrets scan of the run's logs (docs/reliability.md
# §7) runs last, one proof or all.
filter=(--filter "Category!=Chaos")
if [[ $# -gt 0 ]]; then
  filter=(--filter "FullyQualifiedName~$1|Category=Secrets")
fi

env | grep '^DURABILITY_' | sort | tee "$DURABILITY_ARTIFACTS/knobs.txt"
started=$(date +%s)
dotnet build tests/DurabilityTests -c Release
status=0
dotnet test tests/DurabilityTests -c Release --no-build "${filter[@]}" --logger "console;verbosity=normal" \
  > "$DURABILITY_ARTIFACTS/test-output.log" 2>&1 || status=$?
grep -E '^\s+(Passed|Failed) |^(Passed|Failed)!|Total tests' "$DURABILITY_ARTIFACTS/test-output.log" || true

echo
echo "# Durability drill figures ($(( $(date +%s) - started )) s, exit $status; artifacts in $DURABILITY_ARTIFACTS)"
cat "$DURABILITY_ARTIFACTS/figures.md" 2>/dev/null || echo "(no figures: see $DURABILITY_ARTIFACTS/test-output.log)"
exit $status
