#!/bin/sh
# validate checks an XML Schema as a schema set and any other XML as a
# document; which one is told by the root element (util/sniff.c): an
# xs:schema bound to the XSD namespace, after the prolog.  The words
# "xs:schema" in a comment, or the XSD namespace in an attribute of another
# root, made a document be compiled as a schema (XML-XSD-COMPILE, "not a
# schema document").
. "$(dirname "$0")/lib.sh"

ulimit -t 60
cat >comment.xml <<'X'
<?xml version="1.0"?>
<!-- a schema starts <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"> -->
<note>hello</note>
X
cat >other.xml <<'X'
<schema xmlns="urn:example:not-xsd"><ref href="http://www.w3.org/2001/XMLSchema"/></schema>
X
cat >note.xml <<'X'
<?xml version="1.0"?>
<!DOCTYPE xs:schema [ <!ENTITY x "]>"> ]>
<!-- the schema of notes -->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="note" type="xs:string"/>
</xs:schema>
X
cat >broken.xml <<'X'
<?xml version="1.0"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <xsd:element name="note" type="xsd:nosuch"/>
</xsd:schema>
X

test_expect_success 'a document whose comment shows an xs:schema is checked as a document' '
	tdk validate --well-formed comment.xml 2>err && ! grep -q XML-XSD-COMPILE err
'
test_expect_success 'a root named schema in another namespace is a document' '
	tdk validate --well-formed other.xml 2>err && ! grep -q XML-XSD-COMPILE err
'
test_expect_success 'an XML Schema after a doctype and a comment is checked as a schema set' '
	tdk validate note.xml
'
test_expect_code 1 'a schema that does not compile, prefix xsd: XML-XSD-COMPILE, exit 1' '
	tdk validate broken.xml 2>err; r=$?
	test_grep "broken.xml:3: error: [XML-XSD-COMPILE]" err || exit 99; exit $r
'
test_done
