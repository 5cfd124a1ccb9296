#!/bin/sh
# Where -o writes, as cp(1) would: an existing device, FIFO or /dev/stdout is
# written through, never replaced by a regular file; a symbolic link is
# followed and stays a link; a file that exists keeps its mode.  For every
# command with a file output: convert -o, sign -o, dir xsd -o, validate
# --ack-output and pack -o.  And what already held: /dev/full, a read-only
# or missing folder, eight writers of one file at once.
. "$(dirname "$0")/lib.sh"

TDK_DIRECTORY_PATH=$DATA/dir
export TDK_DIRECTORY_PATH
cp "$SAMPLES/cusdec-d96b-import.edi" x.edi
printf "%s\n" "UNB+UNOC:3+SENDER1:ZZZ+RECIP1:ZZZ+241105:0930+ICR9'" "UNH+M1+GDSRES:D:18T:UN'" \
	"BGM+2+RES-1+9'" "RFF+AAA:REF-9'" "UNT+4+M1'" "UNZ+1+ICR9'" >ok3.edi
echo "invoice 42" >a.txt
cp "$SAMPLES/declaration.xml" doc.xml

# Each command writing to the file $1 (kept in a file, for the runs as another user).
cat >outs.sh <<EOF
PATH='$PATH'
out_convert() { tdk convert -o "\$1" x.edi; }
out_sign() { tdk sign -k "$SAMPLES/broker.key" --cert "$SAMPLES/broker.pem" -o "\$1" doc.xml; }
out_xsd() { tdk dir xsd -o "\$1" D18T GDSRES; }
out_ack() { tdk validate --ack contrl --ack-output "\$1" ok3.edi; }
out_pack() { tdk pack -o "\$1" a.txt; }
EOF
. ./outs.sh
CMDS="convert sign xsd ack pack"
# As root, permissions bind only another user: the read-only case runs as nobody.
as_user() {
	if [ "$(id -u)" = 0 ]; then
		chmod o+rx "$TRASH" && setpriv --reuid=65534 --regid=65534 --clear-groups \
			env TDK_DIRECTORY_PATH="$TDK_DIRECTORY_PATH" sh -c ". ./outs.sh && $*"
	else
		"$@"
	fi
}

for c in $CMDS; do
	test_expect_success "$c: a FIFO target is written through and stays a FIFO" "
		mkfifo fifo.$c && { timeout 20 cat fifo.$c >got.$c & } &&
		out_$c fifo.$c && wait && test -p fifo.$c && test -s got.$c
	"
	test_expect_success "$c: a symbolic link is followed; the link stays a link" "
		echo old >real.$c && ln -s real.$c link.$c && out_$c link.$c &&
		test -L link.$c && test \"\$(readlink link.$c)\" = real.$c && ! grep -q '^old\$' real.$c &&
		test -s real.$c && ! ls | grep -q 'tdk-'
	"
	test_expect_success "$c: a dangling link names the file to create" "
		ln -s new.$c dang.$c && out_$c dang.$c && test -L dang.$c && test -s new.$c
	"
	test_expect_success "$c: an existing file keeps its mode 0600" "
		echo old >m.$c && chmod 600 m.$c && out_$c m.$c && test \"\$(stat -c %a m.$c)\" = 600 &&
		! grep -q '^old\$' m.$c
	"
	if [ "$(id -u)" = 0 ]; then
		test_expect_success "$c: as root, a file of another owner keeps its owner and group" "
			echo old >own.$c && chown 65534:65534 own.$c && out_$c own.$c &&
			test \"\$(stat -c %u:%g own.$c)\" = 65534:65534 && ! grep -q '^old\$' own.$c
		"
		test_expect_success "$c: a device node (mknod, as root) is written through, not replaced" "
			mknod null.$c c 1 3 && out_$c null.$c && test -c null.$c && touch safe.$c
		"
	else
		test_skip "$c: a device node is written through" "mknod needs root"
		touch safe.$c
	fi
	# The machine's own devices only once a node in the trash survived: a
	# regressed tdk run as root would replace /dev/null for everyone.
	if [ -e safe.$c ]; then
		test_expect_success "$c: -o /dev/null leaves /dev/null a character device" "
			out_$c /dev/null && test -c /dev/null
		"
		test_expect_success "$c: /dev/stdout is written through (a pipe, and >> appends)" "
			echo first >log.$c && out_$c /dev/stdout >>log.$c && test \"\$(head -1 log.$c)\" = first &&
			test \$(wc -c <log.$c) -gt 6 && out_$c /dev/stdout | cat >piped.$c && test -s piped.$c &&
			test -L /dev/stdout
		"
	else
		test_skip "$c: -o /dev/null and /dev/stdout" "a device node in the trash was replaced"
	fi
	test_expect_code 3 "$c: a folder as the target is refused, exit 3" "
		mkdir dir.$c && out_$c dir.$c 2>err; r=\$?; test_grep 'dir.$c' err && test -d dir.$c || exit 99
		exit \$r
	"
	test_expect_code 3 "$c: a missing folder: exit 3, nothing created" "
		out_$c nowhere/f 2>err; r=\$?; test ! -e nowhere || exit 99; exit \$r
	"
	test_expect_code 3 "$c: a read-only folder: exit 3, nothing left in it" "
		mkdir ro.$c && chmod 555 ro.$c && chmod o+r * && as_user out_$c ro.$c/f 2>err; r=\$?
		test_grep ro.$c/f err && test -z \"\$(ls -A ro.$c)\" || exit 99; exit \$r
	"
	if [ -w /dev/full ] && [ -e safe.$c ]; then
		test_expect_code 3 "$c: -o /dev/full fails with exit 3 and leaves /dev/full a device" "
			out_$c /dev/full 2>err; r=\$?; test -c /dev/full || exit 99; exit \$r
		"
	else
		test_skip "$c: -o /dev/full" "no writable /dev/full, or a device node was replaced"
	fi
done

test_expect_success 'convert: eight writers of one file at once leave one whole file and no temporary' '
	tdk convert -o ref.xml x.edi &&
	for i in 1 2 3 4 5 6 7 8; do tdk convert -o same.xml x.edi & done; wait &&
	cmp same.xml ref.xml && ! ls | grep -q "same.xml.tdk-"
'
test_done
