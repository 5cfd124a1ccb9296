#!/bin/sh
# Running out of memory is an internal error (exit 70, VERIFY-NO-MEMORY /
# SIGN-NO-MEMORY), never a verdict: not "not well-formed", not "no
# signature", not "invalid" (exit 1).  Memory is capped with ulimit -v in
# the plain build; AddressSanitizer reserves terabytes of address space, so
# there the cases are skipped.
. "$(dirname "$0")/lib.sh"

K="-k $SAMPLES/broker.key --cert $SAMPLES/broker.pem"
CA="--ca $SAMPLES/broker-ca.pem"

case $TDK_BUILD in
*san*)
	test_skip 'out of memory under ulimit -v' 'AddressSanitizer needs its shadow address space'
	test_done
	exit 0 ;;
esac

test_expect_success 'a signed document of 9 MB (about 230 MB to verify)' '
	perl -e "print qq(<D xmlns=\"urn:x\">), (map { qq(<i n=\"\$_\">item \$_</i>\n) } 1 .. 300000), qq(</D>\n)" >big.xml &&
	tdk sign $K -o big-s.xml big.xml && tdk verify $CA big-s.xml >/dev/null
'
for v in 120000 180000 240000; do
	test_expect_code 70 "verify under ulimit -v $v: VERIFY-NO-MEMORY, exit 70" '
		(ulimit -v '$v' && exec tdk verify $CA big-s.xml) 2>err >out; r=$?
		test_grep "[VERIFY-NO-MEMORY]" err && ! grep -q "NO-SIGNATURE" err || exit 99; exit $r
	'
done
# libxml2 may drop text for want of memory and still return a document: it
# must not be signed either (it was, with exit 0, before).
for v in 130000 150000 150000 150000 170000; do
	test_expect_code 70 "sign under ulimit -v $v: SIGN-NO-MEMORY, exit 70, no output" '
		(ulimit -v '$v' && exec tdk sign $K -o s.xml big.xml) 2>err; r=$?
		test_grep "[SIGN-NO-MEMORY]" err && test ! -e s.xml || exit 99; exit $r
	'
done
test_done
