#!/bin/sh
# Attack (or accident): a catalog that points nowhere: a --catalog or
# TDK_CATALOG file that does not exist, a file that is not a catalog, an
# entry mapping a namespace to a missing schema.  Each is XML-CATALOG and
# exit 3 (a broken schema set, not an invalid document), without a hang.
. "$(dirname "$0")/lib.sh"

echo '<a xmlns="urn:t"/>' >a.xml
printf '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog"><uri name="urn:t" uri="nowhere/missing.xsd"/></catalog>\n' >cat.xml
printf '<notacatalog/>\n' >other.xml

test_expect_code 3 '--catalog to a missing file' '
	tdk validate --catalog missing-catalog.xml a.xml 2>err; rc=$?
	test_grep "missing-catalog.xml: error: [XML-CATALOG] cannot read catalog" err || exit 99
	exit $rc
'
test_expect_code 3 'TDK_CATALOG to a missing file' '
	TDK_CATALOG=$TRASH/none.xml tdk validate a.xml 2>err; rc=$?
	test_grep "[XML-CATALOG]" err || exit 99
	exit $rc
'
test_expect_code 3 'a file that is not a catalog' '
	tdk validate --catalog other.xml a.xml 2>err; rc=$?
	test_grep "is not an OASIS XML catalog" err || exit 99
	exit $rc
'
test_expect_code 3 'an entry to a missing schema: XML-CATALOG at the document, naming the catalog' '
	tdk validate --catalog cat.xml a.xml 2>err; rc=$?
	test_grep "a.xml:1:17: error: [XML-CATALOG] catalog '"'"'cat.xml'"'"' maps '"'"'urn:t'"'"'" err || exit 99
	exit $rc
'
test_expect_code 3 'the same through --schema NAME' '
	tdk validate --catalog cat.xml --schema urn:t a.xml 2>err; rc=$?
	test_grep "[XML-CATALOG]" err || exit 99
	exit $rc
'
test_expect_success 'the twin: the entry to an existing schema validates' '
	mkdir -p nowhere &&
	printf "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\"><xs:element name=\"a\"/></xs:schema>\n" >nowhere/missing.xsd &&
	tdk validate --catalog cat.xml a.xml
'
test_done
