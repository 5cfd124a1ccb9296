#!/bin/sh
# The C unit tests of lib/ (tests/unit/t-*.c), one TAP line per program.
. "$(dirname "$0")/lib.sh"

for t in "$REPO/$TDK_BUILD"/tests/unit/t-*; do
	[ -x "$t" ] || continue
	test_expect_success "unit $(basename "$t")" "'$t'"
done
test_done
