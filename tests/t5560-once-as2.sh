#!/bin/sh
# Exactly once over AS2, one submitter on a SQLite journal: a batch of 100
# EDIFACT interchanges sent by tdk submit (signed, encrypted, a signed MDN)
# to tdk serve's AS2 receiver; tdk submit killed with kill -9 while its
# body is read slowly, while the MDN is delayed (the message stored), with
# the answer's headers in hand but the MDN held back, after MDNs were lost
# (stored, the connection closed), and at random moments; re-run until the
# batch is done.  Then serve holds each document at most once, under the
# Message-ID of the journal; the messages whose MDN was lost are unknown
# and were never sent again by themselves; resent by a person (--resend)
# with the same Message-ID, serve replays the stored MDN and every document
# ends accepted, stored once.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"
. "$REPO/tests/pki.sh"
. "$REPO/tests/once-lib.sh"
. "$REPO/tests/once-as2-lib.sh"

TDK_JOURNAL=$TRASH/journal.db
export TDK_JOURNAL
once_as2_setup_or_skip
once_as2_loop 2 2
once_as2_checks
test_done
