#!/bin/sh
# Report formats for CI: --format json gives one JSON object per diagnostic
# per line with every position field; --format junit a JUnit XML report with
# one test case per file and a failure for each invalid one.
. "$(dirname "$0")/lib.sh"

B=$SAMPLES/orders-broken.edi
G=$SAMPLES/invoic-d96a.edi

test_expect_code 1 'json: one object per line, the same diagnostics as the text form' '
	tdk validate --format json "$B" >j.out 2>j.err; rc=$?
	tdk validate "$B" 2>t.err
	test ! -s j.err &&
	perl -MJSON::PP -ne "
		my \$o = decode_json(\$_);
		next if exists \$o->{verdict};
		for my \$k (qw(file line column offset severity code segment tag element component repetition message)) {
			exists \$o->{\$k} or die qq(no \$k in \$_);
		}
		print qq(\$o->{file}:\$o->{line}:\$o->{column}: \$o->{severity}: [\$o->{code}] segment \$o->{segment} '"'"'\$o->{tag}'"'"'),
			(\$o->{element} ? qq( element \$o->{element}) : q()), qq(: \$o->{message}\n);
	" j.out >rebuilt && test_cmp t.err rebuilt || exit 99
	exit $rc
'
test_expect_code 1 'junit: a test case per file, a failure per invalid file, with its diagnostics' '
	tdk validate --format junit "$G" "$B" "$SAMPLES/cuscar-v4.edi" >r.xml; rc=$?
	xmllint --noout r.xml &&
	test "$(xmllint --xpath "count(//testsuite/testcase)" r.xml)" = 3 &&
	test "$(xmllint --xpath "string(//testsuite/@tests)" r.xml)" = 3 &&
	test "$(xmllint --xpath "string(//testsuite/@failures)" r.xml)" = 1 &&
	test "$(xmllint --xpath "count(//testcase[failure])" r.xml)" = 1 &&
	xmllint --xpath "string(//testcase[failure]/@name)" r.xml | grep -q "orders-broken.edi" &&
	xmllint --xpath "string(//testcase/failure)" r.xml | grep -q "EDI-CTRL-UNT-COUNT" || exit 99
	exit $rc
'
test_expect_success 'junit: all valid gives no failure' '
	tdk validate --format junit "$G" >r.xml &&
	test "$(xmllint --xpath "string(//testsuite/@failures)" r.xml)" = 0
'
test_expect_code 1 'with -p the report goes to standard error, the document to standard output' '
	tdk validate -p --format json "$B" >out 2>err; rc=$?
	test ! -s out && grep -q "\"code\":\"EDI-CTRL-UNT-COUNT\"" err || exit 99
	exit $rc
'
test_expect_code 1 '-q prints nothing at all, in every format' '
	tdk validate -q --format junit "$B" >out 2>err; rc=$?
	test ! -s out && test ! -s err || exit 99
	exit $rc
'
test_expect_code 2 'an unknown format is a usage error' 'tdk validate --format yaml "$G"'
test_done
