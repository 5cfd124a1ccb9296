#!/bin/sh
# Attack: a 1 GB text node, streamed.  Reading stops at --max-text (10 MiB
# by default) with XML-LIMIT-TEXT: the gigabyte is never read, let alone
# held.  --max-size bounds the whole document the same way.
. "$(dirname "$0")/lib.sh"

test_expect_code 1 'a 1 GB text node on a pipe: XML-LIMIT-TEXT after 10 MiB, small memory' '
	ulimit -t 20
	{ printf "<a>"; head -c 1073741824 /dev/zero | tr "\0" x; printf "</a>"; } |
		/usr/bin/time -f "%M" -o rss tdk validate --well-formed - 2>err; rc=$?
	test_grep "<stdin>:1:" err && test_grep "[XML-LIMIT-TEXT]" err &&
	test $(($(tail -1 rss) / RSS_SCALE)) -lt 65536 || { cat rss; exit 99; }
	exit $rc
'
test_expect_code 1 'an attribute value over --max-text' '
	perl -e "print q(<a v=\"), q(y) x 5000, q(\"/>)" >attr.xml
	tdk validate --well-formed --max-text 4K attr.xml 2>err; rc=$?
	test_grep "[XML-LIMIT-TEXT]" err || exit 99
	exit $rc
'
test_expect_code 1 'a document over --max-size' '
	perl -e "print q(<a>), q(<b/>) x 100000, q(</a>)" >big.xml
	tdk validate --well-formed --max-size 64K big.xml 2>err; rc=$?
	test_grep "[XML-LIMIT-SIZE]" err || exit 99
	exit $rc
'
test_expect_code 1 'more attributes than --max-attributes' '
	perl -e "print q(<a), (map { qq( a\$_=\"1\") } 1..300), q(/>)" >attrs.xml
	tdk validate --well-formed attrs.xml 2>err; rc=$?
	test_grep "[XML-LIMIT-ATTRS]" err || exit 99
	exit $rc
'
test_expect_success 'the twins within the limits are well-formed' '
	tdk validate --well-formed --max-attributes 300 attrs.xml &&
	tdk validate --well-formed --max-text 8K attr.xml &&
	tdk validate --well-formed big.xml
'
test_done
