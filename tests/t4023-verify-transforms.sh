#!/bin/sh
# Authenticate first (W3C XML Signature Best Practices §2.1): tdk verify
# checks the signature value over SignedInfo, and the signer's trust, before
# any reference's transforms run; XSLT transforms are refused unless
# --allow-xslt; XPath transforms run only on documents of at most
# --max-xpath-nodes nodes.  Runaway work is bounded with ulimit -t: a test
# killed by it fails (a signal is never an expected exit).
. "$(dirname "$0")/lib.sh"

CA="--ca $SAMPLES/broker-ca.pem"
DS=http://www.w3.org/2000/09/xmldsig#
XSLT=http://www.w3.org/TR/1999/REC-xslt-19991116
XPATH=http://www.w3.org/TR/1999/REC-xpath-19991116
CERT=$(sed '/^-----/d' "$SAMPLES/broker.pem" | tr -d '\n')
# An ECDSA P-256 value of the right length (64 octets) that verifies nothing.
FORGED=$(perl -e 'print "A" x 86, "=="')

# doc N TRANSFORM [SIGVALUE]: a declaration of N items with an enveloped
# signature template whose reference runs TRANSFORM; with SIGVALUE, filled in
# as a forgery (any digest, that value, the broker's certificate).
doc() {
	perl -e 'my ($n, $t, $sv, $cert) = @ARGV; my $v = defined $sv && length $sv;
		print "<D xmlns=\"urn:x\">", (map { "<i>$_</i>" } 1 .. $n),
		"<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo>",
		"<CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
		"<SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256\"/>",
		"<Reference URI=\"\"><Transforms>",
		"<Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>$t",
		"</Transforms><DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>",
		"<DigestValue>", ($v ? "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" : ""), "</DigestValue>",
		"</Reference></SignedInfo><SignatureValue>", ($v ? $sv : ""), "</SignatureValue>",
		"<KeyInfo><X509Data><X509Certificate>", ($v ? $cert : ""),
		"</X509Certificate></X509Data></KeyInfo></Signature></D>\n"' "$1" "$2" "${3:-}" "$CERT"
}
# Six nested for-each over every node: n^6 steps (97 s and 1.27 GB on 2 KB before).
bomb="<Transform Algorithm=\"$XSLT\"><xsl:stylesheet version=\"1.0\" xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\"><xsl:template match=\"/\">"
for k in 1 2 3 4 5 6; do bomb="$bomb<xsl:for-each select=\"//node()\">"; done
bomb="$bomb<x/>"
for k in 1 2 3 4 5 6; do bomb="$bomb</xsl:for-each>"; done
bomb="$bomb</xsl:template></xsl:stylesheet></Transform>"
identity="<Transform Algorithm=\"$XSLT\"><xsl:stylesheet version=\"1.0\" xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\"><xsl:template match=\"/\"><xsl:copy-of select=\".\"/></xsl:template></xsl:stylesheet></Transform>"
# Evaluated for every node, counting every node twice over: n^3.
cubic="<Transform Algorithm=\"$XPATH\"><XPath>count(//node()[count(//node()) &gt; 0]) &gt; 0</XPath></Transform>"
plain="<Transform Algorithm=\"$XPATH\"><XPath xmlns:ds=\"$DS\">not(ancestor-or-self::ds:Signature)</XPath></Transform>"

test_expect_code 1 'unsigned XSLT bomb: refused before it runs (VERIFY-XSLT)' '
	doc 40 "$bomb" "$FORGED" >bomb.xml && ulimit -t 10 &&
	/usr/bin/time -f %M -o rss tdk verify $CA bomb.xml 2>err >/dev/null; r=$?
	test_grep "[VERIFY-XSLT]" err && test $(($(tail -1 rss) / RSS_SCALE)) -lt 65536 || exit 99; exit $r
'
test_expect_code 1 'unsigned XSLT bomb with --allow-xslt: the signature value fails first, the bomb never runs' '
	ulimit -t 10 &&
	/usr/bin/time -f %M -o rss tdk verify --allow-xslt $CA bomb.xml 2>err >/dev/null; r=$?
	test_grep "[VERIFY-SIGNATURE-VALUE]" err && ! grep -q VERIFY-DIGEST err &&
	test $(($(tail -1 rss) / RSS_SCALE)) -lt 65536 || exit 99; exit $r
'
test_expect_code 1 'unsigned cubic XPath transform on 1,000 nodes: the signature value fails first' '
	doc 1000 "$cubic" "$FORGED" >xp.xml && ulimit -t 10 &&
	tdk verify $CA xp.xml 2>err >/dev/null; r=$?
	test_grep "[VERIFY-SIGNATURE-VALUE]" err || exit 99; exit $r
'
test_expect_code 1 'an XPath transform on a document over --max-xpath-nodes: VERIFY-TRANSFORM-LIMIT' '
	doc 20000 "$cubic" "$FORGED" >big.xml && ulimit -t 10 &&
	tdk verify $CA big.xml 2>err >/dev/null; r=$?
	test_grep "[VERIFY-TRANSFORM-LIMIT]" err || exit 99; exit $r
'
test_expect_success 'a signed XPath transform (not(ancestor-or-self::ds:Signature)) verifies, whole document (t4031)' '
	doc 3 "$plain" >t.xml &&
	xmlsec1 --sign --privkey-pem "$SAMPLES/broker.key,$SAMPLES/broker.pem" --output px.xml t.xml 2>/dev/null &&
	tdk verify $CA px.xml >out && test_grep "covers the whole document: ok" out
'
test_expect_code 1 'the same with --max-xpath-nodes 5: VERIFY-TRANSFORM-LIMIT' '
	tdk verify $CA --allow-partial --max-xpath-nodes 5 px.xml 2>err >/dev/null; r=$?
	test_grep "[VERIFY-TRANSFORM-LIMIT]" err || exit 99; exit $r
'
test_expect_success 'a signed XSLT transform: refused by default, verified with --allow-xslt' '
	doc 3 "$identity" >t.xml &&
	xmlsec1 --sign --privkey-pem "$SAMPLES/broker.key,$SAMPLES/broker.pem" --output sx.xml t.xml 2>/dev/null &&
	{ tdk verify $CA --allow-partial sx.xml 2>err >/dev/null; test $? = 1; } &&
	test_grep "[VERIFY-XSLT]" err &&
	tdk verify $CA --allow-partial --allow-xslt sx.xml >/dev/null
'
test_expect_code 1 'a bomb signed by an untrusted key, armed after signing: trust fails before it runs' '
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout rogue.key -out rogue.pem -days 30 \
		-subj "/CN=rogue" 2>/dev/null &&
	doc 2 "$bomb" >t.xml &&
	xmlsec1 --sign --privkey-pem rogue.key,rogue.pem --output rs.xml t.xml 2>/dev/null &&
	perl -pi -e "s|<i>1</i>|join q(), map { qq(<i>\$_</i>) } 1 .. 60|e" rs.xml && ulimit -t 10 &&
	tdk verify $CA --allow-xslt rs.xml 2>err >/dev/null; r=$?
	test_grep "[VERIFY-CERT-UNTRUSTED]" err || exit 99; exit $r
'
test_done
