#!/bin/sh
# lib/net/http.h against a server that misbehaves on request
# (tests/peers/http-faults.py, on 127.0.0.1): what the caller learns of each
# fault, since whether a document may be sent again depends on it.  Refused
# connection and a reset before the body: not sent; a reset after the body
# and a timeout after it: unknown; 503 with Retry-After in seconds and as an
# HTTP-date; an answer over the cap; redirects on the same origin followed,
# to another origin refused when the request carries a token (and the token
# never arrives there); plain http to a host that is not the loopback
# refused.  Through tests/gen/oauth-probe, until tdk submit uses the library.
# Also the client's token handling against the same server: a token
# response that is malformed or would forge a header line, and one renewal
# of the token after a 401.
. "$(dirname "$0")/lib.sh"

PROBE=$REPO/$TDK_BUILD/tests/gen/oauth-probe
skip_all() { test_skip 'HTTP faults' "$1"; test_done; }
[ -x "$PROBE" ] || skip_all "needs $TDK_BUILD/tests/gen/oauth-probe (make $TDK_BUILD/tests/gen/oauth-probe)"
peer_start 'HTTP faults' http-faults.py "$TRASH/log"
export PROBE U

# probe WANT ARGS...: runs the probe's http mode; stdout in out, diagnostics in err; fails unless out has WANT.
probe() { want=$1; shift; "$PROBE" http "$@" >out 2>err; rc=$?; test_grep "$want" out || exit 99; return $rc; }

test_expect_success 'an answer: status, the body sent, a header captured by name' '
	probe "outcome=answered status=200 body_sent=1" --url $U/ok --method POST --body-size 1000 &&
	test_grep "conversation=0b1c5e4a-7f4e-4b7e-9a55-2f1d8e3c6a10" out && test ! -s err
'
test_expect_success 'keep-alive: the third request on one handle opens no connection, the first one does' '
	probe "status=200 body_sent=1 redirects=0 retry_after=-1 bytes=6 connects=0" --url $U/ok --method POST \
		--body-size 10 --repeat 3 &&
	probe "status=200 body_sent=1 redirects=0 retry_after=-1 bytes=6 connects=1" --url $U/ok
'
test_expect_code 4 'connection refused: HTTP-CONNECT, not sent (may be sent again)' '
	probe "outcome=not-sent status=0 body_sent=0" --url http://127.0.0.1:1/x; rc=$?
	test_grep "error: [HTTP-CONNECT] http://127.0.0.1:1: the request was not sent" err || exit 99
	exit $rc
'
test_expect_code 4 'a host that does not resolve (.invalid, RFC 6761): not sent' '
	probe "outcome=not-sent status=0 body_sent=0" --url https://nonexistent.invalid/x --timeout 3000; rc=$?
	grep -q "error: \[HTTP-RESOLVE\] https://nonexistent.invalid:443: the request was not sent" err ||
		test_grep "[HTTP-TIMEOUT] https://nonexistent.invalid:443: timed out before the request was sent" err || exit 99
	exit $rc
'
test_expect_code 4 'reset before the body was read (16 MB): HTTP-SEND, not received' '
	probe "outcome=not-sent status=0 body_sent=0" --url $U/reset-before --method POST --body-size 16000000; rc=$?
	test_grep "[HTTP-SEND]" err && test_grep "it was not received" err || exit 99
	exit $rc
'
test_expect_code 4 'reset after the whole body: HTTP-UNKNOWN, the outcome is unknown' '
	probe "outcome=unknown status=0 body_sent=1" --url $U/reset-after --method POST --body-size 5000; rc=$?
	test_grep "[HTTP-UNKNOWN]" err && test_grep "its outcome is unknown" err || exit 99
	exit $rc
'
test_expect_code 4 'a server slower than the timeout (3 s against 500 ms): HTTP-TIMEOUT, unknown, within a second' '
	start=$(date +%s)
	probe "outcome=unknown status=0 body_sent=1" --url $U/slow --method POST --body-size 10 --timeout 500; rc=$?
	test $(( $(date +%s) - start )) -le 2 && test_grep "[HTTP-TIMEOUT]" err || exit 99
	exit $rc
'
test_expect_success '503 with Retry-After: 7 seconds, and an HTTP-date two minutes ahead' '
	probe "status=503 body_sent=1 redirects=0 retry_after=7 " --url $U/busy &&
	probe "status=503" --url $U/busy-date && grep -Eq "retry_after=1(19|20) " out
'
test_expect_code 4 'an answer over the cap (2 MiB against 1 MB): HTTP-LIMIT' '
	probe "outcome=too-large" --url $U/big --max-response 1000000; rc=$?
	test_grep "[HTTP-LIMIT]" err || exit 99
	exit $rc
'
test_expect_success 'redirects are not followed unless asked; on the same origin they are' '
	probe "outcome=answered status=302 body_sent=1 redirects=0" --url $U/redirect-same &&
	probe "outcome=answered status=200 body_sent=1 redirects=1" --url $U/redirect-same --follow 1
'
test_expect_code 2 'a redirect to another host with a token is refused, and the token never reaches it' '
	echo "tok-secret-value" >bearer && : >"$TRASH/log" &&
	probe "outcome=refused status=302" --url $U/redirect-other --follow 1 --bearer-file bearer; rc=$?
	test_grep "[HTTP-REDIRECT] a redirect to another origin (http://localhost:" err &&
	test_grep "/redirect-other auth" "$TRASH/log" && ! grep -q "^/capture" "$TRASH/log" &&
	! grep -q tok-secret-value out err || exit 99
	exit $rc
'
test_expect_success 'without a token the same redirect is followed (the request carries nothing to leak)' '
	probe "outcome=answered status=404 body_sent=1 redirects=1" --url $U/redirect-other --follow 1
'
test_expect_code 2 'plain http to a host that is not the loopback: HTTP-URL, nothing sent' '
	probe "outcome=refused status=0 body_sent=0" --url http://example.invalid/x; rc=$?
	test_grep "[HTTP-URL] http://example.invalid: only https is used" err &&
	{ probe "outcome=refused" --url http://127.0.0.1.example.invalid/x; test $? -eq 2; } || exit 99
	exit $rc
'
test_expect_code 4 'a malformed token response: JSON-SYNTAX, exit 4' '
	"$PROBE" client-credentials --token-url $U/token-malformed --client-id app >out 2>err; rc=$?
	test_grep "[JSON-SYNTAX]" err || exit 99
	exit $rc
'
test_expect_code 4 'a token that would forge a header line: OAUTH-TOKEN-SHAPE, never sent' '
	"$PROBE" client-credentials --token-url $U/token-crlf --client-id app >out 2>err; rc=$?
	test_grep "[OAUTH-TOKEN-SHAPE] access_token holds characters a bearer token cannot have" err || exit 99
	exit $rc
'
test_expect_success 'a 401 renews the token once (client credentials) and the request passes' '
	: >"$TRASH/log" && echo s3cret >secret &&
	"$PROBE" request --token-url $U/token --client-id app --secret-file secret --get $U/resource \
		--cache-dir cache --name ep >out 2>err &&
	test_grep "status=200 body=granted" out &&
	test "$(grep -c "^/token " "$TRASH/log")" -eq 2 && test "$(grep -c "^/resource auth" "$TRASH/log")" -eq 2 &&
	test "$(stat -c %a cache/ep.token)" = 600 && test "$(stat -c %a cache)" = 700 && ! grep -q s3cret out err
'
test_expect_success 'the next run takes the cached token: no token request' '
	: >"$TRASH/log" &&
	"$PROBE" request --token-url $U/token --client-id app --secret-file secret --get $U/resource \
		--cache-dir cache --name ep >out 2>err &&
	test_grep "status=200 body=granted" out && ! grep -q "^/token" "$TRASH/log"
'
test_expect_success 'an expired cached token is not sent: a new one is asked for first' '
	printf "tdk-oauth-token 1\ntype Bearer\nexpires_at 1000\naccess_token tok-expired\n" >cache/ep.token && chmod 600 cache/ep.token &&
	: >"$TRASH/log" &&
	"$PROBE" request --token-url $U/token --client-id app --secret-file secret --get $U/resource \
		--cache-dir cache --name ep >out 2>err &&
	test_grep "status=200 body=granted" out && test "$(grep -c "^/token " "$TRASH/log")" -eq 1 &&
	test "$(grep -c "^/resource" "$TRASH/log")" -eq 1
'
test_expect_code 5 'a cache file that others can read is refused: OAUTH-CACHE-MODE' '
	chmod 644 cache/ep.token
	"$PROBE" get --token-url $U/token --client-id app --secret-file secret --cache-dir cache --name ep >out 2>err; rc=$?
	test_grep "[OAUTH-CACHE-MODE]" err || exit 99
	exit $rc
'
test_expect_success 'a cached token that could forge a header line is never sent: a new one is asked for' '
	printf "tdk-oauth-token 1\ntype Bearer\nexpires_at 0\naccess_token bad\tX-Evil: 1\n" >cache/ep.token &&
	chmod 600 cache/ep.token && : >"$TRASH/log" &&
	"$PROBE" request --token-url $U/token --client-id app --secret-file secret --get $U/resource \
		--cache-dir cache --name ep >out 2>err &&
	test_grep "status=200 body=granted" out && test "$(grep -c "^/token " "$TRASH/log")" -eq 1
'
test_done
