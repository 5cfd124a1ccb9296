/*
 * tdk serve's state in SQLite: tokens (by their SHA-256, never the token),
 * declarations received, uploads, notifications with their pulled flag,
 * AS2 messages received with the MDN answered (once per Message-ID), AS4
 * messages with their payloads and the Receipt answered (once per
 * MessageId).
 * WAL and synchronous=FULL: an answer is durable before it is sent.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/serve-int.h"

static const char schema_sql[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=FULL;"
	"CREATE TABLE IF NOT EXISTS tokens(hash TEXT PRIMARY KEY, kind TEXT NOT NULL, client TEXT NOT NULL,"
	" scope TEXT NOT NULL, expires INTEGER NOT NULL, extra TEXT);"
	"CREATE TABLE IF NOT EXISTS declarations(conversation_id TEXT PRIMARY KEY, lrn TEXT, sha256 TEXT NOT NULL,"
	" kind TEXT NOT NULL, client TEXT, received INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS uploads(reference TEXT PRIMARY KEY, conversation_id TEXT NOT NULL,"
	" sha256 TEXT, received INTEGER);"
	"CREATE TABLE IF NOT EXISTS notifications(id TEXT PRIMARY KEY, seq INTEGER NOT NULL,"
	" conversation_id TEXT NOT NULL, lrn TEXT, due INTEGER NOT NULL, pulled INTEGER NOT NULL DEFAULT 0,"
	" body TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS as2_messages(message_id TEXT PRIMARY KEY, as2_from TEXT NOT NULL,"
	" received INTEGER NOT NULL, sha256 TEXT NOT NULL, payload BLOB NOT NULL, mdn_type TEXT, mdn BLOB);"
	"CREATE TABLE IF NOT EXISTS as4_messages(message_id TEXT PRIMARY KEY, from_party TEXT NOT NULL,"
	" service TEXT NOT NULL, action TEXT NOT NULL, received INTEGER NOT NULL, receipt BLOB NOT NULL);"
	"CREATE TABLE IF NOT EXISTS as4_payloads(message_id TEXT NOT NULL REFERENCES as4_messages(message_id),"
	" seq INTEGER NOT NULL, cid TEXT NOT NULL, mime_type TEXT NOT NULL, sha256 TEXT NOT NULL, bytes BLOB NOT NULL,"
	" PRIMARY KEY(message_id, seq));";

int serve_store_open(struct tdk_serve *s, const char *path, char *err, size_t n)
{
	char *msg = NULL;

	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
			    NULL) != SQLITE_OK) {
		snprintf(err, n, "%s", s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 5000);
	if (sqlite3_exec(s->db, schema_sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, n, "%s", msg ? msg : "cannot set the database up");
		sqlite3_free(msg);
		goto fail;
	}
	return 0;
fail:
	sqlite3_close(s->db);
	s->db = NULL;
	return -1;
}

void serve_store_close(struct tdk_serve *s)
{
	if (s->db)
		sqlite3_close(s->db);
	s->db = NULL;
}

static sqlite3_stmt *prepare(struct tdk_serve *s, const char *sql, int nparam, const char *const *params)
{
	sqlite3_stmt *st = NULL;
	int i;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	for (i = 0; i < nparam; i++) {
		int rc = params[i] ? sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_TRANSIENT)
				   : sqlite3_bind_null(st, i + 1);

		if (rc != SQLITE_OK) {
			sqlite3_finalize(st);
			return NULL;
		}
	}
	return st;
}

int serve_store_exec(struct tdk_serve *s, const char *sql, int nparam, const char *const *params)
{
	sqlite3_stmt *st = prepare(s, sql, nparam, params);
	int rc;

	if (!st)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int serve_store_query(struct tdk_serve *s, const char *sql, int nparam, const char *const *params,
		      void (*row)(void *arg, int ncol, const char *const *values), void *arg)
{
	sqlite3_stmt *st = prepare(s, sql, nparam, params);
	const char *v[8];
	int rc, rows = 0;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int ncol = sqlite3_column_count(st), i;

		if (ncol > 8)
			ncol = 8;
		for (i = 0; i < ncol; i++)
			v[i] = (const char *)sqlite3_column_text(st, i);
		row(arg, ncol, v);
		rows++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? rows : -1;
}

int serve_store_changes(struct tdk_serve *s)
{
	return sqlite3_changes(s->db);
}

int serve_store_as2(struct tdk_serve *s, const char *message_id, const char *from, const char *sha256,
		    const void *payload, size_t n, const char *mdn_type, const void *mdn, size_t mdn_len)
{
	const char *p[2] = { message_id, from };
	sqlite3_stmt *st = prepare(s, "INSERT OR IGNORE INTO as2_messages(message_id, as2_from, received, sha256,"
				   " payload, mdn_type, mdn) VALUES (?, ?, ?, ?, ?, ?, ?)", 2, p);
	int rc;

	if (!st)
		return -1;
	rc = sqlite3_bind_int64(st, 3, (sqlite3_int64)serve_now()) != SQLITE_OK ||
	     sqlite3_bind_text(st, 4, sha256, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
	     sqlite3_bind_blob64(st, 5, n ? payload : "", n, SQLITE_TRANSIENT) != SQLITE_OK ||
	     (mdn_type ? sqlite3_bind_text(st, 6, mdn_type, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, 6)) != SQLITE_OK ||
	     (mdn ? sqlite3_bind_blob64(st, 7, mdn, mdn_len, SQLITE_TRANSIENT) : sqlite3_bind_null(st, 7)) != SQLITE_OK;
	if (!rc)
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	else
		rc = -1;
	sqlite3_finalize(st);
	return rc < 0 ? -1 : sqlite3_changes(s->db) > 0;
}

int serve_store_as2_get(struct tdk_serve *s, const char *message_id, char **from, char **type,
			struct tdk_buf *mdn)
{
	const char *p[1] = { message_id };
	sqlite3_stmt *st = prepare(s, "SELECT as2_from, mdn_type, mdn FROM as2_messages WHERE message_id=?", 1, p);
	int rc;

	*from = *type = NULL;
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const void *b = sqlite3_column_blob(st, 2);
		int len = sqlite3_column_bytes(st, 2);

		*from = strdup((const char *)sqlite3_column_text(st, 0));
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			*type = strdup((const char *)sqlite3_column_text(st, 1));
		tdk_buf_reset(mdn);
		rc = !*from || (sqlite3_column_type(st, 1) != SQLITE_NULL && !*type) ||
		     (len > 0 && tdk_buf_add(mdn, b, (size_t)len) < 0) ? -1 : 1;
	} else {
		rc = rc == SQLITE_DONE ? 0 : -1;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Inserts payload seq of message_id.  Returns 0 or -1. */
static int store_as4_part(struct tdk_serve *s, const char *message_id, int seq, const struct serve_as4_part *p)
{
	char sha[65];
	const char *v[4] = { message_id, p->cid, p->type, sha };
	sqlite3_stmt *st;
	int rc;

	serve_sha256(p->bytes, p->len, sha, NULL);
	st = prepare(s, "INSERT INTO as4_payloads(message_id, cid, mime_type, sha256, seq, bytes)"
		     " VALUES (?, ?, ?, ?, ?, ?)", 4, v);
	if (!st)
		return -1;
	rc = sqlite3_bind_int(st, 5, seq) == SQLITE_OK &&
	     sqlite3_bind_blob64(st, 6, p->len ? p->bytes : "", p->len, SQLITE_TRANSIENT) == SQLITE_OK &&
	     sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return rc;
}

int serve_store_as4(struct tdk_serve *s, const char *message_id, const char *from, const char *service,
		    const char *action, const struct serve_as4_part *p, size_t n, const void *receipt, size_t rlen)
{
	const char *v[4] = { message_id, from, service, action };
	sqlite3_stmt *st;
	size_t i;
	int rc = -1;

	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	st = prepare(s, "INSERT OR IGNORE INTO as4_messages(message_id, from_party, service, action, received, receipt)"
		     " VALUES (?, ?, ?, ?, ?, ?)", 4, v);
	if (!st)
		goto out;
	if (sqlite3_bind_int64(st, 5, (sqlite3_int64)serve_now()) != SQLITE_OK ||
	    sqlite3_bind_blob64(st, 6, receipt, rlen, SQLITE_TRANSIENT) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		goto out;
	}
	sqlite3_finalize(st);
	if (sqlite3_changes(s->db) == 0) {
		rc = 0;
		goto out;
	}
	for (i = 0; i < n; i++)
		if (store_as4_part(s, message_id, (int)i + 1, &p[i]) < 0)
			goto out;
	rc = 1;
out:
	if (rc == 1 && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = -1;
	if (rc != 1)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int serve_store_as4_same(struct tdk_serve *s, const char *message_id, const struct serve_as4_part *p, size_t n)
{
	const char *v[1] = { message_id };
	sqlite3_stmt *st = prepare(s, "SELECT sha256 FROM as4_payloads WHERE message_id=? ORDER BY seq", 1, v);
	char sha[65];
	size_t i = 0;
	int rc, same = 1;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);

		if (i < n)
			serve_sha256(p[i].bytes, p[i].len, sha, NULL);
		if (i >= n || !t || strcmp((const char *)t, sha))
			same = 0;
		i++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	return same && i == n;
}

int serve_store_as4_get(struct tdk_serve *s, const char *message_id, char **from, struct tdk_buf *receipt)
{
	const char *v[1] = { message_id };
	sqlite3_stmt *st = prepare(s, "SELECT from_party, receipt FROM as4_messages WHERE message_id=?", 1, v);
	int rc;

	*from = NULL;
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const void *b = sqlite3_column_blob(st, 1);
		int len = sqlite3_column_bytes(st, 1);

		*from = strdup((const char *)sqlite3_column_text(st, 0));
		tdk_buf_reset(receipt);
		rc = !*from || (len > 0 && tdk_buf_add(receipt, b, (size_t)len) < 0) ? -1 : 1;
	} else {
		rc = rc == SQLITE_DONE ? 0 : -1;
	}
	sqlite3_finalize(st);
	return rc;
}
