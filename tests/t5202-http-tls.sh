#!/bin/sh
# lib/net/http.h over TLS against tests/peers/http-faults.py with a
# certificate made here (openssl, for 127.0.0.1, self-signed) that asks for a
# client certificate (mutual TLS): verification is always on (the system
# store does not know the server: HTTP-TLS, exit 5), a CA file makes it
# trusted, the host name is checked, and a client certificate the server
# does not know never lets the request reach the server's application.
. "$(dirname "$0")/lib.sh"

PROBE=$REPO/$TDK_BUILD/tests/gen/oauth-probe
skip_all() { test_skip 'HTTP over TLS' "$1"; test_done; }
[ -x "$PROBE" ] || skip_all "needs $TDK_BUILD/tests/gen/oauth-probe"
command -v python3 >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1 || skip_all "needs python3 and openssl"
for n in server client stranger; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $n.key -out $n.pem \
		-subj /CN=$n -days 2 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 || skip_all "openssl req failed"
done
peer_start 'HTTP over TLS' http-faults.py "$TRASH/log" server.pem server.key client.pem
P=$(cat "$TRASH/port")
export PROBE P
MTLS="--ca-file server.pem --client-cert client.pem --client-key client.key"

test_expect_success 'the CA file and our client certificate: an answer' '
	"$PROBE" http --url https://127.0.0.1:$P/ok $MTLS >out 2>err &&
	test_grep "outcome=answered status=200 body_sent=1" out && test ! -s err
'
test_expect_code 5 'verification is always on: the system store does not know the server, HTTP-TLS' '
	"$PROBE" http --url https://127.0.0.1:$P/ok --client-cert client.pem --client-key client.key >out 2>err; rc=$?
	test_grep "outcome=trust status=0 body_sent=0" out && test_grep "error: [HTTP-TLS]" err || exit 99
	exit $rc
'
test_expect_code 5 'the host name is checked: localhost is not in the certificate (IP 127.0.0.1 only)' '
	"$PROBE" http --url https://localhost:$P/ok $MTLS >out 2>err; rc=$?
	test_grep "[HTTP-TLS] https://localhost:$P: TLS failed, the request was not sent" err || exit 99
	exit $rc
'
# With TLS 1.3 the server refuses a client certificate after the client has
# sent its request: its alert (HTTP-TLS) or its reset (HTTP-SEND) comes
# first, as the scheduler has it; either way the request never reached the
# server's application, and the outcome is never "unknown".
for c in "a client certificate the server does not know:--client-cert stranger.pem --client-key stranger.key" \
	 "no client certificate:"; do
	test_expect_success "${c%%:*}: not received (trust or not sent), nothing reaches the application" "
		: >\"\$TRASH/log\"
		\"\$PROBE\" http --url https://127.0.0.1:\$P/ok --ca-file server.pem ${c#*:} >out 2>err; rc=\$?
		grep -Eq 'outcome=(trust|not-sent) status=0' out && grep -Eq 'HTTP-(TLS|SEND)' err &&
		test ! -s \"\$TRASH/log\" && { [ \$rc -eq 5 ] || [ \$rc -eq 4 ]; }
	"
done
test_done
