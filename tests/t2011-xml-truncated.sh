#!/bin/sh
# A document cut short (a transfer that stopped, a disk that filled) says that
# it ends early and which element is left open, not "extra content at the
# end", which is what content after the root gets; and billion laughs is one
# diagnostic in every command, not one per entity level.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/xml-lib.sh"

printf '<a>\n  <b>text</b>\n  <c>' >cut.xml
printf '<a x="1' >cut-tag.xml
printf '<?xml version="1.0"?>\n' >prolog.xml
printf '<edifact xmlns="urn:tdk:edifact:1"><interchange>\n' >cut-edi.xml
printf '<a/>\n<b/>\n' >trailing.xml
laughs_file laughs.xml

test_expect_code 1 'validate: a cut document ends early, naming the open element' '
	tdk validate --well-formed cut.xml 2>err; rc=$?
	test_grep "cut.xml:3:6: error: [XML-SYNTAX] the document ends early: element '"'c'"' is not closed" err &&
	! grep -q "extra content" err || exit 99
	exit $rc
'
test_expect_code 1 'validate: a document with no complete root ends early' '
	tdk validate --well-formed prolog.xml 2>err; rc=$?
	test_grep "[XML-SYNTAX] the document ends early: its root element is not complete" err || exit 99
	exit $rc
'
test_expect_code 1 'validate: cut inside an attribute value is not extra content' '
	tdk validate --well-formed cut-tag.xml 2>err; rc=$?
	test_grep "[XML-SYNTAX]" err && ! grep -q "extra content" err || exit 99
	exit $rc
'
test_expect_code 1 'convert (XML -> EDIFACT): a cut document ends early, once' '
	tdk convert -t edifact cut-edi.xml >out 2>err; rc=$?
	test_grep "[XML-SYNTAX] the document ends early: element '"'interchange'"' is not closed" err &&
	test $(wc -l <err) -eq 1 || exit 99
	exit $rc
'
test_expect_code 1 'the twin: content after the root is still extra content' '
	tdk validate --well-formed trailing.xml 2>err; rc=$?
	test_grep "trailing.xml:2:1: error: [XML-SYNTAX] extra content at the end of the document" err || exit 99
	exit $rc
'
test_expect_code 1 'verify: billion laughs is one diagnostic, at the first entity declaration' '
	ulimit -t 10
	tdk verify --insecure laughs.xml 2>err; rc=$?
	test_grep "laughs.xml:3:2: error: [VERIFY-XML-ENTITY]" err && test $(wc -l <err) -eq 1 || exit 99
	exit $rc
'
test_expect_success 'make a signing key' 'signing_key'
test_expect_code 1 'sign: billion laughs is one diagnostic' '
	ulimit -t 10
	tdk sign -k k.key --cert k.pem -o s.xml laughs.xml 2>err; rc=$?
	test_grep "laughs.xml:3:2: error: [SIGN-XML-ENTITY]" err && test $(wc -l <err) -eq 1 || exit 99
	exit $rc
'
test_expect_code 1 'validate and convert: billion laughs is one diagnostic' '
	tdk validate --well-formed laughs.xml 2>err; rc=$?
	test $(wc -l <err) -eq 1 && test_grep "[XML-DTD]" err || exit 99
	tdk convert -t edifact laughs.xml >out 2>err; rc2=$?
	test $(wc -l <err) -eq 1 && test_grep "[XML-DTD]" err && test $rc2 -eq 1 || exit 99
	exit $rc
'
test_done
