#!/bin/sh
# tdk journal list, show, export and head on a journal filled through
# lib/net/journal.h by tests/gen/journal-fill (until tdk submit writes it):
# the keys of --format json, the filters, a submission by id and by SHA-256,
# every row with its hashes, the default path and its modes, usage errors.
. "$(dirname "$0")/lib.sh"

FILL=$REPO/$TDK_BUILD/tests/gen/journal-fill
J=$TRASH/j.db
sha() { printf %s "$1" | sha256sum | cut -d" " -f1; }

test_expect_success 'fill: four submissions in every state, one settled by LRN' '
	"$FILL" "$J" "$DATA/journal/four.script" >out &&
	printf "mine 1\nmine 4\nmine 7\nmine 10\nsettled 7\nheld 1 accepted\n" >want && test_cmp want out
'
test_expect_success 'list: one line per submission in the order they began; the send left by fill (ended) is unknown' '
	tdk journal --journal "$J" list >out &&
	cut -f1-5 out >got && printf "1\tcds\taccepted\taccepted\tLRN1\n4\tcds\trejected\trejected\tLRN2\n7\tcds\tfinal\tcleared\tLRN3\n10\tother\tunknown\t-\tLRN1\n" >want &&
	test_cmp want got
'
test_expect_success 'list --format json: one object per submission with the keys the issue names' '
	tdk journal --journal "$J" --format json list >out && test $(wc -l <out) -eq 4 &&
	python3 -c "
import json, sys
rows = [json.loads(l) for l in open(\"out\")]
for r in rows:
    for k in (\"endpoint\", \"sha256\", \"lrn\", \"state\", \"conversation_id\", \"outcome\"):
        assert k in r, k
assert rows[0][\"conversation_id\"] == \"conv-1\" and rows[0][\"sha256\"] == \"$(sha doc1)\"
assert rows[2][\"state\"] == \"final\" and rows[2][\"outcome\"] == \"cleared\"
assert rows[3][\"endpoint\"] == \"other\" and rows[3][\"state\"] == \"unknown\"
"
'
test_expect_success 'list --endpoint, list --unknown' '
	tdk journal --journal "$J" -e other list | cut -f1 >got && echo 10 >want && test_cmp want got &&
	printf "begin cds doc4 LRN4\nanswer 14 unknown 0\n" | "$FILL" "$J" >out && test_grep "mine 14" out &&
	tdk journal --journal "$J" --unknown list | cut -f1,3 >got && printf "10\tunknown\n14\tunknown\n" >want &&
	test_cmp want got &&
	tdk journal --journal "$J" --unknown -e cds list | cut -f1 >got && echo 14 >want && test_cmp want got
'
test_expect_success 'show by id and by SHA-256: the submission and each event' '
	tdk journal --journal "$J" show 7 >a && tdk journal --journal "$J" show "$(sha doc3)" >b && test_cmp a b &&
	grep -q "^state final\$" a && grep -q "^outcome cleared\$" a &&
	sed -n "/^events:/,\$p" a | cut -f3,4 >got &&
	printf "events:\nbegin\tqueued\nsend\tsending\nanswer\tunknown\nnotify\tfinal\n" >want && test_cmp want got
'
test_expect_success 'show --format json: the submission, then its rows' '
	tdk journal --journal "$J" --format json show 1 >out && test $(wc -l <out) -eq 4 &&
	head -1 out | grep -q "\"conversation_id\":\"conv-1\"" &&
	sed -n 4p out | grep -q "\"kind\":\"answer\",.*\"http_status\":202"
'
test_expect_code 1 'show: a submission that is not there' '
	tdk journal --journal "$J" show 999 2>err; rc=$?
	test_grep "no submission '\''999'\'' in the journal" err || exit 99
	exit $rc
'
test_expect_success 'export: every row in order with prev and hash, each prev the hash before' '
	tdk journal --journal "$J" export >out && test $(wc -l <out) -eq 16 &&
	python3 -c "
import json
prev = \"0\" * 64
for i, l in enumerate(open(\"out\"), 1):
    r = json.loads(l)
    assert r[\"seq\"] == i and r[\"prev\"] == prev and len(r[\"hash\"]) == 64
    prev = r[\"hash\"]
"
'
test_expect_success 'an answer keeps the body and its SHA-256' '
	tdk journal --journal "$J" export | sed -n 3p >row &&
	test_grep "\"body\":\"status 202\"" row && test_grep "\"body_sha256\":\"$(sha "status 202")\"" row
'
test_expect_success 'head: the last row and its hash, the same as the head file' '
	tdk journal --journal "$J" head >out && test_cmp "$J.head" out &&
	test "$(cut -d" " -f2 out)" = "$(tdk journal --journal "$J" export | tail -1 | sed "s/.*\"hash\":\"\([0-9a-f]*\)\".*/\1/")"
'
test_expect_success 'the default journal: $XDG_STATE_HOME/tdk/journal.db, 0600 in a 0700 folder; $TDK_JOURNAL' '
	XDG_STATE_HOME=$TRASH/state tdk journal list >out && test ! -s out &&
	test "$(stat -c %a state/tdk)" = 700 && test "$(stat -c %a state/tdk/journal.db)" = 600 &&
	TDK_JOURNAL=$J tdk journal list | cut -f1 | head -1 >got && echo 1 >want && test_cmp want got &&
	HOME=$TRASH/home XDG_STATE_HOME= tdk journal list && test -f home/.local/state/tdk/journal.db
'
test_expect_code 2 'usage: no action, an unknown one, show without an id' '
	tdk journal 2>err1; a=$?; tdk journal lsit 2>err2; b=$?; tdk journal --journal "$J" show 2>err3; c=$?
	test $a = 2 && test $b = 2 && test_grep "did you mean '\''list'\''" err2 &&
	test_grep "show takes one id" err3 || exit 99
	exit $c
'
test_expect_code 3 'a PostgreSQL journal that cannot be reached: JOURNAL-OPEN, the password left out of messages' '
	tdk journal --journal "postgresql://u:pw-in-url@/tdk?host=$TRASH/none" list 2>err; rc=$?
	test_grep "postgresql://u@/tdk?host=$TRASH/none: error: [JOURNAL-OPEN] cannot open the journal" err &&
	test_grep "[JOURNAL-PASSWORD]" err && ! grep -q pw-in-url err || exit 99
	exit $rc
'
test_done
