#!/bin/sh
# tests/bench/harmonise.sh: tdk harmonise over BENCH_HARM_N declarations
# (default 1000) in one process; for tests/bench/run.sh (`make bench`).
#
#  1. Makes, in the work folder, the declarations: the DEC-DMS:2 declarations
#     of the corpus (TDK_CORPUS/wco/hmrc-customs-declarations, read by path),
#     taken in turn, or samples/wco-declaration-raw.xml when the corpus is not
#     there (those tdk harmonises without an error); in every copy the currencies are written in lower case and the
#     dates in ISO 8601, so that each document has values to change.
#  2. Measures with GNU time (`/usr/bin/time -f '%e %U %S %M'`) two runs over them
#     all: `tdk harmonise -q -O out` (harmonise and write) and
#     `tdk harmonise -q --check` (read and report only).
#  3. Prints one table: wall time, files per second, MB per second, user and
#     system CPU seconds and peak RSS of each run.
# Timing is never an error: the exit status is 0 unless a run fails in a way
# other than the answer (harmonise exits 1 when a value is in error: a
# corpus declaration may hold one, and --check exits 1 by design).
#
# Environment: TDK (default ./tdk), BENCH_WORK (default tests/bench/work),
# BENCH_HARM_N (default 1000), TDK_CORPUS (default ../shared/corpus),
# GNU_TIME (default /usr/bin/time).
set -eu

bench_dir=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$bench_dir/../.." && pwd)
TDK=${TDK:-./tdk}
case $TDK in /*) ;; *) TDK=$(pwd)/$TDK ;; esac
work=${BENCH_WORK:-$bench_dir/work}/harmonise
n=${BENCH_HARM_N:-1000}
corpus=${TDK_CORPUS:-$repo/../shared/corpus}/wco/hmrc-customs-declarations/instances
gnu_time=${GNU_TIME:-/usr/bin/time}

die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }
[ -x "$TDK" ] || die "no tdk binary at '$TDK'"
[ -x "$gnu_time" ] || die "GNU time is needed at $gnu_time (Debian package time)"

rm -rf "$work" && mkdir -p "$work/docs" "$work/out" || die "cannot make $work"
cd "$work"
if [ -d "$corpus" ]; then
	find "$corpus" -type f -name '*.xml' | sort | xargs grep -l 'urn:wco:datamodel:WCO:DEC-DMS:2' >dec || true
	# Those harmonised without an error (a few in the corpus are not well-formed: comments with "--").
	while read -r f; do
		if "$TDK" harmonise -q "$f" >/dev/null 2>&1; then echo "$f"; fi
	done <dec >sources
fi
[ -s sources ] || echo "$repo/samples/wco-declaration-raw.xml" >sources
nsrc=$(wc -l <sources)
awk -v n="$n" -v s="$nsrc" 'BEGIN { for (i = 1; i <= n; i++) print i, (i - 1) % s + 1 }' |
while read -r i k; do
	f=$(sed -n "${k}p" sources)
	sed -e 's/currencyID="\([A-Z]\)\([A-Z]\)\([A-Z]\)"/currencyID="\L\1\2\3"/g' \
	    -e 's/formatCode="304">\([0-9]\{4\}\)\([0-9]\{2\}\)\([0-9]\{2\}\)\([0-9]\{2\}\)\([0-9]\{2\}\)\([0-9]\{2\}\)Z</formatCode="304">\1-\2-\3T\4:\5:\6Z</g' \
	    "$f" >"docs/d$i.xml"
done
bytes=$(cat docs/*.xml | wc -c)

measure() { # label command...
	label=$1
	shift
	"$gnu_time" -f '%e %U %S %M' -o time.txt "$@" >/dev/null 2>err.txt
	rc=$?
	[ $rc -le 1 ] || { cat err.txt >&2; die "$label: exit $rc"; }
	echo "$label $(tail -n 1 time.txt)" >>results.txt
}
: >results.txt
set +e
measure harmonise "$TDK" harmonise -q -O out -r docs
measure check "$TDK" harmonise -q --check -r docs
set -e
[ "$(ls out | wc -l)" -eq "$n" ] || die "harmonise wrote $(ls out | wc -l) of $n files"

printf '\nharmonise: %s declarations (%s sources, %s bytes in all), one process each run\n' "$n" "$nsrc" "$bytes"
awk -v n="$n" -v b="$bytes" '
	BEGIN { printf "%-10s %8s %10s %8s %8s %8s %10s\n", "run", "wall s", "files/s", "MB/s", "user s",
		"sys s", "peak RSS" }
	{ s = $2 > 0 ? $2 : 0.01
	  printf "%-10s %8.2f %10.0f %8.1f %8.2f %8.2f %7.1f MB\n", $1, $2, n / s, b / s / 1e6, $3, $4, $5 / 1024 }
	' results.txt
echo "(files/s and MB/s on wall time; -O writes each file atomically, synced, as every tdk output is)"
