#!/bin/sh
# tdk submit of a dossier (an ASiC-E container from tdk pack) to tdk serve:
# the declaration accepted, the invoice and the signature uploaded through
# the file-upload flow (their SHA-256 at their references in serve's state),
# a journal row each; a second run sends nothing; an endpoint without
# file-upload-url sends the declaration only and names the rest; a dossier
# without a declaration, and hostile containers, are refused with their
# codes; serve checks the upload form (400 without its fields).
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"
. "$REPO/tests/dossier-lib.sh"

dossier_setup
lrn G001 && lrn G002 && lrn G003

test_expect_success 'tdk pack: the declaration and the invoice, signed' '
	tdk pack -k "$REPO/samples/broker.key" --cert "$REPO/samples/broker.pem" -o d1.asice G001.xml invoice.txt &&
	tdk pack -o d2.asice G002.xml invoice.txt
'
test_expect_success 'a dossier: the declaration accepted, the invoice and the signature uploaded' '
	tdk submit -e local d1.asice >out 2>err &&
	grep -q "^d1.asice: accepted, conversation [0-9a-f-]*; 2 of 2 documents uploaded$" out &&
	test "$(received "$INV")" -eq 1 &&
	sig=$(tdk unpack -l d1.asice >/dev/null && sqlite3 serve.db "SELECT count(*) FROM uploads WHERE sha256 IS NOT NULL") &&
	test "$sig" -eq 2 && test "$(posts)" -eq 1 && test "$(posts /file-upload)" -eq 1
'
test_expect_success 'the journal: the declaration and one row per upload, with the LRN' '
	tdk journal list --format json >list &&
	test_grep "\"name\":\"d1.asice!G001.xml\"" list &&
	grep "\"endpoint\":\"local/file-upload/G001\"" list | grep "\"sha256\":\"$INV\"" |
		grep "\"name\":\"d1.asice!invoice.txt\"" | grep "\"lrn\":\"G001\"" | grep -q "\"state\":\"accepted\"" &&
	test "$(grep -c "\"endpoint\":\"local/file-upload/G001\"" list)" -eq 2
'
test_expect_success 'the same dossier again: nothing sent' '
	n=$(grep -c . access.log) && tdk submit -e local d1.asice >out 2>err &&
	test_grep "d1.asice: already submitted: accepted" out && test_grep "2 of 2 documents uploaded" out &&
	test "$(grep -c . access.log)" -eq "$n"
'
test_expect_success 'the same invoice with another declaration is uploaded again, under that declaration' '
	tdk submit -e local --format json d2.asice >out 2>err &&
	test "$(received "$INV")" -eq 2 &&
	grep -q "\"uploads\":\[{\"name\":\"invoice.txt\",\"sha256\":\"$INV\",\"state\":\"accepted\",\"reference\":\"[0-9a-f-]*\"}\]" out
'
test_expect_success 'no file-upload-url: the declaration only, and a warning naming what was not sent' '
	tdk pack -o d3.asice G003.xml invoice.txt && n=$(posts /file-upload) &&
	tdk submit -e local --endpoints endpoints-plain d3.asice >out 2>err &&
	test_grep "warning: [SUBMIT-NO-UPLOAD] endpoint '\''local'\'' has no file-upload-url" err &&
	test_grep "not sent: '\''invoice.txt'\''" err && test "$(posts /file-upload)" -eq "$n" &&
	grep -q "^d3.asice: accepted, conversation [0-9a-f-]*; 1 documents not uploaded$" out
'
test_expect_success 'an endpoint with submitter-id only: X-Submitter-Identifier, then X-EORI-Identifier for the upload' '
	lrn G004 && tdk pack -o d4.asice G004.xml invoice.txt &&
	ID_LINES="submitter-id = GB123456789000" endpoints >endpoints-eori && ! grep -q badge-id endpoints-eori &&
	tdk submit -e local --endpoints endpoints-eori d4.asice >out 2>err &&
	grep -q "^d4.asice: accepted, conversation [0-9a-f-]*; 1 of 1 documents uploaded$" out
'
test_expect_code 1 'a dossier without a declaration: SUBMIT-NO-DECLARATION, exit 1, nothing sent' '
	tdk pack -o nodecl.asice invoice.txt && n=$(grep -c . access.log) &&
	tdk submit -e local nodecl.asice >out 2>err; rc=$?
	{ test_grep "[SUBMIT-NO-DECLARATION]" err && test "$(grep -c . access.log)" -eq "$n"; } || exit 99
	exit $rc
'
test_expect_code 3 'not a zip (a ZIP header and nothing after): PACK-ZIP, exit 3' '
	printf "PK\003\004garbage" >bad.asice && tdk submit -e local bad.asice >out 2>err; rc=$?
	{ test_grep "[PACK-ZIP]" err; } || exit 99; exit $rc
'
test_expect_code 1 'a zip-slip name: refused before anything is sent' '
	python3 -c "
import zipfile
z = zipfile.ZipFile(\"slip.asice\", \"w\")
z.writestr(\"mimetype\", \"application/vnd.etsi.asic-e+zip\")
z.write(\"G003.xml\", \"../G003.xml\")
z.close()" && n=$(grep -c . access.log) && tdk submit -e local slip.asice >out 2>err; rc=$?
	{ test_grep "[PACK-" err && test "$(grep -c . access.log)" -eq "$n"; } || exit 99; exit $rc
'
test_expect_code 1 'a huge member (a zip bomb of 65 MiB of zeros): refused by the ratio limit, nothing sent' '
	python3 -c "
import zipfile
z = zipfile.ZipFile(\"huge.asice\", \"w\", zipfile.ZIP_DEFLATED)
z.writestr(\"mimetype\", \"application/vnd.etsi.asic-e+zip\")
z.write(\"G003.xml\", \"G003.xml\")
z.writestr(\"zeros.bin\", bytes(65 << 20))
z.close()" && n=$(grep -c . access.log) && tdk submit -e local huge.asice >out 2>err; rc=$?
	{ test_grep "[PACK-LIMIT-RATIO]" err && test "$(grep -c . access.log)" -eq "$n"; } || exit 99; exit $rc
'
test_expect_success 'serve: an upload form without its issued fields is refused (400), the file not stored' '
	printf "<FileUploadRequest xmlns=\"hmrc:fileupload\"><DeclarationID>G1</DeclarationID><FileGroupSize>1</FileGroupSize><Files><File><FileSequenceNo>1</FileSequenceNo></File></Files></FileUploadRequest>\n" >fu.xml &&
	TOKEN=$(token) && cds_post /customs/declarations/file-upload fu.xml >b &&
	href=$(sed -n "s/.*<Href>\(.*\)<\/Href>.*/\1/p" b) && ref=${href##*/} &&
	$CURL -o /dev/null -w "%{http_code}\n" -F file=@invoice.txt "$href" >c &&
	$CURL -o /dev/null -w "%{http_code}\n" -F key=$ref -F file=@invoice.txt "$href" >>c &&
	$CURL -o /dev/null -w "%{http_code}\n" -F file=@invoice.txt -F key=$ref -F acl=private "$href" >>c &&
	$CURL -o /dev/null -w "%{http_code}\n" -F key=nope -F acl=private -F file=@invoice.txt "$href" >>c &&
	$CURL -o /dev/null -w "%{http_code}\n" --data-binary @invoice.txt "$href" >>c &&
	$CURL -o /dev/null -w "%{http_code}\n" -F key=$ref -F acl=private -F file=@invoice.txt "$href" >>c &&
	printf "400\n400\n400\n400\n400\n204\n" >want && test_cmp want c
'
test_done
