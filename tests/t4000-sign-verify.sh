#!/bin/sh
# tdk sign and tdk verify on keys made here: every way of loading a key and
# its passphrase, the three signature forms, XAdES, batch mode, the JSON
# report; and beside every verification its forgery or bad-setup twin with
# the exact exit status and diagnostic code.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/pki.sh"

test_expect_success 'make the test PKI' 'make_pki'

# Keys and passphrases.
test_expect_success 'RSA PEM key: enveloped signature verifies against the root' '
	tdk sign -k rsa.key --cert rsa.pem -o s.xml doc.xml &&
	tdk verify --ca ca.pem s.xml >out && test_grep "covers the whole document: ok" out
'
test_expect_code 1 'forgery: tampered content fails with VERIFY-DIGEST' '
	sed "s/>100</>900</" s.xml >t.xml && tdk verify --ca ca.pem t.xml 2>err; r=$?; test_grep VERIFY-DIGEST err || exit 99; exit $r
'
test_expect_code 1 'forgery: a flipped signature value fails with VERIFY-SIGNATURE-VALUE' '
	perl -0pe "s|(<ds:SignatureValue>\\s*)(.)|\$1 . (\$2 eq \"A\" ? \"B\" : \"A\")|e" s.xml >t.xml &&
	! cmp -s s.xml t.xml && tdk verify --ca ca.pem t.xml 2>err; r=$?; test_grep VERIFY-SIGNATURE-VALUE err || exit 99; exit $r
'
# SignedInfo is authenticated before any reference (authenticate first): a
# changed DigestValue is an altered SignedInfo.
test_expect_code 1 'forgery: a changed digest value fails with VERIFY-SIGNATURE-VALUE' '
	perl -0pe "s|(<ds:DigestValue>)(.)|\$1 . (\$2 eq \"A\" ? \"B\" : \"A\")|e" s.xml >t.xml &&
	tdk verify --ca ca.pem t.xml 2>err; r=$?; test_grep VERIFY-SIGNATURE-VALUE err || exit 99; exit $r
'
test_expect_success 'EC PKCS#8 key under an intermediate: the chain is built from KeyInfo' '
	tdk sign -k ec.key --cert ec.pem -o e.xml doc.xml && tdk verify --ca ca.pem e.xml &&
	grep -q ecdsa-sha256 e.xml
'
test_expect_code 1 'forgery: an untrusted root fails with VERIFY-CERT-UNTRUSTED' '
	tdk verify --ca rogue.pem e.xml 2>err; r=$?; test_grep VERIFY-CERT-UNTRUSTED err || exit 99; exit $r
'
test_expect_success 'PKCS#12 with a passphrase file' '
	tdk sign -k signer.p12 --passphrase-file pass.txt -o p.xml doc.xml && tdk verify --ca ca.pem p.xml
'
test_expect_success 'encrypted PKCS#8 with the passphrase on a file descriptor and in TDK_PASSPHRASE' '
	tdk sign -k enc.key --cert rsa.pem --passphrase-fd 3 -o f.xml doc.xml 3<pass.txt &&
	TDK_PASSPHRASE="correct horse battery" tdk sign -k enc.key --cert rsa.pem -o g.xml doc.xml &&
	tdk verify --ca ca.pem f.xml g.xml
'
test_expect_code 5 'wrong passphrase: SIGN-KEY-PASSPHRASE, exit 5' '
	echo nope >w.txt && tdk sign -k signer.p12 --passphrase-file w.txt doc.xml 2>err >out; r=$?
	test_grep "[SIGN-KEY-PASSPHRASE]" err && test_grep "wrong passphrase" err && test ! -s out || exit 99; exit $r
'
test_expect_code 5 'no passphrase and no terminal: SIGN-KEY-PASSPHRASE, exit 5' '
	env -u TDK_PASSPHRASE setsid tdk sign -k enc.key --cert rsa.pem doc.xml </dev/null 2>err; r=$?
	test_grep "a passphrase is needed" err || exit 99; exit $r
'
test_expect_code 2 'a passphrase on the command line is not an option' '
	tdk sign -k enc.key --cert rsa.pem --passphrase "correct horse battery" doc.xml
'
test_expect_code 5 'a key that does not match the certificate: SIGN-KEY-MISMATCH' '
	tdk sign -k other.key --cert rsa.pem doc.xml 2>err; r=$?; test_grep SIGN-KEY-MISMATCH err || exit 99; exit $r
'
test_expect_code 5 'an expired certificate: SIGN-CERT-EXPIRED' '
	tdk sign -k expired.key --cert expired.pem -o x.xml doc.xml 2>err; r=$?
	test_grep SIGN-CERT-EXPIRED err && test ! -e x.xml || exit 99; exit $r
'
test_expect_code 5 'a certificate whose key usage forbids signing: SIGN-CERT-USAGE' '
	tdk sign -k noku.key --cert noku.pem doc.xml 2>err; r=$?; test_grep SIGN-CERT-USAGE err || exit 99; exit $r
'
test_expect_code 1 'verification after the certificate expired (--at) fails with VERIFY-CERT-EXPIRED' '
	tdk verify --ca ca.pem --at 2200-01-01T00:00:00 s.xml 2>err; r=$?; test_grep VERIFY-CERT-EXPIRED err || exit 99; exit $r
'
test_expect_success 'pinning the signer certificate with --cert' 'tdk verify --cert rsa.pem s.xml'
test_expect_code 1 'forgery: pinning another certificate fails' '
	tdk verify --cert other.pem s.xml 2>err; r=$?; test_grep VERIFY-SIGNATURE-VALUE err || exit 99; exit $r
'
test_expect_code 5 'no trust anchor at all: VERIFY-TRUST-NONE, exit 5' '
	tdk verify s.xml 2>err; r=$?; test_grep VERIFY-TRUST-NONE err || exit 99; exit $r
'

# Forms.
test_expect_success 'enveloping signature: the document travels in ds:Object' '
	tdk sign --enveloping -k rsa.key --cert rsa.pem -o env.xml doc.xml &&
	tdk verify --ca ca.pem env.xml >out && test_grep "ds:Object: ok" out
'
test_expect_code 1 'forgery: the enveloped object changed' '
	sed "s/REF-1/REF-2/" env.xml >t.xml && tdk verify --ca ca.pem t.xml 2>err; r=$?; test_grep VERIFY-DIGEST err || exit 99; exit $r
'
test_expect_success 'detached signature over a PDF-like file, verified with --data' '
	printf "%%PDF-1.4\\n%%fake\\n" >invoice.pdf &&
	tdk sign --detached -k rsa.key --cert rsa.pem -o inv.sig.xml invoice.pdf &&
	tdk verify --ca ca.pem --data invoice.pdf inv.sig.xml >out && test_grep "file '"'"'invoice.pdf'"'"'" out
'
test_expect_code 1 'forgery: the detached file changed' '
	printf "%%PDF-1.4\\n%%forged\\n" >forged.pdf &&
	tdk verify --ca ca.pem --data invoice.pdf=forged.pdf inv.sig.xml 2>err; r=$?; test_grep VERIFY-DIGEST err || exit 99; exit $r
'
test_expect_code 1 'a detached reference is never read from the disk, even when the file is there' '
	tdk verify --ca ca.pem inv.sig.xml 2>err; r=$?; test_grep VERIFY-REF-UNRESOLVED err || exit 99; exit $r
'
test_expect_code 1 'references to /etc/passwd, file:// and http:// are refused' '
	cp /etc/passwd passwd && tdk sign --detached -k rsa.key --cert rsa.pem -o pw.sig.xml passwd &&
	tdk verify --ca ca.pem --data passwd pw.sig.xml &&
	for u in /etc/passwd file:///etc/passwd http://127.0.0.1:9/passwd; do
		sed "s|URI=\"passwd\"|URI=\"$u\"|" pw.sig.xml >bad.xml &&
		{ tdk verify --ca ca.pem bad.xml 2>err; r=$?; test $r = 1 && test_grep VERIFY-REF-UNRESOLVED err || exit 9; }
	done; exit 1
'

# XAdES.
test_expect_success 'XAdES baseline B: signing time, SigningCertificateV2, DataObjectFormat' '
	tdk sign --xades -k rsa.key --cert rsa.pem -o xa.xml doc.xml &&
	grep -q "<xades:SigningTime>" xa.xml && grep -q "<xades:IssuerSerialV2>" xa.xml &&
	grep -q "<xades:MimeType>text/xml</xades:MimeType>" xa.xml &&
	grep -q "Type=\"http://uri.etsi.org/01903#SignedProperties\"" xa.xml &&
	tdk verify --ca ca.pem xa.xml
'
test_expect_code 1 'forgery: substituted key (re-signed by another trusted signer, SigningCertificateV2 kept)' '
	perl -0pe "s|<ds:SignatureValue>.*?</ds:SignatureValue>|<ds:SignatureValue/>|s; s|<ds:X509Certificate>.*?</ds:X509Certificate>|<ds:X509Certificate/>|s" xa.xml >tmpl.xml &&
	xmlsec1 --sign --privkey-pem other.key,other.pem --id-attr:Id SignedProperties --output sub.xml tmpl.xml 2>/dev/null &&
	tdk verify --ca ca.pem sub.xml 2>err; r=$?; test_grep VERIFY-XADES-SIGNING-CERT err || exit 99; exit $r
'
test_expect_code 1 'forgery: SignedProperties reference removed (and re-signed)' '
	perl -0pe "s|<ds:Reference Type=\"http://uri.etsi.org/01903#SignedProperties\".*?</ds:Reference>||s" tmpl.xml >nosp.xml &&
	xmlsec1 --sign --privkey-pem rsa.key,rsa.pem --id-attr:Id SignedProperties --output nosp-signed.xml nosp.xml 2>/dev/null &&
	tdk verify --ca ca.pem nosp-signed.xml 2>err; r=$?; test_grep VERIFY-XADES-SIGNED-PROPERTIES err || exit 99; exit $r
'

# Coverage and wrapping.
test_expect_success 'signing the root by its Id covers the whole document' '
	tdk sign --id dec -k rsa.key --cert rsa.pem -o id.xml doc.xml && tdk verify --ca ca.pem id.xml
'
test_expect_code 1 'forgery: signature wrapping (signed element moved under a forged root) fails with VERIFY-PARTIAL' '
	{ echo "<Declaration xmlns=\"urn:wco:datamodel:WCO:DEC-DMS:2\" Id=\"forged\"><Amount>999999</Amount><Wrapper>";
	  sed 1d id.xml; echo "</Wrapper></Declaration>"; } >wrapped.xml &&
	tdk verify --ca ca.pem wrapped.xml >out 2>err; r=$?; test_grep VERIFY-PARTIAL err &&
	test_grep "covers element /*/*[2]/*" out || exit 99; exit $r
'
test_expect_success '--allow-partial accepts the partial cover and says what it covers' '
	tdk verify --ca ca.pem --allow-partial --format json wrapped.xml >out &&
	test_grep "\"whole_document\":false" out && test_grep "\"valid\":true" out
'
test_expect_code 1 'forgery: a second element with the signed Id fails with VERIFY-DUPLICATE-ID' '
	sed "s|<FunctionalReferenceID>|<X Id=\"dec\"/><FunctionalReferenceID>|" id.xml >dup.xml &&
	tdk verify --ca ca.pem dup.xml 2>err; r=$?; test_grep VERIFY-DUPLICATE-ID err || exit 99; exit $r
'
test_expect_code 1 'a document that declares entities is refused (no expansion)' '
	{ echo "<!DOCTYPE d [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]>"; sed 1d s.xml; } >ent.xml &&
	tdk verify --ca ca.pem ent.xml 2>err; r=$?; test_grep VERIFY-XML-ENTITY err || exit 99; exit $r
'
test_expect_code 1 'an unsupported algorithm is reported as unsupported, not invalid' '
	sed "s|xmldsig-more#rsa-sha256|xmldsig-more#rsa-whirlpool|" s.xml >u.xml &&
	tdk verify --ca ca.pem u.xml 2>err; r=$?; test_grep VERIFY-UNSUPPORTED-ALGORITHM err &&
	! grep -q VERIFY-SIGNATURE-VALUE err || exit 99; exit $r
'
test_expect_code 1 'a document with no signature: VERIFY-NO-SIGNATURE' '
	tdk verify --ca ca.pem doc.xml 2>err; r=$?; test_grep VERIFY-NO-SIGNATURE err || exit 99; exit $r
'

# Batch mode and reports.
test_expect_success 'batch: many files signed into a folder in one run, verified in one run' '
	for i in 1 2 3 4 5; do sed "s/REF-1/REF-$i/" doc.xml >d$i.xml; done &&
	tdk sign -k rsa.key --cert rsa.pem -O batch d1.xml d2.xml d3.xml d4.xml d5.xml &&
	tdk verify --ca ca.pem batch/d1.xml batch/d2.xml batch/d3.xml batch/d4.xml batch/d5.xml >out &&
	test $(grep -c ": valid" out) = 5
'
test_expect_code 1 'batch: one forged file among good ones makes the run fail, the others still pass' '
	sed "s/REF-3/REF-X/" batch/d3.xml >batch/d3f.xml &&
	tdk verify --ca ca.pem batch/d1.xml batch/d3f.xml batch/d5.xml >out 2>err; r=$?
	test $(grep -c ": valid" out) = 2 && test_grep "d3f.xml" err || exit 99; exit $r
'
test_expect_code 2 'several files without -O is a usage error' 'tdk sign -k rsa.key --cert rsa.pem d1.xml d2.xml'
test_expect_success 'the JSON report names the signer, the algorithm and each reference' '
	tdk verify --ca ca.pem --format json xa.xml >out &&
	test_grep "\"signer\":\"CN=tdk test rsa\"" out && test_grep "\"xades\":true" out &&
	test_grep "\"uri\":\"\",\"covers\":\"the whole document\",\"ok\":true" out
'
test_expect_code 1 'not well-formed input to sign: SIGN-XML, nothing written' '
	echo "<a><b></a>" >bad.xml && tdk sign -k rsa.key --cert rsa.pem -o out.xml bad.xml 2>err; r=$?
	test_grep SIGN-XML err && test ! -e out.xml || exit 99; exit $r
'
test_done
