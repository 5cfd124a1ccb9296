#!/bin/sh
# The manual: a page per command (and per file format, section 5), clean under groff and mandoc, a SYNOPSIS
# that matches the command's own usage line, every diagnostic code the
# source can raise documented, and every example in EXAMPLES runs against
# samples/ with the exit status it claims.
. "$(dirname "$0")/lib.sh"

M=$REPO/man
render() { mandoc -T ascii "$1" | sed 's/.\x08//g'; }

test_expect_success 'tdk(1) exists and is clean' "test -f $M/tdk.1"
for page in "$M"/*.1 "$M"/*.5; do
	test_expect_success "$(basename "$page"): groff -mdoc -ww -z reports nothing" "
		groff -mdoc -ww -z '$page' >out 2>&1 && test ! -s out
	"
	if command -v mandoc >/dev/null 2>&1; then
		test_expect_success "$(basename "$page"): mandoc -Tlint -W warning reports nothing" "
			mandoc -T lint -W warning '$page' >out 2>&1; test ! -s out
		"
	fi
done

for cmd in $(tdk --list-commands | cut -f1); do
	page=$M/tdk-$cmd.1
	test_expect_success "tdk-$cmd(1): the SYNOPSIS is the usage line of 'tdk $cmd --help'" "
		render '$page' | awk '/^SYNOPSIS/ { on = 1; next } /^[A-Z]/ { on = 0 } on' |
			tr -s ' \n' '  ' | sed 's/^ *//; s/ *\$//; \$a\\' >synopsis &&
		tdk $cmd --help | head -1 | sed 's/^usage: //' >usage &&
		test_cmp usage synopsis
	"
	test_expect_success "tdk-$cmd(1): EXIT STATUS, EXAMPLES and SEE ALSO sections" "
		grep -q '^\.Sh EXIT STATUS' '$page' && grep -q '^\.Sh EXAMPLES' '$page' && grep -q '^\.Sh SEE ALSO' '$page'
	"
done

test_expect_success 'every diagnostic code in the source is documented in a manual page' '
	grep -rhoE "\"(EDI|XML|JSON|TDK|SIGN|VERIFY|PACK|ASIC|CODES|WCO|MAP|CSV|COLMAP|HARM|EXPLAIN|ENDPOINT|JOURNAL|SERVE|SUBMIT|AUTH|HTTP|OAUTH|CDS|UPLOAD|POLL|NOTIFY|PULL|MIME|WSS|EBMS|PMODE|AS2|AS4)-[A-Z0-9-]+\"" "$REPO/lib" "$REPO/cmd" | tr -d "\"" | sort -u >codes &&
	missing=
	for c in $(cat codes); do grep -q -- "$c" "$REPO"/man/*.1 "$REPO"/man/*.5 || missing="$missing $c"; done
	[ -z "$missing" ] || { echo "undocumented:$missing"; exit 1; }
'

# Examples: ".Dl $ tdk ..." lines; a ".\" exit N" comment line just before
# one says the exit status it must end with (default 0).  They run in a
# scratch folder holding a copy of samples/ and xsd/, as a user would in the
# source tree, so that the files they write land there.
cp -r "$REPO/samples" "$REPO/xsd" "$TRASH/"
# Examples that need a UNTDID release find the corpus releases on the search
# path, and d96a.zip and d96b.zip made from their members as UNECE ships them.
if [ -d "$DIRECTORIES/d96b" ]; then
	TDK_DIRECTORY_PATH=$DIRECTORIES
	export TDK_DIRECTORY_PATH
	for r in d96a d96b; do
		(cd "$DIRECTORIES/$r" && zip -q -X "$TRASH/$r.zip" ./*) || exit 1
	done
fi

for page in "$M"/*.1 "$M"/*.5; do
	awk '/^\.\\" exit [0-9]+/ { want = $3; next }
	     /^\.Dl \$ / { sub(/^\.Dl \$ /, ""); print (want == "" ? 0 : want) "\t" $0; want = ""; next }
	     { want = "" }' "$page" | sed 's/\\e/\\/g; s/\\-/-/g; s/\\(aq/'"'"'/g' >examples.$$
	while IFS="$(printf '\t')" read -r want line; do
		case $line in *[Dd]96[AaBb]*)
			if [ ! -d "$DIRECTORIES/d96b" ]; then
				test_skip "$(basename "$page") example: $line" "no UNTDID release at $DIRECTORIES"
				continue
			fi
		esac
		test_expect_code "$want" "$(basename "$page") example: $line" "cd '$TRASH' && $line >/dev/null 2>&1"
	done <examples.$$
	rm -f examples.$$
done

# The README examples run in t0006, as written, on a fresh HOME.
test_done
