#!/bin/sh
# tdk harmonise on the schema-valid declarations of the HMRC CDS corpus
# (hmrc-customs-declarations, as stored; which ones validate is found here
# with xmllint against the repository's own wrapper_submit.xsd).  The test
# changes values the way back offices write them (country names, alpha-3,
# numeric and lower-case countries, lower-case and numeric currencies,
# unit symbols and lower-case units and package types, ISO 8601 dates with
# line breaks around them, decimal commas, thousands separators, a leading
# plus, padded and lower-case codes), keeps the list of what it changed, and
# checks that tdk harmonise reports exactly those changes and gives back the
# original after canonicalisation (xmllint --c14n).  Untouched, a declaration
# gets exactly the notes for the identifiers stored with white space around
# them (found here independently), and every other one nothing, --check
# exit 0.  A harmonised document harmonises to itself.  By default every
# third declaration; all of them under TDK_LONG_TESTS.
. "$(dirname "$0")/lib.sh"

C=$TDK_CORPUS/wco/hmrc-customs-declarations
if [ ! -d "$C/instances" ] || ! command -v xmllint >/dev/null 2>&1; then
	test_skip 'tdk harmonise on the CDS corpus' "no corpus at $C (TDK_CORPUS) or no xmllint"
	test_done
fi

test_expect_success 'the schema-valid declarations of the corpus' '
	find "$C/instances" -type f \( -name "*.xml" -o -name "*.XML" \) | sort >all &&
	xargs grep -l "urn:wco:datamodel:WCO:DEC-DMS:2" <all >dec &&
	xargs xmllint --noout --schema "$C/schemas/customs/wrapper_submit.xsd" <dec 2>&1 |
		sed -n "s/ validates\$//p" >valid &&
	if [ -n "${TDK_LONG_TESTS:-}" ]; then cp valid chosen; else awk "NR % 3 == 1" valid >chosen; fi &&
	test "$(wc -l <valid)" -ge 80 && test -s chosen
'

# The mutator: reads the chosen files, writes orig/N.xml (a copy), mut/N.xml
# (values changed outside comments) and want/N (the changes it made: code,
# old value as tdk shows it, new value, one a line), and pre/N (the
# identifiers stored with white space around them).
cat >mutate.pl <<'EOF'
use strict;
use warnings;
use Encode qw(encode_utf8);
use JSON::PP;

sub slurp { my ($f) = @_; open my $h, '<:raw', $f or die "$f: $!"; local $/; return <$h>; }
sub iso { return JSON::PP->new->utf8->decode(slurp("/usr/share/iso-codes/json/$_[0]")); }
my (%cty, %cur, %unit);
my @ctys = @{iso('iso_3166-1.json')->{'3166-1'}};
for my $e (@ctys) {
	my $name = $e->{name};
	$name = $e->{official_name} if grep { index($_->{name}, "$name, ") == 0 } @ctys;
	$cty{$e->{alpha_2}} = [encode_utf8($name), $e->{alpha_3}, $e->{numeric}, lc $e->{alpha_2}];
}
$cur{$_->{alpha_3}} = $_->{numeric} for @{iso('iso_4217.json')->{'4217'}};
for (split /\n/, slurp("$ENV{REPO}/data/codes/rec20-units.tsv")) { $unit{$1} = 1 if /^([^#\t]+)\t/; }

sub shown { my ($s) = @_; $s =~ s/\\/\\\\/g; $s =~ s/\n/\\n/g; $s =~ s/\t/\\t/g; $s =~ s/\r/\\r/g; return $s; }

my ($n, @want, %k) = (0);
sub change {
	my ($code, $old, $new) = @_;
	push @want, join("\t", $code, shown($old), $new);
	return $old;
}
sub country {
	my ($v) = @_;
	my $f = $cty{$v} or return $v;
	return change('HARM-COUNTRY', $f->[$k{c}++ % 4], $v);
}
sub number {
	my ($v) = @_;
	my $i = $k{n}++ % 3;
	return change('HARM-NUMBER', "$1,$2", $v) if $v =~ /^(\d+)\.(\d+)$/;
	return change('HARM-NUMBER', "$1 $2", $v) if $i == 0 && $v =~ /^(\d{1,3})(\d{3})$/;
	return change('HARM-NUMBER', "+$v", $v) if $i == 1;
	return change('HARM-NUMBER', " $v\n", $v) if $i == 2;
	return $v;
}
sub currency {
	my ($v) = @_;
	return $v unless $cur{$v};
	return change('HARM-CURRENCY', ($k{u}++ % 2) ? $cur{$v} : lc $v, $v);
}
sub unit {
	my ($v) = @_;
	return $v unless $unit{$v};
	return change('HARM-UNIT', $v eq 'KGM' && $k{g}++ % 2 ? 'kg' : lc $v, $v);
}
sub when {
	my ($v) = @_;
	$v =~ /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(Z|[-+]\d\d)$/ or return $v;
	my $z = $7 eq 'Z' ? 'Z' : "$7:00";
	my $iso = "$1-$2-$3T$4:$5:$6$z";
	$iso = "\n\t\t\t$iso\n\t\t" if $k{d}++ % 2;
	return change('HARM-DATE', $iso, $v);
}
sub code { my ($v, $how) = @_; return change('HARM-CODE', $how eq 'pad' ? "  $v \n" : lc $v, $v); }

sub mutate {
	my ($x) = @_;
	$x =~ s{(<(?:\w+:)?(?:CountryCode|RegistrationNationalityCode|RoutingCountryCode)>)([A-Z]{2})(<)}{$1 . country($2) . $3}ge;
	$x =~ s{(<ExportCountry>\s*<ID>)([A-Z]{2})(<)}{$1 . country($2) . $3}ge;
	$x =~ s{(<(?:InvoiceAmount|ItemChargeAmount|StatisticalValueAmount|CustomsValueAmount|GrossMassMeasure|NetNetWeightMeasure|TariffQuantity|FreightChargeAmount|QuantityQuantity)\b[^>]*>)(\d+(?:\.\d+)?)(<)}{$1 . number($2) . $3}ge;
	$x =~ s{(currencyID=")([A-Z]{3})(")}{$1 . currency($2) . $3}ge;
	$x =~ s{(unitCode=")([A-Z0-9#]+)(")}{$1 . unit($2) . $3}ge;
	$x =~ s{(<(?:\w+:)?DateTimeString formatCode="304">)(\d{14}(?:Z|[-+]\d\d))(<)}{$1 . when($2) . $3}ge;
	$x =~ s{(<Packaging>(?:(?!</Packaging>).)*?<TypeCode>)([A-Z0-9]{2})(<)}{$1 . change('HARM-PACKAGE', lc $2, $2) . $3}gse;
	$x =~ s{(<CategoryCode>)([A-Z0-9]{1,4})(<)}{$1 . code($2, 'pad') . $3}ge;
	$x =~ s{(<TypeCode>)((?:IM|EX|CO)[A-Z])(<)}{$1 . code($2, 'lower') . $3}ge;
	return $x;
}

mkdir $_ for qw(orig mut want pre);
while (my $f = <STDIN>) {
	chomp $f;
	$n++;
	my $doc = slurp($f);
	open my $o, '>:raw', "orig/$n.xml" or die; print $o $doc; close $o;
	@want = ();
	%k = ();
	# Values outside comments only: each comment stands aside as a placeholder meanwhile.
	my @c;
	(my $out = $doc) =~ s{(<!--.*?-->)}{push @c, $1; "\x00" . $#c . "\x00"}gse;
	$out = mutate($out);
	$out =~ s{\x00(\d+)\x00}{$c[$1]}g;
	open $o, '>:raw', "mut/$n.xml" or die; print $o $out; close $o;
	my @pre;
	for my $part (split /(<!--.*?-->)/s, $doc) {
		next if $part =~ /^<!--/;
		while ($part =~ m{<(?:\w+:)?\w*ID>([^<]*)</}g) {
			my $v = $1;
			next unless $v =~ /\S/ && $v =~ /^\s|\s$/;
			(my $t = $v) =~ s/^\s+|\s+$//g;
			push @pre, join("\t", 'HARM-ID', shown($v), $t);
		}
	}
	open $o, '>', "want/$n" or die; print $o "$_\n" for sort(@want, @pre); close $o;
	open $o, '>', "pre/$n" or die; print $o "$_\n" for sort @pre; close $o;
}
EOF

# What tdk reported, per file: code, old, new from each note's message.
cat >notes.pl <<'EOF'
use strict;
use warnings;
use JSON::PP;
my %got;
while (<STDIN>) {
	my $o = eval { decode_json($_) } or next;
	next unless $o->{severity} && $o->{code} =~ /^HARM-/;
	my ($n) = $o->{file} =~ m{(\d+)\.xml$};
	if ($o->{severity} ne 'note' || $o->{message} !~ /^\S+: '(.*)' -> '(.*)' \(rule [^)]+\)$/s) {
		push @{$got{$n}}, "unexpected $o->{severity} $o->{code}: $o->{message}";
		next;
	}
	push @{$got{$n}}, join("\t", $o->{code}, $1, $2);
}
mkdir 'got';
for my $n (keys %got) { open my $f, '>:utf8', "got/$n" or die; print $f "$_\n" for sort @{$got{$n}}; close $f; }
EOF

test_expect_success 'the values are changed outside comments, each change listed' '
	perl mutate.pl <chosen && test "$(ls mut | wc -l)" -eq "$(wc -l <chosen)" &&
	cat want/* | cut -f1 | sort | uniq -c >kinds && cat kinds &&
	for k in COUNTRY CURRENCY UNIT PACKAGE DATE NUMBER CODE; do grep -q "HARM-$k\$" kinds || exit 1; done
'

test_expect_success 'untouched: only the identifiers stored with white space around them are reported' '
	tdk harmonise --check --format json orig/*.xml >report 2>&1
	perl notes.pl <report && mkdir -p got &&
	for f in pre/*; do n=${f#pre/}; touch got/$n; test_cmp pre/$n got/$n || exit 1; done
'

test_expect_success 'untouched and clean: --check exits 0, the output is the input byte for byte' '
	clean=0 &&
	for f in pre/*; do
		n=${f#pre/}
		test -s pre/$n && continue
		tdk harmonise --check -q orig/$n.xml || exit 1
		tdk harmonise orig/$n.xml >h.xml 2>err && cmp orig/$n.xml h.xml && test ! -s err || exit 1
		clean=$((clean + 1))
	done && echo "# $clean clean declarations" && test $clean -gt 0
'

test_expect_success 'changed: tdk harmonise reports exactly the changes made' '
	mkdir out && rm -rf got &&
	tdk harmonise -O out --format json mut/*.xml >report 2>&1
	perl notes.pl <report &&
	for f in want/*; do n=${f#want/}; touch got/$n; test_cmp want/$n got/$n || exit 1; done
'

test_expect_success 'changed: the harmonised document is the original after canonicalisation' '
	for f in out/*.xml; do
		n=$(basename $f .xml)
		tdk harmonise orig/$n.xml >ref.xml 2>/dev/null
		xmllint --c14n ref.xml >a && xmllint --c14n $f >b && cmp a b || exit 1
		test -s pre/$n || cmp ref.xml orig/$n.xml || exit 1
	done
'

test_expect_success 'a harmonised document harmonises to itself: --check exits 0' '
	tdk harmonise --check -q out/*.xml
'

test_done
