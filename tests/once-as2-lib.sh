# The exactly-once loop of profile as2 (after once-lib.sh and pki.sh; its batch is small
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
	want=$nsub target=$nsub
	if [ "$point" = random ]; then
		# A random moment counted in messages, not time (as once_round's):
		# after 1 to 12 POSTs began, then up to 0.05 s more.
		want=1 target=$(awk -v s="$ONCE_SEED.$(wc -l <"$TRASH/once.kills")" 'BEGIN { srand(s); print 1 + int(rand() * 12) }')
	fi
	k=0
	while [ $k -lt "$nsub" ]; do
		# shellcheck disable=SC2046
		tdk submit -e local $(once_window "$point" 8) >"$TRASH/sub$k.out" 2>"$TRASH/sub$k.err" &
		echo $! >>"$TRASH/once.pids"
		k=$((k + 1))
	done
	i=0
	while [ $i -lt 150 ] && [ "$(as2_reached "$point" "$base" "$st0")" -lt "$target" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	got=$(as2_reached "$point" "$base" "$st0")
	pids=$(cat "$TRASH/once.pids")
	if [ "$point" = random ] && [ "$got" -gt 0 ]; then
		sleep "$(awk -v s="$ONCE_SEED.$(wc -l <"$TRASH/once.kills")" 'BEGIN { srand(s + 1); printf "%.2f", rand() * 0.05 }')"
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
