#!/bin/sh
# tests/bench/as4.sh: AS4 messages per second sent by tdk submit (profile
# as4) to tdk serve's AS4 receiver, with the peak memory of both; run by
# `make bench`.
#
#  1. Makes, in the work folder, a test PKI (tests/pki.sh: the sender's key
#     rsa.key, party urn:example:party:a; the receiver's other.key, party
#     urn:example:party:b) and BENCH_AS4_N declarations (default 1000) of
#     about BENCH_AS4_KB KB each (default 4), each with its own LRN.
#  2. For each workload starts a fresh `tdk serve` with its AS4 receiver
#     (--as4-key, the sender as partner) on the loopback, its state on a
#     tmpfs (/dev/shm when there is one), and sends every declaration once
#     with `tdk submit -e as4 --files-from` (one process, keep-alive, each
#     message journaled in SQLite on disk, its MessageId fixed before the
#     send, a UserMessage built from the endpoint's P-Mode, WS-Security
#     signed (RSA-SHA256, the ebMS header, the body and the attachment),
#     POSTed, the signed Receipt verified and its NRI compared):
#       signed -j1 / -j4           signed only
#       signed+encrypted -j4       the attachment also encrypted (AES-128-GCM, RSA-OAEP)
#       signed+compressed -j4      the attachment gzip-compressed, then signed
#  3. Prints one table: wall time, messages per second, ms per message,
#     the peak RSS of tdk submit (GNU time) and of tdk serve (its VmHWM).
#     Each row is checked: every message accepted with a Receipt, and
#     serve's as4_payloads holding every declaration once, each under its
#     own MessageId.
# There is no AS4 implementation installable here to compare against (the
# ones of the corpus, phase4, Domibus and Holodeck B2B, are Java servers,
# not packages of this system): the figures stand alone.  Timing is never
# an error: the exit status is 0 unless a tool fails or a check does not hold.
#
# Environment: TDK (default ./tdk), BENCH_WORK (default tests/bench/work),
# BENCH_AS4_N (default 1000), BENCH_AS4_KB (default 4), GNU_TIME (default
# /usr/bin/time), BENCH_TMPFS (default /dev/shm).
set -eu

bench_dir=$(cd "$(dirname "$0")" && pwd)
REPO=${REPO:-$(cd "$bench_dir/../.." && pwd)}
. "$bench_dir/../pki.sh"
. "$bench_dir/lib.sh"
n=${BENCH_AS4_N:-1000}
kb=${BENCH_AS4_KB:-4}

command -v sqlite3 >/dev/null 2>&1 || { echo "as4: skipped: sqlite3 is not installed"; exit 0; }
command -v openssl >/dev/null 2>&1 || { echo "as4: skipped: openssl is not installed"; exit 0; }
bench_need_time
bench_work as4
bench_fast as4
make_pki >/dev/null 2>&1 || die "openssl could not make the test PKI"
cat rsa.key rsa.pem >a.pem
printf 'bench s3cret write:customs-declaration\n' >clients
# The declarations, by awk: about $kb KB each, an LRN of its own.
awk -v n="$n" -v kb="$kb" 'BEGIN {
	for (i = 1; i <= n; i++) {
		f = sprintf("docs/D%05d.xml", i)
		printf "<Declaration xmlns=\"urn:tdk:bench:decl\"><FunctionalReferenceID>LRN%05d</FunctionalReferenceID>\n", i >f
		size = 100
		for (k = 1; size < kb * 1000; k++) {
			printf "<Goods>%d line %d: 8471300000 portable computers, 12 PCE, 4200.00 EUR</Goods>\n", i, k >f
			size += 80
		}
		printf "</Declaration>\n" >f
		close(f)
	}
}'
ls docs/*.xml >files
bytes=$(cat docs/*.xml | wc -c)

# start NAME: a fresh AS4 receiver for run NAME, its state on the tmpfs; sets pid, url.
start() {
	bench_serve "$fast/$1.db" "$1" --as4-key other.key --as4-cert other.pem --as4-party urn:example:party:b \
		--partner urn:example:party:a=rsa.pem
}

# run LABEL JOBS ENCRYPT COMPRESS: tdk submit of every declaration under GNU time.
run() {
	label=$1 name=$(stem "$1")
	start "$name"
	printf '[as4]\nprofile = as4\nurl = %s/as4\nfrom-party = urn:example:party:a\n' "$url" >endpoints
	printf 'to-party = urn:example:party:b\nservice = urn:example:service\naction = Submit\n' >>endpoints
	printf 'key = a.pem\npartner-cert = other.pem\nencrypt = %s\ncompress = %s\ntimeout = 60\n' "$3" "$4" >>endpoints
	rm -f journal.db*
	"$gnu_time" -f '%e %M' -o "$name.time" "$TDK" submit --endpoints endpoints -e as4 --journal journal.db \
		--no-validate -j "$2" --files-from files >"$name.report" 2>"$name.stderr" ||
		die "$name: tdk submit failed: $(tail -3 "$name.stderr")"
	stop
	got=$(grep -c ': accepted, message ' "$name.report" || true)
	[ "$got" = "$n" ] || die "$name: $got of $n messages accepted (see $work/$name.report)"
	rows=$(sqlite3 "$fast/$name.db" 'select count(distinct sha256) || " " || count(distinct message_id) || " " || count(*) from as4_payloads')
	[ "$rows" = "$n $n $n" ] || die "$name: the server stored $rows (payloads, MessageIds, rows) for $n declarations"
	line=$(tail -n 1 "$name.time")
	row "$label" "${line% *}" "${line#* }" "${serve_rss:--}"
}

: >results.txt
run "signed -j1" 1 no no
run "signed -j4" 4 no no
run "signed+encrypted -j4" 4 yes no
run "signed+compressed -j4" 4 no yes

printf '\ntdk submit over AS4 of %s declarations of about %s KB (%s bytes) to tdk serve on the loopback\n' "$n" "$kb" "$bytes"
printf '(a signed Receipt each, verified; server state on %s; no other AS4 implementation to compare with):\n' \
	"${tmpfs:-disk: no tmpfs}"
awk -F'|' -v n="$n" '
	{
		if (NR == 1) {
			fmt = "%-22s %8s %8s %8s %16s %15s\n"
			printf fmt, "workload", "time_s", "msgs/s", "ms/msg", "submit_RSS_MB", "serve_RSS_MB"
		}
		s = $2 > 0 ? $2 : 0.01
		printf fmt, $1, sprintf("%.2f", $2), sprintf("%.0f", n / s), sprintf("%.2f", s * 1000 / n),
			sprintf("%.1f", $3 * 1024 / 1e6), $4 == "-" ? "-" : sprintf("%.1f", $4 * 1024 / 1e6)
	}' results.txt
