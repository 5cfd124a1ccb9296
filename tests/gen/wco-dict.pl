#!/usr/bin/perl
# Writes tdk's dictionary of the WCO Data Model as the UK CDS customises it
# (data/wco/dictionary.tsv) from public facts in the corpus (read by path,
# never copied):
#
#   perl tests/gen/wco-dict.pl [CORPUS]    (make wco-data)
#
# - the DEC-DMS:2 v2.15 and RES-DMS:2 schemas of hmrc/customs-declarations:
#   every element's local name, its WCO ID (the WCOID of its annotation) and
#   its format (from the facets of its type: maxLength 35 is an..35, length 2
#   is an2, totalDigits 16 with fractionDigits 6 is n..16,6; the WCOFormat
#   annotation where the type has no facet); the v2.3 schemas of
#   hmrc/customs-declare-exports add the elements that 2.15 dropped;
# - the WCO pointer table of hmrc/wco-dec (pointers/pointer_paths.json):
#   the DMS name and description of each pointer;
# - the EU UCC data element numbers from the "<!-- DE n/n: ... -->" comments
#   that precede the elements of the annotated HMRC sample declarations (a
#   comment that starts with the number; the number seen most often before an
#   element path wins);
# - the code list of a coded element: the currency of an amount, the unit of a
#   measure, and the lists named below by element path (tdk's own table).
#
# One line per pointer, sorted: POINTER NAME PATH FORMAT CODELIST UCC
# DESCRIPTION, tab-separated, empty fields allowed.  The XML reader below is
# deliberately small: the schemas are plain (elements, attributes, comments).
use strict;
use warnings;
use JSON::PP;
use File::Find;
use File::Path qw(make_path);

my $corpus = shift // ($ENV{TDK_CORPUS} || '../shared/corpus');
my $out = 'data/wco/dictionary.tsv';
my $dec = "$corpus/wco/hmrc-customs-declarations/schemas/wco";
my $old = "$corpus/wco/hmrc-customs-declare-exports/schemas";
my $ptr = "$corpus/wco/hmrc-wco-dec/pointers/pointer_paths.json";
my $samples = "$corpus/wco/hmrc-customs-declarations/instances/annotated_XML_samples";

sub slurp {
	my ($path) = @_;
	open my $f, '<:raw', $path or die "wco-dict: cannot read $path: $!\n";
	local $/;
	return scalar <$f>;
}

# A tree of { tag, attr => {}, kids => [], text } from XML text; comments are
# kept as nodes with tag '#comment'.
sub parse_xml {
	my ($s) = @_;
	my $root = { tag => '#root', kids => [], text => '' };
	my @stack = ($root);
	while ($s =~ /\G(?:(<!--(.*?)-->)|(<\?.*?\?>)|(<!\[CDATA\[(.*?)\]\]>)|<(\/?)([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+))/gcs) {
		if (defined $1) {
			push @{ $stack[-1]{kids} }, { tag => '#comment', text => $2, kids => [] };
		} elsif (defined $3) {
		} elsif (defined $4) {
			$stack[-1]{text} .= $5;
		} elsif (defined $10) {
			$stack[-1]{text} .= $10;
		} elsif ($6) {
			die "wco-dict: </$7> closes <$stack[-1]{tag}>\n" if $stack[-1]{tag} ne $7;
			pop @stack;
		} else {
			my %a;
			my $as = $8;
			while ($as =~ /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g) {
				$a{$1} = defined $2 ? $2 : $3;
			}
			my $n = { tag => $7, attr => \%a, kids => [], text => '' };
			push @{ $stack[-1]{kids} }, $n;
			push @stack, $n unless $9;
		}
	}
	die "wco-dict: not XML at offset " . (pos($s) // 0) . "\n" if (pos($s) // 0) != length $s;
	return $root;
}

sub kids {
	my ($n, $tag) = @_;
	return grep { $_->{tag} eq $tag } @{ $n->{kids} };
}

sub local_name { (my $t = shift) =~ s/^.*://; return $t }

# The text of the first descendant named tag (an annotation's WCOID ...), trimmed.
sub find_text {
	my ($n, $tag) = @_;
	for my $k (@{ $n->{kids} }) {
		next if $k->{tag} eq '#comment';
		if (local_name($k->{tag}) eq $tag) {
			(my $t = $k->{text}) =~ s/\s+/ /g;
			$t =~ s/^ | $//g;
			return $t;
		}
		my $t = find_text($k, $tag);
		return $t if defined $t;
	}
	return undef;
}

# Named types of a data-type schema: name -> { format, base }.
sub read_types {
	my ($path) = @_;
	my %t;
	for my $ct (grep { $_->{tag} =~ /complexType|simpleType/ } @{ (kids(parse_xml(slurp($path)), 'xs:schema'))[0]{kids} }) {
		my %f;
		my $base = '';
		my $walk;
		$walk = sub {
			for my $k (@{ $_[0]{kids} }) {
				my $l = local_name($k->{tag});
				$f{$l} = $k->{attr}{value} if $l =~ /^(maxLength|minLength|length|totalDigits|fractionDigits)$/;
				$base = local_name($k->{attr}{base}) if $l eq 'restriction' || $l eq 'extension';
				$walk->($k);
			}
		};
		$walk->($ct);
		my $fmt = '';
		if (defined $f{totalDigits}) {
			$fmt = "n..$f{totalDigits}" . ($f{fractionDigits} ? ",$f{fractionDigits}" : '');
		} elsif (defined $f{length}) {
			$fmt = "an$f{length}";
		} elsif (defined $f{maxLength}) {
			$fmt = defined $f{minLength} && $f{minLength} eq $f{maxLength} ? "an$f{maxLength}" : "an..$f{maxLength}";
		}
		$fmt ||= find_text($ct, 'WCOFormat') // '';
		$t{ $ct->{attr}{name} } = { format => $fmt, base => $base };
	}
	return \%t;
}

# The code lists by element path (a regular expression over the path from the
# root) that tdk's commands use: ISO 3166-1 countries, ISO 4217 currencies,
# UN/ECE Rec 20 units and Rec 21 packages, and the CDS lists of hmrc/wco-dec
# by their file names.
my @lists = (
	[ qr{(CountryCode|/ExportCountry/ID|/Destination/CountryCode|Nationality(Code)?)$}, 'country' ],
	[ qr{/(ExportCountry|Origin|Destination)/CountryCode$}, 'country' ],
	[ qr{CurrencyTypeCode$|/CurrencyExchange/CurrencyTypeCode$}, 'currency' ],
	[ qr{/Packaging/TypeCode$}, 'package' ],
	[ qr{^Declaration/TypeCode$}, 'declaration-types' ],
	[ qr{/TransportModeCode$|ModeCode$}, 'transport-mode-types' ],
	[ qr{/GovernmentProcedure/(Current|Previous)Code$}, 'government-procedure-types' ],
	[ qr{/AdditionalInformation/StatementCode$}, 'special-mention-types' ],
	[ qr{/TradeTerms/ConditionCode$}, 'incoterm-codes' ],
	[ qr{^Declaration/(DeclarationOfficeID|ExitOffice/ID|SupervisingOffice/ID|PresentationOffice/ID)$}, 'customs-offices' ],
	[ qr{/Commodity/Classification/IdentificationTypeCode$}, 'commodity-classification-type' ],
	[ qr{/DutyTaxFee/TypeCode$}, 'duty-tax-fee-types' ],
	[ qr{/DutyTaxFee/DutyRegimeCode$}, 'preference-types' ],
	[ qr{/Payment/MethodCode$}, 'payment-method-types' ],
	[ qr{/CustomsValuation/MethodCode$}, 'valuation-method-types' ],
	[ qr{/AuthorisationHolder/CategoryCode$}, 'party-role-authorization-types' ],
	[ qr{/AEOMutualRecognitionParty/RoleCode$|/DomesticDutyTaxParty/RoleCode$}, 'party-sub-role-types' ],
	[ qr{/TransactionNatureCode$}, 'transaction-nature-types-b-opt' ],
	[ qr{/Warehouse/TypeCode$}, 'customs-warehouse-types' ],
	[ qr{/ObligationGuarantee/SecurityDetailsCode$}, 'declared-guarantee-types' ],
	[ qr{/GoodsLocation/TypeCode$}, 'location-types' ],
	[ qr{TransportMeans/IdentificationTypeCode$}, 'transport-means-identification-types' ],
	[ qr{^Declaration/GoodsShipment/PreviousDocument/TypeCode$}, 'import-previous-documents' ],
	[ qr{^Declaration/GoodsShipment/GovernmentAgencyGoodsItem/PreviousDocument/TypeCode$}, 'import-previous-documents' ],
	[ qr{/AdditionalDocument/CategoryCode$}, 'document-category' ],
	[ qr{^Declaration/GoodsShipment/CustomsValuation/ChargeDeduction/ChargesTypeCode$}, 'header-valuation-adjustment-types' ],
	[ qr{GovernmentAgencyGoodsItem/ValuationAdjustment/AdditionCode$}, 'goods-item-valuation-adjustment-types' ],
	[ qr{/Destination/RegionID$}, 'country-region-sub-role-types' ],
);

my (%e, @order);   # pointer -> entry

sub add {
	my ($pointer, %v) = @_;
	push @order, $pointer unless $e{$pointer};
	my $x = $e{$pointer} //= { pointer => $pointer, map { $_ => '' } qw(name path format codelist ucc description) };
	$x->{$_} ||= $v{$_} // '' for keys %v;
	return $x;
}

# Walks the elements under n, each with its WCO ID, adding an entry per pointer.
sub walk {
	my ($n, $types, $pointer, $path) = @_;
	for my $el (map { $_->{tag} eq 'xs:element' ? ($_) : ($_->{tag} =~ /^xs:(sequence|choice|all|complexType)$/ ? walk_group($_) : ()) } @{ $n->{kids} }) {
		my $name = $el->{attr}{name} or next;
		my $id = find_text_annotation($el, 'WCOID');
		my $p = $path ne '' ? "$path/$name" : $name;
		my $ptr = defined $id && $id =~ /^[0-9A-Z]+$/ ? ($pointer ne '' ? "$pointer/$id" : $id) : undef;
		my $type = $el->{attr}{type} ? $types->{ local_name($el->{attr}{type}) } : undef;
		my $fmt = $type ? $type->{format} : '';
		$fmt ||= find_text_annotation($el, 'WCOFormat') // '';
		my $desc = find_text_annotation($el, 'WCODescription') // '';
		my $list = '';
		if ($type && $type->{base} eq 'AmountType') {
			$list = 'currency';
		} elsif ($type && $type->{base} eq 'MeasureType') {
			$list = 'unit';
		} else {
			for my $l (@lists) {
				next unless $p =~ $l->[0];
				$list = $l->[1];
				last;
			}
		}
		add($ptr, name => $name, path => $p, format => $fmt, codelist => $list, description => $desc) if $ptr;
		walk($el, $types, $ptr // $pointer, $p) if $ptr;
	}
}

sub walk_group {
	my ($g) = @_;
	return map { $_->{tag} eq 'xs:element' ? ($_) : ($_->{tag} =~ /^xs:(sequence|choice|all|complexType)$/ ? walk_group($_) : ()) } @{ $g->{kids} };
}

# The annotation's text of tag for this element, not its children's.
sub find_text_annotation {
	my ($el, $tag) = @_;
	for my $a (kids($el, 'xs:annotation')) {
		my $t = find_text($a, $tag);
		return $t if defined $t;
	}
	return undef;
}

sub schema {
	my ($dir, $file, $ds, $root) = @_;
	my $types = read_types("$dir/$ds");
	my $s = (kids(parse_xml(slurp("$dir/$file")), 'xs:schema'))[0];
	my %named = map { $_->{attr}{name} => $_ } grep { $_->{attr}{name} } kids($s, 'xs:complexType');
	for my $el (grep { $_->{attr}{name} eq $root } kids($s, 'xs:element')) {
		my $id = find_text_annotation($el, 'WCOID');
		add($id, name => $root, path => $root, description => find_text_annotation($el, 'WCODescription') // '');
		walk($el->{attr}{type} ? $named{ $el->{attr}{type} } : $el, $types, $id, $root);
	}
}

schema("$dec/declaration", 'WCO_DEC_2_DMS.xsd', 'WCO_DS/WCO_DEC_DS_2_DMS.xsd', 'Declaration');
schema("$dec/notification", 'WCO_RES_2_DMS.xsd', 'WCO_DS/WCO_RES_DS_2_DMS.xsd', 'Response');
schema("$old/declaration", 'WCO_DEC_2_DMS.xsd', 'WCO_DS/WCO_DEC_DS_2_DMS.xsd', 'Declaration');

# The pointer table: names and descriptions where the schemas have none, and
# the pointers they do not reach (named after the table, under their parent's path).
my $table = JSON::PP->new->utf8->decode(slurp($ptr));
for my $row (@{ $table->{pointers} }) {
	for my $p (sort keys %$row) {
		my $v = $row->{$p};
		my $d = $v->{dms_field_description} // '';
		$d = '' if $d eq 'null';
		my $name = $v->{dms_field_name} // '';
		(my $parent = $p) =~ s{/?[^/]+$}{};
		my $path = '';
		if (!$e{$p} && $name ne '' && ($parent eq '' || ($e{$parent} && $e{$parent}{path} ne ''))) {
			$path = $parent eq '' ? $name : "$e{$parent}{path}/$name";
		}
		my $x = add($p, name => $name, path => $path);
		$x->{description} = $d if $d ne '' && $x->{description} eq '';
	}
}

# The UCC data element numbers: the comment "DE n/n" before an element names it.
my (%ucc, %seen_path);
for my $x (values %e) { $seen_path{ $x->{path} } = $x if $x->{path} ne '' }
sub de_walk {
	my ($n, $path) = @_;
	my @pending;
	for my $k (@{ $n->{kids} }) {
		if ($k->{tag} eq '#comment') {
			push @pending, $1 if $k->{text} =~ /^\s*DE\s*(\d{1,2}\/\d{1,2})\b/;
			next;
		}
		my $p = $path eq '' ? local_name($k->{tag}) : "$path/" . local_name($k->{tag});
		$ucc{$p}{$_}++ for @pending;
		@pending = ();
		de_walk($k, $p);
	}
}
my @samples;
find(sub { push @samples, $File::Find::name if /\.xml$/i }, $samples);
for my $f (sort @samples) {
	my $t = eval { parse_xml(slurp($f)) } or next;
	my ($decl) = grep { local_name($_->{tag}) eq 'Declaration' } map { $_, @{ $_->{kids} } } grep { $_->{tag} ne '#comment' } @{ $t->{kids} };
	de_walk($decl, 'Declaration') if $decl;
}
for my $p (keys %ucc) {
	my $x = $seen_path{$p} or next;
	my $h = $ucc{$p};
	my ($best) = sort { $h->{$b} <=> $h->{$a} || $a cmp $b } keys %$h;
	$x->{ucc} = $best;
}
# A class whose comment names the data element of one of its children (the
# comment stood before the class, not before the child) keeps none.
for my $x (values %e) {
	next if $x->{ucc} eq '';
	$x->{ucc} = '' if grep { $_ ne $x->{pointer} && index($_, "$x->{pointer}/") == 0 && $e{$_}{ucc} eq $x->{ucc} } keys %e;
}

make_path('data/wco');
open my $f, '>:utf8', "$out.tmp" or die "wco-dict: cannot write $out.tmp: $!\n";
print $f "# The WCO Data Model as the UK CDS uses it (DEC-DMS:2 v2.15 with the elements of v2.3, RES-DMS:2):\n";
print $f "# POINTER NAME PATH FORMAT CODELIST UCC DESCRIPTION, tab-separated, one WCO pointer a line\n";
print $f "# sources: hmrc/customs-declarations\@3d058369 schemas/wco (Apache-2.0), hmrc/customs-declare-exports\@94839e2c\n";
print $f "#   schemas (Apache-2.0), hmrc/wco-dec\@d276808f pointers/data/pointer_paths.json (Apache-2.0), the DE comments\n";
print $f "#   of hmrc/customs-declarations\@3d058369 annotated_XML_samples\n";
print $f "# generated by tests/gen/wco-dict.pl (make wco-data) - do not edit\n";
for my $p (sort @order) {
	my $x = $e{$p};
	my @v = map { $x->{$_} } qw(pointer name path format codelist ucc description);
	die "wco-dict: a tab or line break in $p\n" if grep { /[\t\r\n]/ } @v;
	print $f join("\t", @v), "\n";
}
close $f or die "wco-dict: cannot write $out.tmp: $!\n";
rename "$out.tmp", $out or die "wco-dict: cannot rename $out.tmp: $!\n";
