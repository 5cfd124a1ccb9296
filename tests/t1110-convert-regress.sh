#!/bin/sh
# Inputs the round-trip fuzzer once broke (tests/data/regress): each either
# converts without errors and comes back byte for byte through XML and
# JSON, or is refused with exit 1; never a silent difference.  The way back
# writes nothing `tdk validate` refuses at the syntax level, so it may refuse
# (EDI-WRITE-*) what convert read leniently, only when validate refuses the
# input too.
. "$(dirname "$0")/lib.sh"

for f in "$DATA"/regress/*.edi; do
	for fmt in xml json; do
		test_expect_success "$(basename "$f") through $fmt: lossless or refused" "
			if tdk convert -t $fmt '$f' >mid 2>err; then
				if tdk convert -f $fmt -t edifact mid >back 2>err; then
					cmp back '$f'
				else
					test \$? -eq 1 && grep -q ': error: \[EDI-WRITE-' err &&
					{ tdk validate --syntax-only '$f' >/dev/null 2>&1; test \$? -eq 1; }
				fi
			else
				test \$? -eq 1 && grep -q ': error: ' err
			fi
		"
	done
done
test_done
