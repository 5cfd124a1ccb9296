# tests/bench/lib.sh: what the benchmarks of tdk serve, tdk submit and its
# AS2 and AS4 profiles share (serve.sh, submit.sh, as2.sh, as4.sh); sourced
# first thing, from the folder they were started in.
#
#   TDK                     the binary (default ./tdk), made absolute
#   gnu_time                GNU time (GNU_TIME, default /usr/bin/time)
#   die MESSAGE             the error, exit 1
#   stop                    TERMs the running server ($pid), its peak RSS
#                           (VmHWM, KiB) left in serve_rss; run at exit too,
#                           with the tmpfs folder removed
#   bench_work NAME         BENCH_WORK/NAME (default tests/bench/work/NAME),
#                           made afresh with a docs/ inside, as the current
#                           folder; sets work
#   bench_fast NAME         fast: a fresh folder on the tmpfs BENCH_TMPFS
#                           (default /dev/shm) for the servers' state, or in
#                           the work folder with tmpfs emptied when there is
#                           no tmpfs
#   bench_need_time         dies unless GNU time is there
#   bench_schema            decl.xsd (a Declaration of an LRN and goods lines)
#                           and cat.xml naming it, in the current folder
#   bench_serve STATE NAME [option ...]
#                           a fresh tdk serve with its state in STATE, clients
#                           from ./clients, cat.xml when there is one;
#                           NAME.port, NAME.out and NAME.err beside; sets pid
#                           and url
#   stem LABEL              the file stem of a workload (blanks and + as -)
#   row FIELD ...           a line of results.txt, the fields joined by |
#   ratio_table BASE GOAL UNIT
#                           results.txt (label|client|time_s|RSS KiB or -) as
#                           a table of $n UNITs each: time, rate, ms each,
#                           peak RSS and the speed against the row labelled
#                           BASE, tdk rows marked PASS or MISS against GOAL

TDK=${TDK:-./tdk}
case $TDK in /*) ;; *) TDK=$(pwd)/$TDK ;; esac
gnu_time=${GNU_TIME:-/usr/bin/time}
pid=
fast=
serve_rss=

die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }
stop() {
	if [ -n "$pid" ]; then
		serve_rss=$(sed -n 's/^VmHWM:[ \t]*\([0-9]*\) kB/\1/p' "/proc/$pid/status" 2>/dev/null || true)
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		pid=
	fi
}
bench_cleanup() {
	stop
	[ -z "$fast" ] || rm -rf "$fast"
}
trap bench_cleanup EXIT INT TERM

bench_work() {
	work=${BENCH_WORK:-$bench_dir/work}/$1
	rm -rf "$work" && mkdir -p "$work/docs" || die "cannot make $work"
	cd "$work"
}

bench_fast() {
	tmpfs=${BENCH_TMPFS:-/dev/shm}
	if [ -d "$tmpfs" ] && [ "$(stat -f -c %T "$tmpfs" 2>/dev/null)" = tmpfs ]; then
		fast=$(mktemp -d "$tmpfs/tdk-bench-$1.XXXXXX")
	else
		fast=$(mktemp -d "$work/fast.XXXXXX")
		tmpfs=
	fi
}

bench_need_time() {
	"$gnu_time" -f '%e %M' -o /dev/null true 2>/dev/null || die "GNU time not found at '$gnu_time' (or set GNU_TIME)"
}

bench_schema() {
	cat >decl.xsd <<'XSD'
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:tdk:bench:decl"
           xmlns="urn:tdk:bench:decl" elementFormDefault="qualified">
  <xs:element name="Declaration">
    <xs:complexType><xs:sequence>
      <xs:element name="FunctionalReferenceID" type="xs:string"/>
      <xs:element name="Goods" type="xs:string" maxOccurs="unbounded"/>
    </xs:sequence></xs:complexType>
  </xs:element>
</xs:schema>
XSD
	printf '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">\n<uri name="urn:tdk:bench:decl" uri="%s/decl.xsd"/>\n</catalog>\n' \
		"$PWD" >cat.xml
}

bench_serve() {
	state=$1 name=$2
	shift 2
	rm -f "$state" "$state-wal" "$state-shm" "$name.port"
	[ ! -e cat.xml ] || set -- --catalog cat.xml "$@"
	"$TDK" serve --state "$state" --clients clients --port-file "$name.port" "$@" >"$name.out" 2>"$name.err" &
	pid=$!
	i=0
	while ! [ -s "$name.port" ]; do
		i=$((i + 1)); [ $i -lt 200 ] || die "tdk serve did not start: $(cat "$name.err")"; sleep 0.05
	done
	url=http://127.0.0.1:$(cat "$name.port")
}

stem() {
	echo "$1" | tr ' +' '--'
}

row() {
	(IFS='|'; echo "$*") >>results.txt
}

ratio_table() {
	awk -F'|' -v n="$n" -v base_label="$1" -v goal="$2" -v unit="$3" '
		{ w[NR] = $1; c[NR] = $2; t[NR] = $3; rss[NR] = $4; if ($1 == base_label) base = $3 }
		END {
			fmt = "%-16s %-16s %8s %8s %8s %12s %14s\n"
			printf fmt, "workload", "client", "time_s", unit "s/s", "ms/" unit, "peak_RSS_MB", "ratio_vs_loop"
			for (i = 1; i <= NR; i++) {
				s = t[i] > 0 ? t[i] : 0.01
				printf fmt, w[i], c[i], sprintf("%.2f", t[i]), sprintf("%.0f", n / s),
					sprintf("%.2f", s * 1000 / n), rss[i] == "-" ? "-" : sprintf("%.1f", rss[i] * 1024 / 1e6),
					base ? sprintf("%.2fx%s", base / s,
						       w[i] ~ /^tdk/ ? (base / s >= goal ? " PASS" : " MISS") : "") : "n/a"
			}
			printf "(goal: tdk >= %sx the %s; a MISS is reported, never an error)\n", goal, base_label
		}' results.txt
}
