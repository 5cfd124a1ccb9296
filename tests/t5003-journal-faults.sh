#!/bin/sh
# The journal when things go wrong: a submitter killed with kill -9 between
# "sending" and the answer leaves a row that the next opening records as
# unknown (and a living submitter's row is left alone); a journal that cannot
# be created or written (a read-only folder, a folder that is a file), a
# corrupt file, an SQLite file that is no journal, a missing journal for
# verify: exit 3 with the diagnostic that says which.
. "$(dirname "$0")/lib.sh"

FILL=$REPO/$TDK_BUILD/tests/gen/journal-fill

# Starts journal-fill holding after a begin; waits (5 s at most) until it holds.
start_holder() {
	printf "begin cds $1 L$1\nhold 30\n" | "$FILL" k.db >hold.$1 2>&1 &
	holder=$!
	n=0
	while ! grep -q holding hold.$1 2>/dev/null; do
		n=$((n + 1)); [ $n -lt 100 ] || { kill -9 $holder; return 1; }
		sleep 0.05
	done
}

test_expect_success 'a living submitter: its row stays sending when another process opens the journal' '
	start_holder alive || exit 1
	trap "kill -9 $holder 2>/dev/null" EXIT
	tdk journal --journal k.db list | cut -f3 >got; echo sending >want
	kill -9 $holder; wait $holder 2>/dev/null
	test_cmp want got
'
test_expect_success 'kill -9 between sending and the answer: the next opening records unknown' '
	start_holder killed || exit 1
	kill -9 $holder; wait $holder 2>/dev/null
	tdk journal --journal k.db --unknown list | cut -f3,5 >got &&
	printf "unknown\tLalive\nunknown\tLkilled\n" >want && test_cmp want got &&
	tdk journal --journal k.db show 4 | tail -1 | cut -f3,4,5 >got &&
	printf "recover\tunknown\tthe sending process ended before an answer was recorded\n" >want && test_cmp want got &&
	tdk journal --journal k.db verify >/dev/null
'
test_expect_success 'the killed document is not begun again by itself' '
	echo "begin cds killed Lkilled" | "$FILL" k.db >out && test_grep "held 4 unknown" out
'
if [ "$(id -u)" = 0 ]; then
	test_skip 'a read-only folder: exit 3' 'root writes to read-only folders'
else
	test_expect_code 3 'a read-only folder: exit 3, JOURNAL-OPEN, nothing made' '
		mkdir ro && chmod 500 ro &&
		tdk journal --journal ro/j.db list 2>err; rc=$?
		chmod 700 ro
		test_grep "ro/j.db: error: [JOURNAL-OPEN] cannot create the journal: Permission denied" err &&
		test ! -e ro/j.db || exit 99
		exit $rc
	'
	test_expect_code 3 'a journal in a folder made read-only after it was written: exit 3' '
		mkdir ro2 && echo "begin cds a LA" | "$FILL" ro2/j.db >/dev/null && chmod 500 ro2 && chmod 400 ro2/j.db &&
		echo "begin cds b LB" | "$FILL" ro2/j.db 2>err; rc=$?
		chmod 700 ro2
		grep -q "error: \[JOURNAL-" err || exit 99
		exit $rc
	'
fi
test_expect_code 3 'a folder on the way that is a file: exit 3, JOURNAL-OPEN' '
	echo not a folder >file &&
	tdk journal --journal file/tdk/j.db list 2>err; rc=$?
	test_grep "file/tdk/j.db: error: [JOURNAL-OPEN] cannot create the journal" err || exit 99
	exit $rc
'
test_expect_code 3 'a corrupt file: exit 3, JOURNAL-CORRUPT, the file left as it was' '
	head -c 8192 /dev/urandom >bad.db && cp bad.db bad.orig &&
	tdk journal --journal bad.db list 2>err; a=$?
	tdk journal --journal bad.db verify 2>err2; rc=$?
	test $a = 3 && test_grep "bad.db: error: [JOURNAL-CORRUPT] cannot use the journal: the file is not a tdk journal or is damaged" err &&
	test_grep "[JOURNAL-CORRUPT]" err2 && cmp bad.db bad.orig || exit 99
	exit $rc
'
test_expect_code 3 'a journal whose pages were damaged: exit 3, never a crash' '
	printf "begin cds a LA\nanswer cds/a accepted 202 ca\n" | "$FILL" dmg.db >/dev/null &&
	python3 -c "
f = open(\"dmg.db\", \"r+b\"); f.seek(4096); f.write(b\"\\xff\" * 4096); f.close()" &&
	tdk journal --journal dmg.db export >/dev/null 2>err; rc=$?
	test_grep "[JOURNAL-CORRUPT]" err || exit 99
	exit $rc
'
test_expect_code 3 'an SQLite database that is not a tdk journal' '
	python3 -c "import sqlite3; c = sqlite3.connect(\"other.db\"); c.execute(\"CREATE TABLE t(x)\"); c.commit()" &&
	tdk journal --journal other.db list 2>err; rc=$?
	test_grep "[JOURNAL-CORRUPT] the file is an SQLite database but not a tdk journal" err || exit 99
	exit $rc
'
test_expect_code 3 'verify, export and head do not create a journal: exit 3 when it is missing' '
	tdk journal --journal none.db export 2>err1; a=$?; tdk journal --journal none.db head 2>/dev/null; b=$?
	tdk journal --journal none.db verify 2>err; rc=$?
	test $a = 3 && test $b = 3 && test ! -e none.db && test_grep "[JOURNAL-OPEN] cannot open the journal: No such file" err || exit 99
	exit $rc
'
test_done
