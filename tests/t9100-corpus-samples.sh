#!/bin/sh
# Every sample interchange in ../shared/corpus/edifact/samples is either
# converted and round-tripped byte for byte (through XML and JSON; or refused
# on the way back where validate refuses it too), or
# rejected with precise diagnostics: the codes in tests/data/corpus-samples.tsv
# for the files listed there, and for any other file diagnostics in the
# documented form "file:line:col: error: [CODE] ..." with a documented code.
. "$(dirname "$0")/lib.sh"

S=$TDK_CORPUS/edifact/samples
TABLE=$DATA/corpus-samples.tsv
if [ ! -d "$S" ]; then
	test_skip 'corpus samples' "corpus not found at $S (set TDK_CORPUS)"
	test_done
	exit 0
fi
# The codes the manual documents.
grep -ho '\[[A-Z0-9-]*\]\|\\\[[A-Z0-9-]*\\\]\|^\.It Li [A-Z0-9-]*' "$REPO"/man/*.1 2>/dev/null |
	grep -o '[A-Z][A-Z0-9-]*-[A-Z0-9-]*' | sort -u >documented

TAB=$(printf '\t')
# file [charset]: through XML and JSON and back byte for byte; or, as convert
# writes no EDIFACT that validate refuses, refused on the way back (EDI-WRITE-*)
# when validate refuses the input too (a line break or C1 control in a value,
# lower case under UNOA).
roundtrip() {
	for fmt in xml json; do
		tdk convert ${2:+--charset $2} -t $fmt "$1" >m.$fmt || return 1
		if tdk convert m.$fmt >back 2>err; then
			cmp back "$1" || return 1
		else
			grep -q ': error: \[EDI-WRITE-' err &&
				! tdk validate --syntax-only ${2:+--charset $2} "$1" >/dev/null 2>&1 || return 1
		fi
	done
}
precise() { # stderr file: every error line has position, code, and the code is documented
	grep ': error: ' "$1" >errors || return 1
	while IFS= read -r line; do
		echo "$line" | grep -q '^[^:]*:[0-9][0-9]*:[0-9][0-9]*: error: \[[A-Z0-9-]*\] ' || { echo "imprecise: $line"; return 1; }
		code=$(echo "$line" | sed 's/.*error: \[\([A-Z0-9-]*\)\].*/\1/')
		grep -qx "$code" documented || { echo "undocumented code $code"; return 1; }
	done <errors
}

find "$S" -type f ! -name SOURCE.txt | sort >files
while IFS= read -r f; do
	rel=${f#"$S"/}
	row=$(grep "^$rel$TAB" "$TABLE")
	if [ -n "$row" ]; then
		verdict=$(echo "$row" | cut -f2)
		retry=$(echo "$row" | cut -f3)
		vcodes=$(echo "$row" | cut -f4)
		case $verdict in
		roundtrip)
			test_expect_success "$rel: round trip byte for byte" "roundtrip '$f'" ;;
		reject*)
			want=$(echo "$verdict" | sed 's/^reject //')
			test_expect_code 1 "$rel: rejected with $want" "
				tdk convert '$f' >/dev/null 2>err; rc=\$?
				got=\$(grep -o ': error: \[[A-Z0-9-]*\]' err | grep -o '[A-Z][A-Z0-9-]*' | sort -u | tr '\n' ',' | sed 's/,\$//')
				[ \"\$got\" = '$want' ] && precise err || { echo \"got \$got\"; exit 99; }
				exit \$rc
			"
			[ "$retry" != - ] &&
				test_expect_success "$rel: read with --charset $retry, round trip byte for byte" "roundtrip '$f' $retry"
			;;
		esac
		test_expect_success "$rel: tdk validate --syntax-only reports ${vcodes}" "
			got=\$(tdk validate --syntax-only '$f' 2>&1 | grep -o '\[[A-Z0-9-]*\]' | tr -d '[]' | sort -u | tr '\n' ' ' | sed 's/ \$//')
			[ \"\${got:--}\" = '$vcodes' ] || { echo \"got \$got\"; exit 1; }
		"
	else
		# Not in the table: the same contract, checked without a stored verdict.
		test_expect_success "$rel (not in the table): round trip, or a precise rejection" "
			if tdk convert '$f' >m.xml 2>err; then
				roundtrip '$f'
			else
				[ \$? -eq 1 ] && precise err
			fi
		"
	fi
done <files
test_done
