#!/bin/sh
# Attack: a schema that imports a URL, and one that imports a local file
# that is not a schema (a marker file standing for /etc/passwd).  Refused
# with XML-EXTERNAL: no connection (a local listener proves it), no read.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/xml-lib.sh"

secret=$(marker_file secret.txt)
echo '<a xmlns="urn:t"/>' >a.xml

test_expect_code 1 'importing http://127.0.0.1:PORT/: XML-EXTERNAL, no connection' '
	listen_start
	printf "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\">\n<xs:import namespace=\"urn:u\" schemaLocation=\"http://127.0.0.1:%s/u.xsd\"/>\n<xs:element name=\"a\"/>\n</xs:schema>\n" "$PORT" >url.xsd
	tdk validate url.xsd 2>err; rc=$?
	listen_check && test_grep "[XML-EXTERNAL] refused to fetch" err || exit 99
	exit $rc
'
test_expect_code 3 'as --schema: exit 3, no connection' '
	listen_start
	printf "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\">\n<xs:import namespace=\"urn:u\" schemaLocation=\"http://127.0.0.1:%s/u.xsd\"/>\n<xs:element name=\"a\"/>\n</xs:schema>\n" "$PORT" >url.xsd
	tdk validate --schema url.xsd a.xml 2>err; rc=$?
	listen_check && test_grep "[XML-EXTERNAL]" err || exit 99
	exit $rc
'
test_expect_code 1 'including a file that is not a schema: refused, the marker is not read' '
	printf "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\">\n<xs:include schemaLocation=\"%s\"/>\n<xs:element name=\"a\"/>\n</xs:schema>\n" "$secret" >inc.xsd
	tdk validate inc.xsd >out 2>err; rc=$?
	test_grep "[XML-EXTERNAL] refused to read" err && no_marker out err || exit 99
	exit $rc
'
test_expect_success 'a catalog <system> entry maps the URL to a local copy: then it compiles, offline' '
	listen_start
	printf "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\">\n<xs:import namespace=\"urn:u\" schemaLocation=\"http://127.0.0.1:%s/u.xsd\"/>\n<xs:element name=\"a\"/>\n</xs:schema>\n" "$PORT" >url.xsd
	printf "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:u\"><xs:element name=\"u\"/></xs:schema>\n" >u-local.xsd
	printf "<catalog xmlns=\"urn:oasis:names:tc:entity:xmlns:xml:catalog\"><system systemId=\"http://127.0.0.1:%s/u.xsd\" uri=\"u-local.xsd\"/></catalog>\n" "$PORT" >cat.xml
	tdk validate --catalog cat.xml --schema url.xsd a.xml && listen_check
'
test_done
