#!/bin/sh
# tdk validate against the directory on generated messages: tests/gen/edi-gen
# builds valid instances of a message from its segment table and mutates them
# (a mandatory segment dropped, a repeat exceeded, a segment the message does
# not have, a mandatory element emptied, a letter in a number, a value one
# character too long, a code not in its list).  Each valid instance must pass
# (exit 0) and each mutation must fail (exit 1) with exactly the diagnostic
# code it stands for and no other error.  Run on the fictitious releases of
# tests/data/dir (from the release zip and member zips built here) and, when
# the corpus is there, on CUSDEC CUSRES CUSCAR CUSREP INVOIC IFTMIN APERAK of
# D.96B and GOVCBR of D.16A and D.21A.
. "$(dirname "$0")/lib.sh"

GEN=$REPO/$TDK_BUILD/tests/gen/edi-gen
export GEN

# kind:code, as the generator's header lists them; the test checks the generator agrees.
KINDS="drop:EDI-STRUCT-MISSING repeat:EDI-STRUCT-REPEAT unexpected:EDI-STRUCT-UNEXPECTED
element:EDI-ELEM-MISSING format:EDI-ELEM-FORMAT length:EDI-ELEM-LENGTH code:EDI-CODE-UNKNOWN"

# Messages the validator is known to get wrong, as "REL:MSG" (their tests are
# TODO); none now.  GOVCBR (D.21A SG296 SEQ then SG297 SEQ; D.16A SG49 EQD then
# SG44 EQD) and GDSNOT hold a segment whose repeats are used up at its place and
# which is read where the table gives it another: the trigger of a new occurrence
# of an enclosing group, or of a later group of an enclosing level.
KNOWN=""

# only_error CODE FILE: CODE is present and is the only error code in FILE.
only_error() {
	got=$(sed -n 's/.*: error: \[\([A-Z0-9-]*\)\].*/\1/p' "$2" | sort -u | tr '\n' ' ')
	if [ "$got" != "$1 " ]; then
		echo "error codes: '$got', expected only $1"
		cat "$2"
		return 1
	fi
}

# run_message REL MSG [KIND ...]: the valid instances and every mutation; the KINDs
# given have no place in this message and the generator must say so (exit 1).
run_message() {
	rel=$1 msg=$2
	shift 2
	t=test_expect_success
	case " $KNOWN " in *" $rel:$msg "*) t=test_expect_failure ;; esac
	$t "$rel $msg: generated instances (seeds 1, 2, 3) are valid" "
		for s in 1 2 3; do
			\"\$GEN\" --seed \$s $rel $msg >v\$s.edi || exit 1
			tdk validate v\$s.edi || exit 1
		done
	"
	for kc in $KINDS; do
		k=${kc%%:*} code=${kc#*:}
		case " $* " in
		*" $k "*)
			test_expect_code 1 "$rel $msg: no place for a $k mutation, and the generator says so" "
				\"\$GEN\" --mutate $k $rel $msg >m.edi 2>gen.err; rc=\$?
				grep -q 'no place for mutation $k' gen.err || exit 99
				exit \$rc
			"
			continue
			;;
		esac
		$t "$rel $msg: $k mutation exits 1 with $code only" "
			test \"\$(\"\$GEN\" --mutate $k --expect $rel $msg 2>/dev/null)\" = $code || exit 1
			\"\$GEN\" --mutate $k $rel $msg >m.edi 2>gen.err || { cat gen.err; exit 1; }
			cat gen.err
			tdk validate m.edi 2>err; rc=\$?
			[ \$rc -le 128 ] || exit \$rc
			[ \$rc -eq 1 ] || { echo \"exit status \$rc, expected 1\"; cat err; exit 1; }
			only_error $code err
		"
	done
}

# ---- The fixture releases, from their zip forms ----

test_expect_success 'the fixture zips: D.96T as a release zip of member zips, D.18T as member zips' '
	mkdir -p rel/d18t z96 &&
	for d in "$DATA"/dir/d96t/*/; do
		(cd "$d" && zip -q -X "$TRASH/z96/$(basename "$d").ZIP" ./*) || exit 1
	done &&
	(cd z96 && zip -q -X ../rel/d96t.zip ./*.ZIP) &&
	for d in "$DATA"/dir/d18t/*/; do
		n=$(basename "$d" | tr "A-Z" "a-z")
		(cd "$d" && zip -q -X "$TRASH/rel/d18t/$n.zip" ./*) || exit 1
	done &&
	unzip -l rel/d96t.zip | grep -q " TRMD.ZIP" && unzip -l rel/d18t/edmd.zip | grep -q " GDSDEC_D.18T"
'
TDK_DIRECTORY_PATH=$TRASH/rel
export TDK_DIRECTORY_PATH

test_expect_success 'the zip forms load as the unzipped folders do, counts equal to the indexes' '
	for r in D96T D18T; do
		tdk dir show --format json "$r" >z.$r && tdk dir show --format json -D "$DATA/dir" "$r" >f.$r &&
		test_cmp f.$r z.$r || exit 1
	done &&
	grep -q "\"messages\":2,\"segments\":11,\"composites\":12,\"elements\":32,.*\"index\":{\"messages\":2,\"segments\":11,\"composites\":12,\"elements\":32}" z.D96T &&
	grep -q "\"messages\":4,\"segments\":12,\"composites\":12,\"elements\":33,.*\"index\":{\"messages\":4,\"segments\":12,\"composites\":12,\"elements\":33}" z.D18T &&
	grep -q "\"service_code_lists\":4" z.D96T && grep -q "\"service_code_lists\":0" z.D18T
'
test_expect_success 'the generator lists the messages of each fixture release' '
	"$GEN" --list D96T >l96 && printf "GDSDEC\nGDSRES\n" >e96 && test_cmp e96 l96 &&
	"$GEN" --list D.18T >l18 && printf "GDSDEC\nGDSNOT\nGDSRES\nGDSSTA\n" >e18 && test_cmp e18 l18
'
test_expect_success 'D96T: the code list that opens UNCL-2 (4451, before any separator line) keeps its 3 codes' '
	tdk dir show D96T 4451 >c && cat c && grep -q "^3 codes" c
'
test_expect_success 'D18T: a segment name that wraps in the segment table (GDSSTA GPR) is read whole' '
	tdk dir show D18T GDSSTA >s && cat s &&
	grep -q "^00100    GPR  *Goods processing requirements and special conditions  *C  1$" s
'
test_expect_success 'D96T: the code lists of UNCL-1 keep their codes (1001: 4, 2005: 3)' '
	tdk dir show D96T 1001 | grep -q "^4 codes" && tdk dir show D96T 2005 | grep -q "^3 codes"
'

for m in GDSDEC GDSRES; do
	case $m in GDSRES) none=format ;; *) none= ;; esac
	run_message D96T $m $none
done
for m in GDSDEC GDSNOT GDSRES GDSSTA; do
	case $m in GDSRES) none=format ;; *) none= ;; esac
	run_message D18T $m $none
done

# Hand-written instances of the release-specific details of the fixture.
una="UNA:+.? '"
unb="UNB+UNOC:3+TDKGEN+TDKTEST+180101:1200+1'"
interchange() {
	# interchange TYPE REL SEGMENT...: one message with a correct UNT count
	type=$1 rel=$2
	shift 2
	printf '%s\n%s\nUNH+1+%s:D:%s:UN'"'"'\n' "$una" "$unb" "$type" "$rel"
	for s in "$@"; do printf '%s\n' "$s"; done
	printf 'UNT+%d+1'"'"'\nUNZ+1+1'"'"'\n' $(($# + 2))
}
interchange GDSRES 18T "BGM+9'" "RFF+AAA'" >x-marked.edi
interchange GDSRES 96T "BGM+4'" "RFF+AAA'" >not-in-96t.edi
interchange GDSNOT 18T "BGM+1'" "NAD+CN'" "LOC+5'" "NAD+CZ'" "NAD+DT'" >reoccur.edi
interchange GDSNOT 18T "BGM+1'" "GID+001'" "LOC+5'" "RFF+AAA'" "RFF+CU'" >later.edi
interchange GDSNOT 18T "BGM+1'" "GID+001'" "GID+002'" >group-repeat.edi

test_expect_success 'D18T: a code marked X for deletion is still a code of its list' '
	tdk validate x-marked.edi
'
test_expect_code 1 'D96T: a code that only D.18T adds is unknown in D.96T' '
	tdk validate not-in-96t.edi 2>err; rc=$?
	only_error EDI-CODE-UNKNOWN err || exit 99
	exit $rc
'
test_expect_success 'D18T GDSNOT: NAD after SG2 NAD (repeats used up) opens SG1 again' '
	tdk validate reoccur.edi
'
test_expect_success 'D18T GDSNOT: RFF after SG4 RFF (repeats used up) opens the later SG5' '
	tdk validate later.edi
'
test_expect_code 1 'D18T GDSNOT: a second GID where SG3 allows one occurrence is a repeat error' '
	tdk validate group-repeat.edi 2>err; rc=$?
	only_error EDI-STRUCT-REPEAT err || exit 99
	exit $rc
'

# ---- The generator's own contract ----

test_expect_success 'the same seed gives the same interchange, another seed another one' '
	"$GEN" --seed 7 D18T GDSDEC >a && "$GEN" --seed 7 D18T GDSDEC >b && cmp a b &&
	"$GEN" --seed 8 D18T GDSDEC >c && ! cmp -s a c
'
test_expect_success 'control counts hold: UNT counts its segments, UNZ the messages (--messages 3)' '
	"$GEN" --messages 3 D96T GDSDEC >three.edi && tdk validate three.edi &&
	test "$(grep -c "^UNH+" three.edi)" = 3 && grep -q "^UNZ+3+1'"'"'$" three.edi
'
test_expect_code 2 'an unknown mutation kind is a usage error' '
	"$GEN" --mutate swap D18T GDSDEC >/dev/null
'
test_expect_code 3 'a release that is not installed is an I/O error naming it' '
	"$GEN" D99B INVOIC >/dev/null 2>err; rc=$?
	grep -q "release D99B" err || exit 99
	exit $rc
'

# ---- The corpus releases ----

if [ -d "$DIRECTORIES/d96b" ] && [ -d "$DIRECTORIES/d16a" ] && [ -d "$DIRECTORIES/d21a" ]; then
	TDK_DIRECTORY_PATH=$DIRECTORIES
	export TDK_DIRECTORY_PATH
	for m in CUSDEC CUSRES CUSCAR CUSREP INVOIC IFTMIN APERAK; do
		run_message D96B $m
	done
	run_message D16A GOVCBR
	run_message D21A GOVCBR
else
	test_skip 'generated CUSDEC CUSRES CUSCAR CUSREP INVOIC IFTMIN APERAK GOVCBR' \
		"no UNTDID releases D.96B, D.16A, D.21A at $DIRECTORIES"
fi

test_done
