#!/bin/sh
# Business rules: --rules applies ISO Schematron (libxml2's engine, XPath
# 1.0); each failed assertion is an XML-RULE error naming the pattern id and
# the node's line.  The sample rules for a WCO DM declaration run on the
# sample and its broken twin, and on every CDS declaration of the corpus,
# where the item-count rule is checked against xmllint --xpath.
. "$(dirname "$0")/lib.sh"

W=$TDK_CORPUS/wco
R=$SAMPLES/wco-declaration.sch

test_expect_success 'the sample declaration satisfies the sample rules' '
	tdk validate --well-formed --rules "$R" "$SAMPLES/wco-declaration.xml" 2>err && test ! -s err'
test_expect_code 1 'its broken twin fails four rules, each with its id and the line of its node' '
	tdk validate --well-formed --rules "$R" "$SAMPLES/wco-declaration-broken.xml" 2>err; rc=$?
	test $(grep -c "\[XML-RULE\]" err) -eq 4 &&
	test_grep "wco-declaration-broken.xml:12: error: [XML-RULE] rule '"'"'DEC-ITEM-COUNT'"'"'" err &&
	test_grep "rule '"'"'DEC-PACKAGE-TOTAL'"'"'" err && test_grep "rule '"'"'DEC-DATE-ORDER'"'"'" err &&
	test_grep "wco-declaration-broken.xml:35: error: [XML-RULE] rule '"'"'DEC-CURRENCY'"'"'" err || exit 99
	exit $rc
'
test_expect_code 1 'the invoice total: a changed item amount breaks DEC-INVOICE-TOTAL only' '
	sed "s|>750.00<|>700.00<|" "$SAMPLES/wco-declaration.xml" >total.xml
	tdk validate --well-formed --rules "$R" total.xml 2>err; rc=$?
	test $(grep -c "\[XML-RULE\]" err) -eq 1 && test_grep "DEC-INVOICE-TOTAL" err || exit 99
	exit $rc
'
test_expect_code 1 'rules are not applied to a document that is not well-formed' '
	printf "<a><b></a>" >nwf.xml
	tdk validate --well-formed --rules "$R" nwf.xml 2>err; rc=$?
	test_grep "[XML-SYNTAX]" err && ! grep -q XML-RULE err || exit 99
	exit $rc
'
test_expect_code 3 'rules that do not compile: XML-RULE-COMPILE, exit 3, nothing checked' '
	printf "<sch:schema xmlns:sch=\"http://purl.oclc.org/dsdl/schematron\"><sch:pattern id=\"P\"><sch:rule context=\"a[\"><sch:assert test=\"1\">x</sch:assert></sch:rule></sch:pattern></sch:schema>\n" >bad.sch
	tdk validate --well-formed --rules bad.sch "$SAMPLES/wco-declaration.xml" 2>err; rc=$?
	test_grep "[XML-RULE-COMPILE]" err || exit 99
	exit $rc
'
test_expect_code 3 'a missing rules file' 'tdk validate --rules no-such.sch "$SAMPLES/wco-declaration.xml" 2>/dev/null'
test_expect_code 1 'json: a rule failure carries its line' '
	tdk validate --well-formed --format json --rules "$R" "$SAMPLES/wco-declaration-broken.xml" >out; rc=$?
	perl -MJSON::PP -ne "my \$o = decode_json(\$_); \$n++ if (\$o->{code} // q()) eq q(XML-RULE) && \$o->{line} > 0; END { exit(\$n == 4 ? 0 : 1) }" out || exit 99
	exit $rc
'

if [ -d "$W" ]; then
	test_expect_success 'corpus: DEC-ITEM-COUNT on every CDS declaration agrees with xmllint --xpath' '
		grep -rl --include="*.xml" "urn:wco:datamodel:WCO:DEC-DMS:2" "$W" | LC_ALL=C sort >decls
		test -s decls || exit 99
		tdk validate --well-formed --rules "$R" --format json --files-from decls >out 2>/dev/null
		case $? in 0|1) ;; *) exit 99 ;; esac
		perl -MJSON::PP -ne "my \$o = decode_json(\$_); print \$o->{file}, qq(\n) if (\$o->{message} // q()) =~ /DEC-ITEM-COUNT/" out | sort -u >tdk.fail
		while IFS= read -r f; do
			xmllint --noout "$f" 2>/dev/null || continue
			r=$(xmllint --xpath "boolean(//*[local-name()=\"Declaration\" and namespace-uri()=\"urn:wco:datamodel:WCO:DEC-DMS:2\"][*[local-name()=\"GoodsItemQuantity\"]][number(*[local-name()=\"GoodsItemQuantity\"]) != count(*[local-name()=\"GoodsShipment\"]/*[local-name()=\"GovernmentAgencyGoodsItem\"])])" "$f")
			[ "$r" = true ] && echo "$f"
		done <decls | sort -u >xpath.fail
		test_cmp xpath.fail tdk.fail && echo "$(wc -l <decls) declarations, $(wc -l <tdk.fail) fail the rule"
	'
	test_expect_success 'corpus: every rule failure names a pattern of the sample rules and a line' '
		perl -MJSON::PP -ne "my \$o = decode_json(\$_); next unless (\$o->{code} // q()) eq q(XML-RULE); exit 1 unless \$o->{message} =~ /^rule .DEC-(ITEM-COUNT|PACKAGE-TOTAL|INVOICE-TOTAL|DATE-ORDER|CURRENCY)./ && \$o->{line} > 0" out
	'
else
	test_skip 'corpus rules' "$W is absent (set TDK_CORPUS)"
fi
test_done
