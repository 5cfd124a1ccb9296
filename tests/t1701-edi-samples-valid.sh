#!/bin/sh
# The EDIFACT samples that README.md and the manual pages call valid name a
# release of the corpus (D.96A, D.96B, D.01B, D.16A, D.21A) and are valid
# against it, directory checks included; the negative samples give exactly
# the diagnostics the documentation shows.  Only exit statuses and standard
# error are asserted: the per-document verdict line is the report's business.
. "$(dirname "$0")/lib.sh"

if [ ! -d "$DIRECTORIES/d96b" ]; then
	test_skip 'samples against the corpus releases' "no UNTDID releases at $DIRECTORIES"
	test_done
fi

# release FILE: the corpus folder of the release the first UNH of FILE names ("d16a").
release() {
	sed -n "s/.*UNH+[^+]*+[A-Z0-9]*:D:\([0-9][0-9][A-Z]\):UN.*/d\1/p" "$1" | head -1 | tr A-Z a-z
}

# The samples the documentation calls valid (README.md, tdk-validate(1),
# tdk-convert(1), tdk(1)), and what each is checked with.
for s in 'invoic-d96a.edi|' 'cuscar-v4.edi|' 'cusdec-d96b-import.edi|' \
	 'cusdec-d96b-import.edi|--mig samples/mig-cusdec-import.mig'; do
	f=${s%%|*} opt=${s#*|}
	test_expect_success "samples/$f ${opt:+($opt) }names a corpus release and is valid against it" "
		r=\$(release '$SAMPLES/$f') && echo \"release: \$r\" && test -n \"\$r\" &&
		test -d '$DIRECTORIES/'\$r &&
		(cd '$REPO' && tdk validate -D '$DIRECTORIES/'\$r $opt 'samples/$f') >out 2>err && cat err && ! test -s err
	"
done
test_expect_success 'samples/invoic-d96a.edi and samples/cuscar-v4.edi together, releases on the search path (tdk-validate(1) EXAMPLES)' '
	(cd "$REPO" && TDK_DIRECTORY_PATH=$DIRECTORIES tdk validate samples/invoic-d96a.edi samples/cuscar-v4.edi) >out 2>err &&
	! test -s err
'
test_expect_success 'samples/cuscar-v4.edi still shows syntax version 4: UNOW, repetitions, a UNG' '
	grep -q "^UNB+UNOW:4+" "$SAMPLES/cuscar-v4.edi" && grep -q "^UNG+CUSCAR+" "$SAMPLES/cuscar-v4.edi" &&
	grep -q "^COM+.*\*" "$SAMPLES/cuscar-v4.edi"
'

# The negative samples: exactly the diagnostics tdk-validate(1) and README.md show.
cat >orders.want <<'W'
samples/orders-broken.edi:9:1: error: [EDI-CTRL-UNT-COUNT] segment 8 'UNT' element 1: control count 9 does not match the 8 segments in message '1'
samples/orders-broken.edi:10:1: error: [EDI-CTRL-UNZ-COUNT] segment 10 'UNZ' element 1: control count 2 does not match the 1 message in interchange 'REF7'
samples/orders-broken.edi:10:1: error: [EDI-CTRL-UNZ-REF] segment 10 'UNZ' element 2: reference 'REF8' does not match 'REF7' in UNB 0020
W
test_expect_code 1 'samples/orders-broken.edi: the three diagnostics the manual shows, against its release D.96A' '
	test "$(release "$SAMPLES/orders-broken.edi")" = d96a || exit 99
	(cd "$REPO" && tdk validate -D "$DIRECTORIES/d96a" samples/orders-broken.edi) >out 2>err; rc=$?
	test_cmp orders.want err || exit 99
	exit $rc
'
test_expect_code 1 'samples/cusdec-d96b-import-bad.edi breaks the guideline only (EDI-MIG-*), not the release' '
	(cd "$REPO" && tdk validate -D "$DIRECTORIES/d96b" --mig samples/mig-cusdec-import.mig \
		samples/cusdec-d96b-import-bad.edi) >out 2>err; rc=$?
	test -s err && ! grep -v "^samples/cusdec-d96b-import-bad.edi:[0-9]*:[0-9]*: error: \[EDI-MIG-" err || exit 99
	(cd "$REPO" && tdk validate -D "$DIRECTORIES/d96b" samples/cusdec-d96b-import-bad.edi) >out 2>err2 || exit 99
	! test -s err2 || exit 99
	exit $rc
'
test_expect_code 1 'samples/invoic-d96a.edi read as UTF-8 (--charset UNOW) is invalid for its Latin-1 letters only' '
	(cd "$REPO" && tdk validate -D "$DIRECTORIES/d96a" --charset UNOW samples/invoic-d96a.edi) >out 2>err; rc=$?
	test $(grep -c . err) = 2 && ! grep -v "\[EDI-CHARSET-INVALID\]" err || exit 99
	exit $rc
'
test_done
