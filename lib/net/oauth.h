/*
 * The OAuth 2.0 client (RFC 6749) that single windows ask for: client
 * credentials (§4.4) for application-restricted APIs, the authorization
 * code grant (§4.1) with PKCE (RFC 7636, S256) and a loopback redirect (RFC
 * 8252 §7.3) for user-restricted ones, refresh (§6), and a token cache per
 * endpoint.
 *
 * Secrets: the client secret is borrowed from the caller, who reads it from
 * a file and wipes it; access and refresh tokens are held in memory that is
 * wiped when released.  No diagnostic ever holds a secret, a token, an
 * authorization code or a PKCE verifier; a server's error_description is
 * shown with every byte outside printable ASCII replaced.
 *
 * The cache: DIR/NAME.token holds the access token, its type and expiry;
 * DIR/NAME.refresh the refresh token.  DIR is the caller's, or
 * $XDG_CACHE_HOME/tdk (~/.cache/tdk); it is made 0700, the files 0600,
 * written atomically (a temporary file renamed), and a cache file readable
 * by others is refused (OAUTH-CACHE-MODE), as are a group- or
 * world-writable folder and a symbolic link.
 *
 * Functions return a tdk exit code: 0; TDK_EXIT_REMOTE (4) when the server
 * could not be reached or answered something unusable; TDK_EXIT_TRUST (5)
 * when it refused the credentials (an OAuth error response: invalid_client,
 * invalid_grant ...) or TLS failed; TDK_EXIT_IO (3) for the cache;
 * TDK_EXIT_USAGE (2) for settings that cannot work; TDK_EXIT_INTERNAL (70).
 */
#ifndef TDK_OAUTH_H
#define TDK_OAUTH_H

#include <stddef.h>
#include <time.h>

#include "net/http.h"
#include "util/diag.h"

#define TDK_OAUTH_TOKEN_MAX 8192        /* longest access or refresh token kept */
#define TDK_OAUTH_RESPONSE_MAX 65536    /* cap of a token response body */
#define TDK_OAUTH_EXPIRY_SKEW 30        /* a token this close to expiry (seconds) counts as expired */

/* A token as the server gave it (RFC 6749 §5.1); release with tdk_oauth_token_release. */
struct tdk_oauth_token {
	char *access_token;    /* owned, wiped on release; b64token characters only (RFC 6750 §2.1) */
	char *refresh_token;   /* owned, wiped on release; NULL when none was given */
	char *scope;           /* owned; NULL when absent */
	char token_type[16];   /* "Bearer": the only type tdk sends */
	long expires_in;       /* seconds, as given; -1 when absent */
	time_t expires_at;     /* expires_in after the response came; 0 when unknown */
};

/* An error response (RFC 6749 §5.2): printable ASCII only, cut to fit. */
struct tdk_oauth_error {
	char error[64];          /* e.g. "invalid_client" */
	char description[256];   /* error_description, or "" */
};

/* Sets t up empty. */
void tdk_oauth_token_init(struct tdk_oauth_token *t);

/* Wipes and frees what t holds, leaving it empty. */
void tdk_oauth_token_release(struct tdk_oauth_token *t);

/*
 * Reads a token endpoint's JSON answer p[0..n).  Returns 0 with t filled
 * (access_token and token_type "Bearer", any case, are required; expires_in
 * a non-negative integer, also taken as a string of digits; expires_at is
 * now + expires_in), 1 with e filled when the answer is an error response
 * (an "error" member), or -1 with a diagnostic: JSON-SYNTAX,
 * OAUTH-TOKEN-LIMIT (a string over TDK_OAUTH_TOKEN_MAX bytes, nesting),
 * OAUTH-TOKEN-SHAPE (not an object, a member missing, repeated or of the
 * wrong type, a token with characters a header cannot carry),
 * OAUTH-TOKEN-TYPE (a type other than Bearer).  Unknown members are
 * skipped.  t is released first; on -1 and 1 it is left empty.
 */
int tdk_oauth_token_parse(const char *p, size_t n, time_t now, struct tdk_oauth_token *t,
			  struct tdk_oauth_error *e, struct tdk_diag *d);

/* How the client authenticates at the token endpoint (RFC 6749 §2.3.1). */
enum tdk_oauth_auth {
	TDK_OAUTH_SECRET_BASIC,   /* client_secret_basic: HTTP Basic, id and secret form-encoded */
	TDK_OAUTH_SECRET_POST,    /* client_secret_post: client_id and client_secret in the body */
	TDK_OAUTH_PUBLIC          /* no secret: client_id in the body (PKCE protects the code) */
};

/* One endpoint's client settings; every pointer is borrowed. */
struct tdk_oauth_client {
	struct tdk_http *http;       /* the connection to use */
	const char *token_url;
	const char *authorize_url;   /* for the authorization code grant */
	const char *client_id;
	const char *secret;          /* the client secret, or NULL */
	size_t secret_len;
	enum tdk_oauth_auth auth;
	const char *scope;           /* space-separated, or NULL */
	const char *cache_dir;       /* NULL: $XDG_CACHE_HOME/tdk, else ~/.cache/tdk */
	const char *name;            /* the endpoint's name, the cache files' stem; NULL: no cache */
};

/* Client credentials grant (§4.4): fills t.  Returns an exit code as above. */
int tdk_oauth_client_credentials(const struct tdk_oauth_client *c, time_t now, struct tdk_oauth_token *t,
				 struct tdk_diag *d);

/* Refresh (§6) with refresh_token: fills t (keeping refresh_token when the server gives no new one). */
int tdk_oauth_refresh(const struct tdk_oauth_client *c, const char *refresh_token, time_t now,
		      struct tdk_oauth_token *t, struct tdk_diag *d);

/* ---- The authorization code grant on a loopback redirect (oauth-login.c) ---- */

/* One login in progress; tdk_oauth_login_release after use. */
struct tdk_oauth_login {
	int fd;                     /* the listening socket on 127.0.0.1; -1 when closed */
	unsigned port;              /* its port, chosen by the system */
	char redirect_uri[64];      /* http://127.0.0.1:PORT/callback */
	char state[48];             /* a random state, base64url */
	char verifier[48];          /* the PKCE code verifier (43 characters), wiped on release */
	char *authorize_url;        /* the URL the person opens; owned */
};

/*
 * Listens on 127.0.0.1 port 0 and builds the authorization request URL
 * (§4.1.1 with code_challenge and code_challenge_method=S256) from fresh
 * random state and verifier (getrandom).  Returns an exit code.
 */
int tdk_oauth_login_start(const struct tdk_oauth_client *c, struct tdk_oauth_login *l, struct tdk_diag *d);

/*
 * Waits at most timeout_ms for the browser's redirect to the loopback,
 * answers it with a short page, checks the state (OAUTH-STATE), takes the
 * code or the error (§4.1.2.1: OAUTH-DENIED), and exchanges the code with
 * the verifier (§4.1.3).  Requests to other paths are answered 404 and the
 * wait goes on.  Returns an exit code; OAUTH-TIMEOUT (exit 4) when no
 * redirect came.
 */
int tdk_oauth_login_finish(const struct tdk_oauth_client *c, struct tdk_oauth_login *l, int timeout_ms,
			   time_t now, struct tdk_oauth_token *t, struct tdk_diag *d);

/* Closes the socket, wipes the verifier and frees the URL. */
void tdk_oauth_login_release(struct tdk_oauth_login *l);

/* ---- The token cache (oauth-cache.c) ---- */

/*
 * Loads c->name's cached token into t.  Returns 0 when an access token not
 * expired at now is there (its refresh token too, when kept), 1 when there
 * is none or it expired (t then holds the refresh token alone, if kept), or
 * an exit code above 1 for a cache that cannot be trusted or read.
 */
int tdk_oauth_cache_load(const struct tdk_oauth_client *c, time_t now, struct tdk_oauth_token *t,
			 struct tdk_diag *d);

/* Stores t in c->name's cache (the refresh token in its own file when t has one).  Returns an exit code. */
int tdk_oauth_cache_store(const struct tdk_oauth_client *c, const struct tdk_oauth_token *t, struct tdk_diag *d);

/* Removes c->name's cached access token (kept refresh token stays); returns an exit code. */
int tdk_oauth_cache_drop(const struct tdk_oauth_client *c, struct tdk_diag *d);

/*
 * A token for c: the cached one while it is valid, else a refresh with the
 * kept refresh token, else (client_credentials set) a new client
 * credentials grant; a new token is stored in the cache.  Without any,
 * OAUTH-LOGIN (exit 5): the person must log in first.
 */
int tdk_oauth_token_get(const struct tdk_oauth_client *c, int client_credentials, time_t now,
			struct tdk_oauth_token *t, struct tdk_diag *d);

/*
 * Sends req with "Authorization: Bearer" and a token from tdk_oauth_token_get
 * added to its headers; on a 401, drops the cached token, gets a new one
 * (refresh or grant) and sends once more.  Returns the exit code of getting
 * a token, or 0 once tdk_http_request answered (r->status then says the
 * rest; a second 401 is the caller's to report), or TDK_EXIT_REMOTE after
 * an HTTP failure (r->outcome says whether the request arrived).
 */
int tdk_oauth_request(const struct tdk_oauth_client *c, int client_credentials, const struct tdk_http_req *req,
		      struct tdk_http_resp *r, struct tdk_diag *d);

#endif
