#!/bin/sh
# Exactly once on tdk serve's AS4 receiver, with its faults on the as4
# route: a server killed with SIGKILL while it holds back a Receipt (the
# stall fault) has the message stored, and after a restart on the same
# state the resend is a replay answered with the stored Receipt; the
# unavailable fault answers 503 and stores nothing; the slow fault answers
# late and stores once; a fault limited to another route leaves /as4 alone.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"
. "$REPO/tests/pki.sh"

PROBE=$REPO/$TDK_BUILD/tests/gen/as4-probe
[ -x "$PROBE" ] || { test_skip 'AS4 exactly once' "needs $TDK_BUILD/tests/gen/as4-probe"; test_done; exit 0; }
command -v sqlite3 >/dev/null || { test_skip 'AS4 exactly once' 'needs sqlite3'; test_done; exit 0; }
make_pki >/dev/null 2>&1 || { test_skip 'AS4 exactly once' 'openssl could not make the test PKI'; test_done; exit 0; }

printf '[ap]\nprofile = as4\nurl = http://127.0.0.1/as4\nfrom-party = urn:example:party:a\n' >endpoints
printf 'to-party = urn:example:party:b\nservice = urn:example:service\naction = Submit\n' >>endpoints
printf 'key = rsa.key\npartner-cert = other.pem\n' >>endpoints
printf '<Declaration><FunctionCode>9</FunctionCode></Declaration>\n' >p1

start() {
	serve_start --as4-key other.key --as4-cert other.pem --as4-party urn:example:party:b \
		--partner urn:example:party:a=rsa.pem --faults --access-log "$TRASH/access.log" "$@"
}
msg() {
	"$PROBE" build endpoints ap body ct -s rsa.key rsa.pem p1=application/xml >id
}
post() {
	$CURL -o answer -w '%{http_code}' -H "Content-Type: $(cat ct)" "$@" --data-binary @body "$URL/as4" >code
}
rows() {
	sqlite3 "$TRASH/serve.db" "select count(*) from as4_messages where message_id = '$(cat id)'"
}
receipt_ok() {
	test "$(cat code)" = 200 && "$PROBE" check answer @ct body "$(cat id)"
}

start || { test_expect_success 'tdk serve starts with an AS4 key' false; test_done; exit; }
test_expect_success 'unavailable: 503 with Retry-After, nothing stored' '
	msg && post -H "X-Tdk-Fault: as4:unavailable=2" -D hdrs && test "$(cat code)" = 503 && test "$(rows)" = 0 &&
	grep -qi "^Retry-After: 2" hdrs &&
	post && receipt_ok && test "$(rows)" = 1
'
test_expect_success 'slow: answered late, stored once' '
	msg && t0=$(date +%s%N) && post -H "X-Tdk-Fault: as4:slow=300" && t1=$(date +%s%N) &&
	receipt_ok && test $(((t1 - t0) / 1000000)) -ge 300 && test "$(rows)" = 1
'
test_expect_success 'a fault limited to another route leaves /as4 alone' '
	msg && post -H "X-Tdk-Fault: as2:drop" && receipt_ok && test "$(rows)" = 1
'
test_expect_success 'killed while the Receipt is held back: stored; after a restart the resend gets the stored Receipt' '
	msg && { post -H "X-Tdk-Fault: as4:stall=20000" --max-time 1; true; } &&
	test "$(rows)" = 1 && serve_stop KILL && test "$SERVE_RC" != 0 &&
	start && post && receipt_ok && test "$(rows)" = 1 &&
	tail -n 1 "$TRASH/access.log" | grep -q "\"code\":\"SERVE-AS4-REPLAY\""
'
serve_stop
test_done
