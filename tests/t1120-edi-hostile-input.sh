#!/bin/sh
# EDIFACT input that used to run until killed or cut a document silently:
# a run of NULs (/dev/zero), an oversized segment that never ends, a NUL in
# the service string advice UNA, a noncharacter under UNOW that the XML
# form cannot carry, an empty file.  Each ends with a diagnostic at its
# place, an exact exit status and bounded memory.
. "$(dirname "$0")/lib.sh"

q="'"

test_expect_code 1 'validate /dev/zero stops at the first NUL with EDI-SYNTAX-GARBAGE, small memory' '
	ulimit -t 20
	/usr/bin/time -f "%M" -o rss tdk validate /dev/zero 2>err; rc=$?
	test_grep "/dev/zero:1:1: error: [EDI-SYNTAX-GARBAGE] control character 0x00" err &&
	test $(($(tail -1 rss) / RSS_SCALE)) -lt 65536 || { cat rss; exit 99; }
	exit $rc
'
test_expect_code 1 'convert /dev/zero likewise, and writes no document' '
	ulimit -t 20
	/usr/bin/time -f "%M" -o rss tdk convert -o out.xml /dev/zero 2>err; rc=$?
	test_grep "[EDI-SYNTAX-GARBAGE]" err && ! test -e out.xml &&
	test $(($(tail -1 rss) / RSS_SCALE)) -lt 65536 || { cat rss; exit 99; }
	exit $rc
'
test_expect_code 1 'NULs after a valid segment stop the read where they begin' '
	ulimit -t 20
	{ printf "UNB+UNOC:3+A+B+241105:0930+1$q\n"; head -c 1048576 /dev/zero; } >nul.edi
	tdk validate nul.edi 2>err; rc=$?
	test_grep "nul.edi:2:1: error: [EDI-SYNTAX-GARBAGE]" err || exit 99
	exit $rc
'
test_expect_code 1 'a segment that never ends: skipped, then the read stops (EDI-LIMIT-SEGMENT)' '
	ulimit -t 20
	{ printf "UNB+UNOC:3+A+B+241105:0930+1${q}A"; head -c 40000000 /dev/zero; } |
		/usr/bin/time -f "%M" -o rss tdk validate --max-segment-size 64K - 2>err; rc=$?
	test_grep "[EDI-LIMIT-SEGMENT] no segment terminator" err &&
	test $(($(tail -1 rss) / RSS_SCALE)) -lt 65536 || { cat rss; exit 99; }
	exit $rc
'
test_expect_code 1 'a NUL as UNA segment terminator: EDI-UNA-INVALID at its column' '
	printf "UNA:+.? \000UNB+UNOC:3+A+B+241105:0930+1${q}UNZ+0+1$q" >una-nul.edi
	tdk validate una-nul.edi 2>err; rc=$?
	test_grep "una-nul.edi:1:9: error: [EDI-UNA-INVALID] UNA character 6 (segment terminator) is the control character 0x00" err || exit 99
	exit $rc
'
test_expect_code 1 'a NUL as UNA separator: refused by convert too' '
	printf "UNA:\000.? ${q}UNB+UNOC:3+A+B+241105:0930+1${q}UNZ+0+1$q" >una-nul2.edi
	tdk convert una-nul2.edi >/dev/null 2>err; rc=$?
	test_grep "una-nul2.edi:1:5: error: [EDI-UNA-INVALID] UNA character 2" err || exit 99
	exit $rc
'
# An interchange under UNOW with $1 (printf escapes) inside an FTX value.
unow() {
	printf "UNB+UNOW:3+A+B+241105:0930+1'UNH+1+INVOIC:D:96A:UN'FTX+A${1}B'UNT+3+1'UNZ+1+1'"
}
for nc in '\357\277\277:FFFF' '\357\277\276:FFFE' '\357\267\220:FDD0'; do
	bytes=${nc%%:*} cp=${nc##*:}
	test_expect_code 1 "U+$cp under UNOW: EDI-CHARSET-INVALID in validate" "
		unow '$bytes' >nc.edi
		tdk validate nc.edi 2>err; rc=\$?
		test_grep 'nc.edi:1:57: error: [EDI-CHARSET-INVALID] segment 2' err &&
		test_grep 'U+$cp is a Unicode noncharacter' err || exit 99
		exit \$rc
	"
	test_expect_code 1 "U+$cp under UNOW: convert refuses it, no XML it cannot read back" "
		unow '$bytes' >nc.edi
		tdk convert -o nc.xml nc.edi 2>err; rc=\$?
		test_grep '[EDI-CHARSET-INVALID]' err && ! test -e nc.xml || exit 99
		exit \$rc
	"
done
test_expect_code 1 'convert of an empty file: EDI-EMPTY and exit 1, as validate' '
	: >empty.edi
	tdk convert -o out.xml empty.edi 2>err; rc=$?
	test_grep "empty.edi: error: [EDI-EMPTY] no EDIFACT data in the input" err &&
	! test -e out.xml || exit 99
	exit $rc
'
test_expect_code 1 'convert of blanks only from standard input: EDI-EMPTY' '
	printf "\n  \n" | tdk convert -t json 2>err; rc=$?
	test_grep "[EDI-EMPTY]" err || exit 99
	exit $rc
'
test_expect_success 'the twins: a plain interchange still converts and validates' '
	unow "\357\277\275" >ok.edi &&
	tdk validate --syntax-only ok.edi &&
	tdk convert ok.edi >ok.xml && tdk convert ok.xml >back.edi && cmp ok.edi back.edi
'
test_done
