#!/bin/sh
# validate: a coded component is looked up in UNCL only when its composite's
# code list responsible agency (3055) is absent, empty or 6 (UN/ECE); a code
# of another agency's list (ISO 6346 '45G1', agency 5) is not UNCL's to judge.
# A forgery beside each accepted case: the same code with agency 6 or none.
. "$(dirname "$0")/lib.sh"

# gdsres BGM: a D.18T GDSRES interchange whose BGM is the given segment.
gdsres() {
	printf "UNB+UNOA:3+S+R+241105:1402+I1'UNH+1+GDSRES:D:18T:UN'%s'RFF+AAA:1'UNT+4+1'UNZ+1+I1'" "$1"
}
D18T=$DATA/dir/d18t
# one_error DIR FILE TEXT: validates FILE against the release at DIR and
# returns validate's status, or 99 unless its one diagnostic contains TEXT.
one_error() {
	tdk validate -D "$1" "$2" 2>err
	rc=$?
	test_grep "$3" err && test "$(grep -c . err)" = 1 || return 99
	return $rc
}

test_expect_success 'fixture: a code that is not UNCL 1001 is accepted under agency 5' '
	gdsres "BGM+X45::5" >a.edi && tdk validate -D "$D18T" a.edi 2>err && ! test -s err
'
test_expect_success 'fixture: and under a mutually defined agency (ZZZ) with its own list (1131)' '
	gdsres "BGM+X45:ZZ1:ZZZ" >a.edi && tdk validate -D "$D18T" a.edi 2>err && ! test -s err
'
for c in 'BGM+X45::6|agency 6 (UN/ECE)' 'BGM+X45::|the agency component empty' 'BGM+X45|no agency component'; do
	test_expect_code 1 "fixture forgery: the same code with ${c#*|} is EDI-CODE-UNKNOWN" "
		gdsres '${c%%|*}' >f.edi &&
		one_error '$D18T' f.edi \"[EDI-CODE-UNKNOWN] segment 2 'BGM' element 1 component 1: 'X45' is not a code of list 1001\"
	"
done
test_expect_code 1 'fixture: the agency code itself is still looked up in UNCL 3055' '
	gdsres "BGM+X45::Q" >f.edi && one_error "$D18T" f.edi "component 3: '"'"'Q'"'"' is not a code of list 3055"
'

if [ ! -d "$DIRECTORIES/d16a" ]; then
	test_skip 'D.16A: EQD with an ISO 6346 size and type code' "no UNTDID release at $DIRECTORIES"
	test_done
fi
# eqd C224: samples/cuscar-v4.edi (CUSCAR D.16A) with its EQD's size and type composite replaced.
eqd() {
	sed "s/^EQD+CN+MSKU1234565+45G1:102:5'/EQD+CN+MSKU1234565+$1'/" "$SAMPLES/cuscar-v4.edi"
}
test_expect_success 'D.16A: EQD+CN+MSKU1234565+45G1:102:5 (agency 5, ISO) is valid' '
	eqd "45G1:102:5" >e.edi && grep -q "^EQD+CN+MSKU1234565+45G1:102:5'"'"'" e.edi &&
	tdk validate -D "$DIRECTORIES/d16a" e.edi 2>err && ! test -s err
'
for c in '45G1:102:6' '45G1:102:' '45G1'; do
	test_expect_code 1 "D.16A forgery: EQD ... +$c is EDI-CODE-UNKNOWN of list 8155" "
		eqd '$c' >f.edi &&
		one_error '$DIRECTORIES/d16a' f.edi \"[EDI-CODE-UNKNOWN] segment 11 'EQD' element 3 component 1: '45G1' is not a code of list 8155\"
	"
done
test_done
