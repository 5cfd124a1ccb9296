#!/bin/sh
# The command-line contract every command keeps (DESIGN.md): --help on stdout
# with exit 0, --version, usage errors with exit 2 and the synopsis on
# stderr, the command list and option words the completions are built from.
. "$(dirname "$0")/lib.sh"

test_expect_success 'tdk --version names the version' '
	tdk --version >out && grep -q "^tdk [0-9][0-9.]*$" out
'
test_expect_success 'tdk --help lists every command' '
	tdk --help >out &&
	for c in $(tdk --list-commands | cut -f1); do grep -q "^  $c " out || exit 1; done
'
test_expect_code 2 'tdk without a command is a usage error' 'tdk'
test_expect_code 2 'an unknown command is a usage error' 'tdk frobnicate 2>err; rc=$?; grep -q "not a tdk command" err; exit $rc'

for cmd in $(tdk --list-commands | cut -f1); do
	test_expect_success "$cmd --help: usage on stdout, nothing on stderr, exit 0" "
		tdk $cmd --help >out 2>err &&
		head -1 out | grep -q '^usage: tdk $cmd' &&
		test ! -s err
	"
	test_expect_success "$cmd --version" "tdk $cmd --version | grep -q '^tdk '"
	test_expect_code 2 "$cmd: an unknown option is a usage error with the synopsis on stderr" "
		tdk $cmd --no-such-option >out 2>err; rc=\$?
		grep -q 'unknown option' err && grep -q '^usage: tdk $cmd' err && test ! -s out
		[ \$? -eq 0 ] || exit 99
		exit \$rc
	"
	test_expect_success "$cmd --complete-options gives the option words" "
		tdk $cmd --complete-options >out &&
		grep -q -- '--help' out &&
		awk 'NF != 4 { exit 1 }' out
	"
	test_expect_success "$cmd has a man page and bash completion offers its options" "
		test -f '$REPO/man/tdk-$cmd.1' &&
		bash -c '. \"$REPO/completions/tdk.bash\"; COMP_WORDS=(tdk $cmd --); COMP_CWORD=2; _tdk; printf \"%s\n\" \"\${COMPREPLY[@]}\"' >words &&
		grep -q -- '--help' words
	"
done

test_expect_success 'bash completion offers the commands' '
	bash -c ". \"$REPO/completions/tdk.bash\"; COMP_WORDS=(tdk con); COMP_CWORD=1; _tdk; printf \"%s\n\" \"\${COMPREPLY[@]}\"" >words &&
	grep -qx convert words
'
test_expect_success 'bash completion offers the choices of an option' '
	bash -c ". \"$REPO/completions/tdk.bash\"; COMP_WORDS=(tdk convert -t \"\"); COMP_CWORD=3; _tdk; printf \"%s\n\" \"\${COMPREPLY[@]}\"" >words &&
	grep -qx json words && grep -qx edifact words
'
test_expect_success 'zsh and fish completions exist' '
	test -s "$REPO/completions/_tdk" && test -s "$REPO/completions/tdk.fish"
'
test_expect_code 2 'a missing option value is a usage error' 'tdk convert -t'
test_expect_code 2 'a value outside the choices is a usage error' 'tdk convert -t yaml "$SAMPLES/invoic-d96a.edi"'
test_expect_code 2 'a malformed number is a usage error' 'tdk validate --max-errors 1x "$SAMPLES/invoic-d96a.edi"'
test_expect_code 2 'a malformed size is a usage error' 'tdk validate --max-segment-size 12Q "$SAMPLES/invoic-d96a.edi"'
test_expect_code 3 'a file that cannot be opened is exit 3' 'tdk validate no-such-file.edi'
test_expect_success 'clusters of short options and -- work' '
	tdk validate -qp -- "$SAMPLES/invoic-d96a.edi" >out && cmp out "$SAMPLES/invoic-d96a.edi"
'
test_expect_code 3 'a full disk is an error, not a silent success' '
	test -w /dev/full || exit 3
	tdk convert "$SAMPLES/invoic-d96a.edi" >/dev/full
'
test_expect_success 'tdk help COMMAND without a man page falls back to the built-in help' '
	MANPATH=/nonexistent PATH="$(dirname "$(command -v tdk)"):/nonexistent" tdk help validate >out 2>/dev/null &&
	grep -q "^usage: tdk validate" out
'
test_done
