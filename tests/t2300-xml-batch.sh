#!/bin/sh
# Batch mode for CI: file arguments, -r DIR, --files-from with -0, -j N;
# a verdict per file and a summary; JSON and JUnit reports asserted
# structurally; --max-errors per file; the same report with one job or
# four; EDIFACT and XML in one run.
. "$(dirname "$0")/lib.sh"

mkdir -p docs/sub "docs/with space"
cat >docs/order.xsd <<'X'
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:example:order" xmlns="urn:example:order" elementFormDefault="qualified">
  <xs:element name="order"><xs:complexType><xs:sequence>
    <xs:element name="qty" type="xs:positiveInteger" maxOccurs="unbounded"/>
  </xs:sequence></xs:complexType></xs:element>
</xs:schema>
X
printf '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog"><uri name="urn:example:order" uri="docs/order.xsd"/></catalog>\n' >cat.xml
i=0
while [ $i -lt 20 ]; do
	printf '<order xmlns="urn:example:order"><qty>%d</qty></order>\n' $((i + 1)) >docs/sub/ok$i.xml
	i=$((i + 1))
done
printf '<order xmlns="urn:example:order"><qty>0</qty><qty>x</qty><qty>-1</qty></order>\n' >"docs/with space/bad.xml"
printf '<order xmlns="urn:example:order"><qty>1</qty>' >docs/truncated.xml
cp "$SAMPLES/invoic-d96a.edi" "$SAMPLES/orders-broken.edi" docs/
printf 'not a document\n' >docs/notes.txt

test_expect_code 1 '-r: every document under the folder, a verdict each, in name order, and a summary' '
	tdk validate --catalog cat.xml -r docs >out 2>err; rc=$?
	test $(grep -c ": valid\$" out) -eq 21 &&
	test_grep "docs/invoic-d96a.edi: valid (syntax only)" out &&
	test_grep "docs/with space/bad.xml: invalid" out &&
	test_grep "docs/truncated.xml: invalid" out &&
	test_grep "docs/orders-broken.edi: invalid" out &&
	test_grep "docs/order.xsd: valid" out &&
	! grep -q notes.txt out &&
	test "$(tail -1 out)" = "25 files: 21 valid, 3 invalid, 1 checked in part, 0 not checked" &&
	head -n -1 out | cut -d: -f1 >names && LC_ALL=C sort names | cmp - names || { cat out; exit 99; }
	exit $rc
'
test_expect_code 1 '-j 4 gives the same report, each file'"'"'s diagnostics together, in order' '
	tdk validate --catalog cat.xml -r docs >out1 2>err1
	tdk validate --catalog cat.xml -r docs -j 4 >out4 2>err4; rc=$?
	test_cmp out1 out4 && test_cmp err1 err4 || exit 99
	exit $rc
'
test_expect_code 1 '--files-from with -0 (names with blanks), from standard input' '
	find docs -name "*.xml" -print0 | tdk validate --catalog cat.xml --files-from - -0 >out 2>err; rc=$?
	test "$(tail -1 out)" = "22 files: 20 valid, 2 invalid, 0 not checked" || { cat out; exit 99; }
	exit $rc
'
test_expect_code 3 'a file that cannot be read is "not checked", the others are still checked' '
	printf "docs/sub/ok1.xml\nno-such.xml\ndocs/sub/ok2.xml\n" >list
	tdk validate --catalog cat.xml --files-from list >out 2>err; rc=$?
	test_grep "no-such.xml: not checked" out && test_grep "no-such.xml'"'"': No such file or directory" err && test_grep "3 files: 2 valid, 0 invalid, 1 not checked" out || exit 99
	exit $rc
'
test_expect_code 1 'json: diagnostics, then a verdict object per file, then the summary' '
	tdk validate --catalog cat.xml --format json -j 2 -r docs >out 2>err; rc=$?
	test ! -s err &&
	perl -MJSON::PP -ne "
		my \$o = decode_json(\$_);
		if (exists \$o->{summary}) { \$s = \$o->{summary}; next }
		if (exists \$o->{verdict}) { \$v{\$o->{result}}++; die qq(status) unless \$o->{status} =~ /^\d+\$/; next }
		for my \$k (qw(file line column severity code message)) { exists \$o->{\$k} or die qq(no \$k) }
		\$d{\$o->{file}}++;
		END {
			die qq(verdicts) unless \$v{ok} == 21 && \$v{partial} == 1 && \$v{negative} == 3;
			die qq(summary) unless \$s->{files} == 25 && \$s->{ok} == 21 && \$s->{partial} == 1 &&
				\$s->{negative} == 3 && \$s->{error} == 0;
			die qq(diagnostics) unless \$d{q(docs/with space/bad.xml)} == 3;
		}
	" out || exit 99
	exit $rc
'
test_expect_code 1 'junit: one test case per file, a failure per invalid file with its diagnostics' '
	tdk validate --catalog cat.xml --format junit -j 3 -r docs >r.xml 2>err; rc=$?
	xmllint --noout r.xml &&
	test "$(xmllint --xpath "count(//testsuite/testcase)" r.xml)" = 25 &&
	test "$(xmllint --xpath "string(//testsuite/@tests)" r.xml)" = 25 &&
	test "$(xmllint --xpath "string(//testsuite/@failures)" r.xml)" = 3 &&
	test "$(xmllint --xpath "count(//testcase[failure])" r.xml)" = 3 &&
	xmllint --xpath "string(//testcase[@name=\"docs/with space/bad.xml\"]/failure)" r.xml | grep -q "XML-XSD" &&
	xmllint --xpath "string(//testcase[@name=\"docs/truncated.xml\"]/failure)" r.xml | grep -q "XML-SYNTAX" || exit 99
	exit $rc
'
test_expect_code 1 '--max-errors is per file' '
	tdk validate --catalog cat.xml --max-errors 1 "docs/with space/bad.xml" "docs/with space/bad.xml" >out 2>err; rc=$?
	test $(grep -c "\[XML-XSD\]" err) -eq 2 && test $(grep -c "stopped after 1 error" err) -eq 2 || exit 99
	exit $rc
'
test_expect_code 1 '-q: nothing at all, in batch too' '
	tdk validate -q --catalog cat.xml -r docs >out 2>err; rc=$?
	test ! -s out && test ! -s err || exit 99
	exit $rc
'
test_expect_code 2 '-p with a batch is a usage error' 'tdk validate -p -r docs 2>/dev/null'
test_expect_code 3 'a broken --schema: reported once, every file "error"' '
	printf "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"><xs:element name=\"a\" type=\"nope\"/></xs:schema>\n" >broken.xsd
	tdk validate --schema broken.xsd docs/sub/ok1.xml docs/sub/ok2.xml >out 2>err; rc=$?
	test $(grep -c "XML-XSD-COMPILE" err) -eq 1 && test_grep "2 files: 0 valid, 0 invalid, 2 not checked" out || exit 99
	exit $rc
'
test_expect_success 'one schema compile for many files: 500 documents in one run' '
	mkdir many && i=0 && while [ $i -lt 500 ]; do cp docs/sub/ok1.xml many/d$i.xml; i=$((i + 1)); done &&
	tdk validate --catalog cat.xml -j 2 -r many >out && test_grep "500 files: 500 valid" out
'
test_done
