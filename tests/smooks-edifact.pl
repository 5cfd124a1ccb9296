#!/usr/bin/perl
# Writes the UN/EDIFACT interchange that a Smooks XML rendering of EDIFACT
# messages stands for (the XML form of Smooks' UN/EDIFACT reader, namespace
# urn:org.milyn.edi.unedifact.v41, one interchangeMessage per message with its
# UNH, the message body and UNT), for the tests that start from such a file:
#
#   perl tests/smooks-edifact.pl [-D DIR] [--release REL] [--sender ID]
#        [--recipient ID] [--date CCYYMMDD:HHMM] [--ref REF] FILE.xml >out.edi
#
# Smooks leaves out the data elements and components that are empty and names
# the others by their directory tags (c:e1001, c:C002), so their positions
# come from the UNTDID segment directory: `tdk dir --format json show` of the
# release the message names, or of REL (e.g. 16A) with --release, which also
# goes into UNH S009 0054 (for a message whose own release is not installed
# and whose segments REL defines alike; the caller says so).  Smooks keeps no
# UNB: the interchange header is written from the options, in syntax version
# 4 (UNOC) with the default separators.  UNT's segment count is recomputed
# and must equal the one Smooks kept.  Segment groups (Segment_group_N) are
# walked in document order; a segment's name is its tag, with Smooks' suffix
# for a second occurrence (UNS_-_-2) cut off.
use strict;
use warnings;
use JSON::PP;

my %opt = (sender => 'SENDER', recipient => 'RECIPIENT', date => '20000101:0000', ref => '1');
my ($dir, $release, $file);
while (@ARGV) {
	my $a = shift @ARGV;
	if ($a eq '-D') { $dir = shift @ARGV; }
	elsif ($a eq '--release') { $release = shift @ARGV; }
	elsif ($a =~ /^--(sender|recipient|date|ref)$/) { $opt{$1} = shift @ARGV; }
	elsif ($a =~ /^-/) { die "smooks-edifact: unknown option $a\n"; }
	else { $file = $a; }
}
defined $file or die "usage: smooks-edifact.pl [-D DIR] [--release REL] [options] FILE.xml\n";

# A small reader for the element-only XML that Smooks writes: elements, text,
# comments and processing instructions; attributes (namespace declarations)
# are not needed.  Each node is [local-name, [children], text].
sub parse_xml {
	my ($text) = @_;
	my %ent = (lt => '<', gt => '>', amp => '&', quot => '"', apos => "'");
	my $root = ['#document', [], ''];
	my @stack = ($root);
	while ($text =~ /\G(?:(<!--.*?-->|<\?.*?\?>)|<!\[CDATA\[(.*?)\]\]>|<(\/?)([^\s\/>]+)[^>]*?(\/?)>|([^<]+))/gcs) {
		if (defined $1) { next; }
		if (defined $2) { $stack[-1][2] .= $2; next; }
		if (defined $6) {
			my $t = $6;
			$t =~ s/&#x([0-9A-Fa-f]+);/chr(hex $1)/ge;
			$t =~ s/&#([0-9]+);/chr($1)/ge;
			$t =~ s/&(lt|gt|amp|quot|apos);/$ent{$1}/g;
			$stack[-1][2] .= $t;
			next;
		}
		my ($close, $name, $empty) = ($3, $4, $5);
		(my $local = $name) =~ s/^.*://;
		if ($close) {
			die "smooks-edifact: $file: </$name> does not close <$stack[-1][0]>\n" if $stack[-1][0] ne $local;
			pop @stack;
			next;
		}
		my $node = [$local, [], ''];
		push @{$stack[-1][1]}, $node;
		push @stack, $node unless $empty;
	}
	die "smooks-edifact: $file: not well-formed near offset " . (pos($text) // 0) . "\n"
		if (pos($text) // 0) != length $text || @stack != 1;
	return $root;
}

sub child {
	my ($node, $name) = @_;
	for my $c (@{$node->[1]}) { return $c if $c->[0] eq $name; }
	return undef;
}

sub value {
	my ($node, @path) = @_;
	for my $p (@path) {
		$node = child($node, $p) or return '';
	}
	(my $v = $node->[2]) =~ s/^\s+|\s+$//g;
	return $v;
}

# ISO 9735 syntax version 4 release character before the service characters.
sub esc {
	my ($v) = @_;
	$v =~ s/([+:'?*])/?$1/g;
	return $v;
}

my %defs;
sub segment_def {
	my ($rel, $tag) = @_;
	return $defs{"$rel/$tag"} if $defs{"$rel/$tag"};
	my @cmd = ('tdk', 'dir', (defined $dir ? ('-D', $dir) : ()), '--format', 'json', 'show', "D$rel", $tag);
	open my $p, '-|', @cmd or die "smooks-edifact: cannot run tdk dir: $!\n";
	local $/;
	my $json = <$p>;
	close $p or die "smooks-edifact: tdk dir show D$rel $tag failed\n";
	my $def = JSON::PP->new->decode($json);
	# A service segment (UNS) comes with its definition per syntax version.
	($def) = grep { $_->{syntax} eq '4' } @{$def->{versions}} if $def->{versions};
	return $defs{"$rel/$tag"} = $def;
}

# Places Smooks' named children (e1001, C002) at the positions of the list of
# definitions defs (elements of a segment or components of a composite): each
# child takes the first position with its tag after the last one filled, so
# that a tag the definition repeats (C058's five 3124) fills them in turn, and
# a data element that may repeat takes the following children of the same
# tag as repetitions.  Returns the list of positions, each a list of values.
sub place {
	my ($where, $defs, $kids, $fill) = @_;
	my @out;
	my $at = 0;
	for my $k (@$kids) {
		(my $tag = $k->[0]) =~ s/^e//;
		if ($at > 0 && $defs->[$at - 1]{tag} eq $tag && ($defs->[$at - 1]{repeat} // 1) > 1) {
			push @{$out[$at - 1]}, $fill->($defs->[$at - 1], $k);
			next;
		}
		my $i = $at;
		$i++ while $i < @$defs && $defs->[$i]{tag} ne $tag;
		die "smooks-edifact: $file: $where has no $tag after position $at\n" if $i >= @$defs;
		$out[$i] = [$fill->($defs->[$i], $k)];
		$at = $i + 1;
	}
	return map { $_ // [''] } @out;
}

sub segment {
	my ($rel, $node) = @_;
	(my $tag = $node->[0]) =~ s/_.*$//;
	my $def = segment_def($rel, $tag);
	my @elems = place($tag, $def->{elements}, $node->[1], sub {
		my ($d, $k) = @_;
		return esc(value($k)) unless $d->{components};
		my @comps = place("$tag/$d->{tag}", $d->{components}, $k->[1], sub { esc(value($_[1])) });
		my $s = join ':', map { $_->[0] } @comps;
		return $s;
	});
	my $s = join '+', $tag, map { join '*', @$_ } @elems;
	return "$s'";
}

sub body {
	my ($rel, $node, $segs) = @_;
	for my $c (@{$node->[1]}) {
		if ($c->[0] =~ /^Segment_group_/) { body($rel, $c, $segs); }
		elsif ($c->[0] =~ /^[A-Z][A-Z0-9]{2}(?:_|$)/) { push @$segs, segment($rel, $c); }
		else { die "smooks-edifact: $file: unexpected <$c->[0]> in <$node->[0]>\n"; }
	}
}

open my $in, '<:raw', $file or die "smooks-edifact: cannot read $file: $!\n";
my $xml = do { local $/; <$in> };
close $in;
my $doc = parse_xml($xml);
my $env = $doc->[1][0] or die "smooks-edifact: $file: no document element\n";
$env->[0] eq 'unEdifact' or die "smooks-edifact: $file: <$env->[0]> is no Smooks unEdifact document\n";

my @out = ("UNB+UNOC:4+" . esc($opt{sender}) . '+' . esc($opt{recipient}) . "+$opt{date}+" . esc($opt{ref}) . "'");
my $count = 0;
for my $m (@{$env->[1]}) {
	next unless $m->[0] eq 'interchangeMessage';
	my ($unh, $unt, $msg) = (child($m, 'UNH'), child($m, 'UNT'));
	($msg) = grep { $_->[0] ne 'UNH' && $_->[0] ne 'UNT' } @{$m->[1]};
	die "smooks-edifact: $file: a message without UNH, body or UNT\n" unless $unh && $unt && $msg;
	my $id = child($unh, 'messageIdentifier');
	my $rel = $release // value($id, 'releaseNum');
	my @s009 = map { esc(value($id, $_)) } qw(id versionNum);
	push @s009, esc($rel), esc(value($id, 'controllingAgencyCode'));
	my $assoc = value($id, 'associationAssignedCode');
	push @s009, esc($assoc) if $assoc ne '';
	my $ref = value($unh, 'messageRefNum');
	my @segs = ('UNH+' . esc($ref) . '+' . join(':', @s009) . "'");
	body($rel, $msg, \@segs);
	my $n = @segs + 1;
	my $kept = value($unt, 'segmentCount');
	die "smooks-edifact: $file: message $ref has $n segments, its UNT says $kept\n" if $kept ne '' && $kept != $n;
	push @out, @segs, "UNT+$n+" . esc($ref) . "'";
	$count++;
}
push @out, "UNZ+$count+" . esc($opt{ref}) . "'";
print join("\n", @out), "\n";
