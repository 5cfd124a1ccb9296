#!/bin/sh
# lib/net/as2 on node-libas2's material in the corpus (transport/as2 and its
# VERDICTS.tsv), through tests/gen/as2-probe: the signed payload verifies with
# libas2community.cer and its MIC on receipt is the one the captured MDN of
# the as2testing endpoint returns; the encrypted payload (RSAES-OAEP SHA-512,
# AES-128-CBC) decrypts with libas2community.key; the MDN verifies with
# as2testing.cer and answers its Message-ID.  Beside each, the malformed or
# forged twin: another certificate, a changed byte, a cut body, another id.
. "$(dirname "$0")/lib.sh"

PROBE=$REPO/$TDK_BUILD/tests/gen/as2-probe
C=$TDK_CORPUS/transport/as2/node-libas2
MID='<51dac186-d7d2-8440-392e-d9153a830125@DESKTOP-BTP8V2E>'
MIC='bIwxkbRLLtHWlniKxMReISQ/GvEve0LV/hxdl9OD0E8=, sha-256'
[ -x "$PROBE" ] || { test_skip 'as2 corpus' "needs $TDK_BUILD/tests/gen/as2-probe"; test_done; exit 0; }
[ -d "$C" ] || { test_skip 'as2 corpus' "no corpus at $C"; test_done; exit 0; }

test_expect_success 'content.signed.txt verifies with libas2community.cer; payload and MIC as the MDN says' '
	"$PROBE" recv --in "$C/content.signed.txt" --partner "$C/libas2community.cer" --require-signed --out pay >out 2>err &&
	test ! -s err && cmp pay "$C/sample_edi.edi" &&
	test_grep "type: application/edi-x12; name=message.edi" out &&
	test_grep "mic: $MIC" out && test_grep "signed: 1" out
'
test_expect_code 1 'content.signed.txt against as2testing.cer: AS2-SIG-SIGNER' '
	"$PROBE" recv --in "$C/content.signed.txt" --partner "$C/as2testing.cer" >out 2>err; rc=$?
	test_grep "error: [AS2-SIG-SIGNER]" err && test ! -s out || exit 99
	exit $rc
'
test_expect_code 1 'content.signed.txt with one payload byte changed: AS2-SIG-INVALID' '
	sed "s/^SVNBKjAw/SVNBKjAx/" "$C/content.signed.txt" >forged && ! cmp -s forged "$C/content.signed.txt" &&
	"$PROBE" recv --in forged --partner "$C/libas2community.cer" >out 2>err; rc=$?
	test_grep "error: [AS2-SIG-INVALID]" err || exit 99
	exit $rc
'
test_expect_code 3 'content.signed.txt cut before its closing boundary: AS2-MIME-TRUNCATED' '
	head -c 2000 "$C/content.signed.txt" >cut &&
	"$PROBE" recv --in cut --partner "$C/libas2community.cer" >out 2>err; rc=$?
	test_grep "error: [AS2-MIME-TRUNCATED]" err || exit 99
	exit $rc
'
test_expect_success 'content.encrypted.txt decrypts with libas2community.key (RSAES-OAEP SHA-512)' '
	"$PROBE" recv --in "$C/content.encrypted.txt" --key "$C/libas2community.key" --cert "$C/libas2community.cer" \
		--require-encrypted --out pay >out 2>err &&
	test ! -s err && cmp pay "$C/sample_edi.edi" && test_grep "encrypted: 1" out &&
	test_grep "type: application/edi-x12; name=message.edi" out
'
test_expect_code 5 'content.encrypted.txt with another key: AS2-DECRYPT' '
	openssl req -x509 -newkey rsa:2048 -nodes -keyout o.key -out o.pem -days 2 -subj /CN=other 2>/dev/null &&
	"$PROBE" recv --in "$C/content.encrypted.txt" --key o.key --cert o.pem >out 2>err; rc=$?
	test_grep "error: [AS2-DECRYPT]" err || exit 99
	exit $rc
'
test_expect_code 3 'content.encrypted.txt cut short: the cms does not parse' '
	head -c 1500 "$C/content.encrypted.txt" >cut &&
	"$PROBE" recv --in cut --key "$C/libas2community.key" --cert "$C/libas2community.cer" >out 2>err; rc=$?
	test_grep "error: [AS2-MIME-MALFORMED]" err || exit 99
	exit $rc
'
test_expect_success 'mdn.signed.txt verifies with as2testing.cer, answers its message and returns its MIC' '
	"$PROBE" mdn-read --in "$C/mdn.signed.txt" --partner "$C/as2testing.cer" --require-signed \
		--message-id "$MID" --mic "$MIC" >out 2>err &&
	test ! -s err && test_grep "processed: 1" out && test_grep "signed: 1" out &&
	test_grep "disposition: automatic-action/MDN-sent-automatically; processed" out
'
test_expect_code 1 'mdn.signed.txt against libas2community.cer: AS2-SIG-SIGNER' '
	"$PROBE" mdn-read --in "$C/mdn.signed.txt" --partner "$C/libas2community.cer" >out 2>err; rc=$?
	test_grep "error: [AS2-SIG-SIGNER]" err || exit 99
	exit $rc
'
test_expect_code 1 'mdn.signed.txt for another Message-ID and another MIC: AS2-MDN-MSGID, AS2-MDN-MIC' '
	"$PROBE" mdn-read --in "$C/mdn.signed.txt" --partner "$C/as2testing.cer" --message-id "<other@tdk>" \
		--mic "bIwxkbRLLtHWlniKxMReISQ/GvEve0LV/hxdl9OD0E9=, sha-256" >out 2>err; rc=$?
	test_grep "error: [AS2-MDN-MSGID]" err && test_grep "error: [AS2-MDN-MIC]" err || exit 99
	exit $rc
'
test_expect_code 1 'mdn.signed.txt with its disposition changed: the signature breaks' '
	sed "s/; processed$/; processed\/error: unexpected-processing-error/" "$C/mdn.signed.txt" >forged &&
	"$PROBE" mdn-read --in forged --partner "$C/as2testing.cer" >out 2>err; rc=$?
	test_grep "error: [AS2-SIG-INVALID]" err && test_grep "error: [AS2-MDN-ERROR]" err || exit 99
	exit $rc
'
test_done
