# Helpers for the journal's tests on either backend (after lib.sh), through
# tests/gen/journal-fill ($FILL).
#
#   race JOURNAL N    N times, two processes begin the same new document and
#                     answer it if theirs: fails unless each time both exit 0
#                     quietly, one says mine and the other held

race() {
	i=0
	while [ $i -lt "$2" ]; do
		printf "begin cds doc$i L$i\nanswer mine accepted 202 c$i\n" >s || return 1
		"$FILL" "$1" s >o1.$i 2>e1.$i & p1=$!
		"$FILL" "$1" s >o2.$i 2>e2.$i & p2=$!
		wait $p1; r1=$?; wait $p2; r2=$?
		test $r1 = 0 && test $r2 = 0 && test ! -s e1.$i && test ! -s e2.$i &&
		cat o1.$i o2.$i | cut -d" " -f1 | sort >got && printf "held\nmine\n" >want && test_cmp want got ||
			{ cat o1.$i o2.$i e1.$i e2.$i; return 1; }
		i=$((i + 1))
	done
}
