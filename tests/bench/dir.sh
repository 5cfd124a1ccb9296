#!/bin/sh
# tests/bench/dir.sh: directory validation and directory loading, for `make bench`
# (called from tests/bench/run.sh; runs alone too, from the repository root).
#
# What it measures, with the UNTDID releases of the corpus ($TDK_CORPUS/edifact/directories;
# without them it says so and exits 0):
#   validate-dir     ./tdk validate -D RELEASES FILE   every message against its release
#                    (segment table, elements, formats, code lists) on top of ISO 9735
#   validate-syntax  ./tdk validate --syntax-only FILE  the same file at the syntax level
#   tokenize         node node-tokenize.js FILE         the peer, node-edifact (npm edifact),
#                    when run.sh has installed it into tests/bench/node_modules
#   dir-cached       ./tdk dir show D96B CUSDEC with the compiled cache in place (warm)
#   dir-uncached     the same with no compiled cache: the release is read from its member
#                    zips and the cache written
#   dir-first-zip    the same from d96b.zip, the release zip as downloaded (an outer zip of
#                    the member zips, made here with zip(1)), no compiled cache
# FILE is the INVOIC D.96A interchange of tests/bench/gen-edifact.c (the one run.sh uses;
# generation is not measured).  Throughput rows are the best of DIR_BENCH_REPS runs with GNU
# time (wall time and peak RSS); load rows the best of DIR_BENCH_LOADS runs, timed in
# nanoseconds.  The table gives the issue's targets: validate-dir >= 150 MB/s with peak RSS
# < 32 MB; a message definition from the cache < 20 ms; the first load of a release from its
# zip < 2 s.  A MISS is reported, never an error.
#
# Environment (besides run.sh's TDK, BENCH_WORK, GNU_TIME, CC, BENCH_NO_PEER):
#   DIR_BENCH_SIZE   size of the interchange, gen-edifact syntax (default 1G; 50M for a quick run)
#   DIR_BENCH_REPS   repetitions of each throughput measurement (default 2)
#   DIR_BENCH_LOADS  repetitions of each load measurement (default 5)
#   TDK_CORPUS       the corpus (default ../shared/corpus beside the repository)
set -eu

bench_dir=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$bench_dir/../.." && pwd)
TDK=${TDK:-./tdk}
work=${BENCH_WORK:-$bench_dir/work}
size=${DIR_BENCH_SIZE:-1G}
reps=${DIR_BENCH_REPS:-2}
loads=${DIR_BENCH_LOADS:-5}
gnu_time=${GNU_TIME:-/usr/bin/time}
cc=${CC:-cc}
corpus=${TDK_CORPUS:-$repo/../shared/corpus}
releases=$corpus/edifact/directories

die() { printf 'bench dir: error: %s\n' "$*" >&2; exit 1; }
note() { printf 'bench dir: %s\n' "$*" >&2; }

if [ ! -d "$releases/d96a" ] || [ ! -d "$releases/d96b" ]; then
    note "skipped: no UNTDID releases D.96A and D.96B at $releases (set TDK_CORPUS)"
    exit 0
fi
case $TDK in
*/*) [ -x "$TDK" ] || die "no tdk binary at '$TDK'" ;;
*) command -v "$TDK" >/dev/null 2>&1 || die "no '$TDK' in PATH" ;;
esac
command -v zip >/dev/null 2>&1 || die "zip(1) is needed to build the release zip (Debian package zip)"
mkdir -p "$work"
"$gnu_time" -f '%e %M' -o "$work/time.txt" true 2>/dev/null || die "GNU time not found at '$gnu_time'"

# Nothing of the user's: a compiled cache and a data directory of our own.
cache=$work/dir-cache
XDG_CACHE_HOME=$cache XDG_DATA_HOME=$work/dir-data
export XDG_CACHE_HOME XDG_DATA_HOME
unset TDK_DIRECTORY_PATH

# --- the interchange (as run.sh makes it; kept between runs) --------------------------------

f=$work/invoic-$size.edi
gen_sum=$(cksum < "$bench_dir/gen-edifact.c")
if ! [ -f "$f" ] || ! [ -f "$f.stamp" ] || [ "$(sed -n 1p "$f.stamp")" != "$gen_sum" ] ||
   [ "$(wc -c < "$f" | tr -d ' ')" != "$(sed -n 2p "$f.stamp" | cut -d' ' -f1)" ]; then
    "$cc" -O2 -o "$work/gen-edifact.tmp" "$bench_dir/gen-edifact.c" || die "cannot compile gen-edifact.c"
    mv -f "$work/gen-edifact.tmp" "$work/gen-edifact"
    note "generating $f ($size bytes)"
    rm -f "$f" "$f.stamp"
    "$work/gen-edifact" "$size" "$f.tmp" > "$f.meta" || die "gen-edifact $size failed"
    mv -f "$f.tmp" "$f"
    { printf '%s\n' "$gen_sum"; cat "$f.meta"; } > "$f.stamp"
    rm -f "$f.meta"
fi
bytes=$(sed -n 2p "$f.stamp" | cut -d' ' -f1)
segments=$(sed -n 2p "$f.stamp" | cut -d' ' -f2)

# --- measurement helpers ------------------------------------------------------------------

# measure N CMD...: best wall time (s) and its peak RSS (KiB) of N runs into best_t, best_rss.
measure() {
    n=$1
    shift
    best_t='' best_rss=''
    i=0
    while [ "$i" -lt "$n" ]; do
        i=$((i + 1))
        "$gnu_time" -f '%e %M' -o "$work/time.txt" "$@" > "$work/out.txt" 2> "$work/stderr.txt" || return 1
        line=$(tail -n 1 "$work/time.txt")
        t=${line% *} rss=${line#* }
        if [ -z "$best_t" ] || awk -v a="$t" -v b="$best_t" 'BEGIN { exit !(a < b) }'; then
            best_t=$t best_rss=$rss
        fi
    done
}

# load_time N PREP CMD...: best wall time in ms of N runs of CMD, PREP (a shell command) before each.
load_time() {
    n=$1 prep=$2
    shift 2
    best_ms=''
    i=0
    while [ "$i" -lt "$n" ]; do
        i=$((i + 1))
        eval "$prep"
        t0=$(date +%s%N)
        "$@" > "$work/out.txt" 2> "$work/stderr.txt" || return 1
        t1=$(date +%s%N)
        ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')
        if [ -z "$best_ms" ] || awk -v a="$ms" -v b="$best_ms" 'BEGIN { exit !(a < b) }'; then
            best_ms=$ms
        fi
    done
}

fail() {
    printf 'bench dir: error: %s\n' "$1" >&2
    head -n 20 "$work/stderr.txt" >&2
    exit 1
}

results=$work/dir-results.txt
: > "$results"
cat "$f" > /dev/null  # the page cache: measure the tool, not the disk

# The compiled caches of D.96A (the interchange) and D.96B (the loads) exist before timing.
"$TDK" dir show -D "$releases" D96A INVOIC > /dev/null 2>&1 || fail "tdk cannot load D.96A from $releases"
"$TDK" dir show -D "$releases/d96b" D96B CUSDEC > /dev/null 2>&1 || fail "tdk cannot load D.96B"

note "$size: tdk validate (directory) x$reps"
measure "$reps" "$TDK" validate -D "$releases" "$f" || fail "the generated $f does not validate against D.96A:"
echo "validate-dir tdk $best_t $best_rss $bytes" >> "$results"

note "$size: tdk validate --syntax-only x$reps"
measure "$reps" "$TDK" validate --syntax-only "$f" || fail "tdk validate --syntax-only $f failed:"
echo "validate-syntax tdk $best_t $best_rss $bytes" >> "$results"

if [ "${BENCH_NO_PEER:-}" != 1 ] && command -v node >/dev/null 2>&1 &&
   [ -f "$bench_dir/node_modules/edifact/package.json" ]; then
    note "$size: node-edifact tokenize x$reps"
    measure "$reps" node "$bench_dir/node-tokenize.js" "$f" || fail "node-edifact failed on $f:"
    [ "$(cat "$work/out.txt")" = "$segments" ] || die "node-edifact miscounted the segments of $f"
    echo "tokenize node-edifact $best_t $best_rss $bytes" >> "$results"
else
    note "peer skipped: node-edifact is not installed (run.sh installs it) or BENCH_NO_PEER=1"
fi

note "loads x$loads"
load_time "$loads" : "$TDK" dir show -D "$releases/d96b" D96B CUSDEC || fail "tdk dir show D96B CUSDEC failed:"
echo "dir-cached tdk $best_ms" >> "$results"
load_time "$loads" 'rm -rf "$cache"' "$TDK" dir show -D "$releases/d96b" D96B CUSDEC ||
    fail "tdk dir show D96B CUSDEC (no cache) failed:"
echo "dir-uncached tdk $best_ms" >> "$results"
rm -f "$work/d96b.zip"
(cd "$releases/d96b" && zip -q -X "$work/d96b.zip" ./*) || die "cannot zip the D.96B release"
load_time "$loads" 'rm -rf "$cache"' "$TDK" dir show -D "$work/d96b.zip" D96B CUSDEC ||
    fail "tdk dir show -D d96b.zip D96B CUSDEC failed:"
echo "dir-first-zip tdk $best_ms" >> "$results"

# --- report -------------------------------------------------------------------------------

printf '\ntdk directory benchmark: %s; INVOIC D.96A interchange of %s (%s bytes, %s segments)\n' \
    "$("$TDK" --version 2>/dev/null | head -n 1)" "$size" "$bytes" "$segments"
printf 'throughput: best of %s runs; loads: best of %s runs; MB = 10^6 bytes\n\n' "$reps" "$loads"
awk '
    $1 ~ /^validate|^tokenize/ { t[NR] = $3; tp[NR] = $5 / 1e6 / ($3 > 0 ? $3 : 0.01); rss[NR] = $4 * 1024 / 1e6
                                 if ($2 == "node-edifact") peer = tp[NR] }
    { w[NR] = $1; tool[NR] = $2; v[NR] = $3 }
    END {
        fmt = "%-16s %-13s %10s %8s %12s %14s   %s\n"
        printf fmt, "workload", "tool", "time", "MB/s", "peak_RSS_MB", "ratio_vs_peer", "target"
        for (i = 1; i <= NR; i++) {
            if (w[i] ~ /^dir-/) {
                goal = w[i] == "dir-cached" ? 20 : w[i] == "dir-first-zip" ? 2000 : 0
                tg = goal ? sprintf("< %d ms %s", goal, v[i] < goal ? "PASS" : "MISS") : "-"
                printf fmt, w[i], tool[i], v[i] " ms", "-", "-", "-", tg
                continue
            }
            ratio = tool[i] == "node-edifact" ? "-" : peer ? sprintf("%.2fx", tp[i] / peer) : "n/a"
            tg = "-"
            if (w[i] == "validate-dir")
                tg = sprintf(">= 150 MB/s %s, RSS < 32 MB %s", tp[i] >= 150 ? "PASS" : "MISS",
                             rss[i] < 32 ? "PASS" : "MISS")
            printf fmt, w[i], tool[i], sprintf("%.2f s", t[i]), sprintf("%.1f", tp[i]),
                sprintf("%.1f", rss[i]), ratio, tg
        }
    }' "$results"
printf '\n(targets are the issue'"'"'s; a MISS is reported, never an error)\n'
exit 0
