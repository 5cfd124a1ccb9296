#!/bin/sh
# Attack: an external entity, or an external DTD subset, pointing at a URL.
# A listener on a local port proves that nothing connects.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/xml-lib.sh"

test_expect_code 1 'an entity to http://127.0.0.1:PORT/: refused, no connection' '
	listen_start
	printf "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY s SYSTEM \"http://127.0.0.1:%s/x\">]>\n<r>&s;</r>\n" "$PORT" >url.xml
	tdk validate --well-formed url.xml 2>err; rc=$?
	listen_check && test_grep "[XML-DTD]" err || exit 99
	exit $rc
'
test_expect_code 1 'an external subset at a URL: refused, no connection' '
	listen_start
	printf "<?xml version=\"1.0\"?>\n<!DOCTYPE r SYSTEM \"http://127.0.0.1:%s/r.dtd\">\n<r/>\n" "$PORT" >dtd.xml
	tdk validate --well-formed dtd.xml 2>err; rc=$?
	listen_check && test_grep "[XML-DTD]" err || exit 99
	exit $rc
'
test_expect_code 3 'xsi:schemaLocation at a URL with --use-schema-location: XML-EXTERNAL, no connection' '
	listen_start
	printf "<r xmlns=\"urn:x\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"urn:x http://127.0.0.1:%s/r.xsd\"/>\n" "$PORT" >loc.xml
	tdk validate --use-schema-location loc.xml 2>err; rc=$?
	listen_check && test_grep "[XML-EXTERNAL]" err || exit 99
	exit $rc
'
test_done
