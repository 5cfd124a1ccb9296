#!/bin/sh
# tdk serve's token endpoint (RFC 6749): client credentials with the secret
# in the body or by HTTP Basic, the authorization code grant with PKCE S256
# (RFC 7636) through a loopback redirect, refresh tokens rotated on use, and
# every error as section 5.2's JSON; a malformed clients file refused.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"

serve_start --access-log "$TRASH/access.log" || { echo "Bail out! tdk serve did not start"; exit 1; }
export URL

test_expect_success 'client credentials: a bearer token with the client scopes, no refresh token, no-store' '
	$CURL -D h -d grant_type=client_credentials -d client_id=cli -d client_secret=s3cret "$URL/oauth/token" >b &&
	test_grep "HTTP/1.1 200" h && test_grep "Cache-Control: no-store" h &&
	sed "s/\"access_token\":\"[0-9a-f]\{64\}\"/\"access_token\":\"T\"/" b >got &&
	echo "{\"access_token\":\"T\",\"token_type\":\"bearer\",\"expires_in\":3600,\"scope\":\"write:customs-declaration read:pull-notifications\"}" >want &&
	test_cmp want got
'
test_expect_success 'the same by HTTP Basic, with a narrower scope' '
	$CURL -u cli:s3cret -d grant_type=client_credentials -d scope=read:pull-notifications "$URL/oauth/token" >b &&
	test_grep "\"scope\":\"read:pull-notifications\"}" b
'
test_expect_success 'a wrong secret: 401 invalid_client with WWW-Authenticate' '
	$CURL -D h -d grant_type=client_credentials -d client_id=cli -d client_secret=nope "$URL/oauth/token" >b &&
	test_grep "HTTP/1.1 401" h && test_grep "WWW-Authenticate: Basic" h &&
	echo "{\"error\":\"invalid_client\",\"error_description\":\"the client is unknown or its secret is wrong\"}" >want &&
	test_cmp want b
'
test_expect_success 'an unknown grant type, a scope not the client'"'"'s, no grant_type: 400 and their errors' '
	$CURL -w "%{http_code}\n" -d grant_type=password -d client_id=cli "$URL/oauth/token" >b &&
	test_grep "{\"error\":\"unsupported_grant_type\"" b && grep -q "^400$" b &&
	$CURL -w "%{http_code}\n" -d grant_type=client_credentials -d client_id=pub -d client_secret=pubsecret \
		-d scope=read:pull-notifications "$URL/oauth/token" >b &&
	test_grep "{\"error\":\"invalid_scope\"" b && grep -q "^400$" b &&
	$CURL -w "%{http_code}\n" -d client_id=cli "$URL/oauth/token" >b &&
	test_grep "{\"error\":\"invalid_request\"" b && grep -q "^400$" b
'
V=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXkdBjftJeZ4CVP
CH=$(printf %s "$V" | openssl dgst -sha256 -binary | openssl base64 -A | tr "+/" "-_" | tr -d "=")
export V CH
authorize() {
	$CURL -D h "$URL/oauth/authorize?response_type=code&client_id=pub&redirect_uri=http://127.0.0.1:9/cb&code_challenge=$CH&code_challenge_method=S256&state=xyz" >/dev/null &&
	sed -n "s/^Location: http:\/\/127.0.0.1:9\/cb?code=\([0-9a-f]*\)&state=xyz\r$/\1/p" h
}
test_expect_success 'authorization code with PKCE: 302 to the loopback, the code and verifier give tokens' '
	code=$(authorize) && test -n "$code" && test_grep "HTTP/1.1 302" h &&
	$CURL -d grant_type=authorization_code -d client_id=pub -d "code=$code" -d "code_verifier=$V" \
		-d redirect_uri=http://127.0.0.1:9/cb "$URL/oauth/token" >b &&
	grep -q "\"refresh_token\":\"[0-9a-f]\{64\}\"" b && test_grep "\"scope\":\"write:customs-declaration\"" b &&
	$CURL -d grant_type=authorization_code -d client_id=pub -d "code=$code" -d "code_verifier=$V" \
		-d redirect_uri=http://127.0.0.1:9/cb "$URL/oauth/token" >b2 &&
	test_grep "{\"error\":\"invalid_grant\",\"error_description\":\"the code is unknown, used, expired" b2
'
test_expect_success 'a wrong code_verifier, a redirect_uri that differs: invalid_grant' '
	code=$(authorize) &&
	$CURL -d grant_type=authorization_code -d client_id=pub -d "code=$code" -d "code_verifier=${V}x" \
		-d redirect_uri=http://127.0.0.1:9/cb "$URL/oauth/token" >b &&
	echo "{\"error\":\"invalid_grant\",\"error_description\":\"the code_verifier does not match the code_challenge\"}" >want &&
	test_cmp want b && code=$(authorize) &&
	$CURL -d grant_type=authorization_code -d client_id=pub -d "code=$code" -d "code_verifier=$V" \
		-d redirect_uri=http://127.0.0.1:8/cb "$URL/oauth/token" >b &&
	test_grep "invalid_grant" b
'
test_expect_success 'authorize refuses a redirect off the loopback and a plain challenge' '
	$CURL -o /dev/null -w "%{http_code}\n" "$URL/oauth/authorize?response_type=code&client_id=pub&redirect_uri=http://example.com/cb&code_challenge=$CH&code_challenge_method=S256" >b &&
	echo 400 >want && test_cmp want b &&
	$CURL -D h "$URL/oauth/authorize?response_type=code&client_id=pub&redirect_uri=http://127.0.0.1:9/cb&code_challenge=$CH&code_challenge_method=plain" >/dev/null &&
	test_grep "Location: http://127.0.0.1:9/cb?error=invalid_request" h
'
test_expect_success 'a refresh token gives new tokens once; the old one is then refused' '
	code=$(authorize) &&
	$CURL -d grant_type=authorization_code -d client_id=pub -d "code=$code" -d "code_verifier=$V" \
		-d redirect_uri=http://127.0.0.1:9/cb "$URL/oauth/token" >b &&
	rt=$(sed -n "s/.*\"refresh_token\":\"\([0-9a-f]*\)\".*/\1/p" b) && test -n "$rt" &&
	$CURL -d grant_type=refresh_token -d client_id=pub -d "refresh_token=$rt" "$URL/oauth/token" >b2 &&
	grep -q "\"access_token\":\"[0-9a-f]\{64\}\"" b2 && ! test_cmp b b2 >/dev/null &&
	$CURL -d grant_type=refresh_token -d client_id=pub -d "refresh_token=$rt" "$URL/oauth/token" >b3 &&
	test_grep "{\"error\":\"invalid_grant\"" b3
'
test_expect_success 'the access log has a JSON line per request, and no token, secret or code in it' '
	test "$(wc -l <"$TRASH/access.log")" -ge 10 &&
	test_grep "\"method\":\"POST\",\"path\":\"/oauth/token\",\"status\":200" "$TRASH/access.log" &&
	! grep -q "s3cret\|pubsecret\|[0-9a-f]\{64\}\|code=" "$TRASH/access.log"
'
test_expect_success 'the state keeps a token by its SHA-256, never the token' '
	t=$(token) && test -n "$t" && ! grep -q "$t" "$TRASH/serve.db" "$TRASH/serve.db-wal" &&
	h=$(printf %s "$t" | openssl dgst -sha256 -r | cut -d" " -f1) && grep -q "$h" "$TRASH/serve.db" "$TRASH/serve.db-wal"
'
test_expect_success 'SIGTERM: exit 0, said on stderr' '
	serve_stop TERM && test "$SERVE_RC" -eq 0 && test_grep "stopped by SIGTERM" "$TRASH/serve.err"
'
test_expect_code 3 'a malformed clients file: exit 3, SERVE-CLIENTS at its line' '
	printf "a b c\nonly-two words\n" >bad && tdk serve --state s.db --clients bad 2>err; rc=$?
	test_grep "bad:2:1: error: [SERVE-CLIENTS] line 2 is not a client id, a secret and scopes" err || exit 99
	exit $rc
'
test_expect_success '--port-file names the port of the listening line; --listen on that port again: SERVE-LISTEN, exit 3' '
	serve_start --port-file "$TRASH/port" && test "$(cat "$TRASH/port")" = "${URL##*:}" &&
	{ timeout 60 tdk serve --state s.db --clients "$TRASH/clients" --listen "127.0.0.1:$(cat "$TRASH/port")" 2>err; rc=$?; } &&
	test $rc -eq 3 && test_grep "error: [SERVE-LISTEN] cannot listen on 127.0.0.1:" err && serve_stop && test "$SERVE_RC" -eq 0
'
test_expect_code 3 'a state database that cannot be opened: SERVE-STATE, exit 3' '
	tdk serve --state "$TRASH/no/such/dir/s.db" --clients "$TRASH/clients" 2>err; rc=$?
	test_grep "[SERVE-STATE] cannot open the state database" err || exit 99
	exit $rc
'
test_expect_code 2 '--listen that is not address:port: usage error' 'tdk serve --state s.db --clients "$TRASH/clients" --listen 127.0.0.1 2>err'
test_expect_code 2 '--state and --clients are required' 'tdk serve --state s.db 2>err'
test_done
