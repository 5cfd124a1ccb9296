#!/bin/sh
# tdk poll against tdk serve: the outcome the LRN's first letter chooses
# (G accepted with its MRN, B rejected with its pointer named through the
# WCO dictionary and found in the declaration, C cleared, D documents
# required), each notification stored in the journal before it is
# reported; an unknown submission (the connection dropped after the body)
# settled by its LRN; a submission that never arrived stays unknown (exit 4)
# and is listed by tdk journal list --unknown; operands that name
# submissions, and one that names none.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/poll-lib.sh"

poll_serve || { echo "Bail out! tdk serve did not start"; exit 1; }
TDK_JOURNAL=$TRASH/j.db
export TDK_JOURNAL
FILL=$REPO/$TDK_BUILD/tests/gen/journal-fill
for l in G001 B001 C001 D001 G002 G003; do lrn $l; done

test_expect_success 'G, B, C, D submitted: accepted' '
	tdk submit -e local G001.xml B001.xml C001.xml D001.xml >out 2>err &&
	test "$(grep -c ": accepted, conversation" out)" -eq 4
'
test_expect_code 1 'each outcome, stored before it is reported; a rejection is exit 1' '
	tdk poll -e local >out 2>err; rc=$?
	{ grep -q "^G001.xml: accepted, MRN [0-9][0-9]GB[0-9A-Z]\{14\}$" out &&
	test_grep "C001.xml: cleared, MRN" out && test_grep "D001.xml: documents-required, MRN" out &&
	test_grep "B001.xml: rejected, MRN" out &&
	test "$(state C001)" = final && test "$(state B001)" = final && test "$(state D001)" = accepted; } || exit 99
	exit $rc
'
test_expect_success 'the rejection names each pointer through the dictionary, in the declaration sent' '
	grep "^B001.xml:1:[0-9]*: error: \[CDS12056\] pointer 42A/67A/D026 names " err &&
	test "$(grep -c "\[CDS12056\]" err)" -eq 1
'
test_expect_success 'the journal holds every notification, as notify rows with their ids' '
	tdk journal export >rows && test "$(grep -c "\"kind\":\"notify\"" rows)" -eq 6 &&
	grep "\"kind\":\"notify\"" rows | grep -q "\"message_id\":\"[0-9a-f-]\{36\}\"" &&
	tdk journal verify >/dev/null
'
test_expect_success 'a second poll finds nothing new and reports the same outcomes' '
	tdk journal head >before && tdk poll -e local C001 >out 2>err && tdk journal head >after &&
	test_cmp before after && test_grep "C001.xml: cleared" out && test "$(wc -l <out)" -eq 1
'
test_expect_success 'operands: the file, its SHA-256, the journal id, the LRN' '
	sha=$(sha256sum G001.xml | cut -d" " -f1) && id=$(tdk journal list --format json |
		grep "\"lrn\":\"G001\"" | sed -n "s/^{\"id\":\([0-9]*\),.*/\1/p") &&
	tdk poll -e local G001.xml "$sha" "$id" G001 >out 2>err && test "$(wc -l <out)" -eq 1 &&
	test_grep "G001.xml: accepted, MRN" out
'
test_expect_success 'completion offers the endpoints after -e' '
	tdk --complete poll -e >out && echo local >want && test_cmp want out
'
test_expect_code 2 'an operand that names no submission: POLL-NO-SUBMISSION, exit 2' '
	tdk poll -e local NOPE >out 2>err; rc=$?
	test_grep "[POLL-NO-SUBMISSION]" err || exit 99
	exit $rc
'
poll_restart --fault drop || exit 1
test_expect_code 4 'a connection dropped after the body: unknown' '
	tdk submit -e local G002.xml >out 2>err; rc=$?
	test "$(state G002)" = unknown || exit 99
	exit $rc
'
poll_restart || exit 1
test_expect_code 4 'the unknown that arrived is settled by its LRN; one that never arrived stays unknown, exit 4' '
	printf "begin local never G003\nanswer local/never unknown 0\n" | "$FILL" j.db >/dev/null &&
	test "$(state G003)" = unknown || exit 99
	tdk poll -e local >out 2>err; rc=$?
	{ test_grep "G002.xml: accepted, MRN" out && test "$(state G002)" = accepted &&
	test_grep "never.xml: unknown: no notification names it yet" out && test "$(state G003)" = unknown &&
	tdk journal list --unknown >unk && test_grep G003 unk && ! grep -q G002 unk; } || exit 99
	exit $rc
'
test_expect_success 'the settled unknown has the conversation id the notification came with' '
	tdk journal list --format json | grep "\"lrn\":\"G002\"" | grep -q "\"conversation_id\":\"[0-9a-f-]\{36\}\""
'
test_done
