#!/bin/sh
# Attack: an external entity pointing at a local file (/etc/passwd, or here
# a file with a unique marker), in a document and in a schema.  Refused;
# the marker appears in no output.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/xml-lib.sh"

secret=$(marker_file secret.txt)
printf '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY s SYSTEM "file://%s">]>\n<r>&s;</r>\n' "$secret" >xxe.xml
printf '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY s SYSTEM "/etc/passwd">]>\n<r>&s;</r>\n' >passwd.xml
printf '<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "%s">\n<r/>\n' "$secret" >subset.xml

test_expect_code 1 'an entity to a local file: XML-DTD, the file is not read' '
	tdk validate --well-formed xxe.xml >out 2>err; rc=$?
	test_grep "[XML-DTD]" err && no_marker out err || exit 99
	exit $rc
'
test_expect_code 1 '/etc/passwd: the same' '
	tdk validate --well-formed passwd.xml >out 2>err; rc=$?
	test_grep "[XML-DTD]" err && ! grep -q "root:" out err || exit 99
	exit $rc
'
test_expect_code 1 'an external DTD subset naming the file: not read either' '
	tdk validate --well-formed --format json subset.xml >out 2>err; rc=$?
	test_grep "XML-DTD" out && no_marker out err || exit 99
	exit $rc
'
test_expect_code 1 'a schema whose entity names the file: the schema does not compile, the file is not read' '
	printf "<?xml version=\"1.0\"?>\n<!DOCTYPE xs:schema [<!ENTITY s SYSTEM \"file://%s\">]>\n<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"><xs:annotation><xs:documentation>&s;</xs:documentation></xs:annotation><xs:element name=\"r\"/></xs:schema>\n" "$secret" >evil.xsd
	tdk validate evil.xsd >out 2>err; rc=$?
	test_grep "[XML-EXTERNAL]" err && no_marker out err || exit 99
	exit $rc
'
test_expect_code 3 'and used as --schema: exit 3, the document is not checked' '
	echo "<r/>" >r.xml
	tdk validate --schema evil.xsd r.xml >out 2>err; rc=$?
	test_grep "[XML-EXTERNAL]" err && no_marker out err || exit 99
	exit $rc
'
test_done
