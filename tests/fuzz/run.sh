#!/bin/sh
# Runs the libFuzzer targets in build/fuzz (all, or those named as arguments)
# on a corpus kept between runs, build/fuzz/corpus-<target>/: the seeds made
# from samples/ and tests/data/ (plus the shared corpus when present) are
# merged into it, and libFuzzer adds the inputs it finds there.  Each target
# runs $TDK_FUZZ_SECONDS seconds, or its share of $TDK_FUZZ_TOTAL (210 by
# default, so that `make check` takes about as long whatever the number of
# targets).  TAP output, the plan first and then one line per target as it
# ends, with the executions it ran, so that a long run shows its progress
# (`make check` runs it under `prove -v`); a crash, leak or sanitizer report
# fails it and leaves the reproducer in build/fuzz/crash-<target>-*.
# TDK_FUZZ_DIR names another folder of targets (and of their corpora and logs).
set -u
cd "$(dirname "$0")/../.." || exit 1
corpus=${TDK_CORPUS:-../shared/corpus}
fz=${TDK_FUZZ_DIR:-build/fuzz}
if [ $# -gt 0 ]; then
	bins=$(for t in "$@"; do printf '%s/%s\n' "$fz" "${t##*/}"; done)
else
	bins=$(ls "$fz"/fuzz-* 2>/dev/null | grep -v '\.log$')
fi
ntargets=$(printf '%s\n' "$bins" | grep -c .)
echo "1..$ntargets"
secs=${TDK_FUZZ_SECONDS:-$(( ${TDK_FUZZ_TOTAL:-210} / (ntargets > 0 ? ntargets : 1) ))}
[ "$secs" -ge 5 ] || secs=5
n=0
fail=0
for bin in $bins; do
	n=$((n + 1))
	name=$(basename "$bin")
	if [ ! -x "$bin" ]; then
		echo "ok $n # skip $name: not built"
		continue
	fi
	seeds=$fz/seeds-$name
	rm -rf "$seeds" && mkdir -p "$seeds"
	maxlen=65536
	case $name in
	fuzz-edi|fuzz-edi-roundtrip)
		# The parser target caps a segment at 4 KiB, so 4 KiB inputs reach every framing
		# and envelope state; longer ones would only slow it down.
		[ "$name" = fuzz-edi ] && maxlen=4096
		cp samples/*.edi "$seeds"/ 2>/dev/null
		find tests/data -type f -name '*.edi' -size -64k -exec cp {} "$seeds"/ \; 2>/dev/null
		[ -d "$corpus/edifact/peer-tests" ] &&
			find "$corpus/edifact/peer-tests" -type f -name '*.edi' -size -64k -exec cp {} "$seeds"/ \;
		;;
	fuzz-xml2edi)
		for f in samples/*.edi; do
			build/plain/tdk convert -t xml "$f" >"$seeds/$(basename "$f").xml" 2>/dev/null ||
				./tdk convert -t xml "$f" >"$seeds/$(basename "$f").xml" 2>/dev/null
		done
		;;
	fuzz-xml | fuzz-xml-guard)
		cp samples/*.xml "$seeds"/ 2>/dev/null
		find tests/data -type f -name '*.xml' -size -64k -exec cp {} "$seeds"/ \; 2>/dev/null
		[ -d "$corpus/wco" ] &&
			find "$corpus/wco" -type f -name '*.xml' -size -16k | head -n 200 | while IFS= read -r f; do
				cp "$f" "$seeds/$(printf '%s' "$f" | cksum | cut -d' ' -f1).xml"
			done
		;;
	fuzz-dir)
		# A seed per fixture release (all its files, each after a line "@@ NAME"), one per
		# file, and one with the message files as a member zip.
		for r in tests/data/dir/*/; do
			rn=$(basename "$r")
			find "$r" -type f | sort | while read -r f; do
				printf '@@ %s\n' "$(basename "$f")"
				cat "$f"
			done >"$seeds/$rn.rel"
			find "$r" -type f | while read -r f; do
				{ printf '@@ %s\n' "$(basename "$f")"; cat "$f"; } >"$seeds/$rn-$(basename "$f")"
			done
			m=$(find "$r" -maxdepth 1 -type d -name '*MD' | head -n 1)
			if [ -n "$m" ] && command -v zip >/dev/null 2>&1; then
				(cd "$m" && zip -q -X - ./*) >"$seeds/$rn-md.zip" 2>/dev/null &&
					{ find "$r" -type f ! -path "$m/*" | sort | while read -r f; do
						printf '@@ %s\n' "$(basename "$f")"
						cat "$f"
					done; printf '@@ MD.ZIP\n'; cat "$seeds/$rn-md.zip"; } >"$seeds/$rn-zipped.rel"
				rm -f "$seeds/$rn-md.zip"
			fi
		done
		;;
	fuzz-sniff)
		# The first 4 KiB are all the sniffer reads: the samples and fixtures of every kind.
		maxlen=4096
		cp samples/* "$seeds"/ 2>/dev/null
		find tests/data -type f -size -16k | head -n 300 | while IFS= read -r f; do
			cp "$f" "$seeds/$(printf '%s' "$f" | cksum | cut -d' ' -f1)"
		done
		;;
	fuzz-wco-dict)
		cp data/wco/*.tsv "$seeds"/ 2>/dev/null
		head -n 40 data/wco/dictionary.tsv >"$seeds/head.tsv" 2>/dev/null
		;;
	fuzz-harmonise-rules)
		# The shipped rules, each alone and before the samples that they harmonise.
		for r in data/harmonise/*.rules; do
			cp "$r" "$seeds/"
			for x in samples/wco-declaration.xml samples/wco-declaration-raw.xml; do
				{ cat "$r"; printf '\n@@\n'; cat "$x"; } >"$seeds/$(basename "$r")-$(basename "$x")"
			done
		done
		;;
	fuzz-codes-json)
		# The iso-codes files as installed (read here, never kept in the tree).
		cp /usr/share/iso-codes/json/iso_3166-1.json /usr/share/iso-codes/json/iso_4217.json \
			data/codes/*.tsv "$seeds"/ 2>/dev/null
		;;
	fuzz-token-json)
		# RFC 6749 §5.1 and §5.2 answers, as servers write them.
		printf '{"access_token":"2YotnFZFEjr1zCsicMWpAA","token_type":"Bearer","expires_in":3600,"refresh_token":"tGzv3JOkF0XG5Qx2TlKWIA","scope":"a b"}' >"$seeds/ok.json"
		printf '{"access_token":"a.b-c_d~e+f/g==","token_type":"bearer","expires_in":"60"}' >"$seeds/str.json"
		printf '{"error":"invalid_client","error_description":"Client authentication failed"}' >"$seeds/err.json"
		;;
	fuzz-http-headers)
		printf 'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 120\r\nX-Conversation-ID: 0b1c5e4a\r\n\r\n' >"$seeds/503"
		printf 'HTTP/1.1 503 x\r\nRetry-After: Sun, 06 Nov 1994 08:49:37 GMT\r\n' >"$seeds/imf"
		printf 'Retry-After: Sunday, 06-Nov-94 08:49:37 GMT\r\n' >"$seeds/rfc850"
		printf 'Retry-After: Sun Nov  6 08:49:37 1994\r\n' >"$seeds/asctime"
		;;
	fuzz-mime)
		# The corpus's MIME messages (AS4 SwA, AS2 S/MIME), read by the target (first byte 0).
		for f in "$corpus"/transport/as4/phase4/phase4-test/testfiles/*.mime \
			"$corpus"/transport/as4/phase4/phase4-peppol-client/dump-raw.as4out \
			"$corpus"/transport/as2/node-libas2/*.txt; do
			[ -f "$f" ] && { printf '\0'; cat "$f"; } >"$seeds/$(basename "$f")"
		done
		printf '\200<S/>\377\0\r\n--\377' >"$seeds/write"
		;;
	fuzz-wss)
		# The corpus's SOAP envelopes (signed AS4 messages, receipts, errors).
		[ -d "$corpus/transport/as4" ] &&
			find "$corpus/transport/as4" -type f -name '*.xml' -size -64k | while IFS= read -r f; do
				grep -q 'Envelope' "$f" && cp "$f" "$seeds/$(printf '%s' "$f" | cksum | cut -d' ' -f1).xml"
			done
		# The SOAP part of phase4's signed and encrypted message (xenc:EncryptedKey, EncryptedData).
		f=$corpus/transport/as4/phase4/phase4-peppol-client/dump-raw.as4out
		[ -f "$f" ] && awk 'p && /^------=_Part/ { exit } p { print } /^Content-Transfer-Encoding/ && !s { s = 1; getline; p = 1 }' \
			"$f" >"$seeds/phase4-encrypted.xml"
		;;
	fuzz-error-response)
		# The errorResponse examples of the CDS API description (read here, never kept in the tree).
		printf '<errorResponse><code>BAD_REQUEST</code><message>m</message><errors><error><code>xml_validation_error</code><message>Error at line 13, column 13: x</message></error></errors></errorResponse>' >"$seeds/400.xml"
		y=$corpus/transport/rest/hmrc-customs-declarations/public/api/conf/1.0/application.yaml
		[ -f "$y" ] && awk '/<errorResponse>/{f=1; n++} f{sub(/^ +/, ""); print > (S "/yaml-" n ".xml")} /<\/errorResponse>/{f=0}' S="$seeds" "$y"
		;;
	fuzz-norm)
		# The first byte chooses the format and the mark; the rest is the value.
		for v in 2026-12-02T11:30:00Z 20261202 202612021130 20261202113000+01 2026-12-02T11:30:00.5-05:00 \
			20250731T0930Z 1,234.50 "1 234,5" "1'234.5" -0,5 .5 99999999999999.999999; do
			for b in A B C; do printf '%s%s' "$b" "$v" >"$seeds/$b-$(printf '%s' "$v" | cksum | cut -d' ' -f1)"; done
		done
		;;
	fuzz-upload-response)
		# The FileUploadResponse example of the CDS API description (read here, never kept in the tree).
		printf '<FileUploadResponse xmlns="hmrc:fileupload"><Files><File><Reference>r1</Reference><UploadRequest><Href>http://127.0.0.1/upload/r1</Href><Fields><key>r1</key><acl>private</acl></Fields></UploadRequest></File></Files></FileUploadResponse>' >"$seeds/serve.xml"
		x=$corpus/transport/rest/hmrc-customs-declarations/public/api/conf/1.0/examples/FileUploadResponseExample.xml
		[ -f "$x" ] && cp "$x" "$seeds/"
		printf -- '--b\r\nContent-Disposition: form-data; name="key"\r\n\r\nr1\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nabc\r\n--b--\r\n' >"$seeds/form"
		;;
	fuzz-notification)
		# A RES-DMS:2 notification of each kind tdk serve sends, and the corpus's own examples.
		printf '<MetaData xmlns="urn:wco:datamodel:WCO:DocumentMetaData-DMS:2"><Response xmlns="urn:wco:datamodel:WCO:RES-DMS:2"><FunctionCode>03</FunctionCode><Error><ValidationCode>CDS12056</ValidationCode><Pointer><DocumentSectionCode>42A</DocumentSectionCode></Pointer></Error><Declaration><FunctionalReferenceID>B001</FunctionalReferenceID><ID>26GB1</ID></Declaration></Response></MetaData>' >"$seeds/rej.xml"
		printf '<Response><FunctionCode>09</FunctionCode><Declaration><FunctionalReferenceID>C1</FunctionalReferenceID></Declaration></Response>' >"$seeds/clr.xml"
		[ -d "$corpus/wco/hmrc-customs-declare-exports/instances" ] &&
			find "$corpus/wco/hmrc-customs-declare-exports/instances" -name '*Notification*.xml' -size -64k \
				-exec cp {} "$seeds"/ \; 2>/dev/null
		;;
	fuzz-pull-list)
		# A list as the Pull Notifications API answers it.
		printf '<resource href="/notifications/unpulled/"><link rel="self" href="/notifications/unpulled/"/><link rel="notification" href="/notifications/unpulled/1e00803d-e085-49f4-b313-91c7934915ce"/></resource>' >"$seeds/list.xml"
		;;
	fuzz-csv)
		cp tests/data/flat/*.csv tests/data/flat/*.txt samples/*.csv "$seeds"/ 2>/dev/null
		;;
	fuzz-endpoints)
		cp samples/endpoints "$seeds"/ 2>/dev/null
		;;
	fuzz-as4)
		# The corpus's AS4 MIME messages, and messages the library builds through
		# tests/gen/as4-probe: none, one and two payloads, plain and gzip.
		for f in "$corpus"/transport/as4/phase4/phase4-test/testfiles/*.mime \
			"$corpus"/transport/as4/phase4/phase4-peppol-client/dump-raw.as4out; do
			[ -f "$f" ] && cp "$f" "$seeds/$(basename "$f")"
		done
		probe=build/plain/tests/gen/as4-probe
		if [ -x "$probe" ]; then
			printf '[ap]\nprofile = as4\nurl = https://ap.example/\nfrom-party = a\nto-party = b\nservice = s\naction = x\nkey = k\npartner-cert = c\n' >"$seeds/e.ini"
			printf '<a>payload</a>' >"$seeds/p"
			for args in "" "$seeds/p=application/xml" "-z $seeds/p=application/xml $seeds/p=text/plain"; do
				# shellcheck disable=SC2086
				"$probe" build "$seeds/e.ini" ap "$seeds/b" "$seeds/c" $args >/dev/null 2>&1 &&
					{ printf 'Content-Type: %s\r\n\r\n' "$(cat "$seeds/c")"; cat "$seeds/b"; } >"$seeds/built-$(printf '%s' "$args" | cksum | cut -d' ' -f1)"
			done
			rm -f "$seeds/e.ini" "$seeds/p" "$seeds/b" "$seeds/c"
		fi
		;;
	fuzz-as4-open)
		# Messages tests/gen/as4-probe builds with the target's own key pair (left in
		# $seeds/k by TDK_FUZZ_KEYS): signed; compressed; signed and encrypted for it;
		# signed over less than the message; one payload and two.
		probe=build/plain/tests/gen/as4-probe
		if [ -x "$probe" ] && TDK_FUZZ_KEYS=$seeds/k "$bin" -runs=0 "$seeds/k" >/dev/null 2>&1; then
			k=$seeds/k
			printf '[ap]\nprofile = as4\nurl = https://ap.example/\nfrom-party = a\nto-party = b\nservice = s\naction = x\nkey = k\npartner-cert = c\n' >"$k/e.ini"
			printf '<a>payload</a>' >"$k/p"
			for args in "" "-z" "-E $k/cert.pem" "-z -E $k/cert.pem" "-a" "-H"; do
				# shellcheck disable=SC2086
				"$probe" build "$k/e.ini" ap "$k/b" "$k/c" -s "$k/key.pem" "$k/cert.pem" $args \
					"$k/p=application/xml" "$k/p=text/plain" >/dev/null 2>&1 &&
					{ printf 'Content-Type: %s\r\n\r\n' "$(cat "$k/c")"; cat "$k/b"; } >"$seeds/built-$(printf '%s' "$args" | cksum | cut -d' ' -f1)"
			done
			rm -rf "$k"
		fi
		;;
	fuzz-as2-options)
		# Disposition-Notification-Options as tdk submit, libas2 and OpenAS2 write them (first byte: the buffer's size).
		printf '\017signed-receipt-protocol=required, pkcs7-signature; signed-receipt-micalg=required, sha-256' >"$seeds/submit"
		printf '\017signed-receipt-protocol=optional,pkcs7-signature;signed-receipt-micalg=optional,sha1,md5' >"$seeds/openas2"
		printf '\003signed-receipt-micalg=required, md5, SHA-512 ; x' >"$seeds/short"
		;;
	fuzz-as4-receipt)
		# The corpus's receipts and Error signals.
		[ -d "$corpus/transport/as4" ] &&
			grep -l -r -E 'eb:Receipt|eb:Error ' "$corpus/transport/as4" --include='*.xml' | while IFS= read -r f; do
				cp "$f" "$seeds/$(printf '%s' "$f" | cksum | cut -d' ' -f1).xml"
			done
		;;
	fuzz-ebms | fuzz-pmode)
		# The AS4 corpus: SOAP messages for the header reader, P-Modes for the other.
		case $name in fuzz-ebms) pat='*.xml' ;; *) pat='*pm*.xml' ;; esac
		[ -d "$corpus/transport/as4" ] &&
			find "$corpus/transport/as4" -type f -name "$pat" -size -64k | while IFS= read -r f; do
				cp "$f" "$seeds/$(printf '%s' "$f" | cksum | cut -d' ' -f1).xml"
			done
		[ "$name" = fuzz-pmode ] && [ -f "$corpus/transport/as4/domibus/Domibus-MSH-tomcat/dataset/pmode/PModeTemplate.xml" ] &&
			cp "$corpus/transport/as4/domibus/Domibus-MSH-tomcat/dataset/pmode/PModeTemplate.xml" "$seeds"/
		;;
	fuzz-colmap)
		# A column map, a line "===", and the records it maps.
		for m in tests/data/flat/*.columns samples/*.columns; do
			[ -f "$m" ] || continue
			cp "$m" "$seeds/$(basename "$m")"
			for f in "${m%.columns}".csv "${m%.columns}".txt; do
				[ -f "$f" ] && { cat "$m"; printf '===\n'; cat "$f"; } >"$seeds/$(basename "$f").map"
			done
		done
		;;
	fuzz-manifest)
		# The test maps' manifests, and the shipped ones.
		cp tests/data/map/maps/*.manifest data/maps/*.manifest "$seeds"/ 2>/dev/null
		;;
	fuzz-json2edi)
		for f in samples/*.edi; do
			build/plain/tdk convert -t json "$f" >"$seeds/$(basename "$f").json" 2>/dev/null ||
				./tdk convert -t json "$f" >"$seeds/$(basename "$f").json" 2>/dev/null
		done
		;;
	fuzz-serve-form)
		printf 'grant_type=authorization_code&client_id=pub&code=ab%%2Fc&code_verifier=x+y&redirect_uri=http%%3A%%2F%%2F127.0.0.1%%3A9%%2Fcb' >"$seeds/code.form"
		printf '# id secret scopes\ncli s3cret write:customs-declaration,read:pull-notifications\r\n\tpub  x  a\n' >"$seeds/clients"
		printf 'drop,slow=500,unavailable=3,expired-token' >"$seeds/faults"
		printf 'token:slow=3000,declarations:stall=20000,notifications:unavailable=2,slow-read' >"$seeds/route-faults"
		;;
	fuzz-unpack)
		tdk=build/plain/tdk; [ -x "$tdk" ] || tdk=./tdk
		"$tdk" pack -o "$seeds/plain.asice" samples/declaration.xml samples/invoice.txt 2>/dev/null
		"$tdk" pack -o "$seeds/signed.asice" -k samples/broker.key --cert samples/broker.pem \
			samples/declaration.xml 2>/dev/null
		[ -d "$corpus/sign/asic" ] &&
			find "$corpus/sign/asic" -type f -size -64k \( -name '*.asic*' -o -name '*.sce' -o -name '*.bdoc' \) \
				-exec cp {} "$seeds"/ \; 2>/dev/null
		;;
	fuzz-cms)
		# The .p7s and .tst members of the corpus containers.
		[ -d "$corpus/sign/asic" ] && command -v unzip >/dev/null 2>&1 &&
			find "$corpus/sign/asic" -type f -size -512k \( -name '*.asic*' -o -name '*.sce' \) |
			while IFS= read -r f; do
				k=$(printf '%s' "$f" | cksum | cut -d' ' -f1)
				for m in $(unzip -Z1 "$f" 2>/dev/null | grep -E '^META-INF/[^/]*\.(p7s|tst)$'); do
					unzip -p "$f" "$m" >"$seeds/$k-$(basename "$m")" 2>/dev/null
				done
			done
		;;
	fuzz-verify-refs)
		# The input is the content of ds:Transforms: the lists tdk sign writes over the
		# sample declaration (enveloped, enveloping, XAdES), and the same with an XPath
		# and an XPath Filter 2.0 transform added.
		tdk=build/plain/tdk; [ -x "$tdk" ] || tdk=./tdk
		for m in enveloped enveloping xades; do
			case $m in enveloped) o= ;; *) o=--$m ;; esac
			"$tdk" sign $o -k samples/broker.key --cert samples/broker.pem samples/declaration.xml \
				2>/dev/null | S=$seeds M=$m perl -0ne '
				my $i = 0;
				my $xp = "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\">" .
					"<ds:XPath>not(ancestor-or-self::ds:Signature)</ds:XPath></ds:Transform>";
				my $f2 = "<ds:Transform Algorithm=\"http://www.w3.org/2002/06/xmldsig-filter2\">" .
					"<dsig-xpath:XPath xmlns:dsig-xpath=\"http://www.w3.org/2002/06/xmldsig-filter2\" " .
					"Filter=\"subtract\">//ds:Signature</dsig-xpath:XPath></ds:Transform>";
				while (m{<ds:Transforms>(.*?)</ds:Transforms>}gs) {
					for my $t ($1, "$1$xp", "$f2$1") {
						open my $f, ">", "$ENV{S}/$ENV{M}-" . $i++ or die;
						print $f $t;
					}
				}'
		done
		;;
	fuzz-smime | fuzz-mdn)
		# node-libas2's bodies and MDN (read here, never kept in the tree), and what the
		# library makes itself through tests/gen/as2-probe: plain, compressed, signed, MDNs.
		a2=$corpus/transport/as2/node-libas2
		[ "$name" = fuzz-smime ] && cp "$a2"/content.signed.txt "$a2"/content.encrypted.txt "$a2"/content.mime.txt "$seeds"/ 2>/dev/null
		[ "$name" = fuzz-mdn ] && cp "$a2"/mdn.signed.txt "$seeds"/ 2>/dev/null
		probe=build/plain/tests/gen/as2-probe
		if [ -x "$probe" ] && openssl req -x509 -newkey rsa:2048 -nodes -keyout "$seeds/k" -out "$seeds/c" -days 2 \
			-subj /CN=fuzz >/dev/null 2>&1; then
			printf "UNB+UNOC:3+A+B+260101:1200+1'\nUNZ+1+1'\n" >"$seeds/p"
			if [ "$name" = fuzz-smime ]; then
				"$probe" send --payload "$seeds/p" --type application/edifact --entity "$seeds/plain.eml"
				"$probe" send --payload "$seeds/p" --type application/edifact --compress --entity "$seeds/z.eml"
				"$probe" send --payload "$seeds/p" --type application/edifact --compress --sign sha256 \
					--key "$seeds/k" --cert "$seeds/c" --entity "$seeds/zs.eml"
			else
				"$probe" mdn --recipient B --original-id "<m1@tdk>" --mic "q83vEjRWeJA=, sha-256" --entity "$seeds/u.eml"
				"$probe" mdn --recipient B --original-id "<m1@tdk>" --error decryption-failed --sign sha256 \
					--key "$seeds/k" --cert "$seeds/c" --entity "$seeds/s.eml"
			fi >/dev/null 2>&1
			rm -f "$seeds/k" "$seeds/c" "$seeds/p"
		fi
		;;
	esac
	# Seeds merged into the kept corpus under the names libFuzzer gives (their SHA-1).
	keep=$fz/corpus-$name
	mkdir -p "$keep"
	for f in "$seeds"/*; do
		[ -f "$f" ] && cp "$f" "$keep/$(sha1sum <"$f" | cut -d' ' -f1)"
	done
	log=$fz/$name.log
	if "$bin" -max_total_time="$secs" -max_len="$maxlen" -rss_limit_mb=1024 -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$fz/crash-$name-" "$keep" >"$log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
		[ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9]*\).*DONE.*/\1/p' "$log" | tail -1)
		echo "ok $n - $name ran ${secs}s: ${execs:-?} executions ($(( ${execs:-0} / secs ))/s)," \
			"$(grep -o 'cov: [0-9]*' "$log" | tail -1), corpus $(ls "$keep" | wc -l)"
	else
		fail=$((fail + 1))
		echo "not ok $n - $name"
		grep -E 'ERROR|SUMMARY|crash-|syntax fault|does not read back|refuses' "$log" | head -20 | sed 's/^/#   /'
	fi
done
[ $fail -eq 0 ]
