#!/bin/sh
# tdk codes country / currency: ISO 3166-1 and ISO 4217 from Debian's
# iso-codes JSON files read at run time; any form of a code in any case,
# the canonical entry in text or JSON, exit 1 with "did you mean" for an
# unknown code, exit 3 when the list is missing or broken (files written
# here and named through TDK_ISO_CODES_DIR), hostile words on the command line.
. "$(dirname "$0")/lib.sh"

ISO=/usr/share/iso-codes/json
TAB=$(printf '\t')

if [ -r "$ISO/iso_3166-1.json" ] && [ -r "$ISO/iso_4217.json" ]; then
	test_expect_success 'a country by alpha-2, alpha-3 and numeric code, any case' '
		printf "DE${TAB}DEU${TAB}276${TAB}Germany\n" >want &&
		for w in DE de DEU deu Deu 276; do
			tdk codes country "$w" >out 2>err && test_cmp want out && test ! -s err || exit 1
		done
	'
	test_expect_success 'a numeric code without its leading zeros' '
		tdk codes country 4 >out && printf "AF${TAB}AFG${TAB}004${TAB}Afghanistan\n" >want && test_cmp want out
	'
	test_expect_success 'a currency by either code, any case' '
		printf "EUR${TAB}978${TAB}Euro\n" >want &&
		for w in EUR eur 978; do tdk codes currency "$w" >out && test_cmp want out || exit 1; done
	'
	test_expect_success '--format json: one object per entry, official_name null when there is none' '
		tdk codes --format json country deu aw >out &&
		cat >want <<-\EOT &&
		{"list":"country","code":"DE","alpha3":"DEU","numeric":"276","name":"Germany","official_name":"Federal Republic of Germany"}
		{"list":"country","code":"AW","alpha3":"ABW","numeric":"533","name":"Aruba","official_name":null}
		EOT
		test_cmp want out &&
		tdk codes --format json currency eur >out &&
		echo "{\"list\":\"currency\",\"code\":\"EUR\",\"numeric\":\"978\",\"name\":\"Euro\"}" >want &&
		test_cmp want out
	'
	test_expect_success 'the whole list: every entry of the file, each line JSON' '
		tdk codes --format json country >out &&
		perl -MJSON::PP -e "my \$n = 0; while (<STDIN>) { decode_json(\$_); \$n++ }
			local \$/; open my \$f, q{<}, q{$ISO/iso_3166-1.json} or die;
			my \$all = decode_json(<\$f>)->{q{3166-1}}; exit(\$n == @\$all ? 0 : 1)" <out &&
		tdk codes currency >out && test "$(wc -l <out)" -gt 100
	'
	test_expect_code 1 'an unknown country: exit 1, the codes one typo away, nothing on stdout' '
		tdk codes country DX >out 2>err; rc=$?
		test_grep "tdk codes: '\''DX'\'' is not a country code of ISO 3166-1; did you mean '\''DE'\''" err &&
		test ! -s out || exit 99
		exit $rc
	'
	test_expect_code 1 'an unknown currency with a close one' '
		tdk codes currency euo 2>err; rc=$?
		test_grep "did you mean '\''EUR'\''?" err || exit 99
		exit $rc
	'
	test_expect_code 1 'several codes: every one answered, exit 1 when one is missing' '
		tdk codes country fr zz gb >out 2>err; rc=$?
		printf "FR${TAB}FRA${TAB}250${TAB}France\nGB${TAB}GBR${TAB}826${TAB}United Kingdom\n" >want &&
		test_cmp want out && test_grep "'\''zz'\'' is not" err || exit 99
		exit $rc
	'
	test_expect_success '-q: the exit status alone' '
		tdk codes -q country GB >out 2>err && test ! -s out && test ! -s err &&
		{ tdk codes -q country XY >out 2>err; test $? -eq 1; } && test ! -s out && test ! -s err
	'
	test_expect_code 1 'a code with control characters is quoted, never written raw' '
		tdk codes country "$(printf "D\033[2JE\nx")" >out 2>err; rc=$?
		test_grep "'\''\"D\\033[2JE\\nx\"'\'' is not" err &&
		! grep -q "$(printf "\033")" err && test "$(wc -l <err)" -eq 1 || exit 99
		exit $rc
	'
	test_expect_code 1 'a 128 KiB argument (the most one argument may hold) is no code, and not echoed' '
		ulimit -t 10
		tdk codes country "$(perl -e "print q{A} x 131071")" >out 2>err; rc=$?
		test_grep "a word of 131071 bytes is not a country code" err && test "$(wc -c <err)" -lt 200 || exit 99
		exit $rc
	'
else
	test_skip 'lookups in the installed iso-codes' "no iso-codes JSON in $ISO (apt-get install iso-codes)"
fi

test_expect_code 2 'no list is a usage error' '
	tdk codes 2>err; rc=$?
	test_grep "say which list" err && test_grep "usage: tdk codes" err || exit 99
	exit $rc
'
test_expect_code 2 'an unknown list is a usage error with did you mean' '
	tdk codes countyr DE 2>err; rc=$?
	test_grep "'\''countyr'\'' is not a code list; did you mean '\''country'\''?" err || exit 99
	exit $rc
'
test_expect_success 'completion offers the lists' '
	tdk --complete codes >out && grep -qx country out && grep -qx currency out &&
	tdk --complete codes --format json >out && grep -qx country out &&
	tdk --complete codes country >out && test ! -s out
'

# Broken iso-codes folders, named through TDK_ISO_CODES_DIR.
broken() {
	# $1 folder, then the bytes of iso_3166-1.json through printf's format $2
	mkdir -p "$1" && printf "$2" >"$1/iso_3166-1.json"
}
test_expect_code 3 'iso-codes missing: exit 3, CODES-DATA-MISSING names the package, nothing on stdout' '
	TDK_ISO_CODES_DIR=$TRASH/none tdk codes country DE >out 2>err; rc=$?
	test_grep "$TRASH/none/iso_3166-1.json: error: [CODES-DATA-MISSING] cannot read the code list: No such file or directory; it comes with Debian'\''s iso-codes package" err &&
	test ! -s out || exit 99
	exit $rc
'
test_expect_code 3 'iso-codes missing under -q: exit 3 and silence' '
	TDK_ISO_CODES_DIR=$TRASH/none tdk codes -q currency EUR >out 2>err; rc=$?
	test ! -s out && test ! -s err || exit 99
	exit $rc
'
for c in \
	'cut short|{"3166-1": [{"alpha_2": "DE"|JSON-SYNTAX|1:29' \
	'not JSON|alpha_2,DE\n|JSON-SYNTAX|1:1' \
	'another standard|{"4217": []}|CODES-DATA-SHAPE|1:2' \
	'an entry with no code|{"3166-1": [{"name": "X"}]}|CODES-DATA-SHAPE|1:26' \
	'a code that is a number|{"3166-1": [{"alpha_2": 276}]}|CODES-DATA-SHAPE|1:25' \
	'an entry that is not an object|{"3166-1": ["DE"]}|JSON-SYNTAX|1:13' \
	'text after the object|{"3166-1": []} x|JSON-SYNTAX|1:16' \
	'a raw control character in a string|{"3166-1": [{"alpha_2": "D\001E"}]}|JSON-SYNTAX|1:27' \
	'a lone surrogate|{"3166-1": [{"alpha_2": "DE", "name": "\\udc00"}]}|JSON-SYNTAX|1:40' \
	'an unknown escape|{"3166-1": [{"alpha_2": "D\\qE"}]}|JSON-SYNTAX|1:27' \
	'a number without digits after the point|{"3166-1": [{"alpha_2": "DE", "n": 1.}]}|JSON-SYNTAX|1:38'
do
	what=${c%%|*}; rest=${c#*|}; bytes=${rest%%|*}; rest=${rest#*|}; code=${rest%%|*}; pos=${rest#*|}
	test_expect_code 3 "a broken iso_3166-1.json, $what: $code at $pos" "
		broken b '$bytes' &&
		TDK_ISO_CODES_DIR=\$TRASH/b tdk codes country DE >out 2>err; rc=\$?
		test_grep 'iso_3166-1.json:$pos: error: [$code]' err && test ! -s out || exit 99
		exit \$rc
	"
done
test_expect_code 3 'a file over 4 MiB: CODES-DATA-LIMIT' '
	mkdir big && { printf "{\"3166-1\": ["; head -c 5000000 /dev/zero | tr "\0" " "; printf "]}"; } >big/iso_3166-1.json &&
	TDK_ISO_CODES_DIR=$TRASH/big tdk codes country DE 2>err; rc=$?
	test_grep "[CODES-DATA-LIMIT] the file is larger than 4194304 bytes" err || exit 99
	exit $rc
'
test_expect_code 3 'nesting 100000 deep is stopped at 32 levels: CODES-DATA-LIMIT, no crash' '
	mkdir deep && perl -e "print q({\"3166-1\": [{\"alpha_2\": \"DE\", \"x\": ), q([) x 100000" >deep/iso_3166-1.json &&
	TDK_ISO_CODES_DIR=$TRASH/deep tdk codes country DE 2>err; rc=$?
	test_grep "[CODES-DATA-LIMIT] nesting deeper than 32 levels" err || exit 99
	exit $rc
'
test_expect_code 3 'a string over 4096 bytes: CODES-DATA-LIMIT' '
	mkdir long && perl -e "print q({\"3166-1\": [{\"alpha_2\": \"DE\", \"name\": \"), q(x) x 5000, q(\"}]})" >long/iso_3166-1.json &&
	TDK_ISO_CODES_DIR=$TRASH/long tdk codes country DE 2>err; rc=$?
	test_grep "[CODES-DATA-LIMIT] a string is longer than 4096 bytes" err || exit 99
	exit $rc
'
test_expect_success 'escapes are decoded, a BOM and unknown keys are accepted' '
	mkdir esc && printf "\357\273\277{\"3166-1\": [{\"flag\": {\"a\": [1, -2.5e3, true, null]}, \"alpha_2\": \"CI\", \"alpha_3\": \"CIV\", \"numeric\": \"384\", \"name\": \"C\\\\u00f4te d\\\\u0027Ivoire \\\\ud83c\\\\udde8\\\\t\\\\\"x\\\\\"\"}]}" >esc/iso_3166-1.json &&
	TDK_ISO_CODES_DIR=$TRASH/esc tdk codes --format json country civ >out &&
	printf "{\"list\":\"country\",\"code\":\"CI\",\"alpha3\":\"CIV\",\"numeric\":\"384\",\"name\":\"C\303\264te d'\''Ivoire \360\237\207\250\\\\t\\\\\"x\\\\\"\",\"official_name\":null}\n" >want &&
	test_cmp want out
'
test_done
