#!/bin/sh
# What `make check` prints: one short line per compile step (V=1 shows the
# whole command), and during the fuzz smoke run the TAP plan first and one
# line per fuzz target as it ends, shown as it comes (prove -v), instead of
# minutes of silence.  The fuzz targets here are stand-ins that answer as
# libFuzzer does; nothing is written in the source tree.
. "$(dirname "$0")/lib.sh"

# A make of its own: not the jobserver or the variables of a make that runs this test.
unset MAKEFLAGS MFLAGS MAKELEVEL
mk() { make --no-print-directory -C "$REPO" BUILD="$TRASH/b" "$@"; }

test_expect_success 'a compile step prints one short line' '
	mk "$TRASH/b/lib/util/path.o" >out 2>&1 &&
	echo "    CC $TRASH/b/lib/util/path.o" >want && test_cmp want out
'
test_expect_success 'V=1 shows the whole compile command' '
	rm -f b/lib/util/path.o && mk V=1 "$TRASH/b/lib/util/path.o" >out 2>&1 &&
	test_grep " -c -o $TRASH/b/lib/util/path.o lib/util/path.c" out && ! grep -q "^    CC " out
'
test_expect_success 'make check runs the fuzz smoke run under prove -v' '
	make --no-print-directory -C "$REPO" -n fuzz-check FUZZ_BIN= 2>/dev/null | grep "tests/fuzz/run.sh" >line &&
	test_grep "prove -v tests/fuzz/run.sh" line
'
mkdir fz
for t in fuzz-one fuzz-two fuzz-three; do
	printf '#!/bin/sh\necho "#42 DONE cov: 7 ft: 9 corp: 1/1b"\necho "stat::number_of_executed_units: 420"\n' >fz/$t
	chmod +x fz/$t
done
test_expect_success 'the fuzz run prints its plan first, then one line per target' '
	TDK_FUZZ_DIR="$TRASH/fz" TDK_FUZZ_TOTAL=15 "$REPO/tests/fuzz/run.sh" >out 2>err &&
	head -1 out >first && echo "1..3" >want && test_cmp want first &&
	test "$(grep -c "^ok [0-9] - fuzz-" out)" -eq 3 &&
	test_grep "ok 1 - fuzz-one ran 5s: 420 executions" out &&
	test "$(wc -l <out)" -eq 4
'
test_expect_success 'under prove -v each target line shows as it comes' '
	TDK_FUZZ_DIR="$TRASH/fz" TDK_FUZZ_TOTAL=15 prove -v "$REPO/tests/fuzz/run.sh" >out 2>&1 &&
	test "$(grep -c "^ok [0-9] - fuzz-" out)" -eq 3
'
test_expect_code 1 'a target that crashes fails its line and the run' '
	printf "#!/bin/sh\necho \"==1==ERROR: AddressSanitizer: heap-buffer-overflow\"\nexit 1\n" >fz/fuzz-two &&
	TDK_FUZZ_DIR="$TRASH/fz" TDK_FUZZ_TOTAL=15 "$REPO/tests/fuzz/run.sh" >out 2>err; rc=$?
	test_grep "not ok 3 - fuzz-two" out && test_grep "#   ==1==ERROR: AddressSanitizer" out || exit 99
	exit $rc
'
test_expect_success 'the corpora and logs stay in the targets folder' '
	test -d fz/corpus-fuzz-one && test -f fz/fuzz-one.log
'
test_done
