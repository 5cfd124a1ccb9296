#!/bin/sh
# tdk serve under abuse, without falling over: 200 connections opened at
# once against --max-connections 20 (the ones past the limit closed at
# once, the server answering again as soon as they go), 30 oversized bodies
# sent in parallel against --max-body 64K (each 413, the memory of the
# server bounded: a body past the limit is never kept), then an ordinary
# request answered and a clean stop.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"
export RSS_SCALE

serve_start --max-connections 20 --max-body 64K --timeout 5 || { echo "Bail out! tdk serve did not start"; exit 1; }
PORT=${URL##*:}
PID=$(cat "$TRASH/serve.pid")
export PORT PID
ok_token() {
	$CURL -o /dev/null -w "%{http_code}\n" -d grant_type=client_credentials -d client_id=cli -d client_secret=s3cret \
		"$URL/oauth/token" >c && echo 200 >want && test_cmp want c
}
test_expect_success '200 connections at once: at most 20 kept, the others closed at once; then it answers' '
	python3 - "$PORT" >got <<-\PY &&
	import socket, sys, time
	port = int(sys.argv[1])
	socks = []
	for i in range(200):
	    s = socket.socket()
	    s.settimeout(3)
	    try:
	        s.connect(("127.0.0.1", port))
	        socks.append(s)
	    except OSError:
	        pass
	time.sleep(0.5)
	alive = 0
	for s in socks:
	    s.setblocking(False)
	    try:
	        alive += s.recv(1) != b""
	    except BlockingIOError:
	        alive += 1
	    except OSError:
	        pass
	print(alive)
	for s in socks:
	    s.close()
	PY
	cat got && test "$(cat got)" -ge 1 && test "$(cat got)" -le 20 && sleep 0.3 && ok_token
'
test_expect_success '30 bodies of 2 MB in parallel over --max-body 64K: each 413, memory bounded' '
	head -c 2000000 /dev/zero | tr "\0" a >big &&
	i=0 && pids= &&
	while [ $i -lt 30 ]; do
		$CURL -o /dev/null -w "%{http_code}\n" -H "Transfer-Encoding: chunked" --data-binary @big \
			"$URL/customs/declarations" >"code.$i" & pids="$pids $!"
		i=$((i + 1))
	done
	wait $pids; cat code.* | sort | uniq -c | sed "s/^ *//" >got && cat got &&
	rss=$(sed -n "s/^VmHWM:[ \t]*\([0-9]*\) kB$/\1/p" /proc/$PID/status) && echo "peak $rss KiB" &&
	test "$rss" -lt $((40000 * RSS_SCALE)) && ! grep -qv " 413$\| 000$" got && grep -q " 413$" got && ok_token
'
serve_stop
test_expect_success 'and it stops cleanly afterwards' 'test "$SERVE_RC" -eq 0'
test_done
