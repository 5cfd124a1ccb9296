#!/bin/sh
# The inputs of a validate batch are bounded and every fault is said: a name
# in --files-from is at most 4096 bytes, a list at most 4194304 lines, with
# the list and the line named (TDK-LIST-NAME, TDK-LIMIT-FILES, exit 3); -r
# says what it skipped (TDK-WALK-PATH, TDK-WALK-DEPTH, exit 3) and warns when
# it finds nothing (TDK-NO-FILES, exit 0); running out of memory is exit 70,
# never "0 files" and exit 0.  Names with control characters are quoted in
# verdict lines and notes, as in diagnostics.
. "$(dirname "$0")/lib.sh"

case $TDK_BUILD in *san*) SAN=1 ;; *) SAN= ;; esac
printf '<a/>\n' >good.xml

# Under a 2 GB address-space limit the old reader's getdelim() failed and the
# run said "0 files" with exit 0; it now stops at the first 4096 bytes.
test_expect_code 3 '--files-from /dev/zero: TDK-LIST-NAME on line 1, exit 3, small memory' '
	ulimit -t 20
	[ -n "$SAN" ] || ulimit -v 2000000
	/usr/bin/time -f %M -o rss tdk validate --files-from /dev/zero >out 2>err; rc=$?
	test_grep "/dev/zero:1: error: [TDK-LIST-NAME] a name longer than 4096 bytes" err &&
	! grep -q "^0 files.*" err &&
	test $(($(tail -1 rss) / RSS_SCALE)) -lt 65536 || { cat rss; exit 99; }
	exit $rc
'
test_expect_code 3 '-0 --files-from /dev/zero: the list is cut at 4194304 lines (TDK-LIMIT-FILES)' '
	ulimit -t 20
	tdk validate -0 --files-from /dev/zero >out 2>err; rc=$?
	test_grep "/dev/zero:4194305: error: [TDK-LIMIT-FILES] more than 4194304 lines" err || exit 99
	exit $rc
'
test_expect_code 3 'a NUL byte in a list of lines: TDK-LIST-NAME with its line' '
	printf "good.xml\nba\000d.xml\n" >list
	tdk validate --files-from list >out 2>err; rc=$?
	test_grep "list:2: error: [TDK-LIST-NAME] a name with a NUL byte" err || exit 99
	exit $rc
'
test_expect_code 3 'a name of 4097 bytes on line 3 of standard input' '
	{ echo good.xml; echo; head -c 4097 /dev/zero | tr "\0" a; echo; } |
		tdk validate --files-from - >out 2>err; rc=$?
	test_grep "<stdin>:3: error: [TDK-LIST-NAME] a name longer than 4096 bytes" err || exit 99
	exit $rc
'
test_expect_success 'an empty list: a warning that it names no file, exit 0' '
	: >empty.list &&
	tdk validate --files-from empty.list >out 2>err &&
	test_grep "empty.list: warning: [TDK-NO-FILES] the list names no file to check" err &&
	test_grep "0 files: 0 valid, 0 invalid, 0 not checked" out
'
test_expect_success 'a list with CRLF line ends and blank lines' '
	printf "good.xml\r\n\r\n\ngood.xml\r\n" >crlf.list &&
	tdk validate --well-formed --files-from crlf.list >out 2>err &&
	test_grep "2 files: 2 valid" out
'
if [ -n "$SAN" ]; then
	# ulimit -v does not work under AddressSanitizer: its allocator refuses
	# the 2 MiB that the table of 300,000 names needs instead.
	test_expect_code 70 'a list too big for memory: "out of memory", exit 70' '
		perl -e "print qq(n\$_.xml\n) for 1..300000" >many.list
		ASAN_OPTIONS=$ASAN_OPTIONS:allocator_may_return_null=1:max_allocation_size_mb=1 \
			tdk validate --files-from many.list >out 2>err; rc=$?
		test_grep "tdk validate: out of memory" err || exit 99
		exit $rc
	'
else
	test_expect_code 70 'a list too big for memory: "out of memory", exit 70' '
		perl -e "print q(a) x 4000, qq(\n) for 1..100000" >big.list
		( ulimit -v 150000; tdk validate --files-from big.list >out 2>err ); rc=$?
		test_grep "tdk validate: out of memory" err || exit 99
		exit $rc
	'
fi
test_expect_success '-r on an empty folder: a warning, the summary, exit 0 (and no sanitizer abort)' '
	mkdir empty &&
	tdk validate -r empty >out 2>err &&
	test_grep "empty: warning: [TDK-NO-FILES] no .xml, .xsd, .edi or .edifact file" err &&
	test_grep "0 files: 0 valid, 0 invalid, 0 not checked" out
'
test_expect_success '-r on a folder of other files only: the same warning' '
	mkdir other && echo x >other/readme.txt &&
	tdk validate -r other >out 2>err &&
	test_grep "[TDK-NO-FILES]" err
'
test_expect_code 3 '-r over a path longer than 4096 bytes: TDK-WALK-PATH, exit 3' '
	mkdir deep &&
	perl -e "chdir q(deep) or die; my \$n = q(d) x 200; for (1..22) { mkdir \$n or die; chdir \$n or die } open my \$f, q(>), q(x.xml) or die; print \$f qq(<a/>\n);" &&
	tdk validate --well-formed -r deep >out 2>err; rc=$?
	test_grep "error: [TDK-WALK-PATH] " err && test_grep "its path is longer than 4096 bytes; not checked" err &&
	! grep -q "TDK-NO-FILES" err || exit 99
	exit $rc
'
test_expect_code 3 '-r over folders nested more than 64 deep: TDK-WALK-DEPTH, the rest checked' '
	mkdir nest && cp good.xml nest/top.xml &&
	perl -e "chdir q(nest) or die; for (1..70) { mkdir q(n) or die; chdir q(n) or die } open my \$f, q(>), q(x.xml) or die; print \$f qq(<a/>\n);" &&
	tdk validate --well-formed -r nest >out 2>err; rc=$?
	test_grep "error: [TDK-WALK-DEPTH] folders nested more than 64 deep" err &&
	test_grep "nest/top.xml: valid" out || exit 99
	exit $rc
'
test_expect_code 1 'names with an escape or a newline are quoted in verdicts and notes' '
	mkdir names &&
	cp good.xml "names/$(printf "a\033[31mb.xml")" &&
	printf "<a><b></a>\n" >"names/$(printf "new\nline.xml")" &&
	tdk validate --well-formed --max-errors 1 -r names >out 2>err; rc=$?
	test_grep "\"names/a\\033[31mb.xml\": valid" out &&
	test_grep "\"names/new\\nline.xml\": invalid" out &&
	test_grep "\"names/new\\nline.xml\": note: stopped after 1 error (--max-errors)" err &&
	! grep -q "$(printf "\033")" out err || exit 99
	exit $rc
'
test_expect_code 2 'an overlarge number is out of range, with the range' '
	tdk validate --max-errors 99999999999999999999 good.xml >out 2>err; rc=$?
	test_grep "--max-errors: '"'"'99999999999999999999'"'"' is out of range (0 to 18446744073709551615)" err || exit 99
	exit $rc
'
test_expect_code 2 'an overlarge size is out of range, with the range' '
	tdk validate --max-size 99999999999G good.xml >out 2>err; rc=$?
	test_grep "is out of range (0 to 9223372036854775807 bytes)" err || exit 99
	exit $rc
'
test_expect_success 'the largest whole number is accepted' '
	tdk validate --well-formed --max-errors 18446744073709551615 good.xml
'
test_expect_code 2 'digits then garbage are still not a whole number' '
	tdk validate --max-errors 99999999999999999999x good.xml >out 2>err; rc=$?
	test_grep "is not a whole number" err || exit 99
	exit $rc
'
test_expect_success '-j 8 over 2,000 files reports as -j 1 does' '
	mkdir many &&
	perl -e "for (1..2000) { open my \$f, q(>), sprintf(q(many/d%04d.xml), \$_) or die; print \$f (\$_ % 7 ? qq(<a/>\n) : qq(<a>\n)) }" &&
	{ tdk validate --well-formed -r many >one 2>one.err; test $? = 1; } &&
	{ tdk validate --well-formed -j 8 -r many >eight 2>eight.err; test $? = 1; } &&
	test_cmp one eight && test_cmp one.err eight.err &&
	test_grep "2000 files: 1715 valid, 285 invalid, 0 not checked" one
'
test_done
