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
man_example tdk-endpoint.1 G001 || { test_expect_success 'the example block is in tdk-endpoint.1' false; test_done; exit; }

test_expect_success 'the example block is there: commands, and output to expect' '
	test "$(grep -c "^\$ " block)" -ge 8 && test_grep "tdk endpoint --endpoints endpoints login local" ex/example.sh &&
	test_grep "logged in" want && test_grep "accepted, conversation" want
'
test_expect_success 'it runs as printed: the login by curl as the browser, then a submission renewing the token' '
	man_example_run; rc=$?
	man_example_norm want >want.n && man_example_norm ex/out >got && test $rc -eq 0 && test_cmp want.n got
'
test_expect_success 'what it left: the refresh token and a renewed access token 0600, the declaration in the server' '
	test "$(stat -c %a "$HOME/.cache/tdk/local.token") $(stat -c %a "$HOME/.cache/tdk/local.refresh")" = "600 600" &&
	sqlite3 ex/serve.db "select lrn from declarations" >got && echo G001 >want && test_cmp want got
'
test_done
