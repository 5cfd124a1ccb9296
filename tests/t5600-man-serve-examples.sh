#!/bin/sh
# The examples of the submission pages that talk to a single window run here
# as printed, against a tdk serve this test starts, so that page and program
# cannot drift.  A block runs when the line before its ".Bd -literal" is the
# comment '.\" against tdk serve' (with "exit N" after it: the status the
# block's last command ends with; 0 otherwise, and every earlier command
# must end 0); '.\" against tdk serve as2' marks a block that talks to the
# server's AS2 receiver, '.\" against tdk serve as4' one that talks to its
# AS4 receiver, and those run after all the others (AS2, then AS4), so
# that the journal the others count is theirs alone.  In a block, "$ " lines are
# commands (a trailing backslash continues one), the other lines the output
# it must print: a line indented by blanks continues the one before, a UUID
# stands for any UUID (and the host after "UUID@" in a Message-ID or an
# AS4 MessageId for any host), a loopback port for any port, a line ending
# in "..." for any line that begins so, one beginning with "..." for any
# that ends so, and "..." alone for any; each must appear, in order, in what the commands wrote to
# standard output and error.  The blocks of all pages run in one folder,
# page after page, on one journal, as a user would type them: $HOME holds
# the endpoints file naming the server as 'local' (REST) and a second one,
# the AS2 receiver, as 'local-as2' (we are BROKER01, it is TDK), a third,
# the AS4 receiver, as 'local-as4' (party ids urn:example:party:broker01
# and urn:example:party:tdk), and the folder ex/ the files the examples
# name: broker.pem (our AS2 and AS4 key and certificate), tdk.pem (the
# receivers' certificate), port and as4-port (the receivers' ports) and the
# documents.
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/serve-lib.sh"
. "$REPO/tests/pki.sh"

PAGES="tdk-submit tdk-journal tdk-endpoint"

serve_schema
echo '</catalog>' >>cat.xml
make_pki >/dev/null 2>&1 || { test_skip 'the examples against tdk serve' 'openssl could not make the test PKI'; test_done; exit 0; }
mkdir -p home/ex/outbox && cat rsa.key rsa.pem >home/ex/broker.pem && cp other.pem home/ex/tdk.pem &&
	printf "UNB+UNOC:3+BROKER01+TDK+261202:1200+7'\r\nUNH+1+INVOIC:D:96A:UN'\r\nUNT+2+1'\r\nUNZ+1+7'\r\n" >home/ex/invoice.edi &&
	printf "UNB+UNOC:3+BROKER01+TDK+261202:1200+8'\r\nUNH+1+ORDERS:D:96A:UN'\r\nUNT+2+1'\r\nUNZ+1+8'\r\n" >home/ex/order.edi &&
	printf "UNB+UNOC:3+BROKER01+TDK+261202:1200+9'\r\nUNH+1+IFTMIN:D:96A:UN'\r\nUNT+2+1'\r\nUNZ+1+9'\r\n" >home/ex/consignment.edi ||
	exit 1
serve_start --catalog cat.xml || { test_expect_success 'tdk serve starts' 'false'; test_done; exit; }
# The AS2 receiver, a second tdk serve (its own state): its port in ex/port.
tdk serve --state as2.db --clients clients --port-file home/ex/port --as2-key other.key --as2-cert other.pem \
	--as2-id TDK --partner BROKER01=rsa.pem >as2.out 2>&1 &
as2pid=$!
# The AS4 receiver, a third: its port in ex/as4-port.
tdk serve --state as4.db --clients clients --port-file home/ex/as4-port --as4-key other.key --as4-cert other.pem \
	--as4-party urn:example:party:tdk --partner urn:example:party:broker01=rsa.pem >as4.out 2>&1 &
as4pid=$!
trap 'kill $as2pid $as4pid 2>/dev/null; serve_kill; rm -rf "$TRASH"' EXIT
i=0
while { [ ! -s home/ex/port ] || [ ! -s home/ex/as4-port ]; } && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -s home/ex/port ] || { test_expect_success 'tdk serve starts with an AS2 key' 'cat as2.out; false'; test_done; exit; }
[ -s home/ex/as4-port ] || { test_expect_success 'tdk serve starts with an AS4 key' 'cat as4.out; false'; test_done; exit; }
HOME=$TRASH/home XDG_CONFIG_HOME=$TRASH/home/.config XDG_STATE_HOME=$TRASH/home/.state
XDG_CACHE_HOME=$TRASH/home/.cache
export HOME XDG_CONFIG_HOME XDG_STATE_HOME XDG_CACHE_HOME
unset TDK_JOURNAL
mkdir -p "$XDG_CONFIG_HOME/tdk" && chmod 700 "$XDG_CONFIG_HOME/tdk"
serve_endpoint local "$URL" 'api-version = 1.0' 'scope = write:customs-declaration' 'badge-id = ABC123' \
	"notifications-url = $URL/notifications" "file-upload-url = $URL/customs/declarations/file-upload" \
	"catalog = $TRASH/cat.xml" >"$XDG_CONFIG_HOME/tdk/endpoints"
printf '[local-as2]\nprofile = as2\nurl = %s/as2\nas2-from = BROKER01\nas2-to = TDK\nkey = %s\npartner-cert = %s\n' \
	"http://127.0.0.1:$(cat home/ex/port)" "$TRASH/home/ex/broker.pem" "$TRASH/home/ex/tdk.pem" \
	>>"$XDG_CONFIG_HOME/tdk/endpoints"
printf '[local-as4]\nprofile = as4\nurl = %s/as4\nfrom-party = urn:example:party:broker01\nto-party = urn:example:party:tdk\n' \
	"http://127.0.0.1:$(cat home/ex/as4-port)" >>"$XDG_CONFIG_HOME/tdk/endpoints"
printf 'service = urn:example:service\naction = Submit\nkey = %s\npartner-cert = %s\n' \
	"$TRASH/home/ex/broker.pem" "$TRASH/home/ex/tdk.pem" >>"$XDG_CONFIG_HOME/tdk/endpoints"
(cd home/ex && lrn G001 && mv G001.xml declaration.xml && lrn C002 && mv C002.xml cleared.xml &&
	printf '<Declaration xmlns="urn:tdk:test:decl">\n  <Nope/>\n</Declaration>\n' >bad.xml &&
	cd outbox && for l in G101 G102 C103 C104 G105 G106; do lrn $l; done) || exit 1

# The marked blocks of a page, each as "#block N STATUS PASS" (PASS: rest, or
# as2 or as4 for the AS2 or AS4 receiver's) then its lines, roff's \e and \- undone.
blocks() {
	awk '
		/^\.\\" against tdk serve/ { mark = 1; pass = ($5 == "as2" || $5 == "as4" ? $5 : "rest"); k = (pass == "rest" ? 5 : 6)
			want = ($k == "exit" ? $(k + 1) : 0); next }
		/^\.Bd -literal/ { if (mark) { n++; print "#block " n " " want " " pass; inb = 1 } mark = 0; next }
		/^\.Ed/ { inb = 0; next }
		inb { print; next }
		{ mark = 0 }' "$1" | sed 's/\\e/\\/g; s/\\-/-/g; s/\\&//g'
}

# Splits block file $1 into cmd.sh (its commands, each a line, continued lines
# joined; every one but the last must succeed, the last ends with status $2)
# and want (the output, continued lines joined).
split_block() {
	awk '
		cont { c[n] = c[n] " " $0; cont = sub(/\\$/, "", c[n]); next }
		/^\$ / { sub(/^\$ /, ""); c[++n] = $0; cont = sub(/\\$/, "", c[n]); next }
		/^[ \t]/ && m { sub(/^[ \t]+/, " "); w[m] = w[m] $0; next }
		{ w[++m] = $0 }
		END {
			for (i = 1; i < n; i++) printf "%s || { echo \"exit status $?, expected 0\"; exit 1; }\n", c[i]
			printf "%s\nrc=$?; [ $rc -eq %s ] || { echo \"exit status $rc, the page says %s\"; exit 1; }\n", c[n], want, want
			for (i = 1; i <= m; i++) print w[i] > "want"
		}' want="$2" "$1" >cmd.sh
	touch want
}

# Whether every line of want appears in got, in order; a UUID stands for any, a trailing "..." for the rest.
in_order() {
	awk '
		# (no {n} intervals: mawk lacks them)
		function mask(s,  h, h4) {
			h = "[0-9a-f]"; h4 = h h h h
			gsub(h4 h4 "-" h4 "-" h4 "-" h4 "-" h4 h4 h4, "UUID", s)
			gsub(/UUID@[A-Za-z0-9.-]+/, "UUID@HOST", s)
			gsub(/127\.0\.0\.1:[0-9]+/, "127.0.0.1:PORT", s); return s
		}
		FILENAME == ARGV[1] { w[++n] = mask($0); next }
		k < n {
			g = mask($0); e = w[k + 1]
			if (e == "...") ok = 1
			else if (e ~ /^\.\.\./) { e = substr(e, 4); ok = length(g) >= length(e) && substr(g, length(g) - length(e) + 1) == e }
			else if (e ~ /\.\.\.$/) { e = substr(e, 1, length(e) - 3); ok = substr(g, 1, length(e)) == e }
			else ok = g == e
			k += ok
		}
		END { if (k < n) { print "not printed: " w[k + 1]; exit 1 } }' want got
}

for page in $PAGES; do
	f=$REPO/man/$page.1
	[ -f "$f" ] || continue
	blocks "$f" >all.$page
	test_expect_success "$page: the page has blocks that run against tdk serve" "grep -q '^#block ' all.$page"
done
for pass in rest as2 as4; do
	for page in $PAGES; do
		for b in $(sed -n "s/^#block \([0-9]*\) [0-9]* $pass\$/\1/p" all.$page 2>/dev/null); do
			want=$(sed -n "s/^#block $b \\([0-9]*\\) $pass\$/\\1/p" all.$page)
			awk -v b="$b" '/^#block / { on = ($2 == b); next } on' all.$page >block.$page.$b
			rm -f want
			split_block block.$page.$b "$want"
			mv cmd.sh cmd.$page.$b.sh && mv want want.$page.$b
			test_expect_success "$page: example $b runs as printed: $(head -1 cmd.$page.$b.sh | cut -c1-50 | tr -d '\\')" "
				(cd home/ex && timeout 60 sh '$TRASH/cmd.$page.$b.sh' >'$TRASH/out.$page.$b' 2>&1); rc=\$?
				cat out.$page.$b &&
				awk '/^[ \\t]/ && n { sub(/^[ \\t]+/, \" \"); l = l \$0; next } n { print l } { l = \$0; n = 1 } END { if (n) print l }' \
					out.$page.$b >got &&
				cp want.$page.$b want && test \$rc -eq 0 && in_order
			"
		done
	done
done
test_done
