#!/bin/sh
# lib/net/as4.h end to end: a UserMessage built from an as4 endpoint with 0,
# 1 and 3 payloads, with and without the AS4 profile's gzip compression,
# serialised (SwA multipart/related; a message without payloads as plain
# application/soap+xml) and read back: the same MessageId, each attachment
# matched to its PartInfo in order, the same bytes and MIME type after
# decompression.  Beside it the malformed twins: the body cut short, a
# Content-Type that does not match the body, a root part that is no SOAP
# envelope, a part whose Content-ID no PartInfo names, a compression bomb
# stopped at the bound (AS4-DECOMPRESS, EBMS:0303), a given MessageId kept.
# Through tests/gen/as4-probe.
. "$(dirname "$0")/lib.sh"

PROBE=$REPO/$TDK_BUILD/tests/gen/as4-probe
skip_all() { test_skip 'AS4 round trip' "$1"; test_done; }
[ -x "$PROBE" ] || skip_all "needs $TDK_BUILD/tests/gen/as4-probe (make $TDK_BUILD/tests/gen/as4-probe)"
export PROBE

as4_endpoints a.p12 b.pem
printf '<Declaration xmlns="urn:wco:datamodel:WCO:DEC-DMS:2"><FunctionCode>9</FunctionCode></Declaration>\n' >p1
awk 'BEGIN { for (i = 0; i < 3000; i++) printf "%c", (i * 7 + 3) % 256 }' >p2
printf 'UNB+UNOC:3+A+B+260101:1200+1\047\r\n--not-a-boundary\r\nUNZ+1+1\047\n' >p3

# roundtrip N [-z]: builds with the first N payloads, reads back, compares.
roundtrip() {
	n=$1; shift
	set -- "$@" p1=application/xml p2=application/octet-stream p3=application/edifact
	args=$(echo "$@" | cut -d" " -f1-$((n + ${z:-0})))
	rm -rf got && mkdir got &&
	id=$("$PROBE" build endpoints ap body ct $args) &&
	"$PROBE" read @ct body -x -o got >out 2>err && test ! -s err &&
	test_grep "message-id: $id" out &&
	test "$(grep -c "^attachment:" out)" -eq "$n" &&
	i=1 && while [ $i -le "$n" ]; do
		cmp "p$i" "got/$i" || return 1
		i=$((i + 1))
	done
}

for n in 0 1 3; do
	test_expect_success "$n payloads: the same bytes back" "roundtrip $n"
	test_expect_success "$n payloads, gzip: the same bytes back after decompression" "z=1 roundtrip $n -z"
done
test_expect_success 'a message without payloads is application/soap+xml, one with is SwA' '
	"$PROBE" build endpoints ap b0 c0 >/dev/null && grep -q "^application/soap+xml" c0 &&
	"$PROBE" build endpoints ap b1 c1 p1=application/xml >/dev/null &&
	grep -q "^multipart/related; boundary=.*; type=\"application/soap+xml\"; start=\"<" c1
'
test_expect_success 'the types after decompression are the MimeType part properties' '
	"$PROBE" build endpoints ap body ct -z p1=application/xml p3=application/edifact >/dev/null &&
	"$PROBE" read @ct body >before && "$PROBE" read @ct body -x >after &&
	test "$(grep -c " gzip application/" before)" -eq 2 &&
	grep -q "^attachment: 1 [^ ]* application/xml [0-9]*$" after &&
	grep -q "^attachment: 2 [^ ]* application/edifact [0-9]*$" after
'
test_expect_success 'a MessageId given is kept' '
	"$PROBE" build endpoints ap body ct -i "m-42@broker.example" p1=application/xml >id &&
	test "$(cat id)" = m-42@broker.example && "$PROBE" read @ct body | grep -q "^message-id: m-42@broker.example$"
'
test_expect_code 1 'a compression bomb stops at the bound: AS4-DECOMPRESS, EBMS:0303' '
	head -c 4194304 /dev/zero >zeros &&
	"$PROBE" build endpoints ap body ct -z zeros=application/octet-stream >/dev/null &&
	test "$(wc -c <body)" -lt 20000 || exit 99
	"$PROBE" read @ct body -x -m 1048576 >out 2>err; rc=$?
	test_grep "error: [AS4-DECOMPRESS] EBMS:0303 DecompressionFailure" err && test_grep "past 1048576 bytes" err || exit 99
	exit $rc
'
test_expect_code 1 'twin: the body cut short is AS4-MIME, EBMS:0007' '
	"$PROBE" build endpoints ap body ct p1=application/xml >/dev/null &&
	head -c 900 body >cut &&
	"$PROBE" read @ct cut >out 2>err; rc=$?
	test_grep "error: [AS4-MIME] EBMS:0007 MimeInconsistency" err || exit 99
	exit $rc
'
test_expect_code 1 'twin: a Content-Type that is not the body'\''s is AS4-MIME' '
	"$PROBE" read "multipart/related; boundary=nothere" body >out 2>err; rc=$?
	test_grep "[AS4-MIME]" err || exit 99
	exit $rc
'
test_expect_code 1 'twin: a root part that is no SOAP envelope is AS4-MIME' '
	sed "1,/^Content-Type: application\/soap+xml/s|^Content-Type: application/soap+xml.*|Content-Type: text/plain\r|" body >t &&
	"$PROBE" read @ct t >out 2>err; rc=$?
	test_grep "not a SOAP envelope" err || exit 99
	exit $rc
'
test_expect_code 1 'twin: a part no PartInfo names is AS4-EXTRA-PART, EBMS:0011' '
	"$PROBE" build endpoints ap body ct p1=application/xml >/dev/null &&
	awk '\''/^Content-ID: </ && ++k == 2 { sub(/</, "<x") } { print }'\'' body >t && ! cmp -s body t &&
	"$PROBE" read @ct t >out 2>err; rc=$?
	test_grep "error: [AS4-MISSING-PART] EBMS:0011 ExternalPayloadError" err &&
	test_grep "error: [AS4-EXTRA-PART] EBMS:0011 ExternalPayloadError" err || exit 99
	exit $rc
'
test_expect_code 2 'a payload type with a line break is refused before anything is built: EBMS-SETTING' '
	"$PROBE" build endpoints ap body2 ct2 "p1=text/plain
X-Injected: 1" >out 2>err; rc=$?
	test_grep "error: [EBMS-SETTING] payload '\''p1'\'' has a MIME type with a line break" err && test ! -e body2 || exit 99
	exit $rc
'
test_expect_code 1 'twin: an undeclared namespace prefix in the header is AS4-ENVELOPE, EBMS:0009' '
	"$PROBE" build endpoints ap body ct p1=application/xml >/dev/null &&
	sed "s|S12:mustUnderstand|S13:mustUnderstand|" body >t && ! cmp -s body t &&
	"$PROBE" read @ct t >out 2>err; rc=$?
	test_grep "[EBMS-XML] Namespace prefix S13" err &&
	test_grep "error: [AS4-ENVELOPE] EBMS:0009 InvalidHeader" err || exit 99
	exit $rc
'
test_expect_code 1 'twin: a SOAP envelope whose base64 does not decode is AS4-MIME, EBMS:0007' '
	printf "Content-Type: application/soap+xml\r\nContent-Transfer-Encoding: base64\r\n\r\nH" >t &&
	"$PROBE" read - t >out 2>err; rc=$?
	test_grep "[MIME-BASE64]" err &&
	test_grep "error: [AS4-MIME] EBMS:0007 MimeInconsistency: the SOAP envelope cannot be decoded" err || exit 99
	exit $rc
'
test_expect_code 1 'twin: so is a root part whose base64 does not decode' '
	"$PROBE" build endpoints ap body ct p1=application/xml >/dev/null &&
	awk '\''/^Content-Type: application\/soap\+xml/ && !k++ { print; print "Content-Transfer-Encoding: base64\r"; next } { print }'\'' body >t &&
	! cmp -s body t && "$PROBE" read @ct t >out 2>err; rc=$?
	test_grep "error: [AS4-MIME] EBMS:0007 MimeInconsistency: the SOAP envelope cannot be decoded" err || exit 99
	exit $rc
'
test_expect_code 1 'twin: not a MIME message at all' '
	printf "<a/>" >t && "$PROBE" read application/pdf t >out 2>err; rc=$?
	test_grep "[AS4-MIME]" err || exit 99
	exit $rc
'
test_done
