#!/bin/sh
# sign and pack load their key through one function (cmd/signer.c): the same
# passphrase sources, the same reports, the same exit statuses.  A
# TDK_PASSPHRASE longer than the bound is named as such, like a file that is
# too long, not "a passphrase is needed".
. "$(dirname "$0")/lib.sh"

ulimit -t 60
KEY=$SAMPLES/broker.key CERT=$SAMPLES/broker.pem CA=$SAMPLES/broker-ca.pem
DOC=$SAMPLES/declaration.xml
echo "invoice 42" >a.txt

test_expect_code 3 'sign: a missing key is reported on the key: SIGN-KEY-READ, exit 3' '
	tdk sign -k nokey.pem -o s.xml "$DOC" 2>err; r=$?
	test_grep "nokey.pem: error: [SIGN-KEY-READ]" err && test ! -e s.xml || exit 99; exit $r
'
test_expect_code 3 'pack: the same, on the key and not on the container' '
	tdk pack -k nokey.pem -o d.asice a.txt 2>err; r=$?
	test_grep "nokey.pem: error: [SIGN-KEY-READ]" err && ! grep -q "d.asice" err &&
	test ! -e d.asice || exit 99; exit $r
'
if ! openssl pkcs12 -export -inkey "$KEY" -in "$CERT" -passout pass:secret -out k.p12 2>/dev/null; then
	test_skip 'passphrase sources' 'openssl cannot write PKCS#12 here'
	test_done
fi
LONG=$(perl -e 'print "a" x 2000')
for c in sign pack; do
	case $c in
	sign) run="tdk sign -k k.p12 -o out.xml $DOC" ;;
	pack) run="tdk pack -k k.p12 -o out.asice a.txt" ;;
	esac
	test_expect_code 5 "$c: a TDK_PASSPHRASE past the bound says so: exit 5, nothing written" "
		TDK_PASSPHRASE=$LONG $run 2>err; r=\$?
		test_grep 'tdk $c: cannot read the passphrase variable TDK_PASSPHRASE: passphrase longer than 1023 bytes' err &&
		test ! -e out.xml && test ! -e out.asice || exit 99; exit \$r
	"
	test_expect_code 5 "$c: a wrong TDK_PASSPHRASE: SIGN-KEY-PASSPHRASE, exit 5" "
		TDK_PASSPHRASE=wrong $run 2>err; r=\$?
		test_grep 'k.p12: error: [SIGN-KEY-PASSPHRASE] cannot read key '\''k.p12'\'': wrong passphrase' err &&
		test ! -e out.xml && test ! -e out.asice || exit 99; exit \$r
	"
	test_expect_success "$c: the passphrase from TDK_PASSPHRASE" "
		TDK_PASSPHRASE=secret $run && tdk verify --ca '$CA' out.* >/dev/null && rm -f out.*
	"
	test_expect_success "$c: the passphrase from a descriptor, before TDK_PASSPHRASE" "
		echo secret | TDK_PASSPHRASE=wrong $run --passphrase-fd 0 && tdk verify --ca '$CA' out.* >/dev/null &&
		rm -f out.*
	"
	test_expect_code 5 "$c: a passphrase descriptor that is not open is named" "
		$run --passphrase-fd 9 9<&- 2>err; r=\$?
		test_grep 'tdk $c: cannot read the passphrase descriptor: Bad file descriptor' err || exit 99; exit \$r
	"
done
test_done
