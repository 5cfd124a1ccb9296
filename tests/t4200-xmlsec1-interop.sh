#!/bin/sh
# The independent check: what tdk signs verifies with the xmlsec1 command of
# Debian's xmlsec1 package (another front end, its own options and key
# loading), for every form tdk makes; and what xmlsec1 signs verifies with
# tdk.  A changed document fails with both.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/pki.sh"

if ! command -v xmlsec1 >/dev/null 2>&1; then
	test_skip 'xmlsec1 interop' 'the xmlsec1 command is not installed (Debian package xmlsec1)'
	test_done
	exit 0
fi
test_expect_success 'make the test PKI' 'make_pki'
# xmlsec1 registers IDs only where told: the XAdES properties and the declaration root.
X="xmlsec1 --verify --trusted-pem ca.pem --untrusted-pem inter.pem --id-attr:Id SignedProperties --id-attr:Id urn:wco:datamodel:WCO:DEC-DMS:2:Declaration"

for form in "" "--xades" "--enveloping" "--enveloping --xades" "--id dec"; do
	for key in rsa ec; do
		test_expect_success "xmlsec1 verifies tdk sign $form with the $key key" "
			tdk sign $form -k $key.key --cert $key.pem -o s.xml doc.xml && $X s.xml
		"
	done
done
test_expect_success 'xmlsec1 verifies a tdk detached XAdES signature next to its file' '
	printf "invoice\\n" >invoice.txt &&
	tdk sign --detached --xades -k rsa.key --cert rsa.pem -o invoice.sig.xml invoice.txt &&
	$X invoice.sig.xml
'
test_expect_code 1 'xmlsec1 rejects the same detached signature once the file changed' '
	printf "invoice!\\n" >invoice.txt && $X invoice.sig.xml >/dev/null 2>&1 && exit 0; exit 1
'
test_expect_success 'xmlsec1 verifies the signature inside a tdk container against the unpacked files' '
	printf "invoice\\n" >invoice.txt &&
	tdk pack -o d.asice -k rsa.key --cert rsa.pem doc.xml invoice.txt && tdk unpack -C u d.asice &&
	cp u/META-INF/signatures0.xml u/sig.xml && (cd u && xmlsec1 --verify --trusted-pem ../ca.pem \
		--id-attr:Id SignedProperties sig.xml)
'
test_expect_code 1 'xmlsec1 rejects a tdk signature after the content changed' '
	tdk sign -k rsa.key --cert rsa.pem -o s.xml doc.xml && sed "s/>100</>900</" s.xml >t.xml &&
	$X t.xml >/dev/null 2>&1 && exit 0; exit 1
'
test_expect_success 'tdk verifies a signature made by xmlsec1 from a template' '
	cat >tmpl.xml <<-XML &&
	<?xml version="1.0"?>
	<Declaration xmlns="urn:wco:datamodel:WCO:DEC-DMS:2"><Amount>5</Amount><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><Reference URI=""><Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/></Transforms><DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue/></Reference></SignedInfo><SignatureValue/><KeyInfo><X509Data><X509Certificate/></X509Data></KeyInfo></Signature></Declaration>
	XML
	xmlsec1 --sign --privkey-pem rsa.key,rsa.pem --output xs.xml tmpl.xml 2>/dev/null &&
	tdk verify --ca ca.pem xs.xml
'
test_done
