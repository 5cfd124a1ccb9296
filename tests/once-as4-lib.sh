# The exactly-once loop of profile as4 (after once-lib.sh and pki.sh; its batch is small XML
# declarations, sent signed, encrypted and compressed): tdk submit to tdk
# serve's AS4 receiver (POST /as4), killed at named points that serve's
# faults on the as4 route hold it at, and at random moments; re-run until
# the batch is done.  The receiver eliminates duplicates by MessageId, so a
# message whose outcome is unknown is sent again by a later run, by itself,
# with the MessageId fixed in the journal, and a stored one is answered with
# the stored Receipt.
#
#   once_as4_setup       the batch, the PKI, the as4 endpoint 'local', tdk serve
#                        with the AS4 receiver; returns 1 with $ONCE_SKIP
#   once_as4_rounds POINT ROUNDS  the submitter killed at POINT: slow-read, slow, stall
#                        (as once_as2_rounds), drop (stored, the connection closed: killed
#                        once a resend got the stored Receipt), random
#   once_as4_loop R RR   the tests of the loop, then the runs without faults
#   once_as4_checks      the tests of the end state
once_as4_setup() {
	# 100 declarations (ONCE_AS4_N), 40 under the sanitizers.
	if [ "$ONCE_SAN" = 1 ]; then ONCE_N=${ONCE_AS4_N:-40}; else ONCE_N=${ONCE_AS4_N:-100}; fi
	command -v sqlite3 >/dev/null || { ONCE_SKIP='needs sqlite3'; return 1; }
	make_pki >/dev/null 2>&1 || { ONCE_SKIP='openssl could not make the test PKI'; return 1; }
	cat rsa.key rsa.pem >"$TRASH/a.pem"
	mkdir "$TRASH/batch" || return 1
	i=0
	while [ $i -lt "$ONCE_N" ]; do
		printf '<Declaration xmlns="urn:tdk:test:decl"><FunctionalReferenceID>CX%d</FunctionalReferenceID></Declaration>\n' \
			$((1000 + i)) >"$TRASH/batch/d$((1000 + i)).xml" || return 1
		i=$((i + 1))
	done
	(cd "$TRASH/batch" && sha256sum -- *.xml | sed 's/^\([0-9a-f]*\)  \(.*\)$/\2|\1/' | sort) >"$TRASH/as4.sums"
	ONCE_AS4_OPTS="--as4-key $TRASH/other.key --as4-cert $TRASH/other.pem --as4-party urn:example:party:b --partner urn:example:party:a=$TRASH/rsa.pem"
	# shellcheck disable=SC2086
	serve_start $ONCE_AS4_OPTS --access-log "$LOG" --log-events || { ONCE_SKIP="tdk serve did not start"; return 1; }
	PORT=${URL##*:}
	printf '[local]\nprofile = as4\nurl = %s/as4\nfrom-party = urn:example:party:a\nto-party = urn:example:party:b\n' \
		"$URL" >"$TRASH/endpoints"
	printf 'service = urn:example:service\naction = Submit\nkey = %s/a.pem\npartner-cert = %s/other.pem\n' \
		"$TRASH" "$TRASH" >>"$TRASH/endpoints"
	printf 'encrypt = yes\ncompress = yes\nretries = 2\ntimeout = 30\n' >>"$TRASH/endpoints"
	TDK_ENDPOINTS=$TRASH/endpoints
	export TDK_ENDPOINTS PORT
	: >"$TRASH/once.replays"
	: >"$TRASH/once.dups"
	: >"$TRASH/once.kills"
	: >"$TRASH/once.pids"
}

once_as4_setup_or_skip() {
	if ! once_as4_setup; then
		test_skip 'the exactly-once loop of AS4' "$ONCE_SKIP"
		test_done
	fi
}

# Restarts tdk serve on its port with the as4 fault that holds a submitter at point $1.
once_as4_serve() {
	case $1 in
	slow-read|slow|stall) f=as4:$1=20000 ;;
	drop) f=as4:drop ;;
	*) f= ;;
	esac
	[ -z "$f" ] && [ ! -s "$TRASH/once.fault" ] && [ ! -s "$TRASH/serve.rc" ] && return 0
	serve_stop
	[ "$SERVE_RC" -eq 0 ] || { echo "tdk serve stopped with $SERVE_RC"; return 1; }
	# shellcheck disable=SC2086
	serve_start --listen "127.0.0.1:$PORT" $ONCE_AS4_OPTS --access-log "$LOG" --log-events ${f:+--fault "$f"} &&
	printf "%s" "$f" >"$TRASH/once.fault"
}

as4_stored() {
	sqlite3 "$SDB" "SELECT count(*) FROM as4_messages"
}

# How far the submitter has come since log line $2 (with $3 messages stored then) towards point $1.
as4_reached() {
	case $1 in
	slow-read|random) log_since "$2" '"event":"start","method":"POST","path":"/as4"' ;;
	slow) echo $(($(as4_stored) - $3)) ;;
	drop) log_since "$2" '"code":"SERVE-AS4-REPLAY"' ;;
	stall) log_since "$2" '"event":"stall"' ;;
	esac
}

# Sends the unknowns of earlier rounds again, without faults: a submitter
# sends them first, by itself, so that a round at a named point would hold
# one of them there, not a new message.  Each is sent once with its
# MessageId and accepted; those serve stored are replays of the stored Receipt.
once_as4_settle() {
	# A submission a kill left "sending" is unknown as soon as a writer opens
	# the journal (its recovery), which the submitter below does first.
	tdk journal list | awk -F '\t' '$3 == "unknown" || $3 == "sending" { print $7 }' >"$TRASH/unk.files"
	[ -s "$TRASH/unk.files" ] || return 0
	once_as4_serve none || return 1
	base=$(wc -l <"$LOG") st0=$(as4_stored)
	once_as4_pairs unknown
	comm -12 "$TRASH/unknown.pairs" "$TRASH/s.pairs" >"$TRASH/lost"
	tdk submit --no-validate -e local $(cat "$TRASH/unk.files") >"$TRASH/set.out" 2>"$TRASH/set.err" &&
	[ "$(grep -c SUBMIT-AS4-RESEND "$TRASH/set.err")" -eq "$(wc -l <"$TRASH/unk.files")" ] &&
	[ "$(log_since "$base" '"method":"POST","path":"/as4","status":200')" -eq "$(wc -l <"$TRASH/unk.files")" ] &&
	[ "$(log_since "$base" '"code":"SERVE-AS4-DUPLICATE"')" -eq "$(wc -l <"$TRASH/lost")" ] &&
	[ "$(as4_stored)" -eq $((st0 + $(wc -l <"$TRASH/unk.files") - $(wc -l <"$TRASH/lost"))) ] ||
		{ echo "the unknowns sent again: $(cat "$TRASH/set.err")"; return 1; }
	once_as4_tally "$base"
	echo "settle $(wc -l <"$TRASH/unk.files") $(wc -l <"$TRASH/lost")" >>"$TRASH/once.settled"
}

# One round: the submitter killed when it has reached point $1 (at most 15 s).
once_as4_round() {
	[ "$1" = random ] || once_as4_settle || return 1
	once_as4_serve "$1" || return 1
	base=$(wc -l <"$LOG") st0=$(as4_stored) unk0=$(unknowns)
	# A random round sends only the next 8 documents the journal does not hold
	# (once_window), so that however fast the machine, the random rounds cannot
	# use up the batch before the last of them.
	# shellcheck disable=SC2046
	tdk submit --no-validate -e local $(once_window "$1" 8) >"$TRASH/sub.out" 2>"$TRASH/sub.err" &
	echo $! >>"$TRASH/once.pids"
	i=0
	while [ $i -lt 150 ] && [ "$(as4_reached "$1" "$base" "$st0")" -lt 1 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	got=$(as4_reached "$1" "$base" "$st0")
	pids=$(cat "$TRASH/once.pids")
	if [ "$1" = random ] && [ "$got" -gt 0 ]; then
		sleep "$(awk -v s="$ONCE_SEED.$(wc -l <"$TRASH/once.kills")" 'BEGIN { srand(s); printf "%.2f", rand() * 0.3 }')"
	fi
	once_kill
	for p in $pids; do
		wait "$p" 2>/dev/null
	done
	[ "$got" -ge 1 ] || { echo "after 15 s, the submitter had not reached $1"; return 1; }
	echo "$1 1" >>"$TRASH/once.kills"
	once_as4_round_check "$1" "$st0" "$unk0" "$base"
}

# What a round at a named point leaves: held at slow or stall, the message
# stored and unknown; at slow-read, one unknown, at most one stored; at
# drop, each stored message whose Receipt was dropped sent again at once
# and answered with the stored Receipt (a replay), but for at most the
# one the kill interrupted, which is unknown.
once_as4_round_check() {
	st=$(as4_stored) unk=$(unknowns) rep=$(log_since "$4" '"code":"SERVE-AS4-REPLAY"')
	once_as4_tally "$4"
	case $1 in
	slow|stall) [ "$st" -eq $(($2 + 1)) ] && [ "$unk" -eq $(($3 + 1)) ] ;;
	slow-read) [ "$st" -le $(($2 + 1)) ] && [ "$unk" -eq $(($3 + 1)) ] ;;
	drop) [ "$st" -gt "$2" ] && [ "$rep" -ge $((st - $2 - 1)) ] && [ "$unk" -le $(($3 + 1)) ] ;;
	random) true ;;
	esac || { echo "$1: $((st - $2)) messages stored, $rep replays, $((unk - $3)) new unknowns"; return 1; }
}

# Keeps the access log's replays and duplicates since line $1 (the log starts
# again with each server).
once_as4_tally() {
	tail -n +"$(($1 + 1))" "$LOG" | grep '"code":"SERVE-AS4-REPLAY"' >>"$TRASH/once.replays"
	tail -n +"$(($1 + 1))" "$LOG" | grep '"code":"SERVE-AS4-DUPLICATE"' >>"$TRASH/once.dups"
	return 0
}

once_as4_rounds() {
	round=0
	while [ $round -lt "$2" ]; do
		once_as4_round "$1" || return 1
		round=$((round + 1))
	done
}

# Runs the submitter without faults until the batch is done.  It sends the
# unknowns again by itself (SUBMIT-AS4-RESEND): those serve stored are
# answered with the stored Receipt (SERVE-AS4-REPLAY), one each.
once_as4_finish() {
	once_as4_serve none || return 1
	base=$(wc -l <"$LOG")
	once_as4_pairs unknown
	comm -12 "$TRASH/unknown.pairs" "$TRASH/s.pairs" >"$TRASH/lost"
	n=0
	while [ $n -lt 6 ] && ! once_done; do
		timeout 120 tdk submit --no-validate -e local "$TRASH"/batch/*.xml >"$TRASH/fin.out" 2>"$TRASH/fin.err"
		rc=$?
		[ $rc -le 4 ] || { echo "tdk submit ended with $rc"; cat "$TRASH/fin.err"; return 1; }
		n=$((n + 1))
	done
	once_as4_tally "$base"
	echo "$n more runs, which sent $(wc -l <"$TRASH/unknown.pairs") unknowns again ($(wc -l <"$TRASH/lost") of them stored)" >"$TRASH/once.runs"
	once_done || return 1
	test "$(log_since "$base" '"code":"SERVE-AS4-DUPLICATE"')" -eq "$(wc -l <"$TRASH/lost")"
}

once_as4_loop() {
	[ "$ONCE_SAN" = 1 ] && set -- 1 1
	echo "# random moments from seed $ONCE_SEED (ONCE_SEED=$ONCE_SEED repeats them)"
	test_expect_success "the submitter killed at random moments ($2 rounds)" "once_as4_rounds random $2"
	test_expect_success "the submitter killed during a slowly read body (as4:slow-read): one unknown ($1 rounds)" \
		"once_as4_rounds slow-read $1"
	test_expect_success "the submitter killed while the Receipt is delayed (as4:slow), the message stored: one unknown ($1 rounds)" \
		"once_as4_rounds slow $1"
	test_expect_success "the submitter killed at random moments ($2 rounds)" "once_as4_rounds random $2"
	test_expect_success "the submitter killed holding the answer's headers, the Receipt held back (as4:stall): one unknown ($1 rounds)" \
		"once_as4_rounds stall $1"
	test_expect_success "the submitter killed after Receipts were lost (as4:drop): each resent at once and replayed ($1 rounds)" \
		"once_as4_rounds drop $1"
	test_expect_success "the submitter killed at random moments ($2 rounds)" "once_as4_rounds random $2"
	test_expect_success 're-run without faults until the batch is done: the unknowns sent again by themselves, the stored ones replayed' \
		once_as4_finish
}

# The journal's (name|MessageId) of every submission (of its begin row) into
# j.pairs, of all its rows into jall.pairs, serve's into s.pairs (by the
# payload's SHA-256); with $1, those of the submissions in state $1 into $1.pairs.
once_as4_pairs() {
	tdk journal export >"$TRASH/export"
	for k in begin '[a-z]*'; do
		sed -n "s/.*\"kind\":\"$k\".*\"name\":\"\\([^\"]*\\)\".*\"message_id\":\"\\([^\"]*\\)\".*/\\1|\\2/p" "$TRASH/export" |
			sed 's/^.*\///' | sort -u >"$TRASH/j$k.pairs"
	done
	mv "$TRASH/jbegin.pairs" "$TRASH/j.pairs" && mv "$TRASH/j[a-z]*.pairs" "$TRASH/jall.pairs"
	sqlite3 -separator '|' "$SDB" "SELECT p.sha256, m.message_id FROM as4_messages m JOIN as4_payloads p USING (message_id)" |
		sort >"$TRASH/s.sha"
	awk -F '|' 'NR == FNR { name[$2] = $1; next } { print ($1 in name ? name[$1] : "?" $1) "|" $2 }' \
		"$TRASH/as4.sums" "$TRASH/s.sha" | sort >"$TRASH/s.pairs"
	[ -z "${1-}" ] || tdk journal list | awk -F '\t' -v s="$1" '$3 == s || (s == "unknown" && $3 == "sending") { n = $7; sub(/.*\//, "", n); print n }' |
		awk -F '|' 'NR == FNR { want[$1] = 1; next } $1 in want' - "$TRASH/j.pairs" >"$TRASH/$1.pairs"
}

# (MessageId|the Receipt's eb:MessageId) of the journal's submissions into
# j.rcpt, of serve's stored Receipts into s.rcpt (the RefToMessageId checked).
once_as4_receipts() {
	tdk journal --format json list |
		sed -n 's/.*"receipt_id":"\([^"]*\)".*"message_id":"\([^"]*\)".*/\2|\1/p' | sort >"$TRASH/j.rcpt"
	sqlite3 -separator '|' "$SDB" "SELECT message_id, substr(r, instr(r, '<eb:MessageId>') + 14, 60),
		substr(r, instr(r, '<eb:RefToMessageId>') + 19, length(message_id)) FROM
		(SELECT message_id, CAST(receipt AS TEXT) AS r FROM as4_messages)" |
		awk -F '|' '$1 == $3 { sub(/<.*/, "", $2); print $1 "|" $2 }' | sort >"$TRASH/s.rcpt"
}

once_as4_checks() {
	kills=$(awk '{ n[$1] += $2 } END { printf "slow-read %d, slow %d, stall %d, drop %d, random %d", n["slow-read"], n["slow"], n["stall"], n["drop"], n["random"] }' "$TRASH/once.kills")
	echo "# kill -9 landed: $kills; the batch was done after $(cat "$TRASH/once.runs" 2>/dev/null)"
	echo "# resends answered by serve with the stored Receipt (SERVE-AS4-REPLAY): $(wc -l <"$TRASH/once.replays"), with a new one (SERVE-AS4-DUPLICATE): $(wc -l <"$TRASH/once.dups")"
	test_expect_success 'no document delivered twice: each payload once in serve, under one MessageId, all of the batch' '
		sqlite3 "$SDB" "SELECT sha256 FROM as4_payloads GROUP BY sha256 HAVING count(*) > 1" >dup &&
		test_cmp /dev/null dup &&
		test "$(sqlite3 "$SDB" "SELECT count(DISTINCT message_id) || \" \" || count(*) FROM as4_payloads")" = "$ONCE_N $ONCE_N" &&
		test "$(as4_stored)" = "$ONCE_N"
	'
	test_expect_success 'every resend used the MessageId of its begin row, the one serve stored' '
		once_as4_pairs && test_cmp "$TRASH/j.pairs" "$TRASH/jall.pairs" && test_cmp "$TRASH/j.pairs" "$TRASH/s.pairs"
	'
	test_expect_success 'every document accepted; its Receipt the one serve stored, or a new one for a message built again' '
		tdk journal list | cut -f3 | sort -u >states && echo accepted >want && test_cmp want states &&
		once_as4_receipts && comm -23 "$TRASH/j.rcpt" "$TRASH/s.rcpt" >other &&
		test "$(wc -l <"$TRASH/j.rcpt")" = "$ONCE_N" &&
		test "$(wc -l <other)" -le "$(wc -l <"$TRASH/once.dups")" &&
		test "$(wc -l <other)" -lt "$ONCE_N"
	'
	test_expect_success 'tdk journal verify passes' '
		tdk journal verify >out 2>err
	'
}
