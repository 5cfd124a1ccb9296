#!/bin/sh
# tdk map --from csv|fixed: bad input, each with its diagnostic code, its
# position and its exit status, beside a good twin: ragged rows, a quote
# left open, a stray quote, a byte order mark (accepted with a note), NUL
# bytes, bytes that are not UTF-8, a field over its limit, a column map
# naming a missing column, a malformed column map line, an unknown
# transform, a date, a number and a code their transforms cannot read, a
# key that comes back, an item record without its header, and the usage.
. "$(dirname "$0")/lib.sh"

cat >m.columns <<'EOF'
key LRN
column LRN -> Declaration/FunctionalReferenceID
column Type -> Declaration/TypeCode
EOF
# Maps t.csv with m.columns (or the map in $MAP) under -O o; the report in err.
map() {
	rm -rf o && mkdir o && tdk map --from csv --columns "${MAP:-m.columns}" -O o t.csv >out 2>err
}

test_expect_success 'the good twin: two records, two declarations' '
	printf "LRN,Type\nA1,IMA\nA2,EXD\n" >t.csv && map && ! grep -q "error:" err &&
	test_grep "<FunctionalReferenceID>A2</FunctionalReferenceID>" o/A2.xml
'
test_expect_code 1 'ragged rows: CSV-RAGGED at the record' '
	printf "LRN,Type\nA1,IMA\nA2,EXD,extra\n" >t.csv; map; rc=$?
	test_grep "t.csv:3:1: error: [CSV-RAGGED] 3 fields in this record, 2 in the first" err || exit 99
	exit $rc
'
test_expect_code 1 'a quote left open: CSV-QUOTE at the opening quote' '
	printf "LRN,Type\nA1,\"IMA\nA2,EXD\n" >t.csv; map; rc=$?
	test_grep "t.csv:2:4: error: [CSV-QUOTE] the quote opened here is still open at the end of the input" err &&
	test ! -f o/A1.xml || exit 99
	exit $rc
'
test_expect_code 1 'a quote inside an unquoted field: CSV-QUOTE-STRAY' '
	printf "LRN,Type\nA1,I\"MA\n" >t.csv; map; rc=$?
	test_grep "t.csv:2:5: error: [CSV-QUOTE-STRAY]" err || exit 99
	exit $rc
'
test_expect_success 'a byte order mark is accepted with a note, and the first header name still matches' '
	printf "\357\273\277LRN,Type\nA1,IMA\n" >t.csv && map &&
	test_grep "t.csv:1:1: note: [CSV-BOM] a UTF-8 byte order mark starts the input; skipped" err &&
	test_grep "<FunctionalReferenceID>A1</FunctionalReferenceID>" o/A1.xml
'
test_expect_code 1 'a NUL byte: CSV-NUL' '
	printf "LRN,Type\nA1,I\000MA\n" >t.csv; map; rc=$?
	test_grep "t.csv:2:5: error: [CSV-NUL] a NUL byte" err || exit 99
	exit $rc
'
test_expect_code 1 'bytes that are not UTF-8: CSV-ENCODING at the byte' '
	printf "LRN,Type\nA1,caf\351\n" >t.csv; map; rc=$?
	test_grep "t.csv:2:7: error: [CSV-ENCODING] byte 0xE9 followed by 0x0A is not UTF-8" err || exit 99
	exit $rc
'
test_expect_code 1 'a field over the limit the map sets: CSV-LIMIT; reading stops, the open declaration is not written' '
	{ cat m.columns; echo "limit field-size 8"; } >lim.columns &&
	printf "LRN,Type\nA0,IMA\nA1,IMA\nA2,123456789\n" >t.csv; MAP=lim.columns map; rc=$?
	test_grep "t.csv:4:4: error: [CSV-LIMIT] a field longer than 8 bytes (the limit)" err &&
	test -f o/A0.xml && test ! -f o/A1.xml || exit 99
	exit $rc
'
test_expect_code 1 'the limits from the command line: --max-field-size, --max-fields, --max-record-size' '
	printf "LRN,Type\nA1,IMA\nA2,EXD\n" >t.csv &&
	tdk map --from csv --columns m.columns --max-field-size 3 -O o t.csv 2>err1; r1=$?
	tdk map --from csv --columns m.columns --max-fields 1 -O o t.csv 2>err2; r2=$?
	tdk map --from csv --columns m.columns --max-record-size 4 -O o t.csv 2>err3; r3=$?
	test_grep "t.csv:1:5: error: [CSV-LIMIT] a field longer than 3 bytes" err1 &&
	test_grep "t.csv:1:5: error: [CSV-LIMIT] more than 1 fields in the record that starts on line 1" err2 &&
	test_grep "t.csv:1:5: error: [CSV-LIMIT] the record that starts on line 1 is longer than 4 bytes" err3 &&
	test $r1 = 1 && test $r2 = 1 || exit 99
	exit $r3
'
test_expect_code 1 'a column map naming a column the file lacks: COLMAP-COLUMN at the map line' '
	printf "LRN,Kind\nA1,IMA\n" >t.csv; map; rc=$?
	test_grep "m.columns:3:8: error: [COLMAP-COLUMN] no column '\''Type'\'' in the header of t.csv" err || exit 99
	exit $rc
'
test_expect_code 3 'a malformed column map line: COLMAP-SYNTAX, a broken setup (exit 3)' '
	printf "key LRN\ncolumn LRN Declaration/FunctionalReferenceID\n" >bad.columns &&
	printf "LRN,Type\nA1,IMA\n" >t.csv; MAP=bad.columns map; rc=$?
	test_grep "bad.columns:2:1: error: [COLMAP-SYNTAX] expected '\''column SOURCE -> PATH [| TRANSFORM]...'\''" err &&
	test_grep "t.csv: not mapped" out || exit 99
	exit $rc
'
test_expect_code 3 'an unknown directive: COLMAP-DIRECTIVE' '
	printf "kee LRN\ncolumn LRN -> Declaration/FunctionalReferenceID\n" >bad.columns; MAP=bad.columns map; rc=$?
	test_grep "bad.columns:1:1: error: [COLMAP-DIRECTIVE] unknown directive '\''kee'\''" err || exit 99
	exit $rc
'
test_expect_code 3 'an unknown transform: COLMAP-TRANSFORM at its word' '
	printf "column LRN -> Declaration/FunctionalReferenceID | lower\n" >bad.columns; MAP=bad.columns map; rc=$?
	test_grep "bad.columns:1:51: error: [COLMAP-TRANSFORM] unknown transform '\''lower'\''" err || exit 99
	exit $rc
'
test_expect_code 1 'a date not in its format: CSV-DATE, that declaration alone is not written' '
	{ cat m.columns; echo "column Date -> Declaration/IssueDateTime/DateTimeString | date DD/MM/YYYY -> 304"; } >d.columns &&
	printf "LRN,Type,Date\nA1,IMA,02/12/2026\nA2,IMA,2026-12-02\nA3,IMA,31/04/2026\n" >t.csv; MAP=d.columns map; rc=$?
	test_grep "t.csv:3:8: error: [CSV-DATE] '\''2026-12-02'\'' is not a date in the format DD/MM/YYYY" err &&
	test_grep "t.csv:4:8: error: [CSV-DATE] '\''31/04/2026'\''" err &&
	test -f o/A1.xml && test ! -f o/A2.xml && test ! -f o/A3.xml || exit 99
	exit $rc
'
test_expect_code 1 'a number and a code the transforms cannot read: CSV-NUMBER, CSV-CODE' '
	{ cat m.columns; echo "column Amount -> Declaration/InvoiceAmount | number ,"
	  echo "column Cur -> Declaration/InvoiceAmount/@currencyID | code currency"; } >n.columns &&
	printf "LRN,Type,Amount,Cur\nA1,IMA,\"1.234,5\",eur\nA2,IMA,12x,EUR\nA3,IMA,1,EUX\n" >t.csv; MAP=n.columns map; rc=$?
	test_grep "<InvoiceAmount currencyID=\"EUR\">1234.5</InvoiceAmount>" o/A1.xml &&
	test_grep "t.csv:3:8: error: [CSV-NUMBER] '\''12x'\''" err &&
	test_grep "t.csv:4:10: error: [CSV-CODE] '\''EUX'\'' is not a currency code of ISO 4217" err || exit 99
	exit $rc
'
test_expect_code 1 'a key that comes back after another: CSV-KEY' '
	printf "LRN,Type\nA1,IMA\nA2,IMA\nA1,EXD\n" >t.csv; map; rc=$?
	test_grep "t.csv:4:1: error: [CSV-KEY] key '\''A1'\'' was the key of a declaration before" err || exit 99
	exit $rc
'
test_expect_code 1 'an item record with no header record before it: CSV-ORPHAN' '
	printf "key LRN\ntype R H I\nitem Declaration/G/I\ncolumn LRN -> Declaration/FunctionalReferenceID\ncolumn V -> Declaration/G/I/V\n" >o.columns &&
	printf "R,LRN,V\nI,A1,1\n" >t.csv; MAP=o.columns map; rc=$?
	test_grep "t.csv:2:1: error: [CSV-ORPHAN]" err || exit 99
	exit $rc
'
test_expect_code 1 'an empty file: CSV-EMPTY' '
	: >t.csv; map; rc=$?
	test_grep "[CSV-EMPTY] no records" err || exit 99
	exit $rc
'
test_expect_code 3 'a WCO pointer the dictionary does not know: COLMAP-POINTER' '
	printf "column LRN -> 42A/67A/ZZ9\n" >bad.columns; MAP=bad.columns map; rc=$?
	test_grep "bad.columns:1:15: error: [COLMAP-POINTER] the WCO pointer '\''42A/67A/ZZ9'\'' is not in the WCO dictionary" err || exit 99
	exit $rc
'
test_expect_code 3 'a field rule in a CSV map: COLMAP-FROM' '
	printf "field 1-4 -> Declaration/FunctionalReferenceID\n" >bad.columns; MAP=bad.columns map; rc=$?
	test_grep "bad.columns:1:1: error: [COLMAP-FROM]" err || exit 99
	exit $rc
'
test_expect_code 3 'a column map that cannot be read: COLMAP-READ' '
	MAP=missing.columns map; rc=$?
	test_grep "missing.columns: error: [COLMAP-READ]" err || exit 99
	exit $rc
'
test_expect_code 2 '--from without --columns is a usage error' 'tdk map --from csv t.csv'
test_expect_code 2 '--from takes csv or fixed' 'tdk map --from xml --columns m.columns t.csv'
test_expect_code 2 'several inputs need -O' 'tdk map --from csv --columns m.columns t.csv t.csv'
test_done
