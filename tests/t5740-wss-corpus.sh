#!/bin/sh
# WS-Security signatures of the corpus's AS4 messages (lib/net/wss.h, through
# tests/gen/wss-probe until tdk submit and tdk serve use it), row by row of
# transport/as4/VERDICTS.tsv, each signed message to the outcome its row
# gives: the ones xmlsec1 verified (phase4's TestReceipt11, TestReceipt12,
# TestMessage11) verify with their token's certificate given as the one to
# trust, and without it say that the key is missing and whose it is; the
# ones phase4 rejects for their algorithms (EBMS:0101) are refused with
# WSS-ALGORITHM; the ones that sign attachments say so; the ones xmlsec1
# failed fail (a cid: reference in a receipt's NRR is not the receipt's own);
# the ones that are not well-formed are not read.  A forgery
# of a verified receipt and a certificate that is not the signer's fail.
. "$(dirname "$0")/lib.sh"

PROBE=$REPO/$TDK_BUILD/tests/gen/wss-probe
AS4=$TDK_CORPUS/transport/as4
[ -x "$PROBE" ] || skip_all "needs $TDK_BUILD/tests/gen/wss-probe (make $TDK_BUILD/tests/gen/wss-probe)"
[ -f "$AS4/VERDICTS.tsv" ] || skip_all "needs the corpus (TDK_CORPUS): transport/as4"
command -v openssl >/dev/null 2>&1 || skip_all 'needs openssl'

# The certificate of the first BinarySecurityToken of $1, as PEM in $2.
bst_cert() {
	tr -d '\r\n' <"$1" | grep -o 'BinarySecurityToken[^>]*>[^<]*<' | head -n 1 | sed 's/.*>//; s/<$//' |
		tr -d ' \t' | openssl base64 -d -A | openssl x509 -inform DER -out "$2" 2>/dev/null
}

# The signed messages: the rows whose WS-Security column has a reference count.
awk -F'\t' 'NR > 1 && $5 ~ /[0-9]\/[0-9]/ { print $1 "\t" $3 "\t" $4 "\t" $5 }' "$AS4/VERDICTS.tsv" >rows
test_expect_success 'VERDICTS.tsv lists the signed messages' 'test "$(wc -l <rows)" -ge 8'

n=0
while IFS="$(printf '\t')" read -r file expected xsd xmlsec; do
	n=$((n + 1))
	f=$AS4/$file
	cert=
	bst_cert "$f" "c$n.pem" && cert="--cert c$n.pem"
	case "$xsd|$expected|$xmlsec" in
	"not well-formed"*)
		test_expect_code 3 "$file: not well-formed, not read (VERIFY-XML)" "
			'$PROBE' $cert '$f' >out 2>err; rc=\$?
			test_grep '[VERIFY-XML]' err && test ! -s out || exit 99
			exit \$rc
		" ;;
	*"|REJECT"*)
		test_expect_code 1 "$file: refused, an algorithm the AS4 profile does not allow (WSS-ALGORITHM, EBMS:0101)" "
			'$PROBE' $cert '$f' >out 2>err; rc=\$?
			test_grep '[WSS-ALGORITHM]' err && test_grep 'EBMS:0101 FailedAuthentication' err && test_grep 'refused' out || exit 99
			exit \$rc
		" ;;
	*)
		if [ -n "$cert" ] && printf '%s' "$xmlsec" | grep -q '1.2.37 OK'; then
			test_expect_success "$file: verified, trusting its token's certificate" "
				'$PROBE' $cert '$f' >out 2>err && grep -q '^verified ' out && test ! -s err
			"
			test_expect_code 1 "$file: without a certificate, the key is missing and the token named" "
				subject=\$(openssl x509 -in c$n.pem -noout -subject -nameopt compat | sed 's/^subject=//')
				'$PROBE' '$f' >out 2>err; rc=\$?
				test_grep '[WSS-NEEDS-KEY]' err && test_grep \"missing: key\" out &&
				test_grep \"token=\$subject\" out || exit 99
				exit \$rc
			"
		elif grep -q 'Reference URI="cid:' "$f"; then
			test_expect_code 1 "$file: signs attachments, which it says (WSS-NEEDS-ATTACHMENT)" "
				'$PROBE' $cert '$f' >out 2>err; rc=\$?
				test_grep '[WSS-NEEDS-ATTACHMENT]' err && test_grep 'missing: attachment' out || exit 99
				exit \$rc
			"
		else
			test_expect_code 1 "$file: fails as it did for xmlsec1" "
				'$PROBE' $cert '$f' >out 2>err; rc=\$?
				grep -q '\[VERIFY-\|\[WSS-NEEDS-KEY\]' err && ! grep -q '^verified' out || exit 99
				exit \$rc
			"
		fi ;;
	esac
done <rows

R12=$AS4/phase4/phase4-test/testfiles/TestReceipt12.xml
R11=$AS4/phase4/phase4-test/testfiles/TestReceipt11.xml
if [ -f "$R12" ] && [ -f "$R11" ]; then
	test_expect_code 1 'a forged receipt: one byte of the signed body changed (VERIFY-DIGEST)' '
		bst_cert "$R12" r12.pem &&
		sed "s/<eb:Timestamp>\([0-9]\)/<eb:Timestamp>9/" "$R12" >forged.xml && ! cmp -s "$R12" forged.xml &&
		"$PROBE" --cert r12.pem forged.xml >out 2>err; rc=$?
		test_grep "[VERIFY-" err && ! grep -q "^verified" out || exit 99
		exit $rc
	'
	test_expect_code 1 'a certificate that is not the signer'"'"'s' '
		bst_cert "$R11" r11.pem &&
		"$PROBE" --cert r11.pem "$R12" >out 2>err; rc=$?
		test_grep "[VERIFY-" err && ! grep -q "^verified" out || exit 99
		exit $rc
	'
	test_expect_code 1 'no wsse:Security header (WSS-NO-SECURITY)' '
		"$PROBE" --cert r12.pem "$AS4/phase4/phase4-test/UserMessageWithoutWSSE.xml" >out 2>err; rc=$?
		test_grep "[WSS-NO-SECURITY]" err || exit 99
		exit $rc
	'
fi
test_done
