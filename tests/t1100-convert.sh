#!/bin/sh
# tdk convert: EDIFACT -> XML/JSON -> EDIFACT gives back the input byte for
# byte; the XML validates against xsd/tdk-edifact.xsd; values re-encode
# strictly; -o is atomic.
. "$(dirname "$0")/lib.sh"

roundtrip() {
	# $1 file, $2 format
	tdk convert -t "$2" "$1" >mid && tdk convert -f "$2" -t edifact mid >back && cmp back "$1"
}

for f in "$SAMPLES"/*.edi "$DATA"/cases/valid-v3/in.edi "$DATA"/cases/una-custom/in.edi \
	"$DATA"/cases/level-b/in.edi "$DATA"/cases/v4-repetition/in.edi "$DATA"/cases/bom/in.edi \
	"$DATA"/cases/two-interchanges/in.edi "$DATA"/cases/una-blank-release/in.edi \
	"$DATA"/cases/una-only/in.edi "$DATA"/cases/trailing-garbage/in.edi; do
	n=${f#"$REPO"/}
	case $n in
	*trailing-garbage*) ;;  # unterminated tail: convert refuses, tested below
	*)
		test_expect_success "$n: round trip through XML" "roundtrip '$f' xml"
		test_expect_success "$n: round trip through JSON" "roundtrip '$f' json"
		;;
	esac
done

test_expect_success 'the XML form validates against xsd/tdk-edifact.xsd' '
	for f in "$SAMPLES"/*.edi "$DATA"/cases/v4-repetition/in.edi; do
		tdk convert -t xml "$f" >x.xml && xmllint --noout --schema "$REPO/xsd/tdk-edifact.xsd" x.xml || exit 1
	done
'
test_expect_success 'input format is detected: XML, JSON, EDIFACT' '
	tdk convert "$SAMPLES/invoic-d96a.edi" >a.xml && head -c 5 a.xml | grep -q "<?xml" &&
	tdk convert -t json "$SAMPLES/invoic-d96a.edi" >a.json &&
	tdk convert <a.json | cmp - "$SAMPLES/invoic-d96a.edi" &&
	tdk convert - <a.xml | cmp - "$SAMPLES/invoic-d96a.edi"
'
test_expect_success 'values are UTF-8 in XML and JSON, decoded from the declared set' '
	cafe=$(printf "Caf\303\251 Zuid") &&
	tdk convert "$SAMPLES/invoic-d96a.edi" | grep -q "$cafe" &&
	tdk convert -t json "$SAMPLES/invoic-d96a.edi" | grep -q "$cafe"
'
test_expect_success 'release characters become plain values' '
	tdk convert "$SAMPLES/invoic-d96a.edi" | grep -F -q "<e>Brasserie Dupont+Fils</e><e>Rue de l'"'"'"
'
test_expect_code 1 'a character the set cannot represent is an error with its position' '
	tdk convert "$SAMPLES/invoic-d96a.edi" | sed "s/$(printf "Caf\303\251")/$(printf "Caf\342\202\254")/" >euro.xml &&
	tdk convert euro.xml >out.edi 2>err; rc=$?
	grep -q "euro.xml:[0-9]*:[0-9]*: error: \[EDI-WRITE-CHARSET\] segment 6 .NAD. element 4 component 1: character U+20AC" err || exit 99
	exit $rc
'
test_expect_code 1 'a repetition in syntax version 3 cannot be written' '
	tdk convert "$DATA/cases/valid-v3/in.edi" |
		sed "s|<e>PO1</e>|<e><r>PO1</r><r>PO2</r></e>|" >rep.xml &&
	tdk convert rep.xml >/dev/null 2>err; rc=$?
	grep -q "EDI-WRITE-REPETITION" err || exit 99
	exit $rc
'
test_expect_code 1 'a service character in a value without a release character cannot be written' '
	tdk convert -t json "$DATA/cases/level-b/in.edi" | sed "s/Po 1/Po\\\\u001c1/" >lb.json &&
	tdk convert lb.json >/dev/null 2>err; rc=$?
	grep -q "EDI-WRITE-RELEASE" err || exit 99
	exit $rc
'
test_expect_success 'values needing release characters get them' '
	tdk convert -t json "$DATA/cases/valid-v3/in.edi" | sed "s/\"PO1\"/\"P?O:1+2'"'"'\"/" >r.json &&
	tdk convert r.json | grep -q "BGM+220+P??O?:1?+2?'"'"'+9"
'
test_expect_success '-o writes atomically: the target appears only when complete' '
	tdk convert -o out.xml "$SAMPLES/invoic-d96a.edi" && test -s out.xml &&
	tdk convert -o back.edi out.xml && cmp back.edi "$SAMPLES/invoic-d96a.edi" &&
	test -z "$(ls | grep tdk-)"
'
test_expect_code 1 '-o leaves the old file and no temporary behind when conversion fails' '
	echo old >keep.edi &&
	tdk convert -o keep.edi "$TRASH/euro.xml" 2>/dev/null; rc=$?
	test "$(cat keep.edi)" = old && test -z "$(ls | grep "keep.edi.tdk-")" || exit 99
	exit $rc
'
test_expect_code 3 '-o into a folder that does not exist is exit 3' 'tdk convert -o /nonexistent/x.xml "$SAMPLES/invoic-d96a.edi"'
test_expect_code 1 'unterminated input is refused by convert' 'tdk convert "$DATA/cases/trailing-garbage/in.edi" >/dev/null'
test_expect_code 1 'XML of another vocabulary is refused' '
	echo "<a xmlns=\"urn:x\"/>" >a.xml && tdk convert a.xml 2>err; rc=$?
	test_grep "[TDK-FORMAT] input is XML in namespace '"'"'urn:x'"'"', not tdk'"'"'s EDIFACT XML" err || exit 99; exit $rc
'
test_expect_code 1 'a DOCTYPE is refused and no entity is expanded' '
	printf "<?xml version=\"1.0\"?>\n<!DOCTYPE edifact [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<edifact xmlns=\"urn:tdk:edifact:1\"><segment tag=\"FTX\"><e>&x;</e></segment></edifact>\n" >dtd.xml &&
	tdk convert dtd.xml >out 2>err; rc=$?
	grep -q "XML-DTD\|XML-ENTITY" err && ! grep -q root out || exit 99; exit $rc
'
test_expect_code 1 'malformed XML gives a positioned diagnostic' '
	printf "<edifact xmlns=\"urn:tdk:edifact:1\"><segment tag=\"A\">\n<e>x</segment>" >bad.xml &&
	tdk convert bad.xml 2>err; rc=$?
	grep -q "^bad.xml:2:[0-9]*: error: \[XML-SYNTAX\]" err || exit 99; exit $rc
'
test_expect_code 1 'malformed JSON gives a positioned diagnostic' '
	printf "{\"format\":\"tdk-edifact\",\"content\":[\n{\"tag\":\"A\",\"elements\":[\"x\"]" >bad.json &&
	tdk convert bad.json 2>err; rc=$?
	grep -q "^bad.json:[0-9]*:[0-9]*: error: \[JSON-SYNTAX\]" err || exit 99; exit $rc
'
test_expect_success 'EDIFACT to EDIFACT is the identity on a valid interchange' '
	tdk convert -t edifact "$SAMPLES/cuscar-v4.edi" | cmp - "$SAMPLES/cuscar-v4.edi"
'
test_expect_code 2 'several inputs need -O' 'tdk convert "$SAMPLES/invoic-d96a.edi" "$SAMPLES/cuscar-v4.edi"'
test_done
