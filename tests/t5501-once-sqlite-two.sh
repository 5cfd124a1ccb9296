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
if ! once_setup; then
	test_skip 'the exactly-once loop' "$ONCE_SKIP"
	test_done
fi
echo "# random moments from seed $ONCE_SEED (ONCE_SEED=$ONCE_SEED repeats them)"
test_expect_success 'two submitters killed at random moments (3 rounds)' 'once_rounds random 2 3'
test_expect_success 'both killed while they wait for their tokens: nothing sent, two unknowns (2 rounds)' \
	'once_rounds token 2 2'
test_expect_success 'both killed while their bodies are read slowly: two unknowns (2 rounds)' 'once_rounds slow-read 2 2'
test_expect_success 'two submitters killed at random moments (3 rounds)' 'once_rounds random 2 3'
test_expect_success 'both killed while their 202s are delayed: two unknowns (2 rounds)' 'once_rounds slow 2 2'
test_expect_success 'both killed holding a 202 and its conversation id, before the journal write (2 rounds)' \
	'once_rounds stall 2 2'
test_expect_success 'two submitters killed at random moments (3 rounds)' 'once_rounds random 2 3'
test_expect_success 're-run, two at once, without faults until the batch is done' 'once_finish 2'
once_checks 2
test_done
