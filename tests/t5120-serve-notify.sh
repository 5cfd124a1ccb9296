#!/bin/sh
# tdk serve's notifications: the LRN's first letter chooses them as the CDS
# stub does (B rejected with a CDS code and pointers, C accepted then
# cleared, G accepted, P none, R received, X through goods exited), a digit
# after it delays them; the Pull Notifications API lists them, taking one
# marks it pulled, by conversation id too; a restart keeps everything.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"

serve_schema
echo '</catalog>' >>cat.xml
for l in G001 BCDS12062X C001 P001 R001 X001 N3AB; do lrn $l; done

serve_start --catalog "$TRASH/cat.xml" || { echo "Bail out! tdk serve did not start"; exit 1; }
TOKEN=$(token)
export URL TOKEN

# The conversation id of a declaration sent now.
send() {
	cds_post /customs/declarations "$1.xml" -D "$1.h" >/dev/null &&
	sed -n "s/^X-Conversation-ID: \([0-9a-f-]*\).$/\1/p" "$1.h"
}
test_expect_success 'G: one notification, accepted (01), a RES-DMS:2 MetaData/Response naming the LRN' '
	c=$(send G001) && test "$(codes "$c")" = "01 " &&
	pull "$URL/notifications/conversationId/$c" >list && id=$(sed -n "s/.*pulled\/\([0-9a-f-]*\)\".*/\1/p" list) &&
	pull -D h "$URL/notifications/pulled/$id" >n.xml && test_grep "X-Conversation-ID: $c" h &&
	test_grep "xmlns=\"urn:wco:datamodel:WCO:RES-DMS:2\"" n.xml && test_grep "<md:WCOTypeName>RES</md:WCOTypeName>" n.xml &&
	test_grep "<FunctionalReferenceID>G001</FunctionalReferenceID>" n.xml && tdk validate -q n.xml
'
test_expect_success 'B with CDS12062: rejected (03) with that ValidationCode and pointers' '
	c=$(send BCDS12062X) && pull "$URL/notifications/conversationId/$c" >list &&
	id=$(sed -n "s/.*unpulled\/\([0-9a-f-]*\)\".*/\1/p" list) && pull "$URL/notifications/unpulled/$id" >n.xml &&
	test_grep "<FunctionCode>03</FunctionCode>" n.xml && test_grep "<ValidationCode>CDS12062</ValidationCode>" n.xml &&
	test_grep "<DocumentSectionCode>42A</DocumentSectionCode>" n.xml
'
test_expect_success 'C: accepted then cleared; R received; X through goods exited; P none' '
	c=$(send C001) && test "$(codes "$c")" = "01 09 " &&
	c=$(send R001) && test "$(codes "$c")" = "02 " &&
	c=$(send X001) && test "$(codes "$c")" = "01 08 16 " &&
	c=$(send P001) && test "$(codes "$c")" = ""
'
test_expect_success 'taking an unpulled one marks it pulled: it leaves /unpulled and shows in /pulled; 404 once taken' '
	c=$(send G001) && pull "$URL/notifications/unpulled" >l1 && grep -q "" l1 &&
	id=$(pull "$URL/notifications/conversationId/$c" | sed -n "s/.*unpulled\/\([0-9a-f-]*\)\".*/\1/p") &&
	test_grep "/notifications/unpulled/$id" l1 && pull "$URL/notifications/unpulled/$id" >/dev/null &&
	pull "$URL/notifications/unpulled" >l2 && ! grep -q "$id" l2 &&
	pull "$URL/notifications/pulled" >l3 && test_grep "/notifications/pulled/$id" l3 &&
	pull -o /dev/null -w "%{http_code}\n" "$URL/notifications/unpulled/$id" >code && echo 404 >want && test_cmp want code
'
test_expect_success 'a digit after the letter delays the notifications by that many seconds' '
	c=$(send N3AB) && test "$(codes "$c")" = ""
'
test_expect_success 'the pull API checks its Accept header and the token' '
	$CURL -o /dev/null -w "%{http_code}\n" -H "Authorization: Bearer $TOKEN" "$URL/notifications/unpulled" >code &&
	TOKEN=nope pull -o /dev/null -w "%{http_code}\n" "$URL/notifications/unpulled" >>code &&
	printf "406\n401\n" >want && test_cmp want code
'
test_expect_success 'a conversation id with markup in it is escaped in the list, which stays well-formed' '
	pull "$URL/notifications/conversationId/%22%3E%3Cx%2F%3E000000000000000000000000000000" >l.xml &&
	test_grep "href=\"/notifications/conversationId/&quot;&gt;&lt;x/&gt;0000" l.xml && tdk validate -q l.xml
'
test_expect_success 'a restart keeps the declarations, notifications, pulled flags and tokens' '
	pull "$URL/notifications/pulled" >before && c=$(cat N3AB.h | sed -n "s/^X-Conversation-ID: \([0-9a-f-]*\).$/\1/p") &&
	serve_stop TERM && test "$SERVE_RC" -eq 0 &&
	serve_start --catalog "$TRASH/cat.xml" && pull "$URL/notifications/pulled" >after && test_cmp before after &&
	sleep 3 && test "$(codes "$c")" = "01 08 " || exit 1
	command -v sqlite3 >/dev/null || exit 0
	test "$(sqlite3 "$TRASH/serve.db" "select count(*) from declarations where lrn = '"'"'G001'"'"'")" -eq 2
'
test_done
