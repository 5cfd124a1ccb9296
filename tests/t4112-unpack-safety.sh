#!/bin/sh
# tdk unpack never destroys what it did not create: an existing file is
# replaced only with --overwrite (else PACK-EXISTS, exit 3, nothing
# written); every entry is inflated and checked against the limits before
# the first write, so a bomb behind a good entry writes nothing; a failure
# while writing removes the files and folders this run made and nothing
# else.  Overlapping entries (one deflate stream shared by many records) are
# refused when the container is opened (PACK-OVERLAP).  A limit of 0 is a
# usage error.  Containers come from standard input and pipes as from files.
# Hostile archives are made here with python3.
. "$(dirname "$0")/lib.sh"

ulimit -t 60
mkzip() { python3 - "$@" <<'PY'
import sys, zipfile, struct, zlib
out, kind = sys.argv[1], sys.argv[2]
if kind == "overlap":
    # Two central directory records pointing at one local header: the second entry's bytes are the first's.
    data = zlib.compress(b"\0" * (1 << 20))[2:-4]
    crc, n = zlib.crc32(b"\0" * (1 << 20)), 1 << 20
    lh = struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0, 8, 0, 0, crc, len(data), n, 1, 0) + b"a" + data
    cd = b""
    for name in (b"a", b"b"):
        cd += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 20, 20, 0, 8, 0, 0, crc, len(data), n,
                          1, 0, 0, 0, 0, 0, 0) + name
    end = struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, 2, 2, len(cd), len(lh), 0)
    open(out, "wb").write(lh + cd + end)
    sys.exit(0)
z = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)
if kind == "overwrite-then-fail":
    z.writestr("important.txt", "from the archive\n"); z.writestr("bomb.txt", b"\0" * (20 << 20))
elif kind == "plain":
    z.writestr("important.txt", "from the archive\n"); z.writestr("new/x.txt", "x\n")
elif kind == "blocked":
    z.writestr("new/x.txt", "x\n"); z.writestr("blocker/y.txt", "y\n")
elif kind == "nl":
    z.writestr("bad\nname.txt", "x\n")
z.close()
PY
}

test_expect_code 1 'a bomb behind a file that exists: PACK-LIMIT-RATIO, and the file is untouched' '
	mkzip otf.zip overwrite-then-fail && mkdir d && echo precious >d/important.txt &&
	tdk unpack --overwrite -C d otf.zip 2>err; r=$?
	test_grep PACK-LIMIT-RATIO err && test "$(cat d/important.txt)" = precious &&
	test "$(ls -A d)" = important.txt || exit 99; exit $r
'
test_expect_code 3 'an existing file without --overwrite: PACK-EXISTS, exit 3, nothing written' '
	mkzip plain.zip plain && mkdir e && echo precious >e/important.txt &&
	tdk unpack -C e plain.zip 2>err; r=$?
	test_grep "[PACK-EXISTS]" err && test_grep "important.txt" err &&
	test "$(cat e/important.txt)" = precious && test ! -e e/new || exit 99; exit $r
'
test_expect_success 'with --overwrite the file is replaced' '
	tdk unpack --overwrite -C e plain.zip && test "$(cat e/important.txt)" = "from the archive" &&
	test -f e/new/x.txt
'
test_expect_code 3 'a failure while writing removes what this run made, and keeps what was there' '
	mkzip blocked.zip blocked && mkdir f && echo mine >f/blocker && mkdir f/kept &&
	tdk unpack -C f blocked.zip 2>err; r=$?
	test_grep PACK-WRITE err && test ! -e f/new && test "$(cat f/blocker)" = mine && test -d f/kept ||
		exit 99
	exit $r
'
test_expect_code 1 'overlapping entries are refused on opening: PACK-OVERLAP, nothing written' '
	mkzip overlap.zip overlap && tdk unpack --max-ratio 100000 -C o overlap.zip 2>err; r=$?
	test_grep PACK-OVERLAP err && test ! -e o/a && test ! -e o/b || exit 99; exit $r
'
test_expect_code 1 '--list refuses overlapping entries too' '
	tdk unpack -l overlap.zip >out 2>err; r=$?; test_grep PACK-OVERLAP err || exit 99; exit $r
'
for opt in --max-entries --max-ratio --max-total; do
	test_expect_code 2 "unpack $opt 0 is a usage error" "
		tdk unpack $opt 0 -C z plain.zip 2>err; r=\$?; test_grep '$opt' err && test ! -e z || exit 99
		exit \$r
	"
done
test_expect_success 'unpack -l - reads the container from standard input' '
	tdk unpack -l - <plain.zip >out && test_grep "new/x.txt" out
'
test_expect_success 'unpack - extracts from a pipe' '
	cat plain.zip | tdk unpack -C p - && test -f p/new/x.txt
'
test_expect_code 3 'a piped container longer than --max-size: PACK-LIMIT-SIZE, exit 3' '
	cat otf.zip | tdk unpack --max-size 1000 -C q - 2>err; r=$?; test_grep PACK-LIMIT-SIZE err || exit 99
	exit $r
'
test_expect_success '--list quotes an entry name with a newline, as git quotes paths' '
	mkzip nl.zip nl && tdk unpack -l nl.zip >out && test_grep "\"bad\\nname.txt\"" out &&
	test $(wc -l <out) = 1
'
test_done
