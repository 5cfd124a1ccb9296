#!/bin/sh
# tdk map with maps found by name ($TDK_MAPS_DIR: the test maps of
# tests/data/map/maps): --list, --coverage, an unknown name (did you mean),
# a broken manifest; UN/EDIFACT input in syntax or as tdk's EDIFACT XML in
# either naming, converted to directory naming in-process, with what the map
# does not carry at its segment, element and component; a message the map
# does not read; an EDIFACT target written as an interchange (checked
# against its release) or as XML with -t xml; the result checked against
# the catalog's schema: valid, invalid (exit 1, nothing written), a schema
# that is missing (exit 3).
. "$(dirname "$0")/lib.sh"

TDK_MAPS_DIR=$DATA/map/maps
export TDK_MAPS_DIR
TAB=$(printf '\t')

test_expect_success '--list: name, source, target, summary' '
	tdk map --list >out &&
	cat >want <<-EOT &&
	cusdec-lrn${TAB}edifact CUSDEC D96B${TAB}xml urn:test:lrn lrn-list${TAB}the LRN and declarant of a CUSDEC (a test map)
	edi-identity${TAB}edifact CUSDEC D96B${TAB}edifact CUSDEC D96B${TAB}UN/EDIFACT CUSDEC copied through tdk'\''s EDIFACT XML
	edi-no-bgm${TAB}edifact CUSDEC D96B${TAB}edifact CUSDEC D96B${TAB}a CUSDEC without its BGM segment (a test map that breaks its target)
	EOT
	test_cmp want out
'
test_expect_success '--list --format json' '
	tdk map --list --format json >out &&
	test_grep "{\"name\":\"cusdec-lrn\",\"source\":\"edifact CUSDEC D96B\",\"target\":\"xml urn:test:lrn lrn-list\",\"summary\":" out
'
test_expect_success '--coverage: what the map carries and what it drops' '
	tdk map --coverage cusdec-lrn >out &&
	cat >want <<-EOT &&
	# cusdec-lrn: edifact CUSDEC D96B -> xml urn:test:lrn lrn-list
	carries${TAB}lrn${TAB}BGM/C106/1004
	carries${TAB}declarant${TAB}NAD(DT)/C082/3039
	drops${TAB}CST/C246/7361${TAB}the tariff code
	drops${TAB}TOD${TAB}the terms of delivery
	EOT
	test_cmp want out
'
test_expect_success '--coverage --format json' '
	tdk map --coverage cusdec-lrn --format json >out &&
	test_grep "{\"map\":\"cusdec-lrn\",\"kind\":\"drops\",\"what\":\"TOD\",\"detail\":\"the terms of delivery\"}" out &&
	test "$(wc -l <out)" -eq 4
'
test_expect_code 2 'an unknown map: did you mean' '
	tdk map cusdec-lnr "$SAMPLES/cusdec-d96b-import.edi" >out 2>err; rc=$?
	test_grep "tdk map: '\''cusdec-lnr'\'' is not a shipped map (tdk map --list names them); did you mean '\''cusdec-lrn'\''?" err &&
	test ! -s out || exit 99
	exit $rc
'
test_expect_code 2 '--coverage of an unknown map' 'tdk map --coverage nothing-like-it 2>err'
test_expect_code 1 'a broken manifest: MAP-MANIFEST at its line' '
	mkdir m && cp "$TDK_MAPS_DIR"/* m/ && printf "name = x\nsource = edifact CUSDEC\ntarget = xml a b\n" >m/x.manifest &&
	TDK_MAPS_DIR=m tdk map --list >out 2>err; rc=$?
	test_grep "m/x.manifest:2:10: error: [MAP-MANIFEST] incomplete edifact vocabulary" err &&
	test_grep "cusdec-lrn" out || exit 99
	exit $rc
'
if [ -d "$DIRECTORIES/d96b" ]; then
	cat >want.xml <<-\EOT
	<?xml version="1.0"?>
	<lrn-list xmlns="urn:test:lrn">
	  <lrn function="Original">CUSDEC-2024-0042</lrn>
	  <declarant>XE123456789</declarant>
	  <date>20241105000000Z</date>
	</lrn-list>
	EOT
	test_expect_success 'UN/EDIFACT in: directory naming, what is not carried at its segment' '
		tdk map cusdec-lrn -D "$DIRECTORIES" "$SAMPLES/cusdec-d96b-import.edi" >out 2>err &&
		test_cmp want.xml out &&
		test_grep "cusdec-d96b-import.edi:11:1: warning: [MAP-UNMAPPED] segment 9 '\''CST'\'' element 2 component 1: D7361 not carried: no place for the tariff code" err &&
		test_grep "cusdec-d96b-import.edi:9:1: warning: [MAP-UNMAPPED] segment 7 '\''TOD'\'': segment TOD not carried" err
	'
	test_expect_success 'tdk'\''s EDIFACT XML in either naming maps alike' '
		tdk convert -t xml "$SAMPLES/cusdec-d96b-import.edi" >syntax.xml &&
		tdk convert -t xml --names directory -D "$DIRECTORIES" "$SAMPLES/cusdec-d96b-import.edi" >dir.xml &&
		tdk map cusdec-lrn -D "$DIRECTORIES" syntax.xml >out1 2>err1 && test_cmp want.xml out1 &&
		tdk map cusdec-lrn -D "$DIRECTORIES" dir.xml >out2 2>err2 && test_cmp want.xml out2 &&
		test "$(grep -c MAP-UNMAPPED err1)" -eq 3
	'
	test_expect_code 1 'a message the map does not read: MAP-SOURCE at its UNH' '
		tdk map cusdec-lrn -D "$DIRECTORIES" "$SAMPLES/invoic-d96a.edi" >out 2>err; rc=$?
		test_grep "invoic-d96a.edi:3:1: error: [MAP-SOURCE] the message is INVOIC D96A; map '\''cusdec-lrn'\'' reads CUSDEC D96B" err &&
		test ! -s out || exit 99
		exit $rc
	'
	test_expect_code 1 'a malformed interchange: its syntax error, nothing mapped' '
		printf "UNB+UNOC:3+A+B+241105:0930+1'\''\nUNH+1+CUSDEC:D:96B:UN'\''\nBGM+929+X?" >cut.edi &&
		tdk map cusdec-lrn -D "$DIRECTORIES" cut.edi >out 2>err; rc=$?
		test_grep "cut.edi:3:1: error: [EDI-SYNTAX-UNTERMINATED]" err && test ! -s out || exit 99
		exit $rc
	'
	test_expect_code 1 'a WCO declaration to a map of UN/EDIFACT: MAP-SOURCE' '
		tdk map cusdec-lrn -D "$DIRECTORIES" "$SAMPLES/wco-declaration.xml" 2>err; rc=$?
		test_grep "[MAP-SOURCE] input is XML in namespace '\''urn:wco:datamodel:WCO:DocumentMetaData-DMS:2'\''" err || exit 99
		exit $rc
	'
	test_expect_success 'an EDIFACT target: the interchange, checked against its release' '
		tdk map edi-identity -D "$DIRECTORIES" -O o "$SAMPLES/cusdec-d96b-import.edi" >out 2>err &&
		cmp "$SAMPLES/cusdec-d96b-import.edi" o/cusdec-d96b-import.edi &&
		test_grep "cusdec-d96b-import.edi: mapped" out
	'
	test_expect_code 1 'an EDIFACT target that breaks its release: the result'\''s errors, nothing written' '
		tdk map edi-no-bgm -D "$DIRECTORIES" "$SAMPLES/cusdec-d96b-import.edi" >out 2>err; rc=$?
		test_grep "cusdec-d96b-import.edi (result):4:1: error: [EDI-STRUCT-MISSING] segment 2 '\''DTM'\'': mandatory segment '\''BGM'\''" err &&
		test ! -s out || exit 99
		exit $rc
	'
	test_expect_success '-t xml: the EDIFACT target as tdk'\''s EDIFACT XML' '
		tdk map edi-identity -t xml -D "$DIRECTORIES" "$SAMPLES/cusdec-d96b-import.edi" >out &&
		test_grep "<edifact xmlns=\"urn:tdk:edifact:directory:1\">" out &&
		tdk convert -f xml -t edifact out >back.edi && cmp "$SAMPLES/cusdec-d96b-import.edi" back.edi
	'
	test_expect_code 2 '-t edifact for a map that writes XML' '
		tdk map cusdec-lrn -t edifact "$SAMPLES/cusdec-d96b-import.edi" 2>err; rc=$?
		test_grep "map '\''cusdec-lrn'\'' writes xml urn:test:lrn lrn-list, not UN/EDIFACT" err || exit 99
		exit $rc
	'
	test_expect_success 'the result checked against the catalog'\''s schema: valid' '
		tdk map cusdec-lrn -D "$DIRECTORIES" --catalog "$DATA/map/catalog.xml" -O o "$SAMPLES/cusdec-d96b-import.edi" >out 2>err &&
		test_grep "cusdec-d96b-import.edi: mapped" out && ! grep -q "XML-XSD" err
	'
	test_expect_code 1 'a result invalid against the schema: exit 1, nothing written' '
		tdk map cusdec-lrn -D "$DIRECTORIES" --catalog "$DATA/map/catalog-office.xml" -O bad "$SAMPLES/cusdec-d96b-import.edi" >out 2>err; rc=$?
		test_grep "bad/cusdec-d96b-import.xml (result):6:12: error: [XML-XSD] element '\''{urn:test:lrn}lrn-list'\'': Missing child element(s). Expected is ( {urn:test:lrn}office )" err &&
		test_grep "cusdec-d96b-import.edi: invalid" out && test ! -e bad/cusdec-d96b-import.xml || exit 99
		exit $rc
	'
	test_expect_code 3 'a catalog whose schema is missing: exit 3' '
		tdk map cusdec-lrn -D "$DIRECTORIES" --catalog "$DATA/map/catalog-missing.xml" "$SAMPLES/cusdec-d96b-import.edi" >out 2>err; rc=$?
		test_grep "[XML-CATALOG]" err && test ! -s out || exit 99
		exit $rc
	'
	test_expect_success '--no-validate: not checked, and said so' '
		tdk map cusdec-lrn -D "$DIRECTORIES" --no-validate --catalog "$DATA/map/catalog-office.xml" -O o "$SAMPLES/cusdec-d96b-import.edi" >out 2>err &&
		test_grep "cusdec-d96b-import.edi: mapped, schema not checked" out
	'
else
	test_skip 'UN/EDIFACT maps' "no releases at $DIRECTORIES"
fi
test_done
