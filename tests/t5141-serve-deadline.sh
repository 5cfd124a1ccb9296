#!/bin/sh
# tdk serve's per-request deadline: a client that sends its body slower
# than --timeout allows (a byte now and then, so never idle) is answered 408
# and closed (the client, still sending, may see only the close: the kernel
# resets a connection closed with unread data), while the server goes on answering others at once; a body that
# is merely slow but within the deadline is taken.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"

# slow PORT N INTERVAL: POST a token request whose N-byte body goes a byte
# every INTERVAL seconds; prints the status line (or "closed") and the seconds taken.
slow() {
	python3 - "$@" <<'PY'
import socket, sys, time
port, n, gap = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
body = (b"grant_type=client_credentials&client_id=cli&client_secret=s3cret&x=" + b"y" * n)[:n]
s = socket.create_connection(("127.0.0.1", port), timeout=10)
t = time.time()
s.sendall(b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
          b"Content-Length: %d\r\n\r\n" % n)
try:
    for i in range(n):
        s.sendall(body[i:i + 1])
        time.sleep(gap)
        if i > 0 and i % 4 == 0:
            s.setblocking(False)
            try:
                if s.recv(1, socket.MSG_PEEK):
                    break
            except BlockingIOError:
                pass
            s.setblocking(True)
    s.setblocking(True)
    line = s.makefile("rb").readline().decode().strip() or "closed"
except (ConnectionError, OSError):
    line = "closed"
print("%s %.1f" % (line, time.time() - t))
PY
}

serve_start --timeout 1 --access-log "$TRASH/access.log" || { echo "Bail out! tdk serve did not start"; exit 1; }
PORT=${URL##*:}
export PORT
# was_cut FILE: the slow client was cut off after 1 s or a little more, by a 408 or a close.
was_cut() {
	secs=$(awk "{ print \$NF }" "$1") && grep -q "^HTTP/1.1 408 .*\|^closed " "$1" &&
	awk "BEGIN { exit !($secs >= 0.9 && $secs < 3) }"
}
test_expect_success 'a body that trickles past --timeout 1: cut off after 1 s, 408 in the access log' '
	slow "$PORT" 200 0.1 >got && was_cut got &&
	test_grep "\"status\":408" "$TRASH/access.log"
'
test_expect_success 'meanwhile others are answered at once' '
	{ slow "$PORT" 200 0.1 >got & } && p=$! && sleep 0.5 &&
	$CURL -o /dev/null -w "%{http_code} %{time_total}\n" -d grant_type=client_credentials -d client_id=cli \
		-d client_secret=s3cret "$URL/oauth/token" >c && wait $p &&
	awk "\$1 != 200 || \$2 > 0.5 { exit 1 }" c && was_cut got
'
test_expect_success 'a slow body within the deadline is taken' '
	slow "$PORT" 67 0.005 >got && grep -q "^HTTP/1.1 200 " got
'
test_expect_success 'curl --limit-rate below what the deadline needs: 408, or the connection closed' '
	head -c 2500 /dev/zero | tr "\0" y >big && printf "grant_type=client_credentials&x=" | cat - big >form &&
	$CURL -o /dev/null -w "%{http_code}\n" --limit-rate 1K --data-binary @form "$URL/oauth/token" >c; rc=$?
	{ test $rc -eq 0 && echo 408 >want && test_cmp want c; } || test $rc -eq 52 -o $rc -eq 55 -o $rc -eq 56
'
serve_stop
test_expect_success 'and it stops cleanly afterwards' 'test "$SERVE_RC" -eq 0'
test_done
