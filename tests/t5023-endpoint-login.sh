#!/bin/sh
# tdk endpoint login against tdk serve's authorization endpoint, curl
# playing the browser by following the printed URL: the URL alone on
# stdout, a sentence on stderr, the tokens kept 0600, and tdk submit then
# sends with a token renewed from the refresh token, without a person.
# The twins: an error redirect (invalid_scope from the server;
# access_denied with its description), a forged state, no redirect within
# --timeout, a client-credentials endpoint;
# --open launches xdg-open only when asked; completion offers login and the
# endpoint names after it.  No output holds the secret or a token.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"

HOME=$TRASH/home XDG_CACHE_HOME=$TRASH/cache
unset TDK_ENDPOINTS XDG_CONFIG_HOME XDG_STATE_HOME
export HOME XDG_CACHE_HOME
mkdir -p "$HOME"
serve_schema
echo '</catalog>' >>cat.xml
serve_start --catalog "$TRASH/cat.xml" --access-log "$TRASH/access.log" || { echo "Bail out! tdk serve did not start"; exit 1; }
printf 's3cret\n' >secret && chmod 600 secret
# endpoint NAME GRANT [SCOPE]: a rest endpoint of tdk serve, appended to ep.
endpoint() {
	printf '%s\n' "[$1]" 'profile = rest' "url = $URL/customs/declarations" 'api-version = 3.0' "grant = $2" \
		"token-url = $URL/oauth/token" 'client-id = cli' 'client-secret-file = secret' \
		"scope = ${3:-write:customs-declaration}" 'badge-id = ABC123' 'catalog = cat.xml' 'timeout = 5' \
		"authorize-url = $URL/oauth/authorize" >>ep
}
: >ep
endpoint user authorization-code
endpoint wide authorization-code "write:customs-declaration admin"
endpoint app client-credentials
TDK_ENDPOINTS=$TRASH/ep TDK_JOURNAL=$TRASH/j.db
export TDK_ENDPOINTS TDK_JOURNAL
lrn G001

# login NAME [BROWSER [OPTION ...]]: tdk endpoint login in the background, BROWSER (a command
# reading the URL from the file url; default: curl following it) once the URL is there.
login() {
	n=$1 b=${2:-}
	shift; [ $# -gt 0 ] && shift
	rm -f url
	tdk endpoint login "$@" "$n" >url 2>err &
	pid=$!
	i=0
	while [ ! -s url ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	eval "${b:-curl -sS -L -m 10 -o page \"\$(cat url)\"}"
	wait $pid
}
# redirect QUERY: the browser comes back to the loopback with QUERY (the login's state as STATE).
redirect() {
	st=$(sed -n 's/.*[?&]state=\([^&]*\).*/\1/p' url)
	port=$(sed -n 's/.*redirect_uri=http%3A%2F%2F127.0.0.1%3A\([0-9]*\)%2F.*/\1/p' url)
	curl -sS -m 5 -o page "http://127.0.0.1:$port/callback?$(echo "$1" | sed "s/STATE/$st/")"
}
clean() {
	for f in url err out page; do
		[ -f $f ] || continue
		! grep -qF s3cret $f || { echo "the secret is in $f"; return 1; }
		for t in cache/tdk/*; do
			[ -f "$t" ] || continue
			v=$(sed -n 's/^\(access\|refresh\)_token //p' "$t")
			[ -z "$v" ] || ! grep -qF "$v" $f || { echo "a token is in $f"; return 1; }
		done
	done
}

test_expect_code 5 'before any login, tdk submit asks for one: AUTH-LOGIN, exit 5, nothing sent' '
	tdk submit -e user G001.xml >out 2>err; rc=$?
	test_grep "[AUTH-LOGIN] endpoint '"'"'user'"'"' uses the authorization code grant and no refresh token is kept: run '"'"'tdk endpoint login user'"'"' first" err &&
	! grep -q "/customs/declarations" access.log || exit 99
	exit $rc
'
test_expect_success 'login: the URL alone on stdout (PKCE S256, a loopback redirect), a sentence on stderr, tokens kept 0600' '
	login user &&
	test "$(wc -l <url)" -eq 1 && grep -q "^$URL/oauth/authorize?response_type=code&client_id=cli&" url &&
	grep -q "code_challenge_method=S256" url && grep -q "redirect_uri=http%3A%2F%2F127.0.0.1%3A[0-9]*%2Fcallback" url &&
	grep -q "^tdk endpoint: open the URL above in a browser .* log in to '"'"'user'"'"'; the answer comes back to http://127.0.0.1:[0-9]*/callback (waiting 300 s)$" err &&
	test_grep "tdk endpoint: '"'"'user'"'"' logged in; its refresh token is kept" err &&
	test_grep "login received" page &&
	test "$(stat -c %a cache/tdk/user.token) $(stat -c %a cache/tdk/user.refresh) $(stat -c %a cache/tdk)" = "600 600 700" &&
	clean
'
test_expect_success 'tdk submit then sends without a person: the access token dropped, renewed by the refresh token' '
	rm cache/tdk/user.token && old=$(cat cache/tdk/user.refresh) &&
	tdk submit -e user G001.xml >out 2>err && test_grep "G001.xml: accepted, conversation" out &&
	test -s cache/tdk/user.token && test "$(cat cache/tdk/user.refresh)" != "$old" &&
	test "$(grep -c "\"path\":\"/oauth/token\"" access.log)" -eq 2 && clean
'
test_expect_success 'tdk endpoint check takes its token from the cache the login filled' '
	tdk endpoint check user >out 2>err && test_grep "token: ok: Bearer, expires in" out && test ! -s err
'
test_expect_code 5 'an error redirect from the server (a scope beyond the client): OAUTH-DENIED invalid_scope, exit 5' '
	login wide; rc=$?
	test_grep "wide: error: [OAUTH-DENIED] the authorization server refused: invalid_scope" err &&
	test_grep "login was refused" page && test ! -e cache/tdk/wide.refresh || exit 99
	exit $rc
'
test_expect_code 5 'access_denied (RFC 6749 4.1.2.1) with its description: OAUTH-DENIED, exit 5' '
	login user "redirect \"error=access_denied&error_description=the+user+said+no%0A&state=STATE\"" --timeout 10; rc=$?
	test_grep "[OAUTH-DENIED] the authorization server refused: access_denied: the user said no?" err || exit 99
	exit $rc
'
test_expect_code 5 'a redirect with another state is refused: OAUTH-STATE, exit 5, no token asked for' '
	before=$(grep -c "/oauth/token" access.log)
	login user "redirect \"code=forged&state=forged\""; rc=$?
	test_grep "[OAUTH-STATE] the redirect did not carry the login'"'"'s state: refused" err &&
	test "$(grep -c "/oauth/token" access.log)" -eq "$before" || exit 99
	exit $rc
'
test_expect_code 4 'no redirect within --timeout: OAUTH-TIMEOUT, exit 4, and a stray request answered 404 meanwhile' '
	login user "stray=\$(curl -s -o /dev/null -w %{http_code} \"\$(sed -n \"s|.*redirect_uri=\([^&]*\).*|\1|p\" url | sed \"s/%3A/:/g;s|%2F|/|g;s|/callback|/favicon.ico|\")\")" --timeout 1; rc=$?
	test "$stray" = 404 && test_grep "[OAUTH-TIMEOUT] no login answer came to http://127.0.0.1:" err || exit 99
	exit $rc
'
test_expect_code 2 'a client-credentials endpoint has nothing to log in to: exit 2 with a sentence' '
	tdk endpoint login app >out 2>err; rc=$?
	test_grep "tdk endpoint: '"'"'app'"'"' does not use the authorization code grant (grant = client-credentials)" err &&
	test ! -s out || exit 99
	exit $rc
'
mkdir bin && printf '#!/bin/sh\nprintf "%%s\\n" "$@" >"%s/opened"\n' "$TRASH" >bin/xdg-open && chmod +x bin/xdg-open
test_expect_success 'nothing is launched unless --open asks; with it, xdg-open gets the URL' '
	PATH=$TRASH/bin:$PATH login user && test ! -e opened &&
	PATH=$TRASH/bin:$PATH login user ":" --open --timeout 1; test $? -eq 4 &&
	i=0; while [ ! -s opened ] && [ $i -lt 50 ]; do sleep 0.05; i=$((i + 1)); done
	test_cmp url opened
'
test_expect_success 'completion: login beside list, show, check; the endpoint names after it' '
	tdk --complete endpoint >c && grep -qx login c && grep -qx check c &&
	tdk --complete endpoint login >c && printf "user\nwide\napp\n" >want && test_cmp want c
'
test_done
