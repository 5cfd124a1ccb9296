#!/bin/sh
# The shipped maps wco-to-cusdec and cusdec-to-wco on the corpus: every
# HMRC declaration in $TDK_CORPUS/wco/hmrc-customs-declarations that is
# valid against the CDS v2.15 submission schema (wrapper_submit.xsd; the
# test finds them by validating) maps to a CUSDEC D.96B interchange that
# tdk validate accepts, and back to a declaration whose carried elements
# (tests/data/cusdec/carried.xsl: the elements the two manifests name,
# issue 13's list among them) are those of the original, file by file and
# in order; the declarations mapped back are valid against v2.15 too, and
# cusdec-to-wco finds nothing it cannot read in what wco-to-cusdec writes
# (--strict).  Each step runs once over all files (tdk map -O, tdk
# validate --files-from), so the whole loop takes a few seconds.
. "$(dirname "$0")/lib.sh"

W=$TDK_CORPUS/wco/hmrc-customs-declarations
if [ ! -d "$W" ] || [ ! -d "$DIRECTORIES/d96b" ]; then
	test_skip 'CUSDEC <-> WCO on the corpus' "$W or $DIRECTORIES/d96b is absent (set TDK_CORPUS)"
	test_done
	exit
fi
TDK_MAPS_DIR=$REPO/data/maps
export TDK_MAPS_DIR

sed "s|@CDS@|file://$W|g" "$DATA/cusdec/catalog.xml.in" >cat.xml

test_expect_success 'the schema-valid declarations of the corpus are found' '
	find "$W/instances" -type f -iname "*.xml" | LC_ALL=C sort >all &&
	tdk validate --catalog cat.xml --schema tdk-test:cds-submit --format json -j 2 --files-from all >v.json 2>v.err
	case $? in 0|1) ;; *) cat v.err; exit 1 ;; esac
	sed -n "s/^{\"file\":\"\\(.*\\)\",\"result\":\"ok\".*/\\1/p" v.json >valid &&
	test -s valid &&
	# Numbered links: results under -O never collide, whatever the names.
	mkdir in && n=0 &&
	while IFS= read -r f; do
		n=$((n + 1)) && ln -s "$f" "in/d$n.xml" && printf "d%s\t%s\n" $n "$f" >>names || exit 1
	done <valid
'
echo "# $(wc -l <"$TRASH/valid") schema-valid declarations of $(wc -l <"$TRASH/all") files"
N=$(wc -l <"$TRASH/valid")

test_expect_success 'WCO -> CUSDEC: every declaration maps (one run, warnings for what is not carried)' '
	mkdir edi && tdk map -D "$DIRECTORIES" -O edi -j 2 wco-to-cusdec in/*.xml >map1.out 2>map1.err &&
	test_grep "$N files: $N mapped, 0 invalid, 0 not mapped" map1.out &&
	test "$(ls edi/*.edi | wc -l)" -eq $N &&
	! grep -v "warning: \[MAP-UNMAPPED\]" map1.err
'

test_expect_success 'the CUSDEC interchanges are valid against D.96B (tdk validate -D)' '
	ls edi/*.edi >edis && tdk validate -D "$DIRECTORIES/d96b" --format json --files-from edis >ev.json 2>ev.err ||
	{ grep -v "\"result\":\"ok\"" ev.json | head -20; exit 1; }
'

test_expect_success 'CUSDEC -> WCO (--strict): every interchange maps back, all read, valid against v2.15' '
	mkdir back && tdk map --strict -D "$DIRECTORIES" --catalog cat.xml -O back -j 2 cusdec-to-wco edi/*.edi >map2.out 2>map2.err &&
	test_grep "$N files: $N mapped, 0 invalid, 0 not mapped" map2.out && test ! -s map2.err ||
	{ head -20 map2.err; exit 1; }
'

test_expect_success 'the carried elements come back unchanged, file by file' '
	mkdir a b &&
	tdk map -O a "$DATA/cusdec/carried.xsl" in/*.xml >ca.out 2>ca.err &&
	tdk map -O b "$DATA/cusdec/carried.xsl" back/*.xml >cb.out 2>cb.err &&
	bad=0 &&
	while IFS="$(printf "\t")" read -r d f; do
		x=$(ls a/$d.* 2>/dev/null) && y=$(ls b/$d.* 2>/dev/null) && test -s "$x" || {
			echo "$f: no comparison (a: $x, b: $y)"; bad=$((bad + 1)); continue; }
		if ! diff "$x" "$y" >diff.out; then
			echo "$f: carried elements differ:"; head -10 diff.out; bad=$((bad + 1))
		fi
	done <names &&
	test $bad -eq 0
'

test_expect_success 'the comparison can fail: a changed value in one declaration differs' '
	f=$(sed -n 1p valid) &&
	sed "s|<FunctionalReferenceID>|<FunctionalReferenceID>X|" "$f" >changed.xml &&
	tdk map "$DATA/cusdec/carried.xsl" changed.xml >c.txt &&
	tdk map "$DATA/cusdec/carried.xsl" "$f" >o.txt &&
	! diff o.txt c.txt >/dev/null
'
test_done
