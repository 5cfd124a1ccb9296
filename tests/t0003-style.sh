#!/bin/sh
# House rules that a machine can check (STYLE.md): no banned functions, lib/
# neither prints nor exits, every command file starts with its paragraph, no
# machine-specific paths in tracked files.
. "$(dirname "$0")/lib.sh"

test_expect_success 'no banned functions (strcpy strcat sprintf vsprintf strtok atoi gets)' '
	! grep -nE "\b(strcpy|strcat|sprintf|vsprintf|strtok|atoi|gets)\s*\(" "$REPO"/lib/*/*.c "$REPO"/cmd/*.c
'
test_expect_success 'lib/ never prints nor exits' '
	! grep -nE "\b(printf|puts|fputs|fprintf|perror|exit|abort)\s*\(" "$REPO"/lib/*/*.c
'
test_expect_success 'every command file starts with a paragraph naming what it does' '
	for f in "$REPO"/cmd/*.c; do head -1 "$f" | grep -q "^/\*" || { echo "$f"; exit 1; }; done
'
test_expect_success 'no machine-specific paths in tracked files' '
	cd "$REPO" && ! git grep -nE "(^|[ \"'"'"'=(])/(work|home|root|farm)/" -- ":!*.md" ":!tests/t0003-style.sh" 2>/dev/null
'
test_done
