#!/bin/sh
# Exactly once, two submitters running the same batch at once on one SQLite
# journal: both killed with kill -9 when both have reached each named point
# of tdk serve's faults (waiting for a token, a body read slowly, the 202
# delayed, the 202 received but its body held back), and at random moments;
# re-run, both at once, until the batch is done; then the same checks as
# t5500: each document on the server at most once, nothing there that the
# journal does not know, the never-arrived ones resent exactly once.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"
. "$REPO/tests/once-lib.sh"

TDK_JOURNAL=$TRASH/journal.db
export TDK_JOURNAL
once_setup_or_skip
once_loop 2 2 3
once_checks
test_done
