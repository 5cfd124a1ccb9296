#!/bin/sh
# lib/net/as2 refusing what it must, each with its AS2-* code and exit
# status: a changed payload byte, a signature by another key, an unsigned
# or clear body where a signature or encryption is required, an MDN for
# another Message-ID, with another MIC, unsigned where a signed one was asked,
# with an error disposition (and a warning that is only a warning), truncated
# bodies, and the limits of as2.h (header count, a layer twice, base64).
. "$(dirname "$0")/lib.sh"

PROBE=$REPO/$TDK_BUILD/tests/gen/as2-probe
[ -x "$PROBE" ] || { test_skip 'as2 forgeries' "needs $TDK_BUILD/tests/gen/as2-probe"; test_done; exit 0; }
for n in a b c; do
	openssl req -x509 -newkey rsa:2048 -nodes -keyout $n.key -out $n.pem -days 2 -subj "/CN=as2-$n" 2>/dev/null
done
printf "UNB+UNOC:3+A+B+260101:1200+1'\r\nUNZ+1+1'\r\n" >pay.edi
"$PROBE" send --payload pay.edi --type application/edifact --sign sha256 --key a.key --cert a.pem --entity s.eml >sent
MIC=$(sed -n "s/^mic: //p" sent)

test_expect_success 'the untouched signed body reads (the twin of the forgeries below)' '
	"$PROBE" recv --in s.eml --partner a.pem --require-signed --out p >/dev/null && cmp p pay.edi
'
test_expect_code 1 'one payload byte changed: AS2-SIG-INVALID' '
	sed "s/UNZ+1+1/UNZ+1+2/" s.eml >f.eml && ! cmp -s f.eml s.eml &&
	"$PROBE" recv --in f.eml --partner a.pem >out 2>err; rc=$?
	test_grep "error: [AS2-SIG-INVALID]" err && test ! -s out || exit 99
	exit $rc
'
test_expect_code 1 'signed by another key than the partner certificate: AS2-SIG-SIGNER' '
	"$PROBE" send --payload pay.edi --type application/edifact --sign sha256 --key c.key --cert c.pem --entity c.eml >/dev/null &&
	"$PROBE" recv --in c.eml --partner a.pem >out 2>err; rc=$?
	test_grep "error: [AS2-SIG-SIGNER]" err || exit 99
	exit $rc
'
test_expect_code 1 'unsigned where a signature is required: AS2-SIG-MISSING; clear where encryption is: AS2-ENC-MISSING' '
	"$PROBE" send --payload pay.edi --type application/edifact --entity u.eml >/dev/null &&
	"$PROBE" recv --in u.eml --require-signed >out 2>err; rc=$?
	test_grep "error: [AS2-SIG-MISSING]" err || exit 99
	"$PROBE" recv --in s.eml --partner a.pem --require-encrypted >out 2>err && exit 99
	test_grep "error: [AS2-ENC-MISSING]" err || exit 99
	exit $rc
'
test_expect_code 3 'a signed body cut short: AS2-MIME-TRUNCATED' '
	head -c 900 s.eml >t.eml && "$PROBE" recv --in t.eml --partner a.pem >out 2>err; rc=$?
	test_grep "error: [AS2-MIME-TRUNCATED]" err || exit 99
	exit $rc
'
test_expect_code 3 'an encrypted body cut short: AS2-MIME-MALFORMED' '
	"$PROBE" send --payload pay.edi --type application/edifact --encrypt aes128-gcm --partner b.pem --body e.der >/dev/null &&
	head -c 300 e.der >t.der &&
	"$PROBE" recv --in t.der --content-type "application/pkcs7-mime; smime-type=authEnveloped-data" \
		--key b.key --cert b.pem >out 2>err; rc=$?
	test_grep "error: [AS2-MIME-MALFORMED]" err || exit 99
	exit $rc
'
mdn() { "$PROBE" mdn --recipient B --sign sha256 --key b.key --cert b.pem "$@" >/dev/null; }
test_expect_success 'the MDN answering our message verifies (the twin of the forgeries below)' '
	mdn --original-id "<m1@a>" --mic "$MIC" --entity m.eml &&
	"$PROBE" mdn-read --in m.eml --partner b.pem --require-signed --message-id "<m1@a>" --mic "$MIC" >out &&
	test_grep "processed: 1" out
'
test_expect_code 1 'an MDN for another Message-ID: AS2-MDN-MSGID' '
	mdn --original-id "<m2@a>" --mic "$MIC" --entity m2.eml &&
	"$PROBE" mdn-read --in m2.eml --partner b.pem --message-id "<m1@a>" --mic "$MIC" >out 2>err; rc=$?
	test_grep "error: [AS2-MDN-MSGID]" err || exit 99
	exit $rc
'
test_expect_code 1 'an MDN with a wrong MIC, and with the right digest under another algorithm: AS2-MDN-MIC' '
	mdn --original-id "<m1@a>" --mic "AAAA${MIC#????}" --entity m3.eml &&
	"$PROBE" mdn-read --in m3.eml --partner b.pem --message-id "<m1@a>" --mic "$MIC" >out 2>err; rc=$?
	test_grep "error: [AS2-MDN-MIC]" err || exit 99
	mdn --original-id "<m1@a>" --mic "${MIC%, sha-256}, sha-384" --entity m4.eml &&
	"$PROBE" mdn-read --in m4.eml --partner b.pem --message-id "<m1@a>" --mic "$MIC" >out 2>err && exit 99
	test_grep "error: [AS2-MDN-MIC]" err || exit 99
	exit $rc
'
test_expect_code 1 'an unsigned MDN where a signed one was asked: AS2-MDN-UNSIGNED' '
	"$PROBE" mdn --recipient B --original-id "<m1@a>" --mic "$MIC" --entity u.eml >/dev/null &&
	"$PROBE" mdn-read --in u.eml --partner b.pem --require-signed --message-id "<m1@a>" --mic "$MIC" >out 2>err; rc=$?
	test_grep "error: [AS2-MDN-UNSIGNED]" err && test_grep "signed: 0" out || exit 99
	"$PROBE" mdn-read --in u.eml --message-id "<m1@a>" --mic "$MIC" >out 2>err || exit 99
	exit $rc
'
test_expect_code 1 'an MDN signed by another key: AS2-SIG-SIGNER' '
	"$PROBE" mdn --recipient B --original-id "<m1@a>" --mic "$MIC" --sign sha256 --key c.key --cert c.pem --entity c.eml >/dev/null &&
	"$PROBE" mdn-read --in c.eml --partner b.pem --message-id "<m1@a>" --mic "$MIC" >out 2>err; rc=$?
	test_grep "error: [AS2-SIG-SIGNER]" err || exit 99
	exit $rc
'
test_expect_code 1 'an MDN saying processed/error: AS2-MDN-ERROR with the partner reason' '
	mdn --original-id "<m1@a>" --error "decryption-failed" --entity e.eml &&
	"$PROBE" mdn-read --in e.eml --partner b.pem --message-id "<m1@a>" >out 2>err; rc=$?
	test_grep "error: [AS2-MDN-ERROR] the partner reports error: decryption-failed" err && test_grep "processed: 0" out || exit 99
	exit $rc
'
test_expect_success 'an MDN saying processed/warning: processed, AS2-MDN-WARNING' '
	printf "Content-Type: multipart/report; report-type=disposition-notification; boundary=b\n\n--b\nContent-Type: message/disposition-notification\n\nOriginal-Message-ID: <m1@a>\nDisposition: automatic-action/MDN-sent-automatically; processed/warning: duplicate-document\n--b--\n" >w.eml &&
	"$PROBE" mdn-read --in w.eml --message-id "<m1@a>" >out 2>err &&
	test_grep "warning: [AS2-MDN-WARNING]" err && test_grep "processed: 1" out
'
test_expect_code 3 'an MDN without a disposition-notification part: AS2-MDN-MALFORMED' '
	printf "Content-Type: multipart/report; boundary=b\n\n--b\nContent-Type: text/plain\n\nhello\n--b--\n" >n.eml &&
	"$PROBE" mdn-read --in n.eml >out 2>err; rc=$?
	test_grep "error: [AS2-MDN-MALFORMED]" err || exit 99
	exit $rc
'
test_expect_code 3 'more header fields than TDK_AS2_MAX_HEADERS (64): AS2-LIMIT' '
	{ i=0; while [ $i -lt 70 ]; do echo "X-H$i: v"; i=$((i + 1)); done; printf "Content-Type: text/plain\n\nhi\n"; } >h.eml &&
	"$PROBE" recv --in h.eml >out 2>err; rc=$?
	test_grep "error: [AS2-LIMIT]" err || exit 99
	exit $rc
'
test_expect_code 3 'a layer twice (compressed-data inside compressed-data): AS2-MIME-UNSUPPORTED' '
	"$PROBE" send --payload pay.edi --type application/edifact --compress --body c1 >/dev/null &&
	"$PROBE" send --payload c1 --type "application/pkcs7-mime; smime-type=compressed-data" --compress --entity c2.eml >/dev/null &&
	"$PROBE" recv --in c2.eml >out 2>err; rc=$?
	test_grep "error: [AS2-MIME-UNSUPPORTED]" err || exit 99
	exit $rc
'
test_expect_code 3 'base64 with a byte outside the alphabet, and an unknown transfer encoding: AS2-MIME-ENCODING' '
	printf "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\nSGVsbG8*\n" >b.eml &&
	"$PROBE" recv --in b.eml >out 2>err; rc=$?
	test_grep "error: [AS2-MIME-ENCODING]" err || exit 99
	printf "Content-Type: text/plain\nContent-Transfer-Encoding: x-uue\n\nhi\n" >q.eml &&
	"$PROBE" recv --in q.eml >out 2>err; test $? -eq 3 && test_grep "error: [AS2-MIME-ENCODING]" err || exit 99
	exit $rc
'
test_expect_code 3 'headers that never end, a header line without a colon: AS2-MIME-MALFORMED' '
	printf "Content-Type: text/plain\n" >nh.eml && "$PROBE" recv --in nh.eml >out 2>err; rc=$?
	test_grep "error: [AS2-MIME-MALFORMED]" err || exit 99
	printf "Content-Type: text/plain\nnot a header\n\nhi\n" >nc.eml && "$PROBE" recv --in nc.eml >out 2>err
	test $? -eq 3 && test_grep "error: [AS2-MIME-MALFORMED]" err || exit 99
	exit $rc
'
test_expect_code 2 'an unknown MIC algorithm or cipher when sending: AS2-ALG' '
	"$PROBE" send --payload pay.edi --type text/plain --sign md5 --key a.key --cert a.pem >out 2>err; rc=$?
	test_grep "error: [AS2-ALG] unknown mic algorithm md5" err || exit 99
	"$PROBE" send --payload pay.edi --type text/plain --encrypt rc2-40 --partner b.pem >out 2>err; test $? -eq 2 || exit 99
	test_grep "error: [AS2-ALG] unknown cipher rc2-40" err || exit 99
	exit $rc
'
test_done
