#!/bin/sh
# The sender's check of an AS4 Receipt's non-repudiation information
# (lib/net/as4.h tdk_as4_receipt_check) on a message the library builds and
# xmlsec1 signs (a WS-Security signature over eb:Messaging and the Body,
# RSA-SHA256, exclusive C14N, SHA-256 digests): the Receipt lib/net/ebms.h
# builds from the received signature carries each ds:Reference (URI,
# Transforms, DigestMethod, DigestValue) and passes; its forgeries fail with their
# code: a receipt for another MessageId (AS4-NRI-OTHER-MESSAGE), a digest
# changed (AS4-NRI-DIGEST), a reference dropped (AS4-NRI-MISSING-REF), one
# the sender did not sign (AS4-NRI-EXTRA-REF), a receipt without
# NonRepudiationInformation, an Error signal instead (AS4-ERROR with its
# ebMS code, a warning kept apart from a failure).  Through
# tests/gen/as4-probe and tests/gen/ebms-probe.
. "$(dirname "$0")/lib.sh"

PROBE=$REPO/$TDK_BUILD/tests/gen/as4-probe
EPROBE=$REPO/$TDK_BUILD/tests/gen/ebms-probe
skip_all() { test_skip 'AS4 receipts' "$1"; test_done; }
[ -x "$PROBE" ] && [ -x "$EPROBE" ] || skip_all "needs $TDK_BUILD/tests/gen/as4-probe and ebms-probe"
command -v xmlsec1 >/dev/null 2>&1 || skip_all 'needs xmlsec1 to sign a message'
export PROBE EPROBE

as4_endpoints a.p12 b.pem
DS=http://www.w3.org/2000/09/xmldsig#
ref() {
	printf '<ds:Reference URI="#%s"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>' "$1"
}
SEC="<wsse:Security xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd\"><ds:Signature xmlns:ds=\"$DS\"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/><ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>$(ref msg)$(ref body)</ds:SignedInfo><ds:SignatureValue/></ds:Signature></wsse:Security>"

# nri_check RECEIPT: the sent message's check of RECEIPT, diagnostics in err.
nri_check() {
	"$PROBE" check "$1" application/soap+xml signed.xml "$ID" 2>err
}

test_expect_success 'setup: a UserMessage built, signed with xmlsec1, and its Receipt' '
	openssl req -x509 -newkey rsa:2048 -nodes -keyout k.pem -out c.pem -days 2 -subj /CN=sender >/dev/null 2>&1 &&
	"$PROBE" build endpoints ap um ct >id && ID=$(cat id) &&
	sed -e "s|<S12:Header>|<S12:Header>$SEC|" -e "s|<eb:Messaging |<eb:Messaging Id=\"msg\" |" \
	    -e "s|<S12:Body/>|<S12:Body Id=\"body\"/>|" um >tmpl.xml &&
	xmlsec1 --sign --privkey-pem k.pem \
		--id-attr:Id http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/:Messaging \
		--id-attr:Id http://www.w3.org/2003/05/soap-envelope:Body --output signed.xml tmpl.xml &&
	test "$(grep -o "<ds:DigestValue>[^<][^<]*</ds:DigestValue>" signed.xml | wc -l)" -eq 2 &&
	"$PROBE" receipt application/soap+xml signed.xml >r.xml
'
ID=$(cat id 2>/dev/null)
test_expect_success 'the Receipt copies each signed reference: URI, Transforms, DigestMethod, DigestValue' '
	test "$(grep -o "<ds:Reference URI=\"#[a-z]*\"><ds:Transforms xmlns:ds=\"$DS\"><ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/></ds:Transforms><ds:DigestMethod" r.xml | wc -l)" -eq 2 &&
	for v in $(grep -o "<ds:DigestValue>[^<]*" signed.xml | cut -d">" -f2); do
		grep -q "<ds:DigestValue>$v</ds:DigestValue>" r.xml || exit 1
	done &&
	grep -q "<eb:RefToMessageId>$ID</eb:RefToMessageId>" r.xml
'
test_expect_success 'it passes the sender'\''s check' '
	nri_check r.xml && test ! -s err
'
test_expect_code 1 'forgery: a receipt for another MessageId is AS4-NRI-OTHER-MESSAGE' '
	sed "s|<eb:RefToMessageId>[^<]*<|<eb:RefToMessageId>other@peer.example<|" r.xml >f.xml &&
	nri_check f.xml; rc=$?
	test_grep "error: [AS4-NRI-OTHER-MESSAGE] the receipt answers '\''other@peer.example'\''" err || exit 99
	exit $rc
'
test_expect_code 1 'forgery: a digest changed is AS4-NRI-DIGEST' '
	v=$(grep -o "<ds:DigestValue>[^<]*" signed.xml | head -n 1 | cut -d">" -f2) &&
	sed "s|$v|AAAA$v|" r.xml >f.xml && ! cmp -s r.xml f.xml &&
	nri_check f.xml; rc=$?
	test_grep "error: [AS4-NRI-DIGEST] the receipt'\''s digest of '\''#msg'\''" err || exit 99
	exit $rc
'
test_expect_code 1 'forgery: a reference dropped is AS4-NRI-MISSING-REF' '
	sed "s|<ebbp:MessagePartNRInformation><ds:Reference URI=\"#body\">.*</ds:Reference></ebbp:MessagePartNRInformation>||" r.xml >f.xml &&
	! cmp -s r.xml f.xml && nri_check f.xml; rc=$?
	test_grep "error: [AS4-NRI-MISSING-REF] the receipt does not name the signed reference '\''#body'\''" err || exit 99
	exit $rc
'
test_expect_code 1 'forgery: a reference the sender did not sign is AS4-NRI-EXTRA-REF' '
	sed "s|URI=\"#body\"|URI=\"#other\"|" r.xml >f.xml && nri_check f.xml; rc=$?
	test_grep "error: [AS4-NRI-EXTRA-REF] the receipt names '\''#other'\''" err &&
	test_grep "[AS4-NRI-MISSING-REF]" err || exit 99
	exit $rc
'
test_expect_code 1 'a receipt without non-repudiation information is AS4-NRI-NONE' '
	sed "s|<eb:Receipt>.*</eb:Receipt>|<eb:Receipt><x:y xmlns:x=\"urn:x\"/></eb:Receipt>|" r.xml >f.xml &&
	nri_check f.xml; rc=$?
	test_grep "[AS4-NRI-NONE]" err || exit 99
	exit $rc
'
test_expect_code 1 'an Error signal for the message: AS4-ERROR with its ebMS code' '
	"$EPROBE" error EBMS:0004 "$ID" >e.xml && nri_check e.xml; rc=$?
	test_grep "error: [AS4-ERROR] EBMS:0004 Other: built by ebms-probe (message in error '\''$ID'\'')" err &&
	test_grep "[AS4-NRI-NONE]" err || exit 99
	exit $rc
'
test_expect_success 'a warning signal is AS4-WARNING, not a failure' '
	"$EPROBE" error EBMS:0006 >w.xml && "$PROBE" errors w.xml 2>err &&
	test_grep "warning: [AS4-WARNING] EBMS:0006 EmptyMessagePartitionChannel" err && ! grep -q "error:" err
'
test_expect_code 1 'a failure signal is AS4-ERROR' '
	"$EPROBE" error EBMS:0303 "$ID" >f.xml && "$PROBE" errors f.xml 2>err; rc=$?
	test_grep "error: [AS4-ERROR] EBMS:0303 DecompressionFailure" err || exit 99
	exit $rc
'
test_done
