#!/bin/sh
# tdk serve's Customs Declarations API: the header checks in the API's order
# with their status codes and exact errorResponse bodies (406, 415, 401,
# 400 for the badge), a schema-invalid declaration (400 naming line and
# column), a valid one (202 with a fresh version 4 X-Conversation-ID), the
# amend and cancellation endpoints, 404, the file-upload flow; and a real
# CDS declaration from the corpus against the corpus schemas.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"

serve_schema
if [ -d "$TDK_CORPUS/wco" ]; then
	printf '<uri name="urn:wco:datamodel:WCO:DocumentMetaData-DMS:2" uri="%s"/>\n<uri name="hmrc:fileupload" uri="%s"/>\n' \
		"$TDK_CORPUS/wco/hmrc-customs-declare-exports/local-wrappers/submit_wrapper.xsd" \
		"$TDK_CORPUS/wco/hmrc-customs-declarations/schemas/wco/fileupload/FileUploadRequest.xsd" >>cat.xml
fi
echo '</catalog>' >>cat.xml
printf '<Declaration xmlns="urn:tdk:test:decl">\n  <FunctionalReferenceID>G1</FunctionalReferenceID>\n</Declaration>\n' >good.xml
printf '<Declaration xmlns="urn:tdk:test:decl">\n  <FunctionalReferenceID>G1</FunctionalReferenceID>\n  <Oops/>\n</Declaration>\n' >bad.xml

serve_start --catalog "$TRASH/cat.xml" || { echo "Bail out! tdk serve did not start"; exit 1; }
TOKEN=$(token)
export URL TOKEN

head='<?xml version="1.0" encoding="UTF-8"?>'
expect_error() {   # status code message, then the curl output in b and headers in h
	test_grep "HTTP/1.1 $1 " h && test_grep "Content-Type: application/xml; charset=UTF-8" h &&
	printf "%s\n<errorResponse>\n  <code>%s</code>\n  <message>%s</message>\n</errorResponse>\n" "$head" "$2" "$3" >want &&
	test_cmp want b
}
test_expect_success '202 with a fresh version 4 UUID as X-Conversation-ID, an empty body' '
	cds_post /customs/declarations good.xml -D h >b && test_grep "HTTP/1.1 202 Accepted" h && test ! -s b &&
	grep -q "^X-Conversation-ID: [0-9a-f]\{8\}-[0-9a-f]\{4\}-4[0-9a-f]\{3\}-[89ab][0-9a-f]\{3\}-[0-9a-f]\{12\}.$" h &&
	cds_post /customs/declarations good.xml -D h2 >b && ! test "$(grep X-Conversation h)" = "$(grep X-Conversation h2)"
'
test_expect_success 'amend and cancellation-requests take declarations too' '
	cds_post /customs/declarations/amend good.xml -D h >b && test_grep "HTTP/1.1 202" h &&
	cds_post /customs/declarations/cancellation-requests good.xml -D h >b && test_grep "HTTP/1.1 202" h
'
test_expect_success 'Accept missing or another version: 406 ACCEPT_HEADER_INVALID' '
	ACCEPT=application/xml cds_post /customs/declarations good.xml -D h >b &&
	expect_error 406 ACCEPT_HEADER_INVALID "The accept header is missing or invalid" &&
	ACCEPT=application/vnd.hmrc.9.0+xml cds_post /customs/declarations good.xml -D h >b &&
	expect_error 406 ACCEPT_HEADER_INVALID "The accept header is missing or invalid"
'
test_expect_success 'Content-Type without the charset: 415 UNSUPPORTED_MEDIA_TYPE' '
	CTYPE=application/xml cds_post /customs/declarations good.xml -D h >b &&
	expect_error 415 UNSUPPORTED_MEDIA_TYPE "The content type header is missing or invalid"
'
test_expect_success 'no token, an unknown one, one without the scope: 401 UNAUTHORIZED' '
	TOKEN= cds_post /customs/declarations good.xml -D h >b &&
	expect_error 401 UNAUTHORIZED "Bearer token is missing or not authorized" &&
	TOKEN=0000 cds_post /customs/declarations good.xml -D h >b &&
	expect_error 401 UNAUTHORIZED "Bearer token is missing or not authorized" &&
	TOKEN=$(token read:pull-notifications) cds_post /customs/declarations good.xml -D h >b &&
	expect_error 401 UNAUTHORIZED "Bearer token is missing or not authorized"
'
test_expect_success 'no badge or submitter, or a badge of lower case: 400 BAD_REQUEST; a submitter EORI will do' '
	BADGE= cds_post /customs/declarations good.xml -D h >b &&
	expect_error 400 BAD_REQUEST "X-Badge-Identifier or X-Submitter-Identifier header is missing or invalid" &&
	BADGE=abc123 cds_post /customs/declarations good.xml -D h >b &&
	expect_error 400 BAD_REQUEST "X-Badge-Identifier or X-Submitter-Identifier header is missing or invalid" &&
	BADGE= cds_post /customs/declarations good.xml -D h -H "X-Submitter-Identifier: GB123456789000" >b &&
	test_grep "HTTP/1.1 202" h
'
test_expect_success 'a schema-invalid declaration: 400 with the error at its line and column' '
	cds_post /customs/declarations bad.xml -D h >b && test_grep "HTTP/1.1 400" h &&
	test_grep "<code>BAD_REQUEST</code>" b && test_grep "<message>Payload is not valid according to schema</message>" b &&
	test_grep "<code>xml_validation_error</code>" b &&
	test_grep "<message>Error at line 3, column 8: element &apos;{urn:tdk:test:decl}Oops&apos;: This element is not expected</message>" b
'
test_expect_success 'a document of a namespace no catalog names: 400, not accepted unchecked' '
	echo "<x xmlns=\"urn:nobody\"/>" >x.xml && cds_post /customs/declarations x.xml -D h >b &&
	test_grep "HTTP/1.1 400" h && test_grep "no schema is registered for the namespace of the root element" b
'
test_expect_success 'not well-formed: 400 with the line' '
	printf "<Declaration xmlns=\"urn:tdk:test:decl\">\n<a>\n</Declaration>\n" >nwf.xml &&
	cds_post /customs/declarations nwf.xml -D h >b && test_grep "HTTP/1.1 400" h && test_grep "Error at line 3" b
'
test_expect_success 'an unknown path: 404 MATCHING_RESOURCE_NOT_FOUND' '
	cds_post /customs/declarations/nothing good.xml -D h >b &&
	expect_error 404 MATCHING_RESOURCE_NOT_FOUND "A resource with the name in the request can not be found in the API"
'
if [ -d "$TDK_CORPUS/wco" ]; then
	D="$TDK_CORPUS/wco/hmrc-customs-declare-exports/instances/Imports/Accepted/Declaration/TT1_IM_v2.02_Accepted.xml"
	test_expect_success 'corpus: a real CDS import declaration is taken (202), one with an unknown element is not (400)' '
		cds_post /customs/declarations "$D" -D h >b && test_grep "HTTP/1.1 202" h &&
		sed "s/<FunctionalReferenceID>/<Nonsense\/><FunctionalReferenceID>/" "$D" >d-bad.xml &&
		cds_post /customs/declarations d-bad.xml -D h >b && test_grep "HTTP/1.1 400" h &&
		test_grep "element &apos;{urn:wco:datamodel:WCO:DEC-DMS:2}Nonsense&apos;" b
	'
	test_expect_success 'corpus: file upload: a FileUploadRequest gets upload URLs on this server, which take the files once' '
		printf "<FileUploadRequest xmlns=\"hmrc:fileupload\"><DeclarationID>G1</DeclarationID><FileGroupSize>2</FileGroupSize><Files><File><FileSequenceNo>1</FileSequenceNo></File><File><FileSequenceNo>2</FileSequenceNo></File></Files></FileUploadRequest>\n" >fu.xml &&
		BADGE= cds_post /customs/declarations/file-upload fu.xml -D h -H "X-EORI-Identifier: GB123456789000" >b &&
		test_grep "HTTP/1.1 200" h && test_grep "<FileUploadResponse xmlns=\"hmrc:fileupload\">" b &&
		test "$(grep -c "<Href>$URL/upload/" b)" -eq 2 &&
		href=$(sed -n "s/.*<Href>\(.*\)<\/Href>.*/\1/p" b | head -1) && ref=${href##*/} &&
		$CURL -o /dev/null -w "%{http_code}\n" -F key=$ref -F acl=private -F file=@good.xml "$href" >c &&
		$CURL -o /dev/null -w "%{http_code}\n" -F key=$ref -F acl=private -F file=@good.xml "$href" >>c &&
		$CURL -o /dev/null -w "%{http_code}\n" -F file=@good.xml "$URL/upload/nothing" >>c &&
		printf "204\n404\n404\n" >want && test_cmp want c
	'
else
	test_skip 'corpus: declarations and file upload' "$TDK_CORPUS/wco is absent (set TDK_CORPUS)"
fi
test_done
