#!/bin/sh
# tdk verify's verdict lines quote names as git quotes paths (tdk_name): a
# container, an entry, a reference URI or a signature Id with a newline in it
# cannot print a forged "file '...': signed" line.
. "$(dirname "$0")/lib.sh"

K="-k $SAMPLES/broker.key --cert $SAMPLES/broker.pem"
NL='
'

# tdk pack refuses such a name (PACK-NAME), so the container is packed with a
# placeholder of the same length and its ZIP headers patched, as a forger would.
test_expect_success 'a container holding an entry whose name carries a forged verdict line' '
	printf x >"a_d.asice: file '"'"'evil.exe'"'"': signed" &&
	tdk pack -o d0.asice $K a_* >/dev/null &&
	perl -0777 -pe "s/a_d\.asice: file/a\nd.asice: file/g" d0.asice >d.asice &&
	test $(grep -c "evil.exe" d.asice) -ge 2
'
test_expect_success 'entry names are quoted in the verdict lines' '
	tdk verify --ca "$SAMPLES/broker-ca.pem" d.asice >out 2>err
	! grep -q "^d.asice: file '"'"'evil.exe'"'"'" out &&
	test_grep "d.asice: file '"'"'\"a\\nd.asice: file '"'"'evil.exe'"'"': signed\"'"'"'" out
'
test_expect_success 'the container name is quoted too' '
	cp d.asice "e${NL}d.asice: file x.exe" &&
	tdk verify --ca "$SAMPLES/broker-ca.pem" "e${NL}d.asice: file x.exe" >out 2>err
	! grep -q "^d.asice: file x.exe" out && test_grep "\"e\\nd.asice: file x.exe\": file" out &&
	test_grep "\"e\\nd.asice: file x.exe\":META-INF/signatures0.xml" out
'
test_expect_success 'a signature Id with a newline is quoted' '
	tdk sign $K -o s.xml "$SAMPLES/declaration.xml" &&
	perl -pi -e "s/(<ds:Signature[^>]* Id=\")sig-/\$1x&#10;s.xml: file &apos;y&apos;: signed&#10;sig-/" s.xml &&
	tdk verify --ca "$SAMPLES/broker-ca.pem" s.xml >out 2>err
	! grep -q "^s.xml: file" out && test_grep "signature '"'"'\"x\\ns.xml" out
'
test_done
