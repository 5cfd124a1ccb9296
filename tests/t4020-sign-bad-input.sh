#!/bin/sh
# tdk sign refuses input that canonical XML cannot sign as the input's fault
# (exit 3 with a diagnostic), never as an internal error (exit 70).  The two
# documents in tests/data/sign were found by fuzzing.
. "$(dirname "$0")/lib.sh"

K="-k $SAMPLES/broker.key --cert $SAMPLES/broker.pem"

test_expect_code 3 'a relative namespace URI (xmlns="relative/ns"): SIGN-XML-NAMESPACE, exit 3' '
	tdk sign $K -o s.xml "$DATA/sign/ns-relative.xml" 2>err; r=$?
	test_grep "[SIGN-XML-NAMESPACE]" err && test_grep "relative/ns" err && test ! -e s.xml || exit 99; exit $r
'
test_expect_code 3 'a namespace that is not a URI (xmlns="urn*:x"): SIGN-XML-NAMESPACE, exit 3' '
	tdk sign $K -o s.xml "$DATA/sign/ns-invalid-uri.xml" 2>err; r=$?
	test_grep "[SIGN-XML-NAMESPACE]" err && test ! -e s.xml || exit 99; exit $r
'
test_expect_code 3 'a relative namespace deep inside, on a prefix: refused too' '
	printf "<a xmlns=\"urn:x\"><b><c xmlns:p=\"../up\"><p:d/></c></b></a>" >deep.xml &&
	tdk sign $K deep.xml 2>err >/dev/null; r=$?; test_grep "[SIGN-XML-NAMESPACE]" err || exit 99; exit $r
'
test_expect_success 'absolute namespaces and xmlns="" still sign and verify' '
	printf "<a xmlns=\"urn:x\"><b xmlns=\"\">1</b><c xmlns:p=\"http://example.com/p\"><p:d/></c></a>" >ok.xml &&
	tdk sign $K -o s.xml ok.xml && tdk verify --ca "$SAMPLES/broker-ca.pem" s.xml >/dev/null
'
test_done
