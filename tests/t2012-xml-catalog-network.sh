#!/bin/sh
# Attack (or accident): a catalog that names a URL.  libxml2 reads a
# nextCatalog through its own input, which fetches http:// whatever
# XML_PARSE_NONET says, and reported what came back against the document.
# Catalogs resolve local files only: an entry or a nextCatalog that is not a
# local file is XML-CATALOG at the catalog's file and line, exit 3, and no
# connection is ever made (a listener on 127.0.0.1 records any).
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/xml-lib.sh"

NS='urn:oasis:names:tc:entity:xmlns:xml:catalog'
echo '<a xmlns="urn:t"/>' >declaration.xml
printf '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t"><xs:element name="a"/></xs:schema>\n' >t.xsd
# catalog FILE ENTRY...: a catalog whose entries are on lines 2, 3, ...
catalog() {
	f=$1
	shift
	{ echo "<catalog xmlns=\"$NS\">"; for e in "$@"; do echo "  $e"; done; echo '</catalog>'; } >"$f"
}

test_expect_code 3 '--catalog: a nextCatalog URL is XML-CATALOG at the catalog line, no connection' '
	listen_start
	catalog cat.xml "<nextCatalog catalog=\"http://127.0.0.1:$PORT/next.xml\"/>"
	tdk validate --catalog cat.xml declaration.xml 2>err; rc=$?
	listen_check &&
	test_grep "cat.xml:2: error: [XML-CATALOG] <nextCatalog catalog=\"http://127.0.0.1:$PORT/next.xml\"> is not a local file" err &&
	! grep -q "declaration.xml" err || exit 99
	exit $rc
'
test_expect_code 3 'TDK_CATALOG: the same' '
	listen_start
	catalog env.xml "<nextCatalog catalog=\"http://127.0.0.1:$PORT/next.xml\"/>"
	TDK_CATALOG=$TRASH/env.xml tdk validate declaration.xml 2>err; rc=$?
	listen_check && test_grep "env.xml:2: error: [XML-CATALOG]" err || exit 99
	exit $rc
'
test_expect_code 3 'a uri entry to a URL, made so by xml:base: XML-CATALOG at its line' '
	listen_start
	catalog base.xml "<group xml:base=\"http://127.0.0.1:$PORT/\">" "<uri name=\"urn:t\" uri=\"t.xsd\"/>" "</group>"
	tdk validate --catalog base.xml declaration.xml 2>err; rc=$?
	listen_check && test_grep "base.xml:3: error: [XML-CATALOG] <uri uri=\"http://127.0.0.1:$PORT/t.xsd\">" err || exit 99
	exit $rc
'
test_expect_code 3 'a local nextCatalog that names a URL: reported against that catalog' '
	listen_start
	catalog first.xml "<nextCatalog catalog=\"second.xml\"/>"
	catalog second.xml "<system systemId=\"urn:x\" uri=\"t.xsd\"/>" "<delegateURI uriStartString=\"urn:\" catalog=\"http://127.0.0.1:$PORT/d.xml\"/>"
	tdk validate --catalog first.xml declaration.xml 2>err; rc=$?
	listen_check && test_grep "second.xml:3: error: [XML-CATALOG] <delegateURI catalog=" err || exit 99
	exit $rc
'
test_expect_code 1 'a chain deeper than the check still never connects' '
	listen_start
	i=0
	while [ $i -lt 10 ]; do catalog c$i.xml "<nextCatalog catalog=\"c$((i + 1)).xml\"/>"; i=$((i + 1)); done
	catalog c10.xml "<nextCatalog catalog=\"http://127.0.0.1:$PORT/next.xml\"/>"
	tdk validate --strict --catalog c0.xml declaration.xml 2>err; rc=$?
	listen_check && test_grep "[XML-XSD-UNKNOWN]" err && ! grep -q "XML-SYNTAX" err || exit 99
	exit $rc
'
test_expect_success 'the twin: a local nextCatalog chain finds the schema' '
	catalog one.xml "<nextCatalog catalog=\"two.xml\"/>"
	catalog two.xml "<uri name=\"urn:t\" uri=\"t.xsd\"/>"
	tdk validate --catalog one.xml declaration.xml
'
test_done
