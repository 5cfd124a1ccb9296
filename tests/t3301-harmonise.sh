#!/bin/sh
# tdk harmonise on documents written for the test: the bytes around the
# values kept as they were (XML declaration, comments, CDATA, attribute
# quotes and order, CRLF), --check, -O, JSON, user rules and --no-default-rules,
# the MAI 01A vocabulary; and the malformed twins: an ambiguous country
# ("Congo"), an unknown one, an LRN of 25 characters, a number with more
# fraction digits than its format, an ambiguous comma, dates a format cannot
# carry, a rules file with faults (line and column), a missing one, a
# document that is not XML, not well-formed, not UTF-8.
. "$(dirname "$0")/lib.sh"

RAW=$SAMPLES/wco-declaration-raw.xml

# A declaration with one value to change in the middle of everything else.
decl() {
	printf '%s\n' "<?xml version='1.0' encoding=\"UTF-8\" standalone='yes'?>" \
		'<!-- a comment with <CountryCode>fr</CountryCode> in it -->' \
		'<md:MetaData xmlns:md="urn:wco:datamodel:WCO:DocumentMetaData-DMS:2"  xmlns="urn:wco:datamodel:WCO:DEC-DMS:2">' \
		'  <Declaration  a="1"   b='"'"'x &amp; y'"'"'>' \
		"    <FunctionalReferenceID>$1</FunctionalReferenceID>" \
		'    <Exporter><Name><![CDATA[A & B <Ltd>]]></Name><Address><CountryCode>'"$2"'</CountryCode></Address></Exporter>' \
		"    <InvoiceAmount currencyID='gbp'>$3</InvoiceAmount><Empty></Empty><Empty2/>" \
		'  </Declaration>' '</md:MetaData>'
}

test_expect_success 'only the values change: every other byte is kept' '
	decl LRN1 France "1 250,5" >in.xml && decl LRN1 FR 1250.5 | sed "s/gbp/GBP/" >want &&
	tdk harmonise in.xml >out 2>err && test_cmp want out &&
	test "$(grep -c "note: \[HARM-" err)" -eq 3 &&
	test_grep "in.xml:6:73: note: [HARM-COUNTRY] /MetaData/Declaration/Exporter/Address/CountryCode: '\''France'\'' -> '\''FR'\'' (rule dec-dms.rules:" err &&
	test_grep "[HARM-NUMBER] /MetaData/Declaration/InvoiceAmount: '\''1 250,5'\'' -> '\''1250.5'\''" err &&
	test_grep "[HARM-CURRENCY] /MetaData/Declaration/InvoiceAmount/@currencyID: '\''gbp'\'' -> '\''GBP'\''" err
'
test_expect_success 'CRLF line ends and a byte order mark stay' '
	printf "\357\273\277" >bom.xml && decl LRN1 " de " 1 | sed "s/\$/\r/" >>bom.xml &&
	printf "\357\273\277" >want && decl LRN1 DE 1 | sed "s/gbp/GBP/; s/\$/\r/" >>want &&
	tdk harmonise bom.xml >out 2>/dev/null && cmp want out
'
test_expect_success 'a document type declaration with an internal subset is skipped whole' '
	printf "<?xml version=\"1.0\"?>\n<!DOCTYPE Order [\n<!-- ] > -->\n<!ATTLIST Order x CDATA \"a>b\">\n<!ELEMENT Order ANY>\n]>\n<Order><Country>fra</Country></Order>\n" >dt.xml &&
	printf "country Country\n" >c.rules && tdk harmonise --no-default-rules --rules c.rules dt.xml >out 2>err &&
	sed "s/fra/FR/" dt.xml >want && test_cmp want out && test_grep "dt.xml:7:17: note: [HARM-COUNTRY]" err
'
test_expect_success 'a harmonised document harmonises to itself' '
	tdk harmonise $RAW >h.xml 2>/dev/null && tdk harmonise h.xml >h2.xml 2>err && cmp h.xml h2.xml && test ! -s err &&
	tdk harmonise --check h.xml >out && test_grep "h.xml: harmonised" out
'
test_expect_code 1 '--check: nothing written, the count in the verdict, exit 1' '
	tdk harmonise --check $RAW >out 2>err; rc=$?
	test_grep "wco-declaration-raw.xml: 17 values to harmonise" out && ! grep -q "<" out &&
	test "$(grep -c "note: \[HARM-" err)" -eq 17 || exit 99
	exit $rc
'
test_expect_success '--check --format json: a verdict object and the notes, one a line' '
	tdk harmonise --check --format json $SAMPLES/wco-declaration.xml $RAW >out; test $? -eq 1 &&
	test "$(grep -c "\"severity\":\"note\",\"code\":\"HARM-" out)" -eq 17 &&
	test_grep "\"result\":\"negative\",\"verdict\":\"17 values to harmonise\",\"status\":1" out &&
	test_grep "\"result\":\"ok\",\"verdict\":\"harmonised\",\"status\":0" out
'
test_expect_success '--check --format junit: the failure says what would change' '
	tdk harmonise --check --format junit $RAW >out; test $? -eq 1 &&
	test_grep "<failure message=\"17 values to harmonise\" type=\"invalid\">" out
'
test_expect_success 'standard input to standard output' '
	tdk harmonise <$RAW >out 2>err && cmp out h.xml && test_grep "<stdin>:10:30: note: [HARM-COUNTRY]" err
'
test_expect_success '-O dir: each document under its own name (two at once); several need it' '
	mkdir o && tdk harmonise -q -j 2 -O o $RAW $SAMPLES/wco-declaration.xml &&
	cmp o/wco-declaration.xml $SAMPLES/wco-declaration.xml && cmp o/wco-declaration-raw.xml h.xml &&
	{ tdk harmonise $RAW $RAW >/dev/null 2>err; test $? -eq 2; } && test_grep "several files need -O dir" err &&
	{ tdk harmonise --check -O o $RAW >/dev/null 2>err; test $? -eq 2; } && test_grep "no use with it" err
'
test_expect_success 'user rules: read first, keep overrides a shipped rule, a vocabulary of their own' '
	printf "# mine\nkeep CountryCode\ncountry Order/Country\nnumber Order/Total format=n..10,2\n" >my.rules &&
	tdk harmonise --rules my.rules in.xml >out 2>err &&
	test_grep "<CountryCode>France</CountryCode>" out && ! grep -q HARM-COUNTRY err &&
	printf "<Order><Country>germany</Country><Total>+12,50</Total><TypeCode>x</TypeCode></Order>\n" >o.xml &&
	tdk harmonise --rules my.rules o.xml >out 2>err &&
	echo "<Order><Country>DE</Country><Total>12.50</Total><TypeCode>x</TypeCode></Order>" >want && test_cmp want out &&
	test_grep "[HARM-COUNTRY] /Order/Country: '\''germany'\'' -> '\''DE'\'' (rule my.rules:3)" err &&
	tdk harmonise --no-default-rules --rules my.rules in.xml >out 2>err && test_grep "currencyID='\''gbp'\''" out &&
	! grep -q HARM- err
'
test_expect_success 'a WCO pointer selects through the dictionary, with its format' '
	printf "keep wco:42A/D026\nid wco:42A/67A/68A/23A/65A/126\n" >w.rules &&
	decl " Export_Format_REJ_LONGREF " FR 1 >l.xml && tdk harmonise --rules w.rules l.xml >/dev/null 2>err &&
	! grep -q FunctionalReferenceID err &&
	printf "<Declaration><FunctionalReferenceID> LRN </FunctionalReferenceID></Declaration>\n" >p.xml &&
	printf "id wco:42A/D026\n" >v.rules && tdk harmonise --no-default-rules --rules v.rules p.xml >out 2>err &&
	test_grep "<FunctionalReferenceID>LRN<" out && test_grep "(rule v.rules:1)" err &&
	printf "<Declaration><FunctionalReferenceID>%040d</FunctionalReferenceID></Declaration>\n" 1 >p2.xml &&
	{ tdk harmonise --no-default-rules --rules v.rules p2.xml >/dev/null 2>err; test $? -eq 1; } &&
	fmt=$(awk -F "\t" "\$1 == \"42A/D026\" { print \$4 }" "$REPO/data/wco/dictionary.tsv") && test -n "$fmt" &&
	test_grep "more than format $fmt allows" err &&
	printf "number wco:65A/128\n" >s.rules &&
	printf "<Declaration><GoodsShipment><GovernmentAgencyGoodsItem><Commodity><GoodsMeasure><NetNetWeightMeasure>1,1234567</NetNetWeightMeasure></GoodsMeasure></Commodity></GovernmentAgencyGoodsItem></GoodsShipment></Declaration>\n" >m.xml &&
	{ tdk harmonise --no-default-rules --rules s.rules m.xml >/dev/null 2>err; test $? -eq 1; } &&
	test_grep "NetNetWeightMeasure: '\''1,1234567'\'' has 8 digits, 7 after the decimal mark: more than format n..16,6 allows (never rounded) (rule s.rules:1)" err &&
	printf "id wco:D026\n" >a.rules && { tdk harmonise --no-default-rules --rules a.rules p.xml 2>err; test $? -eq 3; } &&
	test_grep "a.rules:1:4: error: [HARM-RULES] '\''wco:D026'\'' is no pointer of the WCO dictionary" err
'
test_expect_success 'MAI 01A: IssueDateTime as text in format 304, codes in capitals' '
	printf "<Declaration xmlns=\"urn:wco:datamodel:WCO:MAI:01A\"><IssueDateTime>\n 2014-04-15T16:30:00Z </IssueDateTime><TypeCode>mai</TypeCode><BorderTransportMeans><Itinerary><ID>nlams</ID></Itinerary></BorderTransportMeans></Declaration>\n" >mai.xml &&
	tdk harmonise mai.xml >out 2>err &&
	echo "<Declaration xmlns=\"urn:wco:datamodel:WCO:MAI:01A\"><IssueDateTime>20140415163000Z</IssueDateTime><TypeCode>MAI</TypeCode><BorderTransportMeans><Itinerary><ID>NLAMS</ID></Itinerary></BorderTransportMeans></Declaration>" >want &&
	test_cmp want out && test_grep "(rule mai-01a.rules:" err
'
M=$TDK_CORPUS/wco/dvreeze-yaidom-nl-b2sw-mai/instances/sample-declaration.xml
if [ -f "$M" ]; then
	test_expect_success 'the corpus MAI 01A declaration is harmonised already' 'tdk harmonise --check $M'
else
	test_skip 'the corpus MAI 01A declaration is harmonised already' "no corpus at $TDK_CORPUS"
fi

# ---- malformed twins ----
test_expect_code 1 'an ambiguous country: both candidates named, the value left as it was' '
	decl LRN1 Congo 1 >c.xml && tdk harmonise c.xml >out 2>err; rc=$?
	test_grep "c.xml:6:73: error: [HARM-AMBIGUOUS] /MetaData/Declaration/Exporter/Address/CountryCode: '\''Congo'\'' names 2 entries: CD (Congo, The Democratic Republic of the), CG (Congo)" err &&
	test_grep "<CountryCode>Congo</CountryCode>" out && test_grep "currencyID='\''GBP'\''" out || exit 99
	exit $rc
'
test_expect_code 1 'an unknown country, and a lower-case code no entry has' '
	decl LRN1 Atlantis 1 >u.xml && decl LRN1 xq 1 >u2.xml && tdk harmonise --check u.xml u2.xml >out 2>err; rc=$?
	test_grep "u.xml:6:73: error: [HARM-UNKNOWN] /MetaData/Declaration/Exporter/Address/CountryCode: '\''Atlantis'\'' is no country of ISO 3166-1" err &&
	test_grep "u2.xml:6:73: error: [HARM-UNKNOWN]" err && ! grep -q "close:" err &&
	decl LRN1 Frnace 1 >u3.xml && { tdk harmonise u3.xml >/dev/null 2>err; test $? -eq 1; } &&
	test_grep "'\''Frnace'\'' is no country of ISO 3166-1: no code or name of the list matches it; close: FR (France)?" err && test_grep "u.xml: 1 value to harmonise, others in error" out &&
	printf "country CountryCode\n" >cc.rules &&
	{ tdk harmonise --check --no-default-rules --rules cc.rules u.xml >out 2>err; test $? -eq 1; } &&
	test_grep "u.xml: not harmonised" out || exit 99
	exit $rc
'
test_expect_code 1 'an LRN of 25 characters is an error, never cut' '
	decl " Export_Format_REJ_LONGREF " FR 1 >l.xml && tdk harmonise l.xml >out 2>err; rc=$?
	test_grep "l.xml:5:28: error: [HARM-TOO-LONG] /MetaData/Declaration/FunctionalReferenceID: '\''Export_Format_REJ_LONGREF'\'' has 25 characters, more than format an..22 allows (never cut)" err &&
	test_grep "<FunctionalReferenceID> Export_Format_REJ_LONGREF </FunctionalReferenceID>" out || exit 99
	exit $rc
'
test_expect_code 1 'a number with more fraction digits than its format; trailing zeros past it go' '
	decl LRN1 FR 12.3456 >n.xml && decl LRN1 FR "12,5000" >n2.xml &&
	tdk harmonise n2.xml >out 2>err && test_grep ">12.500<" out &&
	tdk harmonise n.xml >out 2>err; rc=$?
	test_grep "error: [HARM-DIGITS] /MetaData/Declaration/InvoiceAmount: '\''12.3456'\'' has 6 digits, 4 after the decimal mark: more than format n..16,3 allows (never rounded)" err || exit 99
	exit $rc
'
test_expect_code 1 'a comma that may be a thousands separator or a decimal mark' '
	decl LRN1 FR "1,234" >a.xml && tdk harmonise a.xml >/dev/null 2>err; rc=$?
	test_grep "[HARM-AMBIGUOUS] /MetaData/Declaration/InvoiceAmount: '\''1,234'\'' may be 1234 or 1.234" err || exit 99
	exit $rc
'
test_expect_code 1 'dates the format code cannot carry' '
	sed "s/2025-03-12T09:30:00+00:00/2025-03-12T09:30:00+05:30/; s/formatCode=\"304\">\$/formatCode=\"102\">/" $RAW >d.xml &&
	tdk harmonise d.xml >/dev/null 2>err; rc=$?
	test_grep "[HARM-BAD-DATE] /MetaData/Declaration/IssueDateTime/DateTimeString: '\''2025-03-12T09:30:00+05:30'\'' has a time zone offset with minutes, which format 304 cannot carry" err &&
	test_grep "[HARM-BAD-DATE] /MetaData/Declaration/AcceptanceDateTime/DateTimeString: '\''2025-03-12T10:15:00Z'\'' has a time, which format 102 (CCYYMMDD) cannot carry" err || exit 99
	exit $rc
'
test_expect_code 3 'a rules file with faults: each at its line and column, no document handled' '
	printf "country\nbogus X\nnumber A//B\nnumber X format=an..5\ncode Y case=lower\nid /@x\nid wco:42A/X999\n" >bad.rules &&
	tdk harmonise --rules bad.rules $RAW >out 2>err; rc=$?
	test_grep "bad.rules:1:8: error: [HARM-RULES] a rule needs a selector after its kind" err &&
	test_grep "bad.rules:2:1: error: [HARM-RULES] '\''bogus'\'' is not a kind of value" err &&
	test_grep "bad.rules:3:10: error: [HARM-RULES] '\''/B'\'' is not a step of a selector" err &&
	test_grep "bad.rules:4:1: error: [HARM-RULES] a number'\''s format is n..TOTAL,FRACTION or nLENGTH" err &&
	test_grep "bad.rules:5:8: error: [HARM-RULES] '\''case=lower'\'' is not an option" err &&
	test_grep "bad.rules:6:4: error: [HARM-RULES] '\''/@x'\'': an anchored selector names the root element first" err &&
	test_grep "bad.rules:7:4: error: [HARM-RULES] '\''wco:42A/X999'\'' is no pointer of the WCO dictionary" err &&
	test ! -s out || exit 99
	TDK_WCO_DATA_DIR=$TRASH/nowhere tdk harmonise --no-default-rules --rules bad.rules $RAW 2>err; test $? -eq 3 &&
	test_grep "bad.rules:7:4: error: [HARM-RULES] '\''wco:42A/X999'\'': a wco: selector needs the WCO dictionary" err ||
		exit 99
	exit $rc
'
test_expect_code 3 'a rules file that cannot be read, a rules folder that is not there' '
	tdk harmonise --rules none.rules $RAW >out 2>err; rc=$?
	test_grep "none.rules: error: [HARM-RULES-READ] cannot read the rules: No such file or directory" err || exit 99
	TDK_HARMONISE_DIR=$TRASH/nowhere tdk harmonise $RAW >out 2>err; test $? -eq 3 &&
	test_grep "nowhere: error: [HARM-RULES-READ]" err || exit 99
	exit $rc
'
test_expect_code 1 'not XML, not well-formed, not UTF-8' '
	tdk harmonise $SAMPLES/invoic-d96a.edi >/dev/null 2>err1; r1=$?
	printf "<a><b></a>\n" >nwf.xml && tdk harmonise nwf.xml >/dev/null 2>err2; r2=$?
	printf "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\374</a>\n" >l1.xml && tdk harmonise l1.xml >/dev/null 2>err3; r3=$?
	test_grep "[TDK-FORMAT]" err1 && test_grep "nwf.xml:1:" err2 && test_grep "[HARM-XML]" err2 &&
	test_grep "l1.xml: error: [HARM-ENCODING] the document is in ISO-8859-1" err3 || exit 99
	test $r1 -eq 1 && test $r2 -eq 1 && exit $r3
'

test_done
