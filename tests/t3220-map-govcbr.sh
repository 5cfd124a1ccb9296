#!/bin/sh
# The GOVCBR maps on the Dutch single window's reference pair
# ($TDK_CORPUS/wco/dvreeze-yaidom-nl-b2sw-mai): a GOVCBR message in Smooks'
# XML form and its MAI 01A declaration.  The interchange is written at test
# time from the Smooks file by tests/smooks-edifact.pl (never stored).
#
# The message says D:15A, a release the corpus lacks, so that tdk convert
# --names directory would leave it in syntax-level names.  GOVCBR D.16A
# defines every segment and group the message uses with the same data
# elements in the same places (tdk dir show D16A BGM DTM RFF NAD CTA COM TDT
# LOC SEQ HYN; segment table: SG7 NAD-SG8 CTA-COM, SG34 TDT-RFF-SG36 LOC-SEQ,
# UNS, HYN, UNS), so the converter writes UNH with 16A (--release 16A) and
# the message is read with D.16A's names; the tests below show that this is
# the one difference from the Smooks file, and that the converter refuses
# D.15A.
#
# govcbr-to-wco (tdk map, the MAI schema registered in a catalog the test
# writes) must give a declaration valid against the MAI schema and equal to
# the published sample except IssueDateTime, which the sample writes as
# text where the schema wants a DateTimeString child (format 304);
# wco-to-govcbr must give GOVCBR valid against D.16A.  The stylesheets also
# run under xsltproc (their tdk: extension calls are guarded by
# function-available()), where what they cannot carry is an xsl:message.
. "$(dirname "$0")/lib.sh"

NL=$TDK_CORPUS/wco/dvreeze-yaidom-nl-b2sw-mai
D16A=$DIRECTORIES/d16a
MAPS=$REPO/data/maps
[ -f "$NL/instances/sample-edifact.xml" ] && [ -d "$D16A" ] || why="the Dutch B2SW pair or release D16A is absent under $TDK_CORPUS (set TDK_CORPUS)"
for t in xsltproc xmllint perl; do command -v $t >/dev/null 2>&1 || why="$t is not installed"; done
[ -z "${why:-}" ] || { test_skip 'GOVCBR maps' "$why"; test_done; }

sed "s|@WCO@|file://$TDK_CORPUS/wco|g" "$DATA/wco/catalog.xml.in" >cat.xml
# The sample declaration with IssueDateTime in the schema's form.
cat >fix.xsl <<'EOF'
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:m="urn:wco:datamodel:WCO:MAI:01A" xmlns:ds="urn:wco:datamodel:WCO:B2SW_DS:01A">
  <xsl:template match="@*|node()"><xsl:copy><xsl:apply-templates select="@*|node()"/></xsl:copy></xsl:template>
  <xsl:template match="m:IssueDateTime[not(*)]">
    <xsl:copy><ds:DateTimeString formatCode="304"><xsl:value-of select="normalize-space()"/></ds:DateTimeString></xsl:copy>
  </xsl:template>
</xsl:stylesheet>
EOF
# canon FILE: the canonical form (exclusive C14N, blank text nodes dropped).
canon() {
	xmllint --noblanks "$1" | xmllint --exc-c14n -
}
# The MAI schema under its namespace, for tdk map's check of the result.
cat >mai.xml <<EOF
<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">
  <uri name="urn:wco:datamodel:WCO:MAI:01A" uri="file://$NL/schemas/B2SW_MetaData_01A_urn_wco_datamodel_WCO_MAI_01A.xsd"/>
</catalog>
EOF
# map NAME IN OUT [OPTION...]: runs a shipped map; its report goes to OUT.err.
map() {
	name=$1 in=$2 out=$3 && shift 3 &&
	tdk map -D "$D16A" --catalog mai.xml "$@" "$name" "$in" >"$out" 2>"$out.err"
}
perl "$REPO/tests/smooks-edifact.pl" -D "$D16A" --release 16A --sender NL9876540CBA --recipient NLSW \
	--date 20140415:1630 --ref 1 "$NL/instances/sample-edifact.xml" >nl.edi
tdk convert -t xml --names directory -D "$D16A" nl.edi >nl.xml 2>nl.conv.err

test_expect_success 'the interchange from the Smooks file: 18 segments in GOVCBR, D.16A names, no warning' '
	test "$(grep -c "^" nl.edi)" -eq 20 &&
	test_grep "UNH+112+GOVCBR:D:16A:UN:MAI01A'\''" nl.edi &&
	test_grep "UNT+18+112'\''" nl.edi &&
	test_grep "<message type=\"GOVCBR\" release=\"D16A\">" nl.xml &&
	! grep -q "<segment tag=\"[A-TV-Z]" nl.xml && test ! -s nl.conv.err
'
test_expect_code 1 'the Dutch message itself misses D.16A dependency note D5 of TDT (C001 without C220)' '
	tdk validate -D "$D16A" nl.edi >out 2>err; rc=$?
	test_grep "nl.edi:12:1: error: [EDI-DEPENDENCY] segment 11 '\''TDT'\'': dependency note D5(040,030)" err || exit 99
	test "$(grep -c error: err)" -eq 1 || exit 99
	exit $rc
'
test_expect_code 1 'without --release the converter needs D.15A, which is not installed' '
	perl "$REPO/tests/smooks-edifact.pl" -D "$D16A" "$NL/instances/sample-edifact.xml" >out 2>err; rc=$?
	test_grep "tdk dir show D15A BGM failed" err || exit 99
	test "$rc" -ne 0 && exit 1
'
test_expect_success 'govcbr-to-wco: valid against the MAI 01A schema (checked by tdk map, and by tdk validate)' '
	map govcbr-to-wco nl.edi decl.xml &&
	! grep -q XML-XSD decl.xml.err &&
	tdk validate --catalog cat.xml --schema tdk-test:mai decl.xml
'
test_expect_success 'govcbr-to-wco: equal to the sample, IssueDateTime as DateTimeString 304' '
	xsltproc fix.xsl "$NL/instances/sample-declaration.xml" >want.xml &&
	canon want.xml >want.c14n && canon decl.xml >got.c14n && test_cmp want.c14n got.c14n &&
	test_grep "<ds:DateTimeString xmlns:ds=\"urn:wco:datamodel:WCO:B2SW_DS:01A\" formatCode=\"304\">20140415163000Z</ds:DateTimeString>" got.c14n
'
test_expect_success 'govcbr-to-wco: the one value it cannot carry is reported at its segment (SG36 SEQ X)' '
	echo "nl.edi:15:1: warning: [MAP-UNMAPPED] segment 14 '\''SEQ'\'' element 2 component 1: D1050 not carried: the MAI 01A declaration has no place for it" >want &&
	test_cmp want decl.xml.err
'
test_expect_code 1 'govcbr-to-wco --strict: what it cannot carry is an error' '
	map govcbr-to-wco nl.edi x.xml --strict; rc=$?
	test_grep "nl.edi:15:1: error: [MAP-UNMAPPED] segment 14" x.xml.err || exit 99
	exit $rc
'
test_expect_success 'govcbr-to-wco: a segment the map does not know is reported, the declaration still made' '
	awk "/^DTM\\+137/ { print \"DTM+132:20140416:102'\''\" } { print }" nl.edi | sed "s/^UNT+18/UNT+19/" >extra.edi &&
	map govcbr-to-wco extra.edi x.xml && canon x.xml >x.c14n && test_cmp want.c14n x.c14n &&
	test "$(grep -c "^extra.edi:4:1: warning: \\[MAP-UNMAPPED\\] segment 3 '\''DTM'\'' element 1 component [123]: D2\\(005\\|380\\|379\\) not carried: " x.xml.err)" -eq 3
'
test_expect_success 'govcbr-to-wco: an issue date in format 203 (CCYYMMDDhhmm) becomes 304 by tdk:date' '
	sed "s/^DTM+137:20140415163000Z:304/DTM+137:201404151630:203/" nl.edi >n203.edi &&
	map govcbr-to-wco n203.edi x.xml && canon x.xml >x.c14n && test_cmp want.c14n x.c14n
'
test_expect_code 1 'the message as Smooks has it (D:15A) needs D.15A, which is not installed' '
	sed "s/GOVCBR:D:16A:/GOVCBR:D:15A:/" nl.edi >nl15.edi &&
	map govcbr-to-wco nl15.edi x.xml; rc=$?
	test_grep "[EDI-DIR-RELEASE]" x.xml.err || exit 99
	exit $rc
'
test_expect_code 1 'govcbr-to-wco: CUSDEC is refused by tdk map (MAP-SOURCE), nothing written' '
	map govcbr-to-wco "$SAMPLES/cusdec-d96b-import.edi" x.xml -D "$DIRECTORIES"; rc=$?
	test_grep "cusdec-d96b-import.edi:3:1: error: [MAP-SOURCE] the message is CUSDEC D96B; map '\''govcbr-to-wco'\'' reads GOVCBR D16A" x.xml.err &&
	test ! -s x.xml || exit 99
	exit $rc
'
test_expect_code 10 'govcbr-to-wco under xsltproc: the stylesheet itself refuses a message that is not GOVCBR' '
	tdk convert -t xml --names directory -D "$DIRECTORIES" "$SAMPLES/cusdec-d96b-import.edi" >cusdec.xml &&
	xsltproc "$REPO/data/maps/govcbr-to-wco.xsl" cusdec.xml >x.xml 2>err; rc=$?
	test_grep "govcbr-to-wco: the input holds no GOVCBR message in tdk'\''s directory names" err || exit 99
	exit $rc
'
test_expect_success 'wco-to-govcbr of the mapped declaration: GOVCBR valid against D.16A' '
	map wco-to-govcbr decl.xml back.edi && test ! -s back.edi.err &&
	tdk validate -D "$D16A" back.edi &&
	test_grep "TDT+11++1+1:A27:ZZZ++++9601314:IMO:ZZZ'\''" back.edi
'
test_expect_success 'wco-to-govcbr of the published sample (IssueDateTime as text): the same GOVCBR' '
	map wco-to-govcbr "$NL/instances/sample-declaration.xml" s.edi && test ! -s s.edi.err &&
	cmp back.edi s.edi
'
test_expect_success 'wco-to-govcbr: an IssueDateTime in ISO 8601 is written in format 304 by tdk:date' '
	sed "s|>20140415163000Z<|>2014-04-15T16:30:00+02:00<|" decl.xml >iso.xml &&
	map wco-to-govcbr iso.xml iso.edi && test_grep "DTM+137:20140415163000?+02:304'\''" iso.edi
'
test_expect_success 'wco-to-govcbr -t xml: tdk'\''s EDIFACT XML, which converts to the same interchange' '
	map wco-to-govcbr decl.xml back.xml -t xml && test_grep "<message type=\"GOVCBR\" release=\"D16A\">" back.xml &&
	tdk convert -f xml -t edifact back.xml >b.edi && cmp back.edi b.edi
'
test_expect_success 'WCO -> GOVCBR -> WCO gives the declaration back; the SEQ it writes is not reported' '
	map govcbr-to-wco back.edi again.xml && test ! -s again.xml.err &&
	canon again.xml >again.c14n && test_cmp want.c14n again.c14n
'
test_expect_success 'wco-to-govcbr: twelve communication numbers take two CTA groups (nine COM each), UNT counts them' '
	sed "s|<Communication>|&<ID>1</ID><TypeCode>TE</TypeCode></Communication><Communication>|g; s|<Communication>|&<ID>2</ID><TypeCode>FX</TypeCode></Communication><Communication>|g" \
		decl.xml >many.xml &&
	test "$(grep -o "<Communication>" many.xml | wc -l)" -eq 12 &&
	map wco-to-govcbr many.xml m.edi && tdk validate -D "$D16A" m.edi &&
	test "$(grep -c "^CTA+AH" m.edi)" -eq 2 && test_grep "UNT+28+1'\''" m.edi
'
test_expect_success 'wco-to-govcbr: an element it does not know is reported with its line' '
	sed "s|</Declarant>|&<Remark>late</Remark>|" decl.xml >remark.xml &&
	map wco-to-govcbr remark.xml r.edi &&
	test_grep "remark.xml:38: warning: [MAP-UNMAPPED]" r.edi.err &&
	test_grep "not carried: GOVCBR as this map writes it has no place for it" r.edi.err &&
	test "$(grep -c MAP-UNMAPPED r.edi.err)" -eq 1
'
test_expect_success 'under xsltproc: the same declaration, and the report as xsl:message' '
	xsltproc "$REPO/data/maps/govcbr-to-wco.xsl" nl.xml >xp.xml 2>xp.err &&
	canon xp.xml >xp.c14n && test_cmp want.c14n xp.c14n &&
	echo "unmapped: line 15: SG34/SG36/SEQ/C286/D1050: the MAI 01A declaration has no place for it" >want &&
	test_cmp want xp.err &&
	xsltproc "$REPO/data/maps/wco-to-govcbr.xsl" remark.xml >xp.edi.xml 2>xp.err &&
	echo "unmapped: /Declaration/Remark: GOVCBR as this map writes it has no place for it" >want && test_cmp want xp.err &&
	tdk convert -f xml -t edifact xp.edi.xml >xp.edi && cmp back.edi xp.edi
'
test_done
