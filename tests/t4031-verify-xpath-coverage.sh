#!/bin/sh
# Coverage decided from what a reference digested (XMLDSig 1.1 §4.4.3.2,
# §6.6.4), not from the names of its transforms: a reference covers the
# document when the node set it digests is the document less this
# signature's subtree, whatever XPath filter gave it; a filter that leaves
# out anything else -- an element, an attribute, another ds:Signature -- is
# a partial cover (VERIFY-PARTIAL, exit 1), and the report says what it
# left out.  Signatures with XPath filters are made by xmlsec1 from templates.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/pki.sh"

X=$TDK_CORPUS/sign/xmldsig/xmlsec
if [ -f "$X/aleksey-xmldsig-01/enveloped-x509-subjectname.xml" ]; then
	test_expect_success 'xmlsec enveloped-x509-subjectname (enveloped + XPath without signatures): whole document' '
		for c in rsa/rsa-4096-cert ca2cert cacert; do
			openssl x509 -inform der -in "$X/keys/$c.der" -out "$(basename $c).pem" || exit 1
		done &&
		tdk verify --untrusted rsa-4096-cert.pem --untrusted ca2cert.pem --ca cacert.pem \
			"$X/aleksey-xmldsig-01/enveloped-x509-subjectname.xml" >out &&
		test_grep "reference '"''"' covers the whole document: ok" out && test_grep ": valid" out
	'
else
	test_skip 'xmlsec enveloped-x509-subjectname' "not in the corpus at $X (set TDK_CORPUS)"
fi

test_expect_success 'make the test PKI' 'make_pki'
if ! command -v xmlsec1 >/dev/null 2>&1; then
	test_skip 'signatures with XPath filters' 'the xmlsec1 command is not installed (Debian package xmlsec1)'
	test_done
fi

NS='xmlns="http://www.w3.org/2000/09/xmldsig#"'
# A ds:Signature template with an enveloped-signature transform and an XPath filter $2, Id $1.
tmpl() {
	printf '<Signature %s Id="%s"><SignedInfo><CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>' "$NS" "$1"
	printf '<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><Reference URI=""><Transforms>'
	printf '<Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>'
	printf '<Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><XPath xmlns:dsig="http://www.w3.org/2000/09/xmldsig#" xmlns:t="urn:t">%s</XPath></Transform>' "$2"
	printf '</Transforms><DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue/></Reference></SignedInfo>'
	printf '<SignatureValue/><KeyInfo><X509Data/></KeyInfo></Signature>'
}
# An order with the template $1 as its last child, signed by xmlsec1 into $2.
sign_order() {
	printf '<Order xmlns="urn:t"><Item sku="A1" currency="EUR"><Price>10.00</Price></Item>%s</Order>\n' "$1" >tmpl.xml &&
	xmlsec1 --sign --privkey-pem rsa.key,rsa.pem --output "$2" tmpl.xml 2>/dev/null
}

test_expect_success 'an XPath filter that leaves out only this signature: whole document' '
	sign_order "$(tmpl s1 "not(ancestor-or-self::dsig:Signature[@Id=\"s1\"])")" own.xml &&
	tdk verify --ca ca.pem own.xml >out && test_grep "covers the whole document: ok" out && test_grep ": valid" out
'
test_expect_code 1 'forgery: an XPath filter that also leaves out an element: VERIFY-PARTIAL naming it' '
	sign_order "$(tmpl s1 "not(ancestor-or-self::dsig:Signature) and not(ancestor-or-self::t:Price)")" price.xml || exit 98
	tdk verify --ca ca.pem price.xml >out 2>err; r=$?
	test_grep "[VERIFY-PARTIAL]" err && test_grep "leaves out element '"'Price'"'" err || exit 99; exit $r
'
test_expect_code 1 'forgery: an XPath filter that leaves out an attribute: VERIFY-PARTIAL' '
	sign_order "$(tmpl s1 "not(ancestor-or-self::dsig:Signature) and not(name()=\"currency\")")" attr.xml &&
	tdk verify --ca ca.pem attr.xml >out 2>err; r=$?
	test_grep "[VERIFY-PARTIAL]" err && test_grep "attribute '"'currency'"'" err || exit 99; exit $r
'
test_expect_success 'the forgery holds cryptographically: the left-out price changes freely' '
	sed "s|10.00|99.99|" price.xml >price2.xml &&
	tdk verify --ca ca.pem --allow-partial price2.xml >out && test_grep "without element '"'Price'"'" out
'
test_expect_code 1 'forgery: a filter that leaves out every ds:Signature, with another one present: VERIFY-PARTIAL' '
	sign_order "$(tmpl s1 "not(ancestor-or-self::dsig:Signature)")" one.xml &&
	tdk sign -k rsa.key --cert rsa.pem -o two.xml one.xml &&
	tdk verify --ca ca.pem two.xml >out 2>err; r=$?
	test_grep "[VERIFY-PARTIAL]" err && test_grep "another signature)" err || exit 99
	test_grep ": valid" out || exit 97; exit $r
'
test_done
