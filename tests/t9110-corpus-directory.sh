#!/bin/sh
# Directory validation of the corpus samples: every sample whose release is
# available validates, and the directory-level diagnostics it raises are
# exactly those in tests/data/corpus-dir.tsv (the real defects are explained
# there).  A sample not in the table must not be one whose release is here.
. "$(dirname "$0")/lib.sh"

S=$TDK_CORPUS/edifact/samples
if [ ! -d "$DIRECTORIES/d96b" ] || [ ! -d "$S" ]; then
	test_skip 'corpus directory validation' "no corpus at $TDK_CORPUS"
	test_done
	exit
fi

# dircodes FILE: the directory-level codes tdk validate raises, "CODE*N,..." or "-";
# fails when tdk ends other than with a verdict (0 or 1), so a crash never reads as "-".
dircodes() {
	tdk validate -D "$DIRECTORIES" "$1" >v.out 2>&1
	rc=$?
	[ $rc -le 1 ] || { echo "exit status $rc"; return 1; }
	grep -o '\[EDI-\(STRUCT\|ELEM\|CODE\|DIR\)[A-Z-]*\]' v.out |
		tr -d '[]' | sort | uniq -c | awk '{ printf "%s%s*%s", (NR > 1 ? "," : ""), $2, $1 } END { if (!NR) print "-" }'
}

grep -v '^#' "$DATA/corpus-dir.tsv" >table

while IFS="$(printf '\t')" read -r f want; do
	test_expect_success "$f: $want" "
		got=\$(dircodes '$S/$f') || { echo \"\$got\"; exit 1; }
		echo \"\$got\"; [ \"\$got\" = '$want' ]
	"
done <table

test_expect_success 'every sample whose release is here is in the table' "
	find '$S' -type f ! -name SOURCE.txt | sort | while read -r f; do
		tdk validate -D '$DIRECTORIES' \"\$f\" 2>&1 | grep -q EDI-DIR-RELEASE && continue
		grep -q \"^\${f#$S/}	\" table || { echo \"not in the table: \$f\"; exit 1; }
	done
"

# Workers share the loaded releases: four at once must give each file the
# verdict and the diagnostics that one worker gives it.
test_expect_success 'a batch with -j 4 gives the verdicts and diagnostics of -j 1' "
	cut -f1 table | sed 's|^|$S/|' >list &&
	tdk validate -D '$DIRECTORIES' --format json --files-from list -j 1 >one.json
	test \$? -le 1 &&
	tdk validate -D '$DIRECTORIES' --format json --files-from list -j 4 >four.json
	test \$? -le 1 &&
	sort one.json >one.sorted && sort four.json >four.sorted &&
	test_cmp one.sorted four.sorted &&
	grep -c '\"verdict\"' four.json
"
test_done
