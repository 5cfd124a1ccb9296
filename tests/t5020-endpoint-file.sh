#!/bin/sh
# The endpoints file (lib/net/endpoint.c) through tdk endpoint list and show:
# the complete example of tdk-endpoint(1) read back setting by setting, where
# the file is found, "~/" and relative file names, and every fault with its
# file:line:col and ENDPOINT-* code (exit 2), the whole file refused.
. "$(dirname "$0")/lib.sh"

HOME=$TRASH/home
unset TDK_ENDPOINTS XDG_CONFIG_HOME
export HOME
mkdir -p "$HOME"
TAB=$(printf '\t')
# A valid rest endpoint of seven lines; faults are appended from line 8.
REST='[e]\nprofile = rest\nurl = https://a.example/x\ngrant = client-credentials\ntoken-url = https://a.example/t\nclient-id = c\nclient-secret-env = S\n'

test_expect_success 'list: the complete example, name, profile and URL' '
	tdk endpoint --endpoints "$SAMPLES/endpoints" list >out 2>err && test ! -s err &&
	cat >want <<-EOT &&
	cds-sandbox${TAB}rest${TAB}https://test-api.service.hmrc.gov.uk/customs/declarations
	local${TAB}rest${TAB}http://127.0.0.1:8443/customs/declarations
	ics2-ap${TAB}as4${TAB}https://ap.example/msh
	port-sw${TAB}as2${TAB}https://sw.example/as2
	EOT
	test_cmp want out &&
	tdk endpoint --endpoints "$SAMPLES/endpoints" list --format json >out &&
	sed -n 3p out >got && echo "{\"name\":\"ics2-ap\",\"profile\":\"as4\",\"url\":\"https://ap.example/msh\"}" >want &&
	test_cmp want got
'
test_expect_success 'show: every setting, file names resolved, defaults marked, the Accept header' '
	mkdir -p conf && cp "$SAMPLES/endpoints" conf/ep &&
	tdk endpoint --endpoints conf/ep show cds-sandbox >out &&
	test_grep "catalog = conf/../xsd/catalog.xml" out &&
	test_grep "rules = conf/wco-declaration.sch" out &&
	test_grep "client-secret-env = TDK_CDS_SECRET (not set)" out &&
	test_grep "# Accept: application/vnd.hmrc.1.0+xml" out &&
	test_grep "# conf/ep:4" out && test "$(grep -c " = " out)" -eq 19 &&
	tdk endpoint --endpoints conf/ep show port-sw >out &&
	test_grep "key = $HOME/.config/tdk/broker.p12" out && test_grep "timeout = 30 (default)" out &&
	test_grep "mdn = signed-sync" out && ! grep -q "^badge-id" out
'
test_expect_success 'show --format json' '
	tdk endpoint --endpoints "$SAMPLES/endpoints" show --format json ics2-ap >out &&
	test "$(wc -l <out)" -eq 1 &&
	test_grep "\"settings\":{\"profile\":\"as4\",\"url\":\"https://ap.example/msh\",\"timeout\":30," out &&
	test_grep "\"client_secret\":{\"source\":\"none\",\"state\":\"none\"},\"accept\":null}" out
'
test_expect_success 'where the file is found: TDK_ENDPOINTS, XDG_CONFIG_HOME, ~/.config' '
	mkdir -p "$HOME/.config/tdk" x/tdk && printf "$REST" >"$HOME/.config/tdk/endpoints" &&
	printf "$REST" | sed s/e]/x]/ >x/tdk/endpoints && printf "$REST" | sed s/e]/t]/ >t.ep &&
	tdk endpoint list | cut -f1 >out && echo e >want && test_cmp want out &&
	XDG_CONFIG_HOME=$TRASH/x tdk endpoint list | cut -f1 >out && echo x >want && test_cmp want out &&
	XDG_CONFIG_HOME=$TRASH/x TDK_ENDPOINTS=t.ep tdk endpoint list | cut -f1 >out && echo t >want &&
	test_cmp want out
'
test_expect_code 2 'no endpoints file: ENDPOINT-NO-FILE, exit 2' '
	tdk endpoint --endpoints nothing list >out 2>err; rc=$?
	test_grep "nothing: error: [ENDPOINT-NO-FILE] no endpoints file" err && test ! -s out || exit 99
	exit $rc
'
test_expect_code 2 'an endpoint the file does not name: exit 2 with did you mean' '
	tdk endpoint --endpoints "$SAMPLES/endpoints" show locl 2>err; rc=$?
	test_grep "did you mean '\''local'\''?" err || exit 99
	exit $rc
'

# bad DESCRIPTION TEXT WANT: the file TEXT (printf format) is refused with exit 2, the
# diagnostic WANT on stderr and nothing on stdout.
bad() {
	BAD_TEXT=$2 BAD_WANT=$3
	test_expect_success "$1" '
		printf "$BAD_TEXT" >ep && { tdk endpoint --endpoints ep list >out 2>err; test $? -eq 2; } &&
		test_grep "$BAD_WANT" err && test ! -s out
	'
}
bad 'a line that is no setting' "$REST"'just words\n' 'ep:8:6: error: [ENDPOINT-SYNTAX] expected'
bad 'a setting without key' "$REST"' = x\n' 'ep:8:2: error: [ENDPOINT-SYNTAX] a setting has no key'
bad 'a header without ]' '[e\n' 'ep:1:1: error: [ENDPOINT-SYNTAX] a section header has no closing'
bad 'text after a header' '[e] x\n' 'ep:1:5: error: [ENDPOINT-SYNTAX] text after a section header'
bad 'a control character' "$REST"'scope = a\001b\n' 'ep:8:10: error: [ENDPOINT-SYNTAX] control character 0x01'
bad 'an empty name' '[]\n' 'ep:1:2: error: [ENDPOINT-NAME]'
bad 'a name with a blank' '[a b]\n' 'ep:1:2: error: [ENDPOINT-NAME]'
bad 'a setting outside any section' 'url = https://a.example/\n' 'ep:1:1: error: [ENDPOINT-OUTSIDE]'
bad 'an unknown key' "$REST"'  urll = https://a.example/\n' "ep:8:3: error: [ENDPOINT-UNKNOWN-KEY] unknown key 'urll'"
bad 'a key of another profile' "$REST"'as2-to = X\n' "ep:8:1: error: [ENDPOINT-PROFILE-KEY] 'as2-to' is not a key of profile rest"
bad 'a key twice' "$REST"'client-id = d\n' "ep:8:1: error: [ENDPOINT-DUP-KEY] 'client-id' is set twice in endpoint 'e' (first at line 6)"
bad 'a section twice' "$REST$REST" "ep:8:1: error: [ENDPOINT-DUP-SECTION] endpoint 'e' is defined twice (first at line 1)"
bad 'no profile' '[e]\nurl = https://a.example/\n' "ep:1:1: error: [ENDPOINT-MISSING] endpoint 'e' has no profile"
bad 'an unknown profile' '[e]\nprofile = soap\n' "ep:2:11: error: [ENDPOINT-VALUE] profile must be one of rest, as4, as2, not 'soap'"
bad 'a required key missing' '[e]\nprofile = as2\nurl = https://a.example/\n' "ep:1:1: error: [ENDPOINT-MISSING] endpoint 'e' (profile as2) has no as2-from"
bad 'authorization code without authorize-url' "$(printf "$REST" | sed 's/ client-credentials/ authorization-code/')"'\n' 'ep:4:9: error: [ENDPOINT-MISSING] grant authorization-code needs authorize-url'
bad 'client credentials without a secret' "$(printf "$REST" | sed '/secret/d')"'\n' 'ep:1:1: error: [ENDPOINT-MISSING] endpoint '"'e'"' uses the client-credentials grant'
bad 'two secret sources' "$REST"'client-secret-fd = 3\n' 'ep:1:1: error: [ENDPOINT-CONFLICT]'
bad 'client-cert without client-key' "$REST"'client-cert = c.pem\n' 'has client-cert without client-key'
bad 'a word not in the list' "$REST"'notifications-grant = implicit\n' 'ep:8:23: error: [ENDPOINT-VALUE] notifications-grant must be one of authorization-code|client-credentials'
bad 'as2 encrypt is a cipher' '[p]\nprofile = as2\nurl = https://a.example/\nas2-from = A\nas2-to = B\nkey = k\npartner-cert = c\nencrypt = yes\n' 'ep:8:11: error: [ENDPOINT-VALUE] encrypt must be one of none|aes128-cbc'
bad 'as4 encrypt is yes or no' '[p]\nprofile = as4\nurl = https://a.example/\nfrom-party = A\nto-party = B\nservice = s\naction = a\nkey = k\npartner-cert = c\nencrypt = aes256-cbc\n' 'ep:10:11: error: [ENDPOINT-VALUE] encrypt must be one of yes|no'
bad 'an async MDN without mdn-url' '[p]\nprofile = as2\nurl = https://a.example/\nas2-from = A\nas2-to = B\nkey = k\npartner-cert = c\nmdn = signed-async\n' 'ep:8:7: error: [ENDPOINT-MISSING] mdn signed-async needs mdn-url'
bad 'an empty value' "$REST"'scope =  \n' "ep:8:10: error: [ENDPOINT-VALUE] 'scope' has an empty value"
bad 'a bad api-version' "$REST"'api-version = v1\n' "ep:8:15: error: [ENDPOINT-VALUE] api-version must be a version"
bad 'a bad variable name' "$(printf "$REST" | sed 's/= S$/= 1X/')"'\n' 'ep:7:21: error: [ENDPOINT-VALUE] client-secret-env must name'
bad 'a number with a sign' "$REST"'timeout = -1\n' "ep:8:11: error: [ENDPOINT-NUMBER] timeout must be a whole number from 1 to 86400, not '-1'"
bad 'a number out of range' "$REST"'retries = 101\n' "ep:8:11: error: [ENDPOINT-NUMBER] retries must be a whole number from 0 to 100"
bad 'a huge number' "$REST"'connect-timeout = 99999999999999999999\n' 'ep:8:19: error: [ENDPOINT-NUMBER]'
bad 'http off the loopback' "$REST"'notifications-url = http://a.example/n\n' 'ep:8:21: error: [ENDPOINT-URL] notifications-url must be https'
bad 'http to a name that begins 127.' "$REST"'notifications-url = http://127.example.com/n\n' 'ep:8:21: error: [ENDPOINT-URL] notifications-url must be https'
bad 'another scheme' "$(printf "$REST" | sed 's|url = https|url = ftp|')"'\n' 'ep:3:7: error: [ENDPOINT-URL] url must be https'
bad 'not a URL' "$REST"'file-upload-url = https://\n' 'ep:8:19: error: [ENDPOINT-URL] file-upload-url is not a URL'
bad 'credentials in a URL' "$REST"'file-upload-url = https://me:pw@a.example/\n' 'ep:8:19: error: [ENDPOINT-URL] file-upload-url carries a user name'
bad '~user in a file name' "$REST"'ca-file = ~root/ca.pem\n' "ep:8:11: error: [ENDPOINT-PATH] '~user' is not expanded"

test_expect_success 'http on the loopback is taken: 127.0.0.0/8, [::1], localhost' '
	printf "$REST" | sed -e "s|https://a.example/x|http://127.0.0.1:8080/x|" -e "s|https://a.example/t|http://127.1.2.3/t|" >ep &&
	printf "notifications-url = http://[::1]:1/n\nfile-upload-url = http://LocalHost/u\n" >>ep &&
	tdk endpoint --endpoints ep list >out && test_grep "http://127.0.0.1:8080/x" out
'
test_expect_success 'every fault of a file is reported, and none of its endpoints is listed' '
	printf "[a]\nprofile = rest\nbogus = 1\n[a]\nx\n" >ep &&
	{ tdk endpoint --endpoints ep list >out 2>err; test $? -eq 2; } && test ! -s out &&
	test_grep "ep:3:1: error: [ENDPOINT-UNKNOWN-KEY]" err && test_grep "ep:4:1: error: [ENDPOINT-DUP-SECTION]" err &&
	test_grep "ep:5:2: error: [ENDPOINT-SYNTAX]" err && test_grep "ep:1:1: error: [ENDPOINT-MISSING]" err
'
test_expect_success 'comments, blank lines, CRLF, a BOM, blanks around = and values that hold # and ;' '
	printf "\357\273\277# c\r\n; c\r\n\r\n  [e]  \r\n\tprofile=rest\r\n" >ep &&
	printf "$REST" | sed 1,2d | sed "s/\$/\r/" >>ep &&
	printf "scope = read:a #b ;c \r\n" >>ep &&
	tdk endpoint --endpoints ep show e >out && test_grep "scope = read:a #b ;c" out &&
	test_grep "url = https://a.example/x" out && ! grep -q "$(printf "\r")" out
'
test_expect_success 'limits: a line over 4096 bytes, over 1024 sections, a file over 1 MiB' '
	{ printf "$REST" && printf "scope = %05000d\n" 0; } >ep &&
	{ tdk endpoint --endpoints ep list 2>err; test $? -eq 2; } && test_grep "ep:8:4097: error: [ENDPOINT-LIMIT]" err &&
	awk "BEGIN { for (i = 0; i < 1025; i++) printf \"[s%d]\\nprofile = as2\\nurl = https://a.example/\\nas2-from = A\\nas2-to = B\\nkey = k\\npartner-cert = c\\n\", i }" >ep &&
	{ tdk endpoint --endpoints ep list 2>err; test $? -eq 2; } && test_grep "ep:7169:1: error: [ENDPOINT-LIMIT] more than 1024" err &&
	head -c 1048577 /dev/zero | tr "\0" "#" >ep &&
	{ tdk endpoint --endpoints ep list 2>err; test $? -eq 2; } && test_grep "[ENDPOINT-LIMIT] the endpoints file is larger" err
'
test_expect_code 2 'usage: an unknown subcommand, a missing name' '
	tdk endpoint lst 2>err; rc=$?
	test_grep "did you mean '\''list'\''?" err && { tdk endpoint show 2>err; test $? -eq 2; } || exit 99
	exit $rc
'
test_done
