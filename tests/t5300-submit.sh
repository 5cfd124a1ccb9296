#!/bin/sh
# tdk submit to tdk serve (profile rest): a valid declaration accepted with
# its conversation id in the journal and the report; an invalid one not
# sent; a 400 from the server as diagnostics at line:col; a document the
# journal holds not sent again (the access log says so) unless --resend;
# a wrong api-version (406, exit 2); a batch with -j 4 sent once each; the
# secret never in the output or the journal.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"

serve_schema
D=$TDK_CORPUS/wco/hmrc-customs-declare-exports/instances/Imports/Accepted/Declaration/TT1_IM_v2.02_Accepted.xml
if [ -f "$D" ]; then
	printf '<uri name="urn:wco:datamodel:WCO:DocumentMetaData-DMS:2" uri="%s"/>\n' \
		"$TDK_CORPUS/wco/hmrc-customs-declare-exports/local-wrappers/submit_wrapper.xsd" >>cat.xml
fi
echo '</catalog>' >>cat.xml
serve_start --catalog "$TRASH/cat.xml" --access-log "$TRASH/access.log" || { echo "Bail out! tdk serve did not start"; exit 1; }
printf 's3cret\n' >secret && chmod 600 secret
endpoints() {
	cat <<EOT
[local]
profile = rest
url = $URL/customs/declarations
api-version = ${1:-3.0}
grant = client-credentials
token-url = $URL/oauth/token
client-id = cli
client-secret-file = secret
scope = write:customs-declaration
badge-id = ABC123
catalog = ${2:-cat.xml}
retries = 2
timeout = 5
EOT
}
endpoints >endpoints
TDK_ENDPOINTS=$TRASH/endpoints TDK_JOURNAL=$TRASH/j.db
export TDK_ENDPOINTS TDK_JOURNAL
posts() { grep -c '"path":"/customs/declarations"' "$TRASH/access.log"; }
lrn G001
lrn C002

test_expect_success 'a valid declaration: 202, its conversation id in the report and the journal' '
	tdk submit -e local G001.xml >out 2>err &&
	conv=$(sed -n "s/^G001.xml: accepted, conversation \([0-9a-f-]\{36\}\)$/\1/p" out) && test -n "$conv" &&
	tdk journal list --format json >list &&
	test_grep "\"lrn\":\"G001\",\"state\":\"accepted\",\"conversation_id\":\"$conv\"" list &&
	test "$(posts)" -eq 1
'
if [ -f "$D" ]; then
	test_expect_success 'corpus: a CDS import declaration (TT1) validated against the corpus schemas and accepted, its LRN journaled' '
		cp "$D" tt1.xml && tdk submit -e local tt1.xml >out 2>err &&
		test_grep "tt1.xml: accepted, conversation" out &&
		tdk journal list --format json | grep -q "\"lrn\":\"Import_Accepted\",\"state\":\"accepted\""
	'
else
	test_skip 'corpus: a CDS import declaration' "$TDK_CORPUS/wco is absent (set TDK_CORPUS)"
fi
test_expect_success 'JSON verdicts carry the conversation id' '
	tdk submit -e local --format json C002.xml >out &&
	grep -q "\"conversation_id\":\"[0-9a-f-]\{36\}\"" out && test_grep "\"result\":\"ok\"" out
'
test_expect_success 'the same document again: not sent, the recorded outcome, its status' '
	n=$(posts) && tdk submit -e local G001.xml >out 2>err &&
	test_grep "G001.xml: already submitted: accepted, conversation" out &&
	test_grep "note: [SUBMIT-HELD]" err && test "$(posts)" -eq "$n"
'
test_expect_success '--resend sends it once more, and the journal says so' '
	n=$(posts) && tdk submit -e local --resend G001.xml >out 2>err &&
	test_grep "G001.xml: accepted, conversation" out && test_grep "warning: [SUBMIT-RESEND]" err &&
	test "$(posts)" -eq $((n + 1)) && tdk journal export >rows && test_grep "\"kind\":\"resend\"" rows
'
test_expect_code 1 'an invalid declaration is not sent' '
	printf "<Declaration xmlns=\"urn:tdk:test:decl\">\n<Nope/>\n</Declaration>\n" >bad.xml &&
	n=$(posts); tdk submit -e local bad.xml >out 2>err; rc=$?
	{ test_grep "bad.xml: invalid, not sent" out && test_grep "[SUBMIT-INVALID]" err && test "$(posts)" -eq "$n" &&
	! tdk journal list | grep -q bad.xml; } || exit 99; exit $rc
'
test_expect_code 1 'a 400 from the server (--no-validate): its errors at line:col in the file sent, rejected' '
	tdk submit -e local --no-validate bad.xml >out 2>err; rc=$?
	{ grep -q "^bad.xml:2:[0-9]*: error: \[SUBMIT-REJECTED\] the server: xml_validation_error: " err &&
	test_grep "warning: --no-validate" err && test_grep "bad.xml: rejected (400)" out &&
	tdk journal list --format json | grep "\"name\":\"bad.xml\"" | grep -q "\"state\":\"rejected\""; } || exit 99
	exit $rc
'
test_expect_code 2 'a wrong api-version: 406, exit 2 naming the setting, queued' '
	endpoints 9.0 >endpoints9 && lrn G003 &&
	tdk submit -e local --endpoints endpoints9 G003.xml >out 2>err; rc=$?
	{ test_grep "[SUBMIT-SETTINGS] the server answered 406: " err && test_grep "api-version" err &&
	tdk journal list --format json | grep "\"lrn\":\"G003\"" | grep -q "\"state\":\"queued\""; } || exit 99
	exit $rc
'
test_expect_success 'a batch with -j 4: each document sent once' '
	mkdir batch && (cd batch && for i in 10 11 12 13 14 15 16 17 18 19; do lrn G$i; done) &&
	n=$(posts) && tdk submit -e local -j 4 -r batch >out 2>err &&
	test "$(grep -c ": accepted, conversation" out)" -eq 10 && test "$(posts)" -eq $((n + 10)) &&
	tdk submit -e local -j 4 -r batch >out 2>err && test "$(posts)" -eq $((n + 10))
'
test_expect_success 'tdk endpoint check: the token step gives its type and lifetime, never the token' '
	tdk endpoint check local >out 2>err &&
	grep -qi "^token: ok: bearer, expires in [0-9]* s, scope write:customs-declaration$" out &&
	! grep -q "[0-9a-f]\{64\}" out err
'
test_expect_code 5 'an authorization-code endpoint with no refresh token kept: AUTH-LOGIN, exit 5, nothing sent, nothing claimed' '
	{ endpoints | sed "s/^\[local\]/[user]/; s/^grant = .*/grant = authorization-code/" &&
	echo "authorize-url = $URL/oauth/authorize"; } >endpoints-user &&
	lrn G004 && n=$(posts) && tdk submit -e user --endpoints endpoints-user G004.xml >out 2>err; rc=$?
	{ test_grep "[AUTH-LOGIN]" err && test_grep "tdk endpoint login user" err && test "$(posts)" -eq "$n" &&
	! tdk journal list --format json | grep -q "\"lrn\":\"G004\""; } || exit 99
	exit $rc
'
test_expect_success 'the secret is in no output, no report and no journal row' '
	tdk journal export >rows && ! grep -q s3cret rows out err j.db* &&
	! grep -q s3cret access.log
'
test_done
