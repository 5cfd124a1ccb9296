#!/bin/sh
# XSD 1.0 validation and where the schema comes from: --schema FILE, a name
# in a catalog, the root's namespace through --catalog, TDK_CATALOG, the
# user's catalog and the shipped xsd/catalog.xml, xsi:schemaLocation on
# request; .xsd inputs compiled as a check of the schema set; -p; and the
# hints on the defects of the public corpus.
. "$(dirname "$0")/lib.sh"

W=$TDK_CORPUS/wco
export XDG_CONFIG_HOME="$TRASH/config"
unset TDK_CATALOG

cat >order.xsd <<'X'
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:example:order"
           xmlns="urn:example:order" elementFormDefault="qualified">
  <xs:element name="order">
    <xs:complexType><xs:sequence>
      <xs:element name="id" type="xs:token"/>
      <xs:element name="issued" type="xs:dateTime"/>
      <xs:element name="qty" type="xs:positiveInteger" maxOccurs="unbounded"/>
    </xs:sequence></xs:complexType>
  </xs:element>
</xs:schema>
X
cat >good.xml <<'X'
<order xmlns="urn:example:order">
  <id>A1</id>
  <issued>2025-03-12T10:15:00Z</issued>
  <qty>3</qty>
</order>
X
sed 's|<qty>3</qty>|<qty>zero</qty>|' good.xml >bad.xml
sed 's|<issued>2025-03-12T10:15:00Z</issued>|<issued> 2025-03-12T10:15:00Z\n  </issued>|' good.xml >blank-date.xml
sed 's| xmlns="urn:example:order"||' good.xml >nons.xml
printf '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">\n  <uri name="urn:example:order" uri="order.xsd"/>\n</catalog>\n' >cat.xml

test_expect_success '--schema FILE: valid' 'tdk validate --schema order.xsd good.xml'
test_expect_code 1 '--schema FILE: the forgery is invalid, XML-XSD at the element' '
	tdk validate --schema order.xsd bad.xml 2>err; rc=$?
	test_grep "bad.xml:4:18: error: [XML-XSD] element '"'"'{urn:example:order}qty'"'"'" err || exit 99; exit $rc'
test_expect_success 'the root namespace through --catalog' 'tdk validate --catalog cat.xml good.xml'
test_expect_code 1 '... and the forgery' 'tdk validate --catalog cat.xml bad.xml 2>/dev/null'
test_expect_success 'a catalog name given with --schema' 'tdk validate --catalog cat.xml --schema urn:example:order good.xml'
test_expect_success 'TDK_CATALOG, colon-separated' 'TDK_CATALOG=/nonexistent-is-not-used:x TDK_CATALOG=$TRASH/cat.xml tdk validate good.xml'
test_expect_success 'the user catalog in $XDG_CONFIG_HOME/tdk/catalog.xml: one entry registers the set' '
	mkdir -p config/tdk &&
	printf "<catalog xmlns=\"urn:oasis:names:tc:entity:xmlns:xml:catalog\"><uri name=\"urn:example:order\" uri=\"%s/order.xsd\"/></catalog>\n" "$TRASH" >config/tdk/catalog.xml &&
	tdk validate good.xml && rm -r config
'
test_expect_success 'the shipped catalog knows the tdk EDIFACT vocabulary' '
	tdk convert -t xml "$SAMPLES/invoic-d96a.edi" >inv.xml && tdk validate inv.xml
'
test_expect_code 0 'an unregistered namespace: well-formed, checked in part; XML-XSD-UNKNOWN says how to register it' '
	tdk validate good.xml >out 2>err; rc=$?
	test_grep "good.xml: well-formed, schema not checked" out &&
	test_grep "warning: [XML-XSD-UNKNOWN] no schema is registered for namespace '"'"'urn:example:order'"'"'" err &&
	test_grep "<uri name=\"urn:example:order\" uri=\"FILE.xsd\"/>" err || exit 99; exit $rc'
test_expect_code 1 '--strict: no namespace fails, with XML-XSD-UNKNOWN and the hint naming the registered namespace' '
	tdk validate --strict --catalog cat.xml nons.xml 2>err; rc=$?
	test_grep "[XML-XSD-UNKNOWN]" err &&
	test_grep "[XML-HINT-NAMESPACE] did you mean namespace '"'"'urn:example:order'"'"'?" err || exit 99; exit $rc'
test_expect_code 1 'xs:dateTime with blanks around: invalid (as libxml2 says) with XML-HINT-DATETIME' '
	tdk validate --schema order.xsd blank-date.xml 2>err; rc=$?
	test_grep "[XML-XSD]" err && test_grep "[XML-HINT-DATETIME]" err || exit 99; exit $rc'
test_expect_success 'xsi:schemaLocation is ignored by default, followed with --use-schema-location' '
	sed "s|<order xmlns=\"urn:example:order\">|<order xmlns=\"urn:example:order\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"urn:example:order order.xsd\">|" good.xml >loc.xml &&
	tdk validate loc.xml >out 2>/dev/null && test_grep "schema not checked" out &&
	tdk validate --use-schema-location loc.xml >out && test_grep "loc.xml: valid" out
'
test_expect_success 'an .xsd input is compiled: the schema set is valid' 'tdk validate order.xsd "$REPO/xsd/tdk-edifact.xsd"'
test_expect_code 1 'a broken schema: XML-XSD-COMPILE with its line, exit 1' '
	sed "s|type=\"xs:token\"|type=\"no-such-type\"|" order.xsd >broken.xsd
	tdk validate broken.xsd 2>err; rc=$?
	test_grep "broken.xsd:5: error: [XML-XSD-COMPILE]" err || exit 99; exit $rc'
test_expect_code 3 '... and used with --schema, exit 3: a broken schema set, not an invalid document' '
	tdk validate --schema broken.xsd good.xml 2>/dev/null'
test_expect_success '-p passes a valid document through, from a file and from standard input' '
	tdk validate -p --schema order.xsd good.xml >out && cmp out good.xml &&
	tdk validate -p --schema order.xsd <good.xml >out && cmp out good.xml
'
test_expect_code 1 '-p passes nothing of an invalid one' '
	tdk validate -p --schema order.xsd <bad.xml >out 2>err; rc=$?
	test ! -s out && test_grep "[XML-XSD]" err || exit 99; exit $rc'
test_expect_code 1 '--max-errors applies to XML' '
	sed "s|<qty>3</qty>|<qty>a</qty><qty>b</qty><qty>c</qty>|" good.xml >three.xml
	tdk validate --schema order.xsd --max-errors 2 three.xml 2>err; rc=$?
	test $(grep -c "\[XML-XSD\]" err) -eq 2 && test_grep "stopped after 2 errors" err || exit 99; exit $rc'

# Hints on real defects of the public corpus.
if [ -d "$W" ]; then
	C=$W/hmrc-customs-declarations
	printf '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">\n<uri name="urn:wco:datamodel:WCO:DocumentMetaData-DMS:2" uri="%s"/>\n<uri name="http://gov.uk/customs/inventoryLinking/v1" uri="%s"/>\n</catalog>\n' \
		"$C/local-wrappers/notification_wrapper.xsd" \
		"$W/hmrc-wco-dec/schemas/test-flat/inventory-linking-exports-schemas/exports/inventoryLinkingRequestExternal.xsd" >wco.xml
	N=$C/instances/annotated_XML_samples/TT_IM188a/Example_Notifications/01_DMSACC.xml
	test_expect_code 1 'corpus hint: a namespace-stripped DMS notification, "did you mean namespace ...?" (--strict)' '
		tdk validate --strict --catalog wco.xml "$N" 2>err; rc=$?
		test_grep "01_DMSACC.xml:1:10: note: [XML-HINT-NAMESPACE] did you mean namespace '"'"'urn:wco:datamodel:WCO:DocumentMetaData-DMS:2'"'"'?" err || exit 99; exit $rc'
	test_expect_code 1 '... the same with the schema given: XML-XSD and the hint' '
		tdk validate --catalog wco.xml --schema urn:wco:datamodel:WCO:DocumentMetaData-DMS:2 "$N" 2>err; rc=$?
		test_grep "[XML-XSD] element '"'"'MetaData'"'"': No matching global declaration" err &&
		test_grep "[XML-HINT-NAMESPACE]" err || exit 99; exit $rc'
	test_expect_code 1 'corpus hint: an inventory-linking message with a line break after its xs:dateTime' '
		tdk validate --catalog wco.xml "$C/instances/annotated_XML_samples/TT_EX041a/Movement_Messages/EDL.xml" 2>err; rc=$?
		test_grep "EDL.xml:11:31: error: [XML-XSD]" err && test_grep "EDL.xml:11:31: note: [XML-HINT-DATETIME]" err || exit 99; exit $rc'
	test_expect_code 1 'corpus hint: a published set importing a schema from the wrong folder' '
		tdk validate "$W/hmrc-wco-dec/local-wrappers/main_notification_wrapper.xsd" 2>err; rc=$?
		test_grep "WCO_RES_2_DMS.xsd:5: note: [XML-HINT-IMPORT]" err &&
		test_grep "a schema of that name is at '"'"'" err &&
		test_grep "/hmrc-wco-dec/schemas/main/declaration/WCO_DEC_2_DMS.xsd'"'"': fix the location" err ||
		exit 99; exit $rc'
	test_expect_success 'corpus hint: a set importing by an absolute path (it still compiles, as with xmllint)' '
		tdk validate "$W/hmrc-wco-dec/local-wrappers/testflat_notification_wrapper.xsd" 2>err &&
		test_grep "WCO_RES_DS_2_DMS.xsd:3: note: [XML-HINT-IMPORT] schemaLocation '"'"'/UnqualifiedDataType_6_DMS.xsd'"'"' is an absolute path" err
	'
	E=$W/hmrc-customs-declare-exports
	test_expect_success 'corpus: a CDS declaration by its root namespace, through one catalog entry' '
		printf "<catalog xmlns=\"urn:oasis:names:tc:entity:xmlns:xml:catalog\"><uri name=\"urn:wco:datamodel:WCO:DocumentMetaData-DMS:2\" uri=\"%s\"/></catalog>\n" "$E/local-wrappers/submit_wrapper.xsd" >cds.xml &&
		tdk validate --catalog cds.xml "$E/instances/Imports/Accepted/Declaration/TT1_IM_v2.02_Accepted.xml"
	'
else
	test_skip 'corpus hints' "$W is absent (set TDK_CORPUS)"
fi
test_done
