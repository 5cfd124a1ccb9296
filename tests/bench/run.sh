#!/bin/sh
# tests/bench/run.sh: the throughput and memory benchmark that `make bench` runs.
#
# What it does, in order:
#  1. Compiles tests/bench/gen-edifact.c (cc -O2) into the work folder and generates, once, a
#     deterministic UN/EDIFACT INVOIC D.96A interchange (UNOC, UNA, one segment per line,
#     correct UNT/UNZ/CNT counts, release characters and Latin-1 letters in party names) of
#     each size in BENCH_SIZES (default 100 MB and 1 GB, decimal units).  The files stay in
#     the work folder between runs; a file is regenerated only when it is missing or when
#     gen-edifact.c changed (its cksum is stored in FILE.stamp beside the file).
#  2. Installs the peer, npm `edifact` (node-edifact) 1.2.12, into tests/bench/node_modules
#     if it is not there yet.  Without node or npm (or if the install fails) the peer is
#     skipped with a note and tdk's rows are still printed.
#  3. For every file measures, with GNU time (`/usr/bin/time -f '%e %M'`):
#       validate   ./tdk validate FILE                   (ISO 9735 syntax validation)
#       to-xml     ./tdk convert -t xml FILE >/dev/null  (EDIFACT -> XML)
#       tokenize   node node-tokenize.js FILE            (node-edifact Parser, 64 KiB chunks,
#                                                         counting segments; the peer)
#     Each is run BENCH_REPS times (BENCH_REPS_LARGE times for files of 1 GB and more) and
#     the best wall time is kept, with the peak RSS of that run.  The first validate run
#     doubles as the check that the generated file is valid: it must exit 0.  The segment
#     count the peer prints must equal the generator's.
#  4. Prints one table (see tests/bench/README for the columns), with the targets from the
#     issue (validate >= 300 MB/s, to-xml >= 100 MB/s, peak RSS < 16 MB) marked PASS/MISS.
#
# Benchmarks never fail the build on timing: the exit status is 0 unless something errors
# (a tool fails, a generated file does not validate, the peer miscounts, GNU time is missing).
#
# Run it from the repository root (`make bench` does).  Environment:
#   TDK               the tdk binary (default ./tdk)
#   BENCH_SIZES       sizes to generate, gen-edifact syntax (default "100M 1G")
#   BENCH_REPS        repetitions per measurement (default 3)
#   BENCH_REPS_LARGE  repetitions for files >= 1 GB (default 3; 1 shortens the run ~2x)
#   BENCH_WORK        work folder (default tests/bench/work, git-ignored)
#   BENCH_NO_PEER=1   skip node-edifact
#   GNU_TIME          GNU time binary (default /usr/bin/time)
#   CC                C compiler for the generator (default cc)
set -eu

bench_dir=$(cd "$(dirname "$0")" && pwd)
TDK=${TDK:-./tdk}
work=${BENCH_WORK:-$bench_dir/work}
sizes=${BENCH_SIZES:-100M 1G}
reps=${BENCH_REPS:-3}
reps_large=${BENCH_REPS_LARGE:-3}
gnu_time=${GNU_TIME:-/usr/bin/time}
cc=${CC:-cc}
edifact_version=1.2.12

die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }
note() { printf 'bench: %s\n' "$*" >&2; }

start=$(date +%s)

# --- tools -------------------------------------------------------------------------------

case $TDK in
*/*) [ -x "$TDK" ] || die "no tdk binary at '$TDK': run 'make bench' from the repository root, or set TDK" ;;
*) command -v "$TDK" >/dev/null 2>&1 || die "no '$TDK' in PATH; set TDK to the tdk binary" ;;
esac

mkdir -p "$work"
if ! "$gnu_time" -f '%e %M' -o "$work/time.txt" true 2>/dev/null ||
   ! awk 'NF == 2 && $1 ~ /^[0-9.]+$/ && $2 ~ /^[0-9]+$/ { ok = 1 } END { exit !ok }' "$work/time.txt"; then
    die "GNU time not found at '$gnu_time' (Debian package 'time'; or set GNU_TIME): it measures wall time and peak RSS"
fi

# --- generated interchanges ---------------------------------------------------------------

"$cc" -O2 -o "$work/gen-edifact.tmp" "$bench_dir/gen-edifact.c" || die "cannot compile gen-edifact.c with $cc"
mv -f "$work/gen-edifact.tmp" "$work/gen-edifact"
gen_sum=$(cksum < "$bench_dir/gen-edifact.c")

# prepare SIZE: make sure $work/invoic-SIZE.edi exists and matches the generator.
prepare() {
    f=$work/invoic-$1.edi
    stamp=$f.stamp
    if [ -f "$f" ] && [ -f "$stamp" ] && [ "$(sed -n 1p "$stamp")" = "$gen_sum" ] &&
       [ "$(wc -c < "$f" | tr -d ' ')" = "$(sed -n 2p "$stamp" | cut -d' ' -f1)" ]; then
        return 0
    fi
    note "generating $f ($1 bytes)"
    rm -f "$stamp" "$f"
    "$work/gen-edifact" "$1" "$f.tmp" > "$f.meta" || die "gen-edifact $1 failed"
    mv -f "$f.tmp" "$f"
    { printf '%s\n' "$gen_sum"; cat "$f.meta"; } > "$stamp"
    rm -f "$f.meta"
}

for size in $sizes; do
    prepare "$size"
done

# --- peer ---------------------------------------------------------------------------------

peer=yes
peer_note=
if [ "${BENCH_NO_PEER:-}" = 1 ]; then
    peer=no peer_note="peer skipped: BENCH_NO_PEER=1"
elif ! command -v node >/dev/null 2>&1; then
    peer=no peer_note="peer skipped: node is not installed (Debian packages nodejs, npm)"
elif ! grep -q "\"version\": *\"$edifact_version\"" "$bench_dir/node_modules/edifact/package.json" 2>/dev/null; then
    if ! command -v npm >/dev/null 2>&1; then
        peer=no peer_note="peer skipped: npm is not installed (Debian package npm)"
    else
        note "installing npm edifact@$edifact_version into $bench_dir/node_modules"
        if ! npm install --prefix "$bench_dir" --save-exact --no-audit --no-fund \
                "edifact@$edifact_version" > "$work/npm.log" 2>&1; then
            peer=no peer_note="peer skipped: npm install edifact@$edifact_version failed (see $work/npm.log)"
        fi
    fi
fi
[ -z "$peer_note" ] || note "$peer_note"

# --- measurement --------------------------------------------------------------------------

# measure N OUT CMD...: run CMD N times under GNU time, stdout to OUT, and set best_t and
# best_rss (KiB) from the fastest run.  Returns 1 (stderr kept in $work/stderr.txt) if CMD fails.
measure() {
    n=$1 out=$2
    shift 2
    best_t='' best_rss=''
    i=0
    while [ "$i" -lt "$n" ]; do
        i=$((i + 1))
        "$gnu_time" -f '%e %M' -o "$work/time.txt" "$@" > "$out" 2> "$work/stderr.txt" || return 1
        line=$(tail -n 1 "$work/time.txt")
        t=${line% *} rss=${line#* }
        if [ -z "$best_t" ] || awk -v a="$t" -v b="$best_t" 'BEGIN { exit !(a < b) }'; then
            best_t=$t best_rss=$rss
        fi
    done
}

fail() { # fail MESSAGE: die with the tool's diagnostics.
    printf 'bench: error: %s\n' "$1" >&2
    head -n 20 "$work/stderr.txt" >&2
    exit 1
}

results=$work/results.txt
: > "$results"

for size in $sizes; do
    f=$work/invoic-$size.edi
    bytes=$(sed -n 2p "$f.stamp" | cut -d' ' -f1)
    segments=$(sed -n 2p "$f.stamp" | cut -d' ' -f2)
    n=$reps
    [ "$bytes" -lt 1000000000 ] || n=$reps_large
    cat "$f" > /dev/null # warm the page cache: measure the tools, not the disk

    note "$size: tdk validate x$n"
    measure "$n" /dev/null "$TDK" validate "$f" ||
        fail "the generated file $f does not validate (or tdk validate failed):"
    echo "validate $size tdk $best_t $best_rss $bytes" >> "$results"

    note "$size: tdk convert -t xml x$n"
    measure "$n" /dev/null "$TDK" convert -t xml "$f" || fail "tdk convert -t xml $f failed:"
    echo "to-xml $size tdk $best_t $best_rss $bytes" >> "$results"

    if [ "$peer" = yes ]; then
        note "$size: node-edifact tokenize x$n"
        measure "$n" "$work/peer.out" node "$bench_dir/node-tokenize.js" "$f" ||
            fail "node-edifact failed on $f:"
        got=$(cat "$work/peer.out")
        [ "$got" = "$segments" ] || die "node-edifact counted $got segments in $f, the generator wrote $segments"
        echo "tokenize $size node-edifact $best_t $best_rss $bytes" >> "$results"
    fi
done

# --- report -------------------------------------------------------------------------------

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
printf '\ntdk benchmark: %s; %s; %s CPU(s)%s\n' "$("$TDK" --version 2>/dev/null | head -n 1)" \
    "$(uname -sm)" "$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')" "${cpu:+, $cpu}"
if [ "$peer" = yes ]; then
    printf 'peer: node-edifact %s (npm edifact) on node %s\n' "$edifact_version" "$(node --version)"
else
    printf '%s\n' "$peer_note"
fi
printf 'best of %s runs (%s for files >= 1 GB); MB = 10^6 bytes\n\n' "$reps" "$reps_large"

awk '
    { w[NR] = $1; s[NR] = $2; tool[NR] = $3; t[NR] = $4; rss[NR] = $5 * 1024 / 1e6
      tp[NR] = $6 / 1e6 / ($4 > 0 ? $4 : 0.01)
      if ($3 == "node-edifact") peer[$2] = tp[NR] }
    END {
        fmt = "%-10s %-5s %-13s %8s %8s %12s %14s   %-16s %s\n"
        printf fmt, "workload", "size", "tool", "time_s", "MB/s", "peak_RSS_MB", "ratio_vs_peer", \
            "target_MB/s", "target_RSS"
        for (i = 1; i <= NR; i++) {
            ratio = "-"; tt = "-"; tr = "-"
            if (tool[i] != "node-edifact") {
                ratio = (s[i] in peer) ? sprintf("%.2fx", tp[i] / peer[s[i]]) : "n/a"
                goal = (w[i] == "validate") ? 300 : 100
                tt = sprintf(">=%d %s", goal, tp[i] >= goal ? "PASS" : "MISS")
                tr = sprintf("<16 %s", rss[i] < 16 ? "PASS" : "MISS")
            }
            printf fmt, w[i], s[i], tool[i], sprintf("%.2f", t[i]), sprintf("%.1f", tp[i]), \
                sprintf("%.1f", rss[i]), ratio, tt, tr
        }
    }' "$results"

printf '\n(total %s s; targets are the issue'"'"'s; a MISS is reported, never an error)\n' \
    "$(($(date +%s) - start))"

# XML validation against xmllint (tests/bench/xml.sh); BENCH_NO_XML=1 skips it.
[ "${BENCH_NO_XML:-}" = 1 ] || TDK=$TDK BENCH_WORK=$work "$bench_dir/xml.sh"
# Signing, verifying and packing against xmlsec1 and zip: tests/bench/sign.sh.
TDK=$TDK BENCH_WORK=$work "$bench_dir/sign.sh" || die "the signing benchmark failed"
# Directory validation and loading, with their own table (tests/bench/dir.sh; DIR_BENCH_SIZE).
TDK=$TDK BENCH_WORK=$work "$bench_dir/dir.sh"
# Mapping with XSLT against an xsltproc loop (tests/bench/map.sh), and harmonising
# 1,000 declarations (tests/bench/harmonise.sh); both read the corpus by path.
TDK=$TDK BENCH_WORK=$work "$bench_dir/map.sh" || die "the map benchmark failed"
TDK=$TDK BENCH_WORK=$work "$bench_dir/harmonise.sh" || die "the harmonise benchmark failed"
# tdk serve under 50 concurrent clients (tests/bench/serve.sh, with ab from apache2-utils).
TDK=$TDK BENCH_WORK=$work "$bench_dir/serve.sh" || die "the serve benchmark failed"
# tdk submit of 1,000 declarations against a curl per document (tests/bench/submit.sh), and the journal's cost.
TDK=$TDK BENCH_WORK=$work "$bench_dir/submit.sh" || die "the submit benchmark failed"
exit 0
