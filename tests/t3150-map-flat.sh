#!/bin/sh
# tdk map --from csv|fixed --columns FILE: invented CSV (header and item
# records), fixed-width and semicolon files with decimal commas map to
# DEC-DMS:2 declarations that validate against the UK CDS v2.15 schemas of
# the corpus (wrapper_submit.xsd through a catalog; skipped without the
# corpus); the values the transforms wrote; paths written as WCO pointers; a map out of schema order gives
# declarations the schema refuses; the EXAMPLES of tdk-columns(5).
. "$(dirname "$0")/lib.sh"

F=$DATA/flat
W=$TDK_CORPUS/wco/hmrc-customs-declarations/schemas/customs/wrapper_submit.xsd

test_expect_success 'a CSV of header and item records: one declaration per LRN, under -O' '
	mkdir o && tdk map --from csv --columns "$F/declarations.columns" -O o "$F/declarations.csv" 2>err &&
	ls o >got && printf "TDK-LRN-0001.xml\nTDK-LRN-0002.xml\nTDK-LRN-0003.xml\n" >want && test_cmp want got
'
test_expect_success 'header fields once, an item per item record, numbered and counted' '
	test "$(grep -o "<GovernmentAgencyGoodsItem>" o/TDK-LRN-0003.xml | wc -l)" -eq 3 &&
	test_grep "<GoodsItemQuantity>3</GoodsItemQuantity>" o/TDK-LRN-0003.xml &&
	test_grep "<SequenceNumeric>3</SequenceNumeric><Commodity><Description>Oak casks (empty)</Description>" o/TDK-LRN-0003.xml &&
	test "$(grep -o "<FunctionalReferenceID>" o/TDK-LRN-0003.xml | wc -l)" -eq 1
'
test_expect_success 'the transforms: dates to 304, numbers, codes, upper case, quotes kept' '
	f=o/TDK-LRN-0001.xml &&
	test_grep "<ds:DateTimeString formatCode=\"304\">20261202000000Z</ds:DateTimeString>" $f &&
	test_grep "<TypeCode>IMA</TypeCode>" $f && test_grep "<InvoiceAmount currencyID=\"GBP\">12500.00</InvoiceAmount>" $f &&
	test_grep "<Name>Acme \"Starch\" Ltd</Name>" $f && test_grep "<Description>Potato starch, food grade</Description>" $f &&
	test_grep "<Origin><CountryCode>FR</CountryCode></Origin>" $f &&
	test_grep "<ds:DateTimeString formatCode=\"304\">20280229000000Z</ds:DateTimeString>" o/TDK-LRN-0003.xml &&
	test_grep "<InvoiceAmount currencyID=\"USD\">1020000</InvoiceAmount>" o/TDK-LRN-0003.xml
'
test_expect_success 'fixed-width records by character positions, keyed without a record type' '
	mkdir x && tdk map --from fixed --columns "$F/fixed.columns" -O x "$F/fixed.txt" 2>err &&
	test_grep "<Description>Crème fraîche, chilled</Description>" x/TDK-FIX-000001.xml &&
	test_grep "<ds:DateTimeString formatCode=\"102\">20261201</ds:DateTimeString>" x/TDK-FIX-000001.xml &&
	test_grep "<GoodsItemQuantity>2</GoodsItemQuantity>" x/TDK-FIX-000001.xml &&
	test_grep "<InvoiceAmount currencyID=\"GBP\">980.00</InvoiceAmount>" x/TDK-FIX-000002.xml
'
test_expect_success 'a semicolon CSV with decimal commas and dotted dates' '
	mkdir s && tdk map --from csv --columns "$F/semicolon.columns" -O s "$F/semicolon.csv" 2>err &&
	test_grep "<InvoiceAmount currencyID=\"EUR\">1234.50</InvoiceAmount>" s/TDK-SEMI-0001.xml &&
	test_grep "<GrossMassMeasure>7.25</GrossMassMeasure><NetNetWeightMeasure>6.9</NetNetWeightMeasure>" s/TDK-SEMI-0001.xml &&
	test_grep "<InvoiceAmount currencyID=\"CHF\">18000</InvoiceAmount>" s/TDK-SEMI-0002.xml
'
test_expect_success 'a map written with WCO pointers gives the same declarations as one with paths' '
	mkdir p && tdk map --from csv --columns "$F/pointers.columns" -O p "$F/declarations.csv" 2>err &&
	for f in TDK-LRN-0001 TDK-LRN-0002 TDK-LRN-0003; do cmp o/$f.xml p/$f.xml || exit 1; done &&
	test "$(grep -c "42A/" "$F/pointers.columns")" -ge 20
'
test_expect_success 'one input on standard input, the declarations on standard output, unchecked without a schema' '
	tdk map --from csv --columns "$F/semicolon.columns" <"$F/semicolon.csv" >out 2>err &&
	test "$(grep -c "<md:MetaData" out)" -eq 2 && test_grep "<stdin> (result):2:69: warning: [XML-XSD-UNKNOWN]" err
'
if [ -f "$W" ]; then
	printf '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog"><uri name="urn:wco:datamodel:WCO:DocumentMetaData-DMS:2" uri="%s"/></catalog>\n' "$W" >"$TRASH/cat.xml"
	test_expect_success 'the declarations validate against the DEC-DMS:2 v2.15 schemas (wrapper_submit.xsd)' '
		mkdir v && for p in declarations.csv:declarations fixed.txt:fixed semicolon.csv:semicolon; do
			d=${p%%:*} m=${p##*:}
			case $d in *.txt) k=fixed ;; *) k=csv ;; esac
			tdk map --from $k --columns "$F/$m.columns" --catalog cat.xml -O v "$F/$d" >out 2>err &&
			test_grep ": mapped" out && ! grep -q "schema not checked" out || exit 1
		done &&
		test "$(ls v | wc -l)" -eq 7 && tdk validate --schema "$W" v/*.xml
	'
	test_expect_code 1 'a map out of schema order: the declarations are refused (exit 1)' '
		sed "/^count/d; s/^const  Declaration\/FunctionCode = 9/&/" "$F/declarations.columns" >late.columns &&
		echo "count -> Declaration/GoodsItemQuantity" >>late.columns && mkdir l &&
		tdk map --from csv --columns late.columns --catalog cat.xml -O l "$F/declarations.csv" >out 2>err; rc=$?
		test_grep "[XML-XSD" err && test_grep "GoodsItemQuantity" err && test ! -s l/TDK-LRN-0001.xml || exit 99
		exit $rc
	'
else
	test_skip 'the declarations validate against the DEC-DMS:2 v2.15 schemas' "no corpus at $TDK_CORPUS"
	test_skip 'a map out of schema order is refused' "no corpus at $TDK_CORPUS"
fi

# The EXAMPLES of tdk-columns(5), as t0002 runs those of the section 1 pages.
cp -r "$REPO/samples" "$TRASH/"
awk '/^\.\\" exit [0-9]+/ { want = $3; next }
     /^\.Dl \$ / { sub(/^\.Dl \$ /, ""); print (want == "" ? 0 : want) "\t" $0; want = ""; next }
     { want = "" }' "$REPO/man/tdk-columns.5" | sed 's/\\e/\\/g; s/\\-/-/g' >examples
test_expect_success 'tdk-columns(5) has examples, and its example files are the ones in samples/' '
	test "$(wc -l <examples)" -ge 2 &&
	awk "/^\.Bd -literal/ { on = 1; n++; next } /^\.Ed/ { on = 0; next } on && n == 1" "$REPO/man/tdk-columns.5" >csv &&
	test_cmp csv "$REPO/samples/declarations.csv" &&
	awk "/^\.Bd -literal/ { on = 1; n++; next } /^\.Ed/ { on = 0; next } on && n == 2" "$REPO/man/tdk-columns.5" >map &&
	test_cmp map "$REPO/samples/declarations.columns"
'
while IFS="$(printf '\t')" read -r want line; do
	test_expect_code "$want" "tdk-columns.5 example: $line" "cd '$TRASH' && $line >/dev/null 2>&1"
done <examples
test_done
