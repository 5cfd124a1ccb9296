#!/bin/sh
# The report contract every command keeps through the one driver (cmd/run.c,
# REPORTS in tdk(1)), checked for validate, convert, sign and verify with the
# cases that apply to each: a positive and a negative document, a missing
# input, one that cannot be read (a folder), a setup that fails (a schema set
# that does not compile, a key or trust anchor that cannot be read), an
# EDIFACT message whose release is not installed and an XML document with no
# schema (checked in part), under -j 1 and -j 4.  JUnit is read with xmllint
# XPath, JSON with a real JSON parser (perl's JSON::PP).
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/pki.sh"

test_expect_success 'set up: a PKI, documents of every kind' '
	make_pki &&
	mkdir in && cp doc.xml in/good.xml &&
	printf "<Declaration xmlns=\"urn:example:x\"><a>1</a>\n" >in/broken.xml &&
	printf "<order xmlns=\"urn:example:order\"><qty>1</qty></order>\n" >in/order.xml &&
	printf "<order xmlns=\"urn:example:order\"><qty>x</qty></order>\n" >in/bad-order.xml &&
	cat >order.xsd <<-\EOF &&
	<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:example:order" elementFormDefault="qualified">
	  <xs:element name="order"><xs:complexType><xs:sequence>
	    <xs:element name="qty" type="xs:positiveInteger"/>
	  </xs:sequence></xs:complexType></xs:element>
	</xs:schema>
	EOF
	printf "<catalog xmlns=\"urn:oasis:names:tc:entity:xmlns:xml:catalog\"><uri name=\"urn:example:order\" uri=\"order.xsd\"/></catalog>\n" >cat.xml &&
	printf "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"><xs:element name=\"a\" type=\"nope\"/></xs:schema>\n" >broken.xsd &&
	cp "$SAMPLES/orders-broken.edi" in/bad.edi &&
	printf "UNB+UNOA:3+A+B+200101:1200+1'\''UNH+1+CUSCAR:D:03B:UN'\''BGM+85+X+9'\''UNT+3+1'\''UNZ+1+1'\''" >in/d03b.edi &&
	mkdir in/folder.xml
'

# Runs tdk "$@" with the report in FORMAT into out.FORMAT.J; the status into rc.FORMAT.J.
report() {
	fmt=$1 j=$2
	shift 2
	tdk "$@" --format "$fmt" -j "$j" >"out.$fmt.$j" 2>"err.$fmt.$j"
	echo $? >"rc.$fmt.$j"
}

# junit_is J NAME KIND: the test case NAME of out.junit.J is passed, failure, error or skipped.
junit_is() {
	f=out.junit.$1
	test "$(xmllint --xpath "count(//testcase[@name=\"$2\"])" "$f")" = 1 || { echo "no one case for $2"; return 1; }
	for k in failure error skipped; do
		n=$(xmllint --xpath "count(//testcase[@name=\"$2\"]/$k)" "$f")
		if [ "$k" = "$3" ]; then test "$n" = 1; else test "$n" = 0; fi || { echo "$2: not $3 ($k=$n)"; return 1; }
	done
}

# json_is J NAME RESULT STATUS: the verdict object of NAME in out.json.J.
json_is() {
	perl -MJSON::PP -e '
		my ($file, $name, $result, $status) = @ARGV; my $n = 0;
		open my $f, "<", $file or die; while (<$f>) {
			my $o = decode_json($_);
			next unless exists $o->{verdict} && $o->{file} eq $name;
			$n++;
			for my $k (qw(file result verdict status)) { exists $o->{$k} or die "no $k\n" }
			$o->{result} eq $result or die "$name: result $o->{result}, not $result\n";
			$o->{status} == $status or die "$name: status $o->{status}, not $status\n";
			exists $o->{reason} or die "$name: no reason\n" if $result eq "partial" || $result eq "error";
		}
		$n == 1 or die "$name: $n verdict objects\n";
	' "out.json.$1" "$2" "$3" "$4"
}

# every_line_json J: every line of out.json.J is a JSON object; diagnostics have the keys of a diagnostic.
every_line_json() {
	perl -MJSON::PP -ne '
		my $o = decode_json($_);
		next if exists $o->{verdict} || exists $o->{summary};
		for my $k (qw(file line column severity code message)) { exists $o->{$k} or die "no $k in $_" }
	' "out.json.$1"
}

for j in 1 4; do
	test_expect_code 3 "validate -j $j: positive, negative, missing, unreadable, syntax only, no schema" "
		set -- --catalog cat.xml in/order.xml in/bad-order.xml in/no-such.xml in/folder.xml in/d03b.edi in/good.xml in/bad.edi
		report junit $j validate \"\$@\" && report json $j validate \"\$@\" &&
		test \"\$(xmllint --xpath 'string(//testsuite/@tests)' out.junit.$j)\" = 7 &&
		test \"\$(xmllint --xpath 'count(//testcase)' out.junit.$j)\" = 7 &&
		junit_is $j in/order.xml passed && junit_is $j in/bad-order.xml failure &&
		junit_is $j in/no-such.xml error && junit_is $j in/folder.xml error &&
		junit_is $j in/d03b.edi skipped && junit_is $j in/good.xml skipped && junit_is $j in/bad.edi failure &&
		xmllint --xpath 'string(//testcase[@name=\"in/d03b.edi\"]/skipped/@message)' out.junit.$j | grep -q 'release D03B is not installed' &&
		xmllint --xpath 'string(//testcase[@name=\"in/good.xml\"]/skipped/@message)' out.junit.$j | grep -q 'no schema is registered' &&
		test \"\$(xmllint --xpath 'string(//testsuite/@skipped)' out.junit.$j)\" = 2 &&
		test \"\$(xmllint --xpath 'string(//testsuite/@errors)' out.junit.$j)\" = 2 &&
		test \"\$(xmllint --xpath 'string(//testsuite/@failures)' out.junit.$j)\" = 2 &&
		every_line_json $j &&
		json_is $j in/order.xml ok 0 && json_is $j in/bad-order.xml negative 1 &&
		json_is $j in/no-such.xml error 3 && json_is $j in/folder.xml error 3 &&
		json_is $j in/d03b.edi partial 0 && json_is $j in/good.xml partial 0 && json_is $j in/bad.edi negative 1 &&
		test \$(cat rc.junit.$j) = 3 && test \$(cat rc.json.$j) = 3 || exit 99
		exit 3
	"
	test_expect_code 3 "validate -j $j: a schema set that does not compile is an error for every input" "
		report junit $j validate --schema broken.xsd in/order.xml in/good.xml &&
		report json $j validate --schema broken.xsd in/order.xml in/good.xml &&
		junit_is $j in/order.xml error && junit_is $j in/good.xml error &&
		xmllint --xpath 'string(//testcase[@name=\"in/order.xml\"]/error/@message)' out.junit.$j | grep -q 'schema set cannot be used' &&
		json_is $j in/order.xml error 3 && json_is $j in/good.xml error 3 || exit 99
		exit \$(cat rc.junit.$j)
	"
	test_expect_code 1 "validate -j $j --strict: checked in part fails" "
		report junit $j validate --strict in/d03b.edi in/good.xml &&
		junit_is $j in/d03b.edi failure && junit_is $j in/good.xml failure || exit 99
		exit \$(cat rc.junit.$j)
	"
	test_expect_code 3 "convert -j $j -O: positive, negative, missing, unreadable" "
		set -- -O conv$j in/bad.edi in/no-such.edi in/folder.xml \"\$SAMPLES/invoic-d96a.edi\"
		report junit $j convert \"\$@\" && report json $j convert \"\$@\" &&
		test \"\$(xmllint --xpath 'count(//testcase)' out.junit.$j)\" = 4 &&
		junit_is $j \"\$SAMPLES/invoic-d96a.edi\" passed && junit_is $j in/no-such.edi error &&
		junit_is $j in/folder.xml error &&
		every_line_json $j && json_is $j \"\$SAMPLES/invoic-d96a.edi\" ok 0 && json_is $j in/no-such.edi error 3 &&
		test -s conv$j/invoic-d96a.xml && test ! -e conv$j/no-such.xml || exit 99
		exit \$(cat rc.junit.$j)
	"
	test_expect_code 3 "sign -j $j -O: positive, negative, missing, unreadable" "
		set -- -k rsa.key --cert rsa.pem -O signed$j in/good.xml in/broken.xml in/no-such.xml in/folder.xml
		report junit $j sign \"\$@\" && report json $j sign \"\$@\" &&
		test \"\$(xmllint --xpath 'count(//testcase)' out.junit.$j)\" = 4 &&
		junit_is $j in/good.xml passed && junit_is $j in/broken.xml failure &&
		junit_is $j in/no-such.xml error && junit_is $j in/folder.xml error &&
		every_line_json $j && json_is $j in/good.xml ok 0 && json_is $j in/broken.xml negative 1 &&
		json_is $j in/no-such.xml error 3 && test -s signed$j/good.xml && test ! -e signed$j/broken.xml || exit 99
		exit \$(cat rc.junit.$j)
	"
	test_expect_code 3 "sign -j $j: a key that cannot be read is an error for every input" "
		report junit $j sign -k no-such.key -O s$j in/good.xml in/order.xml &&
		junit_is $j in/good.xml error && junit_is $j in/order.xml error || exit 99
		exit \$(cat rc.junit.$j)
	"
	test_expect_code 3 "verify -j $j: positive, negative, missing, unreadable" "
		cp signed1/good.xml ok.xml && sed 's/>100</>900</' signed1/good.xml >tampered.xml &&
		! cmp -s ok.xml tampered.xml &&
		set -- --ca ca.pem ok.xml tampered.xml in/no-such.xml in/folder.xml
		report junit $j verify \"\$@\" && report json $j verify \"\$@\" &&
		test \"\$(xmllint --xpath 'count(//testcase)' out.junit.$j)\" = 4 &&
		junit_is $j ok.xml passed && junit_is $j tampered.xml failure &&
		junit_is $j in/no-such.xml error && junit_is $j in/folder.xml error &&
		every_line_json $j && json_is $j ok.xml ok 0 && json_is $j tampered.xml negative 1 &&
		json_is $j in/no-such.xml error 3 || exit 99
		exit \$(cat rc.junit.$j)
	"
	test_expect_code 5 "verify -j $j: a trust anchor that cannot be read is an error for every input" "
		report junit $j verify --ca no-such.pem ok.xml tampered.xml &&
		junit_is $j ok.xml error && junit_is $j tampered.xml error || exit 99
		exit \$(cat rc.junit.$j)
	"
done

test_expect_success 'the reports under -j 4 are those of -j 1 (times aside)' '
	tdk validate --catalog cat.xml --format json -j 1 in/order.xml in/bad-order.xml in/d03b.edi in/good.xml >a 2>&1
	tdk validate --catalog cat.xml --format json -j 4 in/order.xml in/bad-order.xml in/d03b.edi in/good.xml >b 2>&1
	test_cmp a b
'

test_expect_code 1 'text: one verdict line per document, for a single document too' '
	tdk validate --catalog cat.xml in/order.xml >one 2>/dev/null &&
	test "$(cat one)" = "in/order.xml: valid" &&
	tdk validate in/d03b.edi >one 2>/dev/null && test "$(cat one)" = "in/d03b.edi: valid (syntax only)" &&
	tdk verify --ca ca.pem ok.xml >one 2>/dev/null && test "$(tail -1 one)" = "ok.xml: verified" &&
	tdk validate -q --catalog cat.xml in/bad-order.xml >one 2>&1; rc=$?
	test ! -s one || exit 99
	exit $rc
'

test_done
