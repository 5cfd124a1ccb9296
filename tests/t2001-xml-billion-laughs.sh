#!/bin/sh
# Attack: billion laughs, nested entity definitions that expand to 3 GB.
# The document type declaration is refused at its first token: nothing
# expands, no memory grows, no time passes.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/xml-lib.sh"

laughs_file laughs.xml

test_expect_code 1 'refused with XML-DTD at the DOCTYPE, in bounded time and memory' '
	ulimit -t 10
	/usr/bin/time -f %M -o rss tdk validate --well-formed laughs.xml 2>err; rc=$?
	test $(($(tail -1 rss) / RSS_SCALE)) -lt 131072 || exit 99
	test_grep "laughs.xml:2:" err && test_grep "[XML-DTD]" err &&
	! grep -q XML-ENTITY err || exit 99
	exit $rc
'
test_expect_code 1 'with a schema too: the document never reaches it' '
	tdk validate --schema "$REPO/xsd/tdk-edifact.xsd" laughs.xml 2>err; rc=$?
	test_grep "[XML-DTD]" err && ! grep -q XML-XSD err || exit 99
	exit $rc
'
test_expect_success 'the twin without the DOCTYPE is well-formed' '
	echo "<lolz>lol</lolz>" >ok.xml && tdk validate --well-formed ok.xml
'
test_done
