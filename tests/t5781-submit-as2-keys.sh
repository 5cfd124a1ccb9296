#!/bin/sh
# tdk submit over profile as2, before anything is sent: the endpoint's key
# loaded with its passphrase from key-passphrase-file, -fd or -env (never
# argv), partner-cert checked, the AS2 names checked; a partner that refuses
# the connection leaves the message queued with its Message-ID, which the
# next run keeps.  Beside each, the twin refused with its code and status.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/pki.sh"

make_pki >/dev/null 2>&1 || { test_skip 'as2 keys' 'openssl could not make the test keys'; test_done; exit 0; }
chmod 600 pass.txt
printf "UNB+UNOC:3+A+B+261202:1200+1'\n" >doc.edi
# endpoints [key = value ...]: an as2 endpoint on a loopback port nobody listens on.
endpoints() {
	printf '[p]\nprofile = as2\nurl = http://127.0.0.1:1/as2\nas2-from = BROKER01\nas2-to = PORTSW\n' >ep
	printf 'key = signer.p12\npartner-cert = other.pem\n' >>ep
	for kv in "$@"; do echo "$kv" >>ep; done
}
submit() {
	tdk submit -e p --endpoints ep --journal j.db "$@" doc.edi >out 2>err
}

test_expect_code 4 'key-passphrase-file: the key loads; the connection refused: queued with its Message-ID' '
	endpoints "key-passphrase-file = pass.txt" && submit; rc=$?
	test_grep "doc.edi: queued, message <" out && test_grep "error: [HTTP-CONNECT]" err &&
	test_grep "note: [SUBMIT-QUEUED]" err && tdk journal show 1 --journal j.db >show &&
	test_grep "state queued" show && grep "^message <[0-9a-f-]*@[A-Za-z0-9.-]*>$" show >id1 || exit 99
	exit $rc
'
test_expect_code 4 'sent again: the queued message keeps its Message-ID' '
	submit; rc=$?
	tdk journal show 1 --journal j.db >show && grep "^message " show >id2 && test_cmp id1 id2 &&
	test_grep "$(sed "s/^message //" id1)" out || exit 99
	exit $rc
'
test_expect_code 4 'key-passphrase-env: read, and wiped' '
	rm -f j.db* && endpoints "key-passphrase-env = AS2_PASS" &&
	AS2_PASS=$(cat pass.txt) && export AS2_PASS && submit; rc=$?
	test_grep "doc.edi: queued" out || exit 99
	exit $rc
'
test_expect_code 4 'key-passphrase-fd' '
	rm -f j.db* && endpoints "key-passphrase-fd = 7" && submit 7<pass.txt; rc=$?
	test_grep "doc.edi: queued" out || exit 99
	exit $rc
'
test_expect_code 2 'a passphrase file open to others: ENDPOINT-SECRET-MODE, nothing sent' '
	cp pass.txt open.txt && chmod 644 open.txt && endpoints "key-passphrase-file = open.txt" && submit; rc=$?
	test_grep "error: [ENDPOINT-SECRET-MODE] key passphrase file" err && test_grep "chmod 600" err || exit 99
	exit $rc
'
test_expect_code 5 'a wrong passphrase: the key is refused (SIGN-KEY-*)' '
	echo wrong >bad.txt && chmod 600 bad.txt && endpoints "key-passphrase-file = bad.txt" && submit; rc=$?
	grep -q "error: \[SIGN-KEY" err || { cat err; exit 99; }
	exit $rc
'
test_expect_code 2 'an encrypted key and no passphrase: ENDPOINT-SECRET' '
	endpoints && submit; rc=$?
	test_grep "error: [ENDPOINT-SECRET] endpoint '"'p'"' has no key passphrase" err || exit 99
	exit $rc
'
test_expect_code 2 'two passphrase sources: ENDPOINT-CONFLICT' '
	endpoints "key-passphrase-file = pass.txt" "key-passphrase-env = X" && submit; rc=$?
	test_grep "error: [ENDPOINT-CONFLICT] endpoint '"'p'"' names its key passphrase more than once" err || exit 99
	exit $rc
'
test_expect_code 2 'key-passphrase-env that names no variable: ENDPOINT-VALUE' '
	endpoints "key-passphrase-env = not a name" && submit; rc=$?
	test_grep "error: [ENDPOINT-VALUE] key-passphrase-env must name an environment variable" err || exit 99
	exit $rc
'
test_expect_code 5 'an expired partner-cert: SUBMIT-AS2-CERT' '
	endpoints "key-passphrase-file = pass.txt" && sed -i "s/other.pem/expired.pem/" ep && submit; rc=$?
	test_grep "error: [SUBMIT-AS2-CERT] partner-cert" err && test_grep "is not valid now" err || exit 99
	exit $rc
'
test_expect_code 5 'a partner-cert that is no certificate: SUBMIT-AS2-CERT' '
	endpoints "key-passphrase-file = pass.txt" && sed -i "s/other.pem/pass.txt/" ep && submit; rc=$?
	test_grep "is not a PEM certificate" err || exit 99
	exit $rc
'
test_expect_code 2 'an AS2 name over 128 characters: SUBMIT-AS2-NAME' '
	endpoints "key-passphrase-file = pass.txt" && long=$(printf "%0129d" 0) &&
	sed -i "s/^as2-to = .*/as2-to = $long/" ep && submit; rc=$?
	test_grep "error: [SUBMIT-AS2-NAME]" err || exit 99
	exit $rc
'
test_done
