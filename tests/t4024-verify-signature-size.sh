#!/bin/sh
# A signature document has a size limit of its own (--max-signature-size,
# default 16M): verifying costs about 30 times the document's size in memory,
# so a document over the limit is refused (exit 3, VERIFY-SIZE-LIMIT) before
# it is parsed, whether it comes alone or inside a container.
. "$(dirname "$0")/lib.sh"

K="-k $SAMPLES/broker.key --cert $SAMPLES/broker.pem"
CA="--ca $SAMPLES/broker-ca.pem"

# items N: a declaration of N items (about 30 bytes each).
items() {
	perl -e 'print "<D xmlns=\"urn:x\">", (map { "<i n=\"$_\">item $_</i>\n" } 1 .. $ARGV[0]), "</D>\n"' "$1"
}

test_expect_code 3 'a 20 MB signed document over the 16M default: VERIFY-SIZE-LIMIT, in bounded memory' '
	items 700000 >big.xml && tdk sign $K -o big-s.xml big.xml &&
	test $(wc -c <big-s.xml) -gt 16777216 &&
	/usr/bin/time -f %M -o rss tdk verify $CA big-s.xml 2>err >out; r=$?
	test_grep "[VERIFY-SIZE-LIMIT]" err && test_grep "max-signature-size" err &&
	test $(($(tail -1 rss) / RSS_SCALE)) -lt 65536 || { cat rss; exit 99; }; exit $r
'
test_expect_success 'the same document verifies with the limit raised' '
	tdk verify $CA --max-signature-size 32M big-s.xml >out && test_grep ": valid" out
'
test_expect_success 'a document at the limit verifies' '
	items 30000 >m.xml && tdk sign $K -o m-s.xml m.xml &&
	n=$(wc -c <m-s.xml) &&
	/usr/bin/time -f %M -o rss tdk verify $CA --max-signature-size $n m-s.xml >out &&
	test_grep ": valid" out &&
	test $(($(tail -1 rss) / RSS_SCALE)) -lt $((n * 40 / 1024 + 32768)) || { cat rss; exit 99; }
'
test_expect_code 3 'one byte over the limit: VERIFY-SIZE-LIMIT' '
	n=$(wc -c <m-s.xml) &&
	tdk verify $CA --max-signature-size $((n - 1)) m-s.xml 2>err >/dev/null; r=$?
	test_grep "[VERIFY-SIZE-LIMIT]" err || exit 99; exit $r
'
test_expect_code 3 'a container whose signatures file is over the limit: VERIFY-SIZE-LIMIT' '
	tdk pack -o d.asice $K m.xml >/dev/null &&
	tdk verify $CA --max-signature-size 1000 d.asice 2>err >/dev/null; r=$?
	test_grep "[VERIFY-SIZE-LIMIT]" err && test_grep "signatures0.xml" err || exit 99; exit $r
'
test_expect_success 'the container verifies under the default' '
	tdk verify $CA d.asice >/dev/null
'
test_done
