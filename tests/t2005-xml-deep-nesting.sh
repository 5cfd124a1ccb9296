#!/bin/sh
# Attack: 100,000 nested elements.  Stopped at --max-depth (default 256)
# with XML-LIMIT-DEPTH; a larger --max-depth is the user's explicit choice.
. "$(dirname "$0")/lib.sh"

perl -e 'print "<a>" x 100000, "</a>" x 100000' >deep.xml
perl -e 'print "<a>" x 300, "</a>" x 300' >d300.xml

test_expect_code 1 '100,000 deep: XML-LIMIT-DEPTH at the 257th element, in bounded time' '
	ulimit -t 10
	tdk validate --well-formed deep.xml 2>err; rc=$?
	test_grep "deep.xml:1:771: error: [XML-LIMIT-DEPTH]" err || exit 99
	exit $rc
'
test_expect_success 'with --max-depth 1000000 it is read, streaming, in bounded time and memory' '
	ulimit -t 10
	/usr/bin/time -f %M -o rss tdk validate --well-formed --max-depth 1000000 deep.xml &&
	test $(($(tail -1 rss) / RSS_SCALE)) -lt 131072
'
test_expect_code 1 '300 deep is refused by default' 'tdk validate --well-formed d300.xml 2>/dev/null'
test_expect_success '... and accepted with --max-depth 300' 'tdk validate --well-formed --max-depth 300 d300.xml'
test_done
