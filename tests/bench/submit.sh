#!/bin/sh
# tests/bench/submit.sh: tdk submit against the shell script a broker would
# otherwise write, a curl(1) per document; called by the bench harness.
#
#  1. Makes, in the work folder, a clients file, a schema of its own with the
#     catalog naming it, BENCH_SUBMIT_N declarations (default 1000) with
#     distinct LRNs (GSUB00001 ...), each about 2 KB with 20 goods lines, and
#     an endpoints file naming the server (client credentials, the catalog).
#  2. For each workload starts a fresh `tdk serve` on the loopback, its state
#     on a tmpfs (/dev/shm when there is one) so that the server's own fsyncs
#     weigh the same on every row, and sends every declaration once:
#       tdk -j1          tdk submit -e bench FILE... : one process, keep-alive,
#                        each document validated, journaled (SQLite, WAL,
#                        synchronous=FULL, the journal on disk in the work
#                        folder) and sent
#       tdk -j4          the same with -j 4
#       tdk -j8          the same with -j 8: the journal commits the begins
#                        and answers of the workers waiting at one moment
#                        together (one fsync), so more workers share them
#       tdk -j1 tmpfs    -j 1 with the journal on the tmpfs: the difference
#                        to "tdk -j1" is what the journal's fsyncs cost
#       tdk -j4 tmpfs    -j 4, the journal on the tmpfs
#       tdk -j1 novalid  -j 1, --no-validate (journal on disk)
#       curl loop        for f in *.xml; do curl ... -d @$f ...; done, one curl
#                        process per document with the API's headers and the
#                        same bearer token, as a shell script does it; no
#                        validation, no journal, no retry
#       curl one         one curl process with every document (a config file
#                        of BENCH_SUBMIT_N transfers): keep-alive, no process
#                        per document; still nothing validated or journaled
#  3. Prints one table: wall time, documents per second, ms per document, the
#     client's peak RSS (GNU time; "-" for the loop), and the speed against
#     the curl loop in the same run (the issue's goal: >= 5x), then the
#     journal's cost per submission in ms and what one synchronous write
#     costs on the work folder's disk (dd oflag=dsync).  Each run is checked: every
#     answer 202 (tdk: every document "accepted"), and the server's state
#     holds one row per document.
# Timing is never an error: the exit status is 0 unless a tool fails or a
# check does not hold.
#
# Environment: TDK (default ./tdk), BENCH_WORK (default tests/bench/work),
# BENCH_SUBMIT_N (default 1000), GNU_TIME (default /usr/bin/time),
# BENCH_TMPFS (default /dev/shm).
set -eu

bench_dir=$(cd "$(dirname "$0")" && pwd)
. "$bench_dir/lib.sh"
n=${BENCH_SUBMIT_N:-1000}

command -v curl >/dev/null 2>&1 || { echo "submit: skipped: curl is not installed"; exit 0; }
bench_need_time
bench_work submit
bench_fast submit
printf 'bench s3cret write:customs-declaration\n' >clients
printf 's3cret\n' >secret && chmod 600 secret
bench_schema
# The declarations, by awk: one file per LRN, G (the first letter: accepted by tdk serve's rules).
awk -v n="$n" 'BEGIN {
	for (i = 1; i <= n; i++) {
		f = sprintf("docs/GSUB%05d.xml", i)
		printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Declaration xmlns=\"urn:tdk:bench:decl\">\n" >f
		printf "  <FunctionalReferenceID>GSUB%05d</FunctionalReferenceID>\n", i >f
		for (j = 0; j < 20; j++)
			printf "  <Goods>item %d of %d: 100 cartons of tea, 2400 kg</Goods>\n", j, i >f
		printf "</Declaration>\n" >f
		close(f)
	}
}'
ls docs/*.xml >files

# start NAME: a fresh server for run NAME, its state on the tmpfs; sets pid, url and the endpoints file.
start() {
	bench_serve "$fast/$1.db" "$1"
	printf '%s\n' '[bench]' 'profile = rest' "url = $url/customs/declarations" 'api-version = 3.0' \
		'grant = client-credentials' "token-url = $url/oauth/token" 'client-id = bench' \
		'client-secret-file = secret' 'scope = write:customs-declaration' 'badge-id = ABC123' \
		'catalog = cat.xml' 'timeout = 30' >endpoints
}

# stored NAME: checks that the server of run NAME (stopped) stored every declaration once.
stored() {
	command -v sqlite3 >/dev/null 2>&1 || return 0
	rows=$(sqlite3 "$fast/$1.db" 'select count(distinct lrn) || " " || count(*) from declarations')
	[ "$rows" = "$n $n" ] || die "$1: the server stored $rows (distinct, all) declarations for $n documents"
}

# tdk_run NAME JOURNAL [OPTION ...]: tdk submit of every document under GNU time.
tdk_run() {
	label=$1 name=$(stem "$1") journal=$2
	shift 2
	start "$name"
	rm -f "$journal"* && rm -rf cache
	XDG_CACHE_HOME=$work/cache "$gnu_time" -f '%e %M' -o "$name.time" "$TDK" submit --endpoints endpoints \
		-e bench --journal "$journal" "$@" --files-from files >"$name.report" 2>"$name.stderr" ||
		die "$name: tdk submit failed: $(tail -3 "$name.stderr")"
	stop
	got=$(grep -c ': accepted, conversation ' "$name.report" || true)
	[ "$got" = "$n" ] || die "$name: $got of $n documents accepted (see $work/$name.report)"
	stored "$name"
	line=$(tail -n 1 "$name.time")
	row "$label" tdk "${line% *}" "${line#* }"
}

# token: a client-credentials token from the running server, for curl.
token() {
	curl -s -d grant_type=client_credentials -d client_id=bench -d client_secret=s3cret "$url/oauth/token" |
		sed -n 's/.*"access_token":"\([0-9a-f]*\)".*/\1/p'
}

# curl_loop NAME: one curl per document, as a shell script does it.
curl_loop() {
	set -- "$(stem "$1")" "$1"
	start "$1"
	tok=$(token)
	[ -n "$tok" ] || die "no token from tdk serve"
	cat >loop.sh <<'EOF'
while read -r f; do
	curl -s -o /dev/null -w '%{http_code}\n' -H 'Accept: application/vnd.hmrc.3.0+xml' \
		-H 'Content-Type: application/xml; charset=UTF-8' -H 'X-Badge-Identifier: ABC123' \
		-H "Authorization: Bearer $1" --data-binary "@$f" "$2/customs/declarations"
done <files
EOF
	"$gnu_time" -f '%e %M' -o "$1.time" sh loop.sh "$tok" "$url" >"$1.codes" 2>"$1.stderr" ||
		die "$1: the curl loop failed: $(tail -3 "$1.stderr")"
	stop
	check_codes "$1"
	line=$(tail -n 1 "$1.time")
	row "$2" "curl x$n" "${line% *}" -
}

# curl_one NAME: one curl with every document, a transfer each (--next), over one connection.
curl_one() {
	set -- "$(stem "$1")" "$1"
	start "$1"
	tok=$(token)
	[ -n "$tok" ] || die "no token from tdk serve"
	while read -r f; do
		printf 'url = "%s/customs/declarations"\ndata-binary = "@%s"\noutput = "/dev/null"\nsilent\n' "$url" "$f"
		printf 'write-out = "%%{http_code}\\n"\nheader = "Accept: application/vnd.hmrc.3.0+xml"\n'
		printf 'header = "Content-Type: application/xml; charset=UTF-8"\nheader = "X-Badge-Identifier: ABC123"\n'
		printf 'header = "Authorization: Bearer %s"\nnext\n' "$tok"
	done <files | sed '$d' >one.conf
	"$gnu_time" -f '%e %M' -o "$1.time" curl -K one.conf >"$1.codes" 2>"$1.stderr" ||
		die "$1: curl failed: $(tail -3 "$1.stderr")"
	stop
	check_codes "$1"
	line=$(tail -n 1 "$1.time")
	row "$2" "curl x1" "${line% *}" "${line#* }"
}

check_codes() {
	got=$(grep -c '^202$' "$1.codes" || true)
	[ "$got" = "$n" ] || die "$1: $got of $n answers were 202 (see $work/$1.codes)"
	stored "$1"
}

# The disk's price of durability, for the reading of the journal's rows: 100 writes of 4 KiB, each synced.
sync_ms=$(dd if=/dev/zero of=sync.test bs=4k count=100 oflag=dsync 2>&1 |
	sed -n 's/.* copied, \([0-9.]*\) s,.*/\1/p' | awk '{ printf "%.2f", $1 * 1000 / 100 }')
rm -f sync.test
: >results.txt
tdk_run "tdk -j1" "$work/journal.db"
tdk_run "tdk -j4" "$work/journal.db" -j 4
tdk_run "tdk -j8" "$work/journal.db" -j 8
tdk_run "tdk -j1 tmpfs" "$fast/journal.db"
tdk_run "tdk -j4 tmpfs" "$fast/journal.db" -j 4
tdk_run "tdk -j1 novalid" "$work/journal.db" --no-validate
curl_loop "curl loop"
curl_one "curl one"

printf '\ntdk submit of %s declarations to tdk serve on the loopback (server state on %s), against curl:\n' \
	"$n" "${tmpfs:-disk: no tmpfs}"
ratio_table "curl loop" 5 doc
awk -F'|' -v n="$n" -v sync="${sync_ms:-?}" '
	$1 == "tdk -j1" { disk = $3 }
	$1 == "tdk -j1 tmpfs" { mem = $3 }
	END {
		printf "\njournal cost: %.2f ms per submission (tdk -j1 with the journal on disk, less on tmpfs; '"'"'sending'"'"' and the answer each made durable)\n", (disk - mem) * 1000 / n
		printf "disk: one synchronous 4 KiB write in the work folder takes %s ms (dd oflag=dsync, 100 writes)\n", sync
	}' results.txt
