#!/bin/sh
# Exactly once, two submitters running the same batch at once on one
# PostgreSQL journal (a throwaway cluster, tests/pg-lib.sh): both killed
# with kill -9 at each named point of tdk serve's faults and at random
# moments, re-run until the batch is done; the same checks as t5500.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"
. "$REPO/tests/pg-lib.sh"
. "$REPO/tests/once-lib.sh"

pg_start_or_skip
pg_db once >/dev/null || { echo "Bail out! cannot make the database"; exit 1; }
TDK_JOURNAL=$(pg_url once)
export TDK_JOURNAL
once_setup_or_skip
once_loop 2 2 2
once_checks
test_expect_success 'the claims in PostgreSQL: one per document' '
	test "$(pg_sql once "SELECT count(*) FROM claims")" -eq "$ONCE_N"
'
test_done
