#!/bin/sh
# The keys of an as4 endpoint, loaded once before any document is sent (as
# for as2, through cmd/submit-keys.c): an encrypted key opened with its
# key-passphrase-file; a wrong passphrase, a key without its certificate,
# an expired partner-cert and a partner-cert that is not there refused
# with their exit codes, nothing journaled.  No server is needed: a
# document that passes the keys meets a refused connection and is queued.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/pki.sh"

make_pki >/dev/null 2>&1 || { test_skip 'as4 keys' 'openssl could not make the test PKI'; test_done; exit 0; }
cat enc.key rsa.pem >encc.pem && cat rsa.key rsa.pem >a.pem && printf 'wrong\n' >bad.txt && chmod 600 pass.txt bad.txt

# ep NAME KEY CERT [setting]: an endpoint to a port nobody listens on.
ep() {
	printf '[%s]\nprofile = as4\nurl = http://127.0.0.1:9/as4\nfrom-party = urn:example:party:a\n' "$1"
	printf 'to-party = urn:example:party:b\nservice = urn:example:service\naction = Submit\n'
	printf 'key = %s\npartner-cert = %s\nretries = 0\n%s\n' "$2" "$3" "${4:-}"
}
{ ep enc encc.pem other.pem "key-passphrase-file = pass.txt"; ep wrongpass encc.pem other.pem "key-passphrase-file = bad.txt"
  ep nocert rsa.key other.pem; ep expired a.pem expired.pem; ep missing a.pem nothere.pem; } >endpoints
sub() {
	tdk submit --endpoints endpoints --journal j.db --no-validate "$@"
}
none_journaled() {
	! test -e j.db || test -z "$(tdk journal --journal j.db -e "$1" list)"
}

test_expect_code 4 'an encrypted key opened with its passphrase file: signed, then queued (nobody listens)' '
	sub -e enc doc.xml >out 2>err || { r=$?; test_grep "[SUBMIT-QUEUED]" err && exit $r; exit 99; }
'
test_expect_code 5 'a wrong passphrase is refused before anything is sent' '
	sub -e wrongpass doc.xml >out 2>err || { r=$?; test_grep "SIGN-KEY" err && none_journaled wrongpass && exit $r; exit 99; }
'
test_expect_code 5 'a key without its certificate is refused (SIGN-CERT-MISSING)' '
	sub -e nocert doc.xml >out 2>err || { r=$?; test_grep "[SIGN-CERT-MISSING]" err && none_journaled nocert && exit $r; exit 99; }
'
test_expect_code 5 'an expired partner-cert is refused (SUBMIT-AS4-CERT)' '
	sub -e expired doc.xml >out 2>err || { r=$?; test_grep "[SUBMIT-AS4-CERT]" err && test_grep "not valid now" err && exit $r; exit 99; }
'
test_expect_code 3 'a partner-cert that is not there (SUBMIT-AS4-CERT)' '
	sub -e missing doc.xml >out 2>err || { r=$?; test_grep "[SUBMIT-AS4-CERT] cannot open" err && exit $r; exit 99; }
'
test_done
