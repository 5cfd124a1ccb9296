# Helpers for the XML tests (sourced after lib.sh; not a test itself).
#
#   marker_file NAME    writes a file holding a unique marker; prints its path
#   listen_start        starts a TCP listener on a free local port; sets $PORT
#   listen_check        fails if anything connected to it since listen_start
#   no_marker FILE...   fails if the marker appears in any of the files
#   laughs_file FILE    writes billion laughs: nested entities that expand to 3 GB
#   signing_key         makes k.key and k.pem, a self-signed RSA signer for tdk sign

MARKER="tdk-secret-$$-$(date +%s)"

marker_file() {
	printf 'root:x:0:0:%s\n' "$MARKER" >"$TRASH/$1"
	echo "$TRASH/$1"
}

no_marker() {
	if grep -l -F -- "$MARKER" "$@" 2>/dev/null; then
		echo "the marker leaked into the files above"
		return 1
	fi
	return 0
}

# A one-connection perl listener: writes "connected" to $TRASH/.conn if anything connects.
listen_start() {
	rm -f "$TRASH/.conn" "$TRASH/.port"
	perl -MIO::Socket::INET -e '
		my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0, Listen => 5, ReuseAddr => 1) or die;
		open my $p, ">", "$ARGV[0]/.port" or die; print $p $s->sockport, "\n"; close $p;
		$SIG{ALRM} = sub { exit 0 }; alarm 60;
		if (my $c = $s->accept) { open my $f, ">", "$ARGV[0]/.conn"; print $f "connected\n"; close $f; }
	' "$TRASH" &
	LISTENER=$!
	i=0
	while [ ! -s "$TRASH/.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	PORT=$(cat "$TRASH/.port")
	export PORT
}

listen_check() {
	sleep 0.2
	kill "$LISTENER" 2>/dev/null
	wait "$LISTENER" 2>/dev/null
	if [ -e "$TRASH/.conn" ]; then
		echo "something connected to 127.0.0.1:$PORT"
		return 1
	fi
	return 0
}

laughs_file() {
	{
		echo '<?xml version="1.0"?>'
		echo '<!DOCTYPE lolz ['
		echo ' <!ENTITY lol "lol">'
		prev=lol
		for i in 1 2 3 4 5 6 7 8 9; do
			printf ' <!ENTITY lol%s "' $i
			for j in 1 2 3 4 5 6 7 8 9 10; do printf '&%s;' $prev; done
			printf '">\n'
			prev=lol$i
		done
		echo ']>'
		echo '<lolz>&lol9;</lolz>'
	} >"$1"
}

signing_key() {
	openssl req -x509 -newkey rsa:2048 -nodes -keyout k.key -out k.pem -days 30 -subj /CN=t 2>/dev/null
}
