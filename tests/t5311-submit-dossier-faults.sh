#!/bin/sh
# tdk submit of a dossier against tdk serve's faults: killed (kill -9)
# between the declaration and the uploads, a second run uploads only what
# is missing and sends the declaration no more; an upload refused (its
# reference gone: 404) is rejected in the journal, exit 1; a connection
# dropped after the upload's body is unknown, exit 4, and not sent again.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"
. "$REPO/tests/dossier-lib.sh"

dossier_setup
PORT=${URL##*:}
restart() { serve_stop && serve_start --listen "127.0.0.1:$PORT" --catalog "$TRASH/cat-serve.xml" \
	--access-log "$TRASH/access.log" "$@"; }
# Waits (at most 10 s) until the shell command $1 succeeds.
until_true() {
	i=0
	while [ $i -lt 200 ] && ! eval "$1" 2>/dev/null; do
		sleep 0.05
		i=$((i + 1))
	done
	eval "$1"
}
decl_state() { tdk journal list --format json | grep "\"name\":\"$1\"" | sed -n 's/.*"state":"\([a-z]*\)".*/\1/p'; }
for l in G001 G002 G003; do lrn $l; done
tdk pack -o d1.asice G001.xml invoice.txt && tdk pack -o d2.asice G002.xml invoice.txt &&
	tdk pack -o d3.asice G003.xml invoice.txt || { echo "Bail out! tdk pack failed"; exit 1; }

restart --fault slow=1500 || exit 1
test_expect_success 'killed (kill -9) after the declaration was accepted, before the uploads' '
	{ tdk submit -e local d1.asice >out 2>err & pid=$!; } &&
	until_true "test \"\$(decl_state d1.asice!G001.xml)\" = accepted" && kill -9 $pid; wait $pid
	test "$(decl_state d1.asice!G001.xml)" = accepted && test "$(received "$INV")" -eq 0 &&
	! tdk journal list --format json | grep -q "file-upload/G001"
'
restart || exit 1
test_expect_success 'the next run uploads the invoice only: the declaration is not sent again' '
	tdk submit -e local d1.asice >out 2>err &&
	test_grep "d1.asice: already submitted: accepted" out && test_grep "1 of 1 documents uploaded" out &&
	test "$(posts)" -eq 1 && test "$(received "$INV")" -eq 1
'
restart --fault slow=1000 || exit 1
test_expect_code 1 'an upload refused (its reference no longer expected: 404): rejected, exit 1' '
	sqlite3 -cmd ".timeout 5000" serve.db "UPDATE uploads SET sha256 = '\''unused'\'' WHERE sha256 IS NULL" &&
	{ tdk submit -e local d2.asice >out 2>err & pid=$!; } &&
	until_true "test \"\$(sqlite3 serve.db \"SELECT count(*) FROM uploads WHERE sha256 IS NULL\")\" -ge 1" &&
	sqlite3 -cmd ".timeout 5000" serve.db "UPDATE uploads SET sha256 = '\''taken'\'' WHERE sha256 IS NULL"; wait $pid; rc=$?
	{ test_grep "[SUBMIT-UPLOAD-REJECTED] '\''invoice.txt'\'': the upload was refused (the server answered 404)" err &&
	tdk journal list --format json | grep "\"endpoint\":\"local/file-upload/G002\"" | grep -q "\"state\":\"rejected\"" &&
	test_grep "d2.asice: accepted, conversation" out && test_grep "0 of 1 documents uploaded" out; } || exit 99
	exit $rc
'
restart || exit 1
test_expect_success 'an endpoint without file-upload-url first: the declaration only' '
	tdk submit -e local --endpoints endpoints-plain d3.asice >out 2>err && test_grep "[SUBMIT-NO-UPLOAD]" err
'
restart --fault drop || exit 1
test_expect_code 4 'the connection dropped after the upload: unknown, exit 4' '
	n=$(received "$INV") && tdk submit -e local d3.asice >out 2>err; rc=$?
	{ test_grep "[SUBMIT-UPLOAD-UNKNOWN] '\''invoice.txt'\'': the upload'\''s outcome is unknown" err &&
	tdk journal list --format json | grep "\"endpoint\":\"local/file-upload/G003\"" | grep -q "\"state\":\"unknown\"" &&
	test "$(received "$INV")" -eq $((n + 1)); } || exit 99
	exit $rc
'
test_expect_code 4 'a second run does not upload the unknown again' '
	n=$(grep -c . access.log) && tdk submit -e local d3.asice >out 2>err; rc=$?
	{ test_grep "[SUBMIT-UPLOAD-UNKNOWN]" err && test "$(grep -c . access.log)" -eq "$n"; } || exit 99
	exit $rc
'
test_done
