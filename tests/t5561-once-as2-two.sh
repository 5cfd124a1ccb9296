#!/bin/sh
# Exactly once over AS2 with two submitters at once on one SQLite journal:
# the loop of t5560 (kill -9 at as2:slow-read, slow, stall, drop and at
# random moments, then re-runs until the batch is done), each round killing
# both; then serve holds each document at most once under the journal's
# Message-ID, the messages whose MDN was lost are unknown and were never
# sent again by themselves, and --resend settles them through the replay.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"
. "$REPO/tests/pki.sh"
. "$REPO/tests/once-lib.sh"
. "$REPO/tests/once-as2-lib.sh"

TDK_JOURNAL=$TRASH/journal.db ONCE_AS2_NSUB=2
export TDK_JOURNAL
once_as2_setup_or_skip
once_as2_loop 1 2
once_as2_checks
test_done
