#!/bin/sh
# The harness itself (tests/lib.sh): test_done ends the file, so a file that
# skips early prints one plan and runs nothing after it; a failed test makes
# the file exit 1; a crash is never an expected exit status.
. "$(dirname "$0")/lib.sh"

# Runs the test file body $1 through lib.sh in a scratch copy of the harness.
harness() {
	mkdir -p h/tests && cp "$REPO/tests/lib.sh" h/tests/ &&
	{ printf '. "$(dirname "$0")/lib.sh"\n'; printf '%s\n' "$1"; } >h/tests/t.sh &&
	sh h/tests/t.sh >out 2>&1
}

test_expect_success 'a file that skips early prints one plan and stops there' '
	harness "if true; then test_skip early reason; test_done; fi
test_expect_success never-reached true
test_done"
	test_grep "ok 1 # skip early" out && test $(grep -c "^1\.\." out) -eq 1 &&
	test_grep "1..1" out && ! grep -q never-reached out
'
test_expect_success 'test_done exits 0 when every test passed, 1 when one failed' '
	harness "test_expect_success good true
test_done" && test_grep "ok 1 - good" out &&
	{ harness "test_expect_success bad false
test_expect_success good true
test_done"; test $? -eq 1; } && test_grep "not ok 1 - bad" out && test_grep "1..2" out
'
test_expect_success 'a crash is a failure even where its exit status is the one expected' '
	printf "%s\n" "test_expect_code 139 segv \"sh -c \\\"kill -SEGV \\\\\\\$\\\\\\\$\\\"\"" >body &&
	{ harness "$(cat body)
test_done"; test $? -eq 1; } && test_grep "not ok 1 - segv" out && test_grep "killed by signal 11, never an expected status" out
'
test_done
