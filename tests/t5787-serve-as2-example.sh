#!/bin/sh
# The AS2 example of tdk-serve(1), taken from the page itself so that the
# two cannot drift: its "$ " lines and their indented continuations run as
# one script in a folder holding the keys it names (tdk.key and tdk.pem for
# the receiver, acme.key and acme.pem for the partner, from tests/pki.sh),
# order.edi and the clients file; the other lines are the output it must
# print (the port aside).
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"
. "$REPO/tests/pki.sh"

man_example tdk-serve.1 G001 || { test_expect_success 'the AS2 example block is in tdk-serve.1' false; test_done; exit; }
make_pki >/dev/null 2>&1 || { test_skip 'the AS2 example of tdk-serve(1)' 'openssl could not make the test PKI'; test_done; exit 0; }
cp other.key ex/tdk.key && cp other.pem ex/tdk.pem && cp rsa.key ex/acme.key && cp rsa.pem ex/acme.pem &&
	cp "$TRASH/clients" ex/clients &&
	printf "UNA:+.? 'UNB+UNOC:3+ACME+TDK+261202:1200+1'\r\nUNZ+1+1'\r\n" >ex/order.edi

test_expect_success 'the example block is there: the AS2 receiver, openssl, curl, and output to expect' '
	test "$(grep -c "^\$ " block)" -ge 7 && test_grep "--as2-key tdk.key" ex/example.sh &&
	test_grep "openssl cms -sign" ex/example.sh && test_grep "Disposition: " want
'
test_expect_success 'it runs as printed: the MDN says processed, the order is stored, the server stops' '
	man_example_run; rc=$?
	man_example_norm want >want.n && man_example_norm ex/out >got && test $rc -eq 0 && test_cmp want.n got
'
test_expect_success 'what it stored is the order, byte for byte' '
	sqlite3 ex/serve.db "select writefile(\"got.edi\", payload) from as2_messages" >/dev/null &&
	cmp got.edi ex/order.edi
'
test_done
