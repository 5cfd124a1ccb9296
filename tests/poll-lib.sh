# Helpers for the tests of tdk poll (after lib.sh; brings serve-lib.sh).
#
#   poll_serve [option ...]     tdk serve with the tests' schema (serve_schema) and
#                               its catalog, and the endpoint 'local' for it
#   poll_restart [option ...]   the same server again, on its port, with its state
#   poll_endpoint NAME BASE [line ...]   writes the endpoints file: NAME for the
#                               server at BASE, client 'cli', secret in 'secret',
#                               the lines added; exports TDK_ENDPOINTS
#   poll_peer                   tests/peers/pull-malformed.py on a free port: sets
#                               U, or skips the whole file when it cannot
#   state LRN                   the journal's state of LRN's submission
#   notes LRN                   how many notify rows name LRN
. "$REPO/tests/serve-lib.sh"

poll_endpoint() {
	name=$1 base=$2
	shift 2
	{
		printf '[%s]\nprofile = rest\nurl = %s/customs/declarations\napi-version = 3.0\n' "$name" "$base"
		printf 'grant = client-credentials\ntoken-url = %s/oauth/token\nclient-id = cli\n' "$base"
		printf 'client-secret-file = secret\nbadge-id = ABC123\nnotifications-url = %s/notifications\n' "$base"
		printf 'timeout = 5\n'
		for l in "$@"; do printf '%s\n' "$l"; done
	} >"$TRASH/endpoints"
	printf 's3cret\n' >"$TRASH/secret" && chmod 600 "$TRASH/secret"
	TDK_ENDPOINTS=$TRASH/endpoints
	export TDK_ENDPOINTS
}

poll_serve() {
	serve_schema
	echo '</catalog>' >>"$TRASH/cat.xml"
	serve_start --catalog "$TRASH/cat.xml" --access-log "$TRASH/access.log" "$@" || return 1
	PORT=${URL##*:}
	poll_endpoint local "$URL" "catalog = cat.xml"
}

poll_restart() {
	serve_stop && serve_start --listen "127.0.0.1:$PORT" --catalog "$TRASH/cat.xml" --access-log "$TRASH/access.log" "$@"
}

poll_peer() {
	if ! command -v python3 >/dev/null 2>&1; then
		test_skip 'tdk poll against a peer' 'needs python3'
		test_done
	fi
	python3 "$REPO/tests/peers/pull-malformed.py" "$TRASH/port" 2>"$TRASH/peer.err" &
	POLL_PEER=$!
	trap 'kill $POLL_PEER 2>/dev/null; rm -rf "$TRASH"' EXIT
	i=0
	while [ ! -s "$TRASH/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	if ! [ -s "$TRASH/port" ]; then
		test_skip 'tdk poll against a peer' "the python3 server did not start: $(head -c 200 "$TRASH/peer.err")"
		test_done
	fi
	U=http://127.0.0.1:$(cat "$TRASH/port")
}

state() { tdk journal list --format json | grep "\"lrn\":\"$1\"" | sed -n 's/.*"state":"\([a-z]*\)".*/\1/p'; }
notes() { tdk journal export | grep "\"kind\":\"notify\"" | grep -c "\"lrn\":\"$1\""; }
