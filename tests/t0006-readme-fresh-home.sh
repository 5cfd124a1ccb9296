#!/bin/sh
# Every shell example of the README runs as written, in order, from the top
# of a source tree, for a user whose HOME holds nothing of tdk's: no release
# installed, no cache, no catalog.  The public corpus lies beside the tree
# (../shared/corpus), as the README says; the examples that need it are
# skipped with the reason when it is absent.  An example on a "broken"
# sample must exit 1, every other one 0.
. "$(dirname "$0")/lib.sh"

# The tree: the samples (the examples write beside them, never into the
# repository) and the corpus beside it, read in place through a link.
mkdir -p tree home shared && cp -r "$REPO/samples" tree/ || exit 1
[ -d "$TDK_CORPUS" ] && ln -s "$TDK_CORPUS" shared/corpus
HOME=$TRASH/home
export HOME
unset XDG_DATA_HOME XDG_CACHE_HOME XDG_CONFIG_HOME TDK_DIRECTORY_PATH TDK_CATALOG

# Indented lines that run tdk, with or without a "$ " prompt: the code blocks.
# (An output line such as "tdk dir: ..." is no command: a command word follows "tdk ".)
sed -n 's/^    \$ \(tdk .*\)$/\1/p; s/^    \(tdk [a-z][a-z]* .*\)$/\1/p' "$REPO/README.md" >examples
test_expect_success 'the README has shell examples, among them a release install and dir show' '
	test_grep "tdk dir install ../shared/corpus/" examples &&
	test_grep "tdk dir show D96B CUSDEC" examples
'
while IFS= read -r line; do
	# broken samples are invalid, a rejection explained exits 1 (tdk-explain(1))
	case $line in *broken*|"tdk explain "*) want=1 ;; *) want=0 ;; esac
	case $line in *../shared/*|*[Dd]96[AaBb]*)
		if [ ! -d "$DIRECTORIES/d96b" ]; then
			test_skip "README example: $line" "no UNTDID release at $DIRECTORIES"
			continue
		fi
	esac
	test_expect_code $want "README example on a fresh HOME: $line" "cd '$TRASH/tree' && { $line; } >out 2>err"
done <examples
test_expect_success 'nothing was written outside the tree and HOME' '
	test ! -e "$TRASH/.data/tdk" && test ! -e "$TDK_CORPUS/edifact/directories/d96a.zip"
'
test_done
