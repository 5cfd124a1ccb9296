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
	*) f= ;;
	esac
	[ -z "$f" ] && [ ! -s "$TRASH/once.fault" ] && [ ! -s "$TRASH/serve.rc" ] && return 0
	serve_stop
	[ "$SERVE_RC" -eq 0 ] || { echo "tdk serve stopped with $SERVE_RC"; return 1; }
	serve_start --listen "127.0.0.1:$PORT" --catalog "$TRASH/cat.xml" --access-log "$LOG" --log-events \
		${f:+--fault "$f"} && printf "%s" "$f" >"$TRASH/once.fault"
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
		tdk submit -e local "$TRASH"/batch/*.xml >"$TRASH/sub$k.out" 2>"$TRASH/sub$k.err" &
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

# The exactly-once loop of profile as2 (after pki.sh; its batch is small
# EDIFACT interchanges): tdk submit to tdk serve's AS2
# receiver (POST /as2), killed at named points that serve's faults on the
# as2 route hold it at, and at random moments; re-run until the batch is
# done.  RFC 4130 does not make a receiver drop duplicates, so a message
# whose MDN was lost stays unknown and is never sent again by itself.
#
#   once_as2_setup       the batch in $TRASH/batch, the PKI, the as2 endpoint 'local',
#                        tdk serve with the AS2 receiver; returns 1 with $ONCE_SKIP
#   once_as2_setup_or_skip  the same, or skips the whole test file with the reason
#   once_as2_rounds POINT ROUNDS  a submitter ($ONCE_AS2_NSUB at once) killed at POINT: slow-read (its body
#                        read slowly), slow (stored, the MDN delayed), stall (stored,
#                        the answer's headers out, the MDN held back), drop (stored,
#                        the connection closed without the MDN: it records unknown),
#                        random (a random moment)
#   once_as2_loop R RR   the tests of the loop: R rounds at each named point, RR
#                        random ones before, between and after them, then the runs
#                        without faults until the batch is done
#   once_as2_checks      the tests of the end state
once_as2_setup() {
	# 100 interchanges (ONCE_AS2_N), 40 under the sanitizers.
	if [ "$ONCE_SAN" = 1 ]; then ONCE_N=${ONCE_AS2_N:-40}; else ONCE_N=${ONCE_AS2_N:-100}; fi
	command -v sqlite3 >/dev/null || { ONCE_SKIP='needs sqlite3'; return 1; }
	make_pki >/dev/null 2>&1 || { ONCE_SKIP='openssl could not make the test PKI'; return 1; }
	cat rsa.key rsa.pem >acme.pem
	mkdir "$TRASH/batch" || return 1
	i=0
	while [ $i -lt "$ONCE_N" ]; do
		printf "UNB+UNOC:3+ACME+TDK+261202:1200+%d'\r\nUNH+1+INVOIC:D:96A:UN'\r\nBGM+380+INV%d+9'\r\nUNT+3+1'\r\nUNZ+1+%d'\r\n" \
			$((1000 + i)) $((1000 + i)) $((1000 + i)) >"$TRASH/batch/d$((1000 + i)).edi" || return 1
		i=$((i + 1))
	done
	(cd "$TRASH/batch" && sha256sum -- *.edi | sed 's/^\([0-9a-f]*\)  \(.*\)$/\2|\1/' | sort) >"$TRASH/as2.sums"
	ONCE_AS2_OPTS="--as2-key $TRASH/other.key --as2-cert $TRASH/other.pem --as2-id TDK --partner ACME=$TRASH/rsa.pem"
	# shellcheck disable=SC2086
	serve_start $ONCE_AS2_OPTS --access-log "$LOG" --log-events || { ONCE_SKIP="tdk serve did not start"; return 1; }
	PORT=${URL##*:}
	printf '[local]\nprofile = as2\nurl = %s/as2\nas2-from = ACME\nas2-to = TDK\nkey = %s/acme.pem\n' "$URL" "$TRASH" \
		>"$TRASH/endpoints"
	printf 'partner-cert = %s/other.pem\nencrypt = aes128-gcm\ntimeout = 30\n' "$TRASH" >>"$TRASH/endpoints"
	TDK_ENDPOINTS=$TRASH/endpoints
	export TDK_ENDPOINTS PORT
	: >"$TRASH/once.kills"
	: >"$TRASH/once.pids"
}

once_as2_setup_or_skip() {
	if ! once_as2_setup; then
		test_skip 'the exactly-once loop of AS2' "$ONCE_SKIP"
		test_done
	fi
}

# Restarts tdk serve on its port with the as2 fault that holds a submitter at point $1.
once_as2_serve() {
	case $1 in
	slow-read) f=as2:slow-read=20000 ;;
	slow) f=as2:slow=20000 ;;
	stall) f=as2:stall=20000 ;;
	drop) f=as2:drop ;;
	*) f= ;;
	esac
	[ -z "$f" ] && [ ! -s "$TRASH/once.fault" ] && [ ! -s "$TRASH/serve.rc" ] && return 0
	serve_stop
	[ "$SERVE_RC" -eq 0 ] || { echo "tdk serve stopped with $SERVE_RC"; return 1; }
	# shellcheck disable=SC2086
	serve_start --listen "127.0.0.1:$PORT" $ONCE_AS2_OPTS --access-log "$LOG" --log-events ${f:+--fault "$f"} &&
	printf "%s" "$f" >"$TRASH/once.fault"
}

as2_stored() {
	sqlite3 "$SDB" "SELECT count(*) FROM as2_messages"
}

# How far the submitter has come since log line $2 (with $3 messages stored then) towards point $1.
as2_reached() {
	case $1 in
	slow-read|random) log_since "$2" '"event":"start","method":"POST","path":"/as2"' ;;
	slow|drop) echo $(($(as2_stored) - $3)) ;;
	stall) log_since "$2" '"event":"stall"' ;;
	esac
}

# One round: $ONCE_AS2_NSUB submitters (1 by default) started at once, killed
# when all have reached point $1 (at most 15 s).
once_as2_round() {
	point=$1 nsub=${ONCE_AS2_NSUB:-1}
	once_as2_serve "$point" || return 1
	base=$(wc -l <"$LOG") st0=$(as2_stored) unk0=$(unknowns)
	want=$nsub
	[ "$point" = random ] && want=1
	k=0
	while [ $k -lt "$nsub" ]; do
		tdk submit -e local "$TRASH"/batch/*.edi >"$TRASH/sub$k.out" 2>"$TRASH/sub$k.err" &
		echo $! >>"$TRASH/once.pids"
		k=$((k + 1))
	done
	i=0
	while [ $i -lt 150 ] && [ "$(as2_reached "$point" "$base" "$st0")" -lt "$want" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	got=$(as2_reached "$point" "$base" "$st0")
	pids=$(cat "$TRASH/once.pids")
	if [ "$point" = random ] && [ "$got" -gt 0 ]; then
		sleep "$(awk -v s="$ONCE_SEED.$(wc -l <"$TRASH/once.kills")" 'BEGIN { srand(s); printf "%.2f", rand() * 0.2 }')"
	fi
	once_kill
	for p in $pids; do
		wait "$p" 2>/dev/null
	done
	if [ "$got" -lt "$want" ]; then
		echo "after 15 s, $got of $want submitters had reached $point"
		return 1
	fi
	echo "$point $nsub" >>"$TRASH/once.kills"
	once_as2_round_check "$point" "$st0" "$unk0" "$nsub"
}

# What a round at a named point leaves ($4 submitters): held at slow or stall,
# each submitter's message is stored and unknown; at slow-read, one unknown
# each, at most one stored each; at drop, each stored message unknown (the
# submitters record a few before the kill), and at most one unknown more each
# (killed sending it).
once_as2_round_check() {
	st=$(as2_stored) unk=$(unknowns)
	case $1 in
	slow|stall) [ "$st" -eq $(($2 + $4)) ] && [ "$unk" -eq $(($3 + $4)) ] ;;
	slow-read) [ "$st" -le $(($2 + $4)) ] && [ "$unk" -eq $(($3 + $4)) ] ;;
	drop) [ "$st" -gt "$2" ] && [ $((unk - $3)) -ge $((st - $2)) ] && [ $((unk - $3)) -le $((st - $2 + $4)) ] ;;
	random) return 0 ;;
	esac || { echo "$1: $((st - $2)) messages stored, $((unk - $3)) new unknowns"; return 1; }
}

once_as2_rounds() {
	round=0
	while [ $round -lt "$2" ]; do
		once_as2_round "$1" || return 1
		round=$((round + 1))
	done
}

# Runs the submitter without faults until the batch is done; the POSTs to
# /as2 it made must be those of the documents never sent (none of the unknowns).
once_as2_finish() {
	once_as2_serve none || return 1
	base=$(wc -l <"$LOG")
	tdk journal list --unknown | cut -f6 | sort >"$TRASH/unk.before"
	tdk journal list | awk -F '\t' '$3 != "queued"' | wc -l >"$TRASH/claimed"
	n=0
	while [ $n -lt 6 ] && ! once_done; do
		timeout 120 tdk submit -e local "$TRASH"/batch/*.edi >"$TRASH/fin.out" 2>"$TRASH/fin.err"
		rc=$?
		[ $rc -le 4 ] || { echo "tdk submit ended with $rc"; cat "$TRASH/fin.err"; return 1; }
		n=$((n + 1))
	done
	echo "$n more runs" >"$TRASH/once.runs"
	once_done || return 1
	posts=$(log_since "$base" '"method":"POST","path":"/as2","status"')
	[ "$posts" -eq $((ONCE_N - $(cat "$TRASH/claimed"))) ] ||
		{ echo "$posts POSTs for $((ONCE_N - $(cat "$TRASH/claimed"))) documents never sent"; return 1; }
	tdk journal list --unknown | cut -f6 | sort >"$TRASH/unk.after"
	test_cmp "$TRASH/unk.before" "$TRASH/unk.after"
}

once_as2_loop() {
	[ "$ONCE_SAN" = 1 ] && set -- 1 1
	if [ "${ONCE_AS2_NSUB:-1}" -eq 1 ]; then
		who="the submitter" each="one unknown"
	else
		who="$ONCE_AS2_NSUB submitters at once" each="$ONCE_AS2_NSUB unknowns"
	fi
	echo "# random moments from seed $ONCE_SEED (ONCE_SEED=$ONCE_SEED repeats them)"
	test_expect_success "$who killed at random moments ($2 rounds)" "once_as2_rounds random $2"
	test_expect_success "$who killed during a slowly read body (as2:slow-read): $each ($1 rounds)" \
		"once_as2_rounds slow-read $1"
	test_expect_success "$who killed while the MDN is delayed (as2:slow), the message stored: $each ($1 rounds)" \
		"once_as2_rounds slow $1"
	test_expect_success "$who killed at random moments ($2 rounds)" "once_as2_rounds random $2"
	test_expect_success "$who killed holding the answer's headers, the MDN held back (as2:stall): $each ($1 rounds)" \
		"once_as2_rounds stall $1"
	test_expect_success "$who killed after MDNs were lost (as2:drop: stored, the connection closed): each stored one unknown ($1 rounds)" \
		"once_as2_rounds drop $1"
	test_expect_success "$who killed at random moments ($2 rounds)" "once_as2_rounds random $2"
	test_expect_success 're-run without faults until the batch is done: none of the unknowns sent again' \
		once_as2_finish
}

# The journal's (name|Message-ID) of every submission (the Message-ID of its
# begin row, as it was sent) into j.pairs, and serve's of every stored message
# into s.pairs; with $1, those of the submissions in state $1 into $1.pairs.
once_as2_pairs() {
	tdk journal export | sed -n 's/.*"kind":"begin".*"name":"\([^"]*\)".*"message_id":"\([^"]*\)".*/\1|\2/p' |
		sed 's/^.*\///' | sort >"$TRASH/j.pairs"
	sqlite3 -separator '|' "$SDB" "SELECT sha256, message_id FROM as2_messages" | sort >"$TRASH/s.sha"
	awk -F '|' 'NR == FNR { name[$2] = $1; next } { print ($1 in name ? name[$1] : "?" $1) "|" $2 }' \
		"$TRASH/as2.sums" "$TRASH/s.sha" | sort >"$TRASH/s.pairs"
	[ -z "${1-}" ] || tdk journal list | awk -F '\t' -v s="$1" '$3 == s { n = $7; sub(/.*\//, "", n); print n }' |
		awk -F '|' 'NR == FNR { want[$1] = 1; next } $1 in want' - "$TRASH/j.pairs" >"$TRASH/$1.pairs"
}

once_as2_checks() {
	kills=$(awk '{ n[$1] += $2 } END { printf "slow-read %d, slow %d, stall %d, drop %d, random %d", n["slow-read"], n["slow"], n["stall"], n["drop"], n["random"] }' "$TRASH/once.kills")
	echo "# kill -9 landed: $kills; the batch was done after $(cat "$TRASH/once.runs" 2>/dev/null)"
	test_expect_success 'no document delivered twice: each payload once in serve, each Message-ID once' '
		sqlite3 "$SDB" "SELECT sha256 FROM as2_messages GROUP BY sha256 HAVING count(*) > 1" >dup &&
		sqlite3 "$SDB" "SELECT message_id FROM as2_messages GROUP BY message_id HAVING count(*) > 1" >>dup &&
		test_cmp /dev/null dup
	'
	test_expect_success 'every stored message is in the journal, its document under the same Message-ID' '
		once_as2_pairs && comm -23 "$TRASH/s.pairs" "$TRASH/j.pairs" >stray && test_cmp /dev/null stray
	'
	test_expect_success 'the journal says accepted only of what serve holds; every other document is unknown' '
		once_as2_pairs accepted && comm -23 "$TRASH/accepted.pairs" "$TRASH/s.pairs" >bad && test_cmp /dev/null bad &&
		tdk journal list | awk -F "\t" "\$3 != \"accepted\" && \$3 != \"unknown\"" >other && test_cmp /dev/null other
	'
	once_as2_pairs unknown
	cp "$TRASH/unknown.pairs" "$TRASH/u.pairs"
	echo "# unknown in the journal: $(wc -l <"$TRASH/u.pairs"), of which serve stored (the MDN lost): $(comm -12 "$TRASH/u.pairs" "$TRASH/s.pairs" | wc -l)"
	test_expect_success 'messages whose MDN was lost are there: stored, unknown, listed by tdk journal list --unknown' '
		comm -12 "$TRASH/u.pairs" "$TRASH/s.pairs" >lost && test -s lost &&
		tdk journal list --unknown | cut -f7 | sed "s/.*\///" | sort >listed && cut -d "|" -f1 "$TRASH/u.pairs" >names &&
		test_cmp names listed
	'
	test_expect_success 'tdk submit --resend of the unknowns: the same Message-IDs, the stored MDN replayed, all accepted once' '
		tdk journal list --unknown | cut -f7 >files && test -s files &&
		base=$(wc -l <"$LOG") && tdk submit -e local --resend $(cat files) >out 2>err &&
		test "$(log_since "$base" "\"method\":\"POST\",\"path\":\"/as2\",\"status\":200")" = "$(wc -l <files)" &&
		tdk journal list --unknown >left && test_cmp /dev/null left &&
		once_as2_pairs && test_cmp "$TRASH/j.pairs" "$TRASH/s.pairs" &&
		comm -23 "$TRASH/u.pairs" "$TRASH/j.pairs" >changed && test_cmp /dev/null changed &&
		test "$(sqlite3 "$SDB" "SELECT count(DISTINCT sha256) || \" \" || count(*) FROM as2_messages")" = "$ONCE_N $ONCE_N" &&
		tdk journal list | cut -f3 | sort -u >states && echo accepted >want && test_cmp want states
	'
	test_expect_success 'tdk journal verify passes' '
		tdk journal verify >out 2>err
	'
}

# The exactly-once loop of profile as4 (after pki.sh; its batch is small XML
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
	tdk journal list --unknown | cut -f7 >"$TRASH/unk.files"
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
	tdk submit --no-validate -e local "$TRASH"/batch/*.xml >"$TRASH/sub.out" 2>"$TRASH/sub.err" &
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
	[ -z "${1-}" ] || tdk journal list | awk -F '\t' -v s="$1" '$3 == s { n = $7; sub(/.*\//, "", n); print n }' |
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
