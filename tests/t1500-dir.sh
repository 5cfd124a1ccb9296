#!/bin/sh
# tdk dir: the UNTDID releases of the corpus load in every form UNECE ships
# them, their counts match the releases' own indexes, `tdk dir show` agrees
# with the segment table of the release file, and broken releases are
# refused with EDI-DIR-BROKEN.
. "$(dirname "$0")/lib.sh"

if [ ! -d "$DIRECTORIES/d96b" ]; then
	test_skip 'UNTDID releases' "no releases at $DIRECTORIES"
	test_done
	exit
fi

# counts REL [OPTIONS]: "messages segments composites elements / the index's four".
counts() {
	r=$1; shift
	tdk dir show --format json "$@" "$r" | sed 's/[{}"]//g; s/index://' | tr ',' '\n' | awk -F: '
		$1 == "messages" || $1 == "segments" || $1 == "composites" || $1 == "elements" { v[$1, ++n[$1]] = $2 }
		END { print v["messages",1], v["segments",1], v["composites",1], v["elements",1], "/",
			    v["messages",2], v["segments",2], v["composites",2], v["elements",2] }'
}

for r in d96a d96b d01b d16a d21a; do
	test_expect_success "$r: every message loads and the counts match the release's index" "
		counts $r -D '$DIRECTORIES' >c.$r && cat c.$r &&
		awk '{ exit !(\$1 == \$6 && \$2 == \$7 && \$3 == \$8 && \$4 == \$9 && \$1 > 100) }' c.$r
	"
done

# Code lists: the heads of UNCL entries counted with grep, independently of tdk;
# UNCL-2 of D.96A and D.96B opens with a code list before any separator line.
for r in d96a:UNCL-1.96A:UNCL-2.96A d96b:UNCL-1.96B:UNCL-2.96B d01b:UNCL.01B d16a:UNCL.16A d21a:UNCL.21A; do
	rel=${r%%:*} files=${r#*:}
	test_expect_success "$rel: every code list of UNCL loads" "
		for f in \$(echo $files | tr ':' ' '); do
			unzip -p '$DIRECTORIES/$rel/'*[Uu][Nn][Cc][Ll].[Zz][Ii][Pp] \$f || exit 1
		done | tr -d '\\r' | grep -cE '^[-*+#|X ]{0,5}[ ]*[0-9]{4}  [A-Z]' >want &&
		tdk dir show --format json -D '$DIRECTORIES' $rel | sed -n 's/.*\"code_lists\":\\([0-9]*\\).*/\\1/p' >got &&
		cat want got && test_cmp want got
	"
done
test_expect_success 'the code list that opens UNCL-2 keeps its codes (D96B 4347: 9, D96A 4439: 55)' "
	tdk dir show -D '$DIRECTORIES' D96B 4347 | grep -q '^9 codes' &&
	tdk dir show -D '$DIRECTORIES' D96B 4347 | grep -q '^  1      Additional identification' &&
	tdk dir show -D '$DIRECTORIES' D96A 4439 | grep -q '^55 codes'
"

test_expect_success 'the release zip as downloaded (an outer zip of inner zips) loads the same' "
	(cd '$DIRECTORIES/d96b' && zip -q -X '$TRASH/d96b.zip' ./*) &&
	counts D96B -D '$DIRECTORIES' >a && counts D96B -D d96b.zip >b && test_cmp a b
"

test_expect_success 'the members unzipped into folders load the same (ASCII, 5-digit positions)' "
	mkdir un && for z in '$DIRECTORIES'/d16a/*.zip; do unzip -q -o \"\$z\" -d un/\$(basename \"\$z\" .zip) || exit 1; done &&
	counts D16A -D '$DIRECTORIES' >a && counts D16A -D un >b && test_cmp a b
"

test_expect_success 'the members unzipped into one folder load the same (CP437, 4-digit positions)' "
	mkdir flat && for z in '$DIRECTORIES'/d01b/*.ZIP; do unzip -q -o \"\$z\" -d flat || exit 1; done &&
	counts D01B -D '$DIRECTORIES' >a && counts D01B -D flat >b && test_cmp a b
"

# The segment table of CUSDEC_D.96B read independently of tdk: position,
# tag (or SGn), status and repeat of every line.
test_expect_success 'tdk dir show D96B CUSDEC matches the segment table of the release file' "
	unzip -p '$DIRECTORIES/d96b/TRMD.ZIP' CUSDEC_D.96B | iconv -f CP437 -t UTF-8 | tr -d '\r' |
	awk '/^Pos/ { t = 1; next }
	     t && /^[0-9][0-9][0-9][0-9] / {
		if (match(\$0, /Segment group [0-9]+/)) { split(substr(\$0, RSTART, RLENGTH), g, \" \"); tag = \"SG\" g[3] }
		else { tag = substr(\$0, 8, 3) }
		s = \$0; gsub(/[─┐┘┴│|+-]+/, \" \", s); n = split(s, w, \" \")
		print \$1, tag, w[n-1], w[n] }' >want &&
	test \$(wc -l <want) -gt 150 &&
	tdk dir show -D '$DIRECTORIES' D96B CUSDEC | awk 'NR > 3 { print \$1, \$2, \$(NF-1), \$NF }' >got &&
	test_cmp want got
"

test_expect_success 'a segment name that wraps over two lines of a segment table is read whole' "
	tdk dir show -D '$DIRECTORIES' D16A QALITY >q &&
	test \$(grep -c ' SPS  *Sampling parameters for summary statistics  *C ' q) = 4 &&
	tdk dir show --format json -D '$DIRECTORIES' D16A QALITY | grep -q '\"SPS\",\"name\":\"Sampling parameters for summary statistics\"'
"

test_expect_success 'show names groups and nesting in JSON' "
	tdk dir show --format json -D '$DIRECTORIES' D96B CUSDEC >j &&
	grep -q '\"pos\":\"0120\",\"group\":1,\"status\":\"C\",\"repeat\":99,\"segments\":\[{\"pos\":\"0130\",\"tag\":\"RFF\"' j
"

test_expect_success 'show a segment, a composite and an element with its codes' "
	tdk dir show -D '$DIRECTORIES' D96B DTM | grep -q '^010  C507 ' &&
	tdk dir show -D '$DIRECTORIES' D96B C507 | grep -q '^010  2005  Date/time/period qualifier .* M  1 an..3' &&
	tdk dir show -D '$DIRECTORIES' D96B 2005 >e && grep -q '^  137    Document/message date/time' e &&
	tdk dir show --format json -D '$DIRECTORIES' D96B 2005 | grep -q '\"code\":\"137\"'
"

test_expect_code 1 'show an unknown message' "tdk dir show -D '$DIRECTORIES' D96B GOVCBR"
test_expect_success 'GOVCBR is in D.16A and D.21A' "
	tdk dir show -D '$DIRECTORIES' D16A GOVCBR >/dev/null && tdk dir show -D '$DIRECTORIES' D21A GOVCBR >/dev/null
"

test_expect_success 'list names the releases on the search path, and the messages of one' "
	TDK_DIRECTORY_PATH='$DIRECTORIES' tdk dir list >l && grep -q '^D96B ' l && grep -q '^D21A ' l &&
	TDK_DIRECTORY_PATH='$DIRECTORIES' tdk dir list D96B | grep -q '^CUSDEC  Customs declaration message'
"

test_expect_success 'the compiled cache is written, used, and rebuilt when damaged' "
	XDG_CACHE_HOME=\$PWD/.cache2 && export XDG_CACHE_HOME &&
	TDK_DIRECTORY_PATH='$DIRECTORIES' tdk dir show D96B CUSDEC >a &&
	ls .cache2/tdk/directories/D96B-*.tdkdir >cf && test \$(wc -l <cf) = 1 &&
	TDK_DIRECTORY_PATH='$DIRECTORIES' tdk dir show D96B CUSDEC >b && test_cmp a b &&
	head -c 5000 \$(cat cf) >x && cat x >\$(cat cf) &&
	TDK_DIRECTORY_PATH='$DIRECTORIES' tdk dir show D96B CUSDEC >c && test_cmp a c
"

test_expect_success 'install copies a downloaded release zip into the data directory' "
	(cd '$DIRECTORIES/d96a' && zip -q -X '$TRASH/download.zip' ./*) &&
	tdk dir install download.zip >out && grep -q 'installed D96A' out &&
	cmp download.zip .data/tdk/directories/d96a.zip &&
	tdk dir list | grep -q '^D96A '
"

test_expect_code 1 'a truncated release zip is refused' "
	head -c 300000 d96b.zip >trunc.zip && tdk dir show -D trunc.zip D96B 2>err; rc=\$?; cat err;
	grep -q 'EDI-DIR-BROKEN.*not a readable zip' err && exit \$rc
"

test_expect_code 1 'a broken record is reported with its file and line' "
	mkdir broken && cp -r un/* broken/ &&
	sed -i 's/^00010   UNH Message header .*/00010   UNH Message header/' broken/edmd/CUSDEC_D.16A &&
	tdk dir show --no-cache -D broken D16A 2>err; rc=\$?; cat err;
	grep -q \"EDI-DIR-BROKEN.*'CUSDEC_D.16A' line\" err && exit \$rc
"

test_expect_code 3 'a release that is not installed says how to install it' "
	tdk dir show D95B CUSDEC 2>err; rc=\$?; cat err; grep -q \"tdk dir install d95b.zip\" err && exit \$rc
"
test_expect_code 2 'a name that is not a release is a usage error' "tdk dir show X99 CUSDEC"
test_expect_code 3 'a location that does not exist' "tdk dir show -D /nonexistent/d96b D96B"

test_done
