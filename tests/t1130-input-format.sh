#!/bin/sh
# What an input is, told once from its first bytes (lib/util/sniff.c), for
# every command of the driver: validate and convert refuse what they do not
# read with TDK-FORMAT, saying what it looks like and which command reads
# it, instead of taking anything that is not XML for EDIFACT; a damaged
# interchange still reaches the EDIFACT parser, which says where it breaks.
. "$(dirname "$0")/lib.sh"

test_expect_success 'set up: a CSV, a PDF, a ZIP, JSON, text, a WCO declaration' '
	printf "ref,country,value\nA1,DE,100\nA2,FR,200\n" >list.csv &&
	printf "ref;country;value\r\nA1;DE;100\r\n" >semi.csv &&
	printf "%%PDF-1.7\n%%\342\343\317\323\n1 0 obj\n" >scan.pdf &&
	printf "PK\003\004\024\000\000\000\000\000" >box.zip &&
	printf "{\"edifact\":[]}\n" >doc.json &&
	cp "$SAMPLES/wco-declaration.xml" wco.xml
'
for f in list.csv semi.csv scan.pdf box.zip; do
	test_expect_code 1 "convert $f: TDK-FORMAT, nothing on standard output" "
		tdk convert $f >out 2>err; rc=\$?
		test ! -s out && test_grep '$f: error: [TDK-FORMAT] input looks like ' err &&
		test_grep 'which tdk convert reads' err || exit 99
		exit \$rc
	"
	test_expect_code 1 "validate $f: TDK-FORMAT, the verdict invalid" "
		tdk validate $f >out 2>err; rc=\$?
		test_grep '$f: invalid' out && test_grep '[TDK-FORMAT] input looks like ' err || exit 99
		exit \$rc
	"
done
test_expect_code 1 'the message says what a CSV file is and who takes it' '
	tdk convert list.csv 2>err; rc=$?
	test_grep "input looks like CSV (comma-separated values)" err && test_grep "tdk pack" err || exit 99
	exit $rc
'
test_expect_code 1 'JSON to validate: refused, and convert named as its reader' '
	tdk validate doc.json 2>err; rc=$?
	test_grep "[TDK-FORMAT] input looks like JSON" err && test_grep "tdk convert" err || exit 99
	exit $rc
'
test_expect_code 1 'a WCO DM declaration to convert: tdk map is named, nothing converted' '
	tdk convert wco.xml >out 2>err; rc=$?
	test ! -s out && test_grep "[TDK-FORMAT] input is XML in namespace" err &&
	test_grep "'"'"'tdk map'"'"'" err || exit 99
	exit $rc
'
test_expect_code 1 'an interchange cut before its first terminator still reaches the EDIFACT parser' '
	printf "UNB+UNOA:3+SENDER+RECEIVER+200101:1200+1" >cut.edi &&
	tdk validate --syntax-only cut.edi 2>err; rc=$?
	! grep -q TDK-FORMAT err && grep -q "EDI-" err || exit 99
	exit $rc
'
test_expect_code 1 'plain text reaches the EDIFACT parser too, which says it holds no interchange' '
	printf "hello world\n" >note.txt &&
	tdk validate --syntax-only note.txt 2>err; rc=$?
	! grep -q TDK-FORMAT err && grep -q "EDI-" err || exit 99
	exit $rc
'
test_expect_success 'the real formats are still read: EDIFACT, XML, JSON' '
	tdk convert -o inv.xml "$SAMPLES/invoic-d96a.edi" && tdk convert -t json -o inv.json "$SAMPLES/invoic-d96a.edi" &&
	tdk convert inv.xml | cmp - "$SAMPLES/invoic-d96a.edi" && tdk convert inv.json | cmp - "$SAMPLES/invoic-d96a.edi"
'
test_expect_code 1 'the same under -j 4 and in JUnit: one failure per refused input' '
	tdk validate -j 4 --format junit list.csv scan.pdf box.zip "$SAMPLES/invoic-d96a.edi" >r.xml; rc=$?
	test "$(xmllint --xpath "count(//testcase)" r.xml)" = 4 &&
	test "$(xmllint --xpath "count(//testcase[failure])" r.xml)" = 3 || exit 99
	exit $rc
'
test_done
