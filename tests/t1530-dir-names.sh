#!/bin/sh
# Directory names in the XML form and the XML Schema of a message:
# `tdk convert -t xml --names directory` names groups, segments, composites
# and data elements after each message's release (from UNH S009), converts
# back byte for byte without the directory, keeps what does not fit as the
# syntax-level form with the validator's diagnostic as a warning, and falls
# back to the syntax-level names (with a warning) for a release that is not
# installed.  `tdk dir xsd` writes a schema the converted XML validates
# against, and that rejects mutated messages.  Also `tdk dir list` of every
# release letter and `tdk dir show` of service code lists and ISO 9735
# service segments and composites.  On the fixture releases of tests/data/dir,
# and on the corpus releases and samples when they are there.
. "$(dirname "$0")/lib.sh"

GEN=$REPO/$TDK_BUILD/tests/gen/edi-gen
export GEN
TDK_DIRECTORY_PATH=$DATA/dir
export TDK_DIRECTORY_PATH

# round FILE: --names directory and back, byte for byte; the XML is left in FILE.xml.
round() {
	tdk convert -t xml --names directory "$1" >"$1.xml" 2>"$1.err" &&
	tdk convert "$1.xml" >"$1.back" && cmp "$1.back" "$1"
}

una="UNA:+.? '"
unb="UNB+UNOC:3+TDKGEN+TDKTEST+180101:1200+1'"
interchange() {
	# interchange TYPE VERSION:RELEASE:AGENCY SEGMENT...: one message with a correct UNT count
	type=$1 id=$2
	shift 2
	printf '%s\n%s\nUNH+1+%s:%s'"'"'\n' "$una" "$unb" "$type" "$id"
	for s in "$@"; do printf '%s\n' "$s"; done
	printf 'UNT+%d+1'"'"'\nUNZ+1+1'"'"'\n' $(($# + 2))
}

# ---- Names, on the fixture releases ----

for rm in D96T:GDSDEC D96T:GDSRES D18T:GDSDEC D18T:GDSNOT D18T:GDSRES D18T:GDSSTA; do
	rel=${rm%%:*} msg=${rm#*:}
	test_expect_success "$rel $msg: generated instances round-trip through the directory names" "
		for s in 1 2 3; do
			\"\$GEN\" --seed \$s --messages 3 $rel $msg >v\$s.edi && round v\$s.edi || exit 1
			test ! -s v\$s.edi.err || { cat v\$s.edi.err; exit 1; }
		done &&
		grep -q '<message type=\"$msg\" release=\"$rel\">' v1.edi.xml && grep -q '<SG1>' v1.edi.xml
	"
	test_expect_success "$rel $msg: the converted XML validates against tdk dir xsd, with and without codes" "
		tdk dir xsd $rel $msg >m.xsd && tdk dir xsd --codes -o c.xsd $rel $msg &&
		for s in 1 2 3; do
			\"\$GEN\" --seed \$s --messages 2 $rel $msg >v.edi &&
			tdk convert -t xml --names directory v.edi >v.xml &&
			xmllint --noout --schema m.xsd v.xml && xmllint --noout --schema c.xsd v.xml || exit 1
		done
	"
done

test_expect_success 'the names: groups nest their segments, composites and elements carry their tags' '
	interchange GDSRES D:18T:UN "BGM+9+REF1'"'"'" "RFF+AAA:X1'"'"'" >r.edi && round r.edi && cat r.edi.xml &&
	grep -q "<UNH line=\"3\" col=\"1\" offset=\"[0-9]*\" ws=\"&#10;\"><D0062>1</D0062><S009><D0065>GDSRES</D0065><D0052>D</D0052><D0054>18T</D0054><D0051>UN</D0051></S009></UNH>" r.edi.xml &&
	grep -q "^<BGM [^>]*><C002><D1001>9</D1001></C002><C106><D1004>REF1</D1004></C106></BGM>" r.edi.xml &&
	grep -q "^<SG1>" r.edi.xml && grep -q "^</SG1>" r.edi.xml &&
	grep -q "^<UNT [^>]*><D0074>4</D0074><D0062>1</D0062></UNT>" r.edi.xml &&
	grep -q "^<segment tag=\"UNB\"" r.edi.xml
'

test_expect_success 'empty elements, components past the definition and odd layouts survive the round trip' '
	printf "%s\r\n%s\r\n  UNH+1+GDSRES:D:18T:UN'"'"'\r\nBGM+++:x:y+++extra'"'"'UNT+3+1'"'"'UNZ+1+1'"'"'" "$una" "$unb" >odd.edi &&
	round odd.edi && grep -q "<e>extra</e>" odd.edi.xml
'

test_expect_success 'a segment that fits nowhere stays a <segment>, with EDI-STRUCT-UNEXPECTED as a warning' '
	"$GEN" --mutate unexpected D18T GDSDEC >u.edi 2>/dev/null && round u.edi &&
	cat u.edi.err && grep -q "warning: \[EDI-STRUCT-UNEXPECTED\].*kept as <segment>" u.edi.err &&
	grep -q "^<segment tag=" u.edi.xml
'
test_expect_success 'a segment out of order stays a <segment>, with EDI-STRUCT-ORDER as a warning' '
	interchange GDSRES D:18T:UN "RFF+AAA'"'"'" "BGM+9'"'"'" "RFF+AAA'"'"'" >o.edi && round o.edi &&
	grep -q "warning: \[EDI-STRUCT-ORDER\]" o.edi.err && grep -q "<segment tag=\"RFF\"\|<segment tag=\"BGM\"" o.edi.xml
'

tdk dir xsd D18T GDSDEC >gdsdec.xsd 2>/dev/null
tdk dir xsd --codes D18T GDSDEC >gdsdec-codes.xsd 2>/dev/null
for kc in unexpected:gdsdec drop:gdsdec format:gdsdec length:gdsdec code:gdsdec-codes repeat:gdsdec; do
	k=${kc%%:*} x=${kc#*:}
	# xmllint exits 3 when a document does not validate.
	test_expect_code 3 "D18T GDSDEC: the schema rejects the $k mutation, which still round-trips" "
		\"\$GEN\" --mutate $k D18T GDSDEC >m.edi 2>/dev/null && round m.edi || exit 99
		xmllint --noout --schema $TRASH/$x.xsd m.edi.xml 2>err; rc=\$?
		cat err; grep -q 'fails to validate' err || exit 98
		exit \$rc
	"
done

test_expect_success 'a release that is not installed: EDI-DIR-RELEASE once, syntax-level names, lossless' '
	interchange GDSRES D:18T:UN "BGM+9'"'"'" >a.edi && interchange GDSRES D:97Z:UN "BGM+9'"'"'" >b.edi &&
	cat a.edi b.edi b.edi >mix.edi && round mix.edi && cat mix.edi.err &&
	test "$(grep -c "warning: \[EDI-DIR-RELEASE\] .*release D97Z is not installed" mix.edi.err)" = 1 &&
	grep -q "<message type=\"GDSRES\" release=\"D18T\">" mix.edi.xml &&
	test "$(grep -c "^<message>\$" mix.edi.xml)" = 2
'
test_expect_success 'a message the release lacks, and a non-UN message: a warning and the syntax-level names' '
	interchange NOSUCH D:18T:UN "BGM+9'"'"'" >n.edi && round n.edi && grep -q "warning: \[EDI-DIR-MESSAGE\]" n.edi.err &&
	interchange GDSRES 1:1:EAN "BGM+9'"'"'" >e.edi && round e.edi && grep -q "warning: \[EDI-NAMES-SYNTAX\]" e.edi.err &&
	grep -q "^<message>\$" n.edi.xml && grep -q "^<message>\$" e.edi.xml
'
test_expect_code 2 '--names directory writes XML from EDIFACT only' '
	tdk convert -t json --names directory "$SAMPLES/invoic-d96a.edi"
'
test_expect_code 2 '--names takes syntax or directory' 'tdk convert --names tags "$SAMPLES/invoic-d96a.edi"'
test_expect_code 1 'the reader refuses a directory-named document that mixes in the syntax-level namespace' '
	interchange GDSRES D:18T:UN "BGM+9'"'"'" >a.edi && tdk convert --names directory a.edi |
		sed "s|<BGM |<BGM xmlns=\"urn:tdk:edifact:1\" |" >mixed.xml &&
	tdk convert mixed.xml >/dev/null 2>err; rc=$?; grep -q "EDI-XML-UNEXPECTED" err && exit $rc
'

# ---- tdk dir xsd ----

test_expect_success 'dir xsd: written atomically with -o, a W3C XML Schema for the message' '
	tdk dir xsd -o g.xsd D18T GDSNOT && head -2 g.xsd | grep -q "generated by tdk dir xsd D18T GDSNOT" &&
	grep -q "targetNamespace=\"urn:tdk:edifact:directory:1\"" g.xsd &&
	grep -q "<xs:attribute name=\"type\" type=\"xs:string\" use=\"required\" fixed=\"GDSNOT\"/>" g.xsd &&
	! ls | grep -q "g.xsd."
'
test_expect_success 'dir xsd: formats become facets (an..35, n..15 with the decimal mark rule)' '
	tdk dir xsd D18T GDSDEC >x.xsd &&
	grep -A4 "name=\"E.1004\"" x.xsd | grep -q "<xs:maxLength value=\"35\"/>" &&
	sed -n "/name=\"E.6060\"/,/simpleType/p" x.xsd | grep -q "pattern value=\"-?(\[0-9\]{1,15}|\[0-9\]{0}\[.,\]\[0-9\]{1,15}|"
'
test_expect_code 1 'dir xsd: a message the release does not have is exit 1' 'tdk dir xsd D18T NOSUCH'
test_expect_code 2 'dir xsd: without a message is a usage error' 'tdk dir xsd D18T'
test_expect_code 3 'dir xsd: a release that is not installed is exit 3' 'tdk dir xsd D97Z GDSDEC'

# ---- tdk dir list, show ----

test_expect_success 'dir list: releases of every letter (D.96T, D.18T)' '
	tdk dir list >l && cat l && grep -q "^D96T " l && grep -q "^D18T " l
'
test_expect_success 'dir show: a service code list of the release (UNSL 0085)' '
	tdk dir show D96T 0085 >s && cat s && grep -q "^0085 D96T: .*(service code list)" s &&
	tdk dir show --format json D96T 0085 | grep -q "^{\"release\":\"D96T\",\"code_list\":\"0085\""
'
test_expect_code 1 'dir show: 0085 in a release without UNSL is exit 1' 'tdk dir show D18T 0085'
test_expect_success 'dir show: service segments and composites from ISO 9735, both syntax versions' '
	tdk dir show D96T UNB >b && grep -q "^UNB: service segment of ISO 9735" b &&
	grep -q "^syntax version 1-3:" b && grep -q "^syntax version 4:" b && grep -q "^     010  0001  M  a4" b &&
	tdk dir show D96T S009 >c && grep -q "^050  0057  C  an..6" c && grep -q "^070  0113  C  an..6" c &&
	tdk dir show --format json D96T UNH | grep -q "^{\"segment\":\"UNH\",\"standard\":\"ISO 9735\",\"versions\":\[{\"syntax\":\"1-3\""
'
test_expect_code 1 'dir show: a segment that is neither in the release nor a service segment is exit 1' 'tdk dir show D96T UNQ'

# ---- The corpus releases ----

if [ ! -d "$DIRECTORIES/d96b" ]; then
	test_skip 'corpus releases: names and schemas' "no UNTDID release at $DIRECTORIES"
	test_done
fi
TDK_DIRECTORY_PATH=$DIRECTORIES
export TDK_DIRECTORY_PATH

test_expect_success 'samples/: round trip through the directory names (each names a release of the corpus)' '
	for f in "$SAMPLES"/*.edi; do cp "$f" .; round "$(basename "$f")" || exit 1; done &&
	grep -q "<message type=\"INVOIC\" release=\"D96A\">" invoic-d96a.edi.xml &&
	grep -q "<message type=\"CUSCAR\" release=\"D16A\">" cuscar-v4.edi.xml &&
	for f in "$SAMPLES"/*.edi; do ! grep EDI-DIR-RELEASE "$(basename "$f").err" || exit 1; done
'
test_expect_success 'samples/invoic-d96a.edi: the XML validates against tdk dir xsd D96A INVOIC' '
	tdk dir xsd --codes D96A INVOIC >i.xsd && tdk convert -t xml --names directory "$SAMPLES/invoic-d96a.edi" >i.xml &&
	xmllint --noout --schema i.xsd i.xml
'
for rm in D96B:CUSDEC D96B:CUSRES D96B:CUSCAR D96B:CUSREP D96B:INVOIC D96B:IFTMIN D96B:APERAK D16A:GOVCBR D21A:GOVCBR; do
	rel=${rm%%:*} msg=${rm#*:}
	test_expect_success "$rel $msg: generated instances round-trip and validate against tdk dir xsd" "
		tdk dir xsd --codes $rel $msg >m.xsd &&
		for s in 1 2; do
			\"\$GEN\" --seed \$s --messages 2 $rel $msg >v.edi && round v.edi &&
			xmllint --noout --schema m.xsd v.edi.xml || exit 1
		done
	"
done
test_expect_code 3 'D96B CUSDEC: the schema rejects a message with an unknown code' '
	"$GEN" --mutate code D96B CUSDEC >m.edi 2>/dev/null && round m.edi || exit 99
	tdk dir xsd --codes D96B CUSDEC >m.xsd && xmllint --noout --schema m.xsd m.edi.xml
'
test_expect_success 'corpus samples of an installed release round-trip through the directory names' '
	n=0
	for f in $(grep -rlE "UNH\+[^+]*\+[A-Z]{6}:D:(96A|96B|01B|16A|21A):UN" "$TDK_CORPUS/edifact/samples"); do
		tdk convert "$f" >/dev/null 2>&1 || continue
		cp "$f" s.edi && round s.edi || { echo "$f"; cat s.edi.err; exit 1; }
		n=$((n + 1))
	done
	echo "$n samples"; test $n -gt 5
'
test_done
