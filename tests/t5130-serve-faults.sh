#!/bin/sh
# tdk serve's faults, asked by X-Tdk-Fault (only with --faults) or for every
# request by --fault: a dropped connection after the body is stored, 503
# with Retry-After, slow answers, a slowly read body, duplicate and
# out-of-order notifications, expired tokens; and its limits: a body over
# --max-body (413, with or without Content-Length), connections over
# --max-connections refused while the server goes on.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"

serve_schema
echo '</catalog>' >>cat.xml
for l in G001 G002 C001; do lrn $l; done
export CAT="$TRASH/cat.xml"
conv() { sed -n "s/^X-Conversation-ID: \([0-9a-f-]*\).$/\1/p" "$1"; }
declarations() { pull "$URL/notifications/unpulled" | grep -c 'rel="notification"'; }

serve_start --catalog "$CAT" || { echo "Bail out! tdk serve did not start"; exit 1; }
TOKEN=$(token)
export URL TOKEN
test_expect_success 'without --faults the header is ignored' '
	cds_post /customs/declarations G001.xml -D h -H "X-Tdk-Fault: unavailable" >b && test_grep "HTTP/1.1 202" h
'
serve_stop
serve_start --catalog "$CAT" --faults --max-body 400 --access-log "$TRASH/access.log" || exit 1
TOKEN=$(token)
test_expect_success 'unavailable=7: 503 with Retry-After: 7, and nothing stored' '
	n=$(declarations) && cds_post /customs/declarations G001.xml -D h -H "X-Tdk-Fault: unavailable=7" >b &&
	test_grep "HTTP/1.1 503" h && test_grep "Retry-After: 7" h && test_grep "<code>SERVER_ERROR</code>" b &&
	test "$(declarations)" -eq "$n"
'
test_expect_success 'drop: no answer at all, but the declaration was taken and its notification comes' '
	n=$(declarations) && cds_post /customs/declarations G002.xml -H "X-Tdk-Fault: drop" >b; rc=$?
	test $rc -eq 52 && test "$(declarations)" -eq $((n + 1)) && test_grep "\"dropped\":true" "$TRASH/access.log"
'
test_expect_success 'slow=700: the answer waits 0.7 s' '
	cds_post /customs/declarations G001.xml -o /dev/null -w "%{http_code} %{time_total}\n" -H "X-Tdk-Fault: slow=700" >t &&
	awk "\$1 != 202 || \$2 < 0.7 { exit 1 }" t
'
test_expect_success 'slow-read=400: the body is read slowly' '
	cds_post /customs/declarations G001.xml -o /dev/null -w "%{http_code} %{time_total}\n" -H "X-Tdk-Fault: slow-read=400" >t &&
	awk "\$1 != 202 || \$2 < 0.4 { exit 1 }" t
'
test_expect_success 'duplicate: every notification twice; reorder: the last first' '
	cds_post /customs/declarations G001.xml -D h -H "X-Tdk-Fault: duplicate" >b && test "$(codes "$(conv h)")" = "01 01 " &&
	cds_post /customs/declarations C001.xml -D h -H "X-Tdk-Fault: reorder" >b && test "$(codes "$(conv h)")" = "09 01 "
'
test_expect_success 'expired-token: the token is issued but refused with 401 at once' '
	t=$($CURL -H "X-Tdk-Fault: expired-token" -d grant_type=client_credentials -d client_id=cli -d client_secret=s3cret \
		"$URL/oauth/token" | sed -n "s/.*\"access_token\":\"\([0-9a-f]*\)\".*/\1/p") && test -n "$t" &&
	TOKEN=$t cds_post /customs/declarations G001.xml -D h >b && test_grep "HTTP/1.1 401" h
'
test_expect_success 'an unknown fault in the header: 400' '
	cds_post /customs/declarations G001.xml -D h -H "X-Tdk-Fault: explode" >b && test_grep "HTTP/1.1 400" h
'
test_expect_success 'a body over --max-body: 413, with Content-Length and chunked' '
	awk "BEGIN { for (i = 0; i < 50; i++) print \"<!-- padding padding -->\" }" >big.xml && cat G001.xml >>big.xml &&
	cds_post /customs/declarations big.xml -D h >b && test_grep "HTTP/1.1 413" h &&
	cds_post /customs/declarations big.xml -D h -H "Transfer-Encoding: chunked" >b && test_grep "HTTP/1.1 413" h
'
serve_stop
test_expect_success '--fault for every request: unavailable on the token endpoint too' '
	serve_start --catalog "$CAT" --fault unavailable=3 &&
	$CURL -D h -d grant_type=client_credentials "$URL/oauth/token" >b && test_grep "HTTP/1.1 503" h &&
	test_grep "Retry-After: 3" h && serve_stop && test "$SERVE_RC" -eq 0
'
test_expect_code 2 '--fault with an unknown fault: usage error' '
	tdk serve --state s.db --clients "$TRASH/clients" --fault drop,fire 2>err; rc=$?
	test_grep "tdk serve: --fault: '"'"'fire'"'"' is not a fault" err || exit 99
	exit $rc
'
test_expect_success '--max-connections 2: a third connection is refused, the server goes on' '
	serve_start --catalog "$CAT" --faults --max-connections 2 &&
	pids=
	for i in 1 2; do
		$CURL -o /dev/null -H "X-Tdk-Fault: slow=1200" -d grant_type=client_credentials -d client_id=cli \
			-d client_secret=s3cret "$URL/oauth/token" &
		pids="$pids $!"
	done
	sleep 0.4 && $CURL -o /dev/null -w "%{http_code}\n" -d grant_type=client_credentials "$URL/oauth/token" >c; rc=$?
	wait $pids
	test $rc -ne 0 && $CURL -o /dev/null -w "%{http_code}\n" -d grant_type=client_credentials -d client_id=cli \
		-d client_secret=s3cret "$URL/oauth/token" >c && echo 200 >want && test_cmp want c &&
	serve_stop && test "$SERVE_RC" -eq 0
'
test_expect_success '--timeout 1: an idle connection is closed by the server' '
	serve_start --catalog "$CAT" --timeout 1 &&
	python3 -c "
import socket, sys, time
s = socket.create_connection((\"127.0.0.1\", int(sys.argv[1])), timeout=5)
t = time.time(); d = s.recv(1)
sys.exit(0 if d == b\"\" and 0.5 < time.time() - t < 4 else 1)" "${URL##*:}" &&
	serve_stop && test "$SERVE_RC" -eq 0
'
test_expect_success 'SIGINT while a slow answer is in flight: it is finished, then exit 0' '
	serve_start --catalog "$CAT" --faults &&
	{ $CURL -o ans -w "%{http_code}\n" -H "X-Tdk-Fault: slow=800" -d grant_type=client_credentials -d client_id=cli \
		-d client_secret=s3cret "$URL/oauth/token" >c & } && p=$! &&
	sleep 0.3 && serve_stop INT && wait $p && echo 200 >want && test_cmp want c &&
	test "$SERVE_RC" -eq 0 && test_grep "stopped by SIGINT" "$TRASH/serve.err"
'
test_done
