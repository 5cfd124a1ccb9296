#!/bin/sh
# The login example of tdk-endpoint(1), taken from the page itself so that
# the two cannot drift: the literal block after the comment naming this
# file, its "$ " lines and their indented continuations run as one script
# in a folder holding the cds-catalog.xml and declaration.xml it names, and
# the other lines are the output it must print (ports and ids aside).
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"

HOME=$TRASH/home
unset TDK_ENDPOINTS TDK_JOURNAL XDG_CONFIG_HOME XDG_CACHE_HOME XDG_STATE_HOME
export HOME
mkdir -p "$HOME"
serve_schema
echo '</catalog>' >>cat.xml
mkdir ex && cp cat.xml ex/cds-catalog.xml && (cd ex && lrn G001 && mv G001.xml declaration.xml)
# The block, roff's \e made a backslash again; then the commands and the output apart.
sed -n '/^\.\\" tests\/t5024-endpoint-login-example.sh runs/,/^\.Ed/p' "$REPO/man/tdk-endpoint.1" |
	sed -n '/^\.Bd -literal/,/^\.Ed/p' | sed '1d;$d;s/\\e/\\/g' >block
awk '/^\$ / { sub(/^\$ /, ""); print; next } /^[ \t]/ { print }' block >ex/example.sh
awk '!/^\$ / && !/^[ \t]/' block >want

test_expect_success 'the example block is there: commands, and output to expect' '
	test "$(grep -c "^\$ " block)" -ge 8 && test_grep "tdk endpoint --endpoints endpoints login local" ex/example.sh &&
	test_grep "logged in" want && test_grep "accepted, conversation" want
'
test_expect_success 'it runs as printed: the login by curl as the browser, then a submission renewing the token' '
	(cd ex && timeout 30 sh example.sh >out 2>&1); rc=$?
	sed "s/127\.0\.0\.1:[0-9]*/127.0.0.1:41234/;s/conversation [0-9a-f-]\{36\}$/conversation 8a3e2b1c-5f4d-4e6a-9b7c-0d1e2f3a4b5c/" \
		ex/out >got && test $rc -eq 0 && test_cmp want got
'
test_expect_success 'what it left: the refresh token and a renewed access token 0600, the declaration in the server' '
	test "$(stat -c %a "$HOME/.cache/tdk/local.token") $(stat -c %a "$HOME/.cache/tdk/local.refresh")" = "600 600" &&
	sqlite3 ex/serve.db "select lrn from declarations" >got && echo G001 >want && test_cmp want got
'
test_done
