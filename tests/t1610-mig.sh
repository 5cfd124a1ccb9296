#!/bin/sh
# tdk validate --mig: an overlay narrows CUSDEC D.96B for a customs
# administration (samples/mig-cusdec-import.mig).  The declaration that keeps
# it passes; each rule kind, broken on its own, raises exactly its
# diagnostic; an overlay that is not well formed, names a position the
# message does not have or widens the directory is refused with its file and
# line and exit status 2.  Needs release D.96B from the corpus.
. "$(dirname "$0")/lib.sh"

if [ ! -d "$DIRECTORIES/d96b" ]; then
	test_skip 'MIG overlays on CUSDEC D.96B' "no releases at $DIRECTORIES"
	test_done
fi
TDK_DIRECTORY_PATH=$DIRECTORIES
export TDK_DIRECTORY_PATH
MIG=$SAMPLES/mig-cusdec-import.mig
GOOD=$SAMPLES/cusdec-d96b-import.edi

test_expect_success 'the sample declaration is valid against D.96B and the overlay' "
	tdk validate '$GOOD' && tdk validate --mig '$MIG' '$GOOD' 2>err && test ! -s err
"

# mutate NAME SED-SCRIPT CODE 'MESSAGE PART': valid for D.96B alone, only CODE with the overlay.
mutate() {
	test_expect_code 1 "rule $1: $3" "
		sed -e \"$2\" '$GOOD' >m.edi &&
		tdk validate m.edi || exit 99
		tdk validate --mig '$MIG' m.edi 2>err; rc=\$?
		cat err
		test \"\$(sed -n 's/.*error: \\[\\([A-Z-]*\\)\\].*/\\1/p' err | sort -u)\" = $3 &&
		grep -q -- \"$4\" err || exit 99
		exit \$rc
	"
}
mutate 'status M (segment)' "/^DTM+137/d; s/^UNT+15/UNT+14/" EDI-MIG-MISSING \
	"segment 3 'TDT': segment 'DTM' is missing at the message level; the overlay .*line 13"
mutate 'status M (group)' "/^TOD/d; s/^UNT+15/UNT+14/" EDI-MIG-MISSING "segment group 7 is missing at the message level"
mutate 'status M (component)' "s/^NAD+IM+XE987654321::ZZZ'/NAD+IM'/" EDI-MIG-MISSING \
	"segment 6 'NAD' element 2 component 1: component C082/3039 is missing"
mutate 'repeat (group)' "s/^TDT+11++3'/TDT+11++3'\\nTDT+11++1'/; s/^UNT+15/UNT+16/" EDI-MIG-REPEAT \
	"segment 5 'TDT': segment group 4 occurs more than the overlay's maximum of 1"
mutate 'repeat (segment)' "s/^DTM+137:20241105:102'/&\\nDTM+182:20241104:102'\\nDTM+182:20241103:102'\\nDTM+182:20241102:102'/; s/^UNT+15/UNT+18/" \
	EDI-MIG-REPEAT "segment 6 'DTM': segment 'DTM' occurs more than the overlay's maximum of 3"
mutate 'codes' "s/^NAD+IM+/NAD+CN+/" EDI-MIG-CODE \
	"segment 6 'NAD' element 1: 'CN' is not one of the 3 codes the overlay .* allows for data element 3035 (line 26)"
mutate 'value' "s/^BGM+929+/BGM+830+/" EDI-MIG-VALUE \
	"segment 2 'BGM' element 1 component 1: component C002/1001 is '830'; the overlay .* fixes it to '929' (line 9)"
mutate 'format (class)' "s/^TDT+11++3'/TDT+11++R'/" EDI-MIG-FORMAT \
	"segment 4 'TDT' element 3 component 1: component C220/8067 'R' is not numeric"
mutate 'format (length)' "s/^CST+2+/CST+1000+/" EDI-MIG-LENGTH \
	"segment 12 'CST' element 1: data element 1496 '1000' has 4 characters; the overlay .* allows n..3 (line 39)"

test_expect_code 1 'the declaration that breaks the overlay: each rule kind reported' "
	tdk validate --mig '$MIG' '$SAMPLES/cusdec-d96b-import-bad.edi' 2>err; rc=\$?
	test \"\$(sed -n 's/.*error: \\[\\([A-Z-]*\\)\\].*/\\1/p' err | sort -u | tr '\n' ' ')\" = \\
		'EDI-MIG-CODE EDI-MIG-FORMAT EDI-MIG-LENGTH EDI-MIG-MISSING EDI-MIG-REPEAT EDI-MIG-VALUE ' || exit 99
	exit \$rc
"

test_expect_success 'MIG errors in CONTRL: 14 for a code or value, 13 missing, 36 a group repeated' "
	SOURCE_DATE_EPOCH=0 tdk validate --mig '$MIG' --ack contrl '$SAMPLES/cusdec-d96b-import-bad.edi' 2>/dev/null |
		tr -d '\n' | tr \"'\" '\n' >segs
	grep -q '^UCM+1+CUSDEC:D:96B:UN+4\$' segs && grep -q '^UCD+14+1:1\$' segs &&
	grep -q '^UCS+2+13\$' segs && grep -q '^UCS+4+36\$' segs && grep -q '^UCD+37+3:1\$' segs &&
	tr '\n' \"'\" <segs >c.edi && tdk validate c.edi
"

# broken OVERLAY-TEXT CODE 'LINE:COL: ...': the overlay is refused with exit status 2.
broken() {
	test_expect_code 2 "a broken overlay: $1" "
		printf '%b' \"$2\" >o.mig &&
		tdk validate --mig o.mig '$GOOD' 2>err; rc=\$?
		cat err
		grep -q \"^o.mig:$4 error: \\[$3\\]\" err || exit 99
		exit \$rc
	"
}
broken 'not a rule' 'message CUSDEC D 96B UN\nBGM staus M\n' EDI-MIG-SYNTAX '2:5:'
broken 'a rule before any message' 'BGM status M\n' EDI-MIG-SYNTAX '1:1:'
broken 'no such group' 'message CUSDEC D 96B UN\nSG99/TOD status M\n' EDI-MIG-POSITION '2:1:'
broken 'no such element' 'message CUSDEC D 96B UN\nBGM 9999 status M\n' EDI-MIG-POSITION '2:5:'
broken 'no such message' 'message CUSDEX D 96B UN\n' EDI-MIG-POSITION '1:9:'
broken 'a code not in the list' 'message CUSDEC D 96B UN\nBGM 1225 codes 9 77\n' EDI-MIG-RULE '2:18:'
broken 'more repeats than the directory' 'message CUSDEC D 96B UN\nSG7 repeat 5\n' EDI-MIG-RULE '2:12:'
broken 'a wider format' 'message CUSDEC D 96B UN\nBGM 1225 format an..9\n' EDI-MIG-RULE '2:17:'
broken 'status other than M' 'message CUSDEC D 96B UN\nBGM status C\n' EDI-MIG-SYNTAX '2:5:'
broken 'an empty overlay' '# nothing\n' EDI-MIG-SYNTAX ''

test_expect_code 2 'usage: --mig with --syntax-only' "tdk validate --syntax-only --mig '$MIG' '$GOOD'"
test_expect_code 3 'an overlay that cannot be read' "tdk validate --mig no-such.mig '$GOOD'"
test_done
