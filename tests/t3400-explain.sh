#!/bin/sh
# tdk explain on the project's own sample rejection (samples/wco-rejection.xml
# of samples/wco-declaration.xml) and its malformed twins: the pointers named
# and located (lines checked by hand), the occurrence a SequenceNumeric
# selects, an absent element, JSON and JUnit, a namespace-stripped copy, a
# logged trailer, an acceptance, and the faults: an unknown ID, no such
# occurrence, not XML, not well-formed, not a Response, no declaration.
. "$(dirname "$0")/lib.sh"

N=$SAMPLES/wco-rejection.xml
D=$SAMPLES/wco-declaration.xml

test_expect_code 1 'a rejection with its declaration: each error at its element, exit 1' '
	tdk explain --declaration "$D" "$N" >out 2>err; rc=$?
	test "$(grep -c "error: \[CDS" err)" -eq 2 &&
	test_grep "$D:37:94: error: [CDS12050] pointer 42A/67A/68A/93A/141 names Declaration/GoodsShipment[1]/GovernmentAgencyGoodsItem[2]/Packaging[1]/TypeCode (an..2, code list package, DE 6/9); in the declaration /MetaData/Declaration/GoodsShipment/GovernmentAgencyGoodsItem[2]/Packaging/TypeCode = '\''CT'\''" err &&
	test_grep "$D:25:9: error: [CDS10001] pointer 42A/67A/68A/23A/65A/128 names Declaration/GoodsShipment[1]/GovernmentAgencyGoodsItem[1]/Commodity/GoodsMeasure/NetNetWeightMeasure (n..16,6, code list unit, DE 6/1); the declaration has no GoodsMeasure in /MetaData/Declaration/GoodsShipment/GovernmentAgencyGoodsItem[1]/Commodity" err &&
	echo "$N: rejected" >want && test_cmp want out || exit 99
	exit $rc
'
test_expect_code 1 'without the declaration: under the notification, at each Error' '
	tdk explain "$N" 2>err; rc=$?
	test_grep "$N:19:5: error: [CDS12050] pointer 42A/67A/68A/93A/141 names Declaration/GoodsShipment[1]/GovernmentAgencyGoodsItem[2]/Packaging[1]/TypeCode (an..2, code list package, DE 6/9)" err &&
	test_grep "$N:26:5: error: [CDS10001]" err || exit 99
	exit $rc
'
test_expect_code 1 'standard input, --format json: the diagnostics and the verdict with the function code and MRN' '
	tdk explain --format json --declaration "$D" <"$N" >out 2>err; rc=$?
	test_grep "\"file\":\"$D\",\"line\":37,\"column\":94,\"offset\":2089,\"severity\":\"error\",\"code\":\"CDS12050\"" out &&
	test_grep "{\"file\":\"<stdin>\",\"result\":\"negative\",\"verdict\":\"rejected\",\"status\":1,\"function_code\":\"03\",\"errors\":2,\"mrn\":\"25GBTDKSAMPLE00001\"}" out || exit 99
	exit $rc
'
test_expect_code 1 '--format junit: one failing test case' '
	tdk explain --format junit "$N" >out 2>err; rc=$?
	test_grep "<testcase classname=\"tdk explain\"" out && test_grep "<failure" out && test_grep "CDS12050" out || exit 99
	exit $rc
'
test_expect_code 1 'a namespace-stripped copy (as HMRC logs them) is explained the same' '
	sed -e "s/md://g; s/ds://g; s/ xmlns[:a-z]*=\"[^\"]*\"//g" "$N" >stripped.xml &&
	! grep -q xmlns stripped.xml &&
	tdk explain --declaration "$D" stripped.xml 2>err; rc=$?
	test_grep "$D:37:94: error: [CDS12050]" err && test_grep "$D:25:9: error: [CDS10001]" err || exit 99
	exit $rc
'
test_expect_code 1 'a logged trailer after the root: a warning, then explained' '
	{ cat "$N"; echo "headers=List((Content-Type,application/xml), (X-Conversation-ID,x))"; } >trailer.xml &&
	tdk explain --declaration "$D" trailer.xml >out 2>err; rc=$?
	test_grep "trailer.xml:42:1: warning: [EXPLAIN-TRAILER] 68 bytes after the end of the root element" err &&
	test_grep "$D:37:94: error: [CDS12050]" err && echo "trailer.xml: rejected" >want && test_cmp want out || exit 99
	exit $rc
'
test_expect_success 'an acceptance without errors: exit 0, no errors' '
	sed -e "s|<FunctionCode>03<|<FunctionCode>01<|" "$N" | perl -0pe "s|<Error>.*</Error>\s*||s" >acc.xml &&
	! grep -q Error acc.xml &&
	tdk explain --declaration "$D" acc.xml >out 2>err && echo "acc.xml: no errors" >want && test_cmp want out && test ! -s err
'
test_expect_code 1 'an error that is no rejection still fails; the verdict says with errors' '
	sed -e "s|<FunctionCode>03<|<FunctionCode>01<|" "$N" >acc-err.xml &&
	tdk explain acc-err.xml >out 2>err; rc=$?
	echo "acc-err.xml: with errors" >want && test_cmp want out || exit 99
	exit $rc
'
test_expect_code 1 'twin: a step that is no WCO ID of the dictionary' '
	sed -e "s|<TagID>141</TagID>|<TagID>X41</TagID>|" "$N" >unknown.xml &&
	tdk explain --declaration "$D" unknown.xml 2>err; rc=$?
	test_grep "unknown.xml:24:98: warning: [EXPLAIN-POINTER-UNKNOWN] '\''X41'\'' is no WCO ID of the dictionary" err &&
	test_grep "$D:37:9: error: [CDS12050] pointer 42A/67A/68A/93A/X41 names Declaration/GoodsShipment[1]/GovernmentAgencyGoodsItem[2]/Packaging[1]/[X41] (not in the WCO dictionary); the declaration has its known part at /MetaData/Declaration/GoodsShipment/GovernmentAgencyGoodsItem[2]/Packaging" err || exit 99
	exit $rc
'
test_expect_code 1 'twin: a SequenceNumeric that no goods item has' '
	sed -e "s|<SequenceNumeric>2</SequenceNumeric><DocumentSectionCode>68A|<SequenceNumeric>5</SequenceNumeric><DocumentSectionCode>68A|" "$N" >seq.xml &&
	tdk explain --declaration "$D" seq.xml 2>err; rc=$?
	test_grep "$D:22:5: error: [CDS12050] pointer 42A/67A/68A/93A/141 names Declaration/GoodsShipment[1]/GovernmentAgencyGoodsItem[5]/Packaging[1]/TypeCode" err &&
	test_grep "; the declaration has no GovernmentAgencyGoodsItem with SequenceNumeric 5 in /MetaData/Declaration/GoodsShipment" err &&
	test_grep "$D:22:5: warning: [EXPLAIN-NO-OCCURRENCE] no GovernmentAgencyGoodsItem here has SequenceNumeric 5" err || exit 99
	exit $rc
'
test_expect_code 1 'twin: another LRN than the declaration'\''s' '
	sed -e "s|<FunctionalReferenceID>TDKSAMPLE0001<|<FunctionalReferenceID>OTHER0002<|" "$N" >lrn.xml &&
	tdk explain --declaration "$D" lrn.xml 2>err; rc=$?
	test_grep "$D:15:5: warning: [EXPLAIN-LRN] the notification is about LRN '\''OTHER0002'\'', this declaration'\''s LRN is '\''TDKSAMPLE0001'\''" err || exit 99
	exit $rc
'
test_expect_code 1 'twin: a ValidationCode that is no code becomes EXPLAIN-ERROR; an Error without pointer' '
	perl -0pe "s|<ValidationCode>CDS12050</ValidationCode>.*?</Error>|<ValidationCode>bad code\\\"</ValidationCode></Error>|s" "$N" >code.xml &&
	tdk explain --declaration "$D" code.xml 2>err; rc=$?
	test_grep "$D:12:3: error: [EXPLAIN-ERROR] the error names no element (no pointer); the declaration as a whole" err || exit 99
	exit $rc
'
test_expect_code 3 'twin: not XML' '
	echo "this is no notification" >text.xml &&
	tdk explain text.xml >out 2>err; rc=$?
	test_grep "text.xml: error: [EXPLAIN-NOT-XML] the notification is not XML" err &&
	echo "text.xml: not explained" >want && test_cmp want out || exit 99
	exit $rc
'
test_expect_code 3 'twin: not well-formed (cut short)' '
	head -c 900 "$N" >cut.xml &&
	tdk explain cut.xml 2>err; rc=$?
	grep -q "^cut.xml:[0-9]*:[0-9]*: error: \[EXPLAIN-XML\]" err || exit 99
	exit $rc
'
test_expect_code 3 'twin: a declaration is not a Response; a Response of another namespace neither' '
	tdk explain "$D" 2>err; rc=$?
	test "$rc" = 3 && test_grep "error: [EXPLAIN-NOT-RESPONSE] no DMS Response (RES-DMS:2)" err || exit 99
	sed -e "s|WCO:RES-DMS:2|WCO:RES-DMS:9|" "$N" >ns.xml &&
	tdk explain ns.xml 2>err; rc=$?
	test_grep "ns.xml: error: [EXPLAIN-NOT-RESPONSE]" err || exit 99
	exit $rc
'
test_expect_code 3 'a declaration that cannot be read, or is none: no notification is explained' '
	tdk explain --declaration nowhere.xml "$N" >out 2>err; rc=$?
	test "$rc" = 3 && test_grep "nowhere.xml: error: [EXPLAIN-DECLARATION] cannot read the declaration" err || exit 99
	tdk explain --declaration "$N" "$N" >out 2>err; rc=$?
	test_grep "error: [EXPLAIN-DECLARATION] no Declaration element" err || exit 99
	exit $rc
'
test_expect_code 3 'a batch: the worst status wins (3 over 1), each notification its verdict' '
	mkdir batch && cp "$N" batch/a.xml && cp text.xml batch/b.xml &&
	tdk explain -j 2 -r batch >out 2>err; rc=$?
	test_grep "batch/a.xml: rejected" out && test_grep "batch/b.xml: not explained" out || exit 99
	exit $rc
'
test_expect_code 2 'usage: the declaration and the notification cannot both come from standard input' '
	tdk explain --declaration - <"$N" 2>err; rc=$?
	test_grep "standard input can feed the declaration or the notifications, not both" err || exit 99
	exit $rc
'
test_done
