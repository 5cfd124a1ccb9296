#!/bin/sh
# lib/net/ebms.h refuses a malformed ebMS 3 message with the code of what is
# wrong, naming the element: twins of a message the library builds, each
# with one fault (no MessageId, two eb:Messaging headers, a PartInfo href
# that is not cid:, an unknown error code, a Receipt without
# NonRepudiationInformation, an empty SignalMessage, a Timestamp that is no
# date, a severity that is neither failure nor warning, no SOAP envelope,
# no eb:Messaging, not well-formed, an entity declared).  The original
# reads clean, so each refusal is the twin's fault.  Through
# tests/gen/ebms-probe.
. "$(dirname "$0")/lib.sh"

PROBE=$REPO/$TDK_BUILD/tests/gen/ebms-probe
skip_all() { test_skip 'ebMS 3 twins' "$1"; test_done; }
[ -x "$PROBE" ] || skip_all "needs $TDK_BUILD/tests/gen/ebms-probe (make $TDK_BUILD/tests/gen/ebms-probe)"
export PROBE

as4_endpoints a.p12 b.pem

# twin CODE FILE: the reader refuses FILE with exit 1 and CODE.
twin() {
	"$PROBE" read "$2" >out 2>err; rc=$?
	test "$rc" -eq 1 || { echo "exit $rc, want 1"; cat err; return 1; }
	test_grep "error: [$1]" err
}

test_expect_success 'the originals read clean' '
	"$PROBE" user endpoints ap "p1@tdk.example=application/xml" >um.xml &&
	"$PROBE" read um.xml >out 2>err && test ! -s err &&
	"$PROBE" error EBMS:0004 ref@peer.example >err.xml && "$PROBE" read err.xml >out 2>err && test ! -s err
'
test_expect_success 'no MessageId: EBMS-MISSING names it' '
	sed "s|<eb:MessageId>[^<]*</eb:MessageId>||" um.xml >t.xml && twin EBMS-MISSING t.xml &&
	test_grep "eb:MessageInfo has no eb:MessageId" err
'
test_expect_success 'two eb:Messaging headers: EBMS-TWO-MESSAGING' '
	sed "s|\(<eb:Messaging.*</eb:Messaging>\)|\1\1|" um.xml >t.xml && twin EBMS-TWO-MESSAGING t.xml
'
test_expect_success 'a PartInfo href that is not cid: EBMS-HREF' '
	sed "s|href=\"cid:p1@tdk.example\"|href=\"http://elsewhere.example/p1\"|" um.xml >t.xml && twin EBMS-HREF t.xml &&
	test_grep "eb:PartInfo href '\''http://elsewhere.example/p1'\''" err
'
test_expect_success 'an unknown error code, read: EBMS-ERROR-CODE' '
	sed "s|EBMS:0004|EBMS:0999|" err.xml >t.xml && twin EBMS-ERROR-CODE t.xml && test_grep "EBMS:0999" err
'
test_expect_code 2 'an unknown error code, built: EBMS-ERROR-CODE, nothing written' '
	"$PROBE" error EBMS:0999 >out 2>err; rc=$?
	test_grep "error: [EBMS-ERROR-CODE]" err && test ! -s out || exit 99
	exit $rc
'
test_expect_success 'a severity that is neither failure nor warning: EBMS-SEVERITY' '
	sed "s|severity=\"failure\"|severity=\"fatal\"|" err.xml >t.xml && twin EBMS-SEVERITY t.xml
'
test_expect_success 'a Receipt without NonRepudiationInformation: EBMS-RECEIPT' '
	sed "s|<eb:Error .*</eb:Error>|<eb:Receipt/>|" err.xml >t.xml && twin EBMS-RECEIPT t.xml
'
test_expect_success 'a SignalMessage with no Receipt, Error or PullRequest: EBMS-SIGNAL' '
	sed "s|<eb:Error .*</eb:Error>||" err.xml >t.xml && twin EBMS-SIGNAL t.xml
'
test_expect_success 'a Timestamp that is no date: EBMS-TIMESTAMP' '
	sed "s|<eb:Timestamp>[^<]*<|<eb:Timestamp>2026-13-01T00:00:00Z<|" um.xml >t.xml && twin EBMS-TIMESTAMP t.xml
'
test_expect_success 'no From: EBMS-MISSING names it' '
	sed "s|<eb:From>.*</eb:From>||" um.xml >t.xml && twin EBMS-MISSING t.xml && test_grep "eb:PartyInfo has no eb:From" err
'
test_expect_success 'not a SOAP envelope, or no eb:Messaging: EBMS-SOAP, EBMS-NO-MESSAGING' '
	echo "<a/>" >t.xml && twin EBMS-SOAP t.xml &&
	sed "s|<eb:Messaging.*</eb:Messaging>||" um.xml >t.xml && twin EBMS-NO-MESSAGING t.xml
'
test_expect_success 'not well-formed, and an entity declared: EBMS-XML' '
	head -c 300 um.xml >t.xml && twin EBMS-XML t.xml &&
	printf "<!DOCTYPE a [<!ENTITY x \"y\">]>\n<a>&x;</a>\n" >t.xml && twin EBMS-XML t.xml
'
test_done
