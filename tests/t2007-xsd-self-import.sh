#!/bin/sh
# Attack: a schema that imports itself, or includes itself, or two schemas
# that import each other.  Each compiles or fails once, without a loop.
. "$(dirname "$0")/lib.sh"

cat >self-import.xsd <<'X'
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:s" xmlns="urn:s">
  <xs:import namespace="urn:s" schemaLocation="self-import.xsd"/>
  <xs:element name="a"/>
</xs:schema>
X
cat >self-include.xsd <<'X'
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:s" xmlns="urn:s">
  <xs:include schemaLocation="self-include.xsd"/>
  <xs:element name="a"/>
</xs:schema>
X
cat >ping.xsd <<'X'
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:ping" xmlns="urn:ping">
  <xs:import namespace="urn:pong" schemaLocation="pong.xsd"/>
  <xs:element name="a"/>
</xs:schema>
X
cat >pong.xsd <<'X'
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:pong" xmlns="urn:pong">
  <xs:import namespace="urn:ping" schemaLocation="ping.xsd"/>
  <xs:element name="b"/>
</xs:schema>
X
echo '<a xmlns="urn:s"/>' >a.xml

test_expect_code 1 'a schema importing its own namespace does not compile: XML-XSD-COMPILE with its line' '
	ulimit -t 10
	tdk validate self-import.xsd 2>err; rc=$?
	test_grep "self-import.xsd:2: error: [XML-XSD-COMPILE]" err || exit 99
	exit $rc
'
test_expect_code 3 'used as --schema: exit 3 (a broken schema set), XML-XSD-BROKEN' '
	tdk validate --schema self-import.xsd a.xml 2>err; rc=$?
	test_grep "[XML-XSD-COMPILE]" err || exit 99
	exit $rc
'
test_expect_code 1 'a schema including itself: XML-XSD-COMPILE "cannot include itself", no loop' '
	ulimit -t 10
	tdk validate self-include.xsd 2>err; rc=$?
	test_grep "self-include.xsd:2: error: [XML-XSD-COMPILE]" err && test_grep "cannot include itself" err || exit 99
	exit $rc
'
test_expect_success 'two schemas importing each other compile, no loop' '
	ulimit -t 10
	tdk validate ping.xsd pong.xsd >out && test_grep "2 files: 2 valid" out
'
test_done
