#!/bin/sh
# lib/net/as4.h on the AS4 corpus (transport/as4/phase4): the MIME messages
# go through the reader.  phase4's Peppol message (signed, its gzip payload
# encrypted) reads with its one attachment matched to its PartInfo, marked
# compressed with MimeType application/xml; decompressing it before
# decryption fails with EBMS:0303, as it must.  WrongCompression.mime, which
# phase4 rejects with EBMS:0003 ValueInconsistent, gives AS4-COMPRESSION
# with EBMS:0003.  Domibus's signed and encrypted incoming messages, kept
# as their SOAP parts alone, name an attachment that is not there
# (EBMS:0011).  A Receipt built for the Peppol message and for phase4's
# signed TestMessage11 from their signature references passes the sender's
# non-repudiation check; phase4's own TestReceipt12, which answers a message
# the corpus does not hold, fails it against them with what differs.  The
# Error signals of the corpus become AS4-ERROR diagnostics with their code.
# Through tests/gen/as4-probe.
. "$(dirname "$0")/lib.sh"

PROBE=$REPO/$TDK_BUILD/tests/gen/as4-probe
P4=$TDK_CORPUS/transport/as4/phase4
skip_all() { test_skip 'AS4 corpus' "$1"; test_done; }
[ -x "$PROBE" ] || skip_all "needs $TDK_BUILD/tests/gen/as4-probe (make $TDK_BUILD/tests/gen/as4-probe)"
[ -f "$P4/phase4-peppol-client/dump-raw.as4out" ] || skip_all "needs the corpus at $TDK_CORPUS (TDK_CORPUS)"
export PROBE P4
PEPPOL=$P4/phase4-peppol-client/dump-raw.as4out
PID=17a7c374-efe3-41e2-ac0d-8a8f47529e47@phase4

test_expect_success 'the Peppol message: one attachment, matched, gzip with MimeType application/xml' '
	"$PROBE" read - "$PEPPOL" -o . -e env.xml >out 2>err &&
	test ! -s err &&
	cat >want <<-EOT &&
	message-id: $PID
	attachment: 1 phase4-att-ff0f8ad5-f982-48ba-b8e2-26997600f496@cid application/octet-stream 2263 gzip application/xml
	EOT
	test_cmp want out &&
	test "$(wc -c <1)" -eq 2263 && grep -q "<eb:MessageId>$PID</eb:MessageId>" env.xml
'
test_expect_code 1 'its payload is encrypted: decompressing it first is EBMS:0303' '
	"$PROBE" read - "$PEPPOL" -x >out 2>err; rc=$?
	test_grep "error: [AS4-DECOMPRESS] EBMS:0303 DecompressionFailure" err &&
	test_grep "ebms-error: EBMS:0303" out || exit 99
	exit $rc
'
test_expect_code 1 'WrongCompression.mime: AS4-COMPRESSION, EBMS:0003 as phase4 answers' '
	"$PROBE" read - "$P4/phase4-test/testfiles/WrongCompression.mime" >out 2>err; rc=$?
	test_grep "error: [AS4-COMPRESSION] EBMS:0003 ValueInconsistent" err &&
	test_grep "application/rar" err && test_grep "ebms-error: EBMS:0003" out || exit 99
	exit $rc
'
test_expect_success 'the Domibus incoming messages are SOAP parts alone: their cid:message is missing, EBMS:0011' '
	n=0 &&
	for f in "$TDK_CORPUS"/transport/as4/domibus/Domibus-MSH/dataset/as4/*_incoming_message.xml; do
		"$PROBE" read application/soap+xml "$f" >out 2>err; rc=$?
		test "$rc" -eq 1 && test_grep "ebms-error: EBMS:0011" out &&
		test_grep "error: [AS4-MISSING-PART] EBMS:0011 ExternalPayloadError: eb:PartInfo href '\''cid:message'\''" err &&
		test "$(grep -c "error:" err)" -eq 1 || exit 1
		n=$((n + 1))
	done && test "$n" -eq 4
'
test_expect_success 'a Receipt built for the Peppol message checks against it' '
	"$PROBE" receipt - "$PEPPOL" >r.xml &&
	test "$(grep -o "<ebbp:MessagePartNRInformation>" r.xml | wc -l)" -eq 3 &&
	"$PROBE" check r.xml - "$PEPPOL" "$PID" 2>err && test ! -s err
'
test_expect_success 'a Receipt built for TestMessage11 checks against it' '
	m=$P4/phase4-test/unused/TestMessage11.xml &&
	id=$(sed -n "s|.*<eb:MessageId>\([^<]*\)</eb:MessageId>.*|\1|p" "$m" | head -n 1) && test -n "$id" &&
	"$PROBE" receipt text/xml "$m" >r11.xml &&
	"$PROBE" check r11.xml text/xml "$m" "$id" 2>err && ! grep "error:" err
'
test_expect_code 1 'phase4 TestReceipt12 against the Peppol message: another message, every reference differs' '
	"$PROBE" check "$P4/phase4-test/testfiles/TestReceipt12.xml" - "$PEPPOL" "$PID" 2>err; rc=$?
	test_grep "[AS4-NRI-OTHER-MESSAGE] the receipt answers '\''035e0a83-6dc5-427b-bcee-483475c65153@phase4'\''" err &&
	test "$(grep -F -c "[AS4-NRI-MISSING-REF]" err)" -eq 3 &&
	test "$(grep -F -c "[AS4-NRI-EXTRA-REF]" err)" -eq 3 || exit 99
	exit $rc
'
test_expect_code 1 'the corpus Error signals: AS4-ERROR with their ebMS code' '
	"$PROBE" errors "$P4/phase4-test/testfiles/ErrorMessage.xml" >out 2>err; rc=$?
	test_grep "error: [AS4-ERROR] EBMS:0" err || exit 99
	exit $rc
'
test_expect_code 1 'a message without signature has nothing to check a receipt against: AS4-NRI-UNSIGNED' '
	"$PROBE" check r.xml - "$P4/phase4-test/testfiles/WrongCompression.mime" "$PID" 2>err; rc=$?
	test_grep "[AS4-NRI-UNSIGNED]" err || exit 99
	exit $rc
'
test_done
