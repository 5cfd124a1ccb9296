/*
 * tdk endpoint: the endpoints file (lib/net/endpoint.h) seen from the
 * command line.  `list` names each endpoint with its profile and URL;
 * `show NAME` prints every setting with file names resolved and the client
 * secret described, never printed; `check NAME` reads the client secret
 * (refusing a file open to others), resolves the host, connects and shakes
 * hands with TLS, verification always on (RFC 8446, RFC 6125 host names),
 * and reports the server certificate, each step a line; `login NAME`
 * runs the authorization code grant with PKCE through a loopback redirect
 * and keeps the tokens in the cache tdk submit reads.  Exit 0, 2 for a
 * configuration error (the file, a setting, a secret refused, a login to an
 * endpoint without that grant), 3 when the file cannot be read, 4 for a
 * network failure or a login that never came back, 5 for a TLS or trust
 * failure or a refused login.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "cmd.h"
#include "dir.h"
#include "net/auth.h"
#include "net/ebms.h"
#include "net/endpoint.h"
#include "util/secret.h"

extern char **environ;

struct ep_opts {
	const char *file, *format;
	unsigned long timeout;
	int quiet, open;
};

#define EP_OPTIONS(o) \
	TDK_OPT_STRING_(0, "endpoints", &(o).file, "file", NULL, \
			"read the endpoints from file instead of $TDK_ENDPOINTS or $XDG_CONFIG_HOME/tdk/endpoints"), \
	TDK_OPT_STRING_(0, "format", &(o).format, "format", "text|json", \
			"list and show: INI-style text, or one JSON object per endpoint"), \
	TDK_OPT_FLAG_('q', "quiet", &(o).quiet, "check: print nothing; login: no sentences on stderr"), \
	TDK_OPT_ULONG_(0, "timeout", &(o).timeout, "seconds", \
		       "login: how long to wait for the browser's redirect (default 300)"), \
	TDK_OPT_FLAG_(0, "open", &(o).open, "login: open the URL with xdg-open (by default nothing is launched)"), \
	TDK_OPT_END_

static const struct tdk_cmd_usage ep_usage = { "endpoint", "list | show name | check name | login name",
	"List, show and check the endpoints tdk submits to: the endpoints file, its settings and secrets, "
	"and whether an endpoint answers with a TLS certificate this machine trusts; log in to an endpoint "
	"that uses the authorization code grant, keeping its refresh token." };

static const char *const subcommands[] = { "list", "show", "check", "login", NULL };

/* Loads the endpoints file named by o or the environment; diagnostics on ctx->err. */
static int load(struct tdk_ctx *ctx, const struct ep_opts *o, struct tdk_endpoints *eps)
{
	char buf[4096];
	const char *path = o->file ? o->file : tdk_endpoints_default_path(buf, sizeof(buf));
	struct tdk_diag d;

	if (!path)
		return tdk_error(ctx, "endpoint", TDK_EXIT_USAGE, "no endpoints file: HOME is not set; name one "
				 "with --endpoints");
	tdk_diag_init(&d, path);
	d.emit = tdk_dir_report_diag;
	d.arg = ctx;
	return tdk_endpoints_load(eps, path, &d);
}

static const struct tdk_endpoint *find(struct tdk_ctx *ctx, const struct tdk_endpoints *eps, const char *name)
{
	const struct tdk_endpoint *e = tdk_endpoints_find(eps, name);
	const char *names[TDK_ENDPOINTS_MAX + 1];
	size_t i;

	if (e)
		return e;
	for (i = 0; i < eps->n; i++)
		names[i] = eps->e[i].name;
	names[i] = NULL;
	tdk_suggest(ctx, "endpoint", "an endpoint of the endpoints file", name, names);
	return NULL;
}

static int do_list(struct tdk_ctx *ctx, const struct ep_opts *o, const struct tdk_endpoints *eps)
{
	size_t i;

	for (i = 0; i < eps->n; i++) {
		const struct tdk_endpoint *e = &eps->e[i];
		const char *p = tdk_endpoint_profile_name(e->profile);

		if (!o->format || !strcmp(o->format, "text")) {
			fprintf(ctx->out, "%s\t%s\t%s\n", e->name, p, e->value[TDK_EK_URL]);
			continue;
		}
		fputs("{\"name\":", ctx->out);
		tdk_json_str(ctx->out, e->name);
		fprintf(ctx->out, ",\"profile\":\"%s\",\"url\":", p);
		tdk_json_str(ctx->out, e->value[TDK_EK_URL]);
		fputs("}\n", ctx->out);
	}
	return 0;
}

/*
 * The value a message profile's setting k takes when the file leaves it
 * out (what tdk submit sends then), or NULL: AS2 signs with sha256, neither
 * encrypts nor compresses and asks for a signed synchronous MDN; AS4
 * encrypts and compresses, with ebMS 3's default role and MPC.
 */
static const char *profile_default(const struct tdk_endpoint *e, int k)
{
	int as2 = e->profile == TDK_PROFILE_AS2, as4 = e->profile == TDK_PROFILE_AS4;

	if (k == TDK_EK_ENCRYPT || k == TDK_EK_COMPRESS)
		return as4 ? "yes" : as2 ? (k == TDK_EK_ENCRYPT ? "none" : "no") : NULL;
	if (as2 && (k == TDK_EK_SIGN || k == TDK_EK_MDN))
		return k == TDK_EK_SIGN ? "sha256" : "signed-sync";
	if (as4 && (k == TDK_EK_FROM_ROLE || k == TDK_EK_TO_ROLE))
		return TDK_EBMS_NS "defaultRole";
	if (as4 && k == TDK_EK_MPC)
		return TDK_EBMS_NS "defaultMPC";
	return NULL;
}

/* The value of key k as show prints it: the resolved file name, the number (defaulted), the text. */
static const char *shown(const struct tdk_endpoint *e, int k, char *num, size_t n, int *dflt)
{
	*dflt = 0;
	if (!tdk_endpoint_key_in_profile((enum tdk_endpoint_key)k, e->profile))
		return NULL;
	if (e->path[k])
		return e->path[k];
	if (!e->value[k] && profile_default(e, k)) {
		*dflt = 1;
		return profile_default(e, k);
	}
	if (e->value[k] || (k != TDK_EK_TIMEOUT && k != TDK_EK_CONNECT_TIMEOUT && k != TDK_EK_RETRIES))
		return e->value[k];
	*dflt = 1;
	snprintf(num, n, "%lu", k == TDK_EK_TIMEOUT ? e->timeout : k == TDK_EK_CONNECT_TIMEOUT ? e->connect_timeout
												: e->retries);
	return num;
}

static int is_secret_key(int k)
{
	return k == TDK_EK_CLIENT_SECRET_FILE || k == TDK_EK_CLIENT_SECRET_FD || k == TDK_EK_CLIENT_SECRET_ENV;
}

static void show_text(struct tdk_ctx *ctx, const struct tdk_endpoints *eps, const struct tdk_endpoint *e)
{
	char num[32], desc[256], accept[128];
	const char *v;
	int k, dflt;

	fprintf(ctx->out, "[%s]\n# %s:%lu\n", e->name, eps->file, e->line);
	for (k = 0; k < TDK_EK_COUNT; k++) {
		if (!(v = shown(e, k, num, sizeof(num), &dflt)))
			continue;
		fprintf(ctx->out, "%s = %s", tdk_endpoint_key_name((enum tdk_endpoint_key)k), v);
		if (dflt)
			fputs(" (default)", ctx->out);
		if (is_secret_key(k))
			fprintf(ctx->out, " (%s)", tdk_endpoint_secret_describe(e, desc, sizeof(desc)));
		fputc('\n', ctx->out);
	}
	if (tdk_endpoint_accept(e, accept, sizeof(accept)))
		fprintf(ctx->out, "# Accept: %s\n", accept);
}

static void show_json(struct tdk_ctx *ctx, const struct tdk_endpoints *eps, const struct tdk_endpoint *e)
{
	static const char *const sources[] = { "none", "file", "fd", "env" };
	char num[32], desc[256], accept[128];
	const char *v;
	int k, dflt;

	fputs("{\"name\":", ctx->out);
	tdk_json_str(ctx->out, e->name);
	fputs(",\"file\":", ctx->out);
	tdk_json_str(ctx->out, eps->file);
	fprintf(ctx->out, ",\"line\":%lu,\"settings\":{", e->line);
	for (k = 0; k < TDK_EK_COUNT; k++) {
		if (!(v = shown(e, k, num, sizeof(num), &dflt)))
			continue;
		fprintf(ctx->out, "%s\"%s\":", k ? "," : "", tdk_endpoint_key_name((enum tdk_endpoint_key)k));
		if (tdk_endpoint_key_kind((enum tdk_endpoint_key)k) == TDK_EKIND_NUMBER)
			fputs(v, ctx->out);
		else
			tdk_json_str(ctx->out, v);
	}
	fprintf(ctx->out, "},\"client_secret\":{\"source\":\"%s\",\"state\":",
		sources[tdk_endpoint_secret_source(e)]);
	tdk_json_str(ctx->out, tdk_endpoint_secret_describe(e, desc, sizeof(desc)));
	fputs("},\"accept\":", ctx->out);
	tdk_json_str(ctx->out, tdk_endpoint_accept(e, accept, sizeof(accept)));
	fputs("}\n", ctx->out);
}

struct check_state {
	struct tdk_ctx *ctx;
	const char *name;
	int quiet;
};

static void check_step(void *arg, const char *step, int status, const char *detail)
{
	struct check_state *s = arg;

	if (!s->quiet)
		fprintf(s->ctx->out, "%s: %s: %s\n", step, status ? "failed" : "ok", detail);
	if (status)
		tdk_error(s->ctx, "endpoint", status, "'%s': %s failed: %s", s->name, step, detail);
}

/* Whether the check asks for a token: a rest endpoint with a token-url and a client-id. */
static int wants_token(const struct tdk_endpoint *e)
{
	return e->profile == TDK_PROFILE_REST && e->value[TDK_EK_TOKEN_URL] && e->value[TDK_EK_CLIENT_ID];
}

/*
 * The secret step: readable from its source and, for a file, closed to
 * others.  Read once (an environment variable is unset once read): into a
 * when a token is to be asked for, else into a buffer wiped at once.
 */
static int check_secret(struct tdk_ctx *ctx, const struct tdk_endpoints *eps, const struct tdk_endpoint *e,
			struct check_state *s, struct tdk_auth *a)
{
	static char secret[TDK_ENDPOINT_SECRET_MAX];
	char desc[320], line[400];
	struct tdk_diag d;
	int n;

	tdk_endpoint_secret_describe(e, desc, sizeof(desc));
	tdk_diag_init(&d, eps->file);
	d.emit = tdk_dir_report_diag;
	d.arg = ctx;
	if (wants_token(e)) {
		if ((n = tdk_auth_init(a, eps, e, 0, &d)) != 0)
			return n;
		n = (int)a->secret_len;
	} else {
		if (tdk_endpoint_secret_source(e) == TDK_SECRET_NONE)
			return 0;
		n = tdk_endpoint_secret(eps, e, secret, sizeof(secret), &d);
		tdk_secret_wipe(secret, sizeof(secret));
		if (n < 0)
			return -n;
	}
	if (tdk_endpoint_secret_source(e) == TDK_SECRET_NONE)
		return 0;
	snprintf(line, sizeof(line), "%s: %d bytes read (%s)", tdk_endpoint_key_name(tdk_endpoint_secret_source(e)
			== TDK_SECRET_FILE ? TDK_EK_CLIENT_SECRET_FILE : tdk_endpoint_secret_source(e) == TDK_SECRET_FD
			? TDK_EK_CLIENT_SECRET_FD : TDK_EK_CLIENT_SECRET_ENV), n, desc);
	check_step(s, "secret", 0, line);
	return 0;
}

/* The token step: a token by the endpoint's grant; its type, scope and lifetime, never the token. */
static int check_token(struct tdk_ctx *ctx, const struct tdk_endpoint *e, const struct tdk_auth *a,
		       struct check_state *s)
{
	struct tdk_http_opts ho;
	struct tdk_http h;
	struct tdk_oauth_token t;
	struct tdk_diag d;
	char line[400];
	int r;

	tdk_diag_init(&d, e->name);
	d.emit = tdk_dir_report_diag;
	d.arg = ctx;
	tdk_auth_http_opts(e, &ho);
	if (tdk_http_init(&h, &ho, &d))
		return TDK_EXIT_INTERNAL;
	tdk_oauth_token_init(&t);
	r = tdk_auth_token(a, &h, &t, &d);
	if (!r) {
		long left = t.expires_at ? (long)(t.expires_at - time(NULL)) : -1;

		if (left >= 0)
			snprintf(line, sizeof(line), "%s, expires in %ld s%s%s", t.token_type, left,
				 t.scope ? ", scope " : "", t.scope ? t.scope : "");
		else
			snprintf(line, sizeof(line), "%s, no lifetime given%s%s", t.token_type,
				 t.scope ? ", scope " : "", t.scope ? t.scope : "");
		check_step(s, "token", 0, line);
	} else {
		check_step(s, "token", r, a->client_credentials ? "no token by the client credentials grant"
			   : "no token by the refresh token kept by tdk endpoint login");
	}
	tdk_oauth_token_release(&t);
	tdk_http_release(&h);
	return r;
}

static int do_check(struct tdk_ctx *ctx, const struct ep_opts *o, const struct tdk_endpoints *eps,
		    const struct tdk_endpoint *e)
{
	struct check_state s = { ctx, e->name, o->quiet };
	struct tdk_auth a;
	int r;

	memset(&a, 0, sizeof(a));
	if ((r = check_secret(ctx, eps, e, &s, &a)) != 0)
		goto out;
	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		r = tdk_error(ctx, "endpoint", TDK_EXIT_INTERNAL, "libcurl could not start");
		goto out;
	}
	r = tdk_endpoint_check(e, check_step, &s);
	if (!r && wants_token(e))
		r = check_token(ctx, e, &a, &s);
	curl_global_cleanup();
out:
	tdk_auth_release(&a);
	return r;
}

/* Starts xdg-open on url, its output thrown away; returns its process id, or -1 with a warning. */
static pid_t open_browser(struct tdk_ctx *ctx, char *url)
{
	posix_spawn_file_actions_t fa;
	char prog[] = "xdg-open", *args[] = { prog, url, NULL };
	pid_t pid = -1;
	int r;

	if (posix_spawn_file_actions_init(&fa))
		return -1;
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	r = posix_spawnp(&pid, "xdg-open", &fa, NULL, args, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r) {
		fprintf(ctx->err, "tdk endpoint: warning: xdg-open could not start (%s); open the URL yourself\n",
			strerror(r));
		return -1;
	}
	return pid;
}

/* The login's wait and exchange, after the URL is printed; the token kept in the cache. */
static int login_wait(struct tdk_ctx *ctx, const struct ep_opts *o, const struct tdk_endpoint *e,
		      const struct tdk_oauth_client *c, struct tdk_oauth_login *l, struct tdk_diag *d)
{
	unsigned long secs = o->timeout ? o->timeout : 300;
	struct tdk_oauth_token t;
	int r;

	tdk_oauth_token_init(&t);
	r = tdk_oauth_login_finish(c, l, secs > 86400 ? 86400000 : (int)(secs * 1000), time(NULL), &t, d);
	if (r)
		goto out;
	if ((r = tdk_oauth_cache_store(c, &t, d)))
		goto out;
	if (!o->quiet && t.refresh_token)
		fprintf(ctx->err, "tdk endpoint: '%s' logged in; its refresh token is kept (mode 0600) for the "
			"runs to come\n", e->name);
	else if (!o->quiet)
		fprintf(ctx->err, "tdk endpoint: '%s' logged in, but the server gave no refresh token: the next "
			"run after the token expires needs another login\n", e->name);
out:
	tdk_oauth_token_release(&t);
	return r;
}

/*
 * login: the authorization code grant with PKCE through a loopback
 * redirect (lib/net/oauth-login.c).  The URL goes to stdout, alone on its
 * line, so that a script or a person can open it; the refresh token to the
 * 0600 cache that tdk submit reads.
 */
static int do_login(struct tdk_ctx *ctx, const struct ep_opts *o, const struct tdk_endpoints *eps,
		    const struct tdk_endpoint *e)
{
	const char *grant = e->value[TDK_EK_GRANT];
	struct tdk_oauth_client c;
	struct tdk_oauth_login l;
	struct tdk_http_opts ho;
	struct tdk_http h;
	struct tdk_auth a;
	struct tdk_diag d;
	pid_t opener = -1;
	int r;

	if (e->profile != TDK_PROFILE_REST || !grant || strcmp(grant, "authorization-code"))
		return tdk_error(ctx, "endpoint", TDK_EXIT_USAGE, "'%s' does not use the authorization code grant "
				 "(grant = %s): there is nothing to log in to; it gets its tokens by itself",
				 e->name, grant ? grant : "none");
	memset(&l, 0, sizeof(l));
	l.fd = -1;
	tdk_diag_init(&d, eps->file);
	d.emit = tdk_dir_report_diag;
	d.arg = ctx;
	if ((r = tdk_auth_init(&a, eps, e, 0, &d)) != 0)
		return r;
	tdk_auth_http_opts(e, &ho);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) || tdk_http_init(&h, &ho, &d)) {
		tdk_auth_release(&a);
		return tdk_error(ctx, "endpoint", TDK_EXIT_INTERNAL, "libcurl could not start");
	}
	tdk_diag_init(&d, e->name);
	d.emit = tdk_dir_report_diag;
	d.arg = ctx;
	tdk_auth_client(&a, &h, &c);
	if ((r = tdk_oauth_login_start(&c, &l, &d)))
		goto out;
	fprintf(ctx->out, "%s\n", l.authorize_url);
	fflush(ctx->out);
	if (!o->quiet)
		fprintf(ctx->err, "tdk endpoint: open the URL above in a browser on this machine and log in to "
			"'%s'; the answer comes back to %s (waiting %lu s)\n", e->name, l.redirect_uri,
			o->timeout ? o->timeout : 300);
	if (o->open)
		opener = open_browser(ctx, l.authorize_url);
	r = login_wait(ctx, o, e, &c, &l, &d);
out:
	if (opener > 0)
		waitpid(opener, NULL, WNOHANG);
	tdk_oauth_login_release(&l);
	tdk_http_release(&h);
	curl_global_cleanup();
	tdk_auth_release(&a);
	if (r && !d.errors)
		tdk_error(ctx, "endpoint", r, "'%s': the login failed", e->name);
	return r;
}

int cmd_endpoint(int argc, char **argv, struct tdk_ctx *ctx)
{
	struct ep_opts o = { 0 };
	const struct tdk_opt opts[] = { EP_OPTIONS(o) };
	struct tdk_endpoints eps;
	const struct tdk_endpoint *e;
	int nargs, r, want;

	r = tdk_parse_options(ctx, &ep_usage, opts, argc, argv, &nargs);
	if (r >= 0)
		return r;
	if (!nargs) {
		tdk_usage_line(ctx->err, &ep_usage, opts);
		return TDK_EXIT_USAGE;
	}
	want = !strcmp(argv[0], "list") ? 1 : (!strcmp(argv[0], "show") || !strcmp(argv[0], "check") ||
						!strcmp(argv[0], "login")) ? 2 : 0;
	if (!want) {
		tdk_suggest(ctx, "endpoint", "a subcommand of tdk endpoint (list, show, check, login)", argv[0],
			    subcommands);
		return TDK_EXIT_USAGE;
	}
	if (nargs != want)
		return tdk_error(ctx, "endpoint", TDK_EXIT_USAGE, "%s takes %s", argv[0],
				 want == 1 ? "no operand" : "one endpoint name");
	tdk_endpoints_init(&eps);
	r = load(ctx, &o, &eps);
	if (r)
		goto out;
	if (want == 1) {
		r = do_list(ctx, &o, &eps);
		goto out;
	}
	e = find(ctx, &eps, argv[1]);
	if (!e)
		r = TDK_EXIT_USAGE;
	else if (!strcmp(argv[0], "check"))
		r = do_check(ctx, &o, &eps, e);
	else if (!strcmp(argv[0], "login"))
		r = do_login(ctx, &o, &eps, e);
	else if (o.format && !strcmp(o.format, "json"))
		show_json(ctx, &eps, e);
	else
		show_text(ctx, &eps, e);
out:
	tdk_endpoints_release(&eps);
	return tdk_finish_output(ctx, "endpoint", r);
}

int cmd_endpoint_complete(int argc, char **argv, struct tdk_ctx *ctx)
{
	struct ep_opts o = { 0 };
	const struct tdk_opt opts[] = { EP_OPTIONS(o) };
	struct tdk_ctx quiet = *ctx;
	struct tdk_endpoints eps;
	FILE *null = fopen("/dev/null", "w");
	int nargs;
	size_t i;

	if (!null)
		return 0;
	quiet.err = quiet.out = null;
	tdk_endpoints_init(&eps);
	if (tdk_parse_options(&quiet, &ep_usage, opts, argc, argv, &nargs) >= 0)
		goto out;
	if (!nargs) {
		for (i = 0; subcommands[i]; i++)
			fprintf(ctx->out, "%s\n", subcommands[i]);
	} else if (nargs == 1 && strcmp(argv[0], "list") && !load(&quiet, &o, &eps)) {
		for (i = 0; i < eps.n; i++)
			fprintf(ctx->out, "%s\n", eps.e[i].name);
	}
out:
	tdk_endpoints_release(&eps);
	fclose(null);
	return 0;
}
