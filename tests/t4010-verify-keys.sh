#!/bin/sh
# tdk verify finding the signer's key the ways signatures name it: a key
# value tied to a certificate of --certs or --untrusted, a ds:KeyName that is
# a certificate's subject, several pinned certificates; detached data given
# with repeated --data, also through a ds:Manifest; an ECDSA value padded
# with zero octets (XMLDSig 1.1 section 6.4.3).  A forgery or bad setup
# beside each.  Signatures of these forms are made by xmlsec1 from templates.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/pki.sh"

test_expect_success 'make the test PKI' 'make_pki && mkdir pool other && cp rsa.pem ec.pem pool/ &&
	cp other.pem other/ && echo "not a certificate" >pool/notes.txt'

if ! command -v xmlsec1 >/dev/null 2>&1; then
	test_skip 'signatures made from templates' 'the xmlsec1 command is not installed (Debian package xmlsec1)'
	test_done
	exit 0
fi

SI='<CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>'
DM='<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue/>'
NS='xmlns="http://www.w3.org/2000/09/xmldsig#"'

test_expect_success 'a signature with a bare key value (xmlsec1)' '
	echo "<Signature $NS><SignedInfo>$SI<Reference URI=\"#o\">$DM</Reference></SignedInfo><SignatureValue/><KeyInfo><KeyValue/></KeyInfo><Object Id=\"o\"><doc>100</doc></Object></Signature>" >kv.tmpl &&
	xmlsec1 --sign --privkey-pem rsa.key --output kv.xml kv.tmpl 2>/dev/null && grep -q RSAKeyValue kv.xml
'
test_expect_success 'key value: the certificate with that key is found in --certs and chains to --ca' '
	tdk verify --ca ca.pem --certs pool kv.xml >out && test_grep "by CN=tdk test rsa" out
'
test_expect_code 1 'key value: no certificate given has that key: VERIFY-KEY-NOT-FOUND' '
	tdk verify --ca ca.pem --certs other kv.xml 2>err; r=$?; test_grep VERIFY-KEY-NOT-FOUND err || exit 99; exit $r
'
test_expect_code 1 'key value: the matching certificate does not chain to the anchor: VERIFY-CERT-UNTRUSTED' '
	tdk verify --ca rogue.pem --certs pool kv.xml 2>err; r=$?; test_grep VERIFY-CERT-UNTRUSTED err || exit 99; exit $r
'
test_expect_code 1 'forgery: a substituted key value fails with VERIFY-SIGNATURE-VALUE' '
	openssl rsa -in other.key -pubout -outform der 2>/dev/null | openssl rsa -pubin -inform der -modulus -noout 2>/dev/null |
		sed "s/^Modulus=//" | xxd -r -p | base64 -w0 >mod.b64 &&
	perl -0pe "BEGIN { open F, q{mod.b64}; \$m = <F>; } s|<Modulus>.*?</Modulus>|<Modulus>\$m</Modulus>|s" kv.xml >kv2.xml &&
	! cmp -s kv.xml kv2.xml && cp other.pem pool/ &&
	tdk verify --ca ca.pem --certs pool kv2.xml 2>err; r=$?; rm -f pool/other.pem; test_grep VERIFY-SIGNATURE-VALUE err || exit 99; exit $r
'
test_expect_success 'KeyName: the certificate of --certs with that subject gives the key' '
	perl -0pe "s|<KeyValue>.*</KeyValue>|<KeyName>CN = tdk test rsa</KeyName>|s" kv.xml >kn.xml &&
	tdk verify --ca ca.pem --certs pool kn.xml >out && test_grep "by CN=tdk test rsa" out
'
test_expect_code 1 'KeyName: a subject no certificate given has: VERIFY-KEY-NOT-FOUND' '
	perl -0pe "s|<KeyValue>.*</KeyValue>|<KeyName>CN=nobody</KeyName>|s" kv.xml >kn2.xml &&
	tdk verify --ca ca.pem --certs pool kn2.xml 2>err; r=$?; test_grep VERIFY-KEY-NOT-FOUND err || exit 99; exit $r
'
test_expect_code 1 'forgery: a KeyName naming another signer fails with VERIFY-SIGNATURE-VALUE' '
	perl -0pe "s|<KeyValue>.*</KeyValue>|<KeyName>CN=tdk test other</KeyName>|s" kv.xml >kn3.xml &&
	tdk verify --ca ca.pem --certs other kn3.xml 2>err; r=$?; test_grep VERIFY-SIGNATURE-VALUE err || exit 99; exit $r
'
test_expect_success 'several --cert: the one whose key verifies is the signer' '
	tdk verify --cert other.pem --cert rsa.pem kv.xml >out && test_grep "by CN=tdk test rsa" out
'
test_expect_code 1 'several --cert, none the signer: VERIFY-SIGNATURE-VALUE' '
	tdk verify --cert other.pem --cert ec.pem kv.xml 2>err; r=$?; test_grep VERIFY-SIGNATURE-VALUE err || exit 99; exit $r
'

test_expect_success 'a manifest over two detached files (xmlsec1)' '
	echo invoice >a.txt && echo "packing list" >b.txt &&
	echo "<Signature $NS><SignedInfo>$SI<Reference URI=\"#m\" Type=\"http://www.w3.org/2000/09/xmldsig#Manifest\">$DM</Reference></SignedInfo><SignatureValue/><KeyInfo><X509Data/></KeyInfo><Object><Manifest Id=\"m\"><Reference URI=\"a.txt\">$DM</Reference><Reference URI=\"b.txt\">$DM</Reference></Manifest></Object></Signature>" >m.tmpl &&
	xmlsec1 --sign --privkey-pem rsa.key,rsa.pem --output m.xml m.tmpl 2>/dev/null
'
test_expect_success 'repeated --data answers the manifest references; the report says so' '
	tdk verify --ca ca.pem --allow-partial --data a.txt --data b.txt m.xml >out &&
	test_grep "file '"'"'b.txt'"'"' (through a manifest): ok" out
'
test_expect_code 1 'forgery: a changed file under the manifest fails with VERIFY-DIGEST' '
	echo "packing list, altered" >b2.txt &&
	tdk verify --ca ca.pem --allow-partial --data a.txt --data b.txt=b2.txt m.xml 2>err; r=$?
	test_grep VERIFY-DIGEST err && test_grep b.txt err || exit 99; exit $r
'
test_expect_code 1 'a manifest file not given: VERIFY-REF-UNRESOLVED names it' '
	tdk verify --ca ca.pem --allow-partial --data a.txt m.xml 2>err; r=$?
	grep -q "VERIFY-REF-UNRESOLVED.*b.txt" err || exit 99; exit $r
'

# ECDSA: r || s with each half one zero octet longer than the curve needs.
pad_sig() { # file pad-octet
	perl -0pe "use MIME::Base64; s|(<ds:SignatureValue>)(.*?)(</ds:SignatureValue>)|my \$v = decode_base64(\$2); my \$h = length(\$v) / 2;
		\$1 . encode_base64(\"$2\" . substr(\$v, 0, \$h) . \"$2\" . substr(\$v, \$h), q{}) . \$3|se" "$1"
}
test_expect_success 'ECDSA value padded with zero octets verifies (normalised per 6.4.3)' '
	tdk sign -k ec.key --cert ec.pem --enveloping -o ec.xml doc.xml &&
	pad_sig ec.xml "\\x00" >ecp.xml && ! cmp -s ec.xml ecp.xml &&
	tdk verify --ca ca.pem ecp.xml
'
test_expect_code 1 'forgery: an ECDSA value padded with a non-zero octet does not verify' '
	pad_sig ec.xml "\\x01" >ecq.xml && ! cmp -s ec.xml ecq.xml &&
	tdk verify --ca ca.pem ecq.xml 2>err; r=$?; grep -q -e VERIFY-MALFORMED -e VERIFY-SIGNATURE-VALUE err || exit 99; exit $r
'
test_expect_code 5 'a --certs folder without any certificate: VERIFY-TRUST-FORMAT' '
	mkdir empty && tdk verify --ca ca.pem --certs empty kv.xml 2>err; r=$?; test_grep VERIFY-TRUST-FORMAT err || exit 99; exit $r
'
test_done
