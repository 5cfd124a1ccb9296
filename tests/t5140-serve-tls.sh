#!/bin/sh
# tdk serve over TLS (--cert, --key) with a test PKI of its own made here
# with openssl(1): curl with the right CA gets its token, a client with
# another CA refuses the server; with --client-ca a client certificate is
# asked for and one from another CA is refused during the handshake, and
# with --require-client-cert a client without one is refused too, while the
# server goes on; tdk endpoint check passes against it, and with a client
# certificate against a server that requires one; an encrypted key takes its passphrase as tdk sign
# does, never from argv; a key that is not one and lone options are refused.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"

HOME=$TRASH/home
unset TDK_ENDPOINTS XDG_CONFIG_HOME
export HOME
mkdir -p "$HOME"
# ca NAME: a self-signed P-256 CA.  leaf NAME CA SAN USAGE: a certificate it issues.
ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.pem" \
		-days 30 -subj "/CN=tdk test $1" -addext "keyUsage=critical,keyCertSign,cRLSign" \
		-addext "basicConstraints=critical,CA:true" 2>/dev/null
}
leaf() {
	printf 'subjectAltName=%s\nextendedKeyUsage=%s\nbasicConstraints=CA:false\n' "$3" "$4" >"$1.ext" &&
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.csr" \
		-subj "/CN=$1" 2>/dev/null &&
	openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -extfile "$1.ext" \
		-days 30 -out "$1.pem" 2>/dev/null
}
if ! { ca ca && ca rogue && leaf localhost ca "DNS:localhost,IP:127.0.0.1" serverAuth &&
       leaf client ca DNS:client clientAuth && leaf stranger rogue DNS:stranger clientAuth; }; then
	test_skip 'tdk serve over TLS' 'openssl cannot make the test PKI'
	test_done
fi
P=$TRASH
# tok [curl option ...]: the HTTP status of a client-credentials token request, or 000 when refused.
tok() {
	$CURL -o /dev/null -w "%{http_code}\n" "$@" -d grant_type=client_credentials -d client_id=cli \
		-d client_secret=s3cret "$URL/oauth/token"
}
export P

serve_start --cert "$P/localhost.pem" --key "$P/localhost.key" || { echo "Bail out! tdk serve did not start"; exit 1; }
export URL
test_expect_success 'https: it says so, and curl with the test CA gets a token' '
	case $URL in https://127.0.0.1:*) ;; *) exit 1 ;; esac &&
	tok --cacert "$P/ca.pem" >c && echo 200 >want && test_cmp want c
'
test_expect_success 'a client that trusts another CA refuses the server (curl 60)' '
	tok --cacert "$P/rogue.pem" >c; test $? -eq 60 && echo 000 >want && test_cmp want c
'
test_expect_success 'plain http to the TLS port gets no answer; the server goes on' '
	$CURL -o /dev/null -w "%{http_code}\n" "http://${URL#https://}/oauth/token" >c; test $? -ne 0 &&
	tok --cacert "$P/ca.pem" >c && echo 200 >want && test_cmp want c
'
printf '[serve]\nprofile = rest\nurl = %s/customs/declarations\ngrant = client-credentials\ntoken-url = %s/oauth/token\nclient-id = cli\nclient-secret-env = T5140_SECRET\nca-file = ca.pem\n' \
	"$URL" "$URL" >ep
test_expect_success 'tdk endpoint check passes against it' '
	T5140_SECRET=s3cret tdk endpoint --endpoints ep check serve >out 2>err && test ! -s err &&
	test_grep "tls: ok: verified against ca.pem" out && grep -q "^certificate: ok: subject CN *= *localhost" out
'
serve_stop
test_expect_success 'a clean stop over TLS: exit 0' 'test "$SERVE_RC" -eq 0'

serve_start --cert "$P/localhost.pem" --key "$P/localhost.key" --client-ca "$P/ca.pem" || exit 1
test_expect_success '--client-ca: a certificate of that CA, or none, is served' '
	tok --cacert "$P/ca.pem" --cert "$P/client.pem" --key "$P/client.key" >c && echo 200 >want && test_cmp want c &&
	tok --cacert "$P/ca.pem" >c && test_cmp want c
'
test_expect_success '--client-ca: a certificate of another CA is refused in the handshake' '
	tok --cacert "$P/ca.pem" --cert "$P/stranger.pem" --key "$P/stranger.key" >c; test $? -ne 0 &&
	echo 000 >want && test_cmp want c
'
serve_stop
serve_start --cert "$P/localhost.pem" --key "$P/localhost.key" --client-ca "$P/ca.pem" --require-client-cert || exit 1
# as2 NAME [LINE]: an as2 endpoint (no secret to read) on this server, appended to ep.
as2() {
	printf '[%s]\nprofile = as2\nurl = %s/as2\nas2-from = A\nas2-to = B\nkey = k\npartner-cert = c\nca-file = ca.pem\n%s\n' \
		"$1" "$URL" "${2:-}" >>ep
}
as2 mtls "client-cert = client.pem
client-key = client.key"
as2 nocert
test_expect_success '--require-client-cert: a client certificate given is served' '
	tok --cacert "$P/ca.pem" --cert "$P/client.pem" --key "$P/client.key" >c && echo 200 >want && test_cmp want c
'
test_expect_success '--require-client-cert: none, or another CA'"'"'s, is refused; the server goes on' '
	tok --cacert "$P/ca.pem" >c; test $? -ne 0 && echo 000 >want && test_cmp want c &&
	tok --cacert "$P/ca.pem" --cert "$P/stranger.pem" --key "$P/stranger.key" >c; test $? -ne 0 && test_cmp want c &&
	tok --cacert "$P/ca.pem" --cert "$P/client.pem" --key "$P/client.key" >c && echo 200 >want && test_cmp want c
'
test_expect_success 'tdk endpoint check with the client certificate passes' '
	tdk endpoint --endpoints ep check mtls >out 2>err && test_grep "tls: ok" out && test ! -s err
'
# Under TLS 1.3 the client's handshake ends before the server has judged its
# certificate: the check reads after it, and sees the refusal.
test_expect_success 'tdk endpoint check without a client certificate: a trust failure (exit 5)' '
	tdk endpoint --endpoints ep check nocert >out 2>err; test $? -eq 5 && grep -q "^tls: failed: " out
'
serve_stop
test_expect_code 3 'a key that is not a key: SERVE-TLS, exit 3' '
	tdk serve --state s.db --clients "$TRASH/clients" --cert "$P/localhost.pem" --key "$P/ca.pem" 2>err; rc=$?
	test_grep "error: [SERVE-TLS] the certificate and key are not" err || exit 99
	exit $rc
'
test_expect_code 3 'a client CA file without a certificate: SERVE-TLS, exit 3' '
	tdk serve --state s.db --clients "$TRASH/clients" --cert "$P/localhost.pem" --key "$P/localhost.key" \
		--client-ca "$TRASH/clients" 2>err; rc=$?
	test_grep "error: [SERVE-TLS] the client CA holds no PEM certificate" err || exit 99
	exit $rc
'
echo 'correct horse battery' >pass.txt && chmod 600 pass.txt &&
	openssl pkcs8 -topk8 -in localhost.key -passout file:pass.txt -out enc.key 2>/dev/null
test_expect_success 'an encrypted key with --passphrase-file: https, and the passphrase in no argv' '
	serve_start --cert "$P/localhost.pem" --key "$P/enc.key" --passphrase-file "$P/pass.txt" &&
	tok --cacert "$P/ca.pem" >c && echo 200 >want && test_cmp want c &&
	! tr "\0" " " <"/proc/$(cat "$TRASH/serve.pid")/cmdline" | grep -q horse && serve_stop && test "$SERVE_RC" -eq 0
'
test_expect_success 'the passphrase from TDK_PASSPHRASE, gone from the environment of the server' '
	TDK_PASSPHRASE="correct horse battery" && export TDK_PASSPHRASE &&
	serve_start --cert "$P/localhost.pem" --key "$P/enc.key" && unset TDK_PASSPHRASE &&
	tok --cacert "$P/ca.pem" >c && echo 200 >want && test_cmp want c &&
	! tr "\0" "\n" <"/proc/$(cat "$TRASH/serve.pid")/environ" | grep -q horse && serve_stop
'
test_expect_code 3 'an encrypted key with a wrong passphrase: SERVE-TLS, exit 3' '
	echo wrong >bad.txt &&
	tdk serve --state s.db --clients "$TRASH/clients" --cert "$P/localhost.pem" --key "$P/enc.key" \
		--passphrase-file bad.txt 2>err; rc=$?
	test_grep "[SERVE-TLS] the certificate and key are not a PEM certificate and its key with this passphrase" err ||
		exit 99
	exit $rc
'
test_expect_code 3 'an encrypted key and no passphrase to be had (no terminal): exit 3' '
	env -u TDK_PASSPHRASE setsid -w tdk serve --state s.db --clients "$TRASH/clients" --cert "$P/localhost.pem" \
		--key "$P/enc.key" </dev/null 2>err >out; rc=$?
	test_grep "passphrase" err && ! grep -q "^listening" out || exit 99
	exit $rc
'
for c in "--cert localhost.pem:--cert and --key go together" \
	 "--key localhost.key:--cert and --key go together" \
	 "--client-ca ca.pem:--client-ca and --require-client-cert need --cert" \
	 "--cert localhost.pem --key localhost.key --require-client-cert:--require-client-cert needs --client-ca"; do
	test_expect_code 2 "${c%%:*} alone: usage error" "
		tdk serve --state s.db --clients \"\$TRASH/clients\" ${c%%:*} 2>err; rc=\$?
		test_grep 'tdk serve: ${c#*:}' err || exit 99
		exit \$rc
	"
done
test_done
