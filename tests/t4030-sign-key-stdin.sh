#!/bin/sh
# Key and certificate files are read by lib/util's one whole-file reader
# (tdk_read_all), so "-" is standard input there as everywhere else: a key
# can come down a pipe from a secrets store without touching the disk.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/pki.sh"

test_expect_success 'make the test PKI' 'make_pki'

test_expect_success 'sign -k - reads the key from standard input' '
	tdk sign -k - --cert rsa.pem -o signed.xml doc.xml <rsa.key &&
	tdk verify --ca ca.pem signed.xml >out && test_grep "by CN=tdk test rsa: valid" out
'
test_expect_code 5 'sign -k - with the wrong key on standard input: SIGN-KEY-MISMATCH' '
	tdk sign -k - --cert rsa.pem -o bad.xml doc.xml <other.key 2>err; r=$?
	test_grep SIGN-KEY-MISMATCH err || exit 99; test ! -e bad.xml || exit 98; exit $r
'
test_expect_code 3 'a key file that is a folder: SIGN-KEY-READ, exit 3' '
	mkdir keydir && tdk sign -k keydir --cert rsa.pem -o x.xml doc.xml 2>err; r=$?
	test_grep SIGN-KEY-READ err || exit 99; exit $r
'
test_expect_success 'verify --ca - reads the anchor from standard input' '
	tdk verify --ca - signed.xml <ca.pem >out && test_grep "by CN=tdk test rsa: valid" out
'
test_expect_code 2 'sign -k - with the document on standard input too: a usage error, nothing read' '
	tdk sign -k - --cert rsa.pem <rsa.key 2>err; rc=$?
	test_grep "standard input can feed the key (-k -), the list of files or the document" err || exit 99
	exit $rc
'
test_expect_code 2 'sign -k - and an operand -: a usage error' 'tdk sign -k - --cert rsa.pem - <rsa.key 2>/dev/null'
test_expect_code 2 'validate --files-from - and an operand -: a usage error' '
	echo x.edi | tdk validate --files-from - - 2>err; rc=$?
	test_grep "standard input can be the list of files (--files-from -) or a document" err || exit 99
	exit $rc
'
test_done
