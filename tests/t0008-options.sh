#!/bin/sh
# Options mean one thing across commands: unpack's extraction folder is
# --output-dir and its inflated total --max-total (the old names stay as
# documented aliases, accepted but neither in the synopsis nor offered by
# completion); -h is --help for every command; a mistyped command, dir
# subcommand or long option gets "did you mean", for close matches only.
. "$(dirname "$0")/lib.sh"

(cd "$SAMPLES" && tdk pack -o "$TRASH/plain.zip" invoice.txt) 2>/dev/null

test_expect_success 'unpack -C is --output-dir' '
	tdk unpack --output-dir a plain.zip && test -f a/invoice.txt
'
test_expect_success 'unpack --directory is still accepted, as an alias of --output-dir' '
	tdk unpack --directory b plain.zip && test -f b/invoice.txt &&
	tdk unpack --directory=c plain.zip && test -f c/invoice.txt
'
test_expect_code 1 'unpack --max-total bounds the inflated total: PACK-LIMIT-SIZE' '
	tdk unpack --max-total 10 -C d plain.zip 2>err; rc=$?; test_grep "[PACK-LIMIT-SIZE]" err || exit 99; exit $rc
'
test_expect_code 1 'unpack --max-size is its alias' '
	tdk unpack --max-size 10 -C e plain.zip 2>err; rc=$?; test_grep "[PACK-LIMIT-SIZE]" err || exit 99; exit $rc
'
test_expect_success 'verify takes --max-total, and --max-size as its alias' '
	tdk verify --help >out && test_grep "--max-total bytes" out &&
	tdk verify --max-total 1G --complete-options >/dev/null &&
	tdk verify --max-size 1G --complete-options >/dev/null
'
test_expect_success 'aliases are listed as such in --help, left out of the synopsis and the completion words' '
	tdk unpack --help >out &&
	grep -Eq -- "^ +--directory +alias of --output-dir$" out &&
	grep -Eq -- "^ +--max-size +alias of --max-total$" out &&
	head -1 out >usage && ! grep -q -- "--directory\|--max-size" usage &&
	tdk unpack --complete-options >words && ! grep -q -- "--directory\|--max-size" words &&
	tdk verify --complete-options >words && ! grep -q -- "--max-size" words
'
test_expect_success 'the man pages list the aliases' '
	grep -A2 "^\.It Fl \\\\-directory" "$REPO/man/tdk-unpack.1" | test_grep "An alias of" - &&
	grep -A2 "^\.It Fl \\\\-max-size" "$REPO/man/tdk-unpack.1" | test_grep "An alias of" - &&
	grep -A2 "^\.It Fl \\\\-max-size" "$REPO/man/tdk-verify.1" | test_grep "An alias of" -
'
test_expect_success 'dir takes -q' '
	tdk dir --complete-options >words && grep -q "^-q --quiet " words
'
for cmd in $(tdk --list-commands | cut -f1); do
	test_expect_success "tdk $cmd -h prints the help, as --help does" "
		tdk $cmd -h >out 2>err && test ! -s err && tdk $cmd --help >want && test_cmp want out
	"
done
test_expect_code 2 'a mistyped command: did you mean' '
	tdk valdate x.edi 2>err; rc=$?
	test_grep "tdk: '"'"'valdate'"'"' is not a tdk command; did you mean '"'"'validate'"'"'?" err || exit 99
	exit $rc
'
test_expect_code 2 'a mistyped long option: did you mean' '
	tdk convert --form xml x.edi 2>err; rc=$?
	test_grep "unknown option '"'"'--form'"'"'; did you mean '"'"'--from'"'"'?" err || exit 99
	exit $rc
'
test_expect_code 2 'validate --fromat: did you mean --format' '
	tdk validate --fromat json x.edi 2>err; rc=$?
	test_grep "did you mean '"'"'--format'"'"'?" err || exit 99
	exit $rc
'
test_expect_code 2 'a mistyped dir subcommand: did you mean' '
	tdk dir lsit 2>err; rc=$?
	test_grep "tdk dir: '"'"'lsit'"'"' is not a subcommand; did you mean '"'"'list'"'"'?" err || exit 99
	exit $rc
'
test_expect_code 2 'tdk help with a mistyped command: did you mean' '
	tdk help verfy 2>err; rc=$?; test_grep "did you mean '"'"'verify'"'"'?" err || exit 99; exit $rc
'
test_expect_code 2 'nothing is suggested for a word far from every name' '
	tdk frobnicate 2>err; rc=$?
	test_grep "is not a tdk command" err && ! grep -q "did you mean" err || exit 99
	tdk validate --zzzzzz x 2>err; [ $? -eq 2 ] || exit 98
	test_grep "unknown option" err && ! grep -q "did you mean" err || exit 97
	exit $rc
'
test_expect_code 2 'a control character in a mistyped word is quoted, not echoed' '
	tdk "$(printf "v\033[2Jx")" 2>err; rc=$?
	! grep -q "$(printf "\033")" err && test_grep "\\033" err || exit 99
	exit $rc
'
test_done
