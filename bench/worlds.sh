#!/usr/bin/env bash
# Random schools with changing lives, each built through the commands and compared with the
# independent implementation of SPEC v2 (../shared/check): prints the worlds that disagree.
#   bench/worlds.sh [N] [FIRST_SEED]      defaults: 20 0
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20}
first=${2:-0}
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/worlds.py "$first" "$((first + n))" "$work"
failed=0
for w in "$work"/w*.json; do
  if ! out=$(XUESHI_BIN=target/release/xueshi ../shared/check-contract --only lives,notices --world "$w" 2>&1); then
    failed=$((failed + 1))
    echo "== $(basename "$w")"
    echo "$out" | head -20
  fi
done
echo "$((n - failed)) passed, $failed failed"
