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
if ! once_setup; then
	test_skip 'the exactly-once loop' "$ONCE_SKIP"
	test_done
fi
echo "# random moments from seed $ONCE_SEED (ONCE_SEED=$ONCE_SEED repeats them)"
test_expect_success 'kill -9 at random moments (3 rounds)' 'once_rounds random 1 3'
test_expect_success 'kill -9 while it waits for its token: nothing sent, one unknown (3 rounds)' 'once_rounds token 1 3'
test_expect_success 'kill -9 while its body is read slowly: one unknown (3 rounds)' 'once_rounds slow-read 1 3'
test_expect_success 'kill -9 at random moments (3 rounds)' 'once_rounds random 1 3'
test_expect_success 'kill -9 while the 202 is delayed, the declaration stored: one unknown (3 rounds)' 'once_rounds slow 1 3'
test_expect_success 'kill -9 with the 202 and its conversation id received, before the journal write (3 rounds)' \
	'once_rounds stall 1 3'
test_expect_success 'kill -9 at random moments (3 rounds)' 'once_rounds random 1 3'
test_expect_success 're-run without faults until the batch is done' 'once_finish 1'
once_checks 1
test_done
