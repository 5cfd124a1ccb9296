#!/bin/sh
# Client secrets (lib/util/secret.c, lib/net/endpoint-secret.c): read by
# tdk endpoint check from a 0600 file, a descriptor or a variable; a file
# open to the group or others, owned by another user or not a regular file
# refused with ENDPOINT-SECRET-MODE and the chmod to run; a source that is
# missing refused with ENDPOINT-SECRET; and the secret never printed by
# list, show or check, nor left in the process's command line or
# environment while it runs (the variable's bytes are wiped in place).
. "$(dirname "$0")/lib.sh"

HOME=$TRASH/home
unset TDK_ENDPOINTS XDG_CONFIG_HOME
export HOME
mkdir -p "$HOME"
SECRET=tdk-test-secret-$$-7f3a9c
# A port nothing listens on: bound by the kernel, then closed.
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# endpoints SOURCE-LINE: an endpoint "e" on the closed port whose secret comes from SOURCE-LINE.
endpoints() {
	printf '[e]\nprofile = rest\nurl = http://127.0.0.1:%s/x\ngrant = client-credentials\n' "$PORT" >ep &&
	printf 'token-url = http://127.0.0.1:%s/t\nclient-id = c\n%s\n' "$PORT" "$1" >>ep
}
(umask 077 && echo "$SECRET" >"$TRASH/secret")
NBYTES=${#SECRET}

test_expect_code 4 'a 0600 file: read (its length said, never the secret), then the closed port: exit 4' '
	endpoints "client-secret-file = secret" &&
	tdk endpoint --endpoints ep check e >out 2>err; rc=$?
	test_grep "secret: ok: client-secret-file: $NBYTES bytes read (0600, $((NBYTES + 1)) bytes)" out &&
	test_grep "connect: failed: 127.0.0.1 port $PORT" out && ! grep -q "$SECRET" out err || exit 99
	exit $rc
'
test_expect_success 'a 0400 file through ~/, and a symbolic link to it, are read' '
	(umask 077 && mkdir -p "$HOME/.config/tdk" && echo "$SECRET" >"$HOME/.config/tdk/s") &&
	chmod 400 "$HOME/.config/tdk/s" && ln -s "$HOME/.config/tdk/s" link &&
	endpoints "client-secret-file = ~/.config/tdk/s" &&
	{ tdk endpoint --endpoints ep check e >out 2>&1; test $? -eq 4; } && test_grep "bytes read (0400," out &&
	endpoints "client-secret-file = link" &&
	{ tdk endpoint --endpoints ep check e >out 2>&1; test $? -eq 4; } && test_grep "secret: ok" out
'
for mode in 640 604 660 644 610; do
	test_expect_code 2 "a file of mode 0$mode is refused with the chmod to run, before any network step" "
		cp secret s$mode && chmod $mode s$mode && endpoints 'client-secret-file = s$mode' &&
		tdk endpoint --endpoints ep check e >out 2>err; rc=\$?
		test_grep \"ep:7:22: error: [ENDPOINT-SECRET-MODE] client secret file 's$mode' has mode 0$mode\" err &&
		test_grep \"refused; run: chmod 600 's$mode'\" err && ! grep -q resolve out &&
		! grep -q '$SECRET' out err || exit 99
		exit \$rc
	"
done
test_expect_code 2 'a file owned by another user is refused' '
	if [ "$(id -u)" -eq 0 ]; then cp secret other && chown 65534 other && f=other; else f=/etc/hostname; fi
	endpoints "client-secret-file = $f" &&
	tdk endpoint --endpoints ep check e >out 2>err; rc=$?
	test_grep "[ENDPOINT-SECRET-MODE] client secret file '\''$f'\'' belongs to uid" err || exit 99
	exit $rc
'
test_expect_code 2 'a folder is refused; a missing file is ENDPOINT-SECRET' '
	mkdir d && chmod 700 d && endpoints "client-secret-file = d" &&
	tdk endpoint --endpoints ep check e 2>err; rc=$?
	test_grep "[ENDPOINT-SECRET-MODE] client secret file '\''d'\'' is not a regular file" err &&
	endpoints "client-secret-file = none" &&
	{ tdk endpoint --endpoints ep check e 2>err; test $? -eq 2; } &&
	test_grep "ep:7:22: error: [ENDPOINT-SECRET] cannot open client secret file '\''none'\''" err || exit 99
	exit $rc
'
test_expect_code 4 'a descriptor: read' '
	endpoints "client-secret-fd = 7" &&
	tdk endpoint --endpoints ep check e 7<secret >out 2>err; rc=$?
	test_grep "secret: ok: client-secret-fd: $NBYTES bytes read (descriptor 7, open)" out &&
	! grep -q "$SECRET" out err || exit 99
	exit $rc
'
test_expect_code 2 'a descriptor that is not open: ENDPOINT-SECRET' '
	endpoints "client-secret-fd = 9" &&
	tdk endpoint --endpoints ep check e 2>err; rc=$?
	test_grep "ep:7:20: error: [ENDPOINT-SECRET] cannot read the client secret from descriptor 9" err || exit 99
	exit $rc
'
test_expect_code 4 'a variable: read' '
	endpoints "client-secret-env = CDS_SECRET" &&
	CDS_SECRET=$SECRET tdk endpoint --endpoints ep check e >out 2>err; rc=$?
	test_grep "secret: ok: client-secret-env: $NBYTES bytes read (set, $NBYTES bytes)" out &&
	! grep -q "$SECRET" out err || exit 99
	exit $rc
'
test_expect_code 2 'a variable not set, or empty: ENDPOINT-SECRET' '
	endpoints "client-secret-env = CDS_SECRET" &&
	tdk endpoint --endpoints ep check e 2>err; rc=$?
	test_grep "ep:7:21: error: [ENDPOINT-SECRET] cannot read the client secret from the variable CDS_SECRET: not set" err &&
	{ CDS_SECRET= tdk endpoint --endpoints ep check e 2>err; test $? -eq 2; } &&
	test_grep "the client secret is empty" err || exit 99
	exit $rc
'
test_expect_success 'list, show and show --format json never print the secret, from any source' '
	for src in "client-secret-file = secret" "client-secret-fd = 7" "client-secret-env = CDS_SECRET"; do
		endpoints "$src" &&
		for args in list "show e" "show --format json e"; do
			CDS_SECRET=$SECRET tdk endpoint --endpoints ep $args 7<secret >out 2>err &&
			test -s out && ! grep -q "$SECRET" out err || exit 1
		done
	done &&
	endpoints "client-secret-file = secret" && tdk endpoint --endpoints ep show e >out &&
	test_grep "client-secret-file = secret (0600, $((NBYTES + 1)) bytes)" out
'
test_expect_success 'while check runs, the secret is in neither its command line nor its environment' '
	python3 -c "
import socket, time
s = socket.socket(); s.bind((\"127.0.0.1\", 0)); s.listen(8)
open(\"port.tmp\", \"w\").write(str(s.getsockname()[1])); __import__(\"os\").rename(\"port.tmp\", \"port\")
held = []
for i in range(2):
    c, _ = s.accept(); held.append(c); open(\"accepted\", \"a\").write(\"x\")
time.sleep(20)
" & server=$!
	trap "kill $server 2>/dev/null" EXIT
	i=0; while [ ! -s port ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	printf "[r]\nprofile = rest\nurl = https://127.0.0.1:%s/\ngrant = client-credentials\ntoken-url = https://127.0.0.1/t\nclient-id = c\nclient-secret-env = CDS_SECRET\nconnect-timeout = 5\n" \
		"$(cat port)" >ep &&
	CDS_SECRET=$SECRET sleep 5 & control=$!
	CDS_SECRET=$SECRET tdk endpoint --endpoints ep check r >out 2>err & pid=$!
	i=0; while [ "$(cat accepted 2>/dev/null)" != xx ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	tr "\0" "\n" </proc/$control/environ >control.env; tr "\0" "\n" </proc/$pid/environ >tdk.env
	tr "\0" " " </proc/$pid/cmdline >tdk.cmdline
	kill $server $control; wait $pid
	test "$(cat accepted)" = xx && grep -q "$SECRET" control.env &&
	test_grep "tdk endpoint --endpoints ep check r" tdk.cmdline &&
	! grep -q "$SECRET" tdk.env tdk.cmdline out err && grep -q "^CDS_SECRET=" tdk.env && ! grep -q "^CDS_SECRET=." tdk.env
'
test_done
