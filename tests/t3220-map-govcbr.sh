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
# govcbr-to-wco must give a declaration valid against the MAI schema and
# equal to the published sample except IssueDateTime, which the sample
# writes as text where the schema wants a DateTimeString child (format
# 304); wco-to-govcbr must give GOVCBR valid against D.16A.  The
# stylesheets run under xsltproc (their tdk: extension calls are guarded by
# function-available()); what they cannot carry is then an xsl:message.
. "$(dirname "$0")/lib.sh"

NL=$TDK_CORPUS/wco/dvreeze-yaidom-nl-b2sw-mai
D16A=$DIRECTORIES/d16a
MAPS=$REPO/data/maps
if [ ! -f "$NL/instances/sample-edifact.xml" ] || [ ! -d "$D16A" ]; then
	test_skip 'GOVCBR maps' "the Dutch B2SW pair or release D16A is absent under $TDK_CORPUS (set TDK_CORPUS)"
	test_done
fi
for t in xsltproc xmllint perl; do
	if ! command -v $t >/dev/null 2>&1; then
		test_skip 'GOVCBR maps' "$t is not installed"
		test_done
	fi
done

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
# map NAME IN OUT: runs a shipped map; its unmapped report goes to OUT.err.
map() {
	xsltproc "$MAPS/$1.xsl" "$2" >"$3" 2>"$3.err"
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
test_expect_success 'govcbr-to-wco: valid against the MAI 01A schema' '
	map govcbr-to-wco nl.xml decl.xml &&
	tdk validate --catalog cat.xml --schema tdk-test:mai decl.xml
'
test_expect_success 'govcbr-to-wco: equal to the sample, IssueDateTime as DateTimeString 304' '
	xsltproc fix.xsl "$NL/instances/sample-declaration.xml" >want.xml &&
	canon want.xml >want.c14n && canon decl.xml >got.c14n && test_cmp want.c14n got.c14n &&
	test_grep "<ds:DateTimeString xmlns:ds=\"urn:wco:datamodel:WCO:B2SW_DS:01A\" formatCode=\"304\">20140415163000Z</ds:DateTimeString>" got.c14n
'
test_expect_success 'govcbr-to-wco: the one value it cannot carry is reported with its line (SG36 SEQ X)' '
	echo "unmapped: line 15: SG34/SG36/SEQ/C286/D1050: the MAI 01A declaration has no place for it" >want &&
	test_cmp want decl.xml.err
'
test_expect_success 'govcbr-to-wco: a segment the map does not know is reported, the declaration still made' '
	sed "s|<DTM line=\"4\"|<DTM><C507><D2005>132</D2005><D2380>20140416</D2380><D2379>102</D2379></C507></DTM>&|" nl.xml >extra.xml &&
	map govcbr-to-wco extra.xml x.xml && canon x.xml >x.c14n && test_cmp want.c14n x.c14n &&
	test "$(grep -c "^unmapped: line .*: DTM/C507/D2\(005\|380\|379\): " x.xml.err)" -eq 3
'
test_expect_code 10 'govcbr-to-wco: a message that is not GOVCBR in directory names is refused' '
	tdk convert -t xml nl.edi >syntax.xml &&
	map govcbr-to-wco syntax.xml x.xml; rc=$?
	test_grep "govcbr-to-wco: the input holds no GOVCBR message" x.xml.err || exit 99
	exit $rc
'
test_expect_success 'wco-to-govcbr of the mapped declaration: GOVCBR valid against D.16A' '
	map wco-to-govcbr decl.xml back.xml && test ! -s back.xml.err &&
	tdk convert -f xml -t edifact back.xml >back.edi &&
	tdk validate -D "$D16A" back.edi &&
	test_grep "TDT+11++1+1:A27:ZZZ++++9601314:IMO:ZZZ'\''" back.edi
'
test_expect_success 'wco-to-govcbr of the published sample (IssueDateTime as text): valid against D.16A' '
	map wco-to-govcbr "$NL/instances/sample-declaration.xml" s.xml && test ! -s s.xml.err &&
	tdk convert -f xml -t edifact s.xml >s.edi && tdk validate -D "$D16A" s.edi &&
	cmp back.edi s.edi
'
test_expect_success 'WCO -> GOVCBR -> WCO gives the declaration back; the SEQ it writes is not reported' '
	tdk convert -t xml --names directory -D "$D16A" back.edi >back.dir.xml &&
	map govcbr-to-wco back.dir.xml again.xml && test ! -s again.xml.err &&
	canon again.xml >again.c14n && test_cmp want.c14n again.c14n
'
test_expect_success 'wco-to-govcbr: twelve communication numbers take two CTA groups (nine COM each), UNT counts them' '
	sed "s|<Communication>|&<ID>1</ID><TypeCode>TE</TypeCode></Communication><Communication>|g; s|<Communication>|&<ID>2</ID><TypeCode>FX</TypeCode></Communication><Communication>|g" \
		decl.xml >many.xml &&
	test "$(grep -o "<Communication>" many.xml | wc -l)" -eq 12 &&
	map wco-to-govcbr many.xml m.xml && tdk convert -f xml -t edifact m.xml >m.edi &&
	tdk validate -D "$D16A" m.edi && test "$(grep -c "^CTA+AH" m.edi)" -eq 2 && test_grep "UNT+28+1'\''" m.edi
'
test_expect_success 'wco-to-govcbr: an element it does not know is reported with its path' '
	sed "s|</Declarant>|&<Remark>late</Remark>|" decl.xml >remark.xml &&
	map wco-to-govcbr remark.xml r.xml &&
	echo "unmapped: /Declaration/Remark: GOVCBR as this map writes it has no place for it" >want &&
	test_cmp want r.xml.err
'
test_done
