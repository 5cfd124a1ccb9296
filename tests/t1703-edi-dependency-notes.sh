#!/bin/sh
# Dependency notes (ISO 9735-1 clause 11, D1 to D7): those a release gives in
# EDSD ("Dependency note:", e.g. D5(040,030) for TDT in D.16A) are read with
# the release, kept in the compiled cache and checked by validate
# (EDI-DEPENDENCY); and the one ISO 9735-2 gives UNG in syntax version 4,
# D2(010,060,070): 0038, 0051 and S008 all or none.
. "$(dirname "$0")/lib.sh"

# release T NOTE: a copy of the fixture release D.18T in folder rT whose BGM
# (010 C002, 020 C106, 030 1225) has the dependency note NOTE.
release() {
	cp -R "$DATA/dir/d18t" "r$1" &&
	perl -0pi -e 's/(030    1225 MESSAGE FUNCTION CODE[^\r\n]*\r\n)/$1\r\n       Dependency note:\r\n       010  '"$2"' The note\r\n/ or die "no BGM"' \
		"r$1/EDSD/EDSD.18T"
}
# gdsres BGM: a D.18T GDSRES interchange whose BGM is the given segment.
gdsres() {
	printf "UNB+UNOA:3+S+R+241105:1402+I1'UNH+1+GDSRES:D:18T:UN'%s'RFF+AAA:1'UNT+4+1'UNZ+1+I1'" "$1"
}

# For each type: the BGM that meets the note over (010,020,030), the one that does not.
for c in '1|BGM+1|BGM+1+DOC1|one and only one' \
	 '2|BGM+1+DOC1+9|BGM+1+DOC1|all or none' \
	 '3|BGM++DOC1|BGM|one or more' \
	 '4|BGM|BGM++DOC1+9|one or none' \
	 '5|BGM++DOC1|BGM+1+DOC1|if first, then all' \
	 '6|BGM+1++9|BGM+1|if first, then at least one more' \
	 '7|BGM+1|BGM+1++9|if first, then none of the others'; do
	t=${c%%|*} r=${c#*|}; ok=${r%%|*} r=${r#*|}; bad=${r%%|*} name=${r#*|}
	test_expect_success "D$t($name): '$ok' meets it" "
		release $t 'D$t(010,020,030)' && gdsres '$ok' >ok.edi &&
		tdk validate -D r$t ok.edi 2>err && ! test -s err
	"
	test_expect_code 1 "D$t: '$bad' is EDI-DEPENDENCY, from the release files and from the cache" "
		gdsres '$bad' >bad.edi &&
		for i in 1 2; do
			tdk validate -D r$t bad.edi 2>err\$i; rc=\$?
			test_grep \"[EDI-DEPENDENCY] segment 2 'BGM': dependency note D$t(010,020,030) of release D18T is not met ($name)\" err\$i &&
			test \$(grep -c . err\$i) = 1 || exit 99
		done
		test_cmp err1 err2 && ls .cache/tdk/directories/* >/dev/null || exit 99
		exit \$rc
	"
done
test_expect_code 1 'the message says which data elements of the note are present' "
	release 5b 'D5(010,020,030)' && gdsres 'BGM+1+DOC1' >bad.edi && tdk validate -D r5b bad.edi 2>err; rc=\$?
	test_grep 'not met (if first, then all): C002 present, C106 present, 1225 absent' err || exit 99
	exit \$rc
"
test_expect_code 1 'a note with a position the segment does not have is EDI-DIR-BROKEN' "
	release 8 'D5(010,090)' && gdsres 'BGM+1' >a.edi && tdk validate -D r8 a.edi 2>err; rc=\$?
	test_grep '[EDI-DIR-BROKEN]' err && test_grep 'names position 090' err || exit 99
	exit \$rc
"
test_expect_code 1 'a note of no known type (D9) is EDI-DIR-BROKEN' "
	release 9 'D9(010,020)' && gdsres 'BGM+1' >a.edi && tdk validate -D r9 a.edi 2>err; rc=\$?
	test_grep \"[EDI-DIR-BROKEN]\" err && test_grep \"unreadable dependency note 'D9(010,020)\" err || exit 99
	exit \$rc
"

# ---- UNG in syntax version 4: D2(010,060,070) ----

# ung UNG: a version 4 interchange with that group header around a CUSCAR D.16A message.
ung() {
	printf "UNB+UNOA:4+S+R+20241105:1402+I1'%s'UNH+1+CUSCAR:D:16A:UN'BGM+85'UNT+3+1'UNE+1+G1'UNZ+1+I1'" "$1"
}
for g in 'UNG+CUSCAR+A+B+20241105:1402+G1+UN+D:16A' 'UNG++A+B++G1'; do
	test_expect_success "syntax 4: '$g' meets D2(010,060,070)" "
		ung '$g' >u.edi && tdk validate u.edi 2>err; rc=\$?
		! grep -v EDI-DIR-RELEASE err && exit \$rc
	"
done
for c in 'UNG++A+B+20241105:1402+G1+UN+D:16A|0038 absent, 0051 present, S008 present' \
	 'UNG+CUSCAR+A+B+20241105:1402+G1++D:16A|0038 present, 0051 absent, S008 present' \
	 'UNG+CUSCAR+A+B+20241105:1402+G1+UN|0038 present, 0051 present, S008 absent' \
	 'UNG+CUSCAR+A+B++G1|0038 present, 0051 absent, S008 absent'; do
	test_expect_code 1 "syntax 4 forgery: '${c%%|*}' is EDI-DEPENDENCY (${c#*|})" "
		ung '${c%%|*}' >u.edi && tdk validate u.edi 2>err; rc=\$?
		test_grep \"[EDI-DEPENDENCY] segment 2 'UNG': dependency note D2(010,060,070) of syntax version 4 (ISO 9735-2) is not met (all or none): ${c#*|}\" err &&
		test \$(grep -v EDI-DIR-RELEASE err | grep -c .) = 1 || exit 99
		exit \$rc
	"
done

# ---- CONTRL in syntax version 4: UCI, UCF, UCM (ISO 9735-1 annex C) ----

# contrl SEGMENTS...: a version 4 interchange with one CONTRL 4:2 message of those segments.
contrl() {
	printf "UNB+UNOA:4+R+S+20241105:1402+C1'UNH+1+CONTRL:4:2:UN'"
	for s; do printf "%s'" "$s"; done
	printf "UNT+%d+1'UNZ+1+C1'" $(($# + 2))
}
# Segments are separated by blanks; the fields of a forgery by '|'.
for c in 'UCI+I1+S+R+4+12+UNB' 'UCI+I1+S+R+4+12+UNB+2' 'UCI+I1+S+R+7 UCM+1+ORDERS:D:96A:UN+7' \
	 'UCI+I1+S+R+7 UCM+++7' 'UCI+I1+S+R+7 UCM+1+ORDERS:D:96A:UN+4+12+UNH'; do
	test_expect_success "CONTRL 4: '$c' meets the notes of its segments" "
		contrl $c >c.edi && tdk validate c.edi 2>err && ! test -s err
	"
done
for c in 'UCI+I1+S+R+4++UNB|UCI|D5(060,050)|if first, then all): 0135 present, 0085 absent' \
	 'UCI+I1+S+R+4+12++2|UCI|D5(070,060,050)|if first, then all): S011 present, 0135 absent, 0085 present' \
	 'UCI+I1+S+R+7 UCF+G1+++4++UNG|UCF|D5(060,050)|if first, then all): 0135 present, 0085 absent' \
	 'UCI+I1+S+R+7 UCM+1++7|UCM|D2(010,020)|all or none): 0062 present, S009 absent' \
	 'UCI+I1+S+R+7 UCM+1+ORDERS:D:96A:UN+4++UNH|UCM|D5(050,040)|if first, then all): 0135 present, 0085 absent'; do
	IFS='|' read -r segs tag note what <<EOT
$c
EOT
	test_expect_code 1 "CONTRL 4 forgery: '$segs' is EDI-DEPENDENCY $note" "
		contrl $segs >c.edi && tdk validate c.edi 2>err; rc=\$?
		test_grep \"'$tag': dependency note $note of syntax version 4 (ISO 9735-1 annex C) is not met ($what\" err &&
		test \$(grep -c . err) = 1 || exit 99
		exit \$rc
	"
done

# ---- The corpus releases ----

if [ ! -d "$DIRECTORIES/d16a" ] || [ ! -d "$DIRECTORIES/d21a" ]; then
	test_skip 'D.16A and D.21A: TDT D5(040,030)' "no UNTDID releases at $DIRECTORIES"
	test_done
fi
# tdt TDT: samples/cuscar-v4.edi (CUSCAR D.16A) with that TDT, named as release REL.
tdt() {
	sed "s/^TDT+.*/$1'/; s/D:16A/D:$2/g" "$SAMPLES/cuscar-v4.edi"
}
for rel in 16A 21A; do
	dir=$DIRECTORIES/d$(echo $rel | tr A-Z a-z)
	test_expect_success "D.$rel: TDT with C001 and C220, and with C220 alone, meets D5(040,030)" "
		tdt 'TDT+20+VOY118W+1+:::BULK CARRIER+MAEU:172:20' $rel >a.edi && tdk validate -D '$dir' a.edi 2>err &&
		! test -s err && tdt 'TDT+20+VOY118W+1' $rel >b.edi && tdk validate -D '$dir' b.edi 2>err && ! test -s err
	"
	test_expect_code 1 "D.$rel forgery: TDT with C001 and no C220 is EDI-DEPENDENCY" "
		tdt 'TDT+20+VOY118W++:::BULK CARRIER+MAEU:172:20' $rel >f.edi && tdk validate -D '$dir' f.edi 2>err; rc=\$?
		test_grep \"[EDI-DEPENDENCY] segment 8 'TDT': dependency note D5(040,030) of release D$rel is not met (if first, then all): C001 present, C220 absent\" err &&
		test \$(grep -c . err) = 1 || exit 99
		exit \$rc
	"
done
test_done
