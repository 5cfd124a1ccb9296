#!/bin/sh
# tdk poll on a PostgreSQL journal, as on SQLite (t5400, t5402): an unknown
# submission settled by its LRN, duplicates stored and recognised, a
# notification of a submission this journal does not hold kept unmatched,
# nothing fetched twice, and the chain verifies.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/poll-lib.sh"
. "$REPO/tests/pg-lib.sh"
trap 'serve_kill; pg_stop; rm -rf "$TRASH"' EXIT
pg_start_or_skip
pg_db polls >/dev/null || { echo "Bail out! no database"; exit 1; }
J=$(pg_url polls)

poll_serve --fault drop,duplicate || { echo "Bail out! tdk serve did not start"; exit 1; }
for l in C0501 G0502; do lrn $l; done

test_expect_code 4 'dropped after the body: unknown in the PostgreSQL journal; another sent to a file journal' '
	tdk submit -e local --journal "$J" C0501.xml >/dev/null 2>&1; rc=$?
	tdk journal --journal "$J" list --unknown >unk && test_grep C0501 unk || exit 99
	tdk submit -e local --journal other.db G0502.xml >/dev/null 2>&1
	exit $rc
'
test_expect_success 'settled by its LRN, duplicates stored, the other one kept unmatched' '
	tdk poll -e local --journal "$J" >out 2>err &&
	test_grep "C0501.xml: cleared, MRN" out && test_grep "[POLL-UNMATCHED]" err &&
	test "$(pg_sql polls "SELECT count(*) FROM rows WHERE kind = '"'"'notify'"'"'")" -eq 6 &&
	test "$(pg_sql polls "SELECT count(*) FROM rows WHERE state = '"'"'unmatched'"'"'")" -eq 2 &&
	! tdk journal --journal "$J" list --unknown | grep -q C0501
'
test_expect_success 'a second run fetches nothing again; the chain verifies' '
	tdk journal --journal "$J" head >before && tdk poll -e local --journal "$J" >out 2>err &&
	tdk journal --journal "$J" head >after && test_cmp before after &&
	tdk journal --journal "$J" verify >/dev/null
'
test_done
