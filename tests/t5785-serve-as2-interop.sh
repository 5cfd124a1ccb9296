#!/bin/sh
# tdk serve's AS2 receiver (POST /as2) with a sender tdk did not write: npm
# libas2 (pinned in tests/peers/package.json) driven by tests/peers/as2-send.js
# sends signed, and signed and encrypted (aes256-CBC), messages asking for
# a signed MDN, checks the MDN's signature with tdk serve's certificate and
# its MIC against the one libas2 computed over what it signed.  The
# payload lands in the state database byte for byte, once per Message-ID;
# a message signed by a key that is not the partner's gets
# authentication-failed, one encrypted for another key decryption-failed,
# and neither stores anything.
#
# libas2 0.8.2's quirks, worked around in as2-send.js and not in tdk:
# - it signs with the algorithm of the certificate's public key
#   (rsaEncryption), which the pkijs it installs maps to RSAES-PKCS1-v1_5
#   and cannot sign with: as2-send.js has it sign as sha256WithRSAEncryption;
# - it sends an enveloped body base64-encoded under an HTTP
#   Content-Transfer-Encoding header (RFC 4130 section 5.2 says the body is
#   binary), which tdk serve honours;
# - it cannot compress (RFC 5402): no compressed message is sent here (tdk's
#   own compressed bodies are read in t5701).
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"
. "$REPO/tests/pki.sh"

npm_peers 'AS2 interop with libas2'
make_pki >/dev/null 2>&1 || { test_skip 'AS2 interop with libas2' 'openssl could not make the test PKI'; test_done; exit 0; }
cp "$REPO/tests/peers/as2-send.js" .
printf "UNA:+.? 'UNB+UNOC:3+ACME+TDK+261202:1200+1'\r\nUNH+1+ORDERS:D:96A:UN'\r\n\000\377 binary\r\nUNZ+1+1'\r\n" >order.edi
serve_start --as2-key other.key --as2-cert other.pem --as2-id TDK --partner ACME=rsa.pem \
	--access-log "$TRASH/access.log" || { test_expect_success 'tdk serve starts with an AS2 key' false; test_done; exit; }

# send MODE KEY CERT [MESSAGE-ID]: libas2 sends order.edi as ACME to TDK; its findings in out.
send() {
	node as2-send.js "$URL/as2" "$1" ACME TDK order.edi "$2" "$3" other.pem $4 >out 2>err
}
rows() {
	sqlite3 "$TRASH/serve.db" "select count(*) from as2_messages"
}

test_expect_success 'signed: libas2 verifies the signed MDN, processed, and its MIC is the one libas2 computed' '
	send signed rsa.key rsa.pem "<interop-1@acme>" &&
	test_grep "status=200" out && test_grep "mdn-signature=verified" out &&
	grep -qx "disposition=processed" out && test_grep "mic=match" out &&
	test_grep "original-message-id=<interop-1@acme>" out
'
test_expect_success 'the payload is stored byte for byte, with its SHA-256 and the sender' '
	sqlite3 "$TRASH/serve.db" "select writefile(\"got\", payload) from as2_messages where message_id=\"<interop-1@acme>\"" >/dev/null &&
	cmp got order.edi &&
	test "$(sqlite3 "$TRASH/serve.db" "select as2_from, sha256 from as2_messages")" = \
		"ACME|$(sha256sum order.edi | cut -c1-64)"
'
test_expect_success 'signed and encrypted for tdk serve: processed, the MIC matches, stored' '
	send signed-encrypted rsa.key rsa.pem "<interop-2@acme>" &&
	test_grep "mdn-signature=verified" out && grep -qx "disposition=processed" out && test_grep "mic=match" out &&
	sqlite3 "$TRASH/serve.db" "select writefile(\"got2\", payload) from as2_messages where message_id=\"<interop-2@acme>\"" >/dev/null &&
	cmp got2 order.edi && test "$(rows)" = 2
'
test_expect_success 'a replay of a Message-ID: the stored MDN again (libas2 verifies it), nothing new stored' '
	sqlite3 "$TRASH/serve.db" "select writefile(\"mdn1\", mdn) from as2_messages where message_id=\"<interop-1@acme>\"" >/dev/null &&
	send signed rsa.key rsa.pem "<interop-1@acme>" &&
	grep -qx "disposition=processed" out && test_grep "mic=match" out && test "$(rows)" = 2 &&
	sqlite3 "$TRASH/serve.db" "select writefile(\"mdn2\", mdn) from as2_messages where message_id=\"<interop-1@acme>\"" >/dev/null &&
	cmp mdn1 mdn2
'
test_expect_success 'signed by a key that is not the partner'"'"'s: authentication-failed, read by libas2, nothing stored' '
	send signed rogue.key rogue.pem "<interop-3@acme>" &&
	test_grep "mdn-signature=verified" out &&
	test_grep "disposition=processed/error: authentication-failed" out && test_grep "mic=none" out &&
	test "$(rows)" = 2 && tail -n 1 "$TRASH/access.log" | grep -q "\"code\":\"AS2-SIG-"
'
test_expect_success 'encrypted for another key: decryption-failed, nothing stored' '
	send signed-encrypted-to=rsa.pem rsa.key rsa.pem "<interop-4@acme>" &&
	test_grep "mdn-signature=verified" out && test_grep "disposition=processed/error: decryption-failed" out &&
	test "$(rows)" = 2 && tail -n 1 "$TRASH/access.log" | grep -q "\"code\":\"AS2-DECRYPT\""
'
test_done
