#!/bin/sh
# tdk endpoint check against TLS servers this file starts on the loopback
# (openssl s_server, a test PKI of its own made as tests/pki.sh makes its):
# the right CA passes and reports the certificate; the system store, a rogue
# CA, another host name and an expired certificate are trust failures (exit
# 5); a closed port, a name that does not resolve and a server that never
# shakes hands are network failures (exit 4); http on the loopback connects
# without TLS; mutual TLS sends the endpoint's client certificate, and a server
# that asks for one when none is set is a trust failure.
. "$(dirname "$0")/lib.sh"

HOME=$TRASH/home
unset TDK_ENDPOINTS XDG_CONFIG_HOME
export HOME
mkdir -p "$HOME"
PIDS=
trap 'kill $PIDS 2>/dev/null; rm -rf "$TRASH"' EXIT

# ca NAME: a self-signed P-256 CA.  leaf NAME CA SAN [DAYS|expired]: a server certificate.
ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.pem" \
		-days 30 -subj "/CN=tdk test $1" -addext "keyUsage=critical,keyCertSign,cRLSign" \
		-addext "basicConstraints=critical,CA:true" 2>/dev/null
}
leaf() {
	printf 'subjectAltName=%s\nextendedKeyUsage=%s\nbasicConstraints=CA:false\n' "$3" \
		"$([ "${4:-}" = client ] && echo clientAuth || echo serverAuth)" >"$1.ext" &&
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.csr" \
		-subj "/CN=$1" 2>/dev/null &&
	if [ "${4:-}" = expired ]; then
		openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -extfile "$1.ext" \
			-not_before 20200101000000Z -not_after 20210101000000Z -out "$1.pem" 2>/dev/null ||
		openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -extfile "$1.ext" \
			-days -1 -out "$1.pem" 2>/dev/null
	else
		openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -extfile "$1.ext" \
			-days 30 -out "$1.pem" 2>/dev/null
	fi
}
# serve NAME [LOG [OPTION ...]]: an s_server with NAME's certificate on a port the kernel picks; sets PORT.
serve() {
	n=$1 log=${2:-$1.log}
	shift; [ $# -gt 0 ] && shift
	openssl s_server -www -accept 127.0.0.1:0 -cert "$n.pem" -key "$n.key" "$@" >"$log" 2>&1 </dev/null &
	PIDS="$PIDS $!"
	i=0
	while ! PORT=$(sed -n 's/^ACCEPT 127.0.0.1:\([0-9]*\)$/\1/p' "$log" 2>/dev/null) || [ -z "$PORT" ]; do
		i=$((i + 1)); [ $i -lt 100 ] || return 1; sleep 0.05
	done
}
# endpoint NAME URL [LINE]: an as2 endpoint (no secret to read) appended to ep.
endpoint() {
	printf '[%s]\nprofile = as2\nurl = %s\nas2-from = A\nas2-to = B\nkey = k\npartner-cert = c\nconnect-timeout = 3\n%s\n' \
		"$1" "$2" "${3:-}" >>ep
}

if ! { ca ca && ca rogue && leaf localhost ca "DNS:localhost,IP:127.0.0.1" &&
       leaf other ca "DNS:other.example" && leaf old ca "DNS:localhost,IP:127.0.0.1" expired &&
       leaf client ca "DNS:client" client; }; then
	test_skip 'tdk endpoint check' 'openssl cannot make the test PKI'
	test_done
fi
serve localhost && GOOD=$PORT && serve other && OTHER=$PORT && serve old && OLD=$PORT &&
	serve localhost mtls.log -tls1_2 -Verify 1 -CAfile ca.pem && MTLS=$PORT || {
	test_skip 'tdk endpoint check' 'openssl s_server does not start'
	test_done
}
CLOSED=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
: >ep
endpoint good "https://localhost:$GOOD/x" "ca-file = ca.pem"
endpoint ip "https://127.0.0.1:$GOOD/x" "ca-file = ca.pem"
endpoint system "https://localhost:$GOOD/x"
endpoint rogue "https://localhost:$GOOD/x" "ca-file = rogue.pem"
endpoint name "https://127.0.0.1:$OTHER/x" "ca-file = ca.pem"
endpoint expired "https://localhost:$OLD/x" "ca-file = ca.pem"
endpoint closed "https://127.0.0.1:$CLOSED/x" "ca-file = ca.pem"
endpoint nowhere "https://tdk-test.invalid/x" "ca-file = ca.pem"
endpoint plain "http://127.0.0.1:$GOOD/x"
endpoint mtls "https://localhost:$MTLS/x" "ca-file = ca.pem
client-cert = client.pem
client-key = client.key"
endpoint nocert "https://localhost:$MTLS/x" "ca-file = ca.pem"
printf '[rest]\nprofile = rest\nurl = https://localhost:%s/d\ngrant = client-credentials\ntoken-url = https://localhost:%s/t\nclient-id = c\nclient-secret-env = T5022_SECRET\nca-file = ca.pem\ntimeout = 2\n' \
	"$GOOD" "$GOOD" >>ep

test_expect_success 'the right CA: each step a line, the certificate subject, issuer and expiry' '
	tdk endpoint --endpoints ep check good >out 2>err && test ! -s err &&
	sed -n 1p out | grep -q "^resolve: ok: localhost: .*127.0.0.1" &&
	sed -n 2p out | grep -q "^connect: ok: 127.0.0.1 port $GOOD\$" &&
	sed -n 3p out | grep -q "^tls: ok: verified against ca.pem\$" &&
	sed -n 4p out | grep -q "^certificate: ok: subject CN *= *localhost; issuer CN *= *tdk test ca; expires .*20[0-9][0-9]" &&
	test "$(wc -l <out)" -eq 4
'
test_expect_code 4 'a rest endpoint: the secret first, the token step last (s_server is no OAuth server)' '
	T5022_SECRET=0123456789 tdk endpoint --endpoints ep check rest >out 2>err; rc=$?
	{ sed -n 1p out | grep -q "^secret: ok: client-secret-env: 10 bytes read" &&
	sed -n 6p out | grep -q "^token: failed: no token by the client credentials grant" &&
	test "$(wc -l <out)" -eq 6 && ! grep -q 0123456789 out err; } || exit 99
	exit $rc
'
test_expect_success 'an IP address checked against the certificate: 127.0.0.1; -q prints nothing' '
	tdk endpoint --endpoints ep check ip >out && test_grep "tls: ok" out &&
	tdk endpoint --endpoints ep check -q ip >out 2>err && test ! -s out && test ! -s err
'
for c in "system:local issuer:the system store does not know the test CA" \
	 "rogue:local issuer:a CA that did not issue the certificate" \
	 "name:subject name:a certificate for another host name" "expired:expired:an expired certificate"; do
	what=${c#*:}
	test_expect_code 5 "${what#*:}: exit 5" "
		tdk endpoint --endpoints ep check ${c%%:*} >out 2>err; rc=\$?
		test_grep 'connect: ok' out && grep -q '^tls: failed: .*${what%%:*}' out && ! grep -q '^certificate' out &&
		test_grep \"tdk endpoint: '${c%%:*}': tls failed: \" err || exit 99
		exit \$rc
	"
done
test_expect_code 4 'a closed port: exit 4' '
	tdk endpoint --endpoints ep check closed >out 2>err; rc=$?
	test_grep "connect: failed: 127.0.0.1 port $CLOSED: Connection refused" out && ! grep -q "^tls" out || exit 99
	exit $rc
'
test_expect_code 4 'a name that does not resolve: exit 4' '
	tdk endpoint --endpoints ep check nowhere >out 2>err; rc=$?
	test_grep "resolve: failed: tdk-test.invalid: " out && test "$(wc -l <out)" -eq 1 || exit 99
	exit $rc
'
test_expect_code 4 'a server that takes the connection but never shakes hands: exit 4 within connect-timeout' '
	python3 -c "
import socket, time
s = socket.socket(); s.bind((\"127.0.0.1\", 0)); s.listen(8)
open(\"mute.tmp\", \"w\").write(str(s.getsockname()[1])); __import__(\"os\").rename(\"mute.tmp\", \"mute\")
held = [s.accept()[0] for i in range(2)]
time.sleep(10)
" & server=$!
	trap "kill $server 2>/dev/null" EXIT
	i=0; while [ ! -s mute ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	printf "[m]\nprofile = as2\nurl = https://127.0.0.1:%s/\nas2-from = A\nas2-to = B\nkey = k\npartner-cert = c\nconnect-timeout = 1\n" \
		"$(cat mute)" >mute.ep &&
	start=$(date +%s) && tdk endpoint --endpoints mute.ep check m >out 2>err; rc=$?
	test $(($(date +%s) - start)) -le 4 && test_grep "tls: failed: " out || exit 99
	exit $rc
'
test_expect_success 'mutual TLS: the client certificate and key of the endpoint are sent' '
	tdk endpoint --endpoints ep check mtls >out 2>err && test_grep "tls: ok" out && test ! -s err
'
test_expect_code 5 'mutual TLS: a server that asks for a client certificate, and none is set: exit 5' '
	tdk endpoint --endpoints ep check nocert >out 2>err; rc=$?
	grep -q "^tls: failed: " out || exit 99
	exit $rc
'
test_expect_success 'http on the loopback: connected, no TLS' '
	tdk endpoint --endpoints ep check plain >out &&
	test_grep "connect: ok: 127.0.0.1 port $GOOD" out && test_grep "tls: ok: none: http on the loopback" out
'
test_done
