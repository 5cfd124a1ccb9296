#!/bin/sh
# Directory validation on bad input, with the fixture release D.18T of
# tests/data/dir: a truncated release zip, a release file with a broken
# record, a message naming a release that does not exist, a UNH with a message
# type the release does not have, and a message with 10,000 segments that fit
# nowhere.  Each ends in its diagnostic and documented exit status, never a
# crash, with output and memory bounded.
. "$(dirname "$0")/lib.sh"

# msg TYPE RELEASE SEGMENT...: one interchange of one message with a correct UNT count.
msg() {
	type=$1 rel=$2
	shift 2
	printf "UNA:+.? '\nUNB+UNOC:3+A+B+180101:1200+1'\nUNH+1+%s:D:%s:UN'\n" "$type" "$rel"
	for s in "$@"; do printf '%s\n' "$s"; done
	printf "UNT+%d+1'\nUNZ+1+1'\n" $(($# + 2))
}

test_expect_success 'the release zip of the fixture, and a message that is valid in it' '
	mkdir z && for d in "$DATA"/dir/d18t/*/; do
		(cd "$d" && zip -q -X "$TRASH/z/$(basename "$d").zip" ./*) || exit 1
	done &&
	(cd z && zip -q -X ../d18t.zip ./*) &&
	msg GDSNOT 18T "BGM+1'"'"'" "NAD+CN'"'"'" >ok.edi &&
	tdk validate -D d18t.zip ok.edi
'

test_expect_code 1 'a truncated release zip: EDI-DIR-BROKEN, not a readable zip' '
	head -c $(($(wc -c <d18t.zip) / 2)) d18t.zip >trunc.zip &&
	tdk validate -D trunc.zip ok.edi 2>err; rc=$?; cat err
	grep -q "error: \[EDI-DIR-BROKEN\] .trunc.zip.: not a readable zip" err || exit 99
	exit $rc
'
test_expect_code 1 'a member zip cut short inside the release zip: EDI-DIR-BROKEN' '
	mkdir zt && cp z/*.zip zt/ && head -c 900 z/EDMD.zip >zt/EDMD.zip &&
	(cd zt && zip -q -X ../d18t-cut.zip ./*) &&
	tdk validate -D d18t-cut.zip ok.edi 2>err; rc=$?; cat err
	grep -q "\[EDI-DIR-BROKEN\]" err || exit 99
	exit $rc
'

test_expect_code 1 'a broken record: EDI-DIR-BROKEN with the file and line, and nothing validated against it' '
	cp -r "$DATA/dir/d18t" broken &&
	sed "s/^00020   BGM Beginning of message .*/00020   BGM Beginning of message/" \
		"$DATA/dir/d18t/EDMD/GDSNOT_D.18T" >broken/EDMD/GDSNOT_D.18T &&
	tdk validate -D broken ok.edi 2>err; rc=$?; cat err
	grep -q "error: \[EDI-DIR-BROKEN\] .GDSNOT_D.18T. line [0-9]*: segment table entry without status and repeat" err ||
		exit 99
	exit $rc
'
test_expect_code 1 'a broken record in a data element entry is reported the same way' '
	cp -r "$DATA/dir/d18t" broken2 &&
	sed "0,/Repr: an\.\./s//Repr: xy../" "$DATA/dir/d18t/EDED/EDED.18T" >broken2/EDED/EDED.18T &&
	! cmp -s broken2/EDED/EDED.18T "$DATA/dir/d18t/EDED/EDED.18T" &&
	tdk validate -D broken2 ok.edi 2>err; rc=$?; cat err
	grep -q "\[EDI-DIR-BROKEN\] .EDED.18T. line [0-9]*: element [0-9]*: unreadable representation" err || exit 99
	exit $rc
'

test_expect_success 'a release that does not exist: a warning naming it and how to install it; syntax checked' '
	msg GDSNOT 77Z "BGM+1'"'"'" >norel.edi &&
	TDK_DIRECTORY_PATH=$TRASH/nowhere tdk validate norel.edi 2>err && cat err &&
	grep -q "warning: \[EDI-DIR-RELEASE\] .*release D77Z is not installed.*tdk dir install d77z.zip" err
'
test_expect_code 1 'a release that does not exist, where -D names another release: EDI-DIR-RELEASE' '
	tdk validate -D d18t.zip norel.edi 2>err; rc=$?; cat err
	grep -q "error: \[EDI-DIR-RELEASE\] .d18t.zip. holds release D18T, not D77Z" err || exit 99
	exit $rc
'

test_expect_code 1 'a UNH with a message type the release does not have: EDI-DIR-MESSAGE' '
	msg GDSXYZ 18T "BGM+1'"'"'" >notype.edi &&
	tdk validate -D d18t.zip notype.edi 2>err; rc=$?; cat err
	grep -q "error: \[EDI-DIR-MESSAGE\] .*release D18T has no message .GDSXYZ.; .tdk dir list D18T. lists its 4 messages" err ||
		exit 99
	test $(grep -c "error:" err) = 1 || exit 98
	exit $rc
'

# 10,000 segments after BGM that GDSNOT does not have (ZZZ is no segment of the
# release) or that it has once only (BGM again: past its maximum repeat).
many() {
	printf "UNA:+.? '\nUNB+UNOC:3+A+B+180101:1200+1'\nUNH+1+GDSNOT:D:18T:UN'\nBGM+1'\n"
	awk -v t="$1" 'BEGIN { for (i = 0; i < 10000; i++) printf "%s+1'"'"'\n", t }'
	printf "UNT+10003+1'\nUNZ+1+1'\n"
}
test_expect_code 1 '10,000 unexpected segments: 100 errors, then a note with the count (--max-errors 0)' '
	many ZZZ >many.edi &&
	tdk validate --max-errors 0 -D d18t.zip many.edi 2>err; rc=$?
	tail -n 2 err
	test $(grep -c "error: \[EDI-STRUCT-UNEXPECTED\] .*segment .ZZZ. is not part of message GDSNOT" err) = 100 || exit 99
	test $(wc -l <err) = 101 || exit 98
	grep -q "note: \[EDI-STRUCT-LIMIT\] .*9900 more segments of this GDSNOT message are out of place in its segment table" err ||
		exit 97
	exit $rc
'
test_expect_code 1 '10,000 repeats past the maximum: the same bound, and the next message is checked in full' '
	{ many BGM | sed "\$d"; printf "UNH+2+GDSNOT:D:18T:UN'"'"'\nNAD+CN'"'"'\nUNT+3+2'"'"'\nUNZ+2+1'"'"'\n"; } >many2.edi &&
	tdk validate --max-errors 0 -D d18t.zip many2.edi 2>err; rc=$?
	tail -n 3 err
	test $(grep -c "error: \[EDI-STRUCT-REPEAT\] .*segment .BGM. occurs more than its maximum of 1" err) = 100 || exit 99
	test $(grep -c "error:" err) = 101 || exit 96
	grep -q "note: \[EDI-STRUCT-LIMIT\] .*9900 more segments" err || exit 98
	grep -q "many2.edi:[0-9]*:1: error: \[EDI-STRUCT-MISSING\] segment 2 .NAD.: mandatory segment .BGM." err || exit 97
	exit $rc
'
test_expect_code 1 'with the default --max-errors the run stops at 100 errors and says so' '
	tdk validate -D d18t.zip many.edi 2>err; rc=$?
	test $(grep -c "error:" err) = 100 || exit 99
	grep -q "note: stopped after 100 errors (--max-errors)" err || exit 98
	exit $rc
'
if [ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1; then
	test_expect_code 1 '100,000 unexpected segments: peak memory stays under 32 MB' '
		{ printf "UNA:+.? '"'"'\nUNB+UNOC:3+A+B+180101:1200+1'"'"'\nUNH+1+GDSNOT:D:18T:UN'"'"'\nBGM+1'"'"'\n"
		  awk "BEGIN { for (i = 0; i < 100000; i++) print \"ZZZ+1'"'"'\" }"
		  printf "UNT+100003+1'"'"'\nUNZ+1+1'"'"'\n"; } >lots.edi &&
		/usr/bin/time -f %M -o rss tdk validate --max-errors 0 -D d18t.zip lots.edi 2>err; rc=$?
		cat rss; test $(tail -n 1 rss) -lt 32768 || exit 99
		grep -q "99900 more segments" err || exit 98
		exit $rc
	'
else
	test_skip 'peak memory of 100,000 unexpected segments' 'no GNU time at /usr/bin/time'
fi

test_done
