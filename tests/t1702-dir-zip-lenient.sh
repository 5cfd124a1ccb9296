#!/bin/sh
# tdk dir / validate -D: a release zip is read as unzip(1) reads it, from its
# central directory (APPNOTE 4.3.12), not refused because a FAT-era zipper
# wrote a local header that differs from its central record (libzip's
# ZIP_CHECKCONS, "Zip archive inconsistent"): UNECE's D.11B zip is such an
# outer zip of stored member zips.  What that check guarded stays: a member
# whose CRC is wrong, or two entries that share bytes, are EDI-DIR-BROKEN.
# The zips are written here from scratch (tests/data/dir/d18t inside).
. "$(dirname "$0")/lib.sh"

cat >mkzip.py <<'PY'
# mkzip.py OUT KIND: an outer zip of stored member zips, one per folder of the
# D.18T fixture, written record by record so that one field can be made odd.
import io, os, struct, sys, zipfile, zlib
out, kind = sys.argv[1], sys.argv[2]
src = os.path.join(os.environ["DATA"], "dir", "d18t")
members = []
for sub in sorted(os.listdir(src)):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(os.listdir(os.path.join(src, sub))):
            z.write(os.path.join(src, sub, f), f)
    data = buf.getvalue()
    if kind == "inflate" and not members:
        # The first entry's deflate stream starts with an invalid block type (BTYPE 11):
        # inflating it fails with a zlib error, whose text libzip allocates.
        k = 30 + struct.unpack("<H", data[26:28])[0] + struct.unpack("<H", data[28:30])[0]
        data = data[:k] + b"\xff" + data[k + 1:]
    members.append((sub + ".ZIP", data))
dostime, dosdate = (10 << 11) | (30 << 5) | 7, ((2011 - 1980) << 9) | (11 << 5) | 4
body, cd = b"", b""
offsets = []
for i, (name, data) in enumerate(members):
    crc = zlib.crc32(data) & 0xFFFFFFFF
    lver, ltime = 10, dostime
    if kind == "version":
        lver = 20                      # local header asks for more than the central record
    if kind == "time":
        ltime = dostime + 1            # two seconds later in the local header (FAT resolution)
    stored = data
    if kind == "crc" and i == 0:
        stored = data[:-1] + bytes([data[-1] ^ 0xFF])
    n = name.encode()
    local = struct.pack("<4sHHHHHIIIHH", b"PK\3\4", lver, 0, 0, ltime, dosdate, crc, len(data), len(data), len(n), 0) + n
    offsets.append(len(body))
    body += local + stored
for i, (name, data) in enumerate(members):
    crc = zlib.crc32(data) & 0xFFFFFFFF
    off = offsets[0] if kind == "overlap" and i == 1 else offsets[i]
    n = name.encode()
    cd += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\1\2", 10, 10, 0, 0, dostime, dosdate, crc, len(data), len(data),
                      len(n), 0, 0, 0, 0, 0x20, off) + n
end = struct.pack("<4sHHHHIIH", b"PK\5\6", 0, 0, len(members), len(members), len(cd), len(body), 0)
tail = b"\x1a" if kind == "tail" else b""
open(out, "wb").write(body + cd + end + tail)
PY

gdsres() {
	printf "UNB+UNOA:3+S+R+241105:1402+I1'UNH+1+GDSRES:D:18T:UN'BGM+1'RFF+AAA:1'UNT+4+1'UNZ+1+I1'"
}
gdsres >m.edi

test_expect_success 'the generator writes zips unzip -t and Python read whole' '
	for k in plain version time tail; do
		python3 mkzip.py d18t-$k.zip $k && unzip -tq d18t-$k.zip >/dev/null &&
		python3 -c "import sys, zipfile; assert zipfile.ZipFile(sys.argv[1]).testzip() is None" d18t-$k.zip || exit 1
	done
'
for k in 'plain|as zip(1) would write it' \
	 'version|a local header that asks a higher version to extract than its central record' \
	 'time|a local header whose time is two seconds off its central record' \
	 'tail|a DOS end-of-file byte after the end of central directory record'; do
	test_expect_success "release zip with ${k#*|}: loads, validates" "
		tdk validate -D d18t-${k%%|*}.zip m.edi 2>err && ! test -s err &&
		tdk dir show -D d18t-${k%%|*}.zip D18T GDSRES >show && grep -q '^GDSRES D18T' show
	"
done
test_expect_code 1 'forgery: a member zip whose CRC does not match its bytes is EDI-DIR-BROKEN' '
	python3 mkzip.py d18t-crc.zip crc || exit 99
	! unzip -tq d18t-crc.zip >/dev/null 2>&1 || exit 99
	tdk validate -D d18t-crc.zip m.edi 2>err; rc=$?
	test_grep "[EDI-DIR-BROKEN] '"'"'d18t-crc.zip'"'"': member '"'"'EDCD.ZIP'"'"' is damaged: CRC error" err || exit 99
	exit $rc
'
test_expect_code 1 'forgery: a member whose deflate stream is broken: EDI-DIR-BROKEN with zlib'"'"'s reason' '
	python3 mkzip.py d18t-inflate.zip inflate || exit 99
	tdk validate -D d18t-inflate.zip m.edi 2>err; rc=$?
	test_grep "[EDI-DIR-BROKEN]" err && test_grep "is damaged: " err || exit 99
	exit $rc
'
test_expect_code 1 'forgery: two entries that share bytes of the zip are refused (PACK-OVERLAP, EDI-DIR-BROKEN)' '
	python3 mkzip.py d18t-overlap.zip overlap || exit 99
	tdk validate -D d18t-overlap.zip m.edi 2>err; rc=$?
	test_grep "[PACK-OVERLAP]" err && test_grep "[EDI-DIR-BROKEN]" err || exit 99
	exit $rc
'
test_done
