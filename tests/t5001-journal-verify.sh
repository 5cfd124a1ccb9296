#!/bin/sh
# tdk journal verify: the SHA-256 chain recomputed, and each tampering it must
# name: a changed row, a changed row whose hash was recomputed, a row removed
# from the middle, two rows swapped, a cut tail (against the head file and
# against a head kept elsewhere, as the hash alone too), a forged head file;
# the canonical encoding recomputed in Python as tdk-journal(1) documents it.
. "$(dirname "$0")/lib.sh"

FILL=$REPO/$TDK_BUILD/tests/gen/journal-fill
sql() { python3 -c "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()" "$@"; }
# A fresh copy of the filled journal: j.db and j.db.head.
fresh() { rm -f j.db j.db.head && cp "$TRASH/base.db" j.db && cp "$TRASH/base.db.head" j.db.head; }

test_expect_success 'fill: three submissions, ten rows' '
	printf "begin cds a LA\nanswer 1 accepted 202 c1\nbegin cds b LB\nanswer 4 rejected 400\nbegin cds c LC\nanswer 7 unknown 0\nnotify cds - LC cleared final\n" >script &&
	"$FILL" base.db script >/dev/null && echo "begin cds d LD" | "$FILL" base.db >/dev/null &&
	tdk journal --journal base.db list >/dev/null && tdk journal --journal base.db head >out &&
	test "$(cut -d" " -f1 out)" = 13
'
test_expect_success 'an untouched journal verifies: exit 0, the rows counted' '
	fresh && tdk journal --journal j.db verify >out 2>err && test_grep "j.db: 13 rows, the chain is intact" out && test ! -s err
'
# The canonical encoding as tdk-journal(1) documents it, written apart from tdk:
# `python3 enc.py DB` checks every row's hash; `python3 enc.py DB SEQ` sets
# row SEQ's state to accepted and recomputes its hash, as a forger would.
cat >enc.py <<\EOS
import hashlib, sqlite3, sys
cols = ["seq", "sub", "kind", "time", "endpoint", "profile", "sha256", "name", "lrn", "state",
        "conversation_id", "receipt_id", "message_id", "outcome", "http_status", "headers",
        "body_sha256", "body", "detail", "prev"]
def digest(row):
    enc = b"tdk-journal-1\n"
    for v in row:
        b = None if v is None else str(v).encode()
        enc += b"-," if b is None else str(len(b)).encode() + b":" + b + b","
    return hashlib.sha256(enc).hexdigest()
db = sqlite3.connect(sys.argv[1])
if len(sys.argv) == 3:
    db.execute("UPDATE rows SET state = 'accepted' WHERE seq = ?", (int(sys.argv[2]),))
    row = db.execute("SELECT " + ", ".join(cols) + " FROM rows WHERE seq = ?", (int(sys.argv[2]),)).fetchone()
    db.execute("UPDATE rows SET hash = ? WHERE seq = ?", (digest(row), int(sys.argv[2])))
    db.commit()
    sys.exit(0)
rows = list(db.execute("SELECT " + ", ".join(cols) + ", hash FROM rows ORDER BY seq"))
assert all(digest(r[:-1]) == r[-1] for r in rows)
print(len(rows))
EOS
test_expect_success 'the hashes follow the canonical encoding of tdk-journal(1)' '
	python3 enc.py base.db >out && echo 13 >want && test_cmp want out
'
test_expect_code 1 'a changed row is named' '
	fresh && sql j.db "UPDATE rows SET outcome = '\''accepted'\'' WHERE seq = 6" &&
	tdk journal --journal j.db verify >out 2>err; rc=$?
	test_grep "j.db: error: [JOURNAL-TAMPERED] row 6: changed: its content does not match its hash" err && test ! -s out || exit 99
	exit $rc
'
test_expect_code 1 'a changed row whose hash was recomputed: the next row does not follow' '
	fresh && sql j.db "UPDATE rows SET hash = '\''$(printf %064d 7)'\'' WHERE seq = 5" &&
	tdk journal --journal j.db verify 2>err; rc=$?
	test_grep "[JOURNAL-TAMPERED] row 5: changed" err || exit 99
	fresh && python3 enc.py j.db 9 &&
	tdk journal --journal j.db verify 2>err; rc=$?
	test_grep "[JOURNAL-TAMPERED] row 10: does not follow the row before it" err || exit 99
	exit $rc
'
test_expect_code 1 'a row removed from the middle' '
	fresh && sql j.db "DELETE FROM rows WHERE seq = 4" &&
	tdk journal --journal j.db verify 2>err; rc=$?
	test_grep "[JOURNAL-TAMPERED] row 4: missing" err || exit 99
	exit $rc
'
test_expect_code 1 'two rows swapped' '
	fresh && sql j.db "UPDATE rows SET seq = -1 WHERE seq = 8; UPDATE rows SET seq = 8 WHERE seq = 9; UPDATE rows SET seq = 9 WHERE seq = -1" &&
	tdk journal --journal j.db verify 2>err; rc=$?
	test_grep "[JOURNAL-TAMPERED] row 8:" err || exit 99
	exit $rc
'
test_expect_code 1 'a cut tail: the head file names a row that is gone' '
	fresh && sql j.db "DELETE FROM rows WHERE seq > 11" &&
	tdk journal --journal j.db verify 2>err; rc=$?
	test_grep "[JOURNAL-TAMPERED] row 13: missing: the journal was cut" err || exit 99
	exit $rc
'
test_expect_code 1 'a cut tail with the head file forged to match: a head kept elsewhere catches it' '
	fresh && tdk journal --journal j.db head >kept &&
	sql j.db "DELETE FROM rows WHERE seq > 11" &&
	tdk journal --journal j.db head >j.db.head && tdk journal --journal j.db verify >/dev/null &&
	tdk journal --journal j.db --head "$(cut -d" " -f2 kept)" verify 2>err1; a=$?
	test $a = 1 && test_grep "no row has the head'\''s hash" err1 || exit 99
	tdk journal --journal j.db --head "$(cat kept)" verify 2>err; rc=$?
	test_grep "[JOURNAL-TAMPERED] row 13: missing" err || exit 99
	exit $rc
'
test_expect_success 'an older head stays valid as the journal grows, as SEQ HASH or the hash alone' '
	fresh && tdk journal --journal j.db head >old &&
	printf "begin cds e LE\nanswer 14 accepted 202 c5\n" | "$FILL" j.db >/dev/null &&
	tdk journal --journal j.db --head "$(cat old)" verify >/dev/null &&
	tdk journal --journal j.db --head "$(cut -d" " -f2 old)" verify >/dev/null &&
	test "$(cut -d" " -f1 j.db.head)" = 16
'
test_expect_code 1 'a head whose row has another hash' '
	fresh && tdk journal --journal j.db --head "5 $(printf %064d 0)" verify 2>err; rc=$?
	test_grep "[JOURNAL-TAMPERED] row 5: does not match the head kept outside the journal" err || exit 99
	exit $rc
'
test_expect_success 'no head file: the chain alone, with a note' '
	fresh && rm j.db.head && tdk journal --journal j.db verify >out 2>err &&
	test_grep "[JOURNAL-NO-HEAD]" err && test_grep "13 rows" out
'
test_expect_code 2 'a head that is not one' '
	fresh && tdk journal --journal j.db --head "xyz" verify 2>err; rc=$?
	test_grep "[JOURNAL-HEAD]" err || exit 99
	exit $rc
'
test_done
