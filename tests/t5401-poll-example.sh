#!/bin/sh
# The example of tdk-poll(1), taken from the page itself so that the two
# cannot drift: the literal block of EXAMPLES, its "$ " lines and their
# indented continuations run as one script in a folder holding the
# cds-catalog.xml and declaration.xml it names, and the other lines are the
# output it must print (conversation ids and MRNs aside).
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"

man_example tdk-poll.1 C2001 || { test_expect_success 'the example block is in tdk-poll.1' false; test_done; exit; }

test_expect_success 'the example block is there: commands, and output to expect' '
	test "$(grep -c "^\$ " block)" -ge 8 && test_grep "tdk poll -e local --wait 30 declaration.xml" ex/example.sh &&
	test_grep "declaration.xml: cleared, MRN" want
'
test_expect_success 'it runs as printed: submitted, then cleared once the server sends it, nothing left unknown' '
	man_example_run; rc=$?
	man_example_norm want >want.n && man_example_norm ex/out >got && test $rc -eq 0 && test_cmp want.n got
'
test_expect_success 'the journal holds both notifications, and verifies' '
	(cd ex && TDK_JOURNAL=$PWD/journal.db && export TDK_JOURNAL && tdk journal export >rows &&
	test "$(grep -c "\"kind\":\"notify\"" rows)" -eq 2 && tdk journal verify >/dev/null)
'
test_done
