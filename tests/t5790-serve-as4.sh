#!/bin/sh
# tdk serve's AS4 receiver (POST /as4) with messages built, signed and
# encrypted by the library through tests/gen/as4-probe: signed, signed and
# encrypted, compressed or not, each payload stored byte for byte and
# answered with a Receipt whose non-repudiation information the sender's
# check accepts and whose signature verifies with the receiver's
# certificate; the forgeries, each answered with an ebMS Error signal of its
# code (signed too) and nothing stored; a replay stores nothing and gets the
# stored Receipt; the drop fault stores, answers nothing, and the resend
# gets the stored Receipt; the options' usage errors and 503 without
# --as4-key.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"
. "$REPO/tests/pki.sh"

PROBE=$REPO/$TDK_BUILD/tests/gen/as4-probe
WSS=$REPO/$TDK_BUILD/tests/gen/wss-probe
[ -x "$PROBE" ] && [ -x "$WSS" ] || { test_skip 'AS4 receiver' "needs $TDK_BUILD/tests/gen/as4-probe and wss-probe"; test_done; exit 0; }
command -v sqlite3 >/dev/null || { test_skip 'AS4 receiver' 'needs sqlite3'; test_done; exit 0; }
make_pki >/dev/null 2>&1 || { test_skip 'AS4 receiver' 'openssl could not make the test PKI'; test_done; exit 0; }

# Our party is urn:example:party:b (key other.key), the partner urn:example:party:a (rsa.key).
section() { # NAME FROM TO
	printf '[%s]\nprofile = as4\nurl = http://127.0.0.1/as4\nfrom-party = %s\nto-party = %s\n' "$1" "$2" "$3"
	printf 'service = urn:example:service\naction = Submit\nkey = rsa.key\npartner-cert = other.pem\n'
}
{ section ap urn:example:party:a urn:example:party:b; section elsewhere urn:example:party:a urn:example:party:c
  section stranger urn:example:party:x urn:example:party:b; } >endpoints
printf '<Declaration xmlns="urn:wco:datamodel:WCO:DEC-DMS:2"><FunctionCode>9</FunctionCode></Declaration>\n' >p1
awk 'BEGIN { for (i = 0; i < 3000; i++) printf "%c", (i * 7 + 3) % 256 }' >p2

# msg [EP] [probe option ...]: a message of endpoint EP (ap) with p1 and p2, signed by rsa.key unless -s is given.
msg() {
	ep=ap
	case ${1-} in -*|'') ;; *) ep=$1; shift ;; esac
	case " $* " in *" -s "*) ;; *) set -- -s rsa.key rsa.pem "$@" ;; esac
	"$PROBE" build endpoints "$ep" body ct "$@" p1=application/xml p2=application/octet-stream >id
}
# post: POSTs body with the type in ct; the status in code, the answer in answer.
post() {
	$CURL -o answer -w '%{http_code}' -H "Content-Type: $(cat ct)" "$@" --data-binary @body "$URL/as4" >code
}
rows() {
	sqlite3 "$TRASH/serve.db" "select (select count(*) from as4_messages) || ' ' || (select count(*) from as4_payloads)"
}
last_code() {
	tail -n 1 "$TRASH/access.log" | sed -n 's/.*"code":"\([A-Z0-9-]*\)".*/\1/p'
}
# stored N: payload N of the message in id written to got.N.
stored() {
	sqlite3 "$TRASH/serve.db" "select writefile('got.$1', bytes) from as4_payloads where message_id = '$(cat id)' and seq = $1" >/dev/null
}
# receipt_ok: a signed Receipt for the message sent, its NRI accepted, its signature serve's.
receipt_ok() {
	test "$(cat code)" = 200 && "$PROBE" check answer @ct body "$(cat id)" &&
	"$WSS" --cert other.pem answer | grep -q "^verified"
}
# refused CODE: an Error signal with CODE, signed by serve, and nothing more stored than before.
refused() {
	test "$(cat code)" = 200 && ! "$PROBE" errors answer 2>err && test_grep "EBMS:$1" err &&
	"$WSS" --cert other.pem answer | grep -q "^verified" && test "$(rows)" = "$before"
}

test_expect_code 2 'the AS4 options without --as4-key: usage' '
	tdk serve --state s.db --clients "$TRASH/clients" --as4-party urn:example:party:b
'
test_expect_code 2 '--as4-key without --as4-party: usage' '
	tdk serve --state s.db --clients "$TRASH/clients" --as4-key other.key --as4-cert other.pem \
		--partner urn:example:party:a=rsa.pem
'
test_expect_success 'a server without --as4-key: /as4 answers 503' '
	serve_start --access-log "$TRASH/access.log" && msg && post &&
	test "$(cat code)" = 503 && test "$(last_code)" = SERVE-AS4-OFF && serve_stop
'
serve_start --as4-key other.key --as4-cert other.pem --as4-party urn:example:party:b \
	--partner urn:example:party:a=rsa.pem --faults --access-log "$TRASH/access.log" --max-body 1M ||
	{ test_expect_success 'tdk serve starts with an AS4 key' false; test_done; exit; }

test_expect_success 'signed: stored byte for byte, a signed Receipt whose NRI the sender accepts' '
	msg && post && receipt_ok && test "$(rows)" = "1 2" &&
	stored 1 && stored 2 && cmp p1 got.1 && cmp p2 got.2
'
test_expect_success 'signed and compressed: the payloads stored as sent, decompressed' '
	msg -z && post && receipt_ok && test "$(rows)" = "2 4" && stored 1 && stored 2 && cmp p1 got.1 && cmp p2 got.2
'
test_expect_success 'signed and encrypted: decrypted, stored byte for byte' '
	msg -E other.pem && ! grep -q FunctionCode body && post && receipt_ok && test "$(rows)" = "3 6" &&
	stored 1 && stored 2 && cmp p1 got.1 && cmp p2 got.2
'
test_expect_success 'signed, encrypted and compressed' '
	msg -z -E other.pem && post && receipt_ok && test "$(rows)" = "4 8" &&
	stored 1 && stored 2 && cmp p1 got.1 && cmp p2 got.2
'
test_expect_success 'a replay stores nothing and gets the stored Receipt' '
	cp answer first && before=$(rows) && post && test "$(cat code)" = 200 && cmp first answer &&
	test "$(rows)" = "$before" && test "$(last_code)" = SERVE-AS4-REPLAY
'
test_expect_success 'the MessageId built again with its payloads: a new Receipt; with other payloads: EBMS:0004, nothing stored' '
	before=$(rows) && id=$(cat id) && msg -z -E other.pem -i "$id" && post && receipt_ok &&
	test "$(last_code)" = SERVE-AS4-DUPLICATE && test "$(rows)" = "$before" &&
	cp p1 p1.keep && printf "<Declaration xmlns=\"urn:wco:datamodel:WCO:DEC-DMS:2\"><FunctionCode>1</FunctionCode></Declaration>\n" >p1 &&
	msg -z -E other.pem -i "$id"; cp p1.keep p1 && post && refused 0004 &&
	test "$(last_code)" = SERVE-AS4-CONFLICT && test "$(rows)" = "$before" && stored 1 && cmp p1 got.1
'
before=$(rows)
test_expect_success 'a changed attachment: EBMS:0101, nothing stored' '
	msg && sed "s|<FunctionCode>9<|<FunctionCode>8<|" body >t && ! cmp -s body t && mv t body &&
	post && refused 0101 && test "$(last_code)" = VERIFY-DIGEST &&
	grep -q "refToMessageInError=\"$(cat id)\"" answer
'
test_expect_success 'a changed eb:Messaging: EBMS:0101' '
	msg && sed "s|>Submit<|>Submat<|" body >t && ! cmp -s body t && mv t body && post && refused 0101 &&
	test "$(last_code)" = VERIFY-DIGEST
'
test_expect_success 'a signature that leaves the attachments out: EBMS:0101' '
	msg -a && post && refused 0101 && test "$(last_code)" = WSS-COVERAGE
'
test_expect_success 'a signature covering eb:Messaging alone: EBMS:0101' '
	msg -H && post && refused 0101 && test "$(last_code)" = WSS-COVERAGE
'
test_expect_success 'signed by a key other than the From party'\''s: EBMS:0101' '
	msg -s rogue.key rogue.pem && post && refused 0101
'
test_expect_success 'signed by another certificate the server knows of is no better: EBMS:0101' '
	msg -s other.key other.pem && post && refused 0101
'
test_expect_success 'a message to another party: EBMS:0010' '
	msg elsewhere && post && refused 0010 && test "$(last_code)" = SERVE-AS4-TO
'
test_expect_success 'an unknown From party: EBMS:0010' '
	msg stranger && post && refused 0010 && test "$(last_code)" = SERVE-AS4-FROM
'
test_expect_success 'a ciphertext changed: EBMS:0102' '
	msg -E other.pem && test "$(grep -c "^Content-Type: application/octet-stream" body)" = 2 &&
	perl -0777 -pe '\''s/(.)(\r\n--[^\r\n]*--\r?\n?)\z/chr(ord($1) ^ 1) . $2/se'\'' body >t && ! cmp -s body t &&
	mv t body && post && refused 0102
'
test_expect_success 'a gzip bomb (4 MB of zeros past the bound of --max-body 1M): EBMS:0303' '
	head -c 4194304 /dev/zero >zeros &&
	"$PROBE" build endpoints ap body ct -z -s rsa.key rsa.pem zeros=application/octet-stream >id &&
	post && refused 0303 && test "$(last_code)" = AS4-DECOMPRESS
'
test_expect_success 'not a message at all: an Error signal, nothing stored' '
	printf "<a/>" >body && printf "application/soap+xml" >ct && post && refused 0009 &&
	! grep -q refToMessageInError answer
'
test_expect_success 'GET /as4: 405' '
	test "$($CURL -o /dev/null -w "%{http_code}" "$URL/as4")" = 405
'
test_expect_success 'the drop fault: stored, no answer; the resend gets the stored Receipt, nothing stored again' '
	before=$(rows) && msg && ! post -H "X-Tdk-Fault: as4:drop" && test "$(rows)" != "$before" &&
	after=$(rows) && post && receipt_ok && test "$(rows)" = "$after" && test "$(last_code)" = SERVE-AS4-REPLAY
'
serve_stop
test_expect_success 'tdk serve stopped cleanly' 'test "$SERVE_RC" = 0'
test_done
