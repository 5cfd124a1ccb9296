/*
 * tdk serve: a single window on the loopback for tests and CI, answering as
 * the HMRC Customs Declarations API and Pull Notifications API do, with an
 * OAuth 2.0 token endpoint (RFC 6749, PKCE of RFC 7636), schema validation
 * through tdk's catalogs, notifications chosen by the LRN's first letter as
 * the CDS stub chooses them, faults on request, and its state in SQLite.
 * It runs until SIGTERM or SIGINT, then finishes the requests in flight and
 * closes the database.  With --cert and --key it speaks https only, with
 * --client-ca it asks clients for certificates.  With --as2-key it is also
 * an AS2 receiver (lib/net/serve-as2.c), with --as4-key an AS4 receiver
 * (lib/net/serve-as4.c), for the --partner certificates.
 * Exit 0 after a clean stop, 2 for a usage error, 3 when the clients, a
 * catalog, the state, the address, the TLS or AS2 files cannot be used.
 */
#include <openssl/pem.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "dir.h"
#include "net/serve.h"
#include "net/wss.h"
#include "sign/sign.h"
#include "util/io.h"
#include "util/secret.h"
#include "sigcmd.h"
#include "xml/xml.h"

struct serve_cli {
	const char *listen, *port_file, *state, *clients, *access_log, *fault, *cert, *key, *client_ca;
	struct tdk_optlist catalogs;
	size_t max_body;
	unsigned long max_conn, timeout, token_ttl;
	int faults, log_events, require_client_cert;
	struct tdk_buf pem[3];       /* the certificate, the key, the client CA */
	const char *pass_file;       /* the key's passphrase: --passphrase-file, --passphrase-fd, */
	unsigned long pass_fd;       /* TDK_PASSPHRASE or the terminal, as sigcmd.h reads it */
	char pass[1024];             /* wiped once the server has started */
	/* the AS2 receiver */
	const char *as2_key, *as2_cert, *as2_id, *journal;
	struct tdk_optlist partners, async_to;
	struct tdk_signer signer;
	int signer_loaded;
	/* the AS4 receiver */
	const char *as4_key, *as4_cert, *as4_party;
	struct tdk_signer as4_signer;
	int as4_loaded;
	struct tdk_serve_partner partner[TDK_OPTLIST_MAX];
	char partner_id[TDK_OPTLIST_MAX][256];
	const char *partner_file[TDK_OPTLIST_MAX];
	struct tdk_trust trust[TDK_OPTLIST_MAX];  /* the AS4 receiver's, one a partner */
	size_t ntrust;
};

#define SERVE_OPTIONS(o) \
	TDK_OPT_STRING_(0, "listen", &(o).listen, "addr:port", NULL, \
			"the IPv4 address and port to listen on (default 127.0.0.1:0, any free port)"), \
	TDK_OPT_STRING_(0, "port-file", &(o).port_file, "file", NULL, "write the port there once listening"), \
	TDK_OPT_STRING_(0, "state", &(o).state, "file", NULL, "the SQLite state database (required)"), \
	TDK_OPT_STRING_(0, "clients", &(o).clients, "file", NULL, \
			"the OAuth clients: one 'ID SECRET SCOPE[,SCOPE]' a line (required)"), \
	TDK_OPT_LIST_(0, "catalog", &(o).catalogs, "file", "an XML catalog naming the schemas to validate with"), \
	TDK_OPT_SIZE_(0, "max-body", &(o).max_body, "size", "refuse larger request bodies with 413 (default 8M)"), \
	TDK_OPT_ULONG_(0, "max-connections", &(o).max_conn, "n", "connections at once (default 64)"), \
	TDK_OPT_ULONG_(0, "timeout", &(o).timeout, "seconds", "close a connection idle that long, or a request not in after that long (default 30)"), \
	TDK_OPT_ULONG_(0, "token-ttl", &(o).token_ttl, "seconds", "access tokens' lifetime (default 3600)"), \
	TDK_OPT_STRING_(0, "access-log", &(o).access_log, "file", NULL, "append one JSON line per request"), \
	TDK_OPT_FLAG_(0, "log-events", &(o).log_events, \
		      "also log a line when a request's head arrives and when a stalled answer's headers are out"), \
	TDK_OPT_FLAG_(0, "faults", &(o).faults, "honour the X-Tdk-Fault request header"), \
	TDK_OPT_STRING_(0, "fault", &(o).fault, "list", NULL, \
			"faults for every request, or a route's with ROUTE:FAULT: drop, unavailable[=s], slow[=ms], " \
			"slow-read[=ms], stall[=ms], duplicate, reorder, expired-token"), \
	TDK_OPT_STRING_(0, "cert", &(o).cert, "file", NULL, "speak https with this PEM certificate (chain)"), \
	TDK_OPT_STRING_(0, "key", &(o).key, "file", NULL, "the certificate's PEM private key"), \
	TDK_OPT_STRING_(0, "passphrase-file", &(o).pass_file, "file", NULL, \
			"read an encrypted key's passphrase from the first line of file"), \
	TDK_OPT_ULONG_(0, "passphrase-fd", &(o).pass_fd, "fd", \
		       "read an encrypted key's passphrase from file descriptor fd"), \
	TDK_OPT_STRING_(0, "client-ca", &(o).client_ca, "file", NULL, \
			"ask clients for a certificate and refuse one this PEM CA did not issue"), \
	TDK_OPT_FLAG_(0, "require-client-cert", &(o).require_client_cert, \
		      "refuse clients without a certificate (with --client-ca)"), \
	TDK_OPT_STRING_(0, "as2-key", &(o).as2_key, "file", NULL, \
			"receive AS2 on POST /as2 with this key (PEM, PKCS#8 or PKCS#12; passphrase as for --key)"), \
	TDK_OPT_STRING_(0, "as2-cert", &(o).as2_cert, "file", NULL, \
			"the AS2 key's certificate, when the key file holds none"), \
	TDK_OPT_STRING_(0, "as2-id", &(o).as2_id, "name", NULL, "the AS2 name (AS2-To) the receiver answers to"), \
	TDK_OPT_LIST_(0, "partner", &(o).partners, "id=file", \
		      "a trading partner: its AS2 name or AS4 PartyId and the PEM certificate it signs with"), \
	TDK_OPT_LIST_(0, "as2-async-to", &(o).async_to, "prefix", \
		      "send asynchronous MDNs to URLs beginning with prefix (default: refused)"), \
	TDK_OPT_STRING_(0, "journal", &(o).journal, "file", NULL, \
			"record the MDNs POSTed to /as2/mdn into this journal (default $TDK_JOURNAL)"), \
	TDK_OPT_STRING_(0, "as4-key", &(o).as4_key, "file", NULL, \
			"receive AS4 on POST /as4 with this key (PEM, PKCS#8 or PKCS#12; passphrase as for --key)"), \
	TDK_OPT_STRING_(0, "as4-cert", &(o).as4_cert, "file", NULL, \
			"the AS4 key's certificate, when the key file holds none"), \
	TDK_OPT_STRING_(0, "as4-party", &(o).as4_party, "id", NULL, "the PartyId (eb:To) the AS4 receiver answers to"), \
	TDK_OPT_END_

static const struct tdk_cmd_usage serve_usage = { "serve", "",
	"Run a single window on the loopback: an OAuth 2.0 token endpoint, the CDS declaration and "
	"file-upload endpoints, pull notifications, faults on request." };

static int parse_listen(const char *s, char *host, size_t n, unsigned *port)
{
	const char *colon = s ? strrchr(s, ':') : NULL;
	char *end;
	unsigned long p;

	if (!s) {
		snprintf(host, n, "127.0.0.1");
		*port = 0;
		return 0;
	}
	if (!colon || (size_t)(colon - s) >= n || colon == s)
		return -1;
	p = strtoul(colon + 1, &end, 10);
	if (*end || end == colon + 1 || p > 65535)
		return -1;
	snprintf(host, n, "%.*s", (int)(colon - s), s);
	*port = (unsigned)p;
	return 0;
}

static int load_clients(struct tdk_ctx *ctx, const char *path, struct tdk_serve_opts *so)
{
	struct tdk_buf b;
	struct tdk_diag d;
	int r;

	if (tdk_read_all(path, 1u << 20, &b) < 0)
		return tdk_error(ctx, "serve", TDK_EXIT_IO, "cannot read the clients file '%s'", path);
	tdk_diag_init(&d, path);
	d.emit = tdk_dir_report_diag;
	d.arg = ctx;
	r = tdk_serve_clients_parse(b.data ? b.data : "", b.len, &d, &so->clients, &so->nclients);
	tdk_buf_release(&b);
	return r < 0 ? TDK_EXIT_IO : 0;
}

static int write_port_file(struct tdk_ctx *ctx, const char *path, unsigned port)
{
	struct tdk_output out;
	char line[16];
	int n = snprintf(line, sizeof(line), "%u\n", port);

	if (tdk_output_open(&out, path, NULL) < 0 || tdk_output_write(&out, line, (size_t)n) < 0 ||
	    tdk_output_commit(&out) < 0)
		return tdk_output_error(ctx, "serve", path, out.err);
	return 0;
}

/*
 * Reads the TLS files into o->pem and points so at them.  Returns 0, or an
 * exit status after a diagnostic.
 */
static int load_tls(struct tdk_ctx *ctx, struct serve_cli *o, struct tdk_serve_opts *so)
{
	const char *path[3] = { o->cert, o->key, o->client_ca };
	const char **dst[3] = { &so->cert_pem, &so->key_pem, &so->client_ca_pem };
	int i;

	if (!o->cert != !o->key)
		return tdk_error(ctx, "serve", TDK_EXIT_USAGE, "--cert and --key go together");
	if ((o->client_ca || o->require_client_cert) && !o->cert)
		return tdk_error(ctx, "serve", TDK_EXIT_USAGE, "--client-ca and --require-client-cert need --cert");
	if (o->require_client_cert && !o->client_ca)
		return tdk_error(ctx, "serve", TDK_EXIT_USAGE, "--require-client-cert needs --client-ca");
	for (i = 0; i < 3; i++) {
		if (!path[i])
			continue;
		if (tdk_read_all(path[i], 1u << 20, &o->pem[i]) < 0 || !o->pem[i].data)
			return tdk_error(ctx, "serve", TDK_EXIT_IO, "cannot read '%s'", path[i]);
		*dst[i] = o->pem[i].data;
	}
	so->require_client_cert = o->require_client_cert;
	if (so->key_pem && strstr(so->key_pem, "ENCRYPTED")) {
		struct tdk_passphrase_src ps = { o->pass_file, o->pass_fd, 0, NULL, 0 };
		char *env;
		int n = tdk_passphrase_get(&ps, o->key, o->pass, sizeof(o->pass));

		if ((env = getenv("TDK_PASSPHRASE")))
			tdk_secret_wipe(env, strlen(env));
		if (n < 0)
			return tdk_passphrase_error(ctx, "serve", TDK_EXIT_IO, &ps);
		so->key_password = o->pass;
	}
	return 0;
}

/* Reads the first PEM certificate of path.  Returns it, or NULL. */
static X509 *read_cert(const char *path)
{
	struct tdk_buf b;
	BIO *bio;
	X509 *c = NULL;

	if (tdk_read_all(path, 1u << 20, &b) < 0 || !b.data)
		return NULL;
	if ((bio = BIO_new_mem_buf(b.data, (int)b.len)) != NULL)
		c = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	tdk_buf_release(&b);
	return c;
}

/*
 * Reads the --partner options (ID=FILE, the ID up to the last '=', so that
 * a PartyId may hold ':') into o->partner once.  Returns 0, or an exit
 * status after a diagnostic.
 */
static int load_partners(struct tdk_ctx *ctx, struct serve_cli *o)
{
	size_t i;

	for (i = 0; i < o->partners.n; i++) {
		const char *eq = strrchr(o->partners.v[i], '=');

		if (o->partner[i].cert)
			continue;
		if (!eq || eq == o->partners.v[i] || (size_t)(eq - o->partners.v[i]) >= sizeof(o->partner_id[0]))
			return tdk_error(ctx, "serve", TDK_EXIT_USAGE, "--partner '%s' is not ID=FILE", o->partners.v[i]);
		snprintf(o->partner_id[i], sizeof(o->partner_id[i]), "%.*s", (int)(eq - o->partners.v[i]),
			 o->partners.v[i]);
		o->partner[i].id = o->partner_id[i];
		o->partner_file[i] = eq + 1;
		if (!(o->partner[i].cert = read_cert(eq + 1)))
			return tdk_error(ctx, "serve", TDK_EXIT_IO, "'%s' holds no PEM certificate", eq + 1);
	}
	return 0;
}

/*
 * Loads the AS2 receiver's key and partners into so->as2.  Returns 0, or
 * an exit status after a diagnostic.
 */
static int load_as2(struct tdk_ctx *ctx, struct serve_cli *o, struct tdk_serve_opts *so)
{
	const struct tdk_signer_opts sgo = { o->as2_key, o->as2_cert, o->pass_file, o->pass_fd };
	struct tdk_serve_as2 *a = &so->as2;
	struct tdk_diag d;
	int r;

	if (!o->as2_key)
		return o->as2_cert || o->as2_id || (o->partners.n && !o->as4_key) || o->async_to.n || o->journal
			       ? tdk_error(ctx, "serve", TDK_EXIT_USAGE, "the AS2 options need --as2-key")
			       : 0;
	if (!o->as2_id || !o->partners.n)
		return tdk_error(ctx, "serve", TDK_EXIT_USAGE, "--as2-key needs --as2-id and at least one --partner");
	if ((r = load_partners(ctx, o)))
		return r;
	if (tdk_sign_lib_init())
		return tdk_error(ctx, "serve", TDK_EXIT_INTERNAL, "cannot initialise libxmlsec1");
	tdk_diag_init(&d, o->as2_key);
	d.emit = tdk_dir_report_diag;
	d.arg = ctx;
	if ((r = tdk_cmd_load_signer(ctx, "serve", &o->signer, &sgo, &d)))
		return r;
	o->signer_loaded = 1;
	a->key = o->signer.pkey;
	a->cert = o->signer.cert;
	a->id = o->as2_id;
	a->partners = o->partner;
	a->npartners = o->partners.n;
	a->async_to = o->async_to.v;
	a->nasync_to = o->async_to.n;
	a->journal = o->journal ? o->journal : getenv("TDK_JOURNAL");
	return 0;
}

/*
 * Loads the AS4 receiver's key and partners into so->as4.  Returns 0, or
 * an exit status after a diagnostic.
 */
static int load_as4(struct tdk_ctx *ctx, struct serve_cli *o, struct tdk_serve_opts *so)
{
	const struct tdk_signer_opts sgo = { o->as4_key, o->as4_cert, o->pass_file, o->pass_fd };
	struct tdk_diag d;
	int r;

	if (!o->as4_key)
		return o->as4_cert || o->as4_party ? tdk_error(ctx, "serve", TDK_EXIT_USAGE, "the AS4 options need --as4-key")
						   : 0;
	if (!o->as4_party || !o->partners.n)
		return tdk_error(ctx, "serve", TDK_EXIT_USAGE, "--as4-key needs --as4-party and at least one --partner");
	if ((r = load_partners(ctx, o)))
		return r;
	if ((!o->signer_loaded && tdk_sign_lib_init()) || tdk_wss_lib_init())
		return tdk_error(ctx, "serve", TDK_EXIT_INTERNAL, "cannot initialise libxmlsec1");
	tdk_diag_init(&d, o->as4_key);
	d.emit = tdk_dir_report_diag;
	d.arg = ctx;
	r = tdk_cmd_load_signer(ctx, "serve", &o->as4_signer, &sgo, &d);
	o->as4_loaded = 1;     /* tdk_sign_lib_init was called: shut down once */
	if (r)
		return r;
	for (; o->ntrust < o->partners.n; o->ntrust++) {
		struct tdk_trust *t = &o->trust[o->ntrust];

		t->cert_files = &o->partner_file[o->ntrust];
		t->ncert = 1;
		if ((r = tdk_trust_load(t, &d))) {
			o->ntrust++;
			return r;
		}
		o->partner[o->ntrust].trust = t;
	}
	so->as4.signer = &o->as4_signer;
	so->as4.party = o->as4_party;
	so->as4.partners = o->partner;
	so->as4.npartners = o->partners.n;
	return 0;
}

/* Runs the server until SIGTERM or SIGINT. */
static int run(struct tdk_ctx *ctx, struct tdk_serve_opts *so, const char *port_file)
{
	struct tdk_serve *s = NULL;
	struct tdk_diag d;
	sigset_t set;
	int sig = 0, r;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);   /* the server's threads inherit the mask */
	tdk_diag_init(&d, "serve");
	d.emit = tdk_dir_report_diag;
	d.arg = ctx;
	r = tdk_serve_start(so, &d, &s);
	if (so->key_password)          /* the key is loaded (or refused): its passphrase is done with */
		tdk_secret_wipe((char *)(uintptr_t)so->key_password, strlen(so->key_password));
	so->key_password = NULL;
	if (r)
		return r;
	fprintf(ctx->out, "listening on %s://%s:%u\n", so->cert_pem ? "https" : "http", so->host, tdk_serve_port(s));
	fflush(ctx->out);
	if (port_file && (r = write_port_file(ctx, port_file, tdk_serve_port(s)))) {
		tdk_serve_stop(s);
		return r;
	}
	while (sigwait(&set, &sig) != 0)
		;
	tdk_serve_stop(s);
	fprintf(ctx->err, "tdk serve: stopped by %s\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	return TDK_EXIT_OK;
}

int cmd_serve(int argc, char **argv, struct tdk_ctx *ctx)
{
	struct serve_cli o;
	struct tdk_serve_opts so;
	struct tdk_xml_schemas set;
	struct tdk_diag d;
	const struct tdk_opt opts[] = { SERVE_OPTIONS(o) };
	char host[64], bad[64];
	FILE *log = NULL;
	int nargs, r;
	size_t i;

	memset(&o, 0, sizeof(o));
	o.pass_fd = TDK_NO_FD;
	tdk_serve_opts_init(&so);
	if ((r = tdk_parse_options(ctx, &serve_usage, opts, argc, argv, &nargs)) >= 0)
		return r;
	if (nargs)
		return tdk_error(ctx, "serve", TDK_EXIT_USAGE, "takes no operands");
	if (!o.state || !o.clients)
		return tdk_error(ctx, "serve", TDK_EXIT_USAGE, "--state and --clients are required");
	if (parse_listen(o.listen, host, sizeof(host), &so.port) < 0)
		return tdk_error(ctx, "serve", TDK_EXIT_USAGE, "--listen '%s' is not address:port", o.listen);
	if (o.fault && tdk_serve_faults_parse(so.faults, o.fault, bad, sizeof(bad)) < 0)
		return tdk_error(ctx, "serve", TDK_EXIT_USAGE, "--fault: '%s' is not a fault", bad);
	if (o.log_events && !o.access_log)
		return tdk_error(ctx, "serve", TDK_EXIT_USAGE, "--log-events needs --access-log");
	so.log_events = o.log_events;
	so.host = host;
	so.state = o.state;
	so.faults_header = o.faults;
	if (o.max_body)
		so.max_body = o.max_body;
	if (o.max_conn)
		so.max_connections = (unsigned)(o.max_conn > 10000 ? 10000 : o.max_conn);
	if (o.timeout)
		so.timeout = (unsigned)(o.timeout > 86400 ? 86400 : o.timeout);
	if (o.token_ttl)
		so.token_ttl = (unsigned)(o.token_ttl > 31536000 ? 31536000 : o.token_ttl);
	if (tdk_xml_schemas_init(&set) < 0)
		return tdk_error(ctx, "serve", TDK_EXIT_INTERNAL, "out of memory");
	so.schemas = &set;
	r = load_tls(ctx, &o, &so);
	if (!r)
		r = load_as2(ctx, &o, &so);
	if (!r)
		r = load_as4(ctx, &o, &so);
	for (i = 0; i < o.catalogs.n && !r; i++) {
		tdk_diag_init(&d, o.catalogs.v[i]);
		d.emit = tdk_dir_report_diag;
		d.arg = ctx;
		r = tdk_xml_schemas_add_catalog(&set, o.catalogs.v[i], &d);
	}
	if (!r && (r = load_clients(ctx, o.clients, &so)) == 0 && o.access_log && !(log = fopen(o.access_log, "a")))
		r = tdk_error(ctx, "serve", TDK_EXIT_IO, "cannot open the access log '%s'", o.access_log);
	so.access_log = log;
	if (!r)
		r = run(ctx, &so, o.port_file);
	if (log)
		fclose(log);
	tdk_serve_clients_free(so.clients, so.nclients);
	tdk_xml_schemas_release(&set);
	for (i = 0; i < o.partners.n; i++)
		X509_free(o.partner[i].cert);
	if (o.signer_loaded)
		tdk_signer_release(&o.signer);
	if (o.as4_loaded)
		tdk_signer_release(&o.as4_signer);
	while (o.ntrust)
		tdk_trust_release(&o.trust[--o.ntrust]);
	if (o.signer_loaded || o.as4_loaded)
		tdk_sign_lib_shutdown();
	for (i = 0; i < 3; i++) {
		if (o.pem[i].data)
			tdk_secret_wipe(o.pem[i].data, o.pem[i].len);
		tdk_buf_release(&o.pem[i]);
	}
	return tdk_finish_output(ctx, "serve", r);
}
