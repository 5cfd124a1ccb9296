#!/bin/sh
# tdk endpoint show prints every AS2 and AS4 setting with the value tdk
# submit uses, those left out marked (default): AS2 signs with sha256,
# neither encrypts nor compresses and asks for a signed synchronous MDN;
# AS4 encrypts and compresses, with ebMS 3's default role and MPC.  A
# setting given is printed as given, unmarked, and one without a default
# (agreement, mdn-url) is not printed at all.
. "$(dirname "$0")/lib.sh"

printf '[a2]\nprofile = as2\nurl = https://x.example/as2\nas2-from = A\nas2-to = B\nkey = k.pem\npartner-cert = c.pem\ncompress = yes\n' >ep
printf '[a4]\nprofile = as4\nurl = https://x.example/as4\nfrom-party = a\nto-party = b\nservice = s\naction = x\n' >>ep
printf 'key = k.pem\npartner-cert = c.pem\nencrypt = no\nto-role = urn:r\n' >>ep
ns=http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704

test_expect_success 'as2: sign, encrypt and mdn defaulted, compress as given' '
	tdk endpoint --endpoints ep show a2 >out &&
	grep -x "sign = sha256 (default)" out && grep -x "encrypt = none (default)" out &&
	grep -x "mdn = signed-sync (default)" out && grep -x "compress = yes" out && ! grep -q "^mdn-url" out
'
test_expect_success 'as4: compress, from-role and mpc defaulted, encrypt and to-role as given' '
	tdk endpoint --endpoints ep show a4 >out &&
	grep -x "compress = yes (default)" out && grep -x "encrypt = no" out &&
	grep -x "from-role = $ns/defaultRole (default)" out && grep -x "to-role = urn:r" out &&
	grep -x "mpc = $ns/defaultMPC (default)" out && ! grep -q "^agreement" out
'
test_expect_success 'as JSON: the same values' '
	tdk endpoint --endpoints ep show a4 --format json >out &&
	grep -q "\"compress\":\"yes\"" out && grep -q "\"mpc\":\"$ns/defaultMPC\"" out && grep -q "\"encrypt\":\"no\"" out
'
test_done
