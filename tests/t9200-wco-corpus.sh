#!/bin/sh
# Interop on the WCO corpus: every instance in $TDK_CORPUS/wco is checked
# against its schema set (registered under tdk-test: names in a catalog
# written from tests/data/wco/catalog.xml.in, the schemas read where they
# lie), once by one batch run of tdk per schema set and once per file by
# xmllint --schema through the same catalog, and the verdicts must be
# equal: valid, invalid (not well-formed or not schema-valid) or error (the
# schema set does not compile).  tests/data/wco/rules.tsv says which set
# checks which file; files it does not place are checked for
# well-formedness only, against xmllint --noout.
#
# Exceptions: none are expected, since tdk and xmllint run the same libxml2
# engine; the list below is where a difference would be explained.  Known
# near-misses that agree: xs:dateTime values with blanks around them are
# refused by both (libxml2, although XSD 1.0 Part 2 §3.2.7 collapses them;
# tdk adds an XML-HINT-DATETIME note), and a schemaLocation missing from a
# published set is a warning for both while the set still compiles.  A
# document with a DTD would differ (xmllint reads its internal subset, tdk
# refuses it): the corpus has none, and the list would name it.
. "$(dirname "$0")/lib.sh"

W=$TDK_CORPUS/wco
if [ ! -d "$W" ]; then
	test_skip 'WCO corpus' "$W is absent (set TDK_CORPUS)"
	test_done
	exit
fi
if ! command -v xmllint >/dev/null 2>&1; then
	test_skip 'WCO corpus' 'xmllint is not installed (Debian package libxml2-utils)'
	test_done
	exit
fi

# Expected differences: path under $W, schema name, tdk's verdict, xmllint's, why.
cat >exceptions <<'EOX'
EOX

sed "s|@WCO@|file://$W|g" "$DATA/wco/catalog.xml.in" >cat.xml
grep -v '^#' "$DATA/wco/rules.tsv" | grep -v '^$' >rules
TAB=$(printf '\t')
find "$W" -type f \( -iname '*.xml' -o -name '*.raw' \) | LC_ALL=C sort >all
: >plan
while IFS= read -r f; do
	rel=${f#"$W"/}
	key=$(xmllint --nonet --xpath 'concat(namespace-uri(/*),"|",local-name(/*),"|",local-name(/*/*[last()]),"|",string(/*/*[local-name()="Declaration"]/*[local-name()="TypeCode"]))' "$f" 2>/dev/null) || key=NWF
	names=-
	while IFS="$TAB" read -r n pg kg; do
		# shellcheck disable=SC2254
		case $rel in $pg) case $key in $kg) names=$n; break ;; esac ;; esac
	done <rules
	for n in $(echo "$names" | tr + ' '); do
		printf '%s\0' "$f" >>"list.$n"
		printf '%s\t%s\n' "$n" "$f" >>plan
	done
done <all

test_expect_success "the corpus has instances ($(wc -l <all) files, $(wc -l <plan) checks)" 'test -s plan'

for list in list.*; do
	n=${list#list.}
	if [ "$n" = - ]; then
		opt=--well-formed
	else
		opt="--schema tdk-test:$n"
	fi
	test_expect_success "schema set '$n': tdk's verdicts equal xmllint's ($(tr -cd '\0' <"$list" | wc -c) files)" "
		tdk validate --catalog cat.xml $opt --format json -j 2 --files-from '$list' -0 >tdk.$n 2>tdk.$n.err
		rc=\$?
		case \$rc in 0|1|3) ;; *) echo \"tdk exit \$rc\"; cat tdk.$n.err; exit 1 ;; esac
		tr '\0' '\n' <'$list' | while IFS= read -r f; do
			if [ '$n' = - ]; then
				xmllint --noout --nonet \"\$f\" >/dev/null 2>&1
			else
				XML_CATALOG_FILES=cat.xml xmllint --noout --nonet --schema 'tdk-test:$n' \"\$f\" >/dev/null 2>&1
			fi
			case \$? in 0) v=valid ;; 5) v=error ;; *) v=invalid ;; esac
			printf '%s\t%s\n' \"\$v\" \"\$f\"
		done >xmllint.$n
		perl -MJSON::PP -e '
			my (\$n, \$w) = (shift, shift);
			my (%tdk, %lint, %exc, \$bad);
			open my \$t, q(<), qq(tdk.\$n) or die; while (<\$t>) { my \$o = decode_json(\$_); \$tdk{\$o->{file}} = {ok => q(valid), negative => q(invalid), error => q(error), partial => q(partial)}->{\$o->{result}} if exists \$o->{result}; }
			open my \$x, q(<), qq(xmllint.\$n) or die; while (<\$x>) { chomp; my (\$v, \$f) = split /\t/, \$_, 2; \$lint{\$f} = \$v; }
			open my \$e, q(<), q(exceptions) or die; while (<\$e>) { chomp; my @c = split /\t/; \$exc{qq(\$w/\$c[0]\t\$c[1])} = qq(\$c[2]/\$c[3]) if @c >= 4; }
			for my \$f (sort keys %lint) {
				my \$got = \$tdk{\$f} // q(missing);
				next if \$got eq \$lint{\$f};
				next if (\$exc{qq(\$f\t\$n)} // q()) eq qq(\$got/\$lint{\$f});
				print qq(\$f: tdk \$got, xmllint \$lint{\$f}\n); \$bad++;
			}
			exit(\$bad ? 1 : 0);
		' '$n' '$W'
	"
done
test_done
