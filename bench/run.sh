#!/usr/bin/env bash
# Benchmarks of SPEC §7 (the v2 targets): every figure beside its target, in one run. Prints
# figures, asserts nothing. Each command runs RUNS times; figures are medians (peak memory: the
# largest), and the import is timed in pairs with sqlite3's own .import (one, then the other, RUNS
# times), so that a machine whose speed drifts compares like with like.
#   bench/run.sh [LEARNERS] [ROWS] [RUNS]      defaults: 50000 1000000 5
#   XUESHI_BIN=path/to/xueshi bench/run.sh     figures of another build (an older one, to compare)
# Needs sqlite3 (Debian: apt-get install sqlite3), GNU time for peak memory (apt-get install time)
# and python3. On a machine shared with builds, run it when they are done, or twice.
# PostgreSQL figures too when a server can be had: $XUESHI_BENCH_PG, a base URL whose databases the
# script may create and drop (postgresql://USER@HOST:PORT), or else a throwaway cluster started here
# from Debian's postgresql package (as root, run as the postgres user); psql for its \copy.
set -euo pipefail
cd "$(dirname "$0")/.."
learners=${1:-50000}
rows=${2:-1000000}
runs=${3:-5}
big=$((rows * 3))
if [ -z "${XUESHI_BIN:-}" ]; then
  cargo build --release --quiet
fi
bin=${XUESHI_BIN:-$PWD/target/release/xueshi}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XUESHI_OPERATOR=bench XUESHI_TODAY=2025-01-15
unset XUESHI_DB

# timed OUT CMD…: runs CMD (output thrown away), appends "seconds peak_KiB" to the file OUT.
timed() {
  local out=$1
  shift
  local t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -f "%M" -o "$work/peak" "$@" >/dev/null 2>"$work/stderr" || {
    cat "$work/stderr" >&2
    exit 1
  }
  t1=$(date +%s%N)
  echo "$(((t1 - t0) / 1000000)) $(tail -n 1 "$work/peak")" >>"$out"
}

# Medians and the largest peak of figure files, and their ratios, in python (bash has no floats).
figures() {
  python3 - "$work" "$@" <<'PY'
import statistics, sys
work, what = sys.argv[1], sys.argv[2]
def runs(name):
    return [tuple(map(int, l.split())) for l in open(f"{work}/{name}") if l.strip()]
def secs(name):
    return statistics.median(ms for ms, _ in runs(name)) / 1000
def peak(name):
    return max(kib for _, kib in runs(name)) / 1024
def ratio(a, b):
    return statistics.median(x[0] / y[0] for x, y in zip(runs(a), runs(b)))
def verdict(ok):
    return "met" if ok else "MISSED"
if what == "pg-import":
    r = ratio("pg-ours", "pg-bare")
    print(f"PostgreSQL: import attendance, {int(sys.argv[3]):,} rows: {secs('pg-ours'):.2f} s; psql \\copy of the"
          f" same CSV into a bare table: {secs('pg-bare'):.2f} s; ratio {r:.2f}x (target <= 1.5x): {verdict(r <= 1.5)}")
elif what == "import":
    r = ratio("ours", "bare")
    print(f"import attendance, {int(sys.argv[3]):,} rows: {secs('ours'):.2f} s; sqlite3 .import of the same CSV"
          f" into a bare table: {secs('bare'):.2f} s; ratio {r:.2f}x (target <= 1.0x): {verdict(r <= 1.0)}")
elif what == "growth":
    r = ratio("big", "small")
    print(f"import attendance, {int(sys.argv[3]):,} rows: {secs('big'):.2f} s, {r:.2f}x the time of"
          f" {int(sys.argv[4]):,} rows ({secs('small'):.2f} s) (target <= 3.2x): {verdict(r <= 3.2)}")
    worst = max(peak("ours"), peak("small"), peak("big"))
    print(f"peak memory of the import: {peak('ours'):.0f} MB ({int(sys.argv[4]):,} rows), {peak('big'):.0f} MB"
          f" ({int(sys.argv[3]):,} rows) (target < 64 MB at any size): {verdict(worst < 64)}")
else:
    name, label, limit, mem = sys.argv[3], sys.argv[4], float(sys.argv[5]), sys.argv[6:]
    s, m = secs(name), peak(name)
    ok = s < limit and (not mem or m < float(mem[0]))
    target = f"< {limit} s" + (f", < {mem[0]} MB" if mem else "")
    print(f"{label}: {s:.2f} s, peak {m:.0f} MB (target {target}): {verdict(ok)}")
PY
}

"$bin" gen --learners "$learners" --attendance "$rows" --year 2024 --seed 1 --out "$work/data" 2>/dev/null
"$bin" gen --learners "$learners" --attendance "$big" --year 2024 --seed 1 --out "$work/data3" 2>/dev/null
sheet=$work/data/attendance.csv
echo "data: $learners learners; $rows attendance rows ($(du -h "$sheet" | cut -f1) CSV) and $big ($(du -h "$work/data3/attendance.csv" | cut -f1)); $runs runs of each figure"

# The school before its attendance: roster and courses, the WAL folded into the file.
XUESHI_DB=$work/start.db "$bin" init >/dev/null 2>&1
XUESHI_DB=$work/start.db "$bin" import learners "$work/data/learners.csv" --create-branches >/dev/null
XUESHI_DB=$work/start.db "$bin" import courses "$work/data/courses.csv" >/dev/null
sqlite3 "$work/start.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
fresh() { rm -f "$work/$1" "$work/$1-wal" "$work/$1-shm"; }
import() { fresh run.db && cp "$work/start.db" "$work/run.db" && timed "$work/$1" "$bin" --db "$work/run.db" import attendance "$2"; }
bare() {
  fresh bare.db
  timed "$work/bare" sqlite3 "$work/bare.db" \
    'PRAGMA journal_mode = WAL' \
    'CREATE TABLE attendance (staff_id TEXT, course TEXT, date TEXT, status TEXT)' \
    ".import --csv --skip 1 $sheet attendance"
}

# 1. The import against sqlite3's own .import, in pairs.
for _ in $(seq "$runs"); do
  bare
  import ours "$sheet"
done
figures import "$rows"

# 2. Three times the rows: the time grows linearly, the memory not at all (pairs again).
for _ in $(seq "$runs"); do
  import small "$sheet"
  import big "$work/data3/attendance.csv"
done
figures growth "$big" "$rows"

# 3. Reports and notices over the million rows (and the online hours), the batch to undo.
fresh full.db
cp "$work/start.db" "$work/full.db"
"$bin" --db "$work/full.db" import attendance "$sheet" >/dev/null
"$bin" --db "$work/full.db" import online "$work/data/online.csv" >/dev/null
sqlite3 "$work/full.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
for format in table csv json md html xlsx; do
  for _ in $(seq "$runs"); do timed "$work/year-$format" "$bin" --db "$work/full.db" report year 2024 --format "$format"; done
  figures one "year-$format" "report year 2024 --format $format" 0.3 100
done
for format in text md json html; do
  for _ in $(seq "$runs"); do timed "$work/notice-$format" "$bin" --db "$work/full.db" notice 2024-Q4 --format "$format"; done
  figures one "notice-$format" "notice 2024-Q4 --format $format" 0.2
done

# 4. Undo of the million-row batch (batches 1 and 2 are the roster and the courses).
for _ in $(seq "$runs"); do
  fresh undo.db
  cp "$work/full.db" "$work/undo.db"
  timed "$work/undo" "$bin" --db "$work/undo.db" imports undo 3
done
figures one undo "imports undo 3 (its batch of $rows rows)" 1.5

# 5. PostgreSQL: the import against psql's \copy of the same CSV into a bare table (pairs), and the
# year report over the same school. A fresh database per run, made from a template of the school.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
pg=${XUESHI_BENCH_PG:-}
if [ -z "$pg" ] && [ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ]; then
  as_owner=()
  if [ "$(id -u)" = 0 ]; then
    as_owner=(runuser -u postgres --)
    chown postgres: "$work"
  fi
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  if "${as_owner[@]}" "$pg_bin/initdb" -A trust -U postgres -E UTF8 -D "$work/pg" >/dev/null 2>&1; then
    "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
      -o "-p $port -c listen_addresses=127.0.0.1 -k $work" start >/dev/null
    trap '"${as_owner[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1; rm -rf "$work"' EXIT
    pg=postgresql://postgres@127.0.0.1:$port
  fi
fi
if [ -z "$pg" ] || ! command -v psql >/dev/null; then
  echo "PostgreSQL: skipped (no \$XUESHI_BENCH_PG, no /usr/lib/postgresql/*/bin/initdb, or no psql)"
  exit 0
fi
pg=${pg%/}
sql() { psql -q -X -v ON_ERROR_STOP=1 "$pg/postgres" -c "$1" >/dev/null; }
sql 'DROP DATABASE IF EXISTS xueshi_bench_start'
sql 'CREATE DATABASE xueshi_bench_start'
"$bin" --db "$pg/xueshi_bench_start" init >/dev/null 2>&1
"$bin" --db "$pg/xueshi_bench_start" import learners "$work/data/learners.csv" --create-branches >/dev/null
"$bin" --db "$pg/xueshi_bench_start" import courses "$work/data/courses.csv" >/dev/null
for _ in $(seq "$runs"); do
  sql 'DROP DATABASE IF EXISTS xueshi_bench_bare'
  sql 'CREATE DATABASE xueshi_bench_bare'
  timed "$work/pg-bare" psql -q -X -v ON_ERROR_STOP=1 "$pg/xueshi_bench_bare" \
    -c 'CREATE TABLE attendance (staff_id TEXT, course TEXT, date TEXT, status TEXT)' \
    -c "\\copy attendance FROM '$sheet' (FORMAT csv, HEADER)"
  sql 'DROP DATABASE IF EXISTS xueshi_bench_run'
  sql 'CREATE DATABASE xueshi_bench_run TEMPLATE xueshi_bench_start'
  timed "$work/pg-ours" "$bin" --db "$pg/xueshi_bench_run" import attendance "$sheet"
done
figures pg-import "$rows"
"$bin" --db "$pg/xueshi_bench_run" import online "$work/data/online.csv" >/dev/null
for format in table json; do
  for _ in $(seq "$runs"); do
    timed "$work/pg-year-$format" "$bin" --db "$pg/xueshi_bench_run" report year 2024 --format "$format"
  done
  figures one "pg-year-$format" "PostgreSQL: report year 2024 --format $format ($learners learners)" 0.5
done
for db in start bare run; do sql "DROP DATABASE IF EXISTS xueshi_bench_$db"; done
