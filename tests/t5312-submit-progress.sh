#!/bin/sh
# tdk submit's progress line: on a terminal (script(1) gives one) a line
# "N/M sent: ..." rewritten in place and cleared at the end; never when
# standard error is a file, nor with -q, nor for one document.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"
. "$REPO/tests/dossier-lib.sh"

if ! script -qec true /dev/null >/dev/null 2>&1; then
	test_skip 'the progress line' 'script(1) from util-linux is not installed'
	test_done
	exit 0
fi
serve_schema
echo '</catalog>' >>cat.xml
serve_start --catalog "$TRASH/cat.xml" || { echo "Bail out! tdk serve did not start"; exit 1; }
endpoints plain >endpoints
TDK_ENDPOINTS=$TRASH/endpoints TDK_JOURNAL=$TRASH/j.db
export TDK_ENDPOINTS TDK_JOURNAL
mkdir a b c && (cd a && lrn G001 && lrn G002 && lrn G003) && (cd b && lrn G004 && lrn G005) && (cd c && lrn G006)
printf '<Declaration xmlns="urn:tdk:test:decl"><Nope/></Declaration>\n' >a/bad.xml
ESC=$(printf '\033')

test_expect_success 'on a terminal: the line counts the documents, is rewritten in place and cleared at the end' '
	script -qc "tdk submit -e local -r a >out; echo \$? >rc" /dev/null >tty </dev/null &&
	test "$(cat rc)" -eq 1 && test_grep "0/4 sent" tty && test_grep "4/4 sent: 3 accepted, 1 not accepted" tty &&
	test_grep "$ESC[K" tty &&
	last=$(tr "\r" "\n" <tty | tail -n 1) && test "$last" = "$ESC[K" &&
	test "$(grep -c ": accepted, conversation" out)" -eq 3
'
test_expect_success 'the diagnostics are not mixed into the line: each starts a line of its own' '
	tr "\r" "\n" <tty | grep "error: \[" | grep -qv "sent:" &&
	! tr "\r" "\n" <tty | grep "sent" | grep -q "error:"
'
test_expect_success 'standard error a file: no progress line' '
	tdk submit -e local -r b >out 2>err && ! grep -q "sent:" err && ! grep -q "$ESC" err
'
test_expect_success 'with -q, or for one document, no line even on a terminal' '
	script -qec "tdk submit -e local -q -r b && tdk submit -e local c/G006.xml >out" /dev/null >tty </dev/null &&
	! grep -q "sent" tty && test_grep "G006.xml: accepted" out
'
test_done
