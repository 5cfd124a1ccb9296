#!/bin/sh
# Exactly once over AS4, one submitter on a SQLite journal: a batch of 100
# small declarations sent by tdk submit (profile as4: signed, encrypted and
# compressed) to tdk serve's AS4 receiver; tdk submit killed with kill -9
# while its body is read slowly, while the Receipt is delayed (the message
# stored), with the answer's headers in hand but the Receipt held back,
# after Receipts were lost (stored, the connection closed), and at random
# moments; re-run until the batch is done.  The AS4 profile's reception
# awareness sends an unknown outcome again with the same MessageId and the
# receiver's duplicate elimination answers it with the stored Receipt: serve
# holds each document once, under the MessageId of the journal's begin row,
# and every document ends accepted with that Receipt in the journal.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"
. "$REPO/tests/pki.sh"
. "$REPO/tests/once-lib.sh"
. "$REPO/tests/once-as4-lib.sh"

TDK_JOURNAL=$TRASH/journal.db
export TDK_JOURNAL
once_as4_setup_or_skip
once_as4_loop 2 2
once_as4_checks
test_done
