#!/bin/sh
# The AS4 example of tdk-serve(1), taken from the page itself so that the
# two cannot drift: its "$ " lines and their indented continuations run as
# one script in a folder holding the keys it names (tdk.key and tdk.pem for
# the receiver, acme.key and acme.pem for the partner, from tests/pki.sh),
# declaration.xml and the clients file; the other lines are the output it
# must print (the port aside).  The sender is tdk submit's as4 profile: the
# test is skipped while tdk submit does not speak it.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"
. "$REPO/tests/pki.sh"

man_example tdk-serve.1 G001 || { test_expect_success 'the AS4 example block is in tdk-serve.1' false; test_done; exit; }
[ -f "$REPO/cmd/submit-as4.c" ] || { test_skip 'the AS4 example of tdk-serve(1)' 'tdk submit does not speak as4 yet'; test_done; exit 0; }
make_pki >/dev/null 2>&1 || { test_skip 'the AS4 example of tdk-serve(1)' 'openssl could not make the test PKI'; test_done; exit 0; }
cp other.key ex/tdk.key && cp other.pem ex/tdk.pem && cp rsa.key ex/acme.key && cp rsa.pem ex/acme.pem &&
	cp "$TRASH/clients" ex/clients

test_expect_success 'the example block is there: the AS4 receiver, tdk submit, and output to expect' '
	test "$(grep -c "^\$ " block)" -ge 6 && test_grep "--as4-key tdk.key" ex/example.sh &&
	test_grep "tdk submit -e tdk" ex/example.sh && test_grep "urn:example:party:acme|" want
'
test_expect_success 'it runs as printed: delivered, stored once, the server stops' '
	man_example_run; rc=$?
	man_example_norm want >want.n && man_example_norm ex/out >got && test $rc -eq 0 && test_cmp want.n got
'
test_expect_success 'what it stored is the declaration, byte for byte' '
	sqlite3 ex/serve.db "select writefile(\"got.xml\", bytes) from as4_payloads" >/dev/null &&
	cmp got.xml ex/declaration.xml
'
test_done
