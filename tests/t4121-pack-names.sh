#!/bin/sh
# How tdk pack names a dossier's entries: by the file's own name (its last
# component) by default, as other ASiC tools do, whether the path is
# absolute or has folders; "name=path" names one file (./a=b is the file
# a=b); -C DIR reads the files from DIR and names them as written, folders
# kept, as tar -C does.  Two inputs under one name are refused
# (PACK-DUPLICATE, exit 2, nothing written); a name that climbs out or is
# absolute is refused (PACK-NAME, exit 2).  Unpacking gives the files back
# under those names.
. "$(dirname "$0")/lib.sh"

ulimit -t 60
mkdir -p in/docs in/scans &&
printf 'invoice 42\n' >in/docs/invoice.txt &&
printf 'scan of the invoice\n' >in/scans/invoice.txt &&
printf '<declaration/>\n' >in/declaration.xml &&
printf 'a file with = in its name\n' >'a=b'

# Entry names of container $1, one a line, without mimetype and META-INF/.
entries() { unzip -Z1 "$1" | grep -v -e '^mimetype$' -e '^META-INF/' ; }

test_expect_success 'an absolute path is stored under its base name' '
	tdk pack -o abs.asice "$TRASH/in/declaration.xml" &&
	entries abs.asice >got && echo declaration.xml >want && test_cmp want got
'
test_expect_success 'a relative path with folders is stored under its base name' '
	tdk pack -o rel.asice in/declaration.xml in/docs/invoice.txt &&
	entries rel.asice >got && printf "declaration.xml\ninvoice.txt\n" >want && test_cmp want got
'
test_expect_success 'name=path stores the file under the name given, folders and all' '
	tdk pack -o named.asice invoice.txt=in/docs/invoice.txt scans/invoice-scan.txt=in/scans/invoice.txt &&
	entries named.asice >got && printf "invoice.txt\nscans/invoice-scan.txt\n" >want && test_cmp want got
'
test_expect_success 'a file whose name holds = is given as ./a=b' '
	tdk pack -o eq.asice ./a=b && entries eq.asice >got && echo "a=b" >want && test_cmp want got
'
test_expect_success 'name=path whose path holds = splits at the first =' '
	tdk pack -o eq2.asice "x.txt=$TRASH/a=b" && entries eq2.asice >got && echo x.txt >want &&
	test_cmp want got && unzip -p eq2.asice x.txt | test_cmp a=b -
'
test_expect_success '-C DIR reads from DIR and names the files as written, folders kept' '
	tdk pack -o c.asice -C in declaration.xml docs/invoice.txt ./scans/invoice.txt &&
	entries c.asice >got && printf "declaration.xml\ndocs/invoice.txt\nscans/invoice.txt\n" >want &&
	test_cmp want got
'
test_expect_success '-C DIR with name=path: the path is read from DIR' '
	tdk pack -o cn.asice --input-dir in/docs bill.txt=invoice.txt &&
	entries cn.asice >got && echo bill.txt >want && test_cmp want got &&
	unzip -p cn.asice bill.txt | test_cmp in/docs/invoice.txt -
'
test_expect_code 2 'two inputs with one base name: PACK-DUPLICATE, exit 2, nothing written' '
	tdk pack -o dup.asice in/docs/invoice.txt in/scans/invoice.txt 2>err; r=$?
	test_grep "dup.asice: error: [PACK-DUPLICATE] '"'"'invoice.txt'"'"' is the name of both '"'"'in/docs/invoice.txt'"'"' and '"'"'in/scans/invoice.txt'"'"'" err &&
	test ! -e dup.asice && ! ls | grep -q tdk- || exit 99; exit $r
'
test_expect_code 2 'a name=path that takes a name already taken: PACK-DUPLICATE' '
	tdk pack -o dup2.asice in/declaration.xml declaration.xml=in/docs/invoice.txt 2>err; r=$?
	test_grep "[PACK-DUPLICATE]" err && test ! -e dup2.asice || exit 99; exit $r
'
test_expect_code 2 'under -C, ./x and x are one name: PACK-DUPLICATE' '
	tdk pack -o dup3.asice -C in declaration.xml ./declaration.xml 2>err; r=$?
	test_grep "[PACK-DUPLICATE]" err && test ! -e dup3.asice || exit 99; exit $r
'
test_expect_code 2 'a name=path whose name climbs out with ..: PACK-NAME, nothing written' '
	tdk pack -o up.asice ../evil.txt=in/docs/invoice.txt 2>err; r=$?
	test_grep "up.asice: error: [PACK-NAME] '"'"'../evil.txt'"'"' cannot be a name" err &&
	test ! -e up.asice || exit 99; exit $r
'
test_expect_code 2 'a name=path with .. inside the name: PACK-NAME' '
	tdk pack -o up2.asice docs/../../evil.txt=in/docs/invoice.txt 2>err; r=$?
	test_grep "[PACK-NAME]" err && test ! -e up2.asice || exit 99; exit $r
'
test_expect_code 2 'a name=path with an absolute name: PACK-NAME' '
	tdk pack -o slash.asice /etc/evil.txt=in/docs/invoice.txt 2>err; r=$?
	test_grep "[PACK-NAME] '"'"'/etc/evil.txt'"'"' cannot be a name" err && test ! -e slash.asice ||
		exit 99
	exit $r
'
test_expect_code 2 'a name=path with an empty name: PACK-NAME' '
	tdk pack -o empty.asice =in/docs/invoice.txt 2>err; r=$?
	test_grep "[PACK-NAME] '"'"''"'"' cannot be a name" err && test ! -e empty.asice || exit 99; exit $r
'
test_expect_code 2 'a name=path with a newline in the name: PACK-NAME, the name quoted' '
	tdk pack -o nl.asice "a
b.txt=in/docs/invoice.txt" 2>err; r=$?
	test_grep "[PACK-NAME] '"'"'\"a\\nb.txt\"'"'"'" err && test ! -e nl.asice || exit 99; exit $r
'
test_expect_code 2 'under -C, an absolute path is an absolute name: PACK-NAME' '
	tdk pack -o cabs.asice -C in "$TRASH/in/declaration.xml" 2>err; r=$?
	test_grep "[PACK-NAME]" err && test ! -e cabs.asice || exit 99; exit $r
'
test_expect_success 'the manifest types an entry by its name, then by its file' '
	cp in/docs/invoice.txt scan-0042.pdf && cp in/declaration.xml decl.bin &&
	tdk pack -o t.asice scan=scan-0042.pdf declaration.xml=decl.bin &&
	unzip -p t.asice META-INF/manifest.xml >m.xml &&
	test_grep "manifest:full-path=\"scan\" manifest:media-type=\"application/pdf\"" m.xml &&
	test_grep "manifest:full-path=\"declaration.xml\" manifest:media-type=\"text/xml\"" m.xml
'
test_expect_success 'unpack gives the files back under the names chosen' '
	tdk unpack -C out1 named.asice && cmp out1/invoice.txt in/docs/invoice.txt &&
	cmp out1/scans/invoice-scan.txt in/scans/invoice.txt &&
	tdk unpack -C out2 c.asice && cmp out2/docs/invoice.txt in/docs/invoice.txt &&
	cmp out2/scans/invoice.txt in/scans/invoice.txt && cmp out2/declaration.xml in/declaration.xml &&
	tdk unpack -C out3 abs.asice && cmp out3/declaration.xml in/declaration.xml &&
	tdk unpack -C out4 eq.asice && cmp out4/a=b a=b
'
test_expect_success 'a signed dossier of absolute paths and named files verifies under those names' '
	tdk pack -o s.asice -k "$SAMPLES/broker.key" --cert "$SAMPLES/broker.pem" \
		"$TRASH/in/declaration.xml" "scans/invoice scan.txt=in/scans/invoice.txt" &&
	tdk verify --ca "$SAMPLES/broker-ca.pem" s.asice >out &&
	test_grep "s.asice: file '"'"'declaration.xml'"'"': signed" out &&
	test_grep "s.asice: file '"'"'scans/invoice scan.txt'"'"': signed" out
'
test_done
