#!/bin/sh
# Attack: quadratic and unbounded tokens.  libxml2 reads a whole start tag
# (checking its attributes for duplicates in quadratic time), comment,
# processing instruction or CDATA section before any callback could count
# it.  The input guard counts while reading: --max-attributes and --max-text
# stop the read at the byte where the limit is passed, in every command that
# reads XML (validate, convert XML -> EDIFACT, sign, verify).
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/xml-lib.sh"

# 100,000 attributes on one element; the 257th attribute's value opens at 1:2205.
perl -e 'print q(<a), (map { qq( a$_="1") } 1..100000), q(/>)' >attrs.xml
perl -e 'print q(<edifact xmlns="urn:tdk:edifact:1"><interchange), (map { qq( a$_="1") } 1..100000), q(/></edifact>)' >edi-attrs.xml
# big KIND: a 50 MB comment, processing instruction or CDATA section on standard output.
big() {
	case $1 in
	comment) open='<!--' close='-->' ;;
	pi) open='<?p ' close='?>' ;;
	cdata) open='<![CDATA[' close=']]>' ;;
	esac
	printf '<a>%s' "$open"; head -c 52428800 /dev/zero | tr '\0' x; printf '%s</a>' "$close"
}

for kind in comment pi cdata; do
	case $kind in
	comment) what='a comment' ;;
	pi) what='a processing instruction' ;;
	cdata) what='a CDATA section' ;;
	esac
	test_expect_code 1 "validate: a 50 MB $kind stops after --max-text (10 MiB) with small memory" '
		ulimit -t 20
		big '"$kind"' | /usr/bin/time -f %M -o rss tdk validate --well-formed - 2>err; rc=$?
		test_grep "[XML-LIMIT-TEXT] '"$what"' is longer than 10485760 bytes" err &&
		test $(($(tail -1 rss) / RSS_SCALE)) -lt 49152 || { cat rss; exit 99; }
		exit $rc
	'
done
test_expect_code 1 'validate: --max-text covers comments' '
	perl -e "print q(<a><!--), q(y) x 5000, q(--></a>)" >c.xml
	tdk validate --well-formed --max-text 4K c.xml 2>err; rc=$?
	test_grep "c.xml:1:4104: error: [XML-LIMIT-TEXT] a comment is longer than 4096 bytes" err || exit 99
	exit $rc
'
test_expect_success '... its twin within the limit is well-formed' 'tdk validate --well-formed --max-text 8K c.xml'
test_expect_code 1 'validate: 100,000 attributes stop at the 257th, at its byte' '
	ulimit -t 10
	tdk validate --well-formed attrs.xml 2>err; rc=$?
	test_grep "attrs.xml:1:2205: error: [XML-LIMIT-ATTRS] element '"'a'"' has more than 256 attributes" err || exit 99
	exit $rc
'
test_expect_code 1 'convert (XML -> EDIFACT): 100,000 attributes refused quickly' '
	ulimit -t 10
	tdk convert -t edifact edi-attrs.xml >out 2>err; rc=$?
	test_grep "edi-attrs.xml:1:2250: error: [XML-LIMIT-ATTRS]" err && test $(wc -l <err) -eq 1 || exit 99
	exit $rc
'
test_expect_success 'make a signing key' 'signing_key'
test_expect_code 1 'sign: 100,000 attributes refused quickly' '
	ulimit -t 10
	tdk sign -k k.key --cert k.pem -o s.xml attrs.xml 2>err; rc=$?
	test_grep "attrs.xml:1:2205: error: [XML-LIMIT-ATTRS]" err && test ! -e s.xml || exit 99
	exit $rc
'
test_expect_code 1 'verify: 100,000 attributes refused quickly' '
	ulimit -t 10
	tdk verify --insecure attrs.xml 2>err; rc=$?
	test_grep "attrs.xml:1:2205: error: [XML-LIMIT-ATTRS]" err || exit 99
	exit $rc
'
test_expect_success 'the twins: 256 attributes are read by validate, convert and sign' '
	perl -e "print q(<a), (map { qq( a\$_=\"1\") } 1..256), q(/>)" >ok.xml &&
	perl -e "print q(<edifact xmlns=\"urn:tdk:edifact:1\"><interchange), (map { qq( a\$_=\"1\") } 1..256), q(/></edifact>)" >edi-ok.xml &&
	tdk validate --well-formed ok.xml &&
	tdk convert -t edifact edi-ok.xml >out &&
	tdk sign -k k.key --cert k.pem -o s.xml ok.xml && test -s s.xml
'
test_expect_success 'sign and verify take --max-attributes and --max-text as validate does' '
	perl -e "print q(<a), (map { qq( a\$_=\"1\") } 1..300), q(/>)" >a300.xml &&
	perl -e "print q(<a><!--), q(c) x 5000, q(--></a>)" >c5k.xml &&
	tdk sign -k k.key --cert k.pem --max-attributes 300 -o a300-s.xml a300.xml &&
	tdk verify --ca k.pem --max-attributes 300 a300-s.xml >out &&
	{ tdk verify --ca k.pem a300-s.xml 2>err; test $? -eq 1; } &&
	test_grep "[XML-LIMIT-ATTRS] element" err && test_grep "has more than 256 attributes" err &&
	{ tdk sign -k k.key --cert k.pem --max-text 4K -o c-s.xml c5k.xml 2>err; test $? -eq 1; } &&
	test_grep "[XML-LIMIT-TEXT]" err && test ! -e c-s.xml &&
	tdk sign -k k.key --cert k.pem -o c-s.xml c5k.xml &&
	{ tdk verify --ca k.pem --max-text 4K c-s.xml 2>err; test $? -eq 1; } &&
	test_grep "[XML-LIMIT-TEXT]" err
'
test_done
