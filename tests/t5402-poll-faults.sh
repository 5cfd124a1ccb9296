#!/bin/sh
# tdk poll against tdk serve's faults: duplicate notifications (stored,
# reported once); out of order (a final outcome is not overwritten by an
# earlier step that arrives after it); a notification fetched by another
# client before tdk stored it (as a kill between the GET and the journal's
# commit leaves it: pulled on the server, absent from the journal),
# recovered from the pulled list; one of a submission still being sent
# (left on the pulled list until its sender ends); a delay digit waited
# for with --wait, and --wait expiring (exit 4); a cached token the server
# no longer knows (renewed once), tokens always expired (exit 5); the
# server down (exit 4).
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/poll-lib.sh"

poll_serve --fault duplicate || { echo "Bail out! tdk serve did not start"; exit 1; }
TDK_JOURNAL=$TRASH/j.db
export TDK_JOURNAL
FILL=$REPO/$TDK_BUILD/tests/gen/journal-fill
for l in G0101 B0101 C0101 X0101 G0102 N1101 P0101; do lrn $l; done

test_expect_code 1 'duplicates: each stored, each outcome reported once, the rejection explained once' '
	tdk submit -e local G0101.xml B0101.xml >/dev/null &&
	tdk poll -e local >out 2>err; rc=$?
	{ test "$(notes G0101)" -eq 2 && test "$(notes B0101)" -eq 2 && test "$(wc -l <out)" -eq 2 &&
	test_grep "G0101.xml: accepted, MRN" out && test_grep "B0101.xml: rejected, MRN" out &&
	test "$(grep -c "\[CDS12056\]" err)" -eq 1 && test "$(state B0101)" = final; } || exit 99
	exit $rc
'
poll_restart --fault reorder || exit 1
test_expect_success 'out of order: the final outcome stands against the earlier steps that arrive after it' '
	tdk submit -e local C0101.xml X0101.xml >/dev/null && tdk poll -e local C0101 X0101 >out 2>err &&
	test_grep "C0101.xml: cleared, MRN" out && test_grep "X0101.xml: goods-exited, MRN" out &&
	test "$(notes C0101)" -eq 2 && test "$(notes X0101)" -eq 3 && test "$(state X0101)" = final
'
poll_restart || exit 1
test_expect_success 'fetched by another client before tdk stored it: recovered from the pulled list' '
	tdk submit -e local G0102.xml >sub && conv=$(sed -n "s/.*conversation \(.*\)$/\1/p" sub) &&
	TOKEN=$(token) && pull "$URL/notifications/conversationId/$conv/unpulled" >list &&
	id=$(sed -n "s/.*href=\"\/notifications\/unpulled\/\([0-9a-f-]*\)\".*/\1/p" list) && test -n "$id" &&
	pull "$URL/notifications/unpulled/$id" >/dev/null &&
	pull "$URL/notifications/unpulled" >list && ! test_grep "$id" list >/dev/null &&
	tdk poll -e local G0102 >out 2>err && test_grep "G0102.xml: accepted, MRN" out &&
	tdk journal export | grep -q "\"message_id\":\"$id\"" &&
	tdk journal head >before && tdk poll -e local G0102 >out 2>err && tdk journal head >after && test_cmp before after
'
test_expect_success 'a notification of a submission still being sent waits on the pulled list, then settles it' '
	lrn G0601 && TOKEN=$(token) && cds_post /customs/declarations G0601.xml -o /dev/null &&
	{ printf "begin local held G0601\nhold 20\n" | "$FILL" j.db >hold.out & } && holder=$! && i=0 &&
	while ! grep -q holding hold.out && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done &&
	{ tdk poll -e local G0601 >out 2>err; test $? -eq 4; } && test_grep "[POLL-DEFERRED]" err &&
	test_grep "held.xml: sending: not sent" out && kill $holder && { wait $holder; true; } &&
	tdk poll -e local G0601 >out 2>err && test_grep "held.xml: accepted, MRN" out
'
test_expect_success 'a delay digit waited for: released a second later, exit 0' '
	tdk submit -e local N1101.xml >/dev/null && tdk poll -e local --wait 20 N1101 >out 2>err &&
	test_grep "N1101.xml: released, MRN" out && test "$(state N1101)" = final
'
test_expect_code 4 '--wait expires on a submission that gets no final outcome: exit 4' '
	tdk submit -e local P0101.xml >/dev/null && start=$(date +%s) &&
	tdk poll -e local -w 2 P0101 >out 2>err; rc=$?
	{ test_grep "[POLL-WAIT-EXPIRED]" err && test_grep "P0101.xml: accepted (not final)" out &&
	test $(($(date +%s) - start)) -lt 6; } || exit 99
	exit $rc
'
test_expect_success 'a cached token the server no longer knows: renewed once' '
	serve_stop && rm -f "$TRASH"/serve.db* && serve_start --listen "127.0.0.1:$PORT" --catalog "$TRASH/cat.xml" \
		--access-log "$TRASH/access.log" && : >access.log && tdk poll -e local G0101 >out 2>err &&
	test_grep "G0101.xml: accepted, MRN" out &&
	test "$(grep "\"path\":\"/notifications/pulled\"" access.log | grep -c "\"status\":401")" -eq 1
'
test_expect_code 5 'tokens always expired: 401 after one renewal, exit 5' '
	serve_stop && rm -f "$TRASH"/serve.db* && serve_start --listen "127.0.0.1:$PORT" --fault expired-token &&
	tdk poll -e local >out 2>err; rc=$?
	test_grep "[PULL-UNAUTHORIZED]" err || exit 99
	exit $rc
'
serve_stop
test_expect_code 4 'the server down: exit 4' '
	tdk poll -e local >out 2>err; rc=$?
	test_grep "[HTTP-CONNECT]" err || exit 99
	exit $rc
'
test_expect_success 'the journal verifies after all of it' '
	tdk journal verify >/dev/null
'
test_done
