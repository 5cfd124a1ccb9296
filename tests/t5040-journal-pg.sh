#!/bin/sh
# The PostgreSQL journal (--journal postgresql://...) on a throwaway cluster
# of Debian's postgresql: list, show, export, head and verify as on SQLite
# (t5000, t5001), the head file in the state folder, a row's hash the same
# on either backend (the export loaded into an SQLite journal verifies),
# and each tampering made with psql named by verify.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/pg-lib.sh"
pg_start_or_skip
pg_db base >/dev/null
J=$(pg_url base)
sha() { printf %s "$1" | sha256sum | cut -d" " -f1; }
# A fresh copy of the filled journal as database j (and its head file), for each tampering.
fresh() {
	pg_sql postgres "DROP DATABASE IF EXISTS j" && pg_sql postgres "CREATE DATABASE j TEMPLATE base" &&
	cp state/tdk/journal-pg-*.head "$TRASH/base.head" 2>/dev/null; :
}

test_expect_success 'fill: four submissions in every state, one settled by LRN' '
	"$FILL" "$J" "$DATA/journal/four.script" >out &&
	printf "mine 1\nmine 4\nmine 7\nmine 10\nsettled 7\nheld 1 accepted\n" >want && test_cmp want out
'
test_expect_success 'list: the submissions in order; the send left by fill (ended, this host) is unknown' '
	tdk journal --journal "$J" list >out &&
	cut -f1-5 out >got && printf "1\tcds\taccepted\taccepted\tLRN1\n4\tcds\trejected\trejected\tLRN2\n7\tcds\tfinal\tcleared\tLRN3\n10\tother\tunknown\t-\tLRN1\n" >want &&
	test_cmp want got
'
test_expect_success 'list --format json, --endpoint, --unknown; $TDK_JOURNAL names a URL too' '
	tdk journal --journal "$J" --format json list >out && test $(wc -l <out) -eq 4 &&
	head -1 out | grep -q "\"sha256\":\"$(sha doc1)\",.*\"conversation_id\":\"conv-1\"" &&
	tdk journal --journal "$J" -e other list | cut -f1 >got && echo 10 >want && test_cmp want got &&
	TDK_JOURNAL=$J tdk journal --unknown list | cut -f1 >got && test_cmp want got
'
test_expect_success 'show by id and by SHA-256: the submission and each event' '
	tdk journal --journal "$J" show 7 >a && tdk journal --journal "$J" show "$(sha doc3)" >b && test_cmp a b &&
	sed -n "/^events:/,\$p" a | cut -f3,4 >got &&
	printf "events:\nbegin\tqueued\nsend\tsending\nanswer\tunknown\nnotify\tfinal\n" >want && test_cmp want got
'
test_expect_success 'head: the last row, the same as the head file in $XDG_STATE_HOME/tdk' '
	tdk journal --journal "$J" head >out && test "$(cut -d" " -f1 out)" = 13 &&
	test $(ls state/tdk/journal-pg-*.head | wc -l) = 1 && test_cmp state/tdk/journal-pg-*.head out &&
	tdk journal --journal "$J" verify >out && test_grep "13 rows, the chain is intact" out
'
test_expect_success 'a row hashes the same on either backend: the export loaded into SQLite verifies there' '
	tdk journal --journal "$J" export >rows.json && test $(wc -l <rows.json) -eq 13 &&
	echo "begin cds seed" | "$FILL" copy.db >/dev/null &&
	python3 -c "
import json, sqlite3
cols = [\"seq\", \"submission\", \"kind\", \"time\", \"endpoint\", \"profile\", \"sha256\", \"name\", \"lrn\", \"state\",
        \"conversation_id\", \"receipt_id\", \"message_id\", \"outcome\", \"http_status\", \"headers\",
        \"body_sha256\", \"body\", \"detail\", \"prev\", \"hash\"]
db = sqlite3.connect(\"copy.db\")
db.execute(\"DELETE FROM rows\"); db.execute(\"DELETE FROM claims\")
for l in open(\"rows.json\"):
    r = json.loads(l)
    db.execute(\"INSERT INTO rows VALUES(\" + \",\".join(\"?\" * 21) + \")\", [r[c] for c in cols])
db.commit()
" &&
	tdk journal --journal copy.db --head "$(tdk journal --journal "$J" head)" verify >out &&
	test_grep "13 rows, the chain is intact" out &&
	tdk journal --journal copy.db export >back.json && test_cmp rows.json back.json
'
test_expect_code 1 'a row changed with psql is named' '
	fresh && pg_sql j "UPDATE rows SET outcome = '\''accepted'\'' WHERE seq = 6" &&
	tdk journal --journal "$(pg_url j)" --head "$(cat base.head)" verify >out 2>err; rc=$?
	test_grep "[JOURNAL-TAMPERED] row 6: changed: its content does not match its hash" err && test ! -s out || exit 99
	exit $rc
'
test_expect_code 1 'a row removed from the middle' '
	fresh && pg_sql j "DELETE FROM rows WHERE seq = 4" &&
	tdk journal --journal "$(pg_url j)" --head "$(cat base.head)" verify 2>err; rc=$?
	test_grep "[JOURNAL-TAMPERED] row 4: missing" err || exit 99
	exit $rc
'
test_expect_code 1 'two rows swapped' '
	fresh && pg_sql j "UPDATE rows SET seq = -1 WHERE seq = 8; UPDATE rows SET seq = 8 WHERE seq = 9; UPDATE rows SET seq = 9 WHERE seq = -1" &&
	tdk journal --journal "$(pg_url j)" --head "$(cat base.head)" verify 2>err; rc=$?
	test_grep "[JOURNAL-TAMPERED] row 8:" err || exit 99
	exit $rc
'
test_expect_code 1 'a cut tail: caught against the head kept outside the database' '
	fresh && pg_sql j "DELETE FROM rows WHERE seq > 10" &&
	tdk journal --journal "$(pg_url j)" verify >out 2>err && test_grep "[JOURNAL-NO-HEAD]" err &&
	tdk journal --journal "$(pg_url j)" --head "$(cat base.head)" verify 2>err; rc=$?
	test_grep "[JOURNAL-TAMPERED] row 13: missing: the journal was cut" err || exit 99
	exit $rc
'
test_expect_code 1 'the head file of the database itself catches a cut tail' '
	pg_sql base "DELETE FROM rows WHERE seq > 11" &&
	tdk journal --journal "$J" verify 2>err; rc=$?
	test_grep "[JOURNAL-TAMPERED] row 13: missing" err || exit 99
	exit $rc
'
test_expect_code 3 'a database that is not a journal: JOURNAL-CORRUPT; an empty one read: JOURNAL-OPEN' '
	pg_db other >/dev/null && pg_sql other "CREATE TABLE meta(key TEXT, value TEXT)" &&
	tdk journal --journal "$(pg_url other)" list 2>err; a=$?
	test $a = 3 && test_grep "[JOURNAL-CORRUPT]" err || exit 99
	pg_db empty >/dev/null && tdk journal --journal "$(pg_url empty)" verify 2>err; rc=$?
	test_grep "[JOURNAL-OPEN] the journal is empty" err && test -z "$(pg_sql empty "SELECT to_regclass('\''rows'\'')")" || exit 99
	exit $rc
'
test_expect_success 'a password in the URL: a warning, and no message shows it' '
	tdk journal --journal "postgresql://tdk:s3cret-pw@/base?host=$PGD" head >out 2>err &&
	test_grep "[JOURNAL-PASSWORD]" err && ! grep -q s3cret-pw err &&
	tdk journal --journal "postgresql://tdk@/nope?host=$PGD&password=s3cret-pw" list 2>err; test $? = 3 &&
	test_grep "[JOURNAL-OPEN]" err && ! grep -q s3cret-pw err
'
test_done
