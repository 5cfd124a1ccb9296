#!/bin/sh
# The work of an authenticated signature's XPath expressions is bounded:
# before libxmlsec1 runs them, tdk verify evaluates each one as libxmlsec1
# will (the XPath transform as a filter over every node, XPath Filter 2.0
# and XPointer as written) under libxml2's operation limit, --max-xpath-ops,
# and refuses the signature (VERIFY-TRANSFORM-LIMIT) when they take more;
# on a file of data (--data) as on the signature's own document.
# The expensive cases are signed on a small document by the trusted broker
# key and armed after signing (the signature value covers SignedInfo only,
# so they authenticate): the node count stays under --max-xpath-nodes.
# Runaway work is bounded with ulimit -t: a test killed by it fails (a
# signal is never an expected exit).
. "$(dirname "$0")/lib.sh"

CA="--ca $SAMPLES/broker-ca.pem"
DS=http://www.w3.org/2000/09/xmldsig#
XPATH=http://www.w3.org/TR/1999/REC-xpath-19991116
XPATH2=http://www.w3.org/2002/06/xmldsig-filter2

# doc N TRANSFORM [URI]: a declaration of N items with an enveloped signature
# template whose reference (URI, default "") runs TRANSFORM.
doc() {
	perl -e 'my ($n, $t, $u) = @ARGV;
		print "<D xmlns=\"urn:x\" Id=\"d\">", (map { "<i>$_</i>" } 1 .. $n),
		"<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo>",
		"<CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
		"<SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256\"/>",
		"<Reference URI=\"$u\"><Transforms>",
		"<Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>$t",
		"</Transforms><DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>",
		"<DigestValue></DigestValue></Reference></SignedInfo><SignatureValue></SignatureValue>",
		"<KeyInfo><X509Data><X509Certificate></X509Certificate></X509Data></KeyInfo>",
		"</Signature></D>\n"' "$1" "$2" "${3:-}"
}
# detached TRANSFORM: a detached signature template over data.xml whose reference runs TRANSFORM.
detached() {
	printf "%s" "<Signature xmlns=\"$DS\"><SignedInfo>" \
		"<CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>" \
		"<SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256\"/>" \
		"<Reference URI=\"data.xml\"><Transforms>$1</Transforms>" \
		"<DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><DigestValue/></Reference>" \
		"</SignedInfo><SignatureValue/><KeyInfo><X509Data><X509Certificate/></X509Data></KeyInfo>" \
		"</Signature>"
}
sign() {
	xmlsec1 --sign --privkey-pem "$SAMPLES/broker.key,$SAMPLES/broker.pem" --id-attr:Id D \
		--output "$2" "$1" 2>/dev/null
}
# arm FILE N: N more items after the first, once the file is signed.
arm() {
	perl -pi -e "s|<i>1</i>|join q(), map { qq(<i>\$_</i>) } 1 .. $2|e" "$1"
}

# Evaluated for every node, counting every node twice over: n^3 (minutes on 1,500 items).
cubic="<Transform Algorithm=\"$XPATH\"><XPath>count(//node()[count(//node()) &gt; 0]) &gt; 0</XPath></Transform>"
plain="<Transform Algorithm=\"$XPATH\"><XPath xmlns:dsig=\"$DS\">not(ancestor-or-self::dsig:Signature)</XPath></Transform>"
# Evaluated for every node, counting every node once: n^2.
square="<Transform Algorithm=\"$XPATH\"><XPath>count(//node()) &gt; 0</XPath></Transform>"
cubic2="<Transform Algorithm=\"$XPATH2\"><XPath xmlns=\"$XPATH2\" Filter=\"intersect\">//node()[count(//node()[count(//node()) &gt; 0]) &gt; 0]</XPath></Transform>"
plain2="<Transform Algorithm=\"$XPATH2\"><XPath xmlns=\"$XPATH2\" xmlns:dsig=\"$DS\" Filter=\"subtract\">here()/ancestor::dsig:Signature[1]</XPath></Transform>"

test_expect_code 1 'a signed cubic XPath transform armed to 1,500 items: VERIFY-TRANSFORM-LIMIT' '
	doc 2 "$cubic" >t.xml && sign t.xml cx.xml && arm cx.xml 1500 && ulimit -t 20 &&
	tdk verify $CA --allow-partial cx.xml 2>err >/dev/null; r=$?
	test_grep "[VERIFY-TRANSFORM-LIMIT]" err && test_grep "max-xpath-ops" err || exit 99; exit $r
'
test_expect_success 'its twin, not(ancestor-or-self::dsig:Signature) signed on 1,500 items, verifies' '
	doc 1500 "$plain" >t.xml && sign t.xml px.xml && ulimit -t 20 &&
	tdk verify $CA px.xml >out && test_grep "covers the whole document: ok" out
'
test_expect_code 1 'a signed cubic XPath Filter 2.0 expression armed to 1,500 items: VERIFY-TRANSFORM-LIMIT' '
	doc 2 "$cubic2" >t.xml && sign t.xml c2.xml && arm c2.xml 1500 && ulimit -t 20 &&
	tdk verify $CA --allow-partial c2.xml 2>err >/dev/null; r=$?
	test_grep "[VERIFY-TRANSFORM-LIMIT]" err || exit 99; exit $r
'
test_expect_success 'its twin, here()/ancestor::dsig:Signature[1] subtracted on 1,500 items, verifies' '
	doc 1500 "$plain2" >t.xml && sign t.xml p2.xml && ulimit -t 20 &&
	tdk verify $CA --allow-partial p2.xml >/dev/null
'
test_expect_code 1 'a signed cubic XPointer reference URI armed to 1,500 items: VERIFY-TRANSFORM-LIMIT' '
	doc 2 "" "#xpointer(//*[count(//node()[count(//node()) &gt; 0]) &gt; 0])" >t.xml &&
	sign t.xml xu.xml && arm xu.xml 1500 && ulimit -t 20 &&
	tdk verify $CA --allow-partial xu.xml 2>err >/dev/null; r=$?
	test_grep "[VERIFY-TRANSFORM-LIMIT]" err || exit 99; exit $r
'
test_expect_code 1 'a detached signature whose cubic XPath transform works on a data file armed to 1,500 items: VERIFY-TRANSFORM-LIMIT' '
	perl -e "print q(<D xmlns=\"urn:x\">), (map { qq(<i>\$_</i>) } 1 .. \$ARGV[0]), qq(</D>\n)" 2 >data.xml &&
	detached "$cubic" >t.xml && sign t.xml dd.xml && arm data.xml 1500 && ulimit -t 20 &&
	tdk verify $CA --data data.xml dd.xml 2>err >/dev/null; r=$?
	test_grep "[VERIFY-TRANSFORM-LIMIT]" err || exit 99; exit $r
'
test_expect_success 'its twin, the plain filter signed over that data file, verifies' '
	detached "$plain" >t.xml && sign t.xml dp.xml && ulimit -t 20 &&
	tdk verify $CA --data data.xml dp.xml >/dev/null
'
test_expect_code 1 'the same data file over --max-xpath-nodes 1000: VERIFY-TRANSFORM-LIMIT' '
	ulimit -t 20 && tdk verify $CA --data data.xml --max-xpath-nodes 1000 dp.xml 2>err >/dev/null; r=$?
	test_grep "[VERIFY-TRANSFORM-LIMIT]" err && test_grep "data file" err || exit 99; exit $r
'
test_expect_code 1 'a quadratic XPath transform on 2,000 items: over the default, VERIFY-TRANSFORM-LIMIT' '
	doc 2000 "$square" >t.xml && sign t.xml sq.xml && ulimit -t 20 &&
	tdk verify $CA --allow-partial sq.xml 2>err >/dev/null; r=$?
	test_grep "[VERIFY-TRANSFORM-LIMIT]" err || exit 99; exit $r
'
test_expect_success 'the same with --max-xpath-ops 100000000: verifies' '
	ulimit -t 20 && tdk verify $CA --allow-partial --max-xpath-ops 100000000 sq.xml >/dev/null
'
test_expect_code 1 'the twin of the first case with --max-xpath-ops 1000: VERIFY-TRANSFORM-LIMIT' '
	tdk verify $CA --allow-partial --max-xpath-ops 1000 px.xml 2>err >/dev/null; r=$?
	test_grep "[VERIFY-TRANSFORM-LIMIT]" err || exit 99; exit $r
'
test_done
