# The exactly-once loop (after lib.sh and serve-lib.sh, and pg-lib.sh for a
# PostgreSQL journal): a batch of declarations made from the CDS import
# sample that t5300 submits, each with its own LRN; tdk submit killed with
# kill -9 at named points that tdk serve's faults hold it at, and at random
# moments; re-run until the batch is done; then the checks of once_checks.
# The test knows a submitter has reached a point from what the server sees
# (its access log with --log-events, its state database), never from a
# clock, and every wait has a bound.  TDK_JOURNAL names the journal.
#
#   once_setup         the batch in $TRASH/batch, the endpoint 'local', tdk serve
#                      (its port kept across restarts); returns 1 with $ONCE_SKIP
#   once_setup_or_skip the same, or skips the whole test file with the reason
#   once_rounds POINT NSUB ROUNDS   ROUNDS times: NSUB submitters at once, each
#                      killed at POINT: token (waiting for its token), slow-read (its
#                      body read slowly), slow (its declaration stored, the 202
#                      delayed), stall (the 202 and its conversation id received,
#                      the body held back), random (a random moment)
#   once_finish NSUB   re-runs NSUB submitters without faults until the batch is done
#   once_loop NSUB R RR  the tests of the loop: R rounds at each named point, RR
#                      random ones before, between and after them, then once_finish
#   once_checks        the tests of the end state, with the counts in TAP comments

# Under the sanitizers the loop is smaller (80 documents, one round at each
# point): that run looks for memory errors on the same paths, the plain run
# keeps the full loop's count of kill moments.
case $TDK_BUILD in
*san*) ONCE_N=${ONCE_N:-80} ONCE_SAN=1 ;;
*) ONCE_N=${ONCE_N:-200} ONCE_SAN=0 ;;
esac
ONCE_SEED=${ONCE_SEED:-$$}
ONCE_SAMPLE=$TDK_CORPUS/wco/hmrc-customs-declare-exports/instances/Imports/Accepted/Declaration/TT1_IM_v2.02_Accepted.xml
LOG=$TRASH/access.log
SDB=$TRASH/serve.db
trap 'once_kill; serve_kill; if command -v pg_stop >/dev/null; then pg_stop; fi; rm -rf "$TRASH"' EXIT

# Kills the submitters of a round still running (their pids in $TRASH/once.pids).
once_kill() {
	if [ -s "$TRASH/once.pids" ]; then
		kill -KILL $(cat "$TRASH/once.pids") 2>/dev/null
		: >"$TRASH/once.pids"
	fi
}

once_setup() {
	if ! [ -f "$ONCE_SAMPLE" ]; then
		ONCE_SKIP="$ONCE_SAMPLE is absent (set TDK_CORPUS)"
		return 1
	fi
	printf '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">\n<uri name="urn:wco:datamodel:WCO:DocumentMetaData-DMS:2" uri="%s"/>\n</catalog>\n' \
		"$TDK_CORPUS/wco/hmrc-customs-declare-exports/local-wrappers/submit_wrapper.xsd" >"$TRASH/cat.xml"
	mkdir "$TRASH/batch" || return 1
	# LRNs C1000...: 'C' makes the server's notifications accepted, then cleared.
	i=0
	while [ $i -lt "$ONCE_N" ]; do
		sed "s|<FunctionalReferenceID>Import_Accepted</FunctionalReferenceID>|<FunctionalReferenceID>CX$((1000 + i))</FunctionalReferenceID>|" \
			"$ONCE_SAMPLE" >"$TRASH/batch/d$((1000 + i)).xml" || return 1
		i=$((i + 1))
	done
	grep -l "<FunctionalReferenceID>CX1000<" "$TRASH/batch/d1000.xml" >/dev/null || return 1
	serve_start --catalog "$TRASH/cat.xml" --access-log "$LOG" --log-events || { ONCE_SKIP="tdk serve did not start"; return 1; }
	PORT=${URL##*:}
	serve_endpoint local "$URL" 'api-version = 3.0' 'badge-id = ABC123' "notifications-url = $URL/notifications" \
		"catalog = $TRASH/cat.xml" "notifications-catalog = $TRASH/ncat.xml" 'retries = 2' 'timeout = 30' \
		>"$TRASH/endpoints"
	# The declarations and the notifications share the MetaData namespace but
	# not its schema: the notifications' wrapper, for tdk poll.
	printf '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">\n<uri name="urn:wco:datamodel:WCO:DocumentMetaData-DMS:2" uri="%s"/>\n</catalog>\n' \
		"$TDK_CORPUS/wco/hmrc-customs-declare-exports/local-wrappers/notification_wrapper.xsd" >"$TRASH/ncat.xml"
	TDK_ENDPOINTS=$TRASH/endpoints
	export TDK_ENDPOINTS PORT
	: >"$TRASH/once.kills"
	: >"$TRASH/once.pids"
}

once_setup_or_skip() {
	if ! once_setup; then
		test_skip 'the exactly-once loop' "$ONCE_SKIP"
		test_done
	fi
}

# Restarts tdk serve on its port, with the fault that holds a submitter at point $1
# (unless it runs without faults and none is asked; a server with a fault is
# restarted every round, which ends the pauses of the requests the kill left).
once_serve() {
	case $1 in
	token) f=token:slow=20000 ;;
	slow-read) f=declarations:slow-read=20000 ;;
	slow) f=declarations:slow=20000 ;;
	stall) f=declarations:stall=20000 ;;
	# Each answer 40 ms late, as a real window's are: a random moment falls
	# anywhere in a submission, and a fast submitter cannot run through its
	# window before the kill.
	random) f=declarations:slow=40 ;;
	*) f= ;;
	esac
	[ -z "$f" ] && [ ! -s "$TRASH/once.fault" ] && [ ! -s "$TRASH/serve.rc" ] && return 0
	serve_stop
	[ "$SERVE_RC" -eq 0 ] || { echo "tdk serve stopped with $SERVE_RC"; return 1; }
	serve_start --listen "127.0.0.1:$PORT" --catalog "$TRASH/cat.xml" --access-log "$LOG" --log-events \
		${f:+--fault "$f"} && printf "%s" "$f" >"$TRASH/once.fault"
}

# The documents a round of point $1 sends: every one of the batch, or at a
# random moment the first $2 the journal does not hold, so that however fast
# the submitters are, the random rounds cannot use up the batch.
once_window() {
	if [ "$1" = random ]; then
		tdk journal list | cut -f7 | sort >"$TRASH/held"
		ls "$TRASH"/batch/* | sort | comm -23 - "$TRASH/held" | head -n "$2"
	else
		ls "$TRASH"/batch/*
	fi
}

# The lines of the access log after line $1 that match $2, counted.
log_since() {
	tail -n +"$(($1 + 1))" "$LOG" | grep -c "$2"
}

declarations() {
	sqlite3 "$SDB" "SELECT count(*) FROM declarations"
}

unknowns() {
	tdk journal list --unknown | wc -l
}

# How many submitters have reached point $1 since log line $2 (with $3 declarations then).
reached() {
	case $1 in
	token) log_since "$2" '"event":"start","method":"POST","path":"/oauth/token"' ;;
	slow-read|random) log_since "$2" '"event":"start","method":"POST","path":"/customs/declarations"' ;;
	slow) echo $(($(declarations) - $3)) ;;
	stall) log_since "$2" '"event":"stall"' ;;
	esac
}

# One round: NSUB ($2) submitters started at once, killed when all have reached point $1 (at most 15 s).
once_round() {
	point=$1 nsub=$2
	once_serve "$point" || return 1
	[ "$point" = token ] && rm -f "$XDG_CACHE_HOME"/tdk/*.token
	base=$(wc -l <"$LOG") decl0=$(declarations) unk0=$(unknowns)
	want=$nsub target=$nsub
	if [ "$point" = random ]; then
		# A random moment counted in documents, not time: after 1 to 12
		# declarations have begun, then up to 0.05 s more, so that the batch
		# outlasts the rounds however fast the submitters are.
		want=1 target=$(awk -v s="$ONCE_SEED.$(wc -l <"$TRASH/once.kills")" 'BEGIN { srand(s); print 1 + int(rand() * 12) }')
	fi
	k=0
	while [ $k -lt "$nsub" ]; do
		# shellcheck disable=SC2046
		tdk submit -e local $(once_window "$point" 24) >"$TRASH/sub$k.out" 2>"$TRASH/sub$k.err" &
		echo $! >>"$TRASH/once.pids"
		k=$((k + 1))
	done
	i=0
	while [ $i -lt 150 ] && [ "$(reached "$point" "$base" "$decl0")" -lt "$target" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	got=$(reached "$point" "$base" "$decl0")
	pids=$(cat "$TRASH/once.pids")
	if [ "$point" = random ] && [ "$got" -gt 0 ]; then
		sleep "$(awk -v s="$ONCE_SEED.$(wc -l <"$TRASH/once.kills")" 'BEGIN { srand(s + 1); printf "%.2f", rand() * 0.05 }')"
		got=0
		for p in $pids; do
			kill -0 "$p" 2>/dev/null && got=$((got + 1))
		done
	fi
	once_kill
	for p in $pids; do
		wait "$p" 2>/dev/null
	done
	if [ "$got" -lt "$want" ]; then
		echo "after 15 s, $got of $want submitters had reached $point"
		return 1
	fi
	echo "$point $got" >>"$TRASH/once.kills"
	once_round_check "$point" "$nsub" "$decl0" "$unk0" "$base"
}

# What a round at a named point leaves: the submitters held at the point sent
# nothing else, and each left one unknown submission behind (none when held
# waiting for a token: a document is claimed once its token is in hand).
once_round_check() {
	decl=$(declarations) unk=$(unknowns)
	case $1 in
	token) [ "$decl" -eq "$3" ] || { echo "token: $((decl - $3)) declarations arrived"; return 1; } ;;
	slow|stall) [ "$decl" -eq $(($3 + $2)) ] || { echo "$1: $((decl - $3)) declarations arrived"; return 1; } ;;
	slow-read) [ "$decl" -le $(($3 + $2)) ] || { echo "slow-read: $((decl - $3)) declarations arrived"; return 1; } ;;
	random) return 0 ;;
	esac
	# A submitter waiting for its token has claimed nothing: it leaves no unknown.
	[ "$1" = token ] && n=0 || n=$2
	[ "$unk" -eq $(($4 + n)) ] || { echo "$1: $((unk - $4)) new unknowns, not $n"; return 1; }
	if [ "$1" = stall ]; then
		# The conversation ids reached the submitters, never their journal.
		tail -n +"$(($5 + 1))" "$LOG" | sed -n 's/.*"event":"stall".*"conversation_id":"\([0-9a-f-]*\)".*/\1/p' >"$TRASH/stalled"
		[ "$(wc -l <"$TRASH/stalled")" -eq "$2" ] || return 1
		! tdk journal list | cut -f6 | grep -F -x -f "$TRASH/stalled"
	fi
}

once_rounds() {
	round=0
	while [ $round -lt "$3" ]; do
		once_round "$1" "$2" || return 1
		round=$((round + 1))
	done
}

# The tests of the loop with NSUB ($1) submitters at once, $2 rounds at each
# named point, and three times $3 rounds at random moments.
once_loop() {
	[ "$ONCE_SAN" = 1 ] && set -- "$1" 1 1
	if [ "$1" -eq 1 ]; then
		who="the submitter" each="one unknown"
	else
		who="$1 submitters at once" each="$1 unknowns"
	fi
	echo "# random moments from seed $ONCE_SEED (ONCE_SEED=$ONCE_SEED repeats them)"
	test_expect_success "$who killed at random moments ($3 rounds)" "once_rounds random $1 $3"
	test_expect_success "$who killed waiting for a token (token:slow): nothing sent, nothing claimed ($2 rounds)" \
		"once_rounds token $1 $2"
	test_expect_success "$who killed during a slowly read body (slow-read): $each ($2 rounds)" \
		"once_rounds slow-read $1 $2"
	test_expect_success "$who killed at random moments ($3 rounds)" "once_rounds random $1 $3"
	test_expect_success "$who killed while the 202 is delayed (slow), the declaration stored: $each ($2 rounds)" \
		"once_rounds slow $1 $2"
	test_expect_success "$who killed holding the 202 and its conversation id (stall), before the journal write: $each ($2 rounds)" \
		"once_rounds stall $1 $2"
	test_expect_success "$who killed at random moments ($3 rounds)" "once_rounds random $1 $3"
	test_expect_success "re-run ($who) without faults until the batch is done" "once_finish $1"
}

# Whether every document of the batch is in the journal, none queued or being sent.
once_done() {
	tdk journal list | cut -f3 >"$TRASH/states" &&
	[ "$(wc -l <"$TRASH/states")" -eq "$ONCE_N" ] && ! grep -q -e queued -e sending "$TRASH/states"
}

once_finish() {
	once_serve none || return 1
	n=0 d0=$(declarations)
	while [ $n -lt 6 ] && ! once_done; do
		k=0 pids=
		while [ $k -lt "$1" ]; do
			timeout 120 tdk submit -e local "$TRASH"/batch/*.xml >"$TRASH/fin$k.out" 2>"$TRASH/fin$k.err" &
			pids="$pids $!"
			k=$((k + 1))
		done
		for p in $pids; do
			wait "$p"
			rc=$?
			[ $rc -le 4 ] || { echo "tdk submit ended with $rc"; cat "$TRASH"/fin*.err; return 1; }
		done
		n=$((n + 1))
	done
	echo "$n more runs, which sent the last $(($(declarations) - d0))" >"$TRASH/once.runs"
	once_done
}

# The LRNs: of the batch, that the server holds, that the journal holds as unknown.
once_lrns() {
	i=0
	while [ $i -lt "$ONCE_N" ]; do
		echo "CX$((1000 + i))"
		i=$((i + 1))
	done | sort >"$TRASH/lrn.all"
	sqlite3 "$SDB" "SELECT lrn FROM declarations" | sort -u >"$TRASH/lrn.server"
	tdk journal list --unknown | cut -f5 | sort >"$TRASH/lrn.unknown"
	comm -23 "$TRASH/lrn.all" "$TRASH/lrn.server" >"$TRASH/lrn.never"
}

once_checks() {
	kills=$(awk '{ n[$1] += $2 } END { printf "token %d, slow-read %d, slow %d, stall %d, random %d", n["token"], n["slow-read"], n["slow"], n["stall"], n["random"] }' "$TRASH/once.kills")
	echo "# kill -9 landed: $kills; the batch was done after $(cat "$TRASH/once.runs" 2>/dev/null)"
	test_expect_success 'the server accepted each document at most once (by LRN and by SHA-256)' '
		sqlite3 "$SDB" "SELECT lrn FROM declarations GROUP BY lrn HAVING count(*) > 1" >dup &&
		sqlite3 "$SDB" "SELECT sha256 FROM declarations GROUP BY sha256 HAVING count(*) > 1" >>dup &&
		test_cmp /dev/null dup
	'
	test_expect_success 'nothing is in the server that the journal does not know, under the same conversation id' '
		sqlite3 "$SDB" "SELECT lrn FROM declarations" | sort >s &&
		tdk journal list | cut -f5 | sort >j && comm -23 s j >stray && test_cmp /dev/null stray &&
		tdk journal list | awk -F "\t" "\$6 != \"-\" && \$6 != \"\" { print \$5 \"|\" \$6 }" | sort >jc &&
		sqlite3 "$SDB" "SELECT lrn, conversation_id FROM declarations" | sort >sc &&
		comm -23 jc sc >wrong && test_cmp /dev/null wrong
	'
	test_expect_success 'the journal says accepted only of what the server holds; the rest is unknown' '
		once_lrns && tdk journal list | awk -F "\t" "\$3 == \"accepted\" { print \$5 }" | sort >acc &&
		comm -12 acc "$TRASH/lrn.never" >bad && test_cmp /dev/null bad &&
		comm -23 "$TRASH/lrn.never" "$TRASH/lrn.unknown" >unlisted && test_cmp /dev/null unlisted
	'
	once_lrns
	before=$(wc -l <"$TRASH/lrn.unknown")
	echo "# unknown in the journal: $before, of which never arrived: $(wc -l <"$TRASH/lrn.never")"
	test_expect_success 'tdk poll settles every unknown that reached the server, by LRN, under its conversation id' '
		tdk poll -e local >poll.out 2>poll.err
		rc=$?
		[ $rc -eq 0 ] || [ $rc -eq 4 ] || { cat poll.err; exit 1; }
		once_lrns &&
		comm -12 "$TRASH/lrn.unknown" "$TRASH/lrn.server" >unsettled && test_cmp /dev/null unsettled &&
		tdk journal list >rows && ! grep -q unmatched rows &&
		awk -F "\t" "\$6 != \"-\" && \$6 != \"\" { print \$5 \"|\" \$6 }" rows | sort >jc &&
		sqlite3 "$SDB" "SELECT lrn, conversation_id FROM declarations" | sort >sc && test_cmp sc jc
	'
	once_lrns
	echo "# settled by tdk poll: $((before - $(wc -l <"$TRASH/lrn.unknown"))) unknowns"
	test_expect_success 'tdk journal list --unknown lists for a person to resend exactly those that never arrived' '
		once_lrns && test_cmp "$TRASH/lrn.never" "$TRASH/lrn.unknown"
	'
	test_expect_success 'the person resends what it lists (tdk submit --resend): every document accepted exactly once' '
		tdk journal list --unknown | cut -f7 >files &&
		if [ -s files ]; then tdk submit -e local --resend $(cat files) >out 2>err || exit 1; fi &&
		tdk journal list --unknown >left && test_cmp /dev/null left &&
		sqlite3 "$SDB" "SELECT lrn FROM declarations GROUP BY lrn HAVING count(*) = 1" | sort >once &&
		test_cmp "$TRASH/lrn.all" once &&
		test "$(sqlite3 "$SDB" "SELECT count(*) FROM declarations")" -eq "$ONCE_N"
	'
	test_expect_success 'tdk journal verify passes' '
		tdk journal verify >out 2>err
	'
}
