#!/bin/sh
# Hostile and huge inputs: each gets a diagnostic and the documented exit
# status, never a crash, a hang or memory that grows with the input.
# Peak memory is read with GNU time; the bounds are generous multiples of
# what streaming needs, far below what loading the input would take.
. "$(dirname "$0")/lib.sh"

TIME=/usr/bin/time
have_time() { $TIME -f %M true >/dev/null 2>&1; }

# peak_kb OUTFILE CMD...: runs CMD, stores its peak RSS in KiB in OUTFILE.rss
peak() {
	out=$1
	shift
	$TIME -f %M -o "$out.rss" "$@"
}

# The peak in KiB: the last line (GNU time first notes a non-zero exit status),
# scaled for a sanitizer build (RSS_SCALE, tests/lib.sh).
rss() { echo $(($(tail -n 1 "$1.rss") / RSS_SCALE)); }

head_unb="UNB+UNOA:3+S+R+241105:1200+1'UNH+1+ORDERS:D:96A:UN'FTX+AAI+++"
tail_unz="'UNT+3+1'UNZ+1+1'"

test_expect_success 'setup: a 100 MB segment, 10 million components, binary noise' '
	{ printf "%s" "$head_unb"; head -c 100000000 /dev/zero | tr "\0" A; printf "%s" "$tail_unz"; } >big-seg.edi &&
	{ printf "%s" "$head_unb"; head -c 10000000 /dev/zero | tr "\0" :; printf "%s" "$tail_unz"; } >many-comp.edi &&
	awk "BEGIN { srand(7); for (i = 0; i < 1048576; i++) printf \"%c\", int(rand() * 256) }" >noise.bin &&
	test $(wc -c <noise.bin) -ge 1048576
'
if have_time; then
	test_expect_code 1 'a 100 MB segment is refused past --max-segment-size, in bounded memory' '
		peak m tdk validate big-seg.edi 2>err; rc=$?
		grep -q "EDI-LIMIT-SEGMENT" err && test $(rss m) -lt 32768 || { cat err m.rss; exit 99; }
		exit $rc
	'
	test_expect_code 1 '10 million components: the segment limit first' '
		peak m tdk validate many-comp.edi 2>err; rc=$?
		grep -q "EDI-LIMIT-SEGMENT" err && test $(rss m) -lt 32768 || exit 99
		exit $rc
	'
	test_expect_code 1 '10 million components with a larger segment limit: the component limit' '
		peak m tdk validate --max-segment-size 64M many-comp.edi 2>err; rc=$?
		grep -q "EDI-LIMIT-COMPONENTS" err && test $(rss m) -lt 131072 || exit 99
		exit $rc
	'
	test_expect_success 'memory stays flat: a 60 MB interchange validates in under 16 MB' '
		awk "BEGIN { printf \"UNB+UNOC:3+S+R+241105:1200+1'"'"'\n\";
			for (m = 1; m <= 200000; m++) {
				printf \"UNH+%d+INVOIC:D:96A:UN'"'"'\nBGM+380+%d+9'"'"'\n\", m, m;
				for (l = 0; l < 4; l++) printf \"LIN+%d++4000862141404:SRS'"'"'\nQTY+47:12:PCE'"'"'\nMOA+203:1234.50'"'"'\n\", l + 1;
				printf \"UNT+15+%d'"'"'\n\", m }
			printf \"UNZ+200000+1'"'"'\n\" }" >big.edi &&
		test $(wc -c <big.edi) -gt 50000000 &&
		peak m tdk validate big.edi && test $(rss m) -lt 16384 &&
		peak x tdk convert -t xml big.edi >/dev/null && test $(rss x) -lt 16384
	'
else
	test_skip 'memory bounds' 'GNU time (/usr/bin/time) is not installed'
fi
test_expect_code 1 'binary noise: diagnostics, no crash' 'tdk validate noise.bin >/dev/null 2>&1'
test_expect_code 1 'binary noise: convert refuses it' 'tdk convert noise.bin >/dev/null 2>&1'
test_expect_code 1 'a file of NUL bytes: the read stops at the first' 'head -c 100000 /dev/zero >nul.edi && tdk validate nul.edi 2>err; rc=$?; grep -q EDI-SYNTAX-GARBAGE err || exit 99; exit $rc'
test_expect_code 1 'the error limit stops a flood of errors early' '
	tdk validate --max-errors 5 noise.bin 2>err; rc=$?
	test $(grep -c ": error: " err) -eq 5 || exit 99
	exit $rc
'
test_expect_code 1 'a truncated interchange at every length: no crash, always exit 1' '
	f="$SAMPLES/invoic-d96a.edi"; n=$(wc -c <"$f"); i=1
	while [ $i -lt $((n - 1)) ]; do
		head -c $i "$f" >t.edi
		tdk validate -q t.edi; rc=$?
		[ $rc -eq 1 ] || { echo "length $i: exit $rc"; exit 99; }
		i=$((i + 7))
	done
	exit 1
'
test_done
