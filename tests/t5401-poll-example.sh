#!/bin/sh
# The example of tdk-poll(1), taken from the page itself so that the two
# cannot drift: the literal block of EXAMPLES, its "$ " lines and their
# indented continuations run as one script in a folder holding the
# cds-catalog.xml and declaration.xml it names, and the other lines are the
# output it must print (conversation ids and MRNs aside).
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"

serve_schema
echo '</catalog>' >>cat.xml
mkdir ex && cp cat.xml ex/cds-catalog.xml && (cd ex && lrn C2001 && mv C2001.xml declaration.xml)
sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$REPO/man/tdk-poll.1" | sed -n '/^\.Bd -literal/,/^\.Ed/p' |
	sed '1d;$d;s/\\e/\\/g' >block
awk '/^\$ / { sub(/^\$ /, ""); print; next } /^[ \t]/ { print }' block >ex/example.sh
awk '!/^\$ / && !/^[ \t]/' block >want0
# The conversation id and the MRN (made from the date and the conversation id) change with each run.
norm() { sed 's/[0-9a-f]\{8\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{12\}/UUID/; s/MRN [0-9][0-9]GB[0-9A-Z]\{14\}$/MRN M/' "$@"; }

test_expect_success 'the example block is there: commands, and output to expect' '
	test "$(grep -c "^\$ " block)" -ge 8 && test_grep "tdk poll -e local --wait 30 declaration.xml" ex/example.sh &&
	test_grep "declaration.xml: cleared, MRN" want0
'
test_expect_success 'it runs as printed: submitted, then cleared once the server sends it, nothing left unknown' '
	(cd ex && timeout 30 sh example.sh >out 2>&1); rc=$?
	norm want0 >want && norm ex/out >got && test $rc -eq 0 && test_cmp want got
'
test_expect_success 'the journal holds both notifications, and verifies' '
	(cd ex && TDK_JOURNAL=$PWD/journal.db && export TDK_JOURNAL && tdk journal export >rows &&
	test "$(grep -c "\"kind\":\"notify\"" rows)" -eq 2 && tdk journal verify >/dev/null)
'
test_done
