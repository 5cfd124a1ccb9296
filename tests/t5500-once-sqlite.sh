#!/bin/sh
# Exactly once, one submitter on a SQLite journal: a batch of 200
# declarations to tdk serve, tdk submit killed with kill -9 while it waits
# for its token, while its body is read slowly, while the 202 is delayed
# (its declaration stored), with the 202 and its conversation id received
# but the body held back (before the journal write), and at random moments;
# re-run until the batch is done; then the server holds each document at
# most once and nothing the journal does not know, the unknowns are settled
# or listed, and the ones that never arrived, resent, arrive exactly once.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"
. "$REPO/tests/once-lib.sh"

TDK_JOURNAL=$TRASH/journal.db
export TDK_JOURNAL
once_setup_or_skip
once_loop 1 3 3
once_checks
test_done
