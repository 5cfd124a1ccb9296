#!/bin/sh
# tests/bench/serve.sh: tdk serve under concurrent clients, with ab(1)
# (Debian apache2-utils) as the load generator; called by the bench harness.
#
#  1. Makes, in the work folder, a clients file, a schema of its own with the
#     catalog naming it, and one small declaration valid by it.
#  2. For each workload starts a fresh `tdk serve` (state in the work folder,
#     WAL and synchronous=FULL as always) and runs ab with BENCH_SERVE_C
#     concurrent clients (default 50) for BENCH_SERVE_N requests (default
#     5000):
#       token        POST /oauth/token, client credentials, a new connection each
#       declaration  POST /customs/declarations with the API's headers and a
#                    bearer token: schema validation, the declaration and its
#                    notification stored, 202; a new connection each
#       decl-keep    the same over keep-alive connections (ab -k)
#  3. Prints one table: requests per second, the 50th and 99th percentile
#     latency in ms (ab's), failed requests, and the server's peak RSS
#     (VmHWM from /proc at the end of the run) in KiB.  Each run is checked:
#     every answer 2xx, and for declarations the server's state holds one
#     row per request.
# Timing is never an error: the exit status is 0 unless a tool fails or a
# check does not hold.  Without ab the benchmark says so and is skipped.
#
# Environment: TDK (default ./tdk), BENCH_WORK (default tests/bench/work),
# BENCH_SERVE_N, BENCH_SERVE_C.
set -eu

bench_dir=$(cd "$(dirname "$0")" && pwd)
. "$bench_dir/lib.sh"
n=${BENCH_SERVE_N:-5000}
c=${BENCH_SERVE_C:-50}

command -v ab >/dev/null 2>&1 || { echo "serve: skipped: ab (Debian apache2-utils) is not installed"; exit 0; }
command -v curl >/dev/null 2>&1 || die "curl is needed for the token"
bench_work serve
printf 'bench s3cret write:customs-declaration,read:pull-notifications\n' >clients
bench_schema
{
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<Declaration xmlns="urn:tdk:bench:decl">\n'
	printf '  <FunctionalReferenceID>GBENCH0001</FunctionalReferenceID>\n'
	i=0; while [ $i -lt 20 ]; do printf '  <Goods>item %s: 100 cartons of tea, 2400 kg</Goods>\n' $i; i=$((i + 1)); done
	printf '</Declaration>\n'
} >decl.xml
printf 'grant_type=client_credentials&client_id=bench&client_secret=s3cret' >form

# start NAME: a fresh server for run NAME; sets pid and url.
start() {
	bench_serve "$1.db" "$1" --max-connections $((c + 64))
}

# run NAME AB-ARGS...: ab against the server of run NAME; appends a row to the table.
run() {
	name=$1
	shift
	ab -q -n "$n" -c "$c" "$@" >"$name.ab" 2>"$name.aberr" || die "ab failed on $name: $(tail -3 "$name.aberr")"
	rss=$(sed -n 's/^VmHWM:[ \t]*\([0-9]*\) kB$/\1/p' "/proc/$pid/status")
	rps=$(sed -n 's/^Requests per second: *\([0-9.]*\) .*/\1/p' "$name.ab")
	p50=$(sed -n 's/^ *50% *\([0-9]*\).*/\1/p' "$name.ab")
	p99=$(sed -n 's/^ *99% *\([0-9]*\).*/\1/p' "$name.ab")
	failed=$(sed -n 's/^Failed requests: *\([0-9]*\).*/\1/p' "$name.ab")
	non2xx=$(sed -n 's/^Non-2xx responses: *\([0-9]*\).*/\1/p' "$name.ab")
	[ "$failed" = 0 ] && [ -z "$non2xx" ] || die "$name: $failed failed, ${non2xx:-0} not 2xx (see $work/$name.ab)"
	printf '%-12s %10s %8s %8s %8s %10s\n' "$name" "$rps" "$p50" "$p99" "$failed" "$rss" >>results.txt
}

printf '%-12s %10s %8s %8s %8s %10s\n' workload 'req/s' 'p50 ms' 'p99 ms' failed 'peak KiB' >results.txt
start token
run token -p form -T application/x-www-form-urlencoded "$url/oauth/token"
stop
for w in declaration decl-keep; do
	start $w
	token=$(curl -s -d grant_type=client_credentials -d client_id=bench -d client_secret=s3cret "$url/oauth/token" |
		sed -n 's/.*"access_token":"\([0-9a-f]*\)".*/\1/p')
	[ -n "$token" ] || die "no token from tdk serve"
	keep=
	[ $w = decl-keep ] && keep=-k
	run $w $keep -p decl.xml -T 'application/xml; charset=UTF-8' -H 'Accept: application/vnd.hmrc.3.0+xml' \
		-H 'X-Badge-Identifier: ABC123' -H "Authorization: Bearer $token" "$url/customs/declarations"
	stop
	if command -v sqlite3 >/dev/null 2>&1; then
		rows=$(sqlite3 "$w.db" 'select count(*) from declarations')
		[ "$rows" = "$n" ] || die "$w: the server stored $rows declarations for $n requests"
	fi
done
printf '\ntdk serve under %s concurrent clients (ab, %s requests a workload, loopback):\n' "$c" "$n"
cat results.txt
