/*
 * The endpoints file: where tdk sends documents and with which settings.
 * An INI file as git and curl users know it:
 *
 *     # a comment; so is a line starting with ';'
 *     [cds-sandbox]
 *     profile = rest
 *     url = https://test-api.example/customs/declarations
 *
 * A section names an endpoint; each "key = value" line sets one of the
 * keys its profile (rest, as4, as2) knows.  Comments are whole lines: a
 * value (a URL, a scope) keeps every character up to the end of its line,
 * '#' and ';' included, without the blanks around it.  Every fault is a
 * diagnostic with file:line:col and a stable ENDPOINT-* code; a file with
 * any fault is refused as a whole (a configuration error, exit 2).
 *
 * File names in values (client-secret-file, ca-file, catalog, key ...)
 * may start with "~/" (the HOME folder); a relative name is taken from the
 * folder of the endpoints file.  URLs are https, or http on the loopback
 * (127.0.0.0/8, ::1, localhost; tdk_http_loopback_host()) only, for tdk serve and tests.
 *
 * A client secret is only ever a file name (client-secret-file: a regular
 * file owned by the user and closed to the group and others), a file
 * descriptor (client-secret-fd) or an environment variable
 * (client-secret-env); tdk_endpoint_secret reads it, the caller wipes it.
 * The passphrase of an as4 or as2 endpoint's key comes the same three ways
 * (key-passphrase-file, key-passphrase-fd, key-passphrase-env), read by
 * tdk_endpoint_key_passphrase.
 *
 * Nothing here prints or exits; faults go to a caller-owned struct tdk_diag.
 */
#ifndef TDK_NET_ENDPOINT_H
#define TDK_NET_ENDPOINT_H

#include <stddef.h>
#include <sys/stat.h>

#include "util/diag.h"

/* Limits of the endpoints file. */
#define TDK_ENDPOINTS_FILE_MAX   (1024 * 1024)  /* bytes */
#define TDK_ENDPOINTS_LINE_MAX   4096           /* bytes in one line, without its end */
#define TDK_ENDPOINTS_MAX        1024           /* sections */
#define TDK_ENDPOINT_NAME_MAX    64             /* bytes in a section name */
#define TDK_ENDPOINT_SECRET_MAX  4096           /* bytes in a client secret */

/* Defaults of the numeric keys. */
#define TDK_ENDPOINT_TIMEOUT_DEFAULT          30   /* seconds for a whole request */
#define TDK_ENDPOINT_CONNECT_TIMEOUT_DEFAULT  10   /* seconds to connect and shake hands */
#define TDK_ENDPOINT_RETRIES_DEFAULT          3

enum tdk_endpoint_profile { TDK_PROFILE_REST, TDK_PROFILE_AS4, TDK_PROFILE_AS2 };

/* The keys, one index each; tdk_endpoint_key_name gives the name as written in the file. */
enum tdk_endpoint_key {
	TDK_EK_PROFILE, TDK_EK_URL, TDK_EK_API_VERSION, TDK_EK_GRANT, TDK_EK_AUTHORIZE_URL,
	TDK_EK_TOKEN_URL, TDK_EK_CLIENT_ID, TDK_EK_CLIENT_SECRET_FILE, TDK_EK_CLIENT_SECRET_FD,
	TDK_EK_CLIENT_SECRET_ENV, TDK_EK_SCOPE, TDK_EK_BADGE_ID, TDK_EK_SUBMITTER_ID,
	TDK_EK_NOTIFICATIONS_URL, TDK_EK_NOTIFICATIONS_GRANT, TDK_EK_FILE_UPLOAD_URL, TDK_EK_CATALOG,
	TDK_EK_NOTIFICATIONS_CATALOG, TDK_EK_RULES, TDK_EK_CA_FILE, TDK_EK_CLIENT_CERT, TDK_EK_CLIENT_KEY,
	TDK_EK_TIMEOUT,
	TDK_EK_CONNECT_TIMEOUT, TDK_EK_RETRIES,
	/* as4 (the P-Mode) */
	TDK_EK_FROM_PARTY, TDK_EK_FROM_ROLE, TDK_EK_TO_PARTY, TDK_EK_TO_ROLE, TDK_EK_SERVICE,
	TDK_EK_ACTION, TDK_EK_AGREEMENT, TDK_EK_MPC,
	/* as4 and as2 */
	TDK_EK_KEY, TDK_EK_KEY_PASSPHRASE_FILE, TDK_EK_KEY_PASSPHRASE_FD, TDK_EK_KEY_PASSPHRASE_ENV,
	TDK_EK_PARTNER_CERT, TDK_EK_ENCRYPT, TDK_EK_COMPRESS,
	/* as2 */
	TDK_EK_AS2_FROM, TDK_EK_AS2_TO, TDK_EK_SIGN, TDK_EK_MDN, TDK_EK_MDN_URL,
	TDK_EK_COUNT
};

/* What a key's value is, as tdk_endpoint_key_kind answers. */
enum tdk_endpoint_kind {
	TDK_EKIND_TEXT,     /* any printable text */
	TDK_EKIND_URL,      /* https, or http on the loopback */
	TDK_EKIND_PATH,     /* a file name, "~/" expanded, relative to the endpoints file */
	TDK_EKIND_NUMBER,   /* a whole number in decimal, in the key's range */
	TDK_EKIND_CHOICE    /* one of a list of words */
};

/* One endpoint: a section of the file.  Values are NUL-terminated and owned by the endpoint. */
struct tdk_endpoint {
	char *name;
	enum tdk_endpoint_profile profile;
	unsigned long line;                       /* of the "[name]" line */
	char *value[TDK_EK_COUNT];                /* as written, or NULL when not set */
	char *path[TDK_EK_COUNT];                 /* PATH keys: the resolved file name, else NULL */
	unsigned long vline[TDK_EK_COUNT];        /* the line of each setting (1-based) */
	unsigned long kcol[TDK_EK_COUNT];         /* the column of its key */
	unsigned long vcol[TDK_EK_COUNT];         /* the column of its value */
	unsigned long timeout, connect_timeout, retries;  /* set or defaulted */
	long secret_fd;                           /* client-secret-fd, or -1 */
};

/* A parsed endpoints file; set up with tdk_endpoints_init, freed with tdk_endpoints_release. */
struct tdk_endpoints {
	char *file;                 /* the name it was read under (owned) */
	struct tdk_endpoint *e;     /* in the order of the file */
	size_t n;
};

void tdk_endpoints_init(struct tdk_endpoints *eps);
void tdk_endpoints_release(struct tdk_endpoints *eps);

/*
 * Parses text[0..len) read from file (its name for diagnostics and the
 * folder relative file names are taken from) into eps (set up with
 * tdk_endpoints_init; emptied first).  home is the folder "~/" stands for,
 * or NULL (a "~/" name is then a fault).  Every fault goes to d.  Returns 0;
 * TDK_EXIT_USAGE when the file has a fault (eps is left empty); or
 * TDK_EXIT_INTERNAL when memory runs out.
 */
int tdk_endpoints_parse(struct tdk_endpoints *eps, const char *file, const char *text, size_t len,
			const char *home, struct tdk_diag *d);

/*
 * Reads the file path (at most TDK_ENDPOINTS_FILE_MAX bytes) and parses it
 * with $HOME for "~/".  Returns as tdk_endpoints_parse, or TDK_EXIT_IO when
 * it cannot be read (ENDPOINT-READ; a missing file is ENDPOINT-NO-FILE and
 * TDK_EXIT_USAGE, since the remedy is to write one).
 */
int tdk_endpoints_load(struct tdk_endpoints *eps, const char *path, struct tdk_diag *d);

/*
 * The endpoints file to read: $TDK_ENDPOINTS when set and not empty, else
 * $XDG_CONFIG_HOME/tdk/endpoints when XDG_CONFIG_HOME is an absolute name,
 * else $HOME/.config/tdk/endpoints.  Writes it into buf[0..n) and returns
 * buf, or returns NULL when neither is set or the name does not fit.
 */
const char *tdk_endpoints_default_path(char *buf, size_t n);

/* The endpoint called name, or NULL. */
const struct tdk_endpoint *tdk_endpoints_find(const struct tdk_endpoints *eps, const char *name);

/* The name of a key ("client-secret-file"), of a profile ("rest"); static strings. */
const char *tdk_endpoint_key_name(enum tdk_endpoint_key k);
const char *tdk_endpoint_profile_name(enum tdk_endpoint_profile p);
enum tdk_endpoint_kind tdk_endpoint_key_kind(enum tdk_endpoint_key k);

/* Whether profile p knows key k. */
int tdk_endpoint_key_in_profile(enum tdk_endpoint_key k, enum tdk_endpoint_profile p);

/*
 * The value of the Accept header that api-version sets
 * ("application/vnd.hmrc.1.0+xml") into buf[0..n); NULL when api-version is
 * not set or it does not fit.
 */
const char *tdk_endpoint_accept(const struct tdk_endpoint *e, char *buf, size_t n);

/* Where an endpoint's client secret comes from. */
enum tdk_secret_source { TDK_SECRET_NONE, TDK_SECRET_FILE, TDK_SECRET_FD, TDK_SECRET_ENV };

enum tdk_secret_source tdk_endpoint_secret_source(const struct tdk_endpoint *e);

/*
 * Describes the secret without reading it, for `tdk endpoint show`: the
 * file's mode and size ("0600, 32 bytes"), or what is wrong with it ("mode
 * 0644: refused", "missing"); the descriptor ("descriptor 3", "open" or "not
 * open"); the variable ("set, 32 bytes" or "not set").  Never the secret.
 * Writes into buf[0..n) and returns buf.
 */
const char *tdk_endpoint_secret_describe(const struct tdk_endpoint *e, char *buf, size_t n);

/*
 * Reads the endpoint's client secret into buf[0..size) (its first line) and
 * returns its length; the caller wipes buf with tdk_secret_wipe after use.
 * A file is refused unless it is a regular file owned by the user and
 * closed to the group and others (ENDPOINT-SECRET-MODE, with the chmod that
 * fixes it); an environment variable is wiped and unset once read.  Faults
 * go to d under the endpoints file's name at the line of the setting.
 * Returns -TDK_EXIT_USAGE for a refused or missing source, -TDK_EXIT_IO when
 * it cannot be read.
 */
int tdk_endpoint_secret(const struct tdk_endpoints *eps, const struct tdk_endpoint *e, char *buf, size_t size,
			struct tdk_diag *d);

/*
 * Reads the passphrase of the endpoint's key (key-passphrase-file,
 * key-passphrase-fd or key-passphrase-env) into buf[0..size) as
 * tdk_endpoint_secret reads a client secret, with the same checks, codes
 * and returns; the caller wipes buf.  An endpoint that names no source is
 * -TDK_EXIT_USAGE (ENDPOINT-SECRET: the key is encrypted and no passphrase
 * is given).
 */
int tdk_endpoint_key_passphrase(const struct tdk_endpoints *eps, const struct tdk_endpoint *e, char *buf,
				size_t size, struct tdk_diag *d);

/*
 * The steps of `tdk endpoint check`, reported one by one through fn as
 * they end: the step's name ("resolve", "connect", "tls", "certificate"),
 * its status (0 when it passed, else the exit code it fails with:
 * TDK_EXIT_REMOTE for a network failure, TDK_EXIT_TRUST for a TLS or trust
 * failure, TDK_EXIT_USAGE for a setting) and a line of detail.
 */
typedef void (*tdk_endpoint_check_fn)(void *arg, const char *step, int status, const char *detail);

/*
 * Resolves the host of e's url, connects, and for https shakes hands with
 * TLS verification on (the CA from ca-file, else the system store; the
 * client certificate and key for mutual TLS), reporting the server
 * certificate's subject and expiry; within connect-timeout.  libcurl must
 * have been initialised (curl_global_init).  Returns 0 when every step
 * passed, else the status of the first that failed.
 */
int tdk_endpoint_check(const struct tdk_endpoint *e, tdk_endpoint_check_fn fn, void *arg);

#endif
