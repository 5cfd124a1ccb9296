#!/bin/sh
# tdk sign checks its result against the schema registered for the
# document's namespace: an enveloped signature that the schema has no room
# for gets the warning SIGN-SCHEMA (the result is still written, exit 0);
# a detached signature, or a document whose namespace no catalog names, or
# one that was invalid already, gets none.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/pki.sh"

test_expect_success 'set up: a PKI, tdk EDIFACT XML (its schema ships with tdk)' '
	make_pki &&
	tdk convert -o inv.xml "$SAMPLES/invoic-d96a.edi" && tdk validate -q inv.xml
'
test_expect_success 'enveloped: SIGN-SCHEMA names the first error and the alternatives' '
	tdk sign -k rsa.key --cert rsa.pem inv.xml >signed.xml 2>err &&
	test_grep "inv.xml: warning: [SIGN-SCHEMA] the signed document no longer validates" err &&
	test_grep "Signature'"'"': This element is not expected" err &&
	test_grep "sign it --detached, or put it in a signed dossier" err &&
	{ tdk validate -q signed.xml; test $? = 1; } &&
	tdk verify --ca ca.pem signed.xml >/dev/null
'
test_expect_success 'detached: no warning, and the declaration stays valid' '
	tdk sign --detached -k rsa.key --cert rsa.pem -O out inv.xml 2>err &&
	test ! -s err && test -s out/inv.xml.sig.xml && tdk validate -q inv.xml
'
test_expect_success 'a namespace no catalog names: no check, no warning' '
	tdk sign -k rsa.key --cert rsa.pem doc.xml >s.xml 2>err && test ! -s err
'
test_expect_success 'a document invalid already: signing did not break it, no warning' '
	sed "s|<segment tag=\"BGM\"|<bogus/>&|" inv.xml >bad.xml && ! tdk validate -q bad.xml &&
	tdk sign -k rsa.key --cert rsa.pem bad.xml >s.xml 2>err && ! grep -q SIGN-SCHEMA err
'
E=$TDK_CORPUS/wco/hmrc-customs-declare-exports
if [ -d "$E" ]; then
	test_expect_success 'corpus: a CDS declaration, signed enveloped, is warned about' '
		printf "<catalog xmlns=\"urn:oasis:names:tc:entity:xmlns:xml:catalog\"><uri name=\"urn:wco:datamodel:WCO:DocumentMetaData-DMS:2\" uri=\"%s\"/></catalog>\n" "$E/local-wrappers/submit_wrapper.xsd" >cds.xml &&
		dec="$E/instances/Imports/Accepted/Declaration/TT1_IM_v2.02_Accepted.xml" &&
		TDK_CATALOG=cds.xml tdk validate -q "$dec" &&
		TDK_CATALOG=cds.xml tdk sign -k rsa.key --cert rsa.pem "$dec" >s.xml 2>err &&
		test_grep "[SIGN-SCHEMA]" err && ! TDK_CATALOG=cds.xml tdk validate -q s.xml
	'
else
	test_skip 'corpus: a CDS declaration, signed enveloped, is warned about' "no corpus at $E"
fi
test_done
