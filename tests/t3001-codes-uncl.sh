#!/bin/sh
# tdk codes uncl: a code list of an installed UNTDID release (the fixture
# releases of tests/data/dir through -D or TDK_DIRECTORY_PATH, and D.96B
# from the corpus when present): one code, several, the whole list, JSON,
# a code marked for deletion, an unknown code with did you mean, a release
# that is not installed (3), a name that is no release (2).
. "$(dirname "$0")/lib.sh"

TAB=$(printf '\t')
FIX=$DATA/dir

test_expect_success 'one code and the whole list of a fixture release (-D)' '
	tdk codes -D "$FIX" uncl D18T 1001 2 >out 2>err &&
	printf "2${TAB}Goods declaration response\n" >want && test_cmp want out && test ! -s err &&
	tdk codes -D "$FIX" uncl D18T 1001 >out &&
	printf "1${TAB}Goods declaration\n2${TAB}Goods declaration response\n3${TAB}Goods status report\n4${TAB}Amended goods declaration\n9${TAB}Provisional declaration${TAB}marked for deletion\n" >want &&
	test_cmp want out
'
test_expect_success 'the search path finds the release, any spelling of its name; codes in any case' '
	TDK_DIRECTORY_PATH=$FIX tdk codes uncl d.18t 1153 cu aaa >out &&
	printf "CU${TAB}Consignor reference\nAAA${TAB}Declaration reference\n" >want && test_cmp want out
'
test_expect_success '--format json: one object per code' '
	tdk codes -D "$FIX" --format json uncl D18T 1001 9 4 >out &&
	cat >want <<-\EOT &&
	{"list":"uncl","release":"D18T","element":"1001","code":"9","name":"Provisional declaration","marked_for_deletion":true}
	{"list":"uncl","release":"D18T","element":"1001","code":"4","name":"Amended goods declaration","marked_for_deletion":false}
	EOT
	test_cmp want out
'
test_expect_code 1 'an unknown code: exit 1 with the codes one typo away' '
	tdk codes -D "$FIX" uncl D18T 1153 ABX 2 >out 2>err; rc=$?
	test_grep "tdk codes: '\''ABX'\'' is not a code of list 1153 in D18T; did you mean '\''ABT'\''?" err &&
	test ! -s out || exit 99
	exit $rc
'
test_expect_code 1 'a list the release does not have: exit 1' '
	tdk codes -D "$FIX" uncl D18T 9999 2>err; rc=$?
	test_grep "release D18T has no code list '\''9999'\''" err || exit 99
	exit $rc
'
test_expect_code 3 'a release that is not installed: exit 3, how to install it' '
	TDK_DIRECTORY_PATH=$FIX tdk codes uncl D03B 1001 >out 2>err; rc=$?
	test_grep "release D03B is not installed" err && test_grep "tdk dir install d03b.zip" err && test ! -s out || exit 99
	exit $rc
'
test_expect_code 2 'a name that is no release is a usage error, quoted' '
	tdk codes uncl "$(printf "D\033x")" 1001 2>err; rc=$?
	test_grep "'\''\"D\\033x\"'\'' is not a UNTDID release name" err || exit 99
	exit $rc
'
test_expect_code 2 'uncl without an element is a usage error' '
	tdk codes -D "$FIX" uncl D18T 2>err; rc=$?
	test_grep "usage: tdk codes uncl release element" err || exit 99
	exit $rc
'
test_expect_success '-q: nothing on either stream, the exit status tells' '
	tdk codes -q -D "$FIX" uncl D18T 1001 2 >out 2>err && test ! -s out && test ! -s err &&
	{ tdk codes -q -D "$FIX" uncl D18T 1001 7 >out 2>err; test $? -eq 1; } && test ! -s out && test ! -s err &&
	{ tdk codes -q uncl D03B 1001 >out 2>err; test $? -eq 3; } && test ! -s out && test ! -s err
'
test_expect_code 1 'a 128 KiB code is not echoed' '
	tdk codes -D "$FIX" uncl D18T 1001 "$(perl -e "print q{9} x 131071")" 2>err; rc=$?
	test_grep "a word of 131071 bytes is not a code of list 1001" err && test "$(wc -c <err)" -lt 200 || exit 99
	exit $rc
'
test_expect_success 'completion offers the installed releases after uncl' '
	tdk --complete codes -D "$FIX" uncl >out && grep -qx D18T out && grep -qx D96T out &&
	TDK_DIRECTORY_PATH=$FIX tdk --complete codes uncl >out && grep -qx D18T out &&
	tdk --complete codes >out && grep -qx uncl out
'
if [ -d "$DIRECTORIES/d96b" ]; then
	test_expect_success 'D.96B from the corpus: 1001 830 and the service list 0085' '
		TDK_DIRECTORY_PATH=$DIRECTORIES tdk codes uncl D96B 1001 830 >out &&
		printf "830${TAB}Goods declaration for exportation\n" >want && test_cmp want out &&
		TDK_DIRECTORY_PATH=$DIRECTORIES tdk codes uncl D96B 0085 | grep -q "^11${TAB}Password invalid$" &&
		test "$(TDK_DIRECTORY_PATH=$DIRECTORIES tdk codes uncl D96B 1001 | wc -l)" -eq 340
	'
else
	test_skip 'D.96B from the corpus' "no UNTDID release at $DIRECTORIES"
fi
test_done
