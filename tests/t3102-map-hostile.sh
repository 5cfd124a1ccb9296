#!/bin/sh
# tdk map and stylesheets that reach out or never end: document() of a file
# and of a URL, xsl:include of a URL and xsl:import of a local file,
# exsl:document writing a file, all refused (MAP-SECURITY at the
# stylesheet's line, nothing read or written); a template that calls itself
# forever, a tree that doubles itself, a string that doubles itself, an
# XPath that counts forever, each
# stopped by its limit (MAP-LIMIT) in bounded time and memory; xsl:message;
# stylesheets that are not XML, not XSLT, or do not compile.
. "$(dirname "$0")/lib.sh"

M=$DATA/map
IN=$SAMPLES/wco-declaration.xml

# refused NAME LINE TEXT: the stylesheet is refused at LINE with TEXT, exit 1, nothing out.
refused() {
	tdk map "$M/$1.xsl" --no-validate "$IN" >out 2>err; rc=$?
	test_grep "$M/$1.xsl:$2: error: [MAP-SECURITY] refused: $3" err && test ! -s out || return 99
	return $rc
}

test_expect_code 1 'document() of a local file is refused' 'refused document-file 4 "Local file read for /etc/passwd refused"'
test_expect_code 1 'document() of an http URL is refused, nothing fetched' '
	refused document-url 4 "Network file read for http://127.0.0.1:9/x.xml refused"
'
test_expect_code 3 'xsl:include of a URL is refused while the stylesheet compiles' '
	tdk map "$M/include-url.xsl" "$IN" >out 2>err; rc=$?
	test_grep "include-url.xsl:3: error: [MAP-SECURITY] refused: Network file read for http://127.0.0.1:9/other.xsl refused" err &&
	test ! -s out || exit 99
	exit $rc
'
test_expect_code 3 'xsl:import of a local file beside the stylesheet is refused too' '
	tdk map "$M/include-file.xsl" "$IN" >out 2>err; rc=$?
	test_grep "include-file.xsl:3: error: [MAP-SECURITY] refused: Local file read for $M/document-file.xsl refused" err || exit 99
	exit $rc
'
test_expect_code 1 'exsl:document cannot write a file' '
	refused exsl-write 5 "File write for written.txt refused"; rc=$?
	test ! -e written.txt && test ! -e "$M/written.txt" || exit 99
	exit $rc
'
test_expect_code 1 'a template that calls itself forever is stopped by --max-depth' '
	timeout 20 tdk map "$M/loop.xsl" "$IN" >out 2>err; rc=$?
	test_grep "loop.xsl:6: error: [MAP-LIMIT] templates nested deeper than 1000 (--max-depth); the run is stopped" err &&
	test "$(wc -l <err)" -eq 1 && test ! -s out || exit 99
	exit $rc
'
test_expect_code 1 '--max-depth 50 stops it sooner' '
	tdk map --max-depth 50 "$M/loop.xsl" "$IN" 2>err; rc=$?
	test_grep "templates nested deeper than 50 (--max-depth)" err || exit 99
	exit $rc
'
test_expect_code 1 'a tree that doubles itself is stopped by --max-nodes, in bounded memory' '
	command time -f "%M" -o rss timeout 60 tdk map --max-nodes 200000 "$M/explode.xsl" "$IN" >out 2>err; rc=$?
	test_grep "explode.xsl:11: error: [MAP-LIMIT] more than 200000 nodes created (--max-nodes); the run is stopped" err &&
	test "$(tail -1 rss)" -lt $((200000 * RSS_SCALE)) && test ! -s out || exit 99
	exit $rc
'
test_expect_code 1 'a string that doubles at every call is stopped by --max-memory, not by the machine' '
	command time -f "%M" -o rss timeout 60 tdk map --max-memory 64M "$M/concat-double.xsl" "$IN" >out 2>err; rc=$?
	test_grep "concat-double.xsl:10: error: [MAP-LIMIT] more than 64M of memory taken (--max-memory); the run is stopped" err &&
	test "$(wc -l <err)" -eq 1 && test "$(tail -1 rss)" -lt $((200000 * RSS_SCALE)) && test ! -s out || exit 99
	exit $rc
'
test_expect_code 1 'the default budget (512M) stops it too' '
	timeout 60 tdk map "$M/concat-double.xsl" "$IN" >out 2>err; rc=$?
	test_grep "error: [MAP-LIMIT] more than 512M of memory taken (--max-memory)" err || exit 99
	exit $rc
'
test_expect_code 1 'an XPath that walks too far is stopped by --max-steps' '
	tdk map --max-steps 50 "$M/steps.xsl" "$IN" >out 2>err; rc=$?
	test_grep "steps.xsl:3: error: [MAP-LIMIT] more XPath steps than the limit (--max-steps); the run is stopped" err || exit 99
	exit $rc
'
test_expect_code 1 '--max-steps counts the steps of the whole run; libxml2 prints nothing of its own' '
	tdk map --max-steps 60 "$M/many-steps.xsl" "$IN" >out 2>err; rc=$?
	test_grep "many-steps.xsl:4: error: [MAP-LIMIT] more XPath steps than the limit (--max-steps); the run is stopped" err &&
	test "$(wc -l <err)" -eq 1 && test ! -s out || exit 99
	exit $rc
'
test_expect_code 1 'a result larger than --max-output is refused' '
	tdk map --max-output 100 "$SAMPLES/wco-summary.xsl" "$IN" >out 2>err; rc=$?
	test_grep "[MAP-LIMIT] the result is larger than 100 bytes (--max-output)" err && test ! -s out || exit 99
	exit $rc
'
test_expect_code 1 'xsl:message: a warning; terminate="yes" an error that stops the run' '
	tdk map "$M/message.xsl" "$IN" >out 2>err; rc=$?
	test_grep "message.xsl:4: warning: [MAP-MESSAGE] xsl:message: first note" err &&
	test_grep "message.xsl:5: error: [MAP-MESSAGE] xsl:message: cannot go on" err && test ! -s out || exit 99
	exit $rc
'
test_expect_code 3 'a stylesheet that is not XML' '
	tdk map "$M/not-xml.xsl" "$IN" >out 2>err; rc=$?
	test_grep "not-xml.xsl:1:1: error: [MAP-XML]" err && test ! -s out || exit 99
	exit $rc
'
test_expect_code 3 'XML that is not XSLT' '
	tdk map "$M/not-xslt.xsl" "$IN" >out 2>err; rc=$?
	test_grep "not-xslt.xsl:1: error: [MAP-XSLT] not an XSLT stylesheet: the root element is '\''html'\'' in no namespace" err || exit 99
	exit $rc
'
test_expect_code 3 'a stylesheet whose XPath does not compile' '
	tdk map "$M/badxpath.xsl" "$IN" >out 2>err; rc=$?
	test_grep "badxpath.xsl:3: error: [MAP-XSLT] xsl:value-of : could not compile select expression '\''1 +'\''" err || exit 99
	exit $rc
'
test_expect_code 3 'a stylesheet with a DTD that declares entities is refused before any is expanded' '
	printf "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]>\n<xsl:stylesheet version=\"1.0\" xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\"><xsl:template match=\"/\">&b;</xsl:template></xsl:stylesheet>\n" >ent.xsl &&
	tdk map ent.xsl "$IN" >out 2>err; rc=$?
	test_grep "[MAP-XML-ENTITY]" err && test ! -s out || exit 99
	exit $rc
'
test_expect_code 3 'a stylesheet that cannot be read' '
	tdk map missing.xsl "$IN" 2>err; rc=$?
	test_grep "missing.xsl: error: [MAP-READ] cannot read the stylesheet: No such file or directory" err || exit 99
	exit $rc
'
test_done
