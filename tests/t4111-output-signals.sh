#!/bin/sh
# A run interrupted by SIGINT, SIGTERM or SIGHUP while it writes an -o file
# leaves no temporary file, and the old target as it was: convert (held
# mid-write by an input that stalls), pack (killed while it deflates a large
# file), unpack (killed while it inflates one).  The run dies of the signal.
. "$(dirname "$0")/lib.sh"

ulimit -t 120
# More than the 512 bytes the driver looks at before the command starts writing.
cp "$SAMPLES/invoic-d96a.edi" x.edi
echo "old target" >old.txt

# wait_for GLOB: until a file matching GLOB exists (at most about 20 s).
wait_for() {
	i=0
	while [ $i -lt 2000 ]; do
		for f in $1; do [ -e "$f" ] && return 0; done
		sleep 0.01
		i=$((i + 1))
	done
	echo "no $1 appeared"
	return 1
}
# Runs "$@" in the background with SIGINT at its default action (a
# non-interactive shell starts background jobs with SIGINT ignored).
spawn() {
	perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV or die "exec: $!"' "$@" &
	pid=$!
}

for sig in INT TERM HUP; do
	test_expect_success "convert -o: SIG$sig mid-write removes the temporary; the old file stays" "
		cp old.txt out.$sig && mkfifo in.$sig &&
		{ (cat x.edi; sleep 30) >in.$sig & feeder=\$!; } &&
		spawn tdk convert -o out.$sig in.$sig && wait_for 'out.$sig.tdk-*' &&
		kill -$sig \$pid; wait \$pid; st=\$?; kill \$feeder 2>/dev/null
		test \$st -gt 128 && ! ls | grep -q 'out.$sig.tdk-' && cmp out.$sig old.txt
	"
done

test_expect_success 'pack -o: SIGTERM mid-write removes the temporary; the old container stays' '
	head -c 100000000 /dev/urandom >big.bin && cp old.txt c.asice &&
	spawn tdk pack -o c.asice big.bin && wait_for "c.asice.tdk-*" &&
	kill -TERM $pid; wait $pid; st=$?
	test $st -gt 128 && ! ls -A | grep -q "c.asice." && cmp c.asice old.txt
'
test_expect_success 'unpack: SIGINT mid-extraction removes the temporary and the file never lands' '
	tdk pack -o big.asice big.bin && mkdir ex && spawn tdk unpack --max-ratio 100000 -C ex big.asice &&
	wait_for "ex/.tdk-unpack-*" &&
	kill -INT $pid; wait $pid; st=$?
	test $st -gt 128 && test -z "$(ls -A ex | grep -v "^mimetype$")"
'
test_done
