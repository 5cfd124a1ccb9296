#!/bin/sh
# Interop of lib/net/oauth.h with an OAuth 2.0 server tdk did not write: npm
# oidc-provider (version pinned in tests/peers/package.json), run on
# 127.0.0.1 by tests/peers/oauth-server.mjs.  Tokens by client credentials
# (client_secret_basic and client_secret_post), by the authorization code
# with PKCE through the loopback redirect (the test plays the browser with
# curl, following the server's login and consent to the redirect), by
# refresh from the kept refresh token, and by tdk endpoint login itself
# (its URL followed by curl, the refresh token then used by tdk endpoint
# check); the twins: a wrong secret, a forged state, a login that never
# comes.  The secret and the tokens never appear
# in any output.  oidc-provider is installed once into build/peers; without
# node, npm or the registry the test skips with the reason.
. "$(dirname "$0")/lib.sh"

PROBE=$REPO/$TDK_BUILD/tests/gen/oauth-probe
skip_all() { test_skip 'OAuth 2.0 interop with oidc-provider' "$1"; test_done; }
[ -x "$PROBE" ] || skip_all "needs $TDK_BUILD/tests/gen/oauth-probe (make $TDK_BUILD/tests/gen/oauth-probe)"
command -v curl >/dev/null 2>&1 || skip_all "needs curl (Debian package curl)"
npm_peers 'OAuth 2.0 interop with oidc-provider'
cp "$REPO/tests/peers/oauth-server.mjs" "$TRASH/"
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >secret && chmod 600 secret
node oauth-server.mjs "$TRASH/port" "$TRASH/secret" >"$TRASH/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$TRASH"' EXIT
i=0
while [ ! -s "$TRASH/port" ] && [ $i -lt 150 ] && kill -0 $server 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
[ -s "$TRASH/port" ] || skip_all "oidc-provider did not start: $(grep -v WARNING "$TRASH/server.log" | head -c 300)"
S=http://127.0.0.1:$(cat "$TRASH/port")
export PROBE S

# clean [DIR]: no output holds the secret or a token kept in the cache (DIR, default cache).
clean() {
	for f in out err; do
		! grep -qF "$(cat secret)" $f || { echo "the secret is in $f"; return 1; }
		for t in "${1:-cache}"/*; do
			[ -f "$t" ] || continue
			v=$(sed -n 's/^\(access\|refresh\)_token //p' "$t")
			! grep -qF "$v" $f || { echo "a token is in $f"; return 1; }
		done
	done
}
# login: the authorization code grant, the test's curl as the browser; $1 is a curl step to run instead.
login() {
	rm -f url
	"$PROBE" authorization-code --token-url $S/token --authorize-url $S/auth --client-id tdk-user \
		--secret-file secret --scope "openid offline_access" --url-file url --timeout "${2:-15000}" \
		--cache-dir cache --name cds >out 2>err &
	probe=$!
	i=0
	while [ ! -s url ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	eval "${1:-curl -sS -L -c jar -b jar --max-redirs 20 -m 15 -o page \"\$(cat url)\"}"
	wait $probe
}

test_expect_success 'client credentials, client_secret_basic: a Bearer token for 600 s' '
	"$PROBE" client-credentials --token-url $S/token --client-id tdk-app --secret-file secret \
		--scope write:customs-declaration >out 2>err &&
	grep -Eq "^token_type=Bearer expires_in=(59[0-9]|600) refresh=no$" out && test ! -s err && clean
'
test_expect_success 'client credentials, client_secret_post' '
	"$PROBE" client-credentials --token-url $S/token --client-id tdk-app-post --auth post --secret-file secret \
		>out 2>err && test_grep "token_type=Bearer" out && clean
'
test_expect_code 5 'a wrong secret: the server says invalid_client, OAUTH-REFUSED, exit 5' '
	echo wrong-secret >bad && chmod 600 bad
	"$PROBE" client-credentials --token-url $S/token --client-id tdk-app --secret-file bad >out 2>err; rc=$?
	test_grep "[OAUTH-REFUSED] the token endpoint refused: invalid_client" err && test ! -s out || exit 99
	exit $rc
'
test_expect_success 'authorization code with PKCE (S256) through the loopback redirect, refresh token kept' '
	login &&
	grep -Eq "^token_type=Bearer expires_in=(59[0-9]|600) refresh=yes$" out && test ! -s err &&
	test_grep "login received" page && grep -q "code_challenge_method=S256" url &&
	grep -q "redirect_uri=http%3A%2F%2F127.0.0.1%3A[0-9]*%2Fcallback" url &&
	test "$(stat -c %a cache/cds.token) $(stat -c %a cache/cds.refresh)" = "600 600" && clean
'
test_expect_success 'refresh (RFC 6749 §6) with the kept refresh token, without a person' '
	"$PROBE" refresh --token-url $S/token --client-id tdk-user --secret-file secret --cache-dir cache --name cds \
		>out 2>err && test_grep "token_type=Bearer" out && test ! -s err && clean
'
printf '%s\n' '[op]' 'profile = rest' "url = $S/customs/declarations" 'grant = authorization-code' \
	"authorize-url = $S/auth" "token-url = $S/token" 'client-id = tdk-user' 'client-secret-file = secret' \
	'scope = openid offline_access' >ep
test_expect_success 'tdk endpoint login: a token by the code grant with PKCE, then the token step refreshes with it' '
	rm -f url
	XDG_CACHE_HOME=$TRASH/xc tdk endpoint --endpoints ep login --timeout 15 op >url 2>err &
	pid=$! i=0
	while [ ! -s url ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done &&
	grep -q "^$S/auth?response_type=code&client_id=tdk-user&.*code_challenge_method=S256" url &&
	curl -sS -L -c jar2 -b jar2 --max-redirs 20 -m 15 -o page "$(cat url)" && wait $pid &&
	test_grep "login received" page && test_grep "'"'"'op'"'"' logged in; its refresh token is kept" err &&
	test "$(stat -c %a xc/tdk/op.token) $(stat -c %a xc/tdk/op.refresh)" = "600 600" &&
	rm xc/tdk/op.token && XDG_CACHE_HOME=$TRASH/xc tdk endpoint --endpoints ep check op >out 2>>err &&
	test_grep "token: ok: Bearer, expires in" out && test -s xc/tdk/op.token && clean xc/tdk
'
test_expect_code 5 'a redirect with a forged state is refused: OAUTH-STATE' '
	login "curl -s -o page \"\$(sed -n \"s|.*redirect_uri=http%3A%2F%2F127.0.0.1%3A\([0-9]*\).*|http://127.0.0.1:\1|p\" url)/callback?code=x&state=forged\""; rc=$?
	test_grep "[OAUTH-STATE]" err || exit 99
	exit $rc
'
test_expect_code 4 'no redirect comes: OAUTH-TIMEOUT within the wait' '
	login ":" 300; rc=$?
	test_grep "[OAUTH-TIMEOUT]" err || exit 99
	exit $rc
'
test_done
