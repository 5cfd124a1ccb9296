# Shared harness for tdk's shell tests; TAP output for prove(1).
#
#   . "$(dirname "$0")/lib.sh"
#   test_expect_success 'what it shows' 'commands'
#   test_expect_code 1 'what it shows' 'commands'   # exact exit status of the commands
#   test_cmp expected actual                       # inside a test: diff, fail on difference
#   test_skip 'what' 'why'                          # TAP skip with the reason
#   test_expect_failure 'what' 'commands'           # a known breakage: TAP TODO, fails nothing
#   test_done                                       # the plan, and the end of the file
#
# Each test runs in its own shell inside a fresh trash folder ($TRASH); `tdk`
# is the binary of the build under test.  An exit status above 128 (a signal,
# e.g. a sanitizer abort) is always a failure, never an expected status.

set -u
TEST_NAME=$(basename "$0" .sh)
REPO=$(cd "$(dirname "$0")/.." && pwd)
TDK_BUILD=${TDK_BUILD:-build/plain}
PATH="$REPO/$TDK_BUILD:$PATH"
export PATH REPO
# AddressSanitizer's shadow memory and quarantine count in a process's peak
# RSS: memory bounds are checked against a fourth of it in that build.
case $TDK_BUILD in *san*) RSS_SCALE=4 ;; *) RSS_SCALE=1 ;; esac
TDK_CORPUS=${TDK_CORPUS:-$REPO/../shared/corpus}
export TDK_CORPUS
SAMPLES=$REPO/samples
DATA=$REPO/tests/data
export SAMPLES DATA
# Sanitizer reports must abort (status > 128) so they cannot pass for exit 1.
ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:symbolize=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS UBSAN_OPTIONS
LC_ALL=C
export LC_ALL

TRASH=$(mktemp -d "${TMPDIR:-/tmp}/tdk-$TEST_NAME.XXXXXX")
trap 'rm -rf "$TRASH"' EXIT
# No release installed and no cache unless a test says so: the user's own never leak in.
XDG_DATA_HOME=$TRASH/.data XDG_CACHE_HOME=$TRASH/.cache
export XDG_DATA_HOME XDG_CACHE_HOME
unset TDK_DIRECTORY_PATH
DIRECTORIES=$TDK_CORPUS/edifact/directories
export DIRECTORIES
cd "$TRASH" || exit 1

test_count=0
test_failed=0

_tap_result() {
	# $1 status (0 pass), $2 description
	test_count=$((test_count + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $test_count - $2"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $2"
		if [ -s "$TRASH/.out" ]; then
			sed 's/^/#   /' "$TRASH/.out" | head -40
		fi
	fi
}

_run() {
	# Runs the commands in a subshell, output kept for the report.
	(cd "$TRASH" && eval "$1") >"$TRASH/.out" 2>&1
}

test_expect_success() {
	_run "$2"
	rc=$?
	if [ $rc -gt 128 ]; then
		echo "killed by signal $((rc - 128))" >>"$TRASH/.out"
	elif [ $rc -ne 0 ]; then
		echo "exit status $rc, expected 0" >>"$TRASH/.out"
	fi
	_tap_result $rc "$1"
}

test_expect_code() {
	_run "$3"
	rc=$?
	if [ $rc -eq "$1" ] && [ $rc -le 128 ]; then
		_tap_result 0 "$2"
	else
		if [ $rc -gt 128 ]; then
			echo "killed by signal $((rc - 128)), never an expected status" >>"$TRASH/.out"
		else
			echo "exit status $rc, expected $1" >>"$TRASH/.out"
		fi
		_tap_result 1 "$2"
	fi
}

# A known breakage: the commands should succeed but do not yet.  Reported as a
# TAP TODO ("not ok ... # TODO known breakage"), which does not fail the run;
# prove(1) lists it as "TODO passed" once it is fixed, to be turned into
# test_expect_success.  A signal is still a failure.
test_expect_failure() {
	_run "$2"
	rc=$?
	test_count=$((test_count + 1))
	if [ $rc -gt 128 ]; then
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1 (killed by signal $((rc - 128)))"
	elif [ $rc -eq 0 ]; then
		echo "ok $test_count - $1 # TODO known breakage vanished"
	else
		echo "not ok $test_count - $1 # TODO known breakage"
		sed 's/^/#   /' "$TRASH/.out" | head -10
	fi
}

test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count # skip $1: $2"
}

test_cmp() {
	diff -u "$1" "$2"
}

# Fails unless file $2 contains the fixed string $1.
test_grep() {
	if ! grep -F -q -- "$1" "$2"; then
		echo "'$1' not found in $2:"
		cat "$2"
		return 1
	fi
}

# Prints the plan and ends the test file: 0 when every test passed, else 1.
# A file that skips early calls it and nothing after it runs (no second plan).
test_done() {
	echo "1..$test_count"
	[ $test_failed -eq 0 ] && exit 0
	exit 1
}

# Starts a peer of the tests, tests/peers/SCRIPT (python3), on a free port of
# 127.0.0.1: it is given "$TRASH/port" to write the port to, then ARGS.
# Sets U (its http URL) and PEER (its pid, killed when the test ends), or
# skips the whole file, naming WHAT, when it cannot start.
#   peer_start WHAT SCRIPT [ARG ...]
peer_start() {
	what=$1 script=$2
	shift 2
	if ! command -v python3 >/dev/null 2>&1; then
		test_skip "$what" 'needs python3'
		test_done
	fi
	python3 "$REPO/tests/peers/$script" "$TRASH/port" "$@" 2>"$TRASH/peer.err" &
	PEER=$!
	trap 'kill $PEER 2>/dev/null; command -v serve_kill >/dev/null && serve_kill; rm -rf "$TRASH"' EXIT
	i=0
	while [ ! -s "$TRASH/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	if ! [ -s "$TRASH/port" ]; then
		test_skip "$what" "the python3 peer did not start: $(head -c 200 "$TRASH/peer.err")"
		test_done
	fi
	U=http://127.0.0.1:$(cat "$TRASH/port")
}

# The npm packages of tests/peers/package.json, at the versions it pins,
# installed once into build/peers (again when a version changes) and linked
# as $TRASH/node_modules; or the whole file is skipped, naming WHAT, when
# node, npm or the registry is missing.  Sets PEERS.
#   npm_peers WHAT
npm_peers() {
	PEERS=$REPO/build/peers
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
		test_skip "$1" 'needs node and npm (Debian packages nodejs, npm)'
		test_done
	fi
	stale=$(sed -n 's/^ *"\([^"]*\)": "\([0-9][^"]*\)",\{0,1\}$/\1 \2/p' "$REPO/tests/peers/package.json" |
		while read -r pkg want; do
			have=$(sed -n 's/^  "version": "\(.*\)".*/\1/p' "$PEERS/node_modules/$pkg/package.json" 2>/dev/null)
			[ "$have" = "$want" ] || echo "$pkg"
		done)
	if [ -n "$stale" ]; then
		mkdir -p "$PEERS" && cp "$REPO/tests/peers/package.json" "$PEERS/" &&
			timeout 300 npm install --prefix "$PEERS" --no-audit --no-fund --no-save >"$TRASH/npm.log" 2>&1 || {
			test_skip "$1" "npm could not install $(echo $stale): $(tail -n 1 "$TRASH/npm.log")"
			test_done
		}
	fi
	ln -s "$PEERS/node_modules" "$TRASH/node_modules"
}

# An endpoints file in the current folder with one AS4 endpoint, ap, from
# urn:example:party:a to urn:example:party:b, for the tests that build and
# read messages without sending them.
#   as4_endpoints KEY PARTNER-CERT
as4_endpoints() {
	printf '[ap]\nprofile = as4\nurl = https://ap.example/msh\nfrom-party = urn:example:party:a\n' >endpoints
	printf 'to-party = urn:example:party:b\nservice = urn:example:service\naction = Submit\n' >>endpoints
	printf 'key = %s\npartner-cert = %s\n' "$1" "$2" >>endpoints
}
