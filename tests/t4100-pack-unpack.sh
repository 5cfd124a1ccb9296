#!/bin/sh
# tdk pack, tdk unpack and container verification: the strict layout written
# (mimetype first, stored, at offset 38), safe extraction against zip-slip,
# absolute names, links, duplicates and zip bombs (each limit a flag), and
# container verification with its forgeries: an extra unsigned file, a file
# changed, a manifest that lists a missing file, a truncated container.
# Hostile archives are made here with python3's zipfile.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/pki.sh"

test_expect_success 'make the test PKI and the dossier files' '
	make_pki && printf "invoice 42\\n" >invoice.txt && mkdir -p docs &&
	printf "certificate of origin\\n" >"docs/origin cert.txt"
'

test_expect_success 'pack writes mimetype first, stored, with the media type at byte 38' '
	tdk pack -o d.asice -C . doc.xml invoice.txt "docs/origin cert.txt" &&
	test "$(dd if=d.asice bs=1 skip=30 count=39 2>/dev/null)" = "mimetypeapplication/vnd.etsi.asic-e+zip" &&
	unzip -l d.asice >list && test_grep "META-INF/manifest.xml" list && test_grep "docs/origin cert.txt" list
'
test_expect_success 'the manifest lists every file with its media type' '
	unzip -p d.asice META-INF/manifest.xml >m.xml &&
	test_grep "manifest:full-path=\"/\" manifest:media-type=\"application/vnd.etsi.asic-e+zip\"" m.xml &&
	test_grep "manifest:full-path=\"doc.xml\" manifest:media-type=\"text/xml\"" m.xml &&
	test_grep "manifest:full-path=\"docs/origin cert.txt\"" m.xml
'
test_expect_code 1 'an unsigned container does not verify: ASIC-NO-SIGNATURE' '
	tdk verify --ca ca.pem d.asice 2>err; r=$?; test_grep ASIC-NO-SIGNATURE err || exit 99; exit $r
'
test_expect_success 'a signed container verifies and reports every file as signed' '
	tdk pack -o s.asice -C . -k rsa.key --cert rsa.pem doc.xml invoice.txt "docs/origin cert.txt" &&
	tdk verify --ca ca.pem s.asice >out && test $(grep -c ": signed" out) = 3 &&
	test_grep "docs/origin%20cert.txt" out
'
test_expect_code 1 'forgery: an extra unsigned file added to the container: ASIC-UNSIGNED-FILE' '
	cp s.asice extra.asice && echo "not signed" >extra.txt && zip -q extra.asice extra.txt &&
	tdk verify --ca ca.pem extra.asice >out 2>err; r=$?
	test_grep ASIC-UNSIGNED-FILE err && test_grep "file '"'"'extra.txt'"'"': NOT SIGNED" out || exit 99; exit $r
'
test_expect_code 1 'forgery: a signed file replaced: VERIFY-DIGEST' '
	cp s.asice changed.asice && echo "invoice 43" >invoice.txt && zip -q changed.asice invoice.txt &&
	tdk verify --ca ca.pem changed.asice 2>err; r=$?; test_grep VERIFY-DIGEST err || exit 99; exit $r
'
test_expect_code 1 'a manifest that lists a missing file: ASIC-MANIFEST-MISSING' '
	cp s.asice missing.asice && zip -q -d missing.asice "docs/origin cert.txt" &&
	tdk verify --ca ca.pem missing.asice 2>err; r=$?; test_grep ASIC-MANIFEST-MISSING err || exit 99; exit $r
'
test_expect_code 1 'manifest entries with an empty path and an empty folder: only the empty path is reported' '
	mkdir -p em/META-INF && cp s.asice em.asice && printf "%s\n" \
		"<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\">" \
		"<manifest:file-entry manifest:full-path=\"\" manifest:media-type=\"text/plain\"/>" \
		"<manifest:file-entry manifest:full-path=\"empty-folder/\" manifest:media-type=\"\"/>" \
		"</manifest:manifest>" >em/META-INF/manifest.xml &&
	(cd em && zip -q ../em.asice META-INF/manifest.xml) &&
	tdk verify --ca ca.pem em.asice 2>err; r=$?; cat err
	test "$(grep -c ASIC-MANIFEST-MISSING err)" = 1 && test_grep "lists '"'"''"'"'" err || exit 99
	grep -q "empty-folder" err && exit 99
	exit $r
'
test_expect_code 3 'a truncated container: PACK-ZIP, exit 3' '
	head -c 300 s.asice >trunc.asice && tdk verify --ca ca.pem trunc.asice 2>err; r=$?
	test_grep PACK-ZIP err || exit 99; exit $r
'
test_expect_code 1 'a container signed by an untrusted key does not verify' '
	tdk pack -o r.asice -k rogue.key --cert rogue.pem doc.xml &&
	tdk verify --ca ca.pem r.asice 2>err; r=$?; test_grep VERIFY-CERT-UNTRUSTED err || exit 99; exit $r
'
# Media types: relatives of ASiC read as ASiC-E, with a warning; the ASiC-S rule.
with_mimetype() { # container media-type output
	cp "$1" "$3" && mkdir -p mt.d && printf %s "$2" >mt.d/mimetype &&
	(cd mt.d && zip -q -0 -X "../$3" mimetype)
}
test_expect_success 'a BDOC 1.0 media type is read as ASiC-E and verifies, with ASIC-MIMETYPE' '
	with_mimetype s.asice application/vnd.bdoc-1.0 s.bdoc &&
	tdk verify --ca ca.pem s.bdoc 2>err && test_grep ASIC-MIMETYPE err && test_grep "BDOC 1.0" err
'
test_expect_code 1 'another media type and no signature in META-INF: ASIC-NOT-ASIC' '
	with_mimetype d.asice text/plain plain.zip &&
	tdk verify --ca ca.pem plain.zip 2>err; r=$?; test_grep ASIC-NOT-ASIC err || exit 99; exit $r
'
test_expect_success 'ASiC-S with its one data object in the root verifies' '
	tdk pack -o one.asice -k rsa.key --cert rsa.pem invoice.txt &&
	with_mimetype one.asice application/vnd.etsi.asic-s+zip one.asics && tdk verify --ca ca.pem one.asics
'
test_expect_code 1 'ASiC-S whose data object is in a folder: ASIC-S-STRUCTURE' '
	tdk pack -o sub.asice -C . -k rsa.key --cert rsa.pem "docs/origin cert.txt" &&
	with_mimetype sub.asice application/vnd.etsi.asic-s+zip sub.asics &&
	tdk verify --ca ca.pem sub.asics 2>err; r=$?; test_grep ASIC-S-STRUCTURE err || exit 99; exit $r
'
test_expect_code 1 'ASiC-S with two data objects: ASIC-S-STRUCTURE' '
	with_mimetype s.asice application/vnd.etsi.asic-s+zip two.asics &&
	tdk verify --ca ca.pem two.asics 2>err; r=$?; test_grep ASIC-S-STRUCTURE err || exit 99; exit $r
'
test_expect_success 'unpack extracts every entry; the bytes are the same' '
	tdk unpack -C ex s.asice && cmp ex/doc.xml doc.xml && test -f "ex/docs/origin cert.txt" &&
	test -f ex/META-INF/signatures0.xml
'
test_expect_code 2 'pack refuses names that climb out (-C): PACK-NAME' '
	tdk pack -o bad.asice -C . ../"$(basename "$TRASH")"/doc.xml 2>err; r=$?; test_grep PACK-NAME err
	test ! -e bad.asice || exit 99; exit $r
'

# Hostile archives.
mkzip() { python3 - "$@" <<'PY'
import sys, zipfile, stat
out, kind = sys.argv[1], sys.argv[2]
z = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)
if kind == "slip":
    z.writestr("ok.txt", "fine"); z.writestr("../evil.txt", "escaped")
elif kind == "abs":
    z.writestr("ok.txt", "fine"); z.writestr("/tmp/tdk-abs-evil.txt", "escaped")
elif kind == "link":
    i = zipfile.ZipInfo("link"); i.create_system = 3; i.external_attr = (stat.S_IFLNK | 0o777) << 16
    z.writestr(i, "/etc"); z.writestr("link/passwd", "x")
elif kind == "dup":
    import warnings; warnings.simplefilter("ignore")
    z.writestr("a.txt", "one"); z.writestr("a.txt", "two")
elif kind == "bomb":
    z.writestr("bomb.txt", b"\0" * (20 << 20))
elif kind == "many":
    for n in range(50): z.writestr("f%d.txt" % n, "x")
z.close()
PY
}
test_expect_code 1 'zip-slip: an entry named ../evil.txt is refused and nothing is written' '
	mkzip slip.zip slip && mkdir x && tdk unpack -C x slip.zip 2>err; r=$?
	test_grep PACK-UNSAFE-NAME err && test ! -e evil.txt && test ! -e x/ok.txt || exit 99; exit $r
'
test_expect_code 1 'an absolute entry name is refused' '
	mkzip abs.zip abs && tdk unpack -C y abs.zip 2>err; r=$?
	test_grep PACK-UNSAFE-NAME err && test ! -e /tmp/tdk-abs-evil.txt || exit 99; exit $r
'
test_expect_code 1 'a symbolic link entry is refused: PACK-LINK' '
	mkzip link.zip link && tdk unpack -C z link.zip 2>err; r=$?; test_grep PACK-LINK err && test ! -e z/link || exit 99; exit $r
'
test_expect_code 3 'a link already in the folder is not followed' '
	tdk pack -o sub.asice -C . docs/origin\ cert.txt && mkdir w && ln -s /tmp w/docs &&
	tdk unpack -C w sub.asice 2>err; r=$?; test_grep PACK-WRITE err && test ! -e "/tmp/origin cert.txt" || exit 99; exit $r
'
test_expect_code 1 'duplicate names are refused: PACK-DUPLICATE' '
	mkzip dup.zip dup && tdk unpack -C v dup.zip 2>err; r=$?; test_grep PACK-DUPLICATE err || exit 99; exit $r
'
test_expect_code 1 'a zip bomb is stopped by the ratio limit: PACK-LIMIT-RATIO' '
	mkzip bomb.zip bomb && tdk unpack -C b bomb.zip 2>err; r=$?
	test_grep PACK-LIMIT-RATIO err && test ! -e b/bomb.txt || exit 99; exit $r
'
test_expect_success 'a raised --max-ratio lets the same archive through' '
	tdk unpack --max-ratio 100000 -C b2 bomb.zip && test $(wc -c <b2/bomb.txt) = 20971520
'
test_expect_code 1 'the total size limit: PACK-LIMIT-SIZE' '
	tdk unpack --max-ratio 100000 --max-size 1M -C b3 bomb.zip 2>err; r=$?; test_grep PACK-LIMIT-SIZE err || exit 99; exit $r
'
test_expect_code 1 'the entry count limit: PACK-LIMIT-ENTRIES' '
	mkzip many.zip many && tdk unpack --max-entries 10 -C m many.zip 2>err; r=$?
	test_grep PACK-LIMIT-ENTRIES err || exit 99; exit $r
'
test_expect_success '--list shows hostile names without extracting them' '
	tdk unpack --list slip.zip >out && test_grep "../evil.txt (unsafe name)" out
'
test_expect_code 3 'not a ZIP at all: PACK-ZIP' '
	tdk unpack -C n doc.xml 2>err; r=$?; test_grep PACK-ZIP err || exit 99; exit $r
'
test_done
