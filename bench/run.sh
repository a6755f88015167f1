#!/usr/bin/env bash
# Import and report benchmarks (SPEC §7): prints figures, asserts nothing.
#   bench/run.sh [LEARNERS] [ATTENDANCE]      defaults: 50000 1000000
# Needs sqlite3 (Debian: apt-get install sqlite3) and GNU time (/usr/bin/time) for peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
learners=${1:-50000}
rows=${2:-1000000}
cargo build --release --quiet
bin=$PWD/target/release/xueshi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XUESHI_DB=$work/bench.db XUESHI_OPERATOR=bench XUESHI_TODAY=2025-01-15

secs() { python3 -c 'import sys,time; print(f"{time.time():.3f}")'; }

"$bin" gen --learners "$learners" --attendance "$rows" --year 2024 --seed 1 --out "$work/data" 2>/dev/null
echo "data: $learners learners, $rows attendance rows ($(du -h "$work/data/attendance.csv" | cut -f1) CSV)"

# The baseline: sqlite3's own .import of the same CSV into a bare table, in this run.
t0=$(secs)
sqlite3 "$work/bare.db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
CREATE TABLE attendance (staff_id TEXT, course TEXT, date TEXT, status TEXT);
.mode csv
.import --skip 1 $work/data/attendance.csv attendance
SQL
t1=$(secs)
bare=$(python3 -c "print(f'{$t1 - $t0:.2f}')")
echo "sqlite3 .import into a bare table:     ${bare} s"

"$bin" init 2>/dev/null
"$bin" import learners "$work/data/learners.csv" --create-branches >/dev/null
"$bin" import courses "$work/data/courses.csv" >/dev/null
t0=$(secs)
/usr/bin/time -f "%M" -o "$work/rss" "$bin" import attendance "$work/data/attendance.csv" >/dev/null
t1=$(secs)
ours=$(python3 -c "print(f'{$t1 - $t0:.2f}')")
rss=$(( $(tail -n 1 "$work/rss") / 1024 ))
echo "xueshi import attendance:              ${ours} s  (ratio $(python3 -c "print(f'{$ours / $bare:.2f}')")x; target <= 1.5x), peak memory ${rss} MB (target < 100 MB)"

# What SQLite alone takes to put the same records into this schema's attendance table (its
# primary key, the learner index, foreign keys on): the floor under any importer of ours.
cp "$XUESHI_DB" "$work/floor.db"
floor=$(sqlite3 "$work/floor.db" <<'SQL' | sed -n 's/^Run Time: real \([0-9.]*\).*/\1/p'
PRAGMA foreign_keys = ON;
PRAGMA cache_size = -32768;
CREATE TEMP TABLE copy AS SELECT * FROM attendance;
DELETE FROM attendance;
.timer on
INSERT INTO attendance SELECT * FROM copy;
SQL
)
echo "sqlite3 INSERT…SELECT into our table:  ${floor} s  (the floor: $(python3 -c "print(f'{$floor / $bare:.2f}')")x)"

t0=$(secs)
/usr/bin/time -f "%M" -o "$work/rss" "$bin" import attendance "$work/data/attendance.csv" >/dev/null
t1=$(secs)
echo "the same file again (all unchanged):   $(python3 -c "print(f'{$t1 - $t0:.2f}')") s, peak memory $(( $(tail -n 1 "$work/rss") / 1024 )) MB"

"$bin" import online "$work/data/online.csv" >/dev/null
for i in 1 2 3; do
  t0=$(secs)
  "$bin" report year 2024 --format json >/dev/null
  t1=$(secs)
  echo "report year 2024 (json), run $i:        $(python3 -c "print(f'{$t1 - $t0:.2f}')") s (target < 1 s)"
done
t0=$(secs)
"$bin" notice 2024-Q4 --format json >/dev/null
t1=$(secs)
echo "notice 2024-Q4 (json):                 $(python3 -c "print(f'{$t1 - $t0:.2f}')") s"
