#!/bin/sh
# Document cases as data: tests/data/cases/NAME/ holds the input (in.edi),
# the command line (cmd), the exit status it must end with (exit) and the
# exact text it must print, standard output then standard error (expect).
# Covers the syntax features of ISO 9735 and the bad inputs of DESIGN.md.
. "$(dirname "$0")/lib.sh"

for dir in "$DATA"/cases/*/; do
	name=$(basename "$dir")
	want=$(cat "$dir/exit")
	mkdir -p "$TRASH/$name"
	cp "$dir/in.edi" "$TRASH/$name/"
	test_expect_code "$want" "$name: $(cat "$dir/cmd")" "
		cd '$name' && { sh -c \"\$(cat '$dir/cmd')\" >out 2>err; rc=\$?; }
		cat out err >got
		test_cmp '$dir/expect' got >&2 || exit 99
		exit \$rc
	"
done
test_done
