#!/bin/sh
# tdk submit over profile as2 to tdk serve's AS2 receiver, both sides tdk's:
# signed; signed and encrypted (aes256-cbc, aes128-gcm, des-ede3-cbc);
# compressed; an MDN signed-sync, unsigned-sync or none.  Each time the
# payload is stored byte for byte in serve's as2_messages under the
# Message-ID of the journal's row, and the journal's answer holds the MDN
# serve stored (the same bytes).  Beside them the forgeries: a server
# signing with another key than partner-cert (its MDN does not verify:
# unknown, exit 5) and a server that does not trust our certificate (an
# MDN saying authentication-failed: rejected, exit 1).
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"
. "$REPO/tests/pki.sh"

command -v sqlite3 >/dev/null || { test_skip 'AS2 from tdk submit to tdk serve' 'needs sqlite3'; test_done; exit 0; }
make_pki >/dev/null 2>&1 || { test_skip 'AS2 from tdk submit to tdk serve' 'openssl could not make the test PKI'; test_done; exit 0; }
# ACME (rsa.key) sends to TDK (other.key).
cat rsa.key rsa.pem >acme.pem
serve_start --as2-key other.key --as2-cert other.pem --as2-id TDK --partner ACME=rsa.pem \
	--access-log "$TRASH/access.log" || { test_expect_success 'tdk serve starts with an AS2 key' false; test_done; exit; }
TDK_JOURNAL=$TRASH/j.db TDK_ENDPOINTS=$TRASH/ep
export TDK_JOURNAL TDK_ENDPOINTS

# ep NAME [URL [KEY=VALUE ...]]: an as2 endpoint from ACME to TDK appended to ep (partner-cert $PCERT).
ep() {
	printf '[%s]\nprofile = as2\nurl = %s/as2\nas2-from = ACME\nas2-to = TDK\nkey = acme.pem\npartner-cert = other.pem\n' \
		"$1" "${2:-$URL}" | sed "s/other.pem/${PCERT:-other.pem}/" >>"$TRASH/ep"
	[ $# -gt 2 ] && shift 2 && printf '%s\n' "$@" >>"$TRASH/ep"
	return 0
}
# send NAME FILE: FILE (an EDIFACT interchange of its own) made and sent to NAME.
send() {
	printf "UNB+UNOC:3+ACME+TDK+261202:1200+%s'\r\nUNH+1+INVOIC:D:96A:UN'\r\nUNT+2+1'\r\nUNZ+1+%s'\r\n" "$2" "$2" >"$2" &&
	tdk submit -e "$1" "$2" >"$2.out" 2>"$2.err"
}
# The journal's last row of FILE, as JSON.
last() {
	tdk journal export | grep "\"name\":\"$1\"" | tail -n 1
}
field() {
	sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p"
}
# stored FILE: serve holds FILE byte for byte under the journal's Message-ID, its MDN the journal's answer body.
stored() {
	id=$(last "$1" | field message_id) && test -n "$id" &&
	sqlite3 "$TRASH/serve.db" "select writefile('got.$1', payload), writefile('mdn.$1', mdn) from as2_messages where message_id = '$id'" >/dev/null &&
	cmp "$1" "got.$1" && test "$(sqlite3 "$TRASH/serve.db" "select count(*) from as2_messages where sha256 = '$(sha256sum <"$1" | cut -c1-64)'")" = 1
}
mdn_same() {
	test "$(last "$1" | field body_sha256)" = "$(sha256sum <"mdn.$1" | cut -c1-64)"
}

ep signed "$URL" 'mdn = signed-sync'
test_expect_success 'signed, a signed MDN: accepted, stored byte for byte, the MDN in the journal' '
	send signed s1.edi && test_grep "s1.edi: accepted, message <" s1.edi.out &&
	last s1.edi | grep -q "\"state\":\"accepted\"" && last s1.edi | grep -q "\"outcome\":\"accepted\"" &&
	last s1.edi | field detail | grep -q "; processed$" &&
	stored s1.edi && mdn_same s1.edi && grep -q "pkcs7-signature" mdn.s1.edi &&
	test "$(last s1.edi | field receipt_id)" != "" &&
	test "$(last s1.edi | field conversation_id)" = "$(last s1.edi | field message_id)"
'
for c in aes256-cbc aes128-gcm des-ede3-cbc; do
	ep "enc-$c" "$URL" "encrypt = $c"
	test_expect_success "signed and encrypted ($c): accepted, stored byte for byte" "
		send enc-$c e-$c.edi && test_grep 'e-$c.edi: accepted' e-$c.edi.out && stored e-$c.edi && mdn_same e-$c.edi
	"
done
PCERT=rogue.pem ep wrongkey "$URL" 'encrypt = aes256-cbc'
test_expect_code 5 'encrypted for another key than the server'"'"'s: it cannot decrypt (AS2-DECRYPT), stores nothing' '
	send wrongkey w1.edi; rc=$?
	tail -n 1 "$TRASH/access.log" | grep -q "\"code\":\"AS2-DECRYPT\"" &&
	test "$(sqlite3 "$TRASH/serve.db" "select count(*) from as2_messages")" = 4 || exit 99
	exit $rc
'
ep zip "$URL" 'compress = yes' 'encrypt = aes256-cbc' 'sign = sha512'
test_expect_success 'compressed, signed with sha512 and encrypted: accepted, stored byte for byte' '
	send zip z1.edi && test_grep "z1.edi: accepted" z1.edi.out && stored z1.edi && mdn_same z1.edi
'
ep unsigned "$URL" 'mdn = unsigned-sync'
test_expect_success 'mdn = unsigned-sync: an unsigned MDN, accepted with it' '
	send unsigned u1.edi && test_grep "u1.edi: accepted" u1.edi.out && stored u1.edi && mdn_same u1.edi &&
	! grep -q "pkcs7-signature" mdn.u1.edi && grep -q "; processed" mdn.u1.edi
'
ep none "$URL" 'mdn = none'
test_expect_success 'mdn = none: accepted with no MDN, serve stored none' '
	send none n1.edi && test_grep "n1.edi: accepted" n1.edi.out && stored n1.edi && test ! -s mdn.n1.edi &&
	test "$(last n1.edi | field detail)" = "no mdn asked for"
'
test_expect_success 'each message once in serve, each under the Message-ID of its journal row' '
	tdk journal list | cut -f6 | sort >j && sqlite3 "$TRASH/serve.db" "select message_id from as2_messages" | sort >s &&
	grep -v "$(last w1.edi | field message_id)" j >j2 && test_cmp j2 s && test "$(wc -l <s)" = 7
'
serve_stop

# A server with the rogue key, which partner-cert (other.pem) does not certify.
serve_start --as2-key rogue.key --as2-cert rogue.pem --as2-id TDK --partner ACME=rsa.pem
ep forged "$URL"
test_expect_code 5 'an MDN signed with another key than partner-cert: unknown, exit 5, never taken' '
	send forged f1.edi; rc=$?
	test_grep "error: [SUBMIT-AS2-MDN-UNTRUSTED]" f1.edi.err && grep -q "error: \[AS2-SIG-" f1.edi.err &&
	test_grep "f1.edi: unknown" f1.edi.out && last f1.edi | grep -q "\"state\":\"unknown\"" &&
	tdk journal list --unknown | grep -q "	f1.edi$" || exit 99
	exit $rc
'
serve_stop

# A server that takes ACME's messages as signed by the rogue certificate: ours do not verify.
serve_start --as2-key other.key --as2-cert other.pem --as2-id TDK --partner ACME=rogue.pem
ep distrust "$URL"
test_expect_code 1 'a server that does not trust our certificate: an authentication-failed MDN, rejected, exit 1' '
	send distrust d1.edi; rc=$?
	test_grep "error: [AS2-MDN-ERROR]" d1.edi.err && test_grep "authentication-failed" d1.edi.err &&
	test_grep "d1.edi: rejected" d1.edi.out && last d1.edi | grep -q "\"state\":\"rejected\"" &&
	test "$(sqlite3 "$TRASH/serve.db" "select count(*) from as2_messages where message_id = '"'"'$(last d1.edi | field message_id)'"'"'")" = 0 ||
		exit 99
	exit $rc
'
test_expect_success 'tdk journal verify passes' 'tdk journal verify >out'
test_done
