#!/bin/sh
# tdk verify --at takes one strict form, YYYY-MM-DDTHH:MM:SS (UTC, a real
# calendar date from 1970), and anything else is a usage error (exit 2); the
# epoch is an instant like any other, never "now".
. "$(dirname "$0")/lib.sh"

test_expect_success 'a signed document' '
	tdk sign -k "$SAMPLES/broker.key" --cert "$SAMPLES/broker.pem" -o s.xml "$SAMPLES/declaration.xml"
'
for t in 2026-02-30T00:00:00 2025-02-29T12:00:00 2026-13-01T00:00:00 2026-01-01T25:00:00 \
	 9999-99-99T99:99:99 2026-01-01T00:60:00 2026-01-01 "2026-01-01 00:00:00" 2026-1-1T0:0:0 \
	 1969-12-31T23:59:59 2026-01-01T00:00:00x; do
	test_expect_code 2 "--at '$t' is a usage error" '
		tdk verify --ca "$SAMPLES/broker-ca.pem" --at "'"$t"'" s.xml 2>err >out; r=$?
		test_grep "--at:" err && test ! -s out || exit 99; exit $r
	'
done
test_expect_code 1 '--at 1970-01-01T00:00:00 is 1970, before the certificate: VERIFY-CERT-EXPIRED' '
	tdk verify --ca "$SAMPLES/broker-ca.pem" --at 1970-01-01T00:00:00 s.xml 2>err >/dev/null; r=$?
	test_grep "[VERIFY-CERT-EXPIRED]" err || exit 99; exit $r
'
test_expect_success '--at inside the certificate'"'"'s validity verifies, with Z or without' '
	nb=$(openssl x509 -in "$SAMPLES/broker.pem" -noout -startdate | cut -d= -f2) &&
	at=$(date -u -d "$nb + 1 day" +%Y-%m-%dT%H:%M:%S) &&
	tdk verify --ca "$SAMPLES/broker-ca.pem" --at "$at" s.xml >/dev/null &&
	tdk verify --ca "$SAMPLES/broker-ca.pem" --at "${at}Z" s.xml >/dev/null
'
test_done
