# Helpers for the tests of tdk poll (after lib.sh; brings serve-lib.sh).
#
#   poll_serve [option ...]     tdk serve with the tests' schema (serve_schema) and
#                               its catalog, and the endpoint 'local' for it
#   poll_restart [option ...]   the same server again, on its port, with its state
#   poll_endpoint NAME BASE [line ...]   writes the endpoints file: NAME for the
#                               server at BASE (serve_endpoint's, with the API version,
#                               badge and notifications-url of the pull tests),
#                               the lines added; exports TDK_ENDPOINTS
#   poll_peer                   tests/peers/pull-malformed.py on a free port: sets
#                               U, or skips the whole file when it cannot
#   state LRN                   the journal's state of LRN's submission
#   notes LRN                   how many notify rows name LRN
. "$REPO/tests/serve-lib.sh"

poll_endpoint() {
	name=$1 base=$2
	shift 2
	serve_endpoint "$name" "$base" 'api-version = 3.0' 'badge-id = ABC123' "notifications-url = $base/notifications" \
		'timeout = 5' "$@" >"$TRASH/endpoints"
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
	peer_start 'tdk poll against a peer' pull-malformed.py
}

state() { tdk journal list --format json | grep "\"lrn\":\"$1\"" | sed -n 's/.*"state":"\([a-z]*\)".*/\1/p'; }
notes() { tdk journal export | grep "\"kind\":\"notify\"" | grep -c "\"lrn\":\"$1\""; }
