#!/bin/sh
# XML and JSON come from anyone: convert writes no EDIFACT that `tdk validate`
# refuses at the syntax level.  Layout that carries a segment, a UNA without
# six distinct service characters, tags that are no three-character codes,
# control characters and noncharacters in values are refused with their
# EDI-WRITE-* code and exit 1, and no file is left behind; the twins that
# keep to ISO 9735 convert and validate.
. "$(dirname "$0")/lib.sh"

tdk convert -t json "$SAMPLES/invoic-d96a.edi" >inv.json
tdk convert -t xml "$SAMPLES/invoic-d96a.edi" >inv.xml

# edit FROM TO PERL-SUBSTITUTION: a copy of FROM changed by a perl s///, which must change it.
edit() {
	perl -pe "$3" "$1" >"$2" && ! cmp -s "$1" "$2"
}
# refused CODE FILE: converting FILE fails with exit 1 and CODE, and writes nothing.
refused() {
	rm -f out.edi
	tdk convert -o out.edi "$2" 2>err; rc=$?
	test_grep "[$1]" err && ! test -e out.edi || exit 99
	exit $rc
}

test_expect_code 1 'JSON ws holding a segment is refused (EDI-WRITE-LAYOUT)' '
	edit inv.json a.json "s/\"ws\":\"\\\\n\",\"elements\":\\[\"380\"/\"ws\":\"\x27UNH+1+EVIL:D:96A:UN\x27\",\"elements\":[\"380\"/" || exit 98
	refused EDI-WRITE-LAYOUT a.json
'
test_expect_code 1 'XML ws holding a segment is refused (EDI-WRITE-LAYOUT)' '
	edit inv.xml a.xml "s/(tag=\"BGM\"[^>]*ws=\")&#10;/\$1&apos;UNH+1+EVIL:D:96A:UN&apos;/" || exit 98
	refused EDI-WRITE-LAYOUT a.xml
'
test_expect_code 1 'a letter in the layout before UNA is refused (EDI-WRITE-LAYOUT)' '
	edit inv.json a.json "s/\"una\":/\"unaWs\":\"X\",\"una\":/" || exit 98
	refused EDI-WRITE-LAYOUT a.json
'
test_expect_code 1 "UNA '''''' is refused (EDI-WRITE-UNA)" '
	edit inv.json u.json "s/\"una\":\"[^\"]*\"/\"una\":\"\x27\x27\x27\x27\x27\x27\"/" || exit 98
	refused EDI-WRITE-UNA u.json
'
test_expect_code 1 'a UNA decimal mark that is no comma or full stop is refused' '
	edit inv.xml u.xml "s/una=\":\\+\\./una=\":+X/" || exit 98
	refused EDI-WRITE-UNA u.xml
'
for tag in "BG'M" "" "bgm" "BGMX" "B-M"; do
	test_expect_code 1 "tag '$tag' is refused (EDI-WRITE-TAG)" "
		edit inv.json t.json 's/\"tag\":\"BGM\"/\"tag\":\"$(echo "$tag" | sed "s/'/\\\\x27/")\"/' || exit 98
		refused EDI-WRITE-TAG t.json
	"
done
test_expect_code 1 'a segment tagged UNA, which would read as a service string advice, is refused' '
	edit inv.json t.json "s/\"tag\":\"BGM\"/\"tag\":\"UNA\"/" || exit 98
	refused EDI-WRITE-TAG t.json
'
test_expect_code 1 'a tag of 100,000 characters is refused (EDI-WRITE-TAG)' '
	edit inv.json long.json "s/\"tag\":\"BGM\"/q(\"tag\":\").(q(B) x 100000).q(\")/e" || exit 98
	refused EDI-WRITE-TAG long.json
'
test_expect_code 1 'a NUL from JSON \u0000 is refused (EDI-WRITE-CHARSET)' '
	edit inv.json n.json "s/INV-2024-0117/A\\\\u0000B/" || exit 98
	refused EDI-WRITE-CHARSET n.json
'
for ent in '#9' '#13' '#x85' '#x9B' '#x7F'; do
	test_expect_code 1 "XML &$ent; in a value is refused (EDI-WRITE-CHARSET), never written raw" "
		edit inv.xml c.xml 's/INV-2024-0117/A&$ent;B/' || exit 98
		refused EDI-WRITE-CHARSET c.xml
	"
done
test_expect_code 1 'lower case under UNOA is outside its repertoire (EDI-WRITE-CHARSET)' '
	edit inv.json a.json "s/UNOC/UNOA/g; s/ISO-8859-1/US-ASCII/; s/INV-2024-0117/inv/; s/[^\\x00-\\x7f]/E/g" || exit 98
	refused EDI-WRITE-CHARSET a.json
'
for cp in FFFF FFFE FDD0 0085 0009; do
	test_expect_code 1 "JSON \\u$cp under UNOW is refused (EDI-WRITE-CHARSET)" "
		edit inv.json w.json 's/UNOC/UNOW/g; s/ISO-8859-1/UTF-8/; s/INV-2024-0117/A\\\\u${cp}B/' || exit 98
		refused EDI-WRITE-CHARSET w.json
	"
done
test_expect_success 'the twins: service characters are released, and the output validates' '
	edit inv.json ok.json "s/INV-2024-0117/A+B:C?D\x27E/" &&
	tdk convert ok.json >ok.edi && grep -q "A?+B?:C??D?.E" ok.edi &&
	tdk validate --syntax-only ok.edi &&
	tdk convert inv.xml >x.edi && cmp x.edi "$SAMPLES/invoic-d96a.edi" &&
	tdk convert inv.json >j.edi && cmp j.edi "$SAMPLES/invoic-d96a.edi"
'
test_expect_success 'the syntax version is the one UNB declares: no release before * in version 3' '
	edit inv.json v.json "s/\"syntaxVersion\":3/\"syntaxVersion\":4/; s/\"una\":\":\+\.\? /\"una\":\":+.?*/; s/INV-2024-0117/A*B/" &&
	grep -q "\"una\":\":+.?\*" v.json &&
	tdk convert v.json >v.edi && grep -q "+A\*B+" v.edi && tdk validate --syntax-only v.edi
'
test_expect_success 'UNOW with U+FFFD converts, validates and comes back' '
	edit inv.json w.json "s/UNOC/UNOW/g; s/ISO-8859-1/UTF-8/; s/INV-2024-0117/A\\\\uFFFDB/" &&
	tdk convert w.json >w.edi && tdk validate --syntax-only w.edi &&
	tdk convert -t json w.edi >w2.json && tdk convert w2.json | cmp - w.edi
'
test_done
