#!/bin/sh
# tdk map with a stylesheet of one's own: text and XML results, --param,
# tdk's extension functions (codes, dates, numbers, UNCL names, what is not
# carried with its line and path, an error under --strict), -O with several
# inputs, -j 4 giving what -j 1 gives, the JSON and JUnit reports, and a
# result whose namespace no catalog names (mapped in part; exit 1 under
# --strict).
. "$(dirname "$0")/lib.sh"

M=$DATA/map
NL='
'

test_expect_success 'a text stylesheet on a WCO declaration, to standard output' '
	tdk map "$SAMPLES/wco-summary.xsl" "$SAMPLES/wco-declaration.xml" >out 2>err &&
	cat >want <<-\EOT &&
	declaration TDKSAMPLE0001 type IMZ issued 20250312
	invoice 1250.00 GBP
	item 1: Ceramic tableware, packed in CT
	item 2: Glass vases, packed in CT
	EOT
	test_cmp want out && test ! -s err
'
test_expect_success '--param sets a top-level parameter, as a string' '
	tdk map "$M/summary.xsl" --param "office=GB0006'\''0\"" --no-validate "$SAMPLES/wco-declaration.xml" >out &&
	test_grep "<summary office=\"GB0006'\''0&quot;\">" out && test_grep "<lrn>TDKSAMPLE0001</lrn>" out &&
	test_grep "<items>2</items>" out
'
test_expect_code 2 '--param without a value is a usage error' '
	tdk map "$M/summary.xsl" --param office "$SAMPLES/wco-declaration.xml" 2>err; rc=$?
	test_grep "tdk map: --param '\''office'\'': say NAME=VALUE" err || exit 99
	exit $rc
'
if [ -d "$DIRECTORIES/d96b" ]; then
	test_expect_success 'the extension functions, and tdk:unmapped at each node'\''s line and path' '
		tdk map "$M/ext.xsl" -D "$DIRECTORIES" "$SAMPLES/wco-declaration.xml" >out 2>err &&
		cat >want <<-\EOT &&
		country DE|DE|
		currency EUR|EUR
		unit KGM|package CT
		date 20250312101500Z|20250312|
		number 1250.00|7|
		uncl Goods declaration for exportation||
		EOT
		test_cmp want out &&
		test_grep "wco-declaration.xml:18: warning: [MAP-UNMAPPED] /MetaData/Declaration/InvoiceAmount/@currencyID not carried: not summed up" err &&
		test_grep "wco-declaration.xml:35: warning: [MAP-UNMAPPED] /MetaData/Declaration/GoodsShipment/GovernmentAgencyGoodsItem[2]/Commodity/InvoiceLine/ItemChargeAmount/@currencyID" err &&
		test "$(grep -c MAP-UNMAPPED err)" -eq 4
	'
	test_expect_code 1 '--strict: what is not carried is an error, and nothing is written' '
		tdk map --strict "$M/ext.xsl" -D "$DIRECTORIES" "$SAMPLES/wco-declaration.xml" >out 2>err; rc=$?
		test_grep "error: [MAP-UNMAPPED]" err && test ! -s out || exit 99
		exit $rc
	'
else
	test_skip 'the extension functions' "no releases at $DIRECTORIES"
	test_skip '--strict and tdk:unmapped' "no releases at $DIRECTORIES"
fi
test_expect_success 'a result no catalog names: mapped, schema not checked (a warning)' '
	tdk map "$M/summary.xsl" -O o "$SAMPLES/wco-declaration.xml" >out 2>err &&
	test_grep "wco-declaration.xml: mapped, schema not checked" out &&
	test_grep "o/wco-declaration.xml (result):2:26: warning: [XML-XSD-UNKNOWN]" err &&
	test_grep "<lrn>TDKSAMPLE0001</lrn>" o/wco-declaration.xml
'
test_expect_code 1 'the same under --strict fails' '
	tdk map --strict "$M/summary.xsl" -O o "$SAMPLES/wco-declaration.xml" >out 2>err
'
test_expect_success '-O dir: one result per input, named after it; a summary line' '
	tdk map "$SAMPLES/wco-summary.xsl" -O o "$SAMPLES/wco-declaration.xml" "$SAMPLES/declaration.xml" >out 2>err &&
	test -s o/wco-declaration.txt && test -f o/declaration.txt &&
	test_grep "2 files: 2 mapped, 0 invalid, 0 not mapped" out
'
test_expect_code 2 'several inputs without -O' '
	tdk map "$SAMPLES/wco-summary.xsl" "$SAMPLES/wco-declaration.xml" "$SAMPLES/declaration.xml" 2>err; rc=$?
	test_grep "several inputs need -O dir" err || exit 99
	exit $rc
'
test_expect_success '-j 4 gives what -j 1 gives' '
	mkdir in && i=0 &&
	while [ $i -lt 12 ]; do
		sed "s/TDKSAMPLE0001/TDKSAMPLE$i/" "$SAMPLES/wco-declaration.xml" >in/d$i.xml && i=$((i + 1)) || exit 1
	done &&
	tdk map "$SAMPLES/wco-summary.xsl" -j 1 -O a -r in >out1 2>&1 &&
	tdk map "$SAMPLES/wco-summary.xsl" -j 4 -O b -r in >out4 2>&1 &&
	diff -r a b && test "$(ls b | wc -l)" -eq 12 && test_grep "declaration TDKSAMPLE7 " b/d7.txt &&
	sort out1 >s1 && sort out4 >s4 && test_cmp s1 s4
'
test_expect_success '--format json: the diagnostics and a verdict per document' '
	tdk map "$M/summary.xsl" --format json -O o "$SAMPLES/wco-declaration.xml" >out 2>err &&
	test_grep "\"code\":\"XML-XSD-UNKNOWN\"" out &&
	test_grep "{\"file\":\"$SAMPLES/wco-declaration.xml\",\"result\":\"partial\",\"verdict\":\"mapped, schema not checked\",\"status\":0" out
'
test_expect_success '--format junit: a testcase per input, a stylesheet failure a failure' '
	tdk map "$DATA/map/message.xsl" --format junit -O o "$SAMPLES/wco-declaration.xml" "$SAMPLES/declaration.xml" >out 2>err;
	test $? -eq 1 && test_grep "<testsuite name=\"tdk map\" tests=\"2\" failures=\"2\"" out &&
	test_grep "MAP-MESSAGE" out && test ! -e o/declaration.xml
'
test_done
