/*
 * The inside of tdk serve, shared by its files: the server, a request being
 * answered, the state database and the helpers the handlers use.
 */
#ifndef TDK_NET_SERVE_INT_H
#define TDK_NET_SERVE_INT_H

#include <pthread.h>
#include <stdint.h>

#include "net/serve.h"

struct MHD_Daemon;
struct MHD_Connection;
struct sqlite3;

/* The server; one per tdk_serve_start. */
struct tdk_serve {
	struct tdk_serve_opts o;
	struct MHD_Daemon *mhd;
	struct sqlite3 *db;
	pthread_mutex_t lock;        /* the database and the access log */
	unsigned port;
	unsigned active;              /* requests being answered, under lock */
	int stopping;                 /* tdk_serve_stop has begun: pauses end early; under lock */
};

#define SERVE_MAX_HEADERS 8
#define SERVE_UPLOAD_ACL "private"  /* the acl field of tdk serve's upload forms (serve-cds.c issues, serve-upload.c checks) */

/* A request and its answer; lives from the first call of the handler to the connection's end. */
struct serve_req {
	struct tdk_serve *s;
	struct MHD_Connection *conn;
	const char *method, *url;    /* borrowed from libmicrohttpd */
	struct tdk_buf body;         /* capped at max_body */
	int too_big;
	enum tdk_serve_route route;  /* by the path */
	struct tdk_serve_faults f;   /* the faults in effect */
	int stalled;                 /* the stall fault's pause is over (or under way) */
	int64_t t0_ms;
	/* the answer */
	unsigned status;
	const char *ctype;
	struct tdk_buf resp;
	const char *hname[SERVE_MAX_HEADERS];
	char hval[SERVE_MAX_HEADERS][512];
	int nh;
	int drop;                    /* close without an answer */
	char conversation[40];       /* for the access log */
	char client[128];            /* the client the token belongs to, for the access log */
	char code[32];               /* the diagnostic code that refused the request, for the access log */
	char ctype_buf[512];         /* an answer's Content-Type made for this request (r->ctype points here) */
};

/* Milliseconds of the real-time clock; seconds of it. */
int64_t serve_now_ms(void);
int64_t serve_now(void);

/* Fills out with n random bytes from the kernel's CSPRNG.  Returns 0 or -1. */
int serve_random(unsigned char *out, size_t n);

/* A version 4 UUID in out[37] from the CSPRNG.  Returns 0 or -1. */
int serve_uuid(char out[37]);

/* A random token of 32 bytes as 64 hex digits in out[65].  Returns 0 or -1. */
int serve_token(char out[65]);

/* The SHA-256 of p[0..n) as 64 hex digits in hex[65]; as 32 bytes in raw when not NULL. */
void serve_sha256(const void *p, size_t n, char hex[65], unsigned char raw[32]);

/* Base64url without padding (RFC 4648 section 5) of p[0..n) into out. */
void serve_b64url(const unsigned char *p, size_t n, char *out, size_t cap);

/* Adds a header to the answer (the value copied, truncated at 511 bytes). */
void serve_header(struct serve_req *r, const char *name, const char *value);

/* Sets the answer: status, type and body text. */
void serve_answer(struct serve_req *r, unsigned status, const char *ctype, const char *body);

/* Sets the answer to a refusal: status, a sentence as text/plain, and code for the access log. */
void serve_refuse(struct serve_req *r, unsigned status, const char *code, const char *msg);

/* The first error a diagnostic sink received: its code and message. */
struct serve_first_err {
	const char *code;
	char msg[TDK_DIAG_MSG_MAX];
};

/* Sets d up (under the name name) to keep its first error in e, cleared first. */
void serve_diag_first(struct tdk_diag *d, const char *name, struct serve_first_err *e);

/* A request header's value, or NULL. */
const char *serve_req_header(struct serve_req *r, const char *name);

/* The handlers: each fills r's answer. */
void serve_oauth_token(struct serve_req *r);
void serve_oauth_authorize(struct serve_req *r);
void serve_cds(struct serve_req *r, const char *sub);
void serve_upload(struct serve_req *r, const char *ref);
void serve_pull(struct serve_req *r, const char *sub);
void serve_as2(struct serve_req *r);
void serve_as2_mdn(struct serve_req *r);

/*
 * What a Disposition-Notification-Options header h (may be NULL) asks
 * (RFC 4130 section 7.3): *sign set when signed-receipt-protocol names
 * pkcs7-signature; the first MIC algorithm of signed-receipt-micalg that
 * tdk knows into alg[0..n) (empty when none).
 */
void serve_as2_mdn_options(const char *h, int *sign, char *alg, size_t n);
void serve_as4(struct serve_req *r);

/*
 * Checks the Bearer token of r: returns 1 and fills r->client when it is
 * known, unexpired and (when scope is not NULL) holds scope; else 0.
 */
int serve_bearer_ok(struct serve_req *r, const char *scope);

/* ---- the state database (serve-store.c); callers hold s->lock ---- */

/* Opens or creates the database at path.  Returns 0, or -1 with a message in err. */
int serve_store_open(struct tdk_serve *s, const char *path, char *err, size_t n);
void serve_store_close(struct tdk_serve *s);

/* Runs one statement with text parameters (NULL binds SQL NULL), no rows expected.  Returns 0 or -1. */
int serve_store_exec(struct tdk_serve *s, const char *sql, int nparam, const char *const *params);

/*
 * Runs a query with text parameters; for each row calls row(arg, ncol, values).
 * Returns the number of rows, or -1.
 */
int serve_store_query(struct tdk_serve *s, const char *sql, int nparam, const char *const *params,
		      void (*row)(void *arg, int ncol, const char *const *values), void *arg);

/*
 * Stores a received AS2 message with the MDN answered to it (mdn NULL when
 * none was asked) unless its Message-ID is stored already.  Returns 1 when
 * stored, 0 when the Message-ID was there (nothing written), -1.
 */
int serve_store_as2(struct tdk_serve *s, const char *message_id, const char *from, const char *sha256,
		    const void *payload, size_t n, const char *mdn_type, const void *mdn, size_t mdn_len);

/*
 * The MDN stored with message_id: 1 with the sender in from (owned, free()),
 * the MDN's type in type (owned; NULL when none was asked) and its bytes in
 * mdn; 0 when not stored; -1.
 */
int serve_store_as2_get(struct tdk_serve *s, const char *message_id, char **from, char **type,
			struct tdk_buf *mdn);

/* One payload of a received AS4 message to store: its Content-ID, MIME type and bytes (borrowed). */
struct serve_as4_part {
	const char *cid, *type;
	const void *bytes;
	size_t len;
};

/*
 * Stores a received AS4 message (its payloads in order, each with its
 * SHA-256) with the Receipt answered to it, in one transaction, unless its
 * MessageId is stored already.  Returns 1 when stored, 0 when the MessageId
 * was there (nothing written), -1.
 */
int serve_store_as4(struct tdk_serve *s, const char *message_id, const char *from, const char *service,
		    const char *action, const struct serve_as4_part *p, size_t n, const void *receipt, size_t rlen);

/*
 * Whether the payloads stored for message_id are p[0..n), in order, by
 * their SHA-256.  Returns 1, 0, or -1 when the state cannot be read.
 * Under s->lock.
 */
int serve_store_as4_same(struct tdk_serve *s, const char *message_id, const struct serve_as4_part *p, size_t n);

/*
 * The Receipt stored with message_id: 1 with the sender's PartyId in from
 * (owned, free()) and the Receipt in receipt; 0 when not stored; -1.
 */
int serve_store_as4_get(struct tdk_serve *s, const char *message_id, char **from, struct tdk_buf *receipt);

/* The rows the last statement changed. */
int serve_store_changes(struct tdk_serve *s);

#endif
