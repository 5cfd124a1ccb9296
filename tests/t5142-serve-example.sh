#!/bin/sh
# The running-server example of tdk-serve(1), taken from the page itself so
# that the two cannot drift: the literal block of EXAMPLES, its "$ " lines
# and their indented continuations run as one script in a folder holding
# the cds-catalog.xml and declaration.xml it names, and the other lines are
# the output it must print (the port it was given aside).
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"

man_example tdk-serve.1 G001 || { test_expect_success 'the example block is in tdk-serve.1' false; test_done; exit; }

test_expect_success 'the example block is there: commands, and output to expect' '
	test "$(grep -c "^\$ " block)" -ge 5 && test_grep "tdk serve --state serve.db" ex/example.sh &&
	test_grep "listening on http://127.0.0.1:" want
'
test_expect_success 'it runs as printed: the server starts, takes a token and a declaration (202), stops' '
	man_example_run; rc=$?
	man_example_norm want >want.n && man_example_norm ex/out >got && test $rc -eq 0 && test_cmp want.n got
'
test_expect_success 'what it stored: the one declaration, in the state database it named' '
	sqlite3 ex/serve.db "select lrn from declarations" >got && echo G001 >want && test_cmp want got
'
test_done
