/*
 * tdk serve: a single window on the loopback for tests and users' CI, on
 * libmicrohttpd.  It answers as the HMRC Customs Declarations API (CDS) and
 * its Pull Notifications API do: an OAuth 2.0 token endpoint (RFC 6749 client
 * credentials, authorization code with PKCE S256 of RFC 7636, refresh
 * tokens), the declaration endpoints with the API's header checks, status
 * codes and errorResponse bodies, schema validation through tdk's own
 * validator, the file-upload flow, and notifications chosen by the first
 * letter of the LRN as the API's stub chooses them.  Its state is a SQLite
 * database (WAL, synchronous=FULL) so that a restart loses nothing.
 *
 * Threads: one per connection (MHD_USE_THREAD_PER_CONNECTION), so that slow
 * answers and slow reads delay only their own connection; the database and
 * the access log are shared under one mutex.
 */
#ifndef TDK_NET_SERVE_H
#define TDK_NET_SERVE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "util/buf.h"
#include "util/diag.h"

/* Defaults of the limits. */
#define TDK_SERVE_MAX_BODY_DEFAULT   (8u << 20)   /* bytes of a request body */
#define TDK_SERVE_MAX_CONN_DEFAULT   64u          /* connections at once */
#define TDK_SERVE_TIMEOUT_DEFAULT    30u          /* seconds a connection may stay idle */
#define TDK_SERVE_TOKEN_TTL_DEFAULT  3600u        /* seconds an access token lives */
#define TDK_SERVE_MAX_CLIENTS        256          /* lines of a clients file */

/* Faults, a bit each; chosen for every request by flags or per request by a header. */
enum tdk_serve_fault {
	TDK_FAULT_DROP          = 1 << 0,  /* read and store the body, then close without an answer */
	TDK_FAULT_UNAVAILABLE   = 1 << 1,  /* 503 with Retry-After before reading the body */
	TDK_FAULT_SLOW          = 1 << 2,  /* wait slow_ms before answering */
	TDK_FAULT_SLOW_READ     = 1 << 3,  /* wait slow_read_ms before each piece of the body */
	TDK_FAULT_DUPLICATE     = 1 << 4,  /* every notification of the declaration twice */
	TDK_FAULT_REORDER       = 1 << 5,  /* the declaration's notifications last first */
	TDK_FAULT_EXPIRED_TOKEN = 1 << 6,  /* tokens issued already expired */
	TDK_FAULT_STALL         = 1 << 7   /* send the status line and headers, hold the body stall_ms */
};

/*
 * The routes a fault may be limited to: a fault given as "ROUTE:FAULT"
 * applies to that route's requests only.  TDK_SERVE_ROUTE_ANY is every
 * request, and a request of no route below.
 */
enum tdk_serve_route {
	TDK_SERVE_ROUTE_ANY,
	TDK_SERVE_ROUTE_TOKEN,          /* "token": POST /oauth/token */
	TDK_SERVE_ROUTE_AUTHORIZE,      /* "authorize": GET /oauth/authorize */
	TDK_SERVE_ROUTE_DECLARATIONS,   /* "declarations": /customs/declarations and below */
	TDK_SERVE_ROUTE_UPLOAD,         /* "upload": /upload/REFERENCE */
	TDK_SERVE_ROUTE_NOTIFICATIONS,  /* "notifications": /notifications and below */
	TDK_SERVE_ROUTE_AS2,            /* "as2": POST /as2 and POST /as2/mdn */
	TDK_SERVE_ROUTE_AS4,            /* "as4": POST /as4 */
	TDK_SERVE_ROUTES
};

/* Defaults of the faults' parameters. */
#define TDK_SERVE_SLOW_MS_DEFAULT     2000u
#define TDK_SERVE_STALL_MS_DEFAULT    30000u
#define TDK_SERVE_RETRY_AFTER_DEFAULT 1u
/* The largest parameter a fault takes (milliseconds or seconds). */
#define TDK_SERVE_FAULT_MAX           600000u

/* A set of faults with their parameters. */
struct tdk_serve_faults {
	unsigned bits;           /* enum tdk_serve_fault */
	unsigned slow_ms;        /* TDK_FAULT_SLOW */
	unsigned slow_read_ms;   /* TDK_FAULT_SLOW_READ */
	unsigned stall_ms;       /* TDK_FAULT_STALL */
	unsigned retry_after;    /* TDK_FAULT_UNAVAILABLE's Retry-After seconds */
};

/* Sets f to no faults with the default parameters. */
void tdk_serve_faults_init(struct tdk_serve_faults *f);

/*
 * Parses a fault list "drop,slow=500,token:unavailable=3" into f, indexed
 * by enum tdk_serve_route (added to what f holds): a fault with a route
 * before a colon into f[route], one without into f[TDK_SERVE_ROUTE_ANY].
 * Returns 0, or -1 with the item at fault in bad[0..n).
 */
int tdk_serve_faults_parse(struct tdk_serve_faults f[TDK_SERVE_ROUTES], const char *s, char *bad, size_t n);

/*
 * Adds the faults of from to to: the bits, and the parameters of the
 * faults that from holds.
 */
void tdk_serve_faults_merge(struct tdk_serve_faults *to, const struct tdk_serve_faults *from);

/* One client of the clients file. */
struct tdk_serve_client {
	char *id, *secret, *scopes;   /* owned; scopes separated by spaces */
};

/*
 * Parses a clients file's text p[0..n): one client a line, "ID SECRET
 * SCOPE[,SCOPE...]" separated by blanks, '#' comments and blank lines
 * ignored, at most TDK_SERVE_MAX_CLIENTS.  Returns 0 with *out (free with
 * tdk_serve_clients_free) and *count, or -1 with a SERVE-CLIENTS error in d
 * at the line at fault.
 */
int tdk_serve_clients_parse(const char *p, size_t n, struct tdk_diag *d, struct tdk_serve_client **out,
			    size_t *count);
void tdk_serve_clients_free(struct tdk_serve_client *c, size_t count);

/*
 * Finds the value of key in an application/x-www-form-urlencoded body
 * p[0..n) (the first occurrence), percent- and plus-decoded into out.
 * Returns 1 when found, 0 when not, -1 when the body or the value is
 * malformed (a bad escape, a NUL, out of room in out).
 */
int tdk_serve_form_get(const char *p, size_t n, const char *key, struct tdk_buf *out);

struct tdk_trust;

/*
 * A trading partner of the AS2 and AS4 receivers: its AS2 name or its AS4
 * PartyId (one --partner serves both) and its certificate.
 */
struct tdk_serve_partner {
	const char *id;               /* AS2-From, or the eb:From PartyId, of its messages; borrowed */
	X509 *cert;                   /* verifies its signatures and MDNs; borrowed */
	/* The AS4 receiver's trust in cert alone, loaded once at start (loading one
	 * reads the system's certificate folder, 50 ms): read-only afterwards, so
	 * that the server's threads share it, as libxmlsec1 allows its keys
	 * manager to be.  Borrowed; NULL without the AS4 receiver. */
	const struct tdk_trust *trust;
};

/*
 * The AS2 receiver (RFC 4130): without key, POST /as2 and POST /as2/mdn
 * answer 503.  Everything borrowed for the server's life.
 */
struct tdk_serve_as2 {
	const char *id;               /* our AS2 name: the AS2-To we answer to */
	EVP_PKEY *key;                /* decrypts what is sent to us, signs our MDNs */
	X509 *cert;                   /* the key's certificate */
	const struct tdk_serve_partner *partners;
	size_t npartners;
	const char *const *async_to;  /* URL prefixes an asynchronous MDN may go to; none: refused */
	size_t nasync_to;
	const char *journal;          /* where POST /as2/mdn records MDNs; NULL: that route answers 503 */
};

struct tdk_signer;

/*
 * The AS4 receiver (eDelivery AS4 profile, lib/net/serve-as4.c): without
 * signer, POST /as4 answers 503.  A message is taken from a partner (its
 * eb:From PartyId) addressed to party (eb:To), signed with that partner's
 * certificate.  Everything borrowed for the server's life.
 */
struct tdk_serve_as4 {
	const char *party;            /* our PartyId: the eb:To we answer to */
	const struct tdk_signer *signer;  /* decrypts what is sent to us, signs our Receipts and Errors */
	const struct tdk_serve_partner *partners;
	size_t npartners;
};

/* What tdk serve is started with; strings borrowed for the server's life. */
struct tdk_serve_opts {
	const char *host;             /* "127.0.0.1" */
	unsigned port;                /* 0: any free port */
	const char *state;            /* the SQLite database */
	struct tdk_serve_client *clients;  /* borrowed */
	size_t nclients;
	struct tdk_xml_schemas *schemas;   /* catalogs for validation; borrowed */
	size_t max_body;
	unsigned max_connections, timeout, token_ttl;
	FILE *access_log;             /* JSON lines, or NULL; borrowed */
	int faults_header;            /* honour X-Tdk-Fault */
	int log_events;               /* also log a request's start and a stall (lines with "event") */
	struct tdk_serve_faults faults[TDK_SERVE_ROUTES];  /* by route, as tdk_serve_faults_parse fills it */
	/*
	 * TLS: with cert_pem (the certificate chain, PEM text) and key_pem (its
	 * private key, PEM text, encrypted or not) the server speaks https only.
	 * client_ca_pem (PEM text) asks each client for a certificate and
	 * refuses, during the handshake, one that this CA did not issue;
	 * require_client_cert refuses a client that sends none.  All borrowed
	 * for the server's life.
	 */
	const char *cert_pem, *key_pem, *client_ca_pem;
	int require_client_cert;
	/*
	 * The passphrase of an encrypted key_pem, or NULL; needed only until
	 * tdk_serve_start returns, when the caller wipes it.
	 */
	const char *key_password;
	struct tdk_serve_as2 as2;     /* the AS2 receiver */
	struct tdk_serve_as4 as4;     /* the AS4 receiver */
};

/* Sets the defaults above, no clients, no log, no faults. */
void tdk_serve_opts_init(struct tdk_serve_opts *o);

struct tdk_serve;

/* Whether this build of libmicrohttpd speaks TLS: 1 or 0. */
int tdk_serve_tls_supported(void);

/*
 * Opens the state database, binds and starts answering.  Returns 0 and
 * *out, or TDK_EXIT_IO (the database, the address, the certificate or key)
 * with a SERVE-STATE, SERVE-LISTEN or SERVE-TLS error in d.
 */
int tdk_serve_start(const struct tdk_serve_opts *o, struct tdk_diag *d, struct tdk_serve **out);

/* The port the server listens on. */
unsigned tdk_serve_port(const struct tdk_serve *s);

/*
 * Stops taking connections, lets the requests in flight be answered (for at
 * most the connection timeout), closes the database and frees s.
 */
void tdk_serve_stop(struct tdk_serve *s);

#endif
