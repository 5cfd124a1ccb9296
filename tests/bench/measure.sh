# tests/bench/measure.sh: sourced by the benchmark scripts (xml.sh, map.sh).
#
# measure CMD...: runs CMD $reps times under GNU time ($gnu_time), its output in $work/out.txt
# and $work/err.txt, and sets best_t to the best wall time in seconds and best_rss to that run's
# peak RSS in KiB.  A failing run ends the script through die(), which the caller defines.
measure() {
    best_t='' best_rss=''
    i=0
    while [ "$i" -lt "$reps" ]; do
        i=$((i + 1))
        "$gnu_time" -f '%e %M' -o "$work/time.txt" "$@" >"$work/out.txt" 2>"$work/err.txt" ||
            { head -20 "$work/err.txt" >&2; die "failed: $*"; }
        line=$(tail -n 1 "$work/time.txt")
        t=${line% *} rss=${line#* }
        if [ -z "$best_t" ] || awk -v a="$t" -v b="$best_t" 'BEGIN { exit !(a < b) }'; then
            best_t=$t best_rss=$rss
        fi
    done
}
