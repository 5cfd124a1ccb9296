# Helpers for the tests of tdk serve (after lib.sh): start one on a free
# loopback port, stop it by signal, ask it for tokens, all with timeouts.
#
#   serve_start [option ...]   state in $TRASH/serve.db, clients in $TRASH/clients;
#                              sets URL; the first line it prints names the port
#   serve_stop [SIGNAL]        TERM by default; its exit status in $SERVE_RC
#   token [scope]              a client-credentials access token of client 'cli'
#   cds_post PATH FILE [curl option ...]  a declaration with the API's headers and $TOKEN
#                              ($ACCEPT, $CTYPE, $BADGE change them; empty leaves one out)

trap 'serve_kill; rm -rf "$TRASH"' EXIT

printf '# id secret scopes\ncli s3cret write:customs-declaration,read:pull-notifications\n' >"$TRASH/clients"
printf 'pub pubsecret write:customs-declaration\n' >>"$TRASH/clients"

serve_kill() {
	if [ -s "$TRASH/serve.pid" ] && ! [ -s "$TRASH/serve.rc" ]; then
		serve_stop TERM
	fi
}

# The server runs under a shell that records its exit status in serve.rc, so
# that a test (a subshell, which cannot wait for it) can stop it and read it.
serve_start() {
	rm -f "$TRASH/serve.rc" "$TRASH/serve.pid"
	: >"$TRASH/serve.out"
	sh -c 'tdk serve "$@" >"$0/serve.out" 2>"$0/serve.err" & echo $! >"$0/serve.pid"; wait $!; echo $? >"$0/serve.rc"' \
		"$TRASH" --state "$TRASH/serve.db" --clients "$TRASH/clients" "$@" &
	i=0
	while [ $i -lt 100 ] && ! grep -q '^listening on ' "$TRASH/serve.out"; do
		[ -f "$TRASH/serve.rc" ] && break
		sleep 0.05
		i=$((i + 1))
	done
	URL=$(sed -n '1s/^listening on //p' "$TRASH/serve.out")
	[ -n "$URL" ]
}

serve_stop() {
	kill "-${1:-TERM}" "$(cat "$TRASH/serve.pid")" 2>/dev/null
	i=0
	while [ $i -lt 100 ] && ! [ -s "$TRASH/serve.rc" ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if [ -s "$TRASH/serve.rc" ]; then
		SERVE_RC=$(cat "$TRASH/serve.rc")
	else
		kill -KILL "$(cat "$TRASH/serve.pid")" 2>/dev/null
		SERVE_RC=124
	fi
}

CURL="curl -s --max-time 10"

token() {
	$CURL -d grant_type=client_credentials -d client_id=cli -d client_secret=s3cret ${1:+-d "scope=$1"} \
		"$URL/oauth/token" | sed -n 's/.*"access_token":"\([0-9a-f]*\)".*/\1/p'
}

cds_post() {
	p=$1 f=$2
	shift 2
	$CURL -H "Accept: ${ACCEPT-application/vnd.hmrc.3.0+xml}" -H "Content-Type: ${CTYPE-application/xml; charset=UTF-8}" \
		-H "X-Badge-Identifier: ${BADGE-ABC123}" -H "Authorization: Bearer $TOKEN" --data-binary "@$f" "$@" "$URL$p"
}

pull() {
	$CURL -H 'Accept: application/vnd.hmrc.1.0+xml' -H "Authorization: Bearer $TOKEN" "$@"
}

# A schema of the tests' own (a Declaration holding its LRN, in a namespace
# of their own), and the catalog cat.xml naming it, in $TRASH.
serve_schema() {
	cat >"$TRASH/decl.xsd" <<'XSD'
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:tdk:test:decl"
           xmlns="urn:tdk:test:decl" elementFormDefault="qualified">
  <xs:element name="Declaration">
    <xs:complexType><xs:sequence>
      <xs:element name="FunctionalReferenceID" type="xs:string"/>
    </xs:sequence></xs:complexType>
  </xs:element>
</xs:schema>
XSD
	printf '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">\n<uri name="urn:tdk:test:decl" uri="%s/decl.xsd"/>\n' "$TRASH" >"$TRASH/cat.xml"
}

# Writes LRN.xml, a declaration of that LRN valid by serve_schema.
lrn() {
	printf '<Declaration xmlns="urn:tdk:test:decl"><FunctionalReferenceID>%s</FunctionalReferenceID></Declaration>\n' "$1" >"$1.xml"
}

# The function codes of conversation $1's unpulled notifications, in order, marking them pulled.
codes() {
	pull "$URL/notifications/conversationId/$1/unpulled" >list &&
	for id in $(sed -n 's/.*href="\/notifications\/unpulled\/\([0-9a-f-]*\)".*/\1/p' list); do
		pull "$URL/notifications/unpulled/$id" | sed -n 's/.*<FunctionCode>\(.*\)<\/FunctionCode>.*/\1/p'
	done | tr '\n' ' '
}

# The running example of a manual page, run by the test file its comment
# names (".\" tests/tNNNN-NAME.sh runs the block below"), so that page and
# program cannot drift: the literal block after that comment in man/$1,
# roff's \e made a backslash again, into block; its "$ " lines and their
# indented continuations into ex/example.sh, the other lines (the output it
# must print) into want.  ex/ holds cds-catalog.xml (serve_schema's) and
# declaration.xml of LRN $2.
man_example() {
	serve_schema
	echo '</catalog>' >>cat.xml
	mkdir -p ex && cp cat.xml ex/cds-catalog.xml && (cd ex && lrn "$2" && mv "$2.xml" declaration.xml) || return 1
	sed -n "/^\\.\\\\\" tests\\/$TEST_NAME\\.sh runs/,/^\\.Ed/p" "$REPO/man/$1" |
		sed -n '/^\.Bd -literal/,/^\.Ed/p' | sed '1d;$d;s/\\e/\\/g' >block
	awk '/^\$ / { sub(/^\$ /, ""); print; next } /^[ \t]/ { print }' block >ex/example.sh
	awk '!/^\$ / && !/^[ \t]/' block >want
	test -s ex/example.sh
}

# Runs ex/example.sh in ex/ (30 s at most) into ex/out; its status.
man_example_run() {
	(cd ex && timeout 30 sh example.sh >out 2>&1)
}

# What changes from run to run made constant: UUIDs, loopback ports, MRNs.
man_example_norm() {
	sed 's/[0-9a-f]\{8\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{12\}/UUID/g; s/127\.0\.0\.1:[0-9][0-9]*/127.0.0.1:PORT/g; s/MRN [0-9][0-9]GB[0-9A-Z]\{14\}/MRN M/g' "$@"
}

# Prints an endpoints-file section NAME for the tdk serve at BASE (default
# $URL) as the tests use it: the REST profile, client credentials of client
# 'cli', its secret in $TRASH/secret (written here, 0600); then each LINE
# (api-version, badge-id, catalog ... as the test needs them).
#   serve_endpoint NAME [BASE] [LINE ...]
serve_endpoint() {
	name=$1 base=${2:-$URL}
	shift
	[ $# -gt 0 ] && shift
	printf 's3cret\n' >"$TRASH/secret" && chmod 600 "$TRASH/secret"
	printf '[%s]\nprofile = rest\nurl = %s/customs/declarations\ngrant = client-credentials\n' "$name" "$base"
	printf 'token-url = %s/oauth/token\nclient-id = cli\nclient-secret-file = %s/secret\n' "$base" "$TRASH"
	for l in "$@"; do printf '%s\n' "$l"; done
}
