#!/bin/sh
# lib/net/as2 round trips with keys made by openssl here, cross-checked with
# the openssl command line: tdk's signed bodies verify with `openssl cms
# -verify` and the MIC is the digest of what openssl verified; its encrypted
# bodies decrypt with `openssl cms -decrypt` for every cipher, with RSA and
# RSAES-OAEP key transport; compressed, signed and encrypted bodies come back
# whole; bodies and MDNs that openssl makes are read by tdk.
. "$(dirname "$0")/lib.sh"

PROBE=$REPO/$TDK_BUILD/tests/gen/as2-probe
[ -x "$PROBE" ] || { test_skip 'as2 round trips' "needs $TDK_BUILD/tests/gen/as2-probe"; test_done; exit 0; }
for n in a b; do
	openssl req -x509 -newkey rsa:2048 -nodes -keyout $n.key -out $n.pem -days 2 -subj "/CN=as2-$n" 2>/dev/null
done
printf "UNB+UNOC:3+A+B+260101:1200+1'\nUNZ+1+1'\n" >pay.edi
SA="--key $TRASH/a.key --cert $TRASH/a.pem"

test_expect_success 'signed, each MIC algorithm: openssl verifies, the MIC is the digest of the signed entity' '
	for m in sha1 sha256 sha384 sha512; do
		"$PROBE" send --payload pay.edi --type application/edifact --sign $m $SA --entity s.eml >out &&
		openssl cms -verify -in s.eml -CAfile a.pem -purpose any -out v 2>/dev/null &&
		mic=$(openssl dgst -$m -binary v | base64 -w0) &&
		name=$(echo $m | sed "s/sha\([0-9][0-9][0-9]\)/sha-\1/") &&
		test_grep "mic: $mic, $name" out && test_grep "micalg=$name;" out &&
		"$PROBE" recv --in s.eml --partner a.pem --require-signed --out p >in &&
		cmp p pay.edi && test_grep "mic: $mic, $name" in || return 1
	done
'
test_expect_success 'signed and encrypted, each cipher, RSA and RSAES-OAEP: openssl decrypts, tdk reads back' '
	for c in aes128-cbc aes192-cbc aes256-cbc aes128-gcm aes256-gcm des-ede3-cbc; do
		for o in "" --oaep; do
			"$PROBE" send --payload pay.edi --type application/edifact --sign sha256 $SA \
				--encrypt $c --partner b.pem $o --entity e.eml --body e.der >out &&
			openssl cms -decrypt -inform DER -in e.der -inkey b.key -recip b.pem -out d 2>/dev/null &&
			openssl cms -verify -in d -CAfile a.pem -purpose any -out v 2>/dev/null &&
			"$PROBE" recv --in e.eml --key b.key --cert b.pem --partner a.pem --require-signed \
				--require-encrypted --out p >in && cmp p pay.edi &&
			test "$(grep mic: out)" = "$(grep mic: in)" || { echo "failed: $c $o"; return 1; }
		done
	done
'
test_expect_success 'compressed, signed and encrypted: whole again, the MIC over the compressed entity' '
	"$PROBE" send --payload pay.edi --type application/edifact --compress --sign sha256 $SA \
		--encrypt aes256-cbc --partner b.pem --entity e.eml --body e.der >out &&
	"$PROBE" recv --in e.eml --key b.key --cert b.pem --partner a.pem --out p >in && cmp p pay.edi &&
	test_grep "compressed: 1" in && test "$(grep mic: out)" = "$(grep mic: in)" &&
	openssl cms -decrypt -inform DER -in e.der -inkey b.key -recip b.pem -out d 2>/dev/null &&
	openssl cms -verify -in d -CAfile a.pem -purpose any -out v 2>/dev/null &&
	test_grep "smime-type=compressed-data" v &&
	mic=$(openssl dgst -sha256 -binary v | base64 -w0) && test_grep "mic: $mic, sha-256" out
'
test_expect_success 'encrypted, unsigned: the MIC is the digest of the decrypted entity, headers included' '
	"$PROBE" send --payload pay.edi --type application/edifact --encrypt aes128-cbc --partner b.pem --body e.der >out &&
	openssl cms -decrypt -inform DER -in e.der -inkey b.key -recip b.pem -out d 2>/dev/null &&
	mic=$(openssl dgst -sha256 -binary d | base64 -w0) && test_grep "mic: $mic, sha-256" out &&
	"$PROBE" recv --in e.der --content-type "application/pkcs7-mime; smime-type=enveloped-data" --key b.key \
		--cert b.pem --out p >in && cmp p pay.edi && test_grep "mic: $mic, sha-256" in
'
test_expect_success 'a binary payload, compressed only and unsigned: the MIC is the payload digest' '
	head -c 5000 /dev/urandom >bin && "$PROBE" send --payload bin --type application/octet-stream --compress --entity c.eml >out &&
	"$PROBE" recv --in c.eml --out p >in && cmp p bin &&
	mic=$(openssl dgst -sha256 -binary bin | base64 -w0) && test_grep "mic: $mic, sha-256" out && test_grep "mic: $mic, sha-256" in
'
test_expect_success 'openssl-made: signed (sha384), then encrypted with RSAES-OAEP SHA-512, read by tdk' '
	printf "Content-Type: application/edifact\r\n\r\nUNB+UNOC:3+A+B+260101:1200+1'"'"'\r\n" >inner &&
	openssl cms -sign -in inner -signer a.pem -inkey a.key -md sha384 -out os.eml &&
	"$PROBE" recv --in os.eml --partner a.pem --out p >in && test_grep "mic: " in &&
	mic=$(tr -d "\r" <inner | sed "s/\$/\r/" | head -c $(wc -c <inner) | openssl dgst -sha384 -binary | base64 -w0) &&
	test_grep "mic: $mic, sha-384" in &&
	openssl cms -encrypt -aes256 -recip b.pem -keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_md:sha512 \
		-keyopt rsa_mgf1_md:sha512 -in os.eml -out oe.eml &&
	"$PROBE" recv --in oe.eml --key b.key --cert b.pem --partner a.pem --require-encrypted --out p2 >in2 &&
	cmp p p2 && test_grep "encrypted: 1" in2
'
test_expect_success 'an MDN made by tdk: openssl verifies it, tdk checks id and MIC' '
	"$PROBE" mdn --recipient B --original-id "<m1@a>" --mic "q83vEjRWeJA=, sha-256" --sign sha256 \
		--key b.key --cert b.pem --entity m.eml >/dev/null &&
	openssl cms -verify -in m.eml -CAfile b.pem -purpose any -out v 2>/dev/null &&
	test_grep "Original-Message-ID: <m1@a>" v && test_grep "Received-Content-MIC: q83vEjRWeJA=, sha-256" v &&
	"$PROBE" mdn-read --in m.eml --partner b.pem --require-signed --message-id m1@a --mic "q83vEjRWeJA=, sha256" >out &&
	test_grep "processed: 1" out
'
test_expect_success 'an MDN signed by openssl over a report tdk did not sign' '
	"$PROBE" mdn --recipient B --original-id "<m2@a>" --mic "q83vEjRWeJA=, sha-256" --entity u.eml >/dev/null &&
	openssl cms -sign -in u.eml -signer b.pem -inkey b.key -out os.eml &&
	"$PROBE" mdn-read --in os.eml --partner b.pem --require-signed --message-id "<m2@a>" --mic "q83vEjRWeJA=, sha-256" >out &&
	test_grep "signed: 1" out && test_grep "processed: 1" out
'
test_done
