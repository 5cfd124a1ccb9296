#!/bin/sh
# tdk explain on the corpus: the six TT1_*_Rejected_* declarations of
# hmrc/customs-declare-exports with their example notifications (each ends
# in a logged headers=List(...) trailer; one has no pointer), the
# namespace-stripped DMSACC notifications of the annotated HMRC samples whose
# Errors carry pointers, with their declarations, and HMRC's made-up
# rejection in hmrc/wco-dec.  Every pointer is named, and with its
# declaration located at the line and column checked by hand.  Skipped
# without the corpus.
. "$(dirname "$0")/lib.sh"

X=$TDK_CORPUS/wco/hmrc-customs-declare-exports/instances
A=$TDK_CORPUS/wco/hmrc-customs-declarations/instances/annotated_XML_samples
if [ ! -d "$X" ] || [ ! -d "$A" ]; then
	test_skip 'tdk explain on the corpus' "no corpus at $TDK_CORPUS"
	test_done
	exit 0
fi

# explain KIND DIR: the notification and declaration of one rejection folder.
explain() {
	n=$(ls "$X/$1/Example Notification/"*.xml) && d=$(ls "$X/$1/Declaration/"*.xml) &&
	{ tdk explain --declaration "$d" "$n" >out 2>err; echo $? >rc; } &&
	sed -e "s|$X/$1/Declaration/||; s|$X/$1/Example Notification/||" err >e
}

test_expect_success 'imports, format: the goods item whose SequenceNumeric is 1000' '
	explain "Imports/Rejected/Format Rejection" && test "$(cat rc)" = 1 &&
	test_grep "TT1_IM_v2.01_Rejected_Format_Notification.xml:39:1: warning: [EXPLAIN-TRAILER] 184 bytes after the end of the root element" e &&
	test_grep "TT1_IM_v2.02_Rejected_Format.xml:151:6: error: [DMS10020] pointer 42A/67A/68A/006 names Declaration/GoodsShipment[1]/GovernmentAgencyGoodsItem[1000]/SequenceNumeric (n..5, DE 1/6); in the declaration /MetaData/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/SequenceNumeric = '\''1000'\''" e
'
test_expect_success 'imports, obligation: the net mass the goods measure lacks' '
	explain "Imports/Rejected/Obligation Rejection" && test "$(cat rc)" = 1 &&
	test_grep "TT1_IM_v2.02_Rejected_Obligation_Netmass.xml:259:7: error: [DMS10001] pointer 42A/67A/68A/23A/65A/128 names Declaration/GoodsShipment[1]/GovernmentAgencyGoodsItem[1]/Commodity/GoodsMeasure/NetNetWeightMeasure (n..16,6, code list unit, DE 6/1); the declaration has no NetNetWeightMeasure in /MetaData/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/Commodity/GoodsMeasure" e
'
test_expect_success 'imports, reference data: the first procedure code (no SequenceNumeric: the first)' '
	explain "Imports/Rejected/Ref Data Rejection" && test "$(cat rc)" = 1 &&
	test_grep "TT1_IM_v2.02_Rejected_RefData.xml:281:7: error: [DMS12050] pointer 42A/67A/68A/70A/166 names Declaration/GoodsShipment[1]/GovernmentAgencyGoodsItem[1]/GovernmentProcedure/CurrentCode (an..7, code list government-procedure-types, DE 1/10); in the declaration /MetaData/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/GovernmentProcedure[1]/CurrentCode = '\''99'\''" e
'
test_expect_success 'imports, reference data twin: SequenceNumeric 2 on a class without one counts occurrences' '
	n=$(ls "$X/Imports/Rejected/Ref Data Rejection/Example Notification/"*.xml) &&
	d=$(ls "$X/Imports/Rejected/Ref Data Rejection/Declaration/"*.xml) &&
	sed -e "s|<_2_1:DocumentSectionCode>70A|<_2_1:SequenceNumeric>2</_2_1:SequenceNumeric><_2_1:DocumentSectionCode>70A|" "$n" >second.xml &&
	tdk explain --declaration "$d" second.xml 2>err; test $? = 1 &&
	test_grep "TT1_IM_v2.02_Rejected_RefData.xml:286:7: error: [DMS12050]" err &&
	test_grep "GovernmentProcedure[2]/CurrentCode = '\''000'\''" err
'
test_expect_success 'exports, format: the LRN' '
	explain "Exports/Rejected/Rejected Format" && test "$(cat rc)" = 1 &&
	test_grep "TT1_EX_v2.02_Rejected_Format.xml:26:3: error: [DMS10010] pointer 42A/D026 names Declaration/FunctionalReferenceID (an..35, DE 2/5); in the declaration /MetaData/Declaration/FunctionalReferenceID = '\''Export_Format_REJ_LONGREF'\''" e
'
test_expect_success 'exports, reference data: 42A/67A/56A/G005, which the schemas have as 42A/56A/G005' '
	explain "Exports/Rejected/Rejected Ref Data" && test "$(cat rc)" = 1 &&
	test_grep "TT1_EX_v2.02_Rejected_RefData.xml:66:5: error: [DMS10020] pointer 42A/67A/56A/G005 names Declaration/GoodsShipment[1]/ExitOffice/ID (an..17, code list customs-offices); in the declaration /MetaData/Declaration/ExitOffice/ID = '\''GB999999'\''" e &&
	test_grep "TT1_EX_v2.01_Rejected_RefData_Notification.xml:14:3: note: [EXPLAIN-STEP] the schemas have no pointer 42A/67A/56A/G005: read as 42A/56A/G005, which its last 2 steps name" e
'
test_expect_success 'exports, obligation: an error without a pointer, at the Declaration (its tag spans two lines)' '
	explain "Exports/Rejected/Rejected Obligation" && test "$(cat rc)" = 1 &&
	test_grep "TT1_EX_v2.02_Rejected_Obligation_Exitoffice.xml:7:5: error: [DMS10001] the error names no element (no pointer); the declaration as a whole" e
'
test_expect_success 'every example notification: exit 1, one trailer warning, every pointer named' '
	for n in "$X"/*/Rejected/*/"Example Notification"/*.xml; do
		tdk explain "$n" >out 2>err; test $? = 1 || { echo "status: $n"; exit 1; }
		test "$(grep -c "EXPLAIN-TRAILER" err)" = 1 && ! grep -q "EXPLAIN-POINTER-UNKNOWN\|not in the WCO dictionary" err ||
			{ cat err; exit 1; }
	done
'
test_expect_success 'the annotated DMSACC notifications (namespaces stripped): the goods item at fault' '
	for p in TT_IM117a/01_DMSACC.xml:TT_IM117a/Step1_TT_IM117a.xml:100 \
		 TT_IM154a/01_DMSACC.xml:TT_IM154a/Step1_TT_IM154a.xml:141 \
		 TT_IM157a/01_DMSACC.xml:TT_IM157a/STEP1_TT_IM157a.xml:145 \
		 TT_IM220a/01_DMSACC.xml:TT_IM220a/Step1_TT_IM220a.xml:101 \
		 TT_IM040a/Example_Notifications/01_DMSACC.xml:TT_IM040a/Step1_TT_IM040a.xml:135 \
		 TT_IM110a/Example_Notifications/01_DMSACC.xml:TT_IM110a/TT_IM110a.xml:158 \
		 TT_IM186a/Example_Notifications/01_DMSACC.xml:TT_IM186a/Step1_TT_IM186a.xml:149; do
		n=${p%%:*} r=${p#*:} d=${r%%:*} line=${r#*:}
		tdk explain --declaration "$A/$d" "$A/$n" >out 2>err; test $? = 1 || { echo "status: $n"; exit 1; }
		grep -q "^$A/$d:$line:[14]: error: \[CDS13000\] pointer 42A/67A/68A names Declaration/GoodsShipment/GovernmentAgencyGoodsItem\[1\]; in the declaration /MetaData/Declaration/GoodsShipment/GovernmentAgencyGoodsItem; DMS says: [A-Z][a-z].*\$" err ||
			{ echo "$p"; cat err; exit 1; }
		echo "$A/$n: with errors" >want && test_cmp want out || exit 1
	done
'
test_expect_success 'these are all the notifications of the corpus with an Error (besides hmrc/wco-dec'\''s)' '
	grep -rl "ValidationCode" "$TDK_CORPUS/wco" --include="*.xml" | grep -v "hmrc-wco-dec" | sort >all &&
	{ ls "$X"/*/Rejected/*/"Example Notification"/*.xml; for t in TT_IM117a TT_IM154a TT_IM157a TT_IM220a; do
		echo "$A/$t/01_DMSACC.xml"; done; for t in TT_IM040a TT_IM110a TT_IM186a; do
		echo "$A/$t/Example_Notifications/01_DMSACC.xml"; done; } | sort >tested &&
	test "$(wc -l <all)" -eq 13 && test_cmp tested all
'
test_expect_code 1 'hmrc/wco-dec'\''s made-up rejection: steps that are no WCO IDs' '
	W=$TDK_CORPUS/wco/hmrc-wco-dec/instances
	tdk explain "$W/export_rejected_notification.xml" 2>err; rc=$?
	test_grep "export_rejected_notification.xml:26:9: error: [sdfasd2] pointer kt3/ueF5 (not in the WCO dictionary); DMS says: dsfASd23" err &&
	test_grep "export_rejected_notification.xml:31:17: warning: [EXPLAIN-POINTER-UNKNOWN] '\''kt3'\'' is no WCO ID of the dictionary" err || exit 99
	exit $rc
'
test_done
