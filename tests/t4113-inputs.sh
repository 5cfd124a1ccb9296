#!/bin/sh
# Inputs are named when they fail, and read alike from files, pipes and
# standard input: pack checks every input before writing (PACK-READ on the
# missing file, exit 3, no container); a name with a control character is
# refused (PACK-NAME, exit 2) rather than packed into a container that
# fails its own verify; verify reads an XML signature or a container from
# a pipe or standard input; a passphrase file is read with a bound.
. "$(dirname "$0")/lib.sh"

ulimit -t 60
KEY=$SAMPLES/broker.key CERT=$SAMPLES/broker.pem CA=$SAMPLES/broker-ca.pem
echo "invoice 42" >a.txt

test_expect_code 3 'pack names the missing input, not the output: PACK-READ, exit 3, nothing written' '
	tdk pack -o c.asice a.txt missing.txt 2>err; r=$?
	test_grep "missing.txt: error: [PACK-READ] cannot read '"'"'missing.txt'"'"'" err &&
	! grep -q "c.asice" err && test ! -e c.asice && ! ls | grep -q tdk- || exit 99; exit $r
'
test_expect_code 3 'pack refuses a folder as an input: PACK-READ' '
	mkdir folder && tdk pack -o c.asice folder 2>err; r=$?; test_grep PACK-READ err && test ! -e c.asice ||
		exit 99
	exit $r
'
test_expect_code 2 'a newline in a packed name: PACK-NAME, exit 2, no container' '
	printf "x\n" >"bad
name.txt" && tdk pack -o n.asice "bad
name.txt" 2>err; r=$?
	test_grep PACK-NAME err && test_grep "bad\\nname.txt" err && test ! -e n.asice || exit 99; exit $r
'
test_expect_success 'pack reads an input from a FIFO' '
	mkfifo in.txt && { timeout 20 cat a.txt >in.txt & } && tdk pack -o p.asice in.txt && wait &&
	unzip -p p.asice in.txt >got && test_cmp a.txt got
'
test_expect_success 'verify reads an XML signature from a pipe: <(cat s.xml)' '
	tdk sign -k "$KEY" --cert "$CERT" -o s.xml "$SAMPLES/declaration.xml" &&
	cat s.xml | tdk verify --ca "$CA" /dev/stdin >out && test_grep ": valid" out
'
test_expect_success 'verify reads a container from standard input' '
	tdk pack -k "$KEY" --cert "$CERT" -o s.asice a.txt &&
	tdk verify --ca "$CA" - <s.asice >out && test_grep "file '"'"'a.txt'"'"': signed" out
'
test_expect_code 1 'a container from standard input still fails a forgery: ASIC-UNSIGNED-FILE' '
	cp s.asice extra.asice && echo x >extra.txt && zip -q extra.asice extra.txt &&
	tdk verify --ca "$CA" - <extra.asice 2>err >out; r=$?; test_grep ASIC-UNSIGNED-FILE err || exit 99
	exit $r
'
if openssl pkcs12 -export -inkey "$KEY" -in "$CERT" -passout pass:secret -out k.p12 2>/dev/null; then
	test_expect_code 5 'a passphrase file with no line end (/dev/zero) is bounded and says so' '
		tdk sign -k k.p12 --passphrase-file /dev/zero -o z.xml "$SAMPLES/declaration.xml" 2>err; r=$?
		test_grep "passphrase longer than 1023 bytes" err && test ! -e z.xml || exit 99; exit $r
	'
	test_expect_code 5 'the same for pack' '
		tdk pack -k k.p12 --passphrase-file /dev/zero -o z.asice a.txt 2>err; r=$?
		test_grep "passphrase longer than 1023 bytes" err && test ! -e z.asice || exit 99; exit $r
	'
else
	test_skip 'a passphrase file with no line end' 'openssl cannot write PKCS#12 here'
fi
test_done
