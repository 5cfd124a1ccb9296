#!/bin/sh
# lib/net/as4-seal.c, the sender's composition: a message sealed by
# tdk_as4_seal (signed, then encrypted for the partner) verifies and
# decrypts as a receiver does (wss-probe: tdk_wss_decrypt, then
# tdk_wss_verify_msg with coverage) and gives the payload back byte for
# byte; and tdk_as4_answer_check's verdicts on the synchronous answer: a
# Receipt signed by the partner whose NRI is the sent signature's is
# accepted; one signed by another key or not signed is untrusted (exit 5),
# one for another message or with a changed digest a mismatch (exit 4), an
# Error signal rejected with its EBMS code (exit 1), a body that is no
# signal unreadable (exit 4).  Through tests/gen/as4-probe, wss-probe and
# ebms-probe; keys from tests/pki.sh.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/pki.sh"

PROBE=$REPO/$TDK_BUILD/tests/gen/as4-probe
WSS=$REPO/$TDK_BUILD/tests/gen/wss-probe
EBMS=$REPO/$TDK_BUILD/tests/gen/ebms-probe
skip_all() { test_skip 'AS4 seal' "$1"; test_done; }
for p in "$PROBE" "$WSS" "$EBMS"; do
	[ -x "$p" ] || skip_all "needs $p (make $TDK_BUILD/tests/gen/$(basename "$p"))"
done
command -v openssl >/dev/null || skip_all 'needs openssl(1)'
make_pki >/dev/null 2>&1 || skip_all 'cannot make the test PKI'

as4_endpoints rsa.key other.pem
awk 'BEGIN { for (i = 0; i < 5000; i++) printf "%c", (i * 7 + 3) % 256 }' >bin

# open DIR: reads body/ct, decrypts with other.key (when encrypted) and verifies trusting rsa.pem.
open_msg() {
	rm -rf "$1" && mkdir "$1" &&
	"$PROBE" read @ct body -o "$1" -e "$1/env" >"$1/read" &&
	set -- "$1" $(awk '/^attachment:/ { print $3, $4 }' "$1/read") &&
	"$WSS" --cert rsa.pem --dkey other.key --dcert other.pem --att "$2" "$3" "$1/1" "$1/env" >"$1/verify" &&
	test_grep "verified refs=3 attachments=1 token=/CN=tdk test rsa" "$1/verify"
}

test_expect_success 'signed and encrypted: verifies, decrypts, the same XML back' '
	"$PROBE" build endpoints ap body ct -k rsa.key rsa.pem -p other.pem doc.xml=application/xml >id &&
	open_msg got && test_grep "application/octet-stream" got/read && cmp doc.xml got/1.dec
'
test_expect_success 'signed, encrypted and compressed: the same bytes after gunzip' '
	"$PROBE" build endpoints ap body ct -z -k rsa.key rsa.pem -p other.pem bin=application/octet-stream >id &&
	open_msg gz && test_grep "gzip application/octet-stream" gz/read &&
	gzip -dc <gz/1.dec >gz/plain && cmp bin gz/plain
'
test_expect_success 'signed only (encrypt = no): the payload travels as it is and verifies' '
	"$PROBE" build endpoints ap body ct -k rsa.key rsa.pem doc.xml=application/xml >id &&
	open_msg plain && test_grep "application/xml" plain/read && cmp doc.xml plain/1
'
test_expect_code 1 'the sealed message does not verify with another certificate' '
	set -- $(awk "/^attachment:/ { print \$3, \$4 }" plain/read) &&
	"$WSS" --cert rogue.pem --att "$1" "$2" plain/1 plain/env 2>err ||
	{ r=$?; test_grep "[VERIFY-SIGNATURE-VALUE]" err && exit $r; exit 99; }
'
test_expect_code 1 'an EC key cannot seal (the AS4 profile 1.x signs with RSA): WSS-ALGORITHM' '
	"$PROBE" build endpoints ap b2 c2 -k ec.key ec.pem doc.xml=application/xml 2>err ||
	{ r=$?; test_grep "[WSS-ALGORITHM]" err && exit $r; exit 99; }
'

# The answers, to the signed and encrypted compressed message.
test_expect_success 'a receipt signed by the partner (NRI of the sent signature) is accepted' '
	"$PROBE" build endpoints ap body ct -z -k rsa.key rsa.pem -p other.pem doc.xml=application/xml >id &&
	"$PROBE" receipt @ct body >r0.xml && "$WSS" --sign other.key other.pem r0.xml r.xml &&
	"$PROBE" answer application/soap+xml r.xml @ct body "$(cat id)" other.pem >out &&
	test_grep "accepted " out && test_grep "@tdk.example" out
'
test_expect_code 5 'a receipt signed by another key is untrusted' '
	"$WSS" --sign rogue.key rogue.pem r0.xml rr.xml &&
	"$PROBE" answer application/soap+xml rr.xml @ct body "$(cat id)" other.pem >out 2>err ||
	{ r=$?; test_grep "untrusted " out && test_grep "[AS4-ANSWER-UNTRUSTED]" err && test_grep "signed by /CN=tdk test rogue" err && exit $r; exit 99; }
'
test_expect_code 5 'an unsigned receipt is untrusted' '
	"$PROBE" answer application/soap+xml r0.xml @ct body "$(cat id)" other.pem >out 2>err ||
	{ r=$?; test_grep "[AS4-ANSWER-UNTRUSTED] the receipt is not signed" err && exit $r; exit 99; }
'
test_expect_code 4 'a signed receipt for another message is a mismatch' '
	"$PROBE" answer application/soap+xml r.xml @ct body "other@tdk.example" other.pem >out 2>err ||
	{ r=$?; test_grep "mismatch " out && test_grep "[AS4-NRI-OTHER-MESSAGE]" err &&
	  test_grep "[AS4-ANSWER-MISMATCH]" err && exit $r; exit 99; }
'
test_expect_code 4 'a receipt whose NRI digest was changed, signed again by the partner, is a mismatch' '
	sed "0,/DigestValue>[^<]/s/\(DigestValue>\)\(.\)/\1A\2/" r0.xml >r1.xml && ! cmp -s r0.xml r1.xml &&
	"$WSS" --sign other.key other.pem r1.xml rd.xml &&
	"$PROBE" answer application/soap+xml rd.xml @ct body "$(cat id)" other.pem >out 2>err ||
	{ r=$?; test_grep "[AS4-NRI-DIGEST]" err && exit $r; exit 99; }
'
test_expect_code 5 'a receipt altered after the partner signed it is untrusted' '
	sed "s/RefToMessageId>/RefToMessageId> /" r.xml >ra.xml && ! cmp -s r.xml ra.xml &&
	"$PROBE" answer application/soap+xml ra.xml @ct body "$(cat id)" other.pem >out 2>err
'
test_expect_code 1 'an Error signal is rejected with its EBMS code' '
	"$EBMS" error EBMS:0004 "$(cat id)" >e.xml &&
	"$PROBE" answer application/soap+xml e.xml @ct body "$(cat id)" other.pem >out 2>err ||
	{ r=$?; test_grep "rejected " out && test_grep "[AS4-ERROR] EBMS:0004" err && exit $r; exit 99; }
'
test_expect_code 1 'a signed Error signal is rejected once its signature verifies' '
	"$WSS" --sign other.key other.pem e.xml es.xml &&
	"$PROBE" answer application/soap+xml es.xml @ct body "$(cat id)" other.pem >out 2>err ||
	{ r=$?; test_grep "rejected " out && exit $r; exit 99; }
'
test_expect_code 5 'an Error signal signed by another key is untrusted' '
	"$WSS" --sign rogue.key rogue.pem e.xml ex.xml &&
	"$PROBE" answer application/soap+xml ex.xml @ct body "$(cat id)" other.pem >out 2>err ||
	{ r=$?; test_grep "untrusted " out && exit $r; exit 99; }
'
test_expect_code 4 'an answer that is no signal is unreadable (malformed twin)' '
	printf "<html>busy</html>" >h.xml &&
	"$PROBE" answer application/soap+xml h.xml @ct body "$(cat id)" other.pem >out 2>err ||
	{ r=$?; test_grep "unreadable " out && test_grep "[AS4-ANSWER-UNREADABLE]" err && exit $r; exit 99; }
'
test_done
