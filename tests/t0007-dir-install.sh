#!/bin/sh
# tdk dir on a fresh HOME: an empty list says where it looked and how to add
# a release; install takes a release folder as well as a zip, checks it the
# same way before writing anything, and replaces the release's other form;
# -q silences dir; completion offers dir's subcommands and the releases found.
. "$(dirname "$0")/lib.sh"

UDIR=$XDG_DATA_HOME/tdk/directories

test_expect_success 'an empty dir list: nothing on stdout, where it looked and how to add one on stderr, exit 0' '
	tdk dir list >out 2>err &&
	test ! -s out &&
	test_grep "no UNTDID release found; looked in:" err &&
	test_grep "  $UDIR" err &&
	test_grep "tdk dir install PATH" err
'
test_expect_success 'the same with -D names only that folder' '
	mkdir empty && tdk dir -D empty list >out 2>err && test ! -s out &&
	test_grep "  empty" err && ! grep -q "$UDIR" err
'
test_expect_success 'an empty JSON list is [] with the note on stderr' '
	tdk dir --format json list >out 2>err && echo "[]" >want && test_cmp want out && test_grep "looked in" err
'
test_expect_success 'dir -q: the note is silenced, exit 0' '
	tdk dir -q list >out 2>err && test ! -s out && test ! -s err
'
test_expect_code 3 'dir -q: a missing release exits 3 and says nothing' '
	tdk dir -q show D96B CUSDEC 2>err; rc=$?; test ! -s err || exit 99; exit $rc
'
test_expect_code 3 'install of a folder that holds no release: exit 3, EDI-DIR-RELEASE, nothing written' '
	mkdir notrel && echo hello >notrel/README.TXT &&
	tdk dir install notrel 2>err; rc=$?
	test_grep "[EDI-DIR-RELEASE]" err && test_grep "is not a usable UNTDID release" err || exit 99
	test ! -e "$UDIR/notrel" && test -z "$(ls -A "$UDIR" 2>/dev/null)" || exit 98
	exit $rc
'
if [ -d "$DIRECTORIES/d96a" ] && [ -d "$DIRECTORIES/d96b" ]; then
	test_expect_success 'install of a release folder copies it unchanged as dNNx/' '
		tdk dir install "$DIRECTORIES/d96a" >out 2>err &&
		test_grep "installed D96A (" out && test_grep "as $UDIR/d96a" out &&
		diff -r "$DIRECTORIES/d96a" "$UDIR/d96a" &&
		test -z "$(ls -A "$UDIR" | grep "^\.")"
	'
	test_expect_success 'the installed folder is found: dir list, dir show' '
		tdk dir list >out && test_grep "D96A  $UDIR/d96a" out &&
		tdk dir show D96A INVOIC >out && test_grep "INVOIC D96A" out
	'
	test_expect_success 'installing the zip of the same release replaces the folder' '
		(cd "$DIRECTORIES/d96a" && zip -q -X -r "$TRASH/d96a.zip" .) &&
		tdk dir install d96a.zip >out && test -f "$UDIR/d96a.zip" && test ! -e "$UDIR/d96a" &&
		tdk dir list >out && test_grep "D96A  $UDIR/d96a.zip" out
	'
	test_expect_success 'and the folder again replaces the zip' '
		tdk dir install "$DIRECTORIES/d96a" >out && test -d "$UDIR/d96a" && test ! -e "$UDIR/d96a.zip"
	'
	test_expect_success 'a folder installed over itself stays whole' '
		tdk dir install "$UDIR/d96a" >out && diff -r "$DIRECTORIES/d96a" "$UDIR/d96a"
	'
	test_expect_code 1 'a folder of several releases is refused: EDI-DIR-BROKEN, nothing written' '
		tdk dir install "$DIRECTORIES" 2>err; rc=$?
		test_grep "[EDI-DIR-BROKEN]" err || exit 99
		test "$(ls -A "$UDIR")" = d96a || exit 98
		exit $rc
	'
	test_expect_code 3 'a data directory that cannot be made: exit 3, named, the installed release kept' '
		echo x >afile &&
		XDG_DATA_HOME=$TRASH/afile/data tdk dir install "$DIRECTORIES/d96b" 2>err; rc=$?
		test_grep "tdk dir: cannot create '"'"'$TRASH/afile/data/tdk/directories'"'"'" err || exit 99
		test "$(ls -A "$UDIR")" = d96a || exit 98
		exit $rc
	'
	test_expect_success 'completion: tdk --complete dir show lists the releases found' '
		tdk --complete dir show >out && echo D96A >want && test_cmp want out &&
		tdk --complete dir -D "$DIRECTORIES" xsd >out && test_grep D96B out && test_grep D01B out
	'
	if command -v zsh >/dev/null 2>&1; then
		# The completion system itself is stubbed: what is checked is what _tdk_operands asks the binary.
		test_expect_success 'zsh completion of tdk dir offers the subcommands and the installed releases' '
			zsh -f -c "
				_call_program() { shift; eval \"\$@\"; }
				compadd() { [[ \$1 == -a ]] && print -l -- \${(P)2}; }
				_files() { print FILES; }
				_arguments() { :; }; _describe() { :; }; _values() { :; }
				words=(tdk dir \"\"); CURRENT=3
				source \"$REPO/completions/_tdk\"
				tdk=tdk cmd=dir
				words=(dir \"\"); CURRENT=2; _tdk_operands
				words=(dir show D9); CURRENT=3; _tdk_operands
				words=(dir install x); CURRENT=3; _tdk_operands
			" >words &&
			printf "list\nshow\nxsd\ninstall\nD96A\nFILES\n" >want && test_cmp want words
		'
	else
		test_skip 'zsh completion of tdk dir' 'no zsh here'
	fi
	if command -v fish >/dev/null 2>&1; then
		test_expect_success 'fish completion of tdk dir offers the subcommands and the installed releases' '
			fish -c "source \"$REPO/completions/tdk.fish\"; complete -C \"tdk dir \"; complete -C \"tdk dir show D9\"" >words &&
			grep -qx show words && grep -qx install words && grep -qx D96A words
		'
	else
		test_skip 'fish completion of tdk dir' 'no fish here'
	fi
	test_expect_success 'completion: the messages of a release after show RELEASE' '
		tdk --complete dir show D96A >out && grep -qx INVOIC out
	'
	test_expect_success 'bash completion of tdk dir offers the installed releases' '
		bash -c ". \"$REPO/completions/tdk.bash\"; COMP_WORDS=(tdk dir show D9); COMP_CWORD=3; _tdk; printf \"%s\n\" \"\${COMPREPLY[@]}\"" >words &&
		echo D96A >want && test_cmp want words
	'
else
	test_skip 'installing release folders' "no UNTDID release at $DIRECTORIES"
fi
test_expect_success 'completion: tdk --complete dir lists the subcommands' '
	tdk --complete dir >out && printf "list\nshow\nxsd\ninstall\n" >want && test_cmp want out
'
test_expect_code 1 'completion: a file comes after install, and after a command without a completer' '
	tdk --complete dir install; [ $? -eq 1 ] || exit 99
	tdk --complete validate
'
test_expect_success 'bash completion of tdk dir offers its subcommands' '
	bash -c ". \"$REPO/completions/tdk.bash\"; COMP_WORDS=(tdk dir \"\"); COMP_CWORD=2; _tdk; printf \"%s\n\" \"\${COMPREPLY[@]}\"" >words &&
	printf "list\nshow\nxsd\ninstall\n" >want && test_cmp want words
'
test_expect_success 'zsh and fish completions load and ask the binary for operands' '
	grep -q -- "--complete" "$REPO/completions/_tdk" && grep -q -- "--complete" "$REPO/completions/tdk.fish" &&
	if command -v zsh >/dev/null 2>&1; then zsh -n "$REPO/completions/_tdk" || exit 1; fi &&
	if command -v fish >/dev/null 2>&1; then fish -n "$REPO/completions/tdk.fish" || exit 1; fi
'
test_done
