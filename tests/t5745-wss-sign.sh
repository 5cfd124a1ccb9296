#!/bin/sh
# WS-Security signing and encryption of AS4 messages (lib/net/wss.h, through
# tests/gen/wss-probe until tdk submit and tdk serve use it), with the test
# PKI: an envelope with eb:Messaging and two attachments (XML and binary)
# signed by tdk verifies as an AS4 receiver verifies it (eb:Messaging, Body
# and every attachment covered); signed then encrypted for a partner, it
# decrypts with the partner's key to the same bytes and types and verifies.
# The SwA content canonicalisation: an XML attachment verifies in any form
# with the same exclusive canonical form, a text one with other line
# endings.  Each forgery fails with its own code.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/pki.sh"

PROBE=$REPO/$TDK_BUILD/tests/gen/wss-probe
[ -x "$PROBE" ] || skip_all "needs $TDK_BUILD/tests/gen/wss-probe (make $TDK_BUILD/tests/gen/wss-probe)"
command -v openssl >/dev/null 2>&1 || skip_all 'needs openssl'

cat >env.xml <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<S12:Envelope xmlns:S12="http://www.w3.org/2003/05/soap-envelope" xmlns:eb="http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/">
<S12:Header>
<eb:Messaging S12:mustUnderstand="true">
<eb:UserMessage>
<eb:MessageInfo><eb:Timestamp>2026-12-02T10:00:00Z</eb:Timestamp><eb:MessageId>m1@tdk.test</eb:MessageId></eb:MessageInfo>
<eb:PayloadInfo><eb:PartInfo href="cid:p1@tdk.test"/><eb:PartInfo href="cid:p2@tdk.test"/></eb:PayloadInfo>
</eb:UserMessage>
</eb:Messaging>
</S12:Header>
<S12:Body><note>body</note></S12:Body>
</S12:Envelope>
XML
printf '<?xml version="1.0"?>\n<doc   b="2" a="1"><!-- c -->text</doc>\n' >p1.xml
printf 'binary \000\001\002\377 part\n' >p2.bin
A1='--att p1@tdk.test application/xml'
A2='--att p2@tdk.test application/octet-stream'

test_expect_success 'make the test PKI' 'make_pki'

test_expect_success 'signed: the receiver verifies eb:Messaging, Body and both attachments' '
	"$PROBE" --sign rsa.key rsa.pem $A1 p1.xml $A2 p2.bin env.xml s.xml >sent &&
	test_grep "p1@tdk.test application/xml" sent && cmp p1.xml p1.xml.sent && cmp p2.bin p2.bin.sent &&
	grep -q "<wsse:Security [^>]*S12:mustUnderstand=\"true\"" s.xml &&
	test_grep "URI=\"cid:p1@tdk.test\"" s.xml &&
	"$PROBE" --cert rsa.pem $A1 p1.xml $A2 p2.bin s.xml >out 2>err &&
	grep -q "^verified refs=4 attachments=2 token=/CN=tdk test rsa" out && test ! -s err
'
test_expect_success 'SwA 5.4.1: an XML attachment in another form of the same canonical XML verifies' '
	printf "<doc a=\"1\" b=\"2\">text</doc>" >p1c.xml &&
	"$PROBE" --cert rsa.pem $A1 p1c.xml $A2 p2.bin s.xml >out 2>err && grep -q "^verified" out
'
test_expect_success 'SwA 5.4.1: a text attachment with LF line endings verifies as the CR LF it was signed as' '
	printf "line one\r\nline two\r\n" >t.txt && printf "line one\nline two\n" >t-lf.txt &&
	"$PROBE" --sign rsa.key rsa.pem --att t@tdk.test text/plain t.txt env.xml st.xml >/dev/null &&
	"$PROBE" --cert rsa.pem --att t@tdk.test text/plain t-lf.txt st.xml >out 2>err && grep -q "^verified" out
'
test_expect_code 1 'a binary attachment is not canonicalised: LF for CR LF is a change (VERIFY-DIGEST)' '
	"$PROBE" --sign rsa.key rsa.pem --att t@tdk.test application/octet-stream t.txt env.xml sb.xml >/dev/null &&
	"$PROBE" --cert rsa.pem --att t@tdk.test application/octet-stream t-lf.txt sb.xml >out 2>err; rc=$?
	test_grep "[VERIFY-DIGEST]" err || exit 99
	exit $rc
'
test_expect_success 'signed then encrypted: the partner decrypts to the same bytes and types, then verifies' '
	"$PROBE" --sign rsa.key rsa.pem $A1 p1.xml $A2 p2.bin --encrypt-to other.pem env.xml e.xml >sent &&
	test_grep "p1@tdk.test application/octet-stream" sent &&
	test "$(wc -c <p2.bin.sent)" -eq $(($(wc -c <p2.bin) + 28)) && ! cmp -s p2.bin p2.bin.sent &&
	test_grep "MimeType=\"application/xml\"" e.xml && test_grep "xmlenc11#aes128-gcm" e.xml &&
	test_grep "xmlenc11#mgf1sha256" e.xml &&
	"$PROBE" --cert rsa.pem --att p1@tdk.test application/octet-stream p1.xml.sent \
		--att p2@tdk.test application/octet-stream p2.bin.sent --dkey other.key --dcert other.pem e.xml >out 2>err &&
	grep -q "^verified refs=4 attachments=2" out && test ! -s err &&
	cmp p1.xml p1.xml.sent.dec && cmp p2.bin p2.bin.sent.dec
'

# One forgery at a time, each with its code.
forged() { # code file-of-envelope probe-args...
	code=$1 && shift && "$PROBE" "$@" >out 2>err; rc=$?
	test_grep "[$code]" err && ! grep -q "^verified" out || exit 99
	exit $rc
}
test_expect_code 1 'a changed attachment byte (VERIFY-DIGEST)' '
	sed "s/binary/Binary/" p2.bin >p2f.bin &&
	forged VERIFY-DIGEST --cert rsa.pem $A1 p1.xml $A2 p2f.bin s.xml
'
test_expect_code 1 'a changed eb:MessageId (VERIFY-DIGEST)' '
	sed "s/m1@tdk.test/m2@tdk.test/" s.xml >f.xml &&
	forged VERIFY-DIGEST --cert rsa.pem $A1 p1.xml $A2 p2.bin f.xml
'
test_expect_code 1 'a changed Body (VERIFY-DIGEST)' '
	sed "s/<note>body/<note>Body/" s.xml >f.xml && ! cmp -s s.xml f.xml &&
	forged VERIFY-DIGEST --cert rsa.pem $A1 p1.xml $A2 p2.bin f.xml
'
test_expect_code 1 'a valid signature over eb:Messaging only (WSS-COVERAGE)' '
	"$PROBE" --sign rsa.key rsa.pem --header-only $A1 p1.xml $A2 p2.bin env.xml h.xml >/dev/null &&
	"$PROBE" --cert rsa.pem h.xml >/dev/null 2>&1 &&
	forged WSS-COVERAGE --cert rsa.pem $A1 p1.xml $A2 p2.bin h.xml
'
test_expect_code 1 'an attachment the signature leaves out (WSS-COVERAGE)' '
	"$PROBE" --sign rsa.key rsa.pem $A1 p1.xml env.xml one.xml >/dev/null &&
	forged WSS-COVERAGE --cert rsa.pem $A1 p1.xml $A2 p2.bin one.xml
'
test_expect_code 1 'a signed attachment not given (WSS-NEEDS-ATTACHMENT)' '
	forged WSS-NEEDS-ATTACHMENT --cert rsa.pem $A1 p1.xml s.xml && test_grep "missing: attachment" out
'
test_expect_code 1 'signed by another key than the trusted certificate (VERIFY-SIGNATURE-VALUE)' '
	forged VERIFY-SIGNATURE-VALUE --cert other.pem $A1 p1.xml $A2 p2.bin s.xml
'
test_expect_code 1 'a changed ciphertext byte (WSS-DECRYPT)' '
	{ head -c 20 p2.bin.sent; printf x; tail -c +22 p2.bin.sent; } >p2x.bin && ! cmp -s p2x.bin p2.bin.sent &&
	forged WSS-DECRYPT --att p1@tdk.test application/octet-stream p1.xml.sent \
		--att p2@tdk.test application/octet-stream p2x.bin --dkey other.key --dcert other.pem e.xml
'
test_expect_code 1 'decrypted with a key it was not encrypted for (WSS-DECRYPT)' '
	forged WSS-DECRYPT --att p1@tdk.test application/octet-stream p1.xml.sent \
		--att p2@tdk.test application/octet-stream p2.bin.sent --dkey rsa.key --dcert rsa.pem e.xml
'

# Malformed twins of the readers.
test_expect_code 1 'malformed: a ciphertext shorter than IV and tag (WSS-DECRYPT)' '
	printf "short" >short.bin &&
	forged WSS-DECRYPT --att p1@tdk.test application/octet-stream short.bin \
		--att p2@tdk.test application/octet-stream p2.bin.sent --dkey other.key --dcert other.pem e.xml
'
test_expect_code 1 'malformed: key transport with MGF1-SHA1, not the profile'"'"'s (WSS-ALGORITHM)' '
	sed "s/xmlenc11#mgf1sha256/xmlenc11#mgf1sha1/" e.xml >f.xml &&
	forged WSS-ALGORITHM --att p1@tdk.test application/octet-stream p1.xml.sent \
		--att p2@tdk.test application/octet-stream p2.bin.sent --dkey other.key --dcert other.pem f.xml
'
test_expect_code 1 'malformed: a CipherValue that is not base64 (WSS-DECRYPT)' '
	sed "s/<xenc:CipherValue>/<xenc:CipherValue>*/" e.xml >f.xml &&
	forged WSS-DECRYPT --att p1@tdk.test application/octet-stream p1.xml.sent \
		--att p2@tdk.test application/octet-stream p2.bin.sent --dkey other.key --dcert other.pem f.xml
'
test_expect_code 1 'malformed: an XML attachment that is not well-formed cannot be canonicalised (VERIFY-REF-UNRESOLVED)' '
	printf "<doc>" >bad.xml &&
	forged VERIFY-REF-UNRESOLVED --cert rsa.pem --att p1@tdk.test application/xml bad.xml $A2 p2.bin s.xml
'
test_expect_code 3 'malformed: an envelope that is not well-formed is not read (VERIFY-XML)' '
	head -c 300 s.xml >cut.xml && forged VERIFY-XML --cert rsa.pem $A1 p1.xml cut.xml
'
test_expect_code 1 'an EC key does not sign for the AS4 profile 1.x (WSS-ALGORITHM)' '
	forged WSS-ALGORITHM --sign ec.key ec.pem $A1 p1.xml env.xml x.xml
'

# phase4's real signed and encrypted Peppol message: its EncryptedKey is read
# with the profile's algorithms (so not WSS-ALGORITHM); it is not for our key.
P4=$TDK_CORPUS/transport/as4/phase4/phase4-peppol-client/dump-raw.as4out
if [ -f "$P4" ]; then
	test_expect_code 1 'phase4 interop: its RSA-OAEP-MGF1-SHA256 EncryptedKey is read, not ours (WSS-DECRYPT)' '
		awk "p && /^------=_Part/ { exit } p { print } /^Content-Transfer-Encoding/ && !s { s = 1; getline; p = 1 }" \
			"$P4" >p4.xml && test_grep "xenc:EncryptedKey" p4.xml &&
		cid=$(grep -o "CipherReference URI=\"cid:[^\"]*" p4.xml | sed "s/.*cid://") && test -n "$cid" &&
		head -c 64 p2.bin.sent >p4att &&
		forged WSS-DECRYPT --att "$cid" application/octet-stream p4att --dkey rsa.key --dcert rsa.pem p4.xml
	'
	test_expect_code 1 'phase4 interop: its signature over the encrypted attachment needs that attachment' '
		forged WSS-NEEDS-ATTACHMENT --cert rsa.pem p4.xml
	'
else
	test_skip 'phase4 interop' 'needs the corpus (TDK_CORPUS): transport/as4'
fi
test_done
