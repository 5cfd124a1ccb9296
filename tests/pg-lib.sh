# Helpers for the tests of the PostgreSQL journal (after lib.sh): a throwaway
# cluster of Debian's postgresql in a temporary folder, listening on a Unix
# socket in that folder only (no TCP), run by an unprivileged user when the
# tests run as root (postgres when there is one, else nobody), stopped on exit.
#
#   pg_start          starts it; returns 1 with $PG_SKIP saying why when it cannot
#   pg_start_or_skip  starts it, or skips the whole test file with the reason; sets
#                     FILL (tests/gen/journal-fill) and XDG_STATE_HOME (the heads)
#   pg_url DB         the journal's URL for database DB (made by pg_db)
#   pg_db DB          makes database DB
#   pg_sql DB SQL     runs SQL in DB with psql, prints the rows unaligned
#   pg_stop           stops it and removes the folder (the EXIT trap does it too)

unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGPASSFILE PGSERVICE PGSERVICEFILE PGOPTIONS PGSSLMODE
PGD=
PG_RUN=
PG_BIN=
trap 'pg_stop; rm -rf "$TRASH"' EXIT
trap 'exit 130' INT TERM

pg_start() {
	for b in /usr/lib/postgresql/*/bin; do
		[ -x "$b/initdb" ] && [ -x "$b/pg_ctl" ] && PG_BIN=$b
	done
	if [ -z "$PG_BIN" ]; then
		PG_SKIP="postgresql is not installed (no /usr/lib/postgresql/*/bin/initdb)"
		return 1
	fi
	if ! command -v psql >/dev/null; then
		PG_SKIP="psql is not installed"
		return 1
	fi
	PGD=$(mktemp -d /tmp/tdk-pg.XXXXXX) || return 1
	if [ "$(id -u)" = 0 ]; then
		u=nobody
		id postgres >/dev/null 2>&1 && u=postgres
		chown "$u" "$PGD" && PG_RUN="runuser -u $u --"
	fi
	if ! $PG_RUN "$PG_BIN/initdb" -D "$PGD/data" -U tdk -A trust -E UTF8 --locale=C --no-sync >"$PGD/initdb.log" 2>&1; then
		PG_SKIP="initdb failed: $(tail -1 "$PGD/initdb.log")"
		return 1
	fi
	printf "listen_addresses = ''\nunix_socket_directories = '%s'\nfsync = off\nfull_page_writes = off\n" "$PGD" \
		>>"$PGD/data/postgresql.conf"
	if ! $PG_RUN "$PG_BIN/pg_ctl" -D "$PGD/data" -l "$PGD/log" -w -t 30 start >/dev/null 2>&1; then
		PG_SKIP="the cluster did not start: $(tail -1 "$PGD/log")"
		return 1
	fi
}

pg_stop() {
	if [ -n "$PGD" ] && [ -d "$PGD" ]; then
		$PG_RUN "$PG_BIN/pg_ctl" -D "$PGD/data" -m immediate -w -t 10 stop >/dev/null 2>&1
		rm -rf "$PGD"
	fi
	PGD=
}

pg_url() {
	echo "postgresql://tdk@/$1?host=$PGD"
}

pg_sql() {
	psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$PGD" -U tdk -d "$1" -c "$2"
}

pg_db() {
	pg_sql postgres "CREATE DATABASE $1"
}

pg_start_or_skip() {
	if ! pg_start; then
		test_skip 'the PostgreSQL journal' "$PG_SKIP"
		test_done
	fi
	FILL=$REPO/$TDK_BUILD/tests/gen/journal-fill
	XDG_STATE_HOME=$TRASH/state
	export FILL XDG_STATE_HOME
}
