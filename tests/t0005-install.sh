#!/bin/sh
# make install: the installed tree works wherever it lands.  A binary built
# for the default PREFIX and installed under another one (or staged under
# DESTDIR, then moved) finds its shipped schemas beside itself (BINDIR/../
# share/tdk), `tdk help` shows its own manual pages, and the bash completion
# it installs completes with it.
. "$(dirname "$0")/lib.sh"

# Installs the binary under test, never rebuilding it: -o keeps it as it is.
inst() {
	make -s --no-print-directory -C "$REPO" -o "$TDK_BUILD/tdk" BUILD="$TDK_BUILD" "$@" install
}

# tdk's own EDIFACT XML (urn:tdk:edifact:1) is valid only against the schema tdk ships.
tdk convert -t xml "$SAMPLES/invoic-d96a.edi" >invoic.xml 2>/dev/null

test_expect_success 'make install PREFIX=... installs the binary, pages, schemas, completions' '
	inst PREFIX="$TRASH/a" DESTDIR= >out 2>&1 &&
	test -x a/bin/tdk && test -f a/share/tdk/xsd/catalog.xml &&
	test -f a/share/man/man1/tdk.1 && test -f a/share/man/man1/tdk-dir.1 &&
	test -f a/share/bash-completion/completions/tdk &&
	test -f a/share/zsh/site-functions/_tdk && test -f a/share/fish/vendor_completions.d/tdk.fish
'
test_expect_success 'the installed binary validates XML against the schema it ships' '
	"$TRASH/a/bin/tdk" validate invoic.xml >out 2>err &&
	! grep -q "no schema" err
'
test_expect_code 1 'and finds an invalid document invalid against that schema' '
	sed "s/<interchange/<nonsense/; s/<\/interchange>/<\/nonsense>/" invoic.xml >bad.xml &&
	"$TRASH/a/bin/tdk" validate bad.xml 2>err; rc=$?
	test_grep "[XML-XSD] element '"'"'{urn:tdk:edifact:1}nonsense'"'"'" err || exit 99
	exit $rc
'
test_expect_success 'tdk help shows the installed manual page, with no MANPATH set up' '
	MANPATH=/nonexistent "$TRASH/a/bin/tdk" help validate >out 2>err &&
	test_grep "TDK-VALIDATE(1)" out
'
test_expect_success 'man -l renders every installed page' '
	for p in a/share/man/man1/*.1; do
		man -l "$p" >out 2>err && test -s out && test ! -s err || { echo "$p"; cat err; exit 1; }
	done
'
test_expect_success 'man finds the pages through the installed MANPATH' '
	MANPATH="$TRASH/a/share/man" man -w tdk-dir >out && test_grep "a/share/man/man1/tdk-dir.1" out
'
test_expect_success 'the installed bash completion completes commands and options with the installed binary' '
	PATH="$TRASH/a/bin:/usr/bin:/bin" bash -c "
		. \"$TRASH/a/share/bash-completion/completions/tdk\"
		COMP_WORDS=(tdk val); COMP_CWORD=1; _tdk; printf \"%s\n\" \"\${COMPREPLY[@]}\"
		COMP_WORDS=(tdk validate --form); COMP_CWORD=2; _tdk; printf \"%s\n\" \"\${COMPREPLY[@]}\"
	" >words &&
	grep -qx validate words && grep -qx -- --format words
'
test_expect_success 'a DESTDIR install holds no trace of DESTDIR and works once moved' '
	inst PREFIX=/opt/tdk DESTDIR="$TRASH/stage" >out 2>&1 &&
	test -x stage/opt/tdk/bin/tdk &&
	mv stage/opt/tdk moved &&
	"$TRASH/moved/bin/tdk" validate invoic.xml >out 2>err && ! grep -q "no schema" err &&
	"$TRASH/moved/bin/tdk" validate bad.xml 2>err; [ $? -eq 1 ] && test_grep "[XML-XSD]" err
'
test_expect_success 'an installed tree with no schemas beside it says so, it does not crash' '
	rm -rf moved/share/tdk &&
	"$TRASH/moved/bin/tdk" validate invoic.xml >out 2>err; rc=$?
	[ $rc -le 1 ] && test_grep "XML-" err
'
test_done
