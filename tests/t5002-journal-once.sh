#!/bin/sh
# Once and only once, through lib/net/journal.h (tests/gen/journal-fill):
# two processes racing to begin one document on one journal, again and
# again, and exactly one wins; a document held in any state but queued is
# not begun again, on the same endpoint; a requeued one is; the explicit
# resend is journaled; notifications settle an unknown by LRN and by
# conversation id; an unmatched notification writes nothing.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/journal-lib.sh"

FILL=$REPO/$TDK_BUILD/tests/gen/journal-fill

test_expect_success 'two processes begin the same document 25 times: exactly one sends, the other finds it held' '
	race race.db 25 || exit 1
	tdk journal --journal race.db list | cut -f3 | sort | uniq -c >n && echo "     25 accepted" >want && test_cmp want n &&
	tdk journal --journal race.db verify >/dev/null
'
test_expect_success 'a document held is not begun again; on another endpoint it is its own submission' '
	printf "begin cds x LX\nanswer 1 accepted 202 cx\nbegin cds x LX\nbegin other x LX\n" | "$FILL" once.db >out &&
	printf "mine 1\nheld 1 accepted\nmine 4\n" >want && test_cmp want out
'
test_expect_success 'a rejected and an unknown document are held too: only a person resends' '
	printf "begin cds r LR\nanswer cds/r rejected 400\nbegin cds r LR\nbegin cds u LU\nanswer cds/u unknown 0\nbegin cds u LU\n" |
		"$FILL" once.db | cut -d" " -f1,3 >out &&
	printf "mine\nheld rejected\nmine\nheld unknown\n" >want && test_cmp want out
'
test_expect_success 'requeued (it never arrived): begun again, the same submission' '
	printf "begin cds q LQ\nrequeue cds/q\nbegin cds q LQ\nanswer cds/q accepted 202 cq\n" | "$FILL" once.db >out &&
	test "$(sed -n 1p out)" = "$(sed -n 2p out)" &&
	tdk journal --journal once.db show "$(cut -d" " -f2 out | head -1)" | sed -n "/^events:/,\$p" | cut -f3,4 >got &&
	printf "events:\nbegin\tqueued\nsend\tsending\nrequeue\tqueued\nsend\tsending\nanswer\taccepted\n" >want && test_cmp want got
'
test_expect_success 'the explicit resend is journaled with its reason, and the answer after it counts' '
	printf "resend cds/u\nanswer cds/u accepted 202 cu\n" | "$FILL" once.db &&
	tdk journal --journal once.db --format json list | grep "\"lrn\":\"LU\"" >row &&
	grep -q "\"state\":\"accepted\",\"conversation_id\":\"cu\"" row &&
	tdk journal --journal once.db show "$(printf %s u | sha256sum | cut -d" " -f1)" >out &&
	grep -q "resend	sending	.*(resent: a person decided)" out
'
test_expect_code 2 'another process cannot answer a send it did not begin: JOURNAL-STATE' '
	printf "begin cds o LO\nhold 30\n" | "$FILL" once.db >hold 2>&1 & holder=$!
	n=0; while ! grep -q holding hold && [ $n -lt 100 ]; do n=$((n + 1)); sleep 0.05; done
	echo "answer cds/o accepted 202 co" | "$FILL" once.db 2>err; rc=$?
	kill -9 $holder; wait $holder 2>/dev/null
	test_grep "is being sent by another process" err || exit 99
	exit $rc
'
test_expect_code 2 'resending a document that is being sent is refused: JOURNAL-STATE' '
	printf "begin cds s LS\nresend cds/s\nanswer cds/s accepted 202 cs\n" | "$FILL" once.db >out 2>err; rc=$?
	test_grep "mine" out && test_grep "[JOURNAL-STATE] submission" err && test_grep "is sending, not finished" err || exit 99
	exit $rc
'
test_expect_success 'notifications: an unknown settled by LRN, an accepted one by conversation id' '
	printf "begin cds n1 LN1\nanswer cds/n1 unknown 0\nbegin cds n2 LN2\nanswer cds/n2 accepted 202 conv-n2\n" |
		"$FILL" notes.db >/dev/null &&
	printf "notify cds - LN1 accepted\nnotify cds conv-n2 - cleared final\n" | "$FILL" notes.db >out &&
	printf "settled 1\nsettled 4\n" >want && test_cmp want out &&
	tdk journal --journal notes.db --format json list >out &&
	grep -q "\"lrn\":\"LN1\",\"state\":\"accepted\",.*\"outcome\":\"accepted\"" out &&
	grep -q "\"lrn\":\"LN2\",\"state\":\"final\",\"conversation_id\":\"conv-n2\",.*\"outcome\":\"cleared\"" out
'
test_expect_success 'a notification that matches nothing writes nothing' '
	tdk journal --journal notes.db head >before &&
	printf "notify cds nope LNOPE cleared final\nnotify other conv-n2 - cleared\n" | "$FILL" notes.db >out &&
	printf "unmatched\nunmatched\n" >want && test_cmp want out &&
	tdk journal --journal notes.db head >after && test_cmp before after
'
test_expect_success 'the journals verify after all of it' '
	tdk journal --journal once.db verify >/dev/null && tdk journal --journal notes.db verify >/dev/null
'
test_done
