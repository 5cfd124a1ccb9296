#!/bin/sh
# Once and only once on a PostgreSQL journal shared by several processes (as
# by several hosts): two processes racing to begin one document, 25 times,
# and exactly one wins; held, requeued and resent documents as on SQLite
# (t5002); and recovery: a send left by a process that ended on another host
# is not recorded as unknown from here, but is on that host (a host of
# another name is a UTS namespace, made with unshare when we may).
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/journal-lib.sh"
. "$REPO/tests/pg-lib.sh"
pg_start_or_skip
pg_db race >/dev/null && pg_db once >/dev/null && pg_db hosts >/dev/null

test_expect_success 'two processes begin the same document 25 times: exactly one sends, the other finds it held' '
	R=$(pg_url race) && race "$R" 25 || exit 1
	tdk journal --journal "$R" list | cut -f3 | sort | uniq -c >n && echo "     25 accepted" >want && test_cmp want n &&
	test "$(pg_sql race "SELECT count(*) FROM claims")" = 25 &&
	tdk journal --journal "$R" verify >/dev/null
'
test_expect_success 'the claim is unique in the database itself: a second claim is refused' '
	! pg_sql race "INSERT INTO claims SELECT endpoint, sha256, sub + 1 FROM claims LIMIT 1" 2>err &&
	test_grep "duplicate key value violates unique constraint" err
'
test_expect_success 'held in any state but queued; requeued is begun again; the explicit resend is journaled' '
	O=$(pg_url once) &&
	printf "begin cds x LX\nanswer 1 accepted 202 cx\nbegin cds x LX\nbegin other x LX\n" | "$FILL" "$O" >out &&
	printf "mine 1\nheld 1 accepted\nmine 4\n" >want && test_cmp want out &&
	printf "begin cds u LU\nanswer cds/u unknown 0\nbegin cds u LU\nbegin cds q LQ\nrequeue cds/q\nbegin cds q LQ\n" |
		"$FILL" "$O" | cut -d" " -f1,3 >out &&
	printf "mine\nheld unknown\nmine\nmine\n" >want && test_cmp want out &&
	printf "resend cds/u\nanswer cds/u accepted 202 cu\n" | "$FILL" "$O" &&
	tdk journal --journal "$O" show "$(printf %s u | sha256sum | cut -d" " -f1)" >out &&
	grep -q "resend	sending	.*(resent: a person decided)" out && tdk journal --journal "$O" verify >/dev/null
'
test_expect_success 'notifications settle an unknown by LRN' '
	printf "notify cds - LX cleared final\n" | "$FILL" "$(pg_url once)" >out && test_grep "settled 1" out
'
# journal-fill run as host NAME: a UTS namespace of its own.
as_host() {
	h=$1; shift
	unshare --uts sh -c 'hostname "$0" && exec "$@"' "$h" "$@"
}
if ! unshare --uts true 2>/dev/null; then
	test_skip 'a send left on another host' 'unshare --uts is not allowed here'
else
	test_expect_success 'a send left by a process that ended on another host: sending here, unknown on that host' '
		H=$(pg_url hosts) &&
		echo "begin cds far LFAR" | as_host tdk-other-host "$FILL" "$H" >out && test_grep "mine 1" out &&
		tdk journal --journal "$H" list | cut -f3 >got && echo sending >want && test_cmp want got &&
		echo "begin cds far LFAR" | "$FILL" "$H" >out && test_grep "held 1 sending" out &&
		echo "begin cds near LNEAR" | as_host tdk-other-host "$FILL" "$H" >out && test_grep "mine 4" out &&
		tdk journal --journal "$H" list | cut -f1,3 >got &&
		printf "1\tunknown\n4\tsending\n" >want && test_cmp want got &&
		tdk journal --journal "$H" show 1 | tail -1 | cut -f3,4 >got && printf "recover\tunknown\n" >want &&
		test_cmp want got && tdk journal --journal "$H" verify >/dev/null
	'
fi
test_done
