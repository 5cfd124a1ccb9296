#!/bin/sh
# validate -p passes through exactly the bytes it checked, from its one open
# of the input: never a second open by name.  A pipe, /dev/stdin, <(...) and
# a FIFO are spooled while they are checked (in memory, then in an unlinked
# file in $TMPDIR); a regular file is read again through the same descriptor,
# each block compared with the hash taken while checking, so a file rewritten
# in place is refused and one replaced by rename passes as it was checked.
. "$(dirname "$0")/lib.sh"

EDI=$SAMPLES/invoic-d96a.edi
XML=$SAMPLES/wco-declaration.xml
# A well-formed document of 3.6 MiB: more than the in-memory spool, several blocks.
perl -e 'print "<a>\n", "<b>xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx</b>\n" x 100000, "</a>\n"' >"$TRASH/big.xml"

test_expect_success 'EDIFACT through a pipe named /dev/stdin: the same bytes out' '
	cat "$EDI" | tdk validate -p /dev/stdin >out 2>err && cmp out "$EDI"
'
test_expect_success 'EDIFACT through a process substitution: the same bytes out' '
	bash -c "tdk validate -p <(cat \"\$1\")" sh "$EDI" >out 2>err && cmp out "$EDI"
'
test_expect_success 'XML through a pipe named /dev/stdin: the same bytes out' '
	cat "$XML" | tdk validate -p --well-formed /dev/stdin >out 2>err && cmp out "$XML"
'
test_expect_success 'a FIFO with a writer: checked and passed through, no second open' '
	mkfifo fifo &&
	{ cat "$EDI" >fifo & } &&
	timeout 20 tdk validate -p fifo >out 2>err && cmp out "$EDI"
'
test_expect_success 'standard input larger than the memory spool: the same bytes out' '
	cat big.xml | tdk validate -p --well-formed >out 2>err && cmp out big.xml
'
test_expect_success 'standard input redirected from a file is read from where it stands' '
	{ printf junk; cat big.xml; } >pre.xml &&
	{ head -c 4 >/dev/null; tdk validate -p --well-formed; } <pre.xml >out 2>err &&
	cmp out big.xml
'
test_expect_code 3 'a spool that cannot be created is an error, not 0 bytes with exit 0' '
	cat big.xml | TMPDIR=$TRASH/no-such-dir tdk validate -p --well-formed >out 2>err; rc=$?
	test_grep "cannot keep '"'"'<stdin>'"'"' to pass it through" err && test ! -s out || exit 99
	exit $rc
'
test_expect_success 'a small input needs no spool file' '
	cat "$EDI" | TMPDIR=$TRASH/no-such-dir tdk validate -p >out 2>err && cmp out "$EDI"
'
# The reader takes one byte, then changes the file: tdk is still writing its
# first block into the full pipe, so the change lands after checking and before
# the third block is read again.
test_expect_code 3 'a file rewritten in place while it passes: refused at the changed block' '
	cp big.xml doc.xml &&
	{ tdk validate -p --well-formed doc.xml 2>err; echo $? >rc; } |
		{ head -c 1 >/dev/null; printf y | dd of=doc.xml bs=1 seek=2621440 conv=notrunc 2>/dev/null; cat >/dev/null; }
	test_grep "'"'"'doc.xml'"'"' changed while it was checked: not passed through from byte 2097152 on" err || exit 99
	exit $(cat rc)
'
test_expect_success 'a file replaced by rename while it passes: the checked bytes go out' '
	cp big.xml doc.xml && printf "<not-well-formed" >evil.xml &&
	{ tdk validate -p --well-formed doc.xml 2>err; echo $? >rc; } |
		{ dd bs=1 count=1 of=first 2>/dev/null; mv evil.xml doc.xml; cat >rest; } &&
	test "$(cat rc)" = 0 && cat first rest >out && cmp out big.xml
'
test_expect_success 'a schema is compiled from its name and passed whole' '
	perl -e "print qq(<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n), (map { qq(<xs:element name=\"e\$_\"/>\n) } 1..100), qq(</xs:schema>\n)" >s.xsd &&
	tdk validate -p s.xsd >out 2>err && cmp out s.xsd
'
test_expect_code 1 'an invalid input through a pipe is not passed' '
	printf "UNB+UNOA:2+X+Y+990101:1200+1'"'"'" | tdk validate -p >out 2>err; rc=$?
	test ! -s out || exit 99
	exit $rc
'
test_expect_code 1 '/dev/urandom: invalid, and reading stops' '
	ulimit -t 20
	tdk validate -p /dev/urandom >out 2>err
'
test_expect_code 3 'standard output full: one message, exit 3' '
	test -w /dev/full || exit 3
	tdk validate -p "$EDI" >/dev/full 2>err; rc=$?
	test "$(grep -c "^tdk validate:" err)" = 1 || { cat err; exit 99; }
	exit $rc
'
test_expect_code 3 'convert to a full standard output: one message, exit 3' '
	test -w /dev/full || exit 3
	tdk convert "$EDI" >/dev/full 2>err; rc=$?
	test "$(grep -c "^tdk convert:" err)" = 1 || { cat err; exit 99; }
	exit $rc
'
test_expect_success 'a large pipe passes through in bounded memory' '
	perl -e "print qq(<a>\n), qq(<b>xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx</b>\n) x 1500000, qq(</a>\n)" >huge.xml &&
	cat huge.xml | /usr/bin/time -f %M -o rss tdk validate -p --well-formed >out 2>err &&
	cmp out huge.xml &&
	test $(($(tail -1 rss) / RSS_SCALE)) -lt 32768 || { cat rss; exit 1; }
'
test_done
