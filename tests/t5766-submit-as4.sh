#!/bin/sh
# tdk submit over profile as4, end to end against tdk serve's AS4 receiver
# (POST /as4): signed and encrypted (the defaults), signed only, with and
# without compression, a dossier and an EDIFACT file with their MIME types;
# each payload stored byte for byte on the server, the journal accepted
# with the Receipt's eb:MessageId and the Receipt as its body.  Beside them
# the refusals: a key the receiver does not trust gets a signed Error
# signal (rejected, exit 1, EBMS:0101); a partner-cert that is not the
# receiver's makes its Receipt untrusted (exit 5, unknown).  Keys from
# tests/pki.sh: rsa for the sender (party a), other for the receiver (b).
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"
. "$REPO/tests/pki.sh"

command -v sqlite3 >/dev/null || { test_skip 'tdk submit over as4' 'needs sqlite3'; test_done; exit 0; }
make_pki >/dev/null 2>&1 || { test_skip 'tdk submit over as4' 'openssl could not make the test PKI'; test_done; exit 0; }
cat rsa.key rsa.pem >a.pem && cat rogue.key rogue.pem >r.pem

serve_start --as4-key other.key --as4-cert other.pem --as4-party urn:example:party:b \
	--partner urn:example:party:a=rsa.pem ||
	{ test_expect_success 'tdk serve starts with an AS4 key' false; test_done; exit; }

# ep NAME [setting ...]: an as4 endpoint NAME to the server, from party a.
ep() {
	n=$1; shift
	printf '[%s]\nprofile = as4\nurl = %s/as4\nfrom-party = urn:example:party:a\n' "$n" "$URL"
	printf 'to-party = urn:example:party:b\nservice = urn:example:service\naction = Submit\n'
	printf 'key = %s\npartner-cert = %s\nretries = 1\n' "${K:-a.pem}" "${C:-other.pem}"
	for s in "$@"; do printf '%s\n' "$s"; done
}
{ ep both; ep plain "encrypt = no" "compress = no"; ep zonly "encrypt = no"; ep eonly "compress = no"
  K=r.pem ep rogue; C=rogue.pem ep wrongcert "encrypt = no"; } >endpoints
sub() {
	tdk submit --endpoints endpoints --journal "$TRASH/j.db" --no-validate "$@"
}
# stored FILE: the server holds FILE's bytes once, with its type.
stored() {
	h=$(sha256sum "$1" | cut -d" " -f1)
	test "$(sqlite3 "$TRASH/serve.db" "select count(*) from as4_payloads where sha256 = '$h'")" = 1 &&
	sqlite3 "$TRASH/serve.db" "select writefile('got', bytes), mime_type from as4_payloads where sha256 = '$h'" >type &&
	cmp "$1" got
}
jshow() {
	tdk journal --journal "$TRASH/j.db" show "$(sha256sum "$1" | cut -d" " -f1)"
}

i=0
for e in both plain zonly eonly; do
	i=$((i + 1))
	sed "s/REF-1/REF-$i/" doc.xml >"d$e.xml"
	test_expect_success "endpoint $e: accepted, stored byte for byte, the receipt journaled" "
		sub -e $e d$e.xml >out 2>err && test_grep 'accepted, message ' out &&
		stored d$e.xml && test_grep 'application/xml' type &&
		jshow d$e.xml >js && test_grep 'state accepted' js && test_grep '@tdk-serve' js &&
		id=\$(sed -n 's/^message //p' js) && test -n \"\$id\" &&
		test \"\$(sqlite3 \"\$TRASH/serve.db\" \"select count(*) from as4_messages where message_id = '\$id'\")\" = 1
	"
done
test_expect_success 'the journal keeps the signed Receipt as the answer body' '
	tdk journal --journal "$TRASH/j.db" --format json show "$(sha256sum dboth.xml | cut -d" " -f1)" >jj &&
	test_grep "NonRepudiationInformation" jj && test_grep "Signature" jj
'
test_expect_success 'EDIFACT travels as application/EDIFACT, a dossier as application/vnd.etsi.asic-e+zip' '
	printf "UNB+UNOC:3+A+B+260101:1200+1\047UNZ+0+1\047\n" >m.edi &&
	sub -e both m.edi >out && stored m.edi && test_grep "application/EDIFACT" type &&
	tdk pack -o d.asice doc.xml && sub -e both d.asice >out && stored d.asice &&
	test_grep "application/vnd.etsi.asic-e+zip" type
'
test_expect_success 'sent again: held by the journal, nothing sent' '
	sub -e both dboth.xml >out 2>err && test_grep "[SUBMIT-HELD]" err &&
	test "$(sqlite3 "$TRASH/serve.db" "select count(*) from as4_payloads")" = 6
'
test_expect_code 1 'a key the receiver does not trust: a signed Error signal, rejected with its EBMS code' '
	sed "s/REF-1/REF-r/" doc.xml >dr.xml && sub -e rogue dr.xml >out 2>err ||
	{ r=$?; test_grep "[AS4-ERROR] EBMS:0101" err && jshow dr.xml >js && test_grep "state rejected" js &&
	  test_grep "EBMS:0101" js && exit $r; exit 99; }
'
test_expect_code 5 'a Receipt that partner-cert does not verify: untrusted, unknown' '
	sed "s/REF-1/REF-w/" doc.xml >dw.xml && sub -e wrongcert dw.xml >out 2>err ||
	{ r=$?; test_grep "[AS4-ANSWER-UNTRUSTED]" err && jshow dw.xml >js && test_grep "state unknown" js &&
	  stored dw.xml && exit $r; exit 99; }
'
serve_stop
test_done
