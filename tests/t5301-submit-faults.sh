#!/bin/sh
# tdk submit against tdk serve's faults: a connection dropped after the body
# (unknown, exit 4, never resent by a second run); 503 with Retry-After
# (retried, then accepted); a token the server no longer knows (renewed
# once, then accepted) and tokens always expired (exit 5); a slow server
# past the timeout (unknown, exit 4); a connection
# refused (queued, exit 4, sent by a later run).
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"

serve_schema
echo '</catalog>' >>cat.xml
serve_start --catalog "$TRASH/cat.xml" --access-log "$TRASH/access.log" --fault drop ||
	{ echo "Bail out! tdk serve did not start"; exit 1; }
PORT=${URL##*:}
serve_endpoint local "$URL" 'api-version = 3.0' 'badge-id = ABC123' 'catalog = cat.xml' 'retries = 2' \
	'timeout = 5' >endpoints
TDK_ENDPOINTS=$TRASH/endpoints TDK_JOURNAL=$TRASH/j.db
export TDK_ENDPOINTS TDK_JOURNAL
posts() { grep -c '"path":"/customs/declarations"' "$TRASH/access.log"; }
state() { tdk journal list --format json | grep "\"lrn\":\"$1\"" | sed -n 's/.*"state":"\([a-z]*\)".*/\1/p'; }
restart() { serve_stop && rm -f "$TRASH"/serve.db* && serve_start --listen "127.0.0.1:$PORT" --catalog "$TRASH/cat.xml" \
	--access-log "$TRASH/access.log" "$@"; }
for l in G001 G002 G003 G004 G005; do lrn $l; done

test_expect_code 4 'dropped after the body: unknown, exit 4' '
	tdk submit -e local G001.xml >out 2>err; rc=$?
	{ test_grep "[SUBMIT-UNKNOWN]" err && test_grep "G001.xml: unknown: may have arrived" out &&
	test "$(state G001)" = unknown && test "$(posts)" -eq 1; } || exit 99
	exit $rc
'
test_expect_code 4 'a second run does not send the unknown again' '
	tdk submit -e local G001.xml >out 2>err; rc=$?
	{ test_grep "[SUBMIT-HELD]" err && test "$(posts)" -eq 1; } || exit 99
	exit $rc
'
restart --fault unavailable=1 || exit 1
test_expect_success '503 with Retry-After: retried after the delay, then accepted' '
	( sleep 0.3; restart ) &
	tdk submit -e local G002.xml >out 2>err && wait &&
	test_grep "G002.xml: accepted, conversation" out && test "$(state G002)" = accepted &&
	grep "\"path\":\"/customs/declarations\"" access.log | grep -q "\"status\":503"
'
test_expect_success 'a cached token the server does not know: renewed once, then accepted' '
	restart && tdk submit -e local G003.xml >out 2>err &&
	test_grep "G003.xml: accepted" out &&
	test "$(grep "\"path\":\"/customs/declarations\"" access.log | tail -n 2 | grep -c "\"status\":401")" -eq 1
'
test_expect_code 5 'tokens that are always expired: 401 after one renewal, exit 5, queued' '
	restart --fault expired-token && tdk submit -e local G004.xml >out 2>err; rc=$?
	{ test_grep "[SUBMIT-UNAUTHORIZED]" err && test "$(state G004)" = queued; } || exit 99
	exit $rc
'
test_expect_code 4 'a slow server past the timeout: unknown, exit 4' '
	restart --fault slow=1500 && sed "s/^timeout = .*/timeout = 1/" endpoints >endpoints1 && lrn G006 &&
	tdk submit -e local --endpoints endpoints1 G006.xml >out 2>err; rc=$?
	{ test_grep "[HTTP-TIMEOUT]" err && test_grep "[SUBMIT-UNKNOWN]" err && test "$(state G006)" = unknown; } ||
		exit 99
	exit $rc
'
serve_stop
test_expect_code 4 'connection refused: queued, exit 4' '
	tdk submit -e local G005.xml >out 2>err; rc=$?
	{ test_grep "[SUBMIT-QUEUED]" err && test_grep "G005.xml: queued: not sent" out &&
	test "$(state G005)" = queued; } || exit 99
	exit $rc
'
test_expect_success 'a queued document is sent by a later run' '
	rm -f "$TRASH"/serve.db* && serve_start --listen "127.0.0.1:$PORT" --catalog "$TRASH/cat.xml" &&
	tdk submit -e local G005.xml >out 2>err && test "$(state G005)" = accepted
'
test_done
