#!/bin/sh
# tests/bench/xml.sh: XML validation, tdk against xmllint in the same run (`make bench` runs
# it after the EDIFACT workloads; it can run alone from the repository root).
#
#  batch   1,000 small CDS declarations (copies of the schema-valid DEC-DMS:2 declarations
#          of $TDK_CORPUS/wco/hmrc-customs-declarations, cycled), checked against the CDS
#          submission schema set: one `tdk validate --schema S -r DIR` run, against a shell
#          loop of `xmllint --noout --schema S FILE`, which compiles the schema for every file.
#          Target: tdk >= 20x faster.
#  stream  one generated 100 MB declaration (a corpus declaration whose first goods item's
#          AdditionalDocument is repeated until the file is 100 MB; schema-valid), against
#          `xmllint --stream --noout --schema S FILE`.  Targets: time <= 1.2x and peak RSS
#          <= 2x xmllint's.
#
# Both tools must give the same verdict (all valid); anything else is an error.  Timings are
# the best of BENCH_REPS runs (GNU time); a MISS is reported, never an error.
# Environment: TDK (default ./tdk), TDK_CORPUS (default ../shared/corpus), BENCH_WORK,
# BENCH_REPS (default 3), BENCH_XML_SIZE (default 100000000 bytes), GNU_TIME.
set -eu

bench_dir=$(cd "$(dirname "$0")" && pwd)
TDK=${TDK:-./tdk}
work=${BENCH_WORK:-$bench_dir/work}
reps=${BENCH_REPS:-3}
size=${BENCH_XML_SIZE:-100000000}
gnu_time=${GNU_TIME:-/usr/bin/time}
corpus=${TDK_CORPUS:-$bench_dir/../../../shared/corpus}
W=$corpus/wco

note() { printf 'bench-xml: %s\n' "$*" >&2; }
die() { printf 'bench-xml: error: %s\n' "$*" >&2; exit 1; }

if [ ! -d "$W" ]; then
    note "skipped: no WCO corpus at $W (set TDK_CORPUS)"
    exit 0
fi
command -v xmllint >/dev/null 2>&1 || { note "skipped: xmllint is not installed (libxml2-utils)"; exit 0; }
mkdir -p "$work"

C=$W/hmrc-customs-declarations
S=$C/schemas/customs/wrapper_submit.xsd
E=$W/hmrc-customs-declare-exports
S2=$E/local-wrappers/submit_wrapper.xsd
BIG_SRC=$E/instances/Imports/Accepted/Declaration/TT1_IM_v2.02_Accepted.xml

# --- inputs ---------------------------------------------------------------------------------

small=$work/xml-small
if [ "$(find "$small" -name '*.xml' 2>/dev/null | wc -l)" != 1000 ]; then
    note "building 1,000 declarations from the corpus in $small"
    rm -rf "$small" && mkdir -p "$small"
    grep -rl --include='*.xml' 'urn:wco:datamodel:WCO:DEC-DMS:2' "$C/instances" |
        xargs grep -L '<TypeCode>INV</TypeCode>' | LC_ALL=C sort >"$work/xml-candidates"
    "$TDK" validate --schema "$S" --files-from "$work/xml-candidates" 2>/dev/null |
        sed -n 's/: valid$//p' >"$work/xml-valid" || true
    n=$(wc -l <"$work/xml-valid")
    [ "$n" -gt 0 ] || die "no schema-valid declaration found in $C"
    i=0
    while [ $i -lt 1000 ]; do
        f=$(sed -n "$((i % n + 1))p" "$work/xml-valid")
        cp "$f" "$small/$(printf 'dec%04d.xml' $i)"
        i=$((i + 1))
    done
fi

big=$work/xml-big-$size.xml
if [ ! -f "$big" ]; then
    note "generating $big ($size bytes)"
    perl -e '
        my ($src, $size, $out) = @ARGV;
        open my $in, "<", $src or die; local $/; my $x = <$in>;
        $x =~ m{(<GovernmentAgencyGoodsItem>.*?)(\s*<AdditionalDocument>.*?</AdditionalDocument>)}s or die "no item document";
        my $at = $+[2]; my $block = $2;
        open my $o, ">", "$out.tmp" or die;
        print $o substr($x, 0, $at);
        my $n = int(($size - length $x) / length $block) + 1;
        print $o $block for 1 .. $n;
        print $o substr($x, $at);
        close $o or die; rename "$out.tmp", $out or die;
    ' "$BIG_SRC" "$size" "$big"
fi

# --- measurement ------------------------------------------------------------------------------

. "$bench_dir/measure.sh"

res=$work/xml-results.txt
: >"$res"
cat "$big" >/dev/null
cat "$small"/*.xml >/dev/null

note "batch: tdk validate, 1,000 files, one run"
measure "$TDK" validate --schema "$S" -r "$small"
grep -q '^1000 files: 1000 valid' "$work/out.txt" || die "tdk did not find the 1,000 declarations valid"
echo "batch tdk -j1 $best_t $best_rss" >>"$res"
measure "$TDK" validate --schema "$S" -j 2 -r "$small"
echo "batch tdk -j2 $best_t $best_rss" >>"$res"
note "batch: xmllint --noout --schema, loop of 1,000"
cat >"$work/xmllint-loop.sh" <<'X'
for f in "$2"/*.xml; do xmllint --noout --schema "$1" "$f" 2>/dev/null || exit 1; done
X
measure sh "$work/xmllint-loop.sh" "$S" "$small"
echo "batch xmllint loop $best_t $best_rss" >>"$res"

note "stream: 100 MB declaration"
measure "$TDK" validate --schema "$S2" "$big"
echo "stream tdk - $best_t $best_rss" >>"$res"
measure xmllint --stream --noout --schema "$S2" "$big"
echo "stream xmllint --stream $best_t $best_rss" >>"$res"

# --- report -------------------------------------------------------------------------------------

printf '\nXML validation: %s and %s; %s; %s\n' "$("$TDK" --version)" \
    "$(xmllint --version 2>&1 | head -1)" "$(uname -sm)" "best of $reps runs"
printf 'batch: 1,000 CDS declarations (%s bytes); stream: %s (%s bytes)\n\n' \
    "$(cat "$small"/*.xml | wc -c)" "$(basename "$big")" "$(wc -c <"$big")"
awk '
    { w[NR] = $1; tool[NR] = $2 " " $3; t[NR] = $4; rss[NR] = $5 * 1024 / 1e6
      if ($2 == "xmllint") { pt[$1] = $4; prss[$1] = $5 * 1024 / 1e6 } }
    END {
        fmt = "%-7s %-17s %8s %12s %11s %10s   %s\n"
        printf fmt, "load", "tool", "time_s", "peak_RSS_MB", "speedup", "RSS_ratio", "target"
        for (i = 1; i <= NR; i++) {
            sp = "-"; rr = "-"; tg = "-"
            if (tool[i] !~ /^xmllint/) {
                sp = sprintf("%.1fx", pt[w[i]] / (t[i] > 0 ? t[i] : 0.01))
                rr = sprintf("%.2f", rss[i] / prss[w[i]])
                if (w[i] == "batch")
                    tg = sprintf(">=20x faster: %s", pt[w[i]] / (t[i] > 0 ? t[i] : 0.01) >= 20 ? "PASS" : "MISS")
                else
                    tg = sprintf("time<=1.2x: %s, RSS<=2x: %s", t[i] <= 1.2 * pt[w[i]] ? "PASS" : "MISS", rss[i] <= 2 * prss[w[i]] ? "PASS" : "MISS")
            }
            printf fmt, w[i], tool[i], sprintf("%.2f", t[i]), sprintf("%.1f", rss[i]), sp, rr, tg
        }
    }' "$res"
echo
exit 0
