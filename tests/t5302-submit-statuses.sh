#!/bin/sh
# tdk submit against the statuses of the CDS API that tdk serve does not
# give on its own, from a server that answers each as asked
# (tests/peers/http-faults.py): 403 PAYLOAD_FORBIDDEN is a refusal, not
# retried (exit 1); 404, 406 and 415 mean the endpoint's settings are wrong
# (exit 2, a sentence naming the setting; the document stays queued to send
# again once fixed); 429 with Retry-After is waited for and retried; a 500
# leaves the outcome unknown (exit 4), never sent again by itself.
. "$(dirname "$0")/lib.sh"

peer_start 'submit statuses' http-faults.py "$TRASH/log"
S=s3cret
export S

# An endpoint named after the status its url asks for.
for st in 403 404 406 415 500 429-then-202 503; do
	printf '[s%s]\nprofile = rest\nurl = %s/status/%s/x\ngrant = client-credentials\ntoken-url = %s/token\nclient-id = c\nclient-secret-env = S\nretries = 2\n\n' \
		"$st" "$U" "$st" "$U"
done >endpoints
printf '<Declaration><FunctionalReferenceID>G42</FunctionalReferenceID></Declaration>\n' >d.xml

# submit ENDPOINT: runs tdk submit (no validation: there is no catalog) into out and err.
submit() { tdk submit --endpoints endpoints --journal j.db --no-validate -e "$@" d.xml >out 2>err; }
# posts PATH: how many requests reached the path.
posts() { grep -c "^/status/$1/x " log; }
state() { tdk journal --journal j.db --format json list | grep "\"endpoint\":\"$1\"" | sed 's/.*"state":"\([a-z]*\)".*/\1/'; }

test_expect_code 1 '403 PAYLOAD_FORBIDDEN: refused by a firewall, exit 1, sent once, not retried' '
	submit s403; rc=$?
	test_grep "PAYLOAD_FORBIDDEN" err && grep -qi "firewall" err &&
	test "$(posts 403)" -eq 1 && test "$(state s403)" = rejected || exit 99
	exit $rc
'
for x in "404 url" "406 api-version" "415 Content-Type"; do
	set -- $x
	test_expect_code 2 "$1: the endpoint's settings are wrong, exit 2 naming $2; queued to send once fixed" "
		submit s$1; rc=\$?
		test_grep 'answered $1' err && test_grep '$2' err && test \"\$(posts $1)\" -eq 1 && test \"\$(state s$1)\" = queued || exit 99
		exit \$rc
	"
done
test_expect_success '429 with Retry-After: waited for, sent again, accepted' '
	submit s429-then-202 && test "$(posts 429-then-202)" -eq 2 && test "$(state s429-then-202)" = accepted &&
	test_grep "7d9f4a2e-1b3c-4d5e-8f60-718293a4b5c6" out
'
test_expect_code 4 '503 with Retry-After past the retries: busy, exit 4, queued, retries + 1 requests' '
	submit s503; rc=$?
	test "$(posts 503)" -eq 3 && test "$(state s503)" = queued || exit 99
	exit $rc
'
test_expect_code 4 'a 500: the outcome is unknown, exit 4' '
	submit s500; rc=$?
	test "$(state s500)" = unknown || exit 99
	exit $rc
'
test_expect_code 4 'the unknown is not sent again by a second run' '
	submit s500; rc=$?
	test "$(posts 500)" -eq 1 || exit 99
	exit $rc
'
test_expect_success 'the secret is in no output and no journal row' '
	! grep -r "$S" out err j.db* 2>/dev/null
'
test_done
