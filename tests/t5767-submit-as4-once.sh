#!/bin/sh
# Exactly once over profile as4 (the AS4 profile's reception awareness and
# the receiver's duplicate elimination): tdk serve's drop fault on the as4
# route stores the message and closes without its Receipt; tdk submit sends
# it again with the same MessageId, and the replay is accepted with the
# stored Receipt, the server holding it once.  A partner that stays
# unavailable (503) is sent the message up to the endpoint's retries, then
# it is unknown (exit 4); a later tdk submit sends the unknown document
# again by itself (SUBMIT-AS4-RESEND, journal kind resend) with the same
# MessageId and is accepted.  A refused connection queues the document; a later run sends it.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"
. "$REPO/tests/pki.sh"

command -v sqlite3 >/dev/null || { test_skip 'as4 exactly once' 'needs sqlite3'; test_done; exit 0; }
make_pki >/dev/null 2>&1 || { test_skip 'as4 exactly once' 'openssl could not make the test PKI'; test_done; exit 0; }
cat rsa.key rsa.pem >a.pem

start() {
	serve_start --as4-key other.key --as4-cert other.pem --as4-party urn:example:party:b \
		--partner urn:example:party:a=rsa.pem --access-log "$TRASH/access.log" "$@"
}
endpoints() {
	printf '[ap]\nprofile = as4\nurl = %s/as4\nfrom-party = urn:example:party:a\n' "$1"
	printf 'to-party = urn:example:party:b\nservice = urn:example:service\naction = Submit\n'
	printf 'key = a.pem\npartner-cert = other.pem\nretries = 2\n'
}
sub() {
	tdk submit --endpoints endpoints --journal "$TRASH/j.db" --no-validate "$@"
}
jshow() {
	tdk journal --journal "$TRASH/j.db" show "$(sha256sum "$1" | cut -d" " -f1)"
}
rows() {
	sqlite3 "$TRASH/serve.db" "select count(*) from as4_messages where message_id = '$1'"
}
posts() {
	grep -c '"path":"/as4"' "$TRASH/access.log"
}

start --fault as4:drop || { test_expect_success 'tdk serve starts with an AS4 key' false; test_done; exit; }
endpoints "$URL" >endpoints
test_expect_success 'the Receipt dropped: sent again with the same MessageId, the replay accepted; stored once' '
	sub -e ap doc.xml >out 2>err && test "$(grep -c "SUBMIT-AS4-RETRY" err)" = 1 &&
	jshow doc.xml >js && test_grep "state accepted" js && id=$(sed -n "s/^message //p" js) &&
	test_grep "accepted, message $id" out &&
	test "$(posts)" = 2 && test "$(rows "$id")" = 1 && test_grep "SERVE-AS4-REPLAY" "$TRASH/access.log"
'
serve_stop
start --fault as4:unavailable || { test_expect_success 'tdk serve starts again' false; test_done; exit; }
endpoints "$URL" >endpoints
sed "s/REF-1/REF-u/" doc.xml >u.xml
test_expect_code 4 'the partner stays unavailable (503): sent 3 times with one MessageId, then unknown' '
	: >"$TRASH/access.log" && sub -e ap u.xml >out 2>err ||
	{ r=$?; test "$(grep -c "SUBMIT-AS4-RETRY" err)" = 2 &&
	  test_grep "[SUBMIT-UNKNOWN] the outcome is unknown after 3 sends" err &&
	  jshow u.xml >js && test_grep "state unknown" js && id=$(sed -n "s/^message //p" js) &&
	  test "$(posts)" = 3 && test "$(rows "$id")" = 0 && echo "$id" >id && exit $r; exit 99; }
'
serve_stop
start || { test_expect_success 'tdk serve starts again' false; test_done; exit; }
endpoints "$URL" >endpoints
test_expect_success 'a later run sends the unknown document again by itself, same MessageId: accepted' '
	: >"$TRASH/access.log" && sub -e ap u.xml >out 2>err && test_grep "[SUBMIT-AS4-RESEND]" err &&
	test_grep "accepted, message $(cat id)" out && jshow u.xml >js && test_grep "state accepted" js &&
	test_grep "resend" js && test_grep "duplicate elimination" js &&
	test "$(rows "$(cat id)")" = 1 && test "$(posts)" = 1
'
test_expect_success 'then it is held: nothing sent' '
	: >"$TRASH/access.log" && sub -e ap u.xml >out 2>err && test_grep "[SUBMIT-HELD]" err && test "$(posts)" = 0
'
port=${URL##*:}
serve_stop
sed "s/REF-1/REF-q/" doc.xml >q.xml
test_expect_code 4 'a refused connection: queued, nothing sent' '
	sub -e ap q.xml >out 2>err ||
	{ r=$?; test_grep "[SUBMIT-QUEUED]" err && jshow q.xml >js && test_grep "state queued" js && exit $r; exit 99; }
'
start --port "$port" || start || { test_expect_success 'tdk serve starts again' false; test_done; exit; }
endpoints "$URL" >endpoints
test_expect_success 'a later run sends the queued document, with the MessageId fixed before' '
	id=$(jshow q.xml | sed -n "s/^message //p") && test -n "$id" &&
	sub -e ap q.xml >out 2>err && test_grep "accepted, message $id" out && test "$(rows "$id")" = 1
'
serve_stop
test_done
