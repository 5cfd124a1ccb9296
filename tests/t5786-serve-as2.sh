#!/bin/sh
# tdk serve's AS2 routes with openssl(1) and curl(1) as the partner: the
# header checks of POST /as2 (each a 4xx with its code in the access log),
# a message that is not signed (insufficient-message-security), one with
# no MDN asked, the MDN signed when asked and verified by openssl, the
# MIC of the algorithm asked; asynchronous MDNs refused without
# --as2-async-to, and with it POSTed to a second tdk serve whose POST
# /as2/mdn records them into a journal (processed, final) while a forged MDN
# is recorded nowhere; the AS2 options' usage errors and a server without
# --as2-key (503); the drop fault, whose retry is a replay.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"
. "$REPO/tests/pki.sh"

FILL=$REPO/$TDK_BUILD/tests/gen/journal-fill
[ -x "$FILL" ] || { test_skip 'AS2 routes of tdk serve' "needs $TDK_BUILD/tests/gen/journal-fill"; test_done; exit 0; }
make_pki >/dev/null 2>&1 || { test_skip 'AS2 routes of tdk serve' 'openssl could not make the test PKI'; test_done; exit 0; }
printf "UNB+UNOC:3+ACME+TDK+261202:1200+1'\r\nUNZ+1+1'\r\n" >order.edi

# smime KEY CERT: order.edi as an entity signed by KEY (S/MIME, sha-256) into body, its type into ctype.
smime() {
	{ printf 'Content-Type: application/edifact\r\n\r\n'; cat order.edi; } >entity &&
	openssl cms -sign -md sha256 -binary -crlfeol -signer "$2" -inkey "$1" -in entity >smime &&
	awk 'body; /^\r?$/ { body = 1 }' smime >body && grep -m1 '^Content-Type:' smime | tr -d '\r' >ctype
}
# as2 MESSAGE-ID [curl option ...]: POSTs body to $URL/as2 as $FROM (ACME) to $TO (TDK) with
# AS2-Version $V (1.2); the status in code, the MDN in mdn.
as2() {
	id=$1
	shift
	$CURL -o mdn -D hdrs -w '%{http_code}' -H "AS2-Version: ${V-1.2}" -H "AS2-From: ${FROM-ACME}" -H "AS2-To: ${TO-TDK}" \
		-H "Message-ID: $id" -H "$(cat ctype)" "$@" --data-binary @body "$URL/as2" >code
}
last_code() {
	tail -n 1 "$TRASH/access.log" | sed -n 's/.*"code":"\([A-Z0-9-]*\)".*/\1/p'
}
rows() {
	sqlite3 "$TRASH/serve.db" "select count(*) from as2_messages"
}

test_expect_code 2 'the AS2 options without --as2-key: usage' '
	tdk serve --state s.db --clients "$TRASH/clients" --as2-id TDK
'
test_expect_code 2 '--as2-key without a partner: usage' '
	tdk serve --state s.db --clients "$TRASH/clients" --as2-key other.key --as2-cert other.pem --as2-id TDK
'
test_expect_code 2 'a partner that is not ID=FILE: usage' '
	tdk serve --state s.db --clients "$TRASH/clients" --as2-key other.key --as2-cert other.pem --as2-id TDK \
		--partner rsa.pem
'
test_expect_code 3 'a partner certificate that is none: exit 3' '
	tdk serve --state s.db --clients "$TRASH/clients" --as2-key other.key --as2-cert other.pem --as2-id TDK \
		--partner ACME=order.edi
'
test_expect_success 'a server without --as2-key: /as2 and /as2/mdn answer 503' '
	serve_start --access-log "$TRASH/access.log" && smime rsa.key rsa.pem && as2 "<m0@acme>" &&
	test "$(cat code)" = 503 && test "$(last_code)" = SERVE-AS2-OFF &&
	test "$($CURL -o /dev/null -w "%{http_code}" -d x "$URL/as2/mdn")" = 503 && serve_stop
'
serve_start --as2-key other.key --as2-cert other.pem --as2-id TDK --partner ACME=rsa.pem --faults \
	--access-log "$TRASH/access.log" || { test_expect_success 'tdk serve starts with an AS2 key' false; test_done; exit; }

test_expect_success 'the header checks: version, AS2-To, AS2-From, Message-ID, method' '
	smime rsa.key rsa.pem &&
	V=2.0 as2 "<h1@acme>" && test "$(cat code) $(last_code)" = "400 SERVE-AS2-VERSION" &&
	TO=SOMEONE as2 "<h1@acme>" && test "$(cat code) $(last_code)" = "404 SERVE-AS2-TO" &&
	FROM=EVIL as2 "<h1@acme>" && test "$(cat code) $(last_code)" = "403 SERVE-AS2-FROM" &&
	as2 "" && test "$(cat code) $(last_code)" = "400 SERVE-AS2-MSGID" &&
	test "$($CURL -o /dev/null -w "%{http_code}" "$URL/as2")" = 405 && test "$(rows)" = 0
'
test_expect_success 'signed, no MDN asked: 200 with no body, stored' '
	as2 "<n1@acme>" && test "$(cat code)" = 200 && test ! -s mdn && test "$(rows)" = 1
'
test_expect_success 'a wrong signature, no MDN asked: 400, the code in the log, nothing stored' '
	smime rogue.key rogue.pem && as2 "<n2@acme>" && test "$(cat code)" = 400 &&
	last_code | grep -q "^AS2-SIG-" && test "$(rows)" = 1
'
test_expect_success 'a signed MDN asked with sha-384: openssl verifies it with our certificate, MIC sha-384' '
	smime rsa.key rsa.pem &&
	as2 "<s1@acme>" -H "Disposition-Notification-To: edi@acme.example" \
		-H "Disposition-Notification-Options: signed-receipt-protocol=required, pkcs7-signature; signed-receipt-micalg=required, sha-384, sha-256" &&
	test "$(cat code)" = 200 && grep -qi "^AS2-From: TDK" hdrs && grep -qi "^AS2-To: ACME" hdrs &&
	{ grep -i "^Content-Type:" hdrs | tr -d "\r"; printf "\r\n"; cat mdn; } >mdn.eml &&
	openssl cms -verify -in mdn.eml -CAfile ca.pem -purpose any -out report 2>/dev/null &&
	grep -q "Disposition: automatic-action/MDN-sent-automatically; processed" report &&
	mic=$(openssl dgst -sha384 -binary entity | base64 -w0) &&
	grep -q "Received-Content-MIC: $mic, sha-384" report
'
test_expect_success 'not signed, an MDN asked: insufficient-message-security, unsigned MDN, nothing stored' '
	cp entity body && echo "Content-Type: application/edifact" >ctype &&
	as2 "<u1@acme>" -H "Disposition-Notification-To: edi@acme.example" && test "$(cat code)" = 200 &&
	grep -q "processed/error: insufficient-message-security" mdn && ! grep -q "pkcs7-signature" mdn &&
	test "$(last_code)" = AS2-SIG-MISSING && test "$(rows)" = 2
'
test_expect_success 'an asynchronous MDN to a URL no --as2-async-to allows: 403, nothing stored' '
	smime rsa.key rsa.pem &&
	as2 "<a0@acme>" -H "Disposition-Notification-To: edi@acme.example" \
		-H "Receipt-Delivery-Option: http://127.0.0.1:1/as2/mdn" &&
	test "$(cat code) $(last_code)" = "403 SERVE-AS2-ASYNC" && test "$(rows)" = 2
'
test_expect_success 'the drop fault on as2: stored, no answer; the retry gets the stored MDN, nothing stored again' '
	smime rsa.key rsa.pem &&
	! as2 "<d1@acme>" -H "X-Tdk-Fault: as2:drop" -H "Disposition-Notification-To: edi@acme.example" &&
	test "$(rows)" = 3 &&
	as2 "<d1@acme>" -H "Disposition-Notification-To: edi@acme.example" && test "$(cat code)" = 200 &&
	grep -q "Original-Message-ID: <d1@acme>" mdn && grep -q "; processed" mdn && test "$(rows)" = 3 &&
	sqlite3 "$TRASH/serve.db" "select writefile(\"stored\", mdn) from as2_messages where message_id=\"<d1@acme>\"" >/dev/null &&
	cmp stored mdn
'
serve_stop

# ACME's side: a second tdk serve whose /as2/mdn records TDK's MDNs in j.db,
# where ACME's submissions to its endpoint tdk-as2 (the partner whose AS2
# name is TDK) sent the Message-IDs <a1@acme> and <f1@acme>.
printf '%s\n' 'begin tdk-as2 order - as2 <a1@acme>' 'answer mine accepted 200 <a1@acme>' \
	'begin tdk-as2 order2 - as2 <f1@acme>' 'answer mine accepted 200 <f1@acme>' |
	"$FILL" j.db >/dev/null
tdk serve --state acme.db --clients "$TRASH/clients" --port-file acme.port --as2-key rsa.key --as2-cert rsa.pem \
	--as2-id ACME --partner TDK=other.pem --journal j.db --access-log acme.log >acme.out 2>&1 &
acme=$!
trap 'kill $acme 2>/dev/null; serve_kill; rm -rf "$TRASH"' EXIT
i=0
while [ ! -s acme.port ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
A=http://127.0.0.1:$(cat acme.port)
serve_start --as2-key other.key --as2-cert other.pem --as2-id TDK --partner ACME=rsa.pem \
	--as2-async-to "$A/as2/" --access-log "$TRASH/access.log"

test_expect_success 'an allowed asynchronous MDN: 200 with no body at once, the MDN POSTed, recorded final' '
	as2 "<a1@acme>" -H "Disposition-Notification-To: edi@acme.example" \
		-H "Disposition-Notification-Options: signed-receipt-protocol=required, pkcs7-signature; signed-receipt-micalg=required, sha-256" \
		-H "Receipt-Delivery-Option: $A/as2/mdn" &&
	test "$(cat code)" = 200 && test ! -s mdn &&
	test "$(sqlite3 "$TRASH/serve.db" "select count(*) from as2_messages where message_id=\"<a1@acme>\"")" = 1 &&
	i=0 && while ! grep -q "as2/mdn" acme.log && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done &&
	grep -q "\"path\":\"/as2/mdn\",\"status\":200" acme.log &&
	tdk journal --journal j.db list >show &&
	grep -q "^1	tdk-as2	final	processed	.*<a1@acme>" show && grep -q "^4	tdk-as2	accepted	accepted	" show
'
test_expect_success 'a forged MDN on /as2/mdn (signed by another key): 400, its code logged, nothing recorded' '
	tdk journal --journal j.db export >before &&
	"$REPO/$TDK_BUILD/tests/gen/as2-probe" mdn --key rogue.key --cert rogue.pem --original-id "<f1@acme>" --recipient ACME \
		--sign sha256 --entity forged.eml >/dev/null 2>&1 &&
	{ sed -n "/^\r\?$/q;p" forged.eml | grep -i "^Content-Type" | tr -d "\r" >fct; awk "b; /^\r?$/ { b = 1 }" forged.eml >fbody; } &&
	c=$($CURL -o /dev/null -w "%{http_code}" -H "AS2-From: TDK" -H "AS2-To: ACME" -H "$(cat fct)" \
		--data-binary @fbody "$A/as2/mdn") &&
	test "$c" = 400 && tail -n 1 acme.log | grep -q "\"code\":\"AS2-SIG-" &&
	tdk journal --journal j.db export >after && test_cmp before after
'
test_done
