#!/bin/sh
# tests/bench/as2.sh: AS2 sends by tdk submit against the shell script a
# broker would otherwise write, openssl cms -sign and a curl(1) per
# document; run by `make bench`.
#
#  1. Makes, in the work folder, a test PKI (tests/pki.sh: the sender's key
#     rsa.key, the receiver's other.key), BENCH_AS2_N payloads (default
#     1000) of BENCH_AS2_KB KB each (default 50), EDIFACT interchanges with
#     distinct references, and an endpoints file naming the server.
#  2. For each workload starts a fresh `tdk serve` with its AS2 receiver
#     (--as2-key, the sender as partner) on the loopback, its state on a
#     tmpfs (/dev/shm when there is one), and sends every payload once,
#     signed (sha256) and asking for a signed synchronous MDN:
#       tdk -j1      tdk submit -e as2 FILE... (profile as2, mdn signed-sync):
#                    one process, keep-alive, each message journaled
#                    (SQLite, the journal on disk in the work folder), signed,
#                    POSTed, its MDN verified (signature, Message-ID, MIC)
#       tdk -j4      the same with -j 4
#       tdk -j4 enc  -j 4, also encrypted (aes256-cbc) and compressed
#       cms loop     for each file: the MIME entity, openssl cms -sign (S/MIME
#                    multipart/signed, sha256), its header and body split, one
#                    curl POST with the same AS2 headers (AS2-Version, AS2-From,
#                    AS2-To, a Message-ID, Disposition-Notification-To and
#                    -Options asking for the signed MDN); the MDN is kept,
#                    not verified; nothing journaled
#  3. Prints one table: wall time, messages per second, ms per message, the
#     client's peak RSS (GNU time; "-" for the loop), and the speed against
#     the loop in the same run (the issue's goal: >= 10x).  Each row is
#     checked: every message answered (tdk: "accepted"; the loop: 200 and an
#     MDN saying processed) and serve's as2_messages holding every payload
#     once.
# Timing is never an error: the exit status is 0 unless a tool fails or a
# check does not hold.
#
# Environment: TDK (default ./tdk), BENCH_WORK (default tests/bench/work),
# BENCH_AS2_N (default 1000), BENCH_AS2_KB (default 50), GNU_TIME (default
# /usr/bin/time), BENCH_TMPFS (default /dev/shm).
set -eu

bench_dir=$(cd "$(dirname "$0")" && pwd)
REPO=${REPO:-$(cd "$bench_dir/../.." && pwd)}
. "$bench_dir/../pki.sh"
. "$bench_dir/lib.sh"
n=${BENCH_AS2_N:-1000}
kb=${BENCH_AS2_KB:-50}

for t in curl openssl sqlite3; do
	command -v $t >/dev/null 2>&1 || { echo "as2: skipped: $t is not installed"; exit 0; }
done
bench_need_time
bench_work as2
bench_fast as2
make_pki >/dev/null 2>&1 || die "openssl could not make the test PKI"
cat rsa.key rsa.pem >acme.pem
printf 'bench s3cret write:customs-declaration\n' >clients
# The payloads, by awk: an interchange of about $kb KB each, a reference of its own.
awk -v n="$n" -v kb="$kb" 'BEGIN {
	for (i = 1; i <= n; i++) {
		f = sprintf("docs/INV%05d.edi", i)
		printf "UNB+UNOC:3+ACME+TDK+261202:1200+%d'"'"'\r\nUNH+1+INVOIC:D:96A:UN'"'"'\r\nBGM+380+INV%05d+9'"'"'\r\n", i, i >f
		size = 120; k = 0
		while (size < kb * 1000) {
			k++
			printf "LIN+%d++%08d:SRV'"'"'\r\nQTY+47:%d:PCE'"'"'\r\nMOA+203:%d.%02d'"'"'\r\n", k, i * 1000 + k, k % 97 + 1, k * 7, k % 100 >f
			size += 58
		}
		printf "UNT+%d+1'"'"'\r\nUNZ+1+%d'"'"'\r\n", 3 * k + 3, i >f
		close(f)
	}
}'
ls docs/*.edi >files
bytes=$(cat docs/*.edi | wc -c)

# start NAME: a fresh AS2 receiver for run NAME, its state on the tmpfs; sets pid, url.
start() {
	bench_serve "$fast/$1.db" "$1" --as2-key other.key --as2-cert other.pem --as2-id TDK --partner ACME=rsa.pem
}

# stored NAME: checks that the server of run NAME (stopped) stored every payload once.
stored() {
	rows=$(sqlite3 "$fast/$1.db" 'select count(distinct sha256) || " " || count(*) from as2_messages')
	[ "$rows" = "$n $n" ] || die "$1: the server stored $rows (distinct, all) messages for $n payloads"
}

# tdk_run LABEL [OPTION ...] [-- SETTING ...]: tdk submit of every payload under GNU time.
tdk_run() {
	label=$1 name=$(stem "$1")
	shift
	start "$name"
	printf '[as2]\nprofile = as2\nurl = %s/as2\nas2-from = ACME\nas2-to = TDK\nkey = acme.pem\n' "$url" >endpoints
	printf 'partner-cert = other.pem\nsign = sha256\nmdn = signed-sync\ntimeout = 60\n' >>endpoints
	opts=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do opts="$opts $1"; shift; done
	[ $# -gt 0 ] && shift && printf '%s\n' "$@" >>endpoints
	rm -f journal.db*
	# shellcheck disable=SC2086
	"$gnu_time" -f '%e %M' -o "$name.time" "$TDK" submit --endpoints endpoints -e as2 --journal journal.db $opts \
		--files-from files >"$name.report" 2>"$name.stderr" || die "$name: tdk submit failed: $(tail -3 "$name.stderr")"
	stop
	got=$(grep -c ': accepted, message <' "$name.report" || true)
	[ "$got" = "$n" ] || die "$name: $got of $n messages accepted (see $work/$name.report)"
	stored "$name"
	line=$(tail -n 1 "$name.time")
	row "$label" tdk "${line% *}" "${line#* }"
}

# cms_loop LABEL: openssl cms -sign and a curl per payload, as a shell script does it.
cms_loop() {
	set -- "$(stem "$1")" "$1"
	start "$1"
	mkdir -p mdn
	cat >loop.sh <<'EOF'
i=0
while read -r f; do
	i=$((i + 1))
	{ printf 'Content-Type: application/EDIFACT\r\n\r\n'; cat "$f"; } >entity
	openssl cms -sign -md sha256 -binary -crlfeol -signer rsa.pem -inkey rsa.key -in entity -out smime || exit 1
	awk 'b; /^\r?$/ { b = 1 }' smime >body
	ct=$(sed -n '/^\r\?$/q; /^Content-Type:/p' smime | tr -d '\r')
	curl -s -o "mdn/$i" -w '%{http_code}\n' -H 'AS2-Version: 1.2' -H 'AS2-From: ACME' -H 'AS2-To: TDK' \
		-H "Message-ID: <loop-$i-$$@bench>" -H "Subject: $f" -H "$ct" -H 'MIME-Version: 1.0' \
		-H 'Disposition-Notification-To: ACME' \
		-H 'Disposition-Notification-Options: signed-receipt-protocol=required, pkcs7-signature; signed-receipt-micalg=required, sha-256' \
		-H 'Expect:' --data-binary @body "$1/as2"
done <files
EOF
	"$gnu_time" -f '%e %M' -o "$1.time" sh loop.sh "$url" >"$1.codes" 2>"$1.stderr" ||
		die "$1: the loop failed: $(tail -3 "$1.stderr")"
	stop
	got=$(grep -c '^200$' "$1.codes" || true)
	[ "$got" = "$n" ] || die "$1: $got of $n answers were 200 (see $work/$1.codes)"
	got=$(grep -l '; processed' mdn/* | wc -l)
	[ "$got" = "$n" ] || die "$1: $got of $n MDNs say processed"
	stored "$1"
	line=$(tail -n 1 "$1.time")
	row "$2" "sh+openssl+curl" "${line% *}" -
}

: >results.txt
tdk_run "tdk -j1"
tdk_run "tdk -j4" -j 4
tdk_run "tdk -j4 enc" -j 4 -- 'encrypt = aes256-cbc' 'compress = yes'
cms_loop "cms loop"

printf '\ntdk submit over AS2 of %s signed payloads of %s KB (%s bytes) to tdk serve on the loopback\n' "$n" "$kb" "$bytes"
printf '(a signed MDN each; server state on %s), against openssl cms -sign + curl per payload:\n' "${tmpfs:-disk: no tmpfs}"
ratio_table "cms loop" 10 msg
