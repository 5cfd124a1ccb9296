#!/bin/sh
# XML and JSON come from anyone: convert writes no EDIFACT that `tdk validate`
# refuses at the syntax level.  Layout that carries a segment, a UNA without
# six distinct service characters, tags that are no three-character codes, a
# UNB that is not the first segment of its interchange, control characters and
# noncharacters in values are refused with their EDI-WRITE-* code and exit 1,
# and no file is left behind; the twins that keep to ISO 9735 convert and
# validate.
. "$(dirname "$0")/lib.sh"

tdk convert -t json "$SAMPLES/invoic-d96a.edi" >inv.json
tdk convert -t xml "$SAMPLES/invoic-d96a.edi" >inv.xml

# refused CODE FROM PERL-SUBSTITUTION: a copy of FROM changed by the substitution
# (which must change it) fails to convert with exit 1 and CODE, and writes nothing.
refused() {
	f=case.${2##*.}
	perl -pe "$3" "$2" >"$f" && ! cmp -s "$2" "$f" || exit 98
	rm -f out.edi
	tdk convert -o out.edi "$f" 2>err; rc=$?
	test_grep "[$1]" err && ! test -e out.edi || exit 99
	exit $rc
}

# code, input, perl substitution, what: one case a line, tab-separated.
while IFS='	' read -r code from subst what; do
	test_expect_code 1 "$what is refused ($code)" 'refused "$code" "$from" "$subst"'
done <<'EOF'
EDI-WRITE-LAYOUT	inv.json	s/"ws":"\\n","elements":\["380"/"ws":"\x27UNH+1+EVIL:D:96A:UN\x27","elements":["380"/	JSON ws holding a segment
EDI-WRITE-LAYOUT	inv.xml	s/(tag="BGM"[^>]*ws=")&#10;/$1&apos;UNH+1+EVIL:D:96A:UN&apos;/	XML ws holding a segment
EDI-WRITE-LAYOUT	inv.json	s/"una":/"unaWs":"X","una":/	a letter in the layout before UNA
EDI-WRITE-UNA	inv.json	s/"una":"[^"]*"/"una":"\x27\x27\x27\x27\x27\x27"/	UNA ''''''
EDI-WRITE-UNA	inv.xml	s/una=":\+\./una=":+X/	a UNA decimal mark that is no comma or full stop
EDI-WRITE-TAG	inv.json	s/"tag":"BGM"/"tag":"BG\x27M"/	tag BG'M
EDI-WRITE-TAG	inv.json	s/"tag":"BGM"/"tag":""/	an empty tag
EDI-WRITE-TAG	inv.json	s/"tag":"BGM"/"tag":"bgm"/	a lower-case tag
EDI-WRITE-TAG	inv.json	s/"tag":"BGM"/"tag":"BGMX"/	a four-letter tag
EDI-WRITE-TAG	inv.json	s/"tag":"BGM"/"tag":"B-M"/	a tag with a hyphen
EDI-WRITE-TAG	inv.json	s/"tag":"BGM"/"tag":"UNA"/	a segment tagged UNA, which would read as a service string advice,
EDI-WRITE-TAG	inv.json	s/"tag":"BGM"/q("tag":").(q(B) x 100000).q(")/e	a tag of 100,000 characters
EDI-WRITE-TAG	inv.json	s/"tag":"BGM"/"tag":"UNB"/	a UNB inside a message, which would be read as another interchange,
EDI-WRITE-TAG	inv.xml	s/tag="BGM"/tag="UNB"/	an XML UNB inside a message
EDI-WRITE-CHARSET	inv.json	s/INV-2024-0117/A\\u0000B/	a NUL from JSON \u0000
EDI-WRITE-CHARSET	inv.xml	s/INV-2024-0117/A&#9;B/	XML &#9; in a value, never written raw,
EDI-WRITE-CHARSET	inv.xml	s/INV-2024-0117/A&#13;B/	XML &#13; in a value, never written raw,
EDI-WRITE-CHARSET	inv.xml	s/INV-2024-0117/A&#x85;B/	XML &#x85; in a value, never written raw,
EDI-WRITE-CHARSET	inv.xml	s/INV-2024-0117/A&#x9B;B/	XML &#x9B; in a value, never written raw,
EDI-WRITE-CHARSET	inv.xml	s/INV-2024-0117/A&#x7F;B/	XML &#x7F; in a value, never written raw,
EDI-WRITE-CHARSET	inv.json	s/UNOC/UNOW/g; s/ISO-8859-1/UTF-8/; s/INV-2024-0117/A\\uFFFFB/	JSON \uFFFF under UNOW
EDI-WRITE-CHARSET	inv.json	s/UNOC/UNOW/g; s/ISO-8859-1/UTF-8/; s/INV-2024-0117/A\\uFFFEB/	JSON \uFFFE under UNOW
EDI-WRITE-CHARSET	inv.json	s/UNOC/UNOW/g; s/ISO-8859-1/UTF-8/; s/INV-2024-0117/A\\uFDD0B/	JSON \uFDD0 under UNOW
EDI-WRITE-CHARSET	inv.json	s/UNOC/UNOW/g; s/ISO-8859-1/UTF-8/; s/INV-2024-0117/A\\u0085B/	JSON \u0085 under UNOW
EDI-WRITE-CHARSET	inv.json	s/UNOC/UNOW/g; s/ISO-8859-1/UTF-8/; s/INV-2024-0117/A\\u0009B/	JSON \u0009 under UNOW
EOF
test_expect_success 'the twins: service characters are released, and the output validates' '
	perl -pe "s/INV-2024-0117/A+B:C?D\x27E/" inv.json >ok.json &&
	tdk convert ok.json >ok.edi && grep -q "A?+B?:C??D?.E" ok.edi &&
	tdk validate --syntax-only ok.edi &&
	tdk convert inv.xml >x.edi && cmp x.edi "$SAMPLES/invoic-d96a.edi" &&
	tdk convert inv.json >j.edi && cmp j.edi "$SAMPLES/invoic-d96a.edi"
'
test_expect_success 'lower case under UNOA is written as read, with one warning (EDI-WRITE-REPERTOIRE); validate reports it' '
	perl -pe "s/UNOC/UNOA/g; s/ISO-8859-1/US-ASCII/; s/INV-2024-0117/inv/; s/[^\x00-\x7f]/E/g" inv.json >a.json &&
	tdk convert a.json >a.edi 2>err && grep -q "+inv+" a.edi &&
	test_grep "[EDI-WRITE-REPERTOIRE] segment 2 '"'"'BGM'"'"' element 2 component 1: character '"'"'i'"'"' at position 1 is not in the repertoire of UNOA" err &&
	test $(wc -l <err) -eq 1 &&
	{ tdk validate --syntax-only a.edi 2>err; test $? -eq 1; } && test_grep "[EDI-CHARSET-REPERTOIRE]" err &&
	perl -pe "s/UNOA/UNOB/g" a.json >b.json &&
	tdk convert b.json >b.edi 2>err && test ! -s err && tdk validate --syntax-only b.edi
'
test_expect_success 'the syntax version is the one UNB declares: no release before * in version 3' '
	perl -pe "s/\"syntaxVersion\":3/\"syntaxVersion\":4/; s/\"una\":\":\+\.\? /\"una\":\":+.?*/; s/INV-2024-0117/A*B/" inv.json >v.json &&
	grep -q "\"una\":\":+.?\*" v.json &&
	tdk convert v.json >v.edi && grep -q "+A\*B+" v.edi && tdk validate --syntax-only v.edi
'
test_expect_success 'before its UNB an interchange has no repetition separator either' '
	perl -pe "s/\"syntaxVersion\":3/\"syntaxVersion\":4/; s/\"una\":\":\+\.\? /\"una\":\":+.?*/; s/\"tag\":\"UNB\"/\"tag\":\"UNX\"/; s/INV-2024-0117/A*B/" inv.json >p.json &&
	tdk convert p.json >p.edi && grep -q "+A\*B+" p.edi &&
	{ tdk validate --syntax-only p.edi 2>err; ! grep -q "EDI-SYNTAX-RELEASE" err; }
'
test_expect_success 'UNOW with U+FFFD converts, validates and comes back' '
	perl -pe "s/UNOC/UNOW/g; s/ISO-8859-1/UTF-8/; s/INV-2024-0117/A\\\\uFFFDB/" inv.json >w.json &&
	tdk convert w.json >w.edi && tdk validate --syntax-only w.edi &&
	tdk convert -t json w.edi >w2.json && tdk convert w2.json | cmp - w.edi
'
test_done
