#!/bin/sh
# Attack: quadratic blowup, one 100 KB entity referenced 100,000 times
# (10 GB expanded), which slips under nesting-based defences.  Refused at
# the DOCTYPE; the references are never read.
. "$(dirname "$0")/lib.sh"

perl -e 'print qq(<?xml version="1.0"?>\n<!DOCTYPE q [<!ENTITY a "), "x" x 100000, qq(">]>\n<q>), "&a;" x 100000, "</q>\n"' >quad.xml

test_expect_code 1 'refused with XML-DTD in bounded time and memory' '
	ulimit -t 10
	/usr/bin/time -f %M -o rss tdk validate --well-formed quad.xml 2>err; rc=$?
	test $(($(tail -1 rss) / RSS_SCALE)) -lt 131072 || exit 99
	test_grep "[XML-DTD]" err && test $(wc -l <err) -eq 1 || exit 99
	exit $rc
'
test_expect_code 1 'the references alone, without the DOCTYPE, are undeclared entities' '
	perl -e "print q(<q>), q(&a;) x 1000, q(</q>)" >refs.xml
	tdk validate --well-formed refs.xml 2>err; rc=$?
	test_grep "refs.xml:1:" err && test_grep "[XML-ENTITY]" err || exit 99
	exit $rc
'
test_done
