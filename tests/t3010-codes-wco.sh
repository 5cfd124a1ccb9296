#!/bin/sh
# tdk codes wco: the WCO Data Model dictionary (data/wco/dictionary.tsv,
# compiled by tests/gen/wco-dict.pl): a pointer with the names of its steps,
# its format, code list and UCC data element; an ID, a name, a path; the
# whole list; JSON; unknown pointers with "did you mean"; a missing or broken
# dictionary (through TDK_WCO_DATA_DIR); and, with the corpus, the generator
# reproducing the file and every pointer of HMRC's pointer table in it.
. "$(dirname "$0")/lib.sh"

TAB=$(printf '\t')
NNW=Declaration/GoodsShipment/GovernmentAgencyGoodsItem/Commodity/GoodsMeasure/NetNetWeightMeasure

test_expect_success 'a pointer: the names of its steps, format, unit list, DE 6/1' '
	tdk codes wco 42A/67A/68A/23A/65A/128 >out 2>err && test ! -s err &&
	printf "42A/67A/68A/23A/65A/128${TAB}$NNW${TAB}n..16,6${TAB}unit${TAB}DE 6/1${TAB}%s\n" \
		"Weight (mass) of the goods themselves without any packing" >want &&
	test_cmp want out
'
test_expect_success 'the LRN: an..35 as the schema restricts it, DE 2/5; unknown fields are -' '
	tdk codes wco 42A/D026 >out &&
	printf "42A/D026${TAB}Declaration/FunctionalReferenceID${TAB}an..35${TAB}-${TAB}DE 2/5${TAB}%s\n" \
		"Reference number identifying a specific information exchange" >want && test_cmp want out
'
test_expect_success '--format json: every field, null when unknown' '
	tdk codes --format json wco 42A/56A/G005 >out &&
	printf "%s\n" "{\"list\":\"wco\",\"pointer\":\"42A/56A/G005\",\"id\":\"G005\",\"name\":\"ID\",\"names\":\"Declaration/ExitOffice/ID\",\"path\":\"Declaration/ExitOffice/ID\",\"format\":\"an..17\",\"codelist\":\"customs-offices\",\"ucc\":null,\"description\":\"To identify the regulatory office at which the goods leave or are intended to leave the customs territory of despatch\"}" >want &&
	test_cmp want out
'
test_expect_success 'an ID answers every pointer ending with it; a name in any case; a path' '
	tdk codes wco 128 >out && test "$(wc -l <out)" -ge 1 && ! cut -f1 out | grep -v "/128\$" &&
	tdk codes wco netnetweightmeasure >out2 && test_cmp out out2 &&
	tdk codes wco "$NNW" >out3 && head -n 1 out >want && test_cmp want out3
'
test_expect_success 'the response (RES-DMS:2) is in the dictionary too' '
	tdk codes wco 07B/03A/97A/375 >out &&
	test "$(cut -f2 out)" = Response/AdditionalInformation/Pointer/DocumentSectionCode
'
test_expect_success 'the whole dictionary: one line per entry of the data file' '
	tdk codes wco >out &&
	grep -v "^#" "$REPO/data/wco/dictionary.tsv" | cut -f1 >want && cut -f1 out >got && test_cmp want got &&
	test "$(wc -l <out)" -gt 500
'
test_expect_code 1 'a pointer with a step the schemas lack: did you mean the one its last steps name' '
	tdk codes wco 42A/67A/56A/G005 >out 2>err; rc=$?
	test_grep "tdk codes: '\''42A/67A/56A/G005'\'' is not a pointer of the WCO dictionary; did you mean '\''42A/56A/G005'\''?" err &&
	test ! -s out || exit 99
	exit $rc
'
test_expect_code 1 'a typo in the last ID, a misspelt name, a wrong path; the others still answered' '
	tdk codes wco 42A/D025 NetNetWeightMesure Declaration/ExitOffice/Id 42A/D026 >out 2>err; rc=$?
	test_grep "'\''42A/D025'\'' is not a pointer of the WCO dictionary; did you mean '\''42A/D026'\''?" err &&
	test_grep "'\''NetNetWeightMesure'\'' is not an ID or a name of the WCO dictionary; did you mean '\''NetNetWeightMeasure'\''?" err &&
	test_grep "'\''Declaration/ExitOffice/Id'\'' is not a path of the WCO dictionary; did you mean '\''Declaration/ExitOffice/ID'\''?" err &&
	test "$(cut -f1 out)" = 42A/D026 || exit 99
	exit $rc
'
test_expect_code 1 '-q: nothing printed, the status only' '
	tdk codes -q wco 42A/D026 >out 2>err && test ! -s out && test ! -s err || exit 99
	tdk codes -q wco 42A/X >out 2>err; rc=$?
	test ! -s out && test ! -s err || exit 99
	exit $rc
'
test_expect_code 3 'a missing dictionary: exit 3, WCO-DICT-MISSING' '
	TDK_WCO_DATA_DIR=$TRASH/none tdk codes wco 42A >out 2>err; rc=$?
	test_grep "$TRASH/none/dictionary.tsv: error: [WCO-DICT-MISSING]" err && test ! -s out || exit 99
	exit $rc
'
test_expect_code 3 'a broken dictionary: the line that is not seven fields' '
	mkdir b && printf "# head\n42A\tDeclaration\tDeclaration\t\t\t\t\n42A/D026\tx\n" >b/dictionary.tsv &&
	TDK_WCO_DATA_DIR=$TRASH/b tdk codes wco 42A >out 2>err; rc=$?
	test_grep "dictionary.tsv:3:1: error: [WCO-DICT-SHAPE] the line is not seven fields separated by tabs" err &&
	test ! -s out || exit 99
	exit $rc
'
test_expect_code 3 'a pointer twice, a pointer that is not WCO IDs' '
	mkdir d && printf "42A\t\t\t\t\t\t\n42A\t\t\t\t\t\t\n" >d/dictionary.tsv &&
	TDK_WCO_DATA_DIR=$TRASH/d tdk codes wco 42A 2>err; rc=$?
	test "$rc" = 3 && test_grep "dictionary.tsv:2:1: error: [WCO-DICT-SHAPE] pointer 42A is on line 1 already" err || exit 99
	mkdir l && printf "42a/d026\t\t\t\t\t\t\n" >l/dictionary.tsv &&
	TDK_WCO_DATA_DIR=$TRASH/l tdk codes wco 42A 2>err; rc=$?
	test_grep "dictionary.tsv:1:1: error: [WCO-DICT-SHAPE] the pointer is not WCO IDs" err || exit 99
	exit $rc
'
test_expect_success 'the data file names its sources and the command that writes it' '
	head -n 6 "$REPO/data/wco/dictionary.tsv" >h &&
	test_grep "hmrc/wco-dec@d276808f pointers/data/pointer_paths.json" h &&
	test_grep "hmrc/customs-declarations@3d058369 schemas/wco" h &&
	test_grep "generated by tests/gen/wco-dict.pl (make wco-data) - do not edit" h
'
if [ -f "$TDK_CORPUS/wco/hmrc-wco-dec/pointers/pointer_paths.json" ]; then
	test_expect_success 'the generator reproduces the dictionary in the tree from the corpus' '
		mkdir g && (cd g && perl "$REPO/tests/gen/wco-dict.pl" "$TDK_CORPUS") &&
		cmp g/data/wco/dictionary.tsv "$REPO/data/wco/dictionary.tsv"
	'
	test_expect_success 'every pointer of the pointer table (477) is answered' '
		perl -MJSON::PP -e "local \$/; open my \$f, \"<\", shift or die; print map { (keys %\$_)[0] . \"\n\" } @{ decode_json(<\$f>)->{pointers} }" \
			"$TDK_CORPUS/wco/hmrc-wco-dec/pointers/pointer_paths.json" >ptrs &&
		test "$(wc -l <ptrs)" -eq 477 &&
		tdk codes wco $(cat ptrs) >out && cut -f1 out | sort -u >got && sort ptrs >want &&
		test "$(comm -23 want got | wc -l)" -eq 0
	'
	test_expect_success 'every WCO ID of the v2.15 declaration schema is answered with its element name' '
		S=$TDK_CORPUS/wco/hmrc-customs-declarations/schemas/wco/declaration/WCO_DEC_2_DMS.xsd &&
		perl -ne "\$n = \$1 if /<xs:element name=\"(\w+)\"/; print \"\$1 \$n\n\" if /<WCOID>([0-9A-Z]+)</" "$S" | sort -u >pairs &&
		test "$(wc -l <pairs)" -gt 200 &&
		while read -r id name; do
			tdk codes wco "$id" | cut -f2 | grep -q "/$name\$\|^$name\$" || { echo "$id $name"; exit 1; }
		done <pairs
	'
else
	test_skip 'the generator reproduces the dictionary' "no corpus at $TDK_CORPUS"
	test_skip 'every pointer of the pointer table' "no corpus at $TDK_CORPUS"
	test_skip 'every WCO ID of the v2.15 schema' "no corpus at $TDK_CORPUS"
fi
test_done
