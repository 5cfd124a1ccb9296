#!/bin/sh
# mdn = signed-async end to end, tdk's own two sides: tdk submit (ACME)
# sends to a tdk serve B (TDK) asking for the MDN at mdn-url, the /as2/mdn
# of a tdk serve A that keeps ACME's side and records the MDN into the very
# journal tdk submit wrote (--journal), finding the submission by its
# Message-ID; tdk journal list then shows it final, processed, and tdk
# journal show the Message-ID it was sent with, the MDN's apart.  Beside it:
# an MDN for a Message-ID the journal does not hold is recorded nowhere
# (404), and B answers a message whose mdn-url it does not allow with 403.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"
. "$REPO/tests/pki.sh"

command -v sqlite3 >/dev/null || { test_skip 'asynchronous AS2 MDNs' 'needs sqlite3'; test_done; exit 0; }
make_pki >/dev/null 2>&1 || { test_skip 'asynchronous AS2 MDNs' 'openssl could not make the test PKI'; test_done; exit 0; }
cat rsa.key rsa.pem >acme.pem
TDK_JOURNAL=$TRASH/j.db TDK_ENDPOINTS=$TRASH/ep
export TDK_JOURNAL TDK_ENDPOINTS

# A: ACME's receiver of MDNs, on the journal of tdk submit.
tdk serve --state a.db --clients "$TRASH/clients" --port-file a.port --as2-key rsa.key --as2-cert rsa.pem \
	--as2-id ACME --partner TDK=other.pem --journal "$TDK_JOURNAL" --access-log a.log >a.out 2>&1 &
apid=$!
trap 'kill $apid 2>/dev/null; serve_kill; rm -rf "$TRASH"' EXIT
i=0
while [ ! -s a.port ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
A=http://127.0.0.1:$(cat a.port)
# B: TDK's receiver, which may POST MDNs to A only.
serve_start --as2-key other.key --as2-cert other.pem --as2-id TDK --partner ACME=rsa.pem --as2-async-to "$A/as2/" \
	--access-log "$TRASH/access.log" || { test_expect_success 'tdk serve starts' false; test_done; exit; }
printf '[tdk-as2]\nprofile = as2\nurl = %s/as2\nas2-from = ACME\nas2-to = TDK\nkey = acme.pem\n' "$URL" >ep
printf 'partner-cert = other.pem\nencrypt = aes128-gcm\nmdn = signed-async\nmdn-url = %s/as2/mdn\n' "$A" >>ep
printf "UNB+UNOC:3+ACME+TDK+261202:1200+1'\r\nUNZ+1+1'\r\n" >order.edi

# The payload B stored under Message-ID $1, into file $2.
payload() {
	sqlite3 "$TRASH/serve.db" "select writefile('$2', payload) from as2_messages where message_id = '$1'" >/dev/null
}
# Waits (5 s at most) for A's log to hold $1 MDNs recorded (POST /as2/mdn answered 200).
mdns() {
	i=0
	while [ "$(grep -c '"path":"/as2/mdn","status":200' a.log 2>/dev/null)" -lt "$1" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ "$(grep -c '"path":"/as2/mdn","status":200' a.log)" -ge "$1" ]
}

test_expect_success 'tdk submit: accepted at once, the MDN to come; B stored the order' '
	tdk submit -e tdk-as2 order.edi >out 2>err && test_grep "order.edi: accepted, message <" out &&
	tdk journal show 1 >show && grep -q "	answer	accepted	HTTP 200	.*	the mdn comes later to mdn-url$" show &&
	id=$(sed -n "s/^conversation //p" show) && test -n "$id" &&
	payload "$id" got && cmp got order.edi
'
test_expect_success 'B POSTed the signed MDN to A, which recorded it: final, processed, in the same journal' '
	mdns 1 &&
	tdk journal list >list && grep -q "^1	tdk-as2	final	processed	.*	order.edi$" list &&
	tdk journal show 1 >show && test_grep "state final" show && test_grep "outcome processed" show
'
test_expect_success 'journal show: the message the order went as, the MDN'\''s own Message-ID beside it' '
	tdk journal show 1 >show && id=$(sed -n "s/^message //p" show) && payload "$id" got2 && cmp got2 order.edi &&
	grep -q "^notification <[0-9a-f-]*@tdk-serve>$" show && ! grep -q "^message .*@tdk-serve>$" show &&
	tdk journal show 1 --format json | sed -n 1p | grep -q "\"message_id\":\"$id\""
'
serve_stop
serve_start --listen "127.0.0.1:${URL##*:}" --as2-key other.key --as2-cert other.pem --as2-id TDK --partner ACME=rsa.pem \
	--as2-async-to "$A/as2/" --fault as2:slow=1000 --access-log "$TRASH/access.log"
test_expect_success 'an MDN that overtakes the answer (B answers 1 s late): A says 503, B sends it again, recorded' '
	printf "UNB+UNOC:3+ACME+TDK+261202:1200+3'"'"'\r\nUNZ+1+3'"'"'\r\n" >late.edi &&
	tdk submit -e tdk-as2 late.edi >out 2>err && test_grep "late.edi: accepted" out &&
	grep -q "\"path\":\"/as2/mdn\",\"status\":503.*\"code\":\"SERVE-AS2-SENDING\"" a.log &&
	mdns 2 && tdk journal list >list && grep -q "	tdk-as2	final	processed	.*	late.edi$" list
'
test_expect_success 'sent again (--resend) after the MDN: with the Message-ID it was sent with, not the MDN'\''s' '
	id=$(tdk journal show 1 | sed -n "s/^message //p") &&
	tdk submit --resend -e tdk-as2 order.edi >out 2>err && test_grep "order.edi: accepted, message $id" out &&
	tdk journal export | grep "\"kind\":\"resend\"" | grep -q "\"message_id\":\"$id\"" && mdns 3
'
test_expect_success 'an MDN answering no Message-ID of the journal: 404, recorded nowhere' '
	tdk journal export >before &&
	"$REPO/$TDK_BUILD/tests/gen/as2-probe" mdn --key other.key --cert other.pem --original-id "<none@acme>" \
		--recipient ACME --sign sha256 --entity m.eml >/dev/null 2>&1 &&
	sed -n "/^\r\?$/q;p" m.eml | grep -i "^Content-Type" | tr -d "\r" >ct && awk "b; /^\r?$/ { b = 1 }" m.eml >body &&
	c=$($CURL -o /dev/null -w "%{http_code}" -H "AS2-From: TDK" -H "AS2-To: ACME" -H "$(cat ct)" \
		--data-binary @body "$A/as2/mdn") &&
	test "$c" = 404 && tail -n 1 a.log | grep -q "\"code\":\"SERVE-AS2-UNMATCHED\"" &&
	tdk journal export >after && test_cmp before after
'
test_expect_code 1 'an mdn-url B does not allow: 403, rejected, nothing stored' '
	sed "s|^mdn-url = .*|mdn-url = http://127.0.0.1:1/as2/mdn|; s|^\[tdk-as2\]|[elsewhere]|" ep >>ep &&
	printf "UNB+UNOC:3+ACME+TDK+261202:1200+2'"'"'\r\nUNZ+1+2'"'"'\r\n" >o2.edi &&
	tdk submit -e elsewhere o2.edi >out 2>err; rc=$?
	test_grep "error: [SUBMIT-AS2-REFUSED] the partner answered 403" err &&
	test "$(sqlite3 "$TRASH/serve.db" "select count(*) from as2_messages")" = 2 || exit 99
	exit $rc
'
test_expect_success 'tdk journal verify passes' 'tdk journal verify >out'
test_done
