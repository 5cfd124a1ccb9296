#!/bin/sh
# tdk serve's faults limited to one route (--fault token:slow=...), the stall
# fault (status line and headers out, the body held back), --log-events (a
# line when a request's head arrives and when a stall begins), and pauses
# that end when the client has gone or the server stops.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"

serve_schema
echo '</catalog>' >>cat.xml
for l in G001 G002 G003 G004 G005; do lrn $l; done
CAT=$TRASH/cat.xml
LOG=$TRASH/access.log
# Waits (at most 5 s) until the access log has $1 lines matching $2.
await() {
	i=0
	while [ $i -lt 100 ] && [ "$(grep -c "$2" "$LOG")" -lt "$1" ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ "$(grep -c "$2" "$LOG")" -ge "$1" ]
}
timed() { f=$1 && shift && cds_post /customs/declarations "$f" -D h -o /dev/null -w "%{http_code} %{time_starttransfer} %{time_total}\n" "$@"; }

serve_start --catalog "$CAT" --access-log "$LOG" --log-events --faults --fault token:slow=600 ||
	{ echo "Bail out! tdk serve did not start"; exit 1; }
test_expect_success 'token:slow=600: the token waits, with a start line logged before it is answered' '
	$CURL -o /dev/null -w "%{http_code} %{time_total}\n" -d grant_type=client_credentials -d client_id=cli \
		-d client_secret=s3cret "$URL/oauth/token" >t && awk "\$1 != 200 || \$2 < 0.6 { exit 1 }" t &&
	grep "\"path\":\"/oauth/token\"" "$LOG" >lines && test "$(wc -l <lines)" -eq 2 &&
	head -1 lines | grep -q "\"event\":\"start\",\"method\":\"POST\",\"path\":\"/oauth/token\",\"faults\":4}" &&
	tail -1 lines | grep -q "\"status\":200,.*\"faults\":4}"
'
TOKEN=$(token)
export TOKEN
test_expect_success '... and the declarations are not slowed: the fault is the token route'"'"'s only' '
	timed G001.xml >t && awk "\$1 != 202 || \$3 >= 0.6 { exit 1 }" t &&
	grep "\"path\":\"/customs/declarations\"" "$LOG" | tail -1 >line && ! grep -q faults line
'
test_expect_success 'X-Tdk-Fault with a route: applied on its route, not on another' '
	timed G002.xml -H "X-Tdk-Fault: token:slow=900" >t && awk "\$1 != 202 || \$3 >= 0.9 { exit 1 }" t &&
	timed G002.xml -H "X-Tdk-Fault: declarations:slow=500" >t && awk "\$1 != 202 || \$3 < 0.5 { exit 1 }" t
'
test_expect_success 'stall=1500: the 202 and its conversation id come at once, the end 1.5 s later' '
	timed G003.xml -H "X-Tdk-Fault: stall=1500" >t && awk "\$1 != 202 || \$2 > 1 || \$3 < 1.5 { exit 1 }" t &&
	conv=$(sed -n "s/^X-Conversation-ID: \([0-9a-f-]*\).$/\1/p" h) && test -n "$conv" &&
	test_grep "Transfer-Encoding: chunked" h &&
	grep "\"event\":\"stall\"" "$LOG" | tail -1 | grep -q "\"conversation_id\":\"$conv\",\"faults\":128}"
'
test_expect_success 'slow-read=400: the start line is logged before the body is read, the end after' '
	n=$(grep -c "\"event\":\"start\"" "$LOG") &&
	{ timed G004.xml -H "X-Tdk-Fault: declarations:slow-read=400" >t & } && p=$! &&
	await $((n + 1)) "\"event\":\"start\"" && tail -1 "$LOG" | grep -q "\"event\":\"start\",.*\"faults\":8}" &&
	wait $p && awk "\$1 != 202 || \$3 < 0.4 { exit 1 }" t && tail -1 "$LOG" | grep -q "\"status\":202"
'
serve_stop
test_expect_success 'a client gone during a stall ends it: its connection is free again at once' '
	serve_start --catalog "$CAT" --access-log "$LOG" --log-events --max-connections 1 --fault declarations:stall=20000 &&
	TOKEN=$(token) && n=$(grep -c "\"event\":\"stall\"" "$LOG") || exit 1
	curl -s -o /dev/null --max-time 5 -H "Accept: application/vnd.hmrc.3.0+xml" -H "X-Badge-Identifier: ABC123" \
		-H "Content-Type: application/xml; charset=UTF-8" -H "Authorization: Bearer $TOKEN" \
		--data-binary @G005.xml "$URL/customs/declarations" & p=$! &&
	await $((n + 1)) "\"event\":\"stall\"" && kill -9 $p; wait $p
	i=0
	while [ $i -lt 40 ] && ! $CURL -o /dev/null -d grant_type=client_credentials "$URL/oauth/token"; do
		sleep 0.05; i=$((i + 1))
	done
	test $i -lt 40 && serve_stop && test "$SERVE_RC" -eq 0
'
test_expect_success 'SIGTERM during a stall: the stalled answer is finished at once, then exit 0' '
	serve_start --catalog "$CAT" --access-log "$LOG" --log-events --fault declarations:stall=20000 &&
	TOKEN=$(token) && n=$(grep -c "\"event\":\"stall\"" "$LOG") &&
	{ timed G005.xml >t & } && p=$! && await $((n + 1)) "\"event\":\"stall\"" &&
	serve_stop && wait $p && test "$SERVE_RC" -eq 0 && awk "\$1 != 202 || \$3 > 5 { exit 1 }" t
'
test_expect_success 'without --log-events: one line a request, no event lines, a stall included' '
	serve_start --catalog "$CAT" --access-log "$TRASH/plain.log" --fault declarations:stall=300 &&
	TOKEN=$(token) && timed G005.xml >t && awk "\$1 != 202 || \$3 < 0.3 { exit 1 }" t &&
	serve_stop && test "$(wc -l <"$TRASH/plain.log")" -eq 2 && ! grep -q "\"event\"" "$TRASH/plain.log"
'
test_expect_code 2 'a fault on a route tdk serve does not have: usage error' '
	tdk serve --state s.db --clients "$TRASH/clients" --fault tokens:slow 2>err; rc=$?
	test_grep "tdk serve: --fault: '"'"'tokens:slow'"'"' is not a fault" err || exit 99
	exit $rc
'
test_expect_code 2 'a parameter on a fault that takes none, on a route: usage error' '
	tdk serve --state s.db --clients "$TRASH/clients" --fault declarations:drop=3 2>err; rc=$?
	test_grep "is not a fault" err || exit 99
	exit $rc
'
test_expect_code 2 '--log-events without --access-log: usage error' '
	tdk serve --state s.db --clients "$TRASH/clients" --log-events 2>err; rc=$?
	test_grep "tdk serve: --log-events needs --access-log" err || exit 99
	exit $rc
'
test_done
