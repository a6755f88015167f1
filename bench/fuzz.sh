#!/usr/bin/env bash
# Fuzzing of imports by hand (tests/it/fuzz.rs): N hostile sheets, half into the demo school and
# half into the sample school, each checked as `cargo test` checks its bounded run. Prints how
# many inputs ran and every failure; a failed input is kept under fixtures/fuzz/ with its command
# (commit it: `kept_inputs_stay_fixed` then imports it on every test run).
#   bench/fuzz.sh [N] [SEED]      defaults: 10000, the clock
set -euo pipefail
cd "$(dirname "$0")/.."
export XUESHI_FUZZ_INPUTS=${1:-10000}
export XUESHI_FUZZ_SEED=${2:-$(date +%s)}
exec cargo test --release --quiet --test it -- --ignored --exact fuzz::long_run --nocapture
