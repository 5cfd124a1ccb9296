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
# STYLE.md: files under 800 lines.  The files below are over it today and
# wait for their split; a file leaves the list when it is split, and no file
# joins it.
LONG_FILES="lib/edi/contrl.c lib/edi/dir-load.c lib/edi/dir.c lib/edi/json-read.c lib/edi/mig.c
lib/edi/parser.c lib/edi/xml-write.c"
test_expect_success 'source files are under 800 lines (lib/sign/verify.c among them)' '
	cd "$REPO" && for f in lib/*/*.[ch] cmd/*.[ch] tests/unit/*.[ch]; do
		case " $(echo $LONG_FILES) " in *" $f "*) continue ;; esac
		n=$(wc -l <"$f"); [ "$n" -lt 800 ] || { echo "$f: $n lines"; exit 1; }
	done
'
test_done
