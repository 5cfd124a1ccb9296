#!/bin/sh
# tests/bench/map.sh: mapping with XSLT, tdk against xsltproc in the same run (`make bench`
# runs it; it can run alone from the repository root).
#
#  batch  1,000 CDS declarations (copies of the well-formed DEC-DMS:2 declarations of
#         $TDK_CORPUS/wco/hmrc-customs-declarations, cycled) mapped by tests/bench/map-bench.xsl
#         (a summary of header, parties and goods items, without tdk's extension functions):
#         one `tdk map STYLESHEET -O DIR -r DIR` run, which compiles the stylesheet once and
#         writes every result atomically, against a shell loop of `xsltproc -o OUT STYLESHEET
#         FILE`, which starts, compiles the stylesheet and writes once per file.  tdk runs with
#         --no-validate (the summary's namespace has no schema), -j 1 and -j 2.
#         Target: tdk >= 10x faster.
#
# The results go to a tmpfs folder (BENCH_MAP_OUT, default under /dev/shm when it is there)
# for both tools: tdk syncs every result to disk before it renames it into place (atomic
# output), xsltproc does not, and on a disk that sync, not the mapping, is what tdk's time
# measures; one more row, "tdk -j1 disk", shows it with the results in the work folder.
# Both tools must write the same 1,000 results, byte for byte; anything else is an error.
# Timings are the best of BENCH_REPS runs (GNU time), with files per second and the peak RSS
# of that run; a MISS is reported, never an error.
# Environment: TDK (default ./tdk), TDK_CORPUS (default ../shared/corpus), BENCH_WORK,
# BENCH_MAP_OUT, BENCH_REPS (default 3), GNU_TIME.
set -eu

bench_dir=$(cd "$(dirname "$0")" && pwd)
TDK=${TDK:-./tdk}
work=${BENCH_WORK:-$bench_dir/work}
reps=${BENCH_REPS:-3}
gnu_time=${GNU_TIME:-/usr/bin/time}
corpus=${TDK_CORPUS:-$bench_dir/../../../shared/corpus}
C=$corpus/wco/hmrc-customs-declarations
X=$bench_dir/map-bench.xsl

note() { printf 'bench-map: %s\n' "$*" >&2; }
die() { printf 'bench-map: error: %s\n' "$*" >&2; exit 1; }

if [ ! -d "$C/instances" ]; then
    note "skipped: no WCO corpus at $C (set TDK_CORPUS)"
    exit 0
fi
command -v xsltproc >/dev/null 2>&1 || { note "skipped: xsltproc is not installed (Debian: xsltproc)"; exit 0; }
mkdir -p "$work"
if [ -n "${BENCH_MAP_OUT:-}" ]; then
    out=$BENCH_MAP_OUT
elif [ -d /dev/shm ] && [ -w /dev/shm ]; then
    out=/dev/shm/tdk-bench-map.$$
else
    out=$work
fi
mkdir -p "$out"
trap 'rm -rf "$out/map-tdk" "$out/map-xsltproc"; [ "$out" = "/dev/shm/tdk-bench-map.$$" ] && rmdir "$out"' EXIT

# --- inputs ---------------------------------------------------------------------------------

small=$work/map-small
if [ "$(find "$small" -name '*.xml' 2>/dev/null | wc -l)" != 1000 ]; then
    note "building 1,000 declarations from the corpus in $small"
    rm -rf "$small" && mkdir -p "$small"
    grep -rl --include='*.xml' 'urn:wco:datamodel:WCO:DEC-DMS:2' "$C/instances" | LC_ALL=C sort >"$work/map-candidates"
    # The corpus holds a few declarations that are not well-formed (real defects): left out.
    "$TDK" validate --well-formed --files-from "$work/map-candidates" 2>/dev/null |
        sed -n 's/: valid$//p' >"$work/map-wellformed" || true
    n=$(wc -l <"$work/map-wellformed")
    [ "$n" -gt 0 ] || die "no well-formed DEC-DMS:2 declaration found in $C"
    i=0
    while [ $i -lt 1000 ]; do
        f=$(sed -n "$((i % n + 1))p" "$work/map-wellformed")
        cp "$f" "$small/$(printf 'dec%04d.xml' $i)"
        i=$((i + 1))
    done
fi

# --- measurement ------------------------------------------------------------------------------

. "$bench_dir/measure.sh"

res=$work/map-results.txt
: >"$res"
cat "$small"/*.xml >/dev/null

# tdk_run DIR LABEL -j N: one tdk map run over the 1,000 files, results into DIR.
tdk_run() {
    note "batch: tdk map $3 $4 ($2), 1,000 files, one run"
    rm -rf "$1" && mkdir -p "$1"
    measure "$TDK" map "$X" --no-validate -q "$3" "$4" -O "$1" -r "$small"
    [ "$(ls "$1" | wc -l)" = 1000 ] || die "tdk map did not write 1,000 results"
    echo "batch tdk $3$4$2 $best_t $best_rss" >>"$res"
}
tdk_run "$work/map-tdk" " disk" -j 1
rm -rf "$work/map-tdk"
tdk_run "$out/map-tdk" "" -j 2
tdk_run "$out/map-tdk" "" -j 1
note "batch: xsltproc -o, loop of 1,000"
cat >"$work/xsltproc-loop.sh" <<'L'
for f in "$2"/*.xml; do xsltproc -o "$3/${f##*/}" "$1" "$f" || exit 1; done
L
rm -rf "$out/map-xsltproc" && mkdir -p "$out/map-xsltproc"
measure sh "$work/xsltproc-loop.sh" "$X" "$small" "$out/map-xsltproc"
echo "batch xsltproc loop $best_t $best_rss" >>"$res"
diff -r "$out/map-tdk" "$out/map-xsltproc" >/dev/null || die "tdk map and xsltproc wrote different results"

# --- report -------------------------------------------------------------------------------------

printf '\nXSLT mapping: %s and %s; %s; %s\n' "$("$TDK" --version)" \
    "$(xsltproc --version 2>&1 | head -1)" "$(uname -sm)" "best of $reps runs"
printf 'batch: 1,000 CDS declarations (%s bytes), %s; results in %s\n\n' "$(cat "$small"/*.xml | wc -c)" \
    "$(basename "$X")" "$out"
awk '
    { tool[NR] = $2 " " $3 ($4 ~ /^[a-z]/ ? " " $4 : ""); if ($4 ~ /^[a-z]/) { $4 = $5; $5 = $6 }
      t[NR] = $4; rss[NR] = $5 * 1024 / 1e6
      if ($2 == "xsltproc") { pt = $4; prss = $5 * 1024 / 1e6 } }
    END {
        fmt = "%-7s %-18s %8s %9s %12s %9s %10s   %s\n"
        printf fmt, "load", "tool", "time_s", "files/s", "peak_RSS_MB", "speedup", "RSS_ratio", "target"
        for (i = 1; i <= NR; i++) {
            sp = "-"; rr = "-"; tg = "-"; tt = t[i] > 0 ? t[i] : 0.01
            if (tool[i] !~ /^xsltproc/) {
                sp = sprintf("%.1fx", pt / tt)
                rr = sprintf("%.2f", rss[i] / prss)
                tg = sprintf(">=10x faster: %s", pt / tt >= 10 ? "PASS" : "MISS")
            }
            printf fmt, "batch", tool[i], sprintf("%.2f", t[i]), sprintf("%.0f", 1000 / tt), sprintf("%.1f", rss[i]), sp, rr, tg
        }
    }' "$res"
echo
exit 0
