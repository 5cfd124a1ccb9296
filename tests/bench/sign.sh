#!/bin/sh
# tests/bench/sign.sh: signing, verifying and packing, side by side with the
# peers in the same run; called by tests/bench/run.sh (`make bench`).
#
#  1. Makes, in the work folder, an RSA-2048 test CA and signer (openssl) and
#     BENCH_SIGN_N declarations (default 1000, about 1 KB each, from
#     samples/declaration.xml with distinct references).
#  2. tdk: one run signs them all (`tdk sign -O`), one run verifies them all.
#     Peer: the xmlsec1 command (Debian package xmlsec1) in a loop, one
#     process per file, on the same documents with a signature template
#     (xmlsec1 --sign --privkey-pem, then xmlsec1 --verify --trusted-pem).
#  3. Packing: `tdk pack -o` of the same files into an ASiC-E container
#     against `zip -q -X` of the same files (both deflate).
#  4. Prints one table: wall time, files per second, and the ratio to the
#     peer measured here, with the targets of the issue (sign+verify >= 10x
#     the xmlsec1 loop; pack within 1.5x of zip) marked PASS/MISS.
# Timing is never an error: the exit status is 0 unless a tool fails.
#
# Environment: TDK (default ./tdk), BENCH_WORK (default tests/bench/work),
# BENCH_SIGN_N (default 1000), BENCH_NO_PEER=1 skips xmlsec1 and zip.
set -eu

bench_dir=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$bench_dir/../.." && pwd)
TDK=${TDK:-./tdk}
case $TDK in /*) ;; *) TDK=$(pwd)/$TDK ;; esac
work=${BENCH_WORK:-$bench_dir/work}/sign
n=${BENCH_SIGN_N:-1000}

die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }

rm -rf "$work" && mkdir -p "$work/docs" "$work/tmpl" "$work/tdk" "$work/xmlsec" || die "cannot make $work"
cd "$work"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 -subj "/CN=bench CA" \
	-addext "basicConstraints=critical,CA:true" -addext "keyUsage=keyCertSign" 2>/dev/null || die openssl
openssl req -new -newkey rsa:2048 -nodes -keyout signer.key -out signer.csr -subj "/CN=bench signer" 2>/dev/null
openssl x509 -req -in signer.csr -CA ca.pem -CAkey ca.key -set_serial 7 -days 30 -out signer.pem 2>/dev/null ||
	die openssl

tmpl='<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><Reference URI=""><Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></Transforms><DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue/></Reference></SignedInfo><SignatureValue/><KeyInfo><X509Data><X509Certificate/></X509Data></KeyInfo></Signature>'
i=1
while [ $i -le "$n" ]; do
	sed "s/TDK-SAMPLE-0001/TDK-BENCH-$i/" "$repo/samples/declaration.xml" >"docs/d$i.xml"
	sed "s|</Declaration>|$tmpl</Declaration>|" "docs/d$i.xml" >"tmpl/d$i.xml"
	i=$((i + 1))
done
files=$(i=1; while [ $i -le "$n" ]; do printf 'docs/d%s.xml ' $i; i=$((i + 1)); done)

results=results.txt
: >$results
measure() { # label tool command...
	label=$1; tool=$2; shift 2
	t0=$(now)
	"$@" >/dev/null 2>err.txt || { cat err.txt >&2; die "$tool $label failed"; }
	t1=$(now)
	echo "$label $tool $(echo "$t1 - $t0" | bc)" >>$results
}

# shellcheck disable=SC2086
measure sign tdk "$TDK" sign -k signer.key --cert signer.pem -O tdk $files
measure verify tdk sh -c "cd tdk && exec \"$TDK\" verify -q --ca ../ca.pem *.xml"
measure pack tdk "$TDK" pack -o dossier.asice $files
if [ "${BENCH_NO_PEER:-}" != 1 ] && command -v xmlsec1 >/dev/null 2>&1; then
	measure sign xmlsec1 sh -c 'for f in tmpl/*.xml; do
		xmlsec1 --sign --privkey-pem signer.key,signer.pem --output "xmlsec/${f#tmpl/}" "$f" || exit 1; done'
	measure verify xmlsec1 sh -c 'for f in xmlsec/*.xml; do
		xmlsec1 --verify --trusted-pem ca.pem "$f" >/dev/null 2>&1 || exit 1; done'
	# The same documents cross-checked: tdk verifies what xmlsec1 signed.
	(cd xmlsec && "$TDK" verify -q --ca ../ca.pem d1.xml) || die "tdk does not verify xmlsec1's signature"
fi
if [ "${BENCH_NO_PEER:-}" != 1 ] && command -v zip >/dev/null 2>&1; then
	# shellcheck disable=SC2086
	measure pack zip zip -q -X dossier.zip $files
fi

printf '\nsigning and packing: %s declarations of ~%s bytes, RSA-2048, SHA-256; %s\n' "$n" \
	"$(wc -c <docs/d1.xml)" "$(xmlsec1 --version 2>/dev/null || echo 'no xmlsec1')"
awk -v n="$n" '
	{ t[$1 "," $2] = $3; if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 } }
	END {
		fmt = "%-16s %-9s %9s %10s %14s  %s\n"
		printf fmt, "workload", "tool", "time_s", "files/s", "tdk_vs_peer", "target"
		for (i = 1; i <= k; i++) {
			w = order[i]; peer = (w == "pack") ? "zip" : "xmlsec1"
			for (j = 0; j < 2; j++) {
				tool = j ? peer : "tdk"; key = w "," tool
				if (!(key in t)) continue
				r = "-"; g = "-"
				if (tool == "tdk" && (w "," peer) in t) {
					r = sprintf("%.1fx faster", t[w "," peer] / t[key])
					if (w == "pack") g = sprintf("within 1.5x of zip: %s", t[key] <= 1.5 * t[w "," peer] ? "PASS" : "MISS")
				}
				printf fmt, w, tool, sprintf("%.2f", t[key]), sprintf("%.0f", n / (t[key] > 0 ? t[key] : 0.001)), r, g
			}
		}
		if (("sign,xmlsec1" in t) && ("verify,xmlsec1" in t)) {
			a = t["sign,tdk"] + t["verify,tdk"]; b = t["sign,xmlsec1"] + t["verify,xmlsec1"]
			printf fmt, "sign+verify", "tdk", sprintf("%.2f", a), sprintf("%.0f", n / a), \
				sprintf("%.1fx faster", b / a), sprintf(">= 10x: %s", b / a >= 10 ? "PASS" : "MISS")
			printf fmt, "sign+verify", "xmlsec1", sprintf("%.2f", b), sprintf("%.0f", n / b), "-", "-"
		}
	}' $results
exit 0
