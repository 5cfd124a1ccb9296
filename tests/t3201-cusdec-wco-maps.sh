#!/bin/sh
# The shipped maps cusdec-to-wco and wco-to-cusdec on the samples: the
# D.96B sample CUSDEC to a declaration valid against the CDS v2.15 schema,
# with a warning for each part it cannot carry (errors under --strict);
# its malformed twin to a declaration the schema refuses; a D.16A CUSDEC
# written for this test; a declaration with long texts and characters
# outside ISO 8859-1 there and back; input that is no CUSDEC; --list and
# --coverage from the manifests.  The UNTDID releases and the schemas come
# from the corpus (skipped without it).
. "$(dirname "$0")/lib.sh"

W=$TDK_CORPUS/wco/hmrc-customs-declarations
if [ ! -d "$W" ] || [ ! -d "$DIRECTORIES/d96b" ] || [ ! -d "$DIRECTORIES/d16a" ]; then
	test_skip 'CUSDEC <-> WCO on the samples' "$W or the D.96B and D.16A releases are absent (set TDK_CORPUS)"
	test_done
	exit
fi
TDK_MAPS_DIR=$REPO/data/maps
export TDK_MAPS_DIR
sed "s|@CDS@|file://$W|g" "$DATA/cusdec/catalog.xml.in" >cat.xml
S=$SAMPLES/cusdec-d96b-import.edi

test_expect_success 'the list names both maps with what they read and write' '
	tdk map --list >out &&
	test_grep "cusdec-to-wco	edifact CUSDEC D96B D16A	xml urn:wco:datamodel:WCO:DocumentMetaData-DMS:2 MetaData" out &&
	test_grep "wco-to-cusdec	xml urn:wco:datamodel:WCO:DocumentMetaData-DMS:2 MetaData	edifact CUSDEC D96B" out
'
test_expect_success 'coverage: what each map carries and what it drops' '
	tdk map --coverage cusdec-to-wco >cov1 && tdk map --coverage wco-to-cusdec >cov2 &&
	test_grep "Declaration/FunctionalReferenceID" cov1 && test_grep "BGM/C106/1004" cov1 &&
	test_grep "NAD C058" cov1 && test_grep "ObligationGuarantee" cov2
'
test_expect_success 'D.96B sample -> a declaration valid against v2.15, each uncarried part a warning' '
	tdk map -D "$DIRECTORIES" --catalog cat.xml cusdec-to-wco "$S" >out.xml 2>err &&
	test_grep "<FunctionalReferenceID>CUSDEC-2024-0042</FunctionalReferenceID>" out.xml &&
	test_grep "<CustomsValueAmount currencyID=\"XEA\">3200.50</CustomsValueAmount>" out.xml &&
	test_grep "<ds:DateTimeString formatCode=\"102\">20241105</ds:DateTimeString>" out.xml &&
	cat >want <<-EOF &&
	$S:7:1: warning: [MAP-UNMAPPED] segment 5 '"'"'NAD'"'"' element 2 component 3: D3055 not carried: no place in the declaration for this data element
	$S:8:1: warning: [MAP-UNMAPPED] segment 6 '"'"'NAD'"'"' element 2 component 3: D3055 not carried: no place in the declaration for this data element
	$S:13:1: warning: [MAP-UNMAPPED] segment 11 '"'"'MOA'"'"': segment MOA not carried: no place in the declaration for this segment and qualifier
	EOF
	test_cmp want err
'
test_expect_code 1 'the same under --strict: the uncarried parts fail it' '
	tdk map --strict -D "$DIRECTORIES" --catalog cat.xml cusdec-to-wco "$S" >out.xml 2>err; rc=$?
	test_grep "error: [MAP-UNMAPPED] segment 11 '"'"'MOA'"'"'" err || exit 99
	exit $rc
'
test_expect_code 1 'the malformed twin: the schema refuses its function code 1, its second border TDT a warning' '
	B=$SAMPLES/cusdec-d96b-import-bad.edi
	tdk map -D "$DIRECTORIES" --catalog cat.xml cusdec-to-wco "$B" >out.xml 2>err; rc=$?
	test_grep "error: [XML-XSD] element '"'"'{urn:wco:datamodel:WCO:DEC-DMS:2}FunctionCode'"'"': [facet '"'"'enumeration'"'"'] The value '"'"'1'"'"'" err &&
	test_grep "$B:6:1: warning: [MAP-UNMAPPED] segment 4 '"'"'TDT'"'"': segment TDT not carried: repeats a qualifier that the declaration takes once" err ||
	exit 99
	exit $rc
'
test_expect_success 'a D.16A CUSDEC (GEI for GIS, goods items in SG32) -> a valid declaration, its EQD a warning' '
	tdk validate -D "$DIRECTORIES/d16a" "$DATA/cusdec/cusdec-d16a-export.edi" &&
	tdk map -D "$DIRECTORIES" --catalog cat.xml cusdec-to-wco "$DATA/cusdec/cusdec-d16a-export.edi" >d16.xml 2>err &&
	tdk map "$DATA/cusdec/carried.xsl" d16.xml >d16.txt &&
	test_cmp "$DATA/cusdec/cusdec-d16a-export.carried" d16.txt &&
	test_grep "[MAP-UNMAPPED] segment 16 '"'"'TOD'"'"' element 3 component 3: D3055" err &&
	test_grep "[MAP-UNMAPPED] segment 7 '"'"'EQD'"'"': segment EQD not carried" err &&
	test "$(wc -l <err)" -eq 2
'
test_expect_success 'long texts and non-Latin-1 characters: UNOW, split over repetitions and segments, joined again' '
	tdk map -D "$DIRECTORIES" wco-to-cusdec "$DATA/cusdec/long-text.xml" >lt.edi 2>err && test ! -s err &&
	tdk validate -D "$DIRECTORIES/d96b" lt.edi &&
	test_grep "UNB+UNOW:4+" lt.edi && test_grep "FTX+ACB++-:AES:109+Price in € as agreed" lt.edi &&
	test "$(tr "'"'"'" "\n" <lt.edi | grep -c "^FTX+AAA")" -eq 2 &&
	test "$(tr "'"'"'" "\n" <lt.edi | grep -c "^PCI")" -eq 2 &&
	tdk map -D "$DIRECTORIES" --catalog cat.xml cusdec-to-wco lt.edi >lt.xml 2>err && test ! -s err &&
	tdk map "$DATA/cusdec/carried.xsl" "$DATA/cusdec/long-text.xml" >a.txt &&
	tdk map "$DATA/cusdec/carried.xsl" lt.xml >b.txt && test_cmp a.txt b.txt
'
test_expect_success 'the sample declaration, all carried -> tdk EDIFACT XML (-t xml) that tdk convert makes a valid D.96B interchange' '
	tdk map -D "$DIRECTORIES" -t xml wco-to-cusdec "$SAMPLES/wco-declaration.xml" >c.xml 2>err &&
	test_grep "<message type=\"CUSDEC\" release=\"D96B\">" c.xml &&
	tdk convert -f xml -t edifact c.xml >c.edi && tdk validate -D "$DIRECTORIES/d96b" c.edi &&
	test_grep "BGM+929:::IMZ+TDKSAMPLE0001+9" c.edi && test ! -s err
'
if command -v xsltproc >/dev/null 2>&1; then
	test_expect_success 'xsltproc runs both stylesheets without tdk'"'"'s extensions, with the results of tdk map' '
		tdk map -D "$DIRECTORIES" -t xml wco-to-cusdec "$SAMPLES/wco-declaration.xml" >t1.xml &&
		xsltproc "$REPO/data/maps/wco-to-cusdec.xsl" "$SAMPLES/wco-declaration.xml" >x1.xml && cmp t1.xml x1.xml &&
		tdk map -D "$DIRECTORIES" cusdec-to-wco "$S" >t2.xml 2>/dev/null &&
		tdk convert -t xml --names directory -D "$DIRECTORIES/d96b" "$S" >s.xml &&
		xsltproc "$REPO/data/maps/cusdec-to-wco.xsl" s.xml >x2.xml && cmp t2.xml x2.xml
	'
else
	test_skip 'xsltproc runs both stylesheets' 'xsltproc is not installed (Debian package xsltproc)'
fi
ALL=$TDK_CORPUS/wco/hmrc-customs-declarations-information/derived/sample_wco_dec_containing_all_possible_elements.ns-bound.xml
test_expect_success 'nothing dropped silently: each value of a declaration with every element comes back or is reported' '
	test -f "$ALL" &&
	sed "s|^<od:Declaration |<md:MetaData xmlns:md=\"urn:wco:datamodel:WCO:DocumentMetaData-DMS:2\"><od:Declaration |; s|</od:Declaration>|&</md:MetaData>|" \
		"$ALL" >all.xml &&
	tdk map -D "$DIRECTORIES" wco-to-cusdec all.xml >all.edi 2>all.err &&
	tdk map -D "$DIRECTORIES" --strict --catalog cat.xml cusdec-to-wco all.edi >back.xml 2>back.err &&
	tdk map "$DATA/cusdec/leaves.xsl" all.xml >src.tsv && tdk map "$DATA/cusdec/leaves.xsl" back.xml >back.tsv &&
	sed -n "s/.*\[MAP-UNMAPPED\] \([^ ]*\) not carried.*/\1/p" all.err >reported &&
	test "$(wc -l <src.tsv)" -gt 2000 && test -s reported &&
	perl -e '"'"'
		open my $b, "<", "back.tsv" or die; my %back = map { chomp; ($_ => 1) } <$b>;
		open my $r, "<", "reported" or die; my @rep = map { chomp; $_ } <$r>;
		open my $s, "<", "src.tsv" or die; my $bad = 0;
		while (<$s>) {
			chomp; next if $back{$_};
			my ($p) = split /\t/;
			next if grep { $p eq $_ || index($p, "$_/") == 0 } @rep;
			print "dropped silently: $_\n"; $bad++;
		}
		exit($bad ? 1 : 0);
	'"'"'
'
test_expect_success 'an envelope value other than the CDS one is reported, at its line' '
	sed "s|<md:WCODataModelVersionCode>3.6|<md:WCODataModelVersionCode>3.7|" "$SAMPLES/wco-declaration.xml" >v37.xml &&
	tdk map -D "$DIRECTORIES" wco-to-cusdec v37.xml >v37.edi 2>err &&
	echo "v37.xml:7: warning: [MAP-UNMAPPED] /MetaData/WCODataModelVersionCode not carried: no place in the CUSDEC this map writes" >want &&
	test_cmp want err
'
test_expect_code 1 'no CUSDEC in the input: refused (MAP-SOURCE)' '
	tdk map -D "$DIRECTORIES" cusdec-to-wco "$SAMPLES/invoic-d96a.edi" >out 2>err; rc=$?
	test_grep "error: [MAP-SOURCE] the message is INVOIC D96A; map '"'"'cusdec-to-wco'"'"' reads CUSDEC D96B D16A" err || exit 99
	exit $rc
'
test_done
