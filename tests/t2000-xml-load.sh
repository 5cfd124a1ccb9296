#!/bin/sh
# Safe XML loading: well-formedness faults each with a line, a column and a
# stable code (XML 1.0 fifth edition, Namespaces in XML 1.0), byte order
# marks and encodings, and the real defects of the WCO corpus.  Each fault
# has a well-formed twin beside it.
. "$(dirname "$0")/lib.sh"

W=$TDK_CORPUS/wco
# check NAME CODE POSITION: the file is refused with exit 1 and that code at that line:column.
check() {
	tdk validate --well-formed "$1" 2>err; rc=$?
	test_grep "$1:$3: error: [$2]" err || exit 99
	exit $rc
}

printf '<a>\n  <!-- a -- b -->\n</a>\n' >comment.xml
printf '<a>\n  <!-- a - b -->\n</a>\n' >comment-ok.xml
printf '<a>\n  <p:b/>\n</a>\n' >prefix.xml
printf '<a xmlns:p="urn:p">\n  <p:b/>\n</a>\n' >prefix-ok.xml
printf '<a>caf\351</a>\n' >latin1.xml
printf '<?xml version="1.0" encoding="ISO-8859-1"?>\n<a>caf\351</a>\n' >latin1-ok.xml
printf '<?xml version="1.0" encoding="UTF-16"?>\n<a/>\n' >utf16-label.xml
printf '<?xml version="1.0" encoding="no-such-charset"?>\n<a/>\n' >unknown-enc.xml
printf '\357\273\277<a>BOM</a>\n' >bom.xml
printf '\377\376<\000a\000/\000>\000' >utf16le.xml
printf '<a><b></a>\n' >mismatch.xml
printf '<a/>\n<b/>\n' >trailing.xml
printf '' >empty.xml
printf '<a>&amp;&lt;&#233;&#x20AC;</a>\n' >refs-ok.xml

test_expect_code 1 "'--' in a comment: XML-COMMENT at 2:10, where the '--' starts" 'check comment.xml XML-COMMENT 2:10'
test_expect_success '... the twin with a single hyphen is well-formed' 'tdk validate --well-formed comment-ok.xml'
test_expect_code 1 'an undeclared prefix: XML-NAMESPACE at the end of the tag, 2:7' 'check prefix.xml XML-NAMESPACE 2:7'
test_expect_success '... the twin with the prefix declared' 'tdk validate --well-formed prefix-ok.xml'
test_expect_code 1 'Latin-1 bytes without a declaration: XML-ENCODING at the byte, 1:7' 'check latin1.xml XML-ENCODING 1:7'
test_expect_success '... the twin that declares ISO-8859-1' 'tdk validate --well-formed latin1-ok.xml'
test_expect_code 1 'a UTF-16 label on UTF-8 bytes: XML-ENCODING' 'check utf16-label.xml XML-ENCODING 1:38'
test_expect_code 1 'an unknown encoding: XML-ENCODING' 'check unknown-enc.xml XML-ENCODING 1:47'
test_expect_success 'a UTF-8 byte order mark is accepted' 'tdk validate --well-formed bom.xml'
test_expect_success 'UTF-16LE with its byte order mark is accepted' 'tdk validate --well-formed utf16le.xml'
test_expect_code 1 'mismatched tags: XML-SYNTAX' 'check mismatch.xml XML-SYNTAX 1:11'
test_expect_code 1 'content after the root: XML-SYNTAX at line 2' 'check trailing.xml XML-SYNTAX 2:1'
test_expect_code 1 'an empty file is not XML: it is taken as EDIFACT, EDI-EMPTY' '
	tdk validate empty.xml 2>err; rc=$?; test_grep "[EDI-EMPTY]" err || exit 99; exit $rc'
test_expect_success 'the predefined entities and character references are fine' 'tdk validate --well-formed refs-ok.xml'
test_expect_code 1 'one line per fault, no library chatter on stderr' '
	tdk validate --well-formed mismatch.xml 2>err; rc=$?
	test $(wc -l <err) -eq 1 || { cat err; exit 99; }
	exit $rc
'
test_expect_code 1 'json: the fault with line and column' '
	tdk validate --well-formed --format json comment.xml >out; rc=$?
	perl -MJSON::PP -ne "my \$o = decode_json(\$_); next unless \$o->{code}; exit 1 unless \$o->{code} eq q(XML-COMMENT) && \$o->{line} == 2 && \$o->{column} == 10" out || exit 99
	exit $rc
'

if [ -d "$W" ]; then
	D=$W/hmrc-customs-declarations/instances
	test_expect_code 1 "corpus: TT_EX002a.xml, '--' in a comment" '
		tdk validate --well-formed "$D/annotated_XML_samples/TT_EX002a/TT_EX002a.xml" 2>err; rc=$?
		test_grep "TT_EX002a.xml:72:8: error: [XML-COMMENT]" err || exit 99; exit $rc'
	test_expect_code 1 'corpus: invalid_xml.raw, bytes that are not UTF-8' '
		tdk validate --well-formed "$D/test-raw/invalid_xml.raw" 2>err; rc=$?
		test_grep "[XML-ENCODING]" err || exit 99; exit $rc'
	test_expect_success 'corpus: valid_xml.raw, its twin' 'tdk validate --well-formed "$D/test-raw/valid_xml.raw"'
	test_expect_code 1 'corpus: the all-elements fragment has unbound prefixes' '
		tdk validate --well-formed "$W/hmrc-customs-declarations-information/instances/sample_wco_dec_containing_all_possible_elements.xml" 2>err; rc=$?
		test_grep "[XML-NAMESPACE]" err || exit 99; exit $rc'
	test_expect_success 'corpus: the declaration with a byte order mark is well-formed' '
		tdk validate --well-formed "$D/example_submission_declaration_400.xml"'
	test_expect_code 1 'corpus: a notification with a log line after the root' '
		f=$(find "$W/hmrc-customs-declare-exports" -name "*Accepted_Notification.xml" | head -1)
		tdk validate --well-formed "$f" 2>err; rc=$?
		test_grep "[XML-SYNTAX] extra content at the end of the document" err || exit 99; exit $rc'
else
	test_skip 'corpus faults' "$W is absent (set TDK_CORPUS)"
fi
test_done
