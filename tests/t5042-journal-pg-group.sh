#!/bin/sh
# The group commit on a PostgreSQL journal (a throwaway cluster,
# tests/pg-lib.sh): six threads of one process share one handle, each
# beginning and answering its own documents, then all beginning the same
# ones at once: exactly one MINE each time, a failing step refused to its
# own caller only, and the chain verifies (tests/unit/t-journal.c, its
# threads part, given the journal's URL).
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/pg-lib.sh"
pg_start_or_skip
pg_db grp >/dev/null || { echo "Bail out! cannot make the database"; exit 1; }
UNIT=$REPO/$TDK_BUILD/tests/unit/t-journal

test_expect_success 'six threads on one PostgreSQL journal handle: grouped, exactly one MINE, the chain verifies' '
	"$UNIT" "$(pg_url grp)" >out 2>err || { cat out err; exit 1; }
	! grep "^not ok" out && grep -q "^1\.\.12$" out &&
	test "$(pg_sql grp "SELECT count(*) FROM claims")" -eq 84 &&
	tdk journal --journal "$(pg_url grp)" verify >/dev/null
'
test_done
