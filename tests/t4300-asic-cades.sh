#!/bin/sh
# ASiC containers signed with CAdES (ETSI EN 319 122-1 baseline B) and
# carrying RFC 3161 time-stamp tokens (ETSI EN 319 162-1 §4.3.2 ASiC-S,
# §4.4.3.2 and §4.4.3.3 ASiC-E with an ASiCManifest), each valid case with
# its forgeries beside it.  Everything is made here with openssl(1): a CA, a
# signer, a TSA whose certificate has the critical timeStamping extended key
# usage, detached CMS signatures (openssl cms -sign -cades), ASiCManifest
# files, time-stamp tokens (openssl ts -query/-reply), zipped with the
# mimetype first and stored.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/pki.sh"

# The SHA-256 of a file in base64, as ds:DigestValue wants it.
dg() { openssl dgst -sha256 -binary "$1" | base64; }

# A detached CAdES signature: cades data out [signer [extra cms flags]].
cades() {
	openssl cms -sign -binary -nosmimecap ${4--cades} -in "$1" -signer "${3:-rsa}.pem" \
		-inkey "${3:-rsa}.key" -outform DER -out "$2"
}

# An RFC 3161 token over a file, from the test TSA: tst data out.
tst() {
	openssl ts -query -data "$1" -sha256 -cert -out "$2.tsq" 2>/dev/null &&
	openssl ts -reply -config ts.cnf -section tsa1 -queryfile "$2.tsq" -token_out -out "$2" 2>/dev/null
}

# An ASiCManifest naming sigref, with a reference per file (run where the files are).
manifest() {
	ref=$1
	shift
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<asic:ASiCManifest xmlns:asic="http://uri.etsi.org/02918/v1.2.1#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">\n'
	printf '  <asic:SigReference URI="%s"/>\n' "$ref"
	for f; do
		printf '  <asic:DataObjectReference URI="%s"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>%s</ds:DigestValue></asic:DataObjectReference>\n' "$f" "$(dg "$f")"
	done
	printf '</asic:ASiCManifest>\n'
}

# Zips folder dir into container out with the media type: mimetype first, stored.
asic() { # out mime dir
	rm -f "$1" && printf %s "$2" >"$3/mimetype" &&
	(cd "$3" && zip -q -X -0 "../$1" mimetype && zip -q -X -r "../$1" . -x mimetype)
}
S=application/vnd.etsi.asic-s+zip
E=application/vnd.etsi.asic-e+zip

test_expect_success 'make the test PKI, a TSA and the dossier files' '
	make_pki &&
	cat >>ca.cnf <<-\CNF &&
	[tsa]
	keyUsage = critical,digitalSignature,nonRepudiation
	extendedKeyUsage = critical,timeStamping
	basicConstraints = CA:false
	CNF
	issue tsa rsa:2048 tsa ca &&
	cat >ts.cnf <<-\CNF &&
	[tsa1]
	serial = tsaserial
	signer_cert = tsa.pem
	signer_key = tsa.key
	certs = ca.pem
	signer_digest = sha256
	default_policy = 1.2.3.4.1
	digests = sha256, sha384, sha512
	ess_cert_id_alg = sha256
	CNF
	echo 01 >tsaserial &&
	printf "invoice 42\\n" >invoice.txt && printf "certificate of origin\\n" >origin.txt &&
	printf "packing list\\n" >packing.txt
'

# ASiC-S with CAdES: META-INF/signature.p7s over the one data object.
test_expect_success 'ASiC-S with a CAdES signature verifies: signer, time, file signed' '
	mkdir -p s1/META-INF && cp invoice.txt s1/ && cades invoice.txt s1/META-INF/signature.p7s &&
	asic s1.asics $S s1 && tdk verify --ca ca.pem s1.asics >out 2>err &&
	test_grep "CAdES signature by CN=tdk test rsa at 20" out &&
	test_grep "file '"'"'invoice.txt'"'"': signed" out && ! grep -q "error:" err
'
test_expect_success 'the JSON report names the kind and the algorithm' '
	tdk verify --ca ca.pem --format json s1.asics >out.json &&
	test_grep "\"kind\":\"cades\"" out.json && test_grep "sha256WithRSAEncryption" out.json &&
	test_grep "\"signed\":true" out.json
'
test_expect_code 1 'forgery: ASiC-S data object changed after signing: VERIFY-DIGEST' '
	cp -r s1 s1x && printf "invoice 43\\n" >s1x/invoice.txt && asic s1x.asics $S s1x &&
	tdk verify --ca ca.pem s1x.asics 2>err; r=$?; test_grep VERIFY-DIGEST err || exit 99; exit $r
'
test_expect_code 1 'forgery: signer not under the given --ca: VERIFY-CERT-UNTRUSTED' '
	mkdir -p s2/META-INF && cp invoice.txt s2/ && cades invoice.txt s2/META-INF/signature.p7s rogue &&
	asic s2.asics $S s2 &&
	tdk verify --ca ca.pem s2.asics 2>err; r=$?; test_grep VERIFY-CERT-UNTRUSTED err || exit 99; exit $r
'
test_expect_code 1 'forgery: key substitution (another certificate for the same key): VERIFY-CADES-SIGNING-CERT' '
	printf "[leafski]\nkeyUsage = critical,digitalSignature\nsubjectKeyIdentifier = hash\n" >>ca.cnf &&
	for n in A B; do
		openssl req -new -key rsa.key -subj "/CN=tdk test rsa$n" -out $n.csr 2>/dev/null &&
		openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -extensions leafski -in $n.csr \
			-out $n.pem -notext -days 30 2>/dev/null || exit 98
	done &&
	mkdir -p ks/META-INF && cp invoice.txt ks/ &&
	openssl cms -sign -binary -nosmimecap -cades -keyid -nocerts -in invoice.txt -signer A.pem \
		-inkey rsa.key -outform DER -out ks/META-INF/signature.p7s && asic ks.asics $S ks &&
	tdk verify --ca ca.pem --untrusted A.pem ks.asics >/dev/null || exit 97
	tdk verify --ca ca.pem --untrusted B.pem ks.asics >out 2>err; r=$?
	test_grep VERIFY-CADES-SIGNING-CERT err && test_grep "'"'"'invoice.txt'"'"': ok" out || exit 99; exit $r
'
test_expect_success 'the same with --insecure: cryptography only, with VERIFY-INSECURE' '
	tdk verify --insecure s2.asics 2>err && test_grep VERIFY-INSECURE err
'
test_expect_success 'no ESS signing-certificate attribute: verifies, with VERIFY-CADES-SIGNING-CERT-MISSING' '
	mkdir -p s3/META-INF && cp invoice.txt s3/ && cades invoice.txt s3/META-INF/signature.p7s rsa "" &&
	asic s3.asics $S s3 && tdk verify --ca ca.pem s3.asics 2>err &&
	test_grep VERIFY-CADES-SIGNING-CERT-MISSING err
'
test_expect_code 1 'a truncated signature.p7s: VERIFY-CMS-MALFORMED, no crash' '
	cp -r s1 s4 && head -c 300 s1/META-INF/signature.p7s >s4/META-INF/signature.p7s &&
	asic s4.asics $S s4 &&
	tdk verify --ca ca.pem s4.asics 2>err; r=$?; test_grep VERIFY-CMS-MALFORMED err || exit 99; exit $r
'
test_expect_code 1 'a garbage signature.p7s: VERIFY-CMS-MALFORMED, no crash' '
	cp -r s1 s5 && printf "not a signature at all\\n" >s5/META-INF/signature.p7s &&
	asic s5.asics $S s5 &&
	tdk verify --ca ca.pem s5.asics 2>err; r=$?; test_grep VERIFY-CMS-MALFORMED err || exit 99; exit $r
'
# The SignedData of in, its digestAlgorithms SET emptied (DER re-encoded): empty_digest_algs in out.
empty_digest_algs() {
	python3 - "$1" "$2" <<-\EOP
	import sys
	def tlv(b, i):
	    t, n = b[i], b[i + 1]
	    i += 2
	    if n & 0x80:
	        k = n & 0x7F
	        n = int.from_bytes(b[i:i + k], "big")
	        i += k
	    return t, i, i + n
	def enc(t, v):
	    n = len(v)
	    if n < 0x80:
	        return bytes([t, n]) + v
	    l = n.to_bytes((n.bit_length() + 7) // 8, "big")
	    return bytes([t, 0x80 | len(l)]) + l + v
	b = open(sys.argv[1], "rb").read()
	_, ci, ce = tlv(b, 0)             # ContentInfo
	_, oi, oe = tlv(b, ci)            # contentType
	_, xi, xe = tlv(b, oe)            # [0] EXPLICIT
	_, si, se = tlv(b, xi)            # SignedData
	_, vi, ve = tlv(b, si)            # version
	_, di, de = tlv(b, ve)            # digestAlgorithms
	sd = b[si:ve] + enc(0x31, b"") + b[de:se]
	out = enc(0x30, b[ci:oe] + enc(0xA0, enc(0x30, sd)))
	open(sys.argv[2], "wb").write(out)
	EOP
}
test_expect_code 1 'a SignedData without digest algorithms: refused, nothing leaked (openssl#30471)' '
	cp -r s1 s7 && empty_digest_algs s1/META-INF/signature.p7s s7/META-INF/signature.p7s &&
	! cmp -s s1/META-INF/signature.p7s s7/META-INF/signature.p7s && asic s7.asics $S s7 &&
	tdk verify --ca ca.pem s7.asics >out 2>err; r=$?; cat out err
	test_grep VERIFY-CMS-MALFORMED err && ! grep -q CHANGED out || exit 99; exit $r
'
test_expect_success 'a PEM signature.p7s is read too' '
	cp -r s1 s6 && openssl cms -cmsout -inform DER -in s1/META-INF/signature.p7s -outform PEM \
		-out s6/META-INF/signature.p7s && asic s6.asics $S s6 && tdk verify --ca ca.pem s6.asics
'

# ASiC-E with CAdES: the signature signs an ASiCManifest listing the files.
test_expect_success 'ASiC-E with CAdES over an ASiCManifest of two files verifies, both covered' '
	mkdir -p e1/META-INF && cp invoice.txt origin.txt e1/ &&
	(cd e1 && manifest META-INF/signature001.p7s invoice.txt origin.txt >META-INF/ASiCManifest.xml &&
	 cades META-INF/ASiCManifest.xml META-INF/signature001.p7s ../rsa) &&
	asic e1.asice $E e1 && tdk verify --ca ca.pem e1.asice >out 2>err &&
	test $(grep -c ": signed" out) = 2 && test_grep "reference '"'"'origin.txt'"'"' covers" out
'
test_expect_code 1 'forgery: ASiC-E data file changed: VERIFY-DIGEST on its reference' '
	cp -r e1 e2 && printf "certificate of elsewhere\\n" >e2/origin.txt && asic e2.asice $E e2 &&
	tdk verify --ca ca.pem e2.asice 2>err; r=$?
	test_grep VERIFY-DIGEST err && test_grep "the digest of '"'"'origin.txt'"'"'" err || exit 99; exit $r
'
test_expect_code 1 'forgery: ASiCManifest changed after signing: VERIFY-DIGEST on the CMS' '
	cp -r e1 e3 && sed "s/origin.txt/packing.txt/" e1/META-INF/ASiCManifest.xml >e3/META-INF/ASiCManifest.xml &&
	cp packing.txt e3/ && asic e3.asice $E e3 &&
	tdk verify --ca ca.pem e3.asice 2>err; r=$?
	test_grep VERIFY-DIGEST err && test_grep "message digest does not match" err || exit 99; exit $r
'
test_expect_code 1 'forgery: a manifest digest that is not the file'"'"'s, signed as it is: VERIFY-DIGEST' '
	cp -r e1 e4 && (cd e4 && manifest META-INF/signature001.p7s invoice.txt origin.txt |
		sed "s|<ds:DigestValue>[^<]*</ds:DigestValue></asic:DataObjectReference>\$|<ds:DigestValue>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=</ds:DigestValue></asic:DataObjectReference>|" \
		>META-INF/ASiCManifest.xml && cades META-INF/ASiCManifest.xml META-INF/signature001.p7s ../rsa) &&
	asic e4.asice $E e4 &&
	tdk verify --ca ca.pem e4.asice 2>err; r=$?; test_grep VERIFY-DIGEST err || exit 99; exit $r
'
test_expect_code 1 'forgery: a file the manifest does not list: ASIC-UNSIGNED-FILE' '
	cp -r e1 e5 && cp packing.txt e5/ && asic e5.asice $E e5 &&
	tdk verify --ca ca.pem e5.asice >out 2>err; r=$?
	test_grep ASIC-UNSIGNED-FILE err && test_grep "file '"'"'packing.txt'"'"': NOT SIGNED" out || exit 99; exit $r
'
test_expect_code 1 'a file the manifest lists removed: ASIC-MANIFEST-MISSING' '
	cp -r e1 e6 && rm e6/origin.txt && asic e6.asice $E e6 &&
	tdk verify --ca ca.pem e6.asice 2>err; r=$?; test_grep ASIC-MANIFEST-MISSING err || exit 99; exit $r
'
test_expect_code 1 'forgery: ASiC-E signed by a key not under --ca: VERIFY-CERT-UNTRUSTED' '
	cp -r e1 e7 && (cd e7 && cades META-INF/ASiCManifest.xml META-INF/signature001.p7s ../rogue) &&
	asic e7.asice $E e7 &&
	tdk verify --ca ca.pem e7.asice 2>err; r=$?; test_grep VERIFY-CERT-UNTRUSTED err || exit 99; exit $r
'
test_expect_code 1 'ASiC-E .p7s that no ASiCManifest names: ASIC-CADES-NO-MANIFEST' '
	cp -r e1 e8 && rm e8/META-INF/ASiCManifest.xml && asic e8.asice $E e8 &&
	tdk verify --ca ca.pem e8.asice 2>err; r=$?; test_grep ASIC-CADES-NO-MANIFEST err || exit 99; exit $r
'
test_expect_success 'an ASiCArchiveManifest (level LTA) is not checked, and a warning says so' '
	cp -r e1 e9 && (cd e9 && manifest META-INF/timestamp001.tst invoice.txt >META-INF/ASiCArchiveManifest.xml &&
	 printf "not checked" >META-INF/timestamp001.tst) && asic e9.asice $E e9 &&
	tdk verify --ca ca.pem e9.asice 2>err && test_grep VERIFY-CADES-UNSIGNED-NOT-CHECKED err
'

# Time-stamp tokens: the time assertion of a container with no signature.
test_expect_success 'time-stamp-only ASiC-S verifies, with ASIC-TIMESTAMP-ONLY' '
	mkdir -p t1/META-INF && cp invoice.txt t1/ && tst invoice.txt t1/META-INF/timestamp.tst &&
	rm -f t1/META-INF/*.tsq && asic t1.asics $S t1 && tdk verify --ca ca.pem t1.asics >out 2>err &&
	test_grep ASIC-TIMESTAMP-ONLY err && test_grep "time-stamp by CN=tdk test tsa at 20" out &&
	test_grep "file '"'"'invoice.txt'"'"': time-stamped" out && ! grep -q "error:" err
'
test_expect_code 1 'forgery: a time-stamp over other data: VERIFY-TST-IMPRINT' '
	mkdir -p t2/META-INF && cp invoice.txt t2/ && tst origin.txt t2/META-INF/timestamp.tst &&
	rm -f t2/META-INF/*.tsq && asic t2.asics $S t2 &&
	tdk verify --ca ca.pem t2.asics 2>err; r=$?; test_grep VERIFY-TST-IMPRINT err || exit 99; exit $r
'
test_expect_code 1 'forgery: a token signed by a certificate without the timeStamping EKU: VERIFY-TST-USAGE' '
	openssl cms -verify -noverify -binary -inform DER -in t1/META-INF/timestamp.tst -out tstinfo.der 2>/dev/null &&
	mkdir -p t3/META-INF && cp invoice.txt t3/ &&
	openssl cms -sign -binary -nodetach -nosmimecap -cades -econtent_type id-smime-ct-TSTInfo \
		-in tstinfo.der -signer rsa.pem -inkey rsa.key -outform DER -out t3/META-INF/timestamp.tst &&
	asic t3.asics $S t3 &&
	tdk verify --ca ca.pem t3.asics 2>err; r=$?; test_grep VERIFY-TST-USAGE err || exit 99; exit $r
'
test_expect_success 'a token re-signed by the TSA without the ESS attribute: verifies, with VERIFY-TST-SIGNING-CERT-MISSING' '
	mkdir -p t9/META-INF && cp invoice.txt t9/ &&
	openssl cms -sign -binary -nodetach -nosmimecap -econtent_type id-smime-ct-TSTInfo \
		-in tstinfo.der -signer tsa.pem -inkey tsa.key -outform DER -out t9/META-INF/timestamp.tst &&
	asic t9.asics $S t9 && tdk verify --ca ca.pem t9.asics 2>err &&
	test_grep VERIFY-TST-SIGNING-CERT-MISSING err && ! grep -q "error:" err
'
test_expect_code 1 'forgery: the TSA not under the given --ca: VERIFY-CERT-UNTRUSTED' '
	tdk verify --ca rogue.pem t1.asics 2>err; r=$?; test_grep VERIFY-CERT-UNTRUSTED err || exit 99; exit $r
'
test_expect_code 1 'a truncated timestamp.tst: VERIFY-CMS-MALFORMED, no crash' '
	cp -r t1 t4 && head -c 100 t1/META-INF/timestamp.tst >t4/META-INF/timestamp.tst && asic t4.asics $S t4 &&
	tdk verify --ca ca.pem t4.asics 2>err; r=$?; test_grep VERIFY-CMS-MALFORMED err || exit 99; exit $r
'
test_expect_code 1 'a CAdES signature where a time-stamp token should be: VERIFY-TST-MALFORMED' '
	cp -r t1 t5 && cp s1/META-INF/signature.p7s t5/META-INF/timestamp.tst && asic t5.asics $S t5 &&
	tdk verify --ca ca.pem t5.asics 2>err; r=$?; test_grep VERIFY-TST-MALFORMED err || exit 99; exit $r
'
test_expect_success 'ASiC-E time assertion over an ASiCManifest of two files verifies, with ASIC-TIMESTAMP-ONLY' '
	mkdir -p t6/META-INF && cp invoice.txt origin.txt t6/ &&
	(cd t6 && manifest META-INF/timestamp.tst invoice.txt origin.txt >META-INF/ASiCManifest.xml &&
	 cd .. && tst t6/META-INF/ASiCManifest.xml t6/META-INF/timestamp.tst) && rm -f t6/META-INF/*.tsq &&
	asic t6.asice $E t6 && tdk verify --ca ca.pem t6.asice >out 2>err &&
	test_grep ASIC-TIMESTAMP-ONLY err && test $(grep -c ": time-stamped" out) = 2
'
test_expect_code 1 'forgery: a file under an ASiC-E time assertion changed: VERIFY-DIGEST' '
	cp -r t6 t7 && printf "invoice 44\\n" >t7/invoice.txt && asic t7.asice $E t7 &&
	tdk verify --ca ca.pem t7.asice 2>err; r=$?; test_grep VERIFY-DIGEST err || exit 99; exit $r
'
test_expect_code 1 'a time-stamp-only container with an extra file: ASIC-UNSIGNED-FILE' '
	cp -r t6 t8 && cp packing.txt t8/ && asic t8.asice $E t8 &&
	tdk verify --ca ca.pem t8.asice 2>err; r=$?; test_grep ASIC-UNSIGNED-FILE err || exit 99; exit $r
'
# Outside a container: a detached .p7s or .tst beside the one file it covers (--data).
test_expect_success 'a detached CAdES signature outside a container verifies with --data' '
	cades invoice.txt invoice.p7s && tdk verify --ca ca.pem --data invoice.txt invoice.p7s >out &&
	test_grep "invoice.p7s: CAdES signature by CN=tdk test rsa" out &&
	test_grep "reference '"'"'invoice.txt'"'"' covers file '"'"'invoice.txt'"'"': ok" out
'
test_expect_code 1 'forgery: the file beside a detached CAdES signature changed: VERIFY-DIGEST' '
	printf "invoice 45\n" >changed.txt &&
	tdk verify --ca ca.pem --data invoice.txt=changed.txt invoice.p7s >out 2>err; r=$?
	test_grep VERIFY-DIGEST err && ! grep -q ": ok" out || exit 99; exit $r
'
test_expect_success 'a detached time-stamp token outside a container verifies with --data; JSON names its kind' '
	tst invoice.txt invoice.tst && tdk verify --ca ca.pem --data invoice.txt --format json invoice.tst >j &&
	test_grep "\"kind\":\"timestamp\"" j && test_grep "\"valid\":true" j
'
test_expect_code 1 'forgery: a detached time-stamp token over another file: VERIFY-TST-IMPRINT' '
	tdk verify --ca ca.pem --data invoice.txt=origin.txt invoice.tst 2>err; r=$?
	test_grep VERIFY-TST-IMPRINT err || exit 99; exit $r
'
test_expect_code 2 'a detached CMS without --data, or with two, is a usage error' '
	tdk verify --ca ca.pem invoice.p7s 2>err; r=$?; test $r = 2 && test_grep "with --data" err || exit 99
	tdk verify --ca ca.pem --data invoice.txt --data origin.txt invoice.p7s 2>/dev/null
'
test_done
