#!/bin/sh
# lib/net/ebms.h on the AS4 corpus (transport/as4: phase4, Domibus, Holodeck
# B2B): every file with a verdict in the corpus's VERDICTS.tsv gets the same
# verdict from the library, read from the table itself: not well-formed,
# well-formed (no eb:Messaging header), "XSD ok", or "XSD FAIL" on the same
# element (the eb:Messaging header validated against the OASIS ebMS 3 header
# XSD through lib/xml's validator); and the messages the implementations
# reject are refused by the reader with the code of what is wrong.  And what
# the library builds (a UserMessage from an as4 endpoint's settings, a Receipt
# for a corpus message, an Error signal) is valid against the same XSD and
# reads back to the same values.  Through
# tests/gen/ebms-probe, until tdk submit and tdk serve use the library.
. "$(dirname "$0")/lib.sh"

PROBE=$REPO/$TDK_BUILD/tests/gen/ebms-probe
AS4=$TDK_CORPUS/transport/as4
skip_all() { test_skip 'ebMS 3 corpus' "$1"; test_done; }
[ -x "$PROBE" ] || skip_all "needs $TDK_BUILD/tests/gen/ebms-probe (make $TDK_BUILD/tests/gen/ebms-probe)"
[ -f "$AS4/VERDICTS.tsv" ] || skip_all "needs the corpus at $TDK_CORPUS (TDK_CORPUS)"
export PROBE AS4

# The OASIS XSD imports the xml: namespace without a location: a driver
# schema gives it one (a schema of xml:lang) and imports the header XSD.
cat >xml.xsd <<'XSD'
<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="http://www.w3.org/XML/1998/namespace">
  <xs:attribute name="lang" type="xs:language"/>
</xs:schema>
XSD
cat >ebms.xsd <<XSD
<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:import namespace="http://www.w3.org/XML/1998/namespace" schemaLocation="xml.xsd"/>
  <xs:import namespace="http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/"
             schemaLocation="$AS4/phase4/phase4-lib/external/schemas/ebms-header-3_0-200704.xsd"/>
</xs:schema>
XSD

test_expect_success 'every verdict of VERDICTS.tsv, from the table itself' '
	: >mismatch && n=0 &&
	tail -n +2 "$AS4/VERDICTS.tsv" | cut -f1,4 >rows &&
	while IFS="$(printf "\t")" read -r f want; do
		[ -n "$want" ] || continue
		n=$((n + 1))
		got=$("$PROBE" verdict ebms.xsd "$AS4/$f" 2>/dev/null)
		# The table cuts an XSD fault short: its words are the start of ours.
		case $got in "$want"*) continue ;; esac
		# The table checked only the well-formedness of this .mmd file (a SOAP
		# 1.1 UserMessage under another extension); its header is valid.
		[ "$f:$got" = "phase4/phase4-test/unused/holodeck/ex-mmd-push.mmd:XSD ok" ] && continue
		echo "$f: want [$want] got [$got]" >>mismatch
	done <rows &&
	cat mismatch && test ! -s mismatch && test "$n" -ge 80 &&
	test "$(grep -c "	XSD FAIL" rows)" -eq 6
'
test_expect_success 'an XSD fault names the element, as VERDICTS.tsv does' '
	"$PROBE" verdict ebms.xsd "$AS4/phase4/phase4-lib/external/soap11test/MessageInfoIDMissing.xml" >out 2>err
	test "$?" -eq 1 &&
	echo "XSD FAIL: Element '\''{http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/}MessageInfo'\''" >want &&
	test_cmp want out && test_grep "error: [XML-XSD]" err
'

# read FILE CODE: the reader refuses FILE (exit 1) with CODE.
read_refused() {
	"$PROBE" read "$AS4/$1" >out 2>err; rc=$?
	test "$rc" -eq 1 || { echo "exit $rc for $1"; return 1; }
	test_grep "error: [$2]" err
}
test_expect_success 'what the implementations reject, the reader refuses, naming the fault' '
	read_refused phase4/phase4-lib/external/soap11test/MessageInfoIDMissing.xml EBMS-MISSING &&
	test_grep "eb:MessageInfo has no eb:MessageId" err &&
	read_refused phase4/phase4-lib/external/soap11test/MessageInfoMissing.xml EBMS-MISSING &&
	read_refused phase4/phase4-lib/external/soap11test/MessageInfoImaginaryTimestamp.xml EBMS-TIMESTAMP &&
	read_refused phase4/phase4-test/testfiles/NoResponder.xml EBMS-MISSING &&
	test_grep "eb:PartyInfo has no eb:To" err &&
	read_refused phase4/phase4-test/testfiles/UserMessageNoPartyID.xml EBMS-MISSING &&
	test_grep "eb:PartyId is empty" err &&
	read_refused phase4/phase4-test/testfiles/TwoUserMessages.xml EBMS-TWO-USER &&
	read_refused phase4/phase4-test/testfiles/ErrorMessageWithFault.xml EBMS-SEVERITY
'
test_expect_success 'a phase4 UserMessage: every part of the header read' '
	"$PROBE" read "$AS4/phase4/phase4-lib/external/soap12test/UserMessage12.xml" >out 2>err &&
	test ! -s err && test_grep "message-id: " out && test_grep "from-party: " out &&
	test_grep "to-role: " out && test_grep "service: " out && test_grep "action: " out &&
	test_grep "conversation-id: " out && test_grep "part: " out
'
test_expect_success 'a signed NRR receipt: its NonRepudiationInformation references with their digests' '
	"$PROBE" read "$AS4/phase4/phase4-test/testfiles/TestReceipt12.xml" >out 2>err && test ! -s err &&
	test_grep "receipt: nri" out && test "$(grep -c "^nri: " out)" -eq 3 &&
	test_grep "nri: cid:phase4-att-a9297596-e9df-4740-9245-2c069712326f@cid http://www.w3.org/2001/04/xmlenc#sha256 5lPGsYkVCwAcvC3VbzAfez3nffzw59rtK/SvFM9W1eI=" out
'
test_expect_success 'an error signal: code, severity, category, the message in error' '
	"$PROBE" read "$AS4/phase4/phase4-test/testfiles/ErrorMessage.xml" >out 2>err &&
	test_grep "error: EBMS:" out && ! grep -q "error: \[" err
'
test_expect_success 'a Domibus signed and encrypted UserMessage reads clean' '
	"$PROBE" read "$AS4/domibus/Domibus-MSH/dataset/as4/bst_x509v3_incoming_message.xml" >out 2>err &&
	test ! -s err && test_grep "part: cid:" out
'

cat >endpoints <<'INI'
[ap]
profile = as4
url = https://ap.example/msh
from-party = urn:oasis:names:tc:ebcore:partyid-type:unregistered:BROKER01
from-role = http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/initiator
to-party = urn:oasis:names:tc:ebcore:partyid-type:unregistered:CUSTOMS
service = urn:example:services:ics2
action = IE3F32
agreement = urn:example:agreements:ics2
mpc = urn:example:mpc:ics2
key = broker.p12
partner-cert = customs.pem
INI
test_expect_success 'a built UserMessage: valid against the XSD, and read back to its settings' '
	"$PROBE" user endpoints ap "decl-1@tdk.example=application/xml" "att-2@tdk.example=application/pdf:gz" >um.xml &&
	"$PROBE" verdict ebms.xsd um.xml >v 2>err && echo "XSD ok" >want && test_cmp want v && test ! -s err &&
	"$PROBE" read um.xml >out 2>err && test ! -s err &&
	sed -n "s/^message-id: //p" out >id && grep -Eq "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}@tdk.example\$" id &&
	grep -Eq "^timestamp: [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\$" out &&
	grep -v "^timestamp: \|^message-id: \|^conversation-id: " out >got &&
	cat >want <<-WANT &&
	mpc: urn:example:mpc:ics2
	from-party: urn:oasis:names:tc:ebcore:partyid-type:unregistered:BROKER01
	from-role: http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/initiator
	to-party: urn:oasis:names:tc:ebcore:partyid-type:unregistered:CUSTOMS
	to-role: http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/defaultRole
	agreement: urn:example:agreements:ics2
	service: urn:example:services:ics2
	action: IE3F32
	part: cid:decl-1@tdk.example application/xml
	part: cid:att-2@tdk.example application/pdf application/gzip
	WANT
	test_cmp want got &&
	"$PROBE" user endpoints ap >um2.xml && ! cmp -s um.xml um2.xml &&
	test "$(sed -n "s/^message-id: //p" out)" != "$("$PROBE" read um2.xml | sed -n "s/^message-id: //p")"
'
test_expect_success 'a Receipt for a signed corpus UserMessage: NRI from its ds:References, valid, read back' '
	m=$AS4/phase4/phase4-test/testfiles/WrongSigningAlgorithm.xml &&
	"$PROBE" receipt "$m" >r.xml 2>err &&
	"$PROBE" verdict ebms.xsd r.xml >v && echo "XSD ok" >want && test_cmp want v &&
	"$PROBE" read r.xml >out 2>err && test ! -s err &&
	test_grep "receipt: nri" out &&
	test_grep "signal-ref-to: 0c5307dc-5f80-49f5-94ac-2422a8e0d595@ph-as4" out &&
	test_grep "nri: #id-5820f310-faf9-4d92-80b3-e6bee2facb37 http://www.w3.org/2001/04/xmlenc#sha256 qSANDXmogPU3C3M/cAQjkMQjZWiUG2zrMgUGYvmCZr8=" out
'
test_expect_success 'Error signals: every code of the core specification and the AS4 profile, valid, read back' '
	for c in 0001 0002 0003 0004 0005 0006 0007 0008 0009 0010 0011 0101 0102 0103 0201 0202 0301 0302 0303; do
		"$PROBE" error EBMS:$c ref-1@peer.example >e.xml &&
		"$PROBE" verdict ebms.xsd e.xml >v && test "$(cat v)" = "XSD ok" &&
		"$PROBE" read e.xml >out 2>err && test ! -s err &&
		grep -Eq "^error: EBMS:$c (failure|warning) (Content|Communication|Unpackaging|Processing) ref-1@peer.example\$" out ||
		{ echo "EBMS:$c"; exit 1; }
	done &&
	"$PROBE" error EBMS:0006 >e.xml && "$PROBE" read e.xml >out &&
	test_grep "error: EBMS:0006 warning Communication -" out
'
test_done
