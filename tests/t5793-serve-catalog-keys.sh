#!/bin/sh
# One tdk serve with a --catalog, an --as2-key and an --as4-key answers all
# three: a declaration validated by the catalog's schema (202 when valid,
# 400 with the schema's error when not: the schema was read after the keys
# were loaded), an AS2 message (tdk submit, a signed MDN, stored) and an
# AS4 message (tdk submit, a signed Receipt, stored).  Loading a signing key
# used to replace the external entity loader that catalogs and schemas are
# read through, so that such a server refused its catalog and exited 3.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"
. "$REPO/tests/pki.sh"

command -v sqlite3 >/dev/null || { test_skip 'a server with a catalog and keys' 'needs sqlite3'; test_done; exit 0; }
make_pki >/dev/null 2>&1 || { test_skip 'a server with a catalog and keys' 'openssl could not make the test PKI'; test_done; exit 0; }
serve_schema
echo '</catalog>' >>cat.xml
lrn G001
printf '<Declaration xmlns="urn:tdk:test:decl">\n  <Oops/>\n</Declaration>\n' >bad.xml
cat rsa.key rsa.pem >a.pem
printf "UNB+UNOC:3+ACME+TDK+261202:1200+1'\r\nUNH+1+INVOIC:D:96A:UN'\r\nUNT+2+1'\r\nUNZ+1+1'\r\n" >i.edi

serve_start --catalog "$TRASH/cat.xml" --as2-key other.key --as2-cert other.pem --as2-id TDK \
	--as4-key other.key --as4-cert other.pem --as4-party urn:example:party:b \
	--partner ACME=rsa.pem --partner urn:example:party:a=rsa.pem ||
	{ test_expect_success 'tdk serve starts with --catalog, --as2-key and --as4-key' 'cat serve.err; false'
	  test_done; exit; }
TOKEN=$(token)
{ printf '[as2]\nprofile = as2\nurl = %s/as2\nas2-from = ACME\nas2-to = TDK\n' "$URL"
  printf 'key = a.pem\npartner-cert = other.pem\nmdn = signed-sync\n'
  printf '[as4]\nprofile = as4\nurl = %s/as4\nfrom-party = urn:example:party:a\n' "$URL"
  printf 'to-party = urn:example:party:b\nservice = urn:example:service\naction = Submit\n'
  printf 'key = a.pem\npartner-cert = other.pem\nretries = 1\n'; } >endpoints
sub() {
	tdk submit --endpoints endpoints --journal "$TRASH/j.db" --no-validate "$@"
}
# stored TABLE COLUMN FILE: the server holds FILE's bytes in TABLE once.
stored() {
	test "$(sqlite3 "$TRASH/serve.db" "select count(*) from $1 where $2 = readfile('$3')")" = 1
}

test_expect_success 'a valid declaration: 202' '
	cds_post /customs/declarations G001.xml -D h >b && test_grep "HTTP/1.1 202" h
'
test_expect_success 'a schema-invalid one: 400 with the schema'\''s error' '
	cds_post /customs/declarations bad.xml -D h >b && test_grep "HTTP/1.1 400" h &&
	test_grep "{urn:tdk:test:decl}Oops&apos;: This element is not expected" b
'
test_expect_success 'AS2: accepted with a signed MDN, the payload stored' '
	sub -e as2 i.edi >out && test_grep "i.edi: accepted" out && stored as2_messages payload i.edi
'
test_expect_success 'AS4: accepted with a signed Receipt, the payload stored' '
	sub -e as4 G001.xml >out && test_grep "G001.xml: accepted" out && stored as4_payloads bytes G001.xml
'
test_expect_success 'the server stops cleanly' '
	serve_stop && test "$SERVE_RC" = 0
'
test_done
