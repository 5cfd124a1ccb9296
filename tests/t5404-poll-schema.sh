#!/bin/sh
# tdk poll checks notifications against the DMS schemas when the endpoint's
# catalog names them (the corpus's RES-DMS:2 schemas, read in place): a
# notification valid by them is believed, one that is only well-formed is
# malformed (XML-XSD, NOTIFY-INVALID) and kept.  The report as JSON lines
# and as JUnit XML.  Against tests/peers/pull-malformed.py.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/poll-lib.sh"

RES=$TDK_CORPUS/wco/hmrc-customs-declare-exports/local-wrappers/notification_wrapper.xsd
if ! [ -f "$RES" ]; then
	test_skip 'notifications against their schema' "needs the corpus (TDK_CORPUS): $RES"
	test_done
fi
poll_peer
printf '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">\n<uri name="urn:wco:datamodel:WCO:DocumentMetaData-DMS:2" uri="%s"/>\n</catalog>\n' \
	"$RES" >cat.xml
poll_endpoint peer "$U" "catalog = cat.xml"

TDK_JOURNAL=$TRASH/j.db
export TDK_ENDPOINTS TDK_JOURNAL
FILL=$REPO/$TDK_BUILD/tests/gen/journal-fill

test_expect_code 4 'valid by the schemas: believed; well-formed only: malformed, kept; still unknown: exit 4 (JSON lines)' '
	printf "begin peer g G201\nanswer peer/g unknown 0\nbegin peer s S301\nanswer peer/s unknown 0\n" |
		"$FILL" j.db >/dev/null &&
	tdk poll -e peer --format json G201 S301 >out 2>err; rc=$?
	{ grep "\"file\":\"notification 0007-schema\"" out | grep -q "\"code\":\"XML-XSD\"" &&
	grep "\"file\":\"notification 0007-schema\"" out | grep -q "\"code\":\"NOTIFY-INVALID\"" &&
	grep "^{\"file\":\"g.xml\",\"result\":\"ok\"" out | grep -q "\"outcome\":\"accepted\",\"lrn\":\"G201\".*\"mrn\":\"26GBGOOD00000001\"" &&
	grep "^{\"file\":\"s.xml\",\"result\":\"error\"" out | grep -q "\"state\":\"unknown\"" &&
	test "$(grep -c "\"code\":\"POLL-MALFORMED\"" out)" -eq 7; } || exit 99
	exit $rc
'
test_expect_success 'the one malformed by its schema is kept against its submission, which stays unknown' '
	tdk journal export | grep "\"message_id\":\"0007-schema\"" | grep -q "\"detail\":\"malformed: not valid by its schema\"" &&
	tdk journal list --unknown >unk && test_grep S301 unk
'
test_expect_code 4 'JUnit: a testcase per submission, the unknown one an error' '
	tdk poll -e peer --format junit G201 S301 >out 2>err; rc=$?
	{ test_grep "name=\"g.xml\"" out && test_grep "name=\"s.xml\"" out &&
	test "$(grep -c "<error" out)" -eq 1; } || exit 99
	exit $rc
'
test_done
