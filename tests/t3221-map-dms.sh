#!/bin/sh
# The DEC-DMS:2 customisation maps, schema 2.15 <-> 2.3, run by tdk map on
# the corpus: the declarations of hmrc-customs-declarations that are valid
# under 2.15 map to 2.3 and validate there (header-level Consignment: Freight
# and Itinerary moved to GoodsShipment/Consignment, Carrier, Consignor and
# ConsignmentItem reported with their line), come back to 2.15 unchanged
# when nothing was reported, and the 2.3 declarations of
# hmrc-customs-declare-exports map to 2.15 and validate.  What 2.15 dropped
# (Manufacturer, RefundRecipientParty) is added to a 2.3 declaration by the
# test and reported.  tdk map checks each result against the schema that a
# catalog written by the test registers for the MetaData namespace (the
# corpus's wrappers of 2.3 and of 2.15); tdk validate checks them again.
# The stylesheets also run under xsltproc, where what they cannot carry is
# an xsl:message naming the element's path.
. "$(dirname "$0")/lib.sh"

W=$TDK_CORPUS/wco
MAPS=$REPO/data/maps
[ -d "$W/hmrc-customs-declarations" ] && [ -d "$W/hmrc-customs-declare-exports" ] || why="the HMRC corpus is absent under $W (set TDK_CORPUS)"
for t in xsltproc xmllint perl; do command -v $t >/dev/null 2>&1 || why="$t is not installed"; done
[ -z "${why:-}" ] || { test_skip 'DEC-DMS maps' "$why"; test_done; }

sed "s|@WCO@|file://$W|g" "$DATA/wco/catalog.xml.in" >cat.xml
# The schema of each version under the MetaData namespace, for tdk map.
for v in 23:hmrc-customs-declare-exports/local-wrappers/submit_wrapper.xsd \
	215:hmrc-customs-declarations/schemas/customs/wrapper_submit.xsd; do
	cat >"cat${v%%:*}.xml" <<-EOF
	<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">
	  <uri name="urn:wco:datamodel:WCO:DocumentMetaData-DMS:2" uri="file://$W/${v#*:}"/>
	</catalog>
	EOF
done
# mapall NAME LIST DIR CATALOG: one tdk map run of NAME over the files of
# LIST into DIR (each result checked against CATALOG's schema); DIR.list
# names the results in LIST's order, DIR/N.err holds the MAP-UNMAPPED
# warnings of the N-th file.
mapall() {
	mkdir "$3" && tdk map --catalog "$4" -j 2 -O "$3" --files-from "$2" "$1" >"$3.out" 2>"$3.report" || return 1
	awk -v dir="$3" '
		FNR == NR { n[$0] = FNR; f = $0; sub(/^.*\//, "", f); sub(/\.[^.]*$/, "", f)
			print dir "/" f ".xml" >(dir ".list"); printf "" >(dir "/" FNR ".err"); next }
		/\[MAP-UNMAPPED\]/ { p = $0; sub(/:[0-9]+(:[0-9]+)?: .*$/, "", p); print >(dir "/" n[p] ".err") }
	' "$2" "$3.report" &&
	test "$(sort -u "$3.list" | wc -l)" -eq "$(wc -l <"$2")"
}
# count XPATH FILE: how many nodes of FILE the path (on local names) selects.
count() {
	xmllint --xpath "count($1)" "$2"
}
# canon FILE: the canonical form without comments and blank text nodes.
canon() {
	xmllint --noblanks --exc-c14n "$1" | perl -0777 -pe 's/<!--.*?-->//gs'
}
# consignments LIST: for each file of LIST, in one xsltproc run, a line of
# counts: the header-level Consignment, its Freight, its Itinerary, its other
# children; GoodsShipment/Consignment's Freight and Itinerary.
cat >counts.xsl <<'EOX'
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:d="urn:wco:datamodel:WCO:DEC-DMS:2">
  <xsl:output method="text"/>
  <xsl:template match="/">
    <xsl:for-each select="//f">
      <xsl:variable name="d" select="document(string(.))//d:Declaration"/>
      <xsl:variable name="h" select="$d/d:Consignment"/>
      <xsl:value-of select="concat(count($h), ' ', count($h/d:Freight), ' ', count($h/d:Itinerary), ' ',
          count($h/*[not(self::d:Freight or self::d:Itinerary)]), ' ',
          count($d/d:GoodsShipment/d:Consignment/d:Freight), ' ', count($d/d:GoodsShipment/d:Consignment/d:Itinerary), '&#10;')"/>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>
EOX
consignments() {
	{ echo '<l>'; sed 's/&/\&amp;/g; s/</\&lt;/g; s/ /%20/g; s|^[^/]|'"$PWD"'/&|; s|.*|<f>file://&</f>|' "$1"; echo '</l>'; } >"$1.l.xml" &&
	xsltproc counts.xsl "$1.l.xml"
}
HC='/*/*[local-name()="Declaration"]/*[local-name()="Consignment"]'

find "$W/hmrc-customs-declarations/instances" -type f -iname '*.xml' | LC_ALL=C sort >all215
tdk validate --catalog cat.xml --schema tdk-test:cds-submit --format json --files-from all215 >v.json 2>/dev/null
sed -n 's/^{"file":"\([^"]*\)","result":"ok","verdict":"valid".*/\1/p' v.json >valid215
nvalid=$(wc -l <valid215)
consignments valid215 >valid215.counts
nhc=$(grep -c -v '^0 ' valid215.counts)

test_expect_success "2.15 -> 2.3: the $nvalid declarations valid under 2.15 map, valid under 2.3" '
	test "$nvalid" -gt 50 && test "$(wc -l <valid215.counts)" -eq "$nvalid" &&
	mapall dms-2.15-to-2.3 valid215 to23 cat23.xml &&
	test_grep "$nvalid files: $nvalid mapped, 0 invalid, 0 not mapped" to23.out &&
	tdk validate --catalog cat.xml --schema tdk-test:exports-submit -j 2 --files-from to23.list >out 2>&1 &&
	test_grep "$nvalid files: $nvalid valid, 0 invalid" out
'
test_expect_success "2.15 -> 2.3: the $nhc with a header-level Consignment: Freight and Itinerary moved, the rest reported" '
	test "$nhc" -gt 0 && consignments to23.list >to23.counts &&
	n=0 && reported=0 &&
	while read -r hc fr it other gfr git; do
		n=$((n + 1)) && read -r hc2 fr2 it2 other2 gfr2 git2 <&3 &&
		test "$hc2" = 0 && test "$gfr2" = "$((gfr + fr))" && test "$git2" = "$((git + it))" &&
		test "$(grep -c "" to23/$n.err)" = "$other" && reported=$((reported + other)) || { echo "file $n"; exit 1; }
	done <valid215.counts 3<to23.counts &&
	test "$reported" -gt 0 && test "$(grep -c "" to23.report)" -eq "$reported" &&
	! grep -v ":[0-9]*: warning: \[MAP-UNMAPPED\] [^ ]* not carried: DEC-DMS 2.3 has no header-level Consignment and no place for its \(Carrier\|Consignor\|ConsignmentItem\)$" to23.report
'
test_expect_code 1 '2.15 -> 2.3 --strict: what it cannot carry is an error, and no result is written' '
	f=$(grep -l "Carrier" to23/*.err | head -n 1) && n=${f#to23/} && n=${n%.err} &&
	in=$(sed -n "${n}p" valid215) &&
	tdk map --strict --catalog cat23.xml dms-2.15-to-2.3 "$in" >out 2>err; rc=$?
	test_grep "error: [MAP-UNMAPPED]" err && test ! -s out || exit 99
	exit $rc
'
# render LIST: for each file of LIST, in one xsltproc run, a line with its
# elements and attributes by expanded name and its text, without comments,
# blank text nodes and namespace prefixes: equal lines, equal documents.
cat >render.xsl <<'EOX'
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text"/>
  <xsl:template match="/">
    <xsl:for-each select="//f">
      <xsl:apply-templates select="document(string(.))/*"/>
      <xsl:text>&#10;</xsl:text>
    </xsl:for-each>
  </xsl:template>
  <xsl:template match="*">
    <xsl:value-of select="concat('&lt;{', namespace-uri(), '}', local-name())"/>
    <xsl:for-each select="@*">
      <xsl:sort select="concat(namespace-uri(), ' ', local-name())"/>
      <xsl:value-of select="concat(' {', namespace-uri(), '}', local-name(), '=', translate(., '&#10;', ' '))"/>
    </xsl:for-each>
    <xsl:text>&gt;</xsl:text>
    <xsl:apply-templates select="* | text()[normalize-space() != '']"/>
    <xsl:text>&lt;/&gt;</xsl:text>
  </xsl:template>
  <xsl:template match="text()"><xsl:value-of select="translate(., '&#10;', ' ')"/></xsl:template>
</xsl:stylesheet>
EOX
render() {
	{ echo '<l>'; sed 's/&/\&amp;/g; s/</\&lt;/g; s/ /%20/g; s|^[^/]|'"$PWD"'/&|; s|.*|<f>file://&</f>|' "$1"; echo '</l>'; } >"$1.r.xml" &&
	xsltproc render.xsl "$1.r.xml"
}
test_expect_success '2.15 -> 2.3 -> 2.15: every declaration with nothing reported comes back unchanged, valid under 2.15' '
	: >same && : >same.src && n=0 && dropped=0 &&
	while IFS= read -r f; do
		n=$((n + 1))
		if test -s to23/$n.err; then dropped=$((dropped + 1)); continue; fi
		sed -n "${n}p" to23.list >>same && echo "$f" >>same.src
	done <valid215 &&
	test "$dropped" -gt 0 && test "$(wc -l <same)" -eq $((nvalid - dropped)) &&
	mapall dms-2.3-to-2.15 same back cat215.xml && test ! -s back.report &&
	tdk validate --catalog cat.xml --schema tdk-test:cds-submit -j 2 --files-from back.list >/dev/null &&
	render same.src >want && render back.list >got && test "$(grep -c "<" got)" -eq "$(wc -l <same)" &&
	test_cmp want got
'
# drop.xsl: a copy without GoodsShipment/Consignment (what=gsc) or GoodsShipment (what=gs).
cat >drop.xsl <<'EOX'
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:d="urn:wco:datamodel:WCO:DEC-DMS:2">
  <xsl:param name="what"/>
  <xsl:template match="@*|node()"><xsl:copy><xsl:apply-templates select="@*|node()"/></xsl:copy></xsl:template>
  <xsl:template match="d:Declaration/d:GoodsShipment/d:Consignment | d:Declaration/d:GoodsShipment">
    <xsl:if test="not($what = 'gsc' and self::d:Consignment or $what = 'gs' and self::d:GoodsShipment)">
      <xsl:copy><xsl:apply-templates select="@*|node()"/></xsl:copy>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
EOX
# A declaration whose header-level Consignment has Freight and Itinerary.
f=$(paste -d " " valid215.counts valid215 | grep "^1 1 [1-9][0-9]* " | head -n 1 | cut -d " " -f 7-)
test_expect_success '2.15 -> 2.3 without GoodsShipment/Consignment: made to hold Freight and Itinerary, valid under 2.3' '
	test -n "$f" &&
	xsltproc --stringparam what gsc drop.xsl "$f" >nogsc.xml &&
	test "$(count "//*[local-name()=\"GoodsShipment\"]/*[local-name()=\"Consignment\"]" nogsc.xml)" = 0 &&
	tdk map --catalog cat23.xml dms-2.15-to-2.3 nogsc.xml >nogsc23.xml 2>/dev/null &&
	echo nogsc23.xml >l && consignments l >c && read -r hc fr it other gfr git <c &&
	test "$hc $gfr" = "0 1" && test "$git" -gt 0 &&
	tdk validate --catalog cat.xml --schema tdk-test:exports-submit nogsc23.xml
'
test_expect_success '2.15 -> 2.3 without GoodsShipment: Freight and Itinerary reported too (xsltproc: by path)' '
	xsltproc --stringparam what gs drop.xsl "$f" >nogs.xml &&
	xsltproc "$MAPS/dms-2.15-to-2.3.xsl" nogs.xml >nogs23.xml 2>err &&
	test_grep "unmapped: /MetaData/Declaration/Consignment/Freight: DEC-DMS 2.3 has no header-level Consignment and no place for its Freight" err &&
	test "$(grep -c "/Consignment/Itinerary\[[0-9]\]: " err)" -eq "$(count "$HC/*[local-name()=\"Itinerary\"]" nogs.xml)" &&
	tdk validate --catalog cat.xml --schema tdk-test:exports-submit nogs23.xml
'
test_expect_success '2.15 -> 2.3: a child no version has, where the map rewrites the order, is reported, not lost' '
	sed "s|<GoodsLocation>|<Bogus>1</Bogus>&|" "$f" >bogus.xml && grep -q "<Bogus>" bogus.xml &&
	tdk map --catalog cat23.xml dms-2.15-to-2.3 bogus.xml >bogus23.xml 2>err &&
	test_grep "not carried: not a child of Consignment in the source version" err &&
	! grep -q Bogus bogus23.xml
'
find "$W/hmrc-customs-declare-exports/instances" -path '*/Declaration/*.xml' | LC_ALL=C sort >decl23
test_expect_success '2.3 -> 2.15: the 8 declarations of hmrc-customs-declare-exports map, valid under 2.15, nothing reported' '
	test "$(wc -l <decl23)" -eq 8 &&
	tdk validate --catalog cat.xml --schema tdk-test:exports-submit --files-from decl23 >/dev/null &&
	mapall dms-2.3-to-2.15 decl23 to215 cat215.xml && test ! -s to215.report &&
	test_grep "8 files: 8 mapped, 0 invalid" to215.out &&
	tdk validate --catalog cat.xml --schema tdk-test:cds-submit --files-from to215.list >out &&
	test_grep "8 files: 8 valid, 0 invalid" out
'
# A 2.3 declaration with what 2.15 moved or dropped: Freight and Itinerary in
# GoodsShipment/Consignment, a Manufacturer and a RefundRecipientParty in the
# goods item, a Packaging without SequenceNumeric, two Payers.
src=$(grep "/Exports/Accepted/" decl23)
sed -e 's|<GoodsLocation>|<Freight><PaymentMethodCode>H</PaymentMethodCode></Freight>&|' \
	-e 's|</GoodsLocation>|&<Itinerary><SequenceNumeric>1</SequenceNumeric><RoutingCountryCode>FR</RoutingCountryCode></Itinerary>|' \
	-e 's|<Packaging>|<Manufacturer><ID>GB123456789000</ID></Manufacturer>&<!-- the position comes in -->|' \
	-e '/<Packaging>/,/<\/Packaging>/{/<SequenceNumeric>/d}' \
	-e 's|</PreviousDocument>|&<RefundRecipientParty><ID>GB987654321000</ID></RefundRecipientParty>|' \
	-e 's|</GovernmentAgencyGoodsItem>|&<Payer><ID>GB111111111000</ID></Payer><Payer><ID>GB222222222000</ID></Payer>|' \
	"$src" >with23.xml
test_expect_success '2.3 with what 2.15 moved or dropped: valid under 2.3 as the test writes it' '
	test "$(count "//*[local-name()=\"Manufacturer\"]" with23.xml)" = 1 &&
	test "$(count "//*[local-name()=\"RefundRecipientParty\"]" with23.xml)" = 1 &&
	test "$(count "//*[local-name()=\"Freight\"]" with23.xml)" = 1 &&
	test "$(count "//*[local-name()=\"Payer\"]" with23.xml)" = 2 &&
	test "$(count "//*[local-name()=\"Packaging\"]/*[local-name()=\"SequenceNumeric\"]" with23.xml)" = 0 &&
	tdk validate --catalog cat.xml --schema tdk-test:exports-submit with23.xml
'
test_expect_success '2.3 -> 2.15: Manufacturer, RefundRecipientParty and the second Payer reported at their lines, Freight and Itinerary moved' '
	tdk map --catalog cat215.xml dms-2.3-to-2.15 with23.xml >with215.xml 2>err &&
	m=$(grep -n "<Manufacturer>" with23.xml | cut -d: -f1) && r=$(grep -n "<RefundRecipientParty>" with23.xml | cut -d: -f1) &&
	test_grep "with23.xml:$m: warning: [MAP-UNMAPPED]" err &&
	test_grep "not carried: DEC-DMS 2.15 has no GovernmentAgencyGoodsItem/Manufacturer" err &&
	test_grep "with23.xml:$r: warning: [MAP-UNMAPPED]" err &&
	test_grep "not carried: DEC-DMS 2.15 has no GovernmentAgencyGoodsItem/RefundRecipientParty" err &&
	test_grep "not carried: DEC-DMS 2.15 allows one Payer here" err &&
	test "$(grep -c "" err)" -eq 3 && test "$(count "//*[local-name()=\"Payer\"]" with215.xml)" = 1 &&
	test "$(count "$HC/*[local-name()=\"Freight\"]" with215.xml)" = 1 &&
	test "$(count "$HC/*[local-name()=\"Itinerary\"]" with215.xml)" = 1 &&
	test "$(count "//*[local-name()=\"Packaging\"]/*[local-name()=\"SequenceNumeric\"]" with215.xml)" = 1 &&
	tdk validate --catalog cat.xml --schema tdk-test:cds-submit with215.xml
'
test_expect_success '2.3 -> 2.15 under xsltproc: the same result, the report by path' '
	xsltproc "$MAPS/dms-2.3-to-2.15.xsl" with23.xml >xp215.xml 2>err &&
	cat >want <<-EOF &&
	unmapped: /MetaData/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/Manufacturer: DEC-DMS 2.15 has no GovernmentAgencyGoodsItem/Manufacturer
	unmapped: /MetaData/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/RefundRecipientParty: DEC-DMS 2.15 has no GovernmentAgencyGoodsItem/RefundRecipientParty
	unmapped: /MetaData/Declaration/GoodsShipment/Payer[2]: DEC-DMS 2.15 allows one Payer here
	EOF
	test_cmp want err && canon with215.xml >a && canon xp215.xml >b && test_cmp a b
'
test_expect_success '2.3 -> 2.15 -> 2.3 gives back the declaration but what was reported' '
	tdk map --catalog cat23.xml dms-2.15-to-2.3 with215.xml >again23.xml 2>err && test ! -s err &&
	sed -e "s|<Manufacturer>.*</Manufacturer>||; s|<RefundRecipientParty>.*</RefundRecipientParty>||; s|<Payer><ID>GB222222222000</ID></Payer>||" with23.xml >want23.xml &&
	canon want23.xml | sed "s|<Packaging>|&<SequenceNumeric>1</SequenceNumeric>|" >want.c14n &&
	canon again23.xml >got.c14n && test_cmp want.c14n got.c14n
'
test_expect_code 1 'a declaration that is not well-formed is refused' '
	head -c 2000 "$src" >broken.xml &&
	tdk map --catalog cat215.xml dms-2.3-to-2.15 broken.xml >out 2>err; rc=$?
	test_grep "broken.xml:" err && test ! -s out || exit 99
	exit $rc
'
test_done
