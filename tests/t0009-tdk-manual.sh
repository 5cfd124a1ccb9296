#!/bin/sh
# tdk(1) and `tdk --help` describe the suite as it is: every command in the
# command list and in SEE ALSO, a NAME that is not EDIFACT only, exit 5 as
# the key, certificate or trust setup error that sign, verify and pack give,
# and validate as the checker of XML documents too.
. "$(dirname "$0")/lib.sh"

M=$REPO/man/tdk.1
render() { mandoc -T ascii "$1" | sed 's/.\x08//g'; }

for cmd in $(tdk --list-commands | cut -f1); do
	test_expect_success "tdk(1) lists $cmd among the commands and in SEE ALSO" "
		awk '/^\\.Sh DESCRIPTION/ { on = 1 } /^\\.Ss / { on = 0 } on' '$M' | grep -qx '\\.It Cm $cmd' &&
		awk '/^\\.Sh SEE ALSO/ { on = 1; next } /^\\.Sh / { on = 0 } on' '$M' | grep -q '^\\.Xr tdk-$cmd 1'
	"
done
test_expect_success 'tdk(1) NAME covers XML as well as UN/EDIFACT' '
	grep "^\.Nd " "$M" >nd && test_grep "EDIFACT" nd && test_grep "XML" nd
'
test_expect_success 'tdk(1) says what exit 5 is and which commands give it' '
	render "$M" | awk "/^EXIT STATUS/ { on = 1 } /^EXAMPLES/ { on = 0 } on" | tr -s " \n" "  " >exit &&
	test_grep "5 Key, certificate or trust setup error" exit &&
	test_grep "(sign, verify, pack)" exit &&
	! grep -q "trust setup error (not used" exit
'
test_expect_success 'tdk --help describes validate as checking XML too, and lists dir' '
	tdk --help >out &&
	grep "^  validate " out | test_grep "XML" - &&
	grep -q "^  dir " out
'
test_expect_success 'tdk(1) documents --complete, which the completions use' '
	grep -q "^\.It Fl \\\\-complete Ar command" "$M" &&
	grep -q -- "--complete \"\$cmd\"" "$REPO/completions/tdk.bash"
'
test_done
