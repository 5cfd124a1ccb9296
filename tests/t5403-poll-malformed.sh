#!/bin/sh
# tdk poll against a Pull Notifications API that serves malformed
# notifications (tests/peers/pull-malformed.py on 127.0.0.1): not XML, not
# well-formed, the wrong root, an unknown function code, over 1 MiB, a DTD
# with an entity (and one valid only as XML, not by the DMS schemas, which
# no catalog names here: it matches nothing and is kept unmatched).  Each is an error with its code, kept in the journal with
# what was wrong (as an unmatched row: nothing in it is believed, not even
# its LRN), never believed; the run goes on (the good one settles
# its submission by LRN) and exits 3; a second run fetches nothing again.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/poll-lib.sh"

poll_peer
poll_endpoint peer "$U"

TDK_JOURNAL=$TRASH/j.db
export TDK_ENDPOINTS TDK_JOURNAL
FILL=$REPO/$TDK_BUILD/tests/gen/journal-fill

test_expect_code 3 'six malformed notifications: each an error with its code, the run goes on, exit 3' '
	printf "begin peer g G201\nanswer peer/g unknown 0\n" | "$FILL" j.db >/dev/null &&
	tdk poll -e peer >out 2>err; rc=$?
	{ test "$(grep -c "\[POLL-MALFORMED\]" err)" -eq 6 &&
	test_grep "notification 0001-not-xml: error: [NOTIFY-NOT-XML]" err &&
	test_grep "notification 0002-not-wf: error: [NOTIFY-INVALID]" err &&
	test_grep "notification 0003-root: error: [NOTIFY-ROOT]" err &&
	test_grep "notification 0004-code: error: [NOTIFY-FUNCTION]" err &&
	test_grep "notification 0005-large: error: [NOTIFY-TOO-LARGE]" err &&
	test_grep "notification 0006-entity: error: [NOTIFY-INVALID]" err &&
	test_grep "g.xml: accepted, MRN 26GBGOOD00000001" out; } || exit 99
	exit $rc
'
test_expect_success 'each kept in the journal with what was wrong; none changed the outcome' '
	tdk journal export >rows &&
	test "$(grep "\"kind\":\"notify\"" rows | grep -c "\"outcome\":\"malformed\"")" -eq 6 &&
	grep "\"message_id\":\"0001-not-xml\"" rows | grep -q "\"detail\":\"malformed: not XML\"" &&
	test "$(grep "\"outcome\":\"malformed\"" rows | grep -c "\"state\":\"unmatched\"")" -eq 6 &&
	tdk journal list --format json | grep "\"lrn\":\"G201\"" | grep -q "\"state\":\"accepted\"" &&
	grep "\"message_id\":\"0005-large\"" rows | grep -q "\"body_sha256\":\"[0-9a-f]\{64\}\"" &&
	tdk journal verify >/dev/null
'
test_expect_success 'a second run: all on the pulled list are in the journal, nothing is fetched again' '
	tdk journal head >before && tdk poll -e peer >out 2>err && tdk journal head >after && test_cmp before after &&
	test ! -s err
'
test_done
