#!/bin/sh
# tdk validate --ack: a CONTRL message per interchange, in its syntax
# version, accepting (7) or rejecting (4) it at the interchange, group,
# message, segment and element level with UNSL 0085 codes; asserted segment
# by segment and element by element, for syntax versions 3 and 4, on
# messages of the fictitious release D.18T (tests/data/dir).  Every CONTRL
# tdk writes validates against CONTRL's own structure with no diagnostic; a
# broken CONTRL does not.
. "$(dirname "$0")/lib.sh"

D=$DATA/dir
SOURCE_DATE_EPOCH=1700000000   # 2023-11-14 22:13 UTC: the CONTRL's UNB date and time
export SOURCE_DATE_EPOCH

cat >"$TRASH/ok3.edi" <<'EOF'
UNB+UNOC:3+SENDER1:ZZZ:BACK1+RECIP1:ZZZ+241105:0930+ICR001'
UNH+M1+GDSRES:D:18T:UN'
BGM+2+RES-1+9'
DTM+137:20241105:102'
RFF+AAA:REF-9'
UNT+5+M1'
UNH+M2+GDSRES:D:18T:UN'
BGM+2+RES-2+9'
RFF+AAA:REF-10'
UNT+4+M2'
UNZ+2+ICR001'
EOF
# M2: an unknown code (BGM 1001), a missing component (DTM 2005), a segment
# the message does not have (XYZ), a mandatory group left out (SG1 RFF),
# a wrong UNT segment count.
cat >"$TRASH/bad3.edi" <<'EOF'
UNB+UNOC:3+SENDER1:ZZZ:BACK1+RECIP1:ZZZ+241105:0930+ICR002'
UNH+M1+GDSRES:D:18T:UN'
BGM+2+RES-1+9'
RFF+AAA:REF-9'
UNT+4+M1'
UNH+M2+GDSRES:D:18T:UN'
BGM+7+RES-2+9'
DTM+:20241105:102'
XYZ+1'
UNT+6+M2'
UNZ+2+ICR002'
EOF
# Version 4 with a functional group: a repeated composite (C507 twice, its
# second occurrence reported with 0136), a value too long (RFF 1153).
cat >"$TRASH/ok4.edi" <<'EOF'
UNA:+.?*'
UNB+UNOC:4+SENDER1:ZZZ::PORTAL+RECIP1:ZZZ+20241105:0930+ICR004'
UNG+GDSRES+APPSEND+APPRECV+20241105:0930+G7+UN+D:18T'
UNH+M1+GDSRES:D:18T:UN'
BGM+2+RES-1+9'
DTM+137:20241105:102'
RFF+AAA:REF?+9'
UNT+5+M1'
UNE+1+G7'
UNZ+1+ICR004'
EOF
sed -e "s/^DTM+137:20241105:102'/DTM+137:20241105:102*143:20241106:102'/" -e "s/^RFF+AAA:/RFF+AAAA:/" \
	"$TRASH/ok4.edi" >"$TRASH/bad4.edi"

# ack FILE [OPTIONS]: the CONTRL of FILE, one segment per line, and the validation's exit status in rc.
ack() {
	f=$1; shift
	tdk validate -D "$D" --ack contrl "$@" "$f" >contrl.edi 2>diag; echo $? >rc
	tr -d '\n' <contrl.edi | tr "'" '\n' >segs
}

test_expect_success 'v3 accepted: UCI 7, every message 7, sender and recipient swapped in UNB' "
	ack ok3.edi && test \$(cat rc) = 0 && test ! -s diag &&
	cat >want <<-'EOF' &&
	UNB+UNOC:3+RECIP1:ZZZ+SENDER1:ZZZ:BACK1+231114:2213+AICR001
	UNH+1+CONTRL:D:3:UN
	UCI+ICR001+SENDER1:ZZZ:BACK1+RECIP1:ZZZ+7
	UCM+M1+GDSRES:D:18T:UN+7
	UCM+M2+GDSRES:D:18T:UN+7
	UNT+5+1
	UNZ+1+AICR001
	EOF
	test_cmp want segs
"

test_expect_success 'v3 accepted: field by field' "
	ack ok3.edi &&
	test \"\$(sed -n 3p segs | cut -d+ -f2)\" = ICR001 &&
	test \"\$(sed -n 3p segs | cut -d+ -f3)\" = SENDER1:ZZZ:BACK1 &&
	test \"\$(sed -n 3p segs | cut -d+ -f4)\" = RECIP1:ZZZ &&
	test \"\$(sed -n 3p segs | cut -d+ -f5)\" = 7 &&
	test \"\$(sed -n 3p segs | cut -d+ -f6-)\" = '' &&
	test \"\$(sed -n 4p segs | cut -d+ -f2)\" = M1 &&
	test \"\$(sed -n 4p segs | cut -d+ -f3)\" = GDSRES:D:18T:UN &&
	test \"\$(sed -n 4p segs | cut -d+ -f4)\" = 7 &&
	test \"\$(grep -c '^UC[SD]' segs)\" = 0
"

test_expect_success 'v3 rejected: UCM 4 with UNT 29, UCS and UCD with their 0085 codes' "
	ack bad3.edi && test \$(cat rc) = 1 &&
	cat >want <<-'EOF' &&
	UNB+UNOC:3+RECIP1:ZZZ+SENDER1:ZZZ:BACK1+231114:2213+AICR002
	UNH+1+CONTRL:D:3:UN
	UCI+ICR002+SENDER1:ZZZ:BACK1+RECIP1:ZZZ+7
	UCM+M1+GDSRES:D:18T:UN+7
	UCM+M2+GDSRES:D:18T:UN+4+29+UNT+1
	UCS+2
	UCD+12+1:1
	UCS+3
	UCD+13+1:1
	UCS+4+15
	UCS+4+13
	UNT+11+1
	UNZ+1+AICR002
	EOF
	test_cmp want segs
"

test_expect_success 'v3 rejected: field by field' "
	ack bad3.edi &&
	test \"\$(grep '^UCM+M2' segs | cut -d+ -f4-)\" = '4+29+UNT+1' &&
	test \"\$(sed -n 6p segs)\" = UCS+2 &&
	test \"\$(sed -n 7p segs | cut -d+ -f2)\" = 12 &&
	test \"\$(sed -n 7p segs | cut -d+ -f3)\" = 1:1 &&
	test \"\$(sed -n 9p segs | cut -d+ -f2)\" = 13 &&
	test \"\$(sed -n 10p segs | cut -d+ -f2,3)\" = 4+15 &&
	test \"\$(sed -n 11p segs | cut -d+ -f2,3)\" = 4+13
"

test_expect_success 'v3: an interchange error rejects the interchange (UCI 4, 28, UNZ element 2) and lists only rejected messages' "
	sed 's/^UNZ+2+ICR002/UNZ+2+ICR009/' bad3.edi >badz.edi && ack badz.edi && test \$(cat rc) = 1 &&
	test \"\$(sed -n 3p segs)\" = 'UCI+ICR002+SENDER1:ZZZ:BACK1+RECIP1:ZZZ+4+28+UNZ+2' &&
	test \"\$(grep -c '^UCM' segs)\" = 1 && grep -q '^UCM+M2+GDSRES:D:18T:UN+4+29+UNT+1\$' segs
"

test_expect_success 'v4 accepted: UNA kept, CONTRL 4:1, UCF for the group, 8-digit date, routing address back' "
	ack ok4.edi && test \$(cat rc) = 0 && test ! -s diag &&
	cat >want <<-'EOF' &&
	UNA:+.?*
	UNB+UNOC:4+RECIP1:ZZZ+SENDER1:ZZZ::PORTAL+20231114:2213+AICR004
	UNH+1+CONTRL:4:1:UN
	UCI+ICR004+SENDER1:ZZZ::PORTAL+RECIP1:ZZZ+7
	UCF+G7+APPSEND+APPRECV+7
	UCM+M1+GDSRES:D:18T:UN+7
	UNT+5+1
	UNZ+1+AICR004
	EOF
	test_cmp want segs
"

test_expect_success 'v4 rejected: UCD with the occurrence (0136) of a repeated composite, 39 for a value too long' "
	ack bad4.edi && test \$(cat rc) = 1 &&
	grep -q '^UCI+ICR004+SENDER1:ZZZ::PORTAL+RECIP1:ZZZ+7\$' segs &&
	grep -q '^UCF+G7+APPSEND+APPRECV+7\$' segs &&
	grep -q '^UCM+M1+GDSRES:D:18T:UN+4\$' segs &&
	test \"\$(sed -n '/^UCM/,\$p' segs | sed -n 2,5p | tr '\n' ' ')\" = 'UCS+3 UCD+16+1::2 UCS+4 UCD+39+1:1 '
"

test_expect_success 'receipt: UCI alone with 8, or 4 when the interchange is rejected' "
	ack bad3.edi --ack receipt && grep -q '^UCI+ICR002+SENDER1:ZZZ:BACK1+RECIP1:ZZZ+8\$' segs &&
	! grep -q '^UCM' segs && grep -q '^UNT+3+1\$' segs &&
	ack badz.edi --ack receipt 2>/dev/null || sed 's/^UNZ+2+ICR002/UNZ+2+ICR009/' bad3.edi >badz.edi &&
	ack badz.edi --ack receipt && grep -q '+4+28+UNZ+2\$' segs
"

for f in ok3 bad3 ok4 bad4; do
	test_expect_success "$f: the CONTRL validates against CONTRL's structure with no diagnostic" "
		ack $f.edi && tdk validate -D '$D' contrl.edi 2>d2 && test ! -s d2
	"
done

test_expect_code 1 'a broken CONTRL is not valid: unknown action, missing UCI, error code not in 0085' "
	ack bad3.edi && sed -e 's/^UCM+M2+GDSRES:D:18T:UN+4+29/UCM+M2+GDSRES:D:18T:UN+9+99/' -e '/^UCI/d' contrl.edi >broken.edi &&
	tdk validate -D '$D' broken.edi 2>d3; rc=\$?
	grep -q 'EDI-CODE-UNKNOWN.*service code list 0083 of ISO 9735 syntax versions 1 to 3' d3 &&
	grep -q 'EDI-CODE-UNKNOWN.*0085' d3 && ! grep -q 'tdk dir show' d3 &&
	grep -q 'EDI-STRUCT-MISSING.*UCI' d3 || exit 99
	exit \$rc
"

test_expect_success 'control reference: --ack-reference, and a hash for a long received one' "
	ack ok3.edi --ack-reference CTL42 && grep -q '+231114:2213+CTL42\$' segs && grep -q '^UNZ+1+CTL42\$' segs &&
	sed 's/ICR001/ICR0000000000001/' ok3.edi >long.edi &&
	ack long.edi && grep -q '+H[0-9]\\{13\\}\$' segs
"

test_expect_success 'several interchanges: one CONTRL interchange each, to --ack-output' "
	cat ok3.edi bad3.edi >two.edi &&
	tdk validate -D '$D' --ack contrl --ack-output acks.edi two.edi 2>/dev/null; test \$? = 1 &&
	test \$(grep -c '^UNB' acks.edi) = 2 && tdk validate -D '$D' acks.edi
"

test_expect_code 2 'usage: --ack and -p both on standard output' "tdk validate -p --ack contrl ok3.edi"
test_expect_code 2 'usage: --ack-reference too long' "tdk validate --ack contrl --ack-reference 123456789012345 ok3.edi"
test_expect_code 2 'usage: --ack-output without --ack' "tdk validate --ack-output x ok3.edi"

test_expect_code 1 'no interchange to acknowledge: EDI-ACK-UNB, nothing written' "
	printf \"UNH+1+GDSRES:D:18T:UN'\n\" >bare.edi &&
	tdk validate -D '$D' --ack contrl --ack-output a.edi bare.edi 2>d4; rc=\$?
	grep -q 'EDI-ACK-UNB' d4 && test ! -s a.edi || exit 99
	exit \$rc
"

test_expect_success 'past --max-errors the report stops but the CONTRL reports everything' "
	ack bad3.edi --max-errors 1 && test \$(grep -c ': error:' diag) = 1 && grep -q 'not shown' diag &&
	grep -q '^UCS+4+13\$' segs
"
test_expect_code 1 'with -j 4 the acknowledgements still come in input order, as with one job' "
	tdk validate -D '$D' --ack contrl --ack-output one.edi ok3.edi bad3.edi ok3.edi >/dev/null 2>&1
	test \$? = 1 &&
	tdk validate -D '$D' --ack contrl --ack-output four.edi -j 4 ok3.edi bad3.edi ok3.edi >/dev/null 2>&1
	rc=\$?
	test_cmp one.edi four.edi && test \$(grep -o 'UNH+' four.edi | wc -l) = 3 || exit 99
	exit \$rc
"
test_done
