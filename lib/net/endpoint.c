/*
 * The endpoints file reader: an INI file of named sections (see
 * endpoint.h), every line checked with its position, every value checked
 * against the key table of its profile (endpoint-keys.c) when its section
 * ends.  A URL is parsed by libcurl's own URL parser, the one that will
 * send to it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "net/endpoint-int.h"
#include "net/http.h"
#include "util/buf.h"
#include "util/exitcode.h"
#include "util/io.h"

/* What one parse carries from line to line. */
struct parser {
	struct tdk_endpoints *eps;
	struct tdk_diag *d;
	const char *file, *home;
	unsigned long faults;
	int stop, nomem;
	int open;        /* the last endpoint takes settings: its section has not ended */
	int bad_header;  /* the last section header was refused: its settings are skipped */
	unsigned char order[TDK_EK_COUNT];   /* the keys of the open section, in file order */
	size_t norder;
};

static void fault(struct parser *p, const char *code, unsigned long line, unsigned long col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void fault(struct parser *p, const char *code, unsigned long line, unsigned long col, const char *fmt, ...)
{
	struct tdk_diag_loc loc = { 0 };
	va_list ap;

	loc.line = line;
	loc.col = col;
	p->faults++;
	va_start(ap, fmt);
	if (tdk_diag_addv(p->d, TDK_SEV_ERROR, code, &loc, fmt, ap))
		p->stop = 1;
	va_end(ap);
}

void tdk_endpoints_init(struct tdk_endpoints *eps)
{
	memset(eps, 0, sizeof(*eps));
}

void tdk_endpoints_release(struct tdk_endpoints *eps)
{
	size_t i;
	int k;

	for (i = 0; i < eps->n; i++) {
		free(eps->e[i].name);
		for (k = 0; k < TDK_EK_COUNT; k++) {
			free(eps->e[i].value[k]);
			free(eps->e[i].path[k]);
		}
	}
	free(eps->e);
	free(eps->file);
	tdk_endpoints_init(eps);
}

const struct tdk_endpoint *tdk_endpoints_find(const struct tdk_endpoints *eps, const char *name)
{
	size_t i;

	for (i = 0; i < eps->n; i++)
		if (!strcmp(eps->e[i].name, name))
			return &eps->e[i];
	return NULL;
}

static char *dup_n(const char *s, size_t n)
{
	char *r = malloc(n + 1);

	if (r) {
		memcpy(r, s, n);
		r[n] = '\0';
	}
	return r;
}

/* Resolves a PATH value: "~/" is home, a relative name is taken from the file's folder. */
static char *resolve_path(struct parser *p, const char *v, unsigned long line, unsigned long col)
{
	struct tdk_buf b = TDK_BUF_INIT(TDK_ENDPOINTS_LINE_MAX * 2);
	const char *slash = strrchr(p->file, '/');
	int r = 0;

	if (v[0] == '~') {
		if (v[1] && v[1] != '/') {
			fault(p, "ENDPOINT-PATH", line, col, "'~user' is not expanded: write the folder in full");
			return NULL;
		}
		if (!p->home || p->home[0] != '/') {
			fault(p, "ENDPOINT-PATH", line, col, "'~' stands for HOME, which is not an absolute name");
			return NULL;
		}
		r = tdk_buf_adds(&b, p->home) || tdk_buf_adds(&b, v + 1);
	} else if (v[0] != '/' && slash) {
		r = tdk_buf_add(&b, p->file, (size_t)(slash - p->file) + 1) || tdk_buf_adds(&b, v);
	} else {
		r = tdk_buf_adds(&b, v);
	}
	if (r) {
		tdk_buf_release(&b);
		p->nomem = 1;
		return NULL;
	}
	return tdk_buf_detach(&b);
}

/* https anywhere; http only on the loopback; no credentials in a URL. */
static void check_url(struct parser *p, const char *key, const char *v, unsigned long line, unsigned long col)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *user = NULL;
	CURLUcode rc;

	if (!u) {
		p->nomem = 1;
		return;
	}
	rc = curl_url_set(u, CURLUPART_URL, v, 0);
	if (rc) {
		fault(p, "ENDPOINT-URL", line, col, "%s is not a URL: %s", key, curl_url_strerror(rc));
		goto out;
	}
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) || curl_url_get(u, CURLUPART_HOST, &host, 0)) {
		fault(p, "ENDPOINT-URL", line, col, "%s has no host", key);
		goto out;
	}
	if (!curl_url_get(u, CURLUPART_USER, &user, 0)) {
		fault(p, "ENDPOINT-URL", line, col, "%s carries a user name or password: secrets belong in "
		      "client-secret-file, -fd or -env", key);
		goto out;
	}
	if (!strcmp(scheme, "https"))
		goto out;
	if (!strcmp(scheme, "http") && tdk_http_loopback_host(host))
		goto out;
	fault(p, "ENDPOINT-URL", line, col, "%s must be https (http only on the loopback, 127.0.0.0/8, ::1 or "
	      "localhost), not %s://%s", key, scheme, host);
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_url_cleanup(u);
}

static int all_digits(const char *v, size_t max)
{
	size_t n = strspn(v, "0123456789");

	return n && n <= max && !v[n];
}

/* api-version: N or N.N, up to three digits each. */
static int version_ok(const char *v)
{
	size_t n = strspn(v, "0123456789"), m;

	if (!n || n > 3)
		return 0;
	if (!v[n])
		return 1;
	if (v[n] != '.')
		return 0;
	m = strspn(v + n + 1, "0123456789");
	return m && m <= 3 && !v[n + 1 + m];
}

static int env_name_ok(const char *v)
{
	size_t n = strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789");

	return n && n <= 64 && !v[n] && !(v[0] >= '0' && v[0] <= '9');
}

/* Checks one value of e against its key's kind; fills e's numbers and resolved paths. */
static void check_value(struct parser *p, struct tdk_endpoint *e, int k)
{
	const struct tdk_keydef *kd = &tdk_endpoint_keys[k];
	const char *v = e->value[k], *choices;
	unsigned long line = e->vline[k], col = e->vcol[k], n;

	switch (kd->kind) {
	case TDK_EKIND_URL:
		check_url(p, kd->name, v, line, col);
		break;
	case TDK_EKIND_PATH:
		e->path[k] = resolve_path(p, v, line, col);
		break;
	case TDK_EKIND_NUMBER:
		n = all_digits(v, 9) ? strtoul(v, NULL, 10) : kd->max + 1;
		if (n < kd->min || n > kd->max) {
			fault(p, "ENDPOINT-NUMBER", line, col, "%s must be a whole number from %lu to %lu, not '%s'",
			      kd->name, kd->min, kd->max, v);
			break;
		}
		if (k == TDK_EK_TIMEOUT)
			e->timeout = n;
		else if (k == TDK_EK_CONNECT_TIMEOUT)
			e->connect_timeout = n;
		else if (k == TDK_EK_RETRIES)
			e->retries = n;
		else if (k == TDK_EK_CLIENT_SECRET_FD)
			e->secret_fd = (long)n;
		break;
	case TDK_EKIND_CHOICE:
		choices = tdk_endpoint_choices((enum tdk_endpoint_key)k, e->profile);
		if (!tdk_word_in(choices, v))
			fault(p, "ENDPOINT-VALUE", line, col, "%s must be one of %s, not '%s'", kd->name, choices, v);
		break;
	default:
		if (k == TDK_EK_API_VERSION && !version_ok(v))
			fault(p, "ENDPOINT-VALUE", line, col, "api-version must be a version such as 1.0, not '%s'", v);
		if ((k == TDK_EK_CLIENT_SECRET_ENV || k == TDK_EK_KEY_PASSPHRASE_ENV) && !env_name_ok(v))
			fault(p, "ENDPOINT-VALUE", line, col, "%s must name an environment variable "
			      "(letters, digits, '_'), not '%s'", kd->name, v);
		break;
	}
}

static int is_set(const struct tdk_endpoint *e, int k)
{
	return e->value[k] != NULL;
}

static int equals(const struct tdk_endpoint *e, int k, const char *v)
{
	return e->value[k] && !strcmp(e->value[k], v);
}

/* The rules between keys, once a section has ended. */
static void check_section_rules(struct parser *p, struct tdk_endpoint *e)
{
	unsigned bit = 1u << e->profile;
	int k, secrets;
	const char *pn = tdk_endpoint_profile_name(e->profile);

	for (k = 0; k < TDK_EK_COUNT; k++)
		if ((tdk_endpoint_keys[k].required & bit) && !is_set(e, k))
			fault(p, "ENDPOINT-MISSING", e->line, 1, "endpoint '%s' (profile %s) has no %s",
			      e->name, pn, tdk_endpoint_keys[k].name);
	if (e->profile == TDK_PROFILE_REST) {
		secrets = is_set(e, TDK_EK_CLIENT_SECRET_FILE) + is_set(e, TDK_EK_CLIENT_SECRET_FD) +
			  is_set(e, TDK_EK_CLIENT_SECRET_ENV);
		if (equals(e, TDK_EK_GRANT, "authorization-code") && !is_set(e, TDK_EK_AUTHORIZE_URL))
			fault(p, "ENDPOINT-MISSING", e->vline[TDK_EK_GRANT], e->vcol[TDK_EK_GRANT],
			      "grant authorization-code needs authorize-url");
		if (secrets > 1)
			fault(p, "ENDPOINT-CONFLICT", e->line, 1, "endpoint '%s' names its client secret more than "
			      "once: keep one of client-secret-file, client-secret-fd, client-secret-env", e->name);
		if (!secrets && (equals(e, TDK_EK_GRANT, "client-credentials") ||
				 equals(e, TDK_EK_NOTIFICATIONS_GRANT, "client-credentials")))
			fault(p, "ENDPOINT-MISSING", e->line, 1, "endpoint '%s' uses the client-credentials grant "
			      "but has no client-secret-file, client-secret-fd or client-secret-env", e->name);
	}
	if (is_set(e, TDK_EK_CLIENT_CERT) != is_set(e, TDK_EK_CLIENT_KEY))
		fault(p, "ENDPOINT-MISSING", e->line, 1, "endpoint '%s' has %s without %s", e->name,
		      is_set(e, TDK_EK_CLIENT_CERT) ? "client-cert" : "client-key",
		      is_set(e, TDK_EK_CLIENT_CERT) ? "client-key" : "client-cert");
	if (is_set(e, TDK_EK_KEY_PASSPHRASE_FILE) + is_set(e, TDK_EK_KEY_PASSPHRASE_FD) +
	    is_set(e, TDK_EK_KEY_PASSPHRASE_ENV) > 1)
		fault(p, "ENDPOINT-CONFLICT", e->line, 1, "endpoint '%s' names its key passphrase more than once: keep "
		      "one of key-passphrase-file, key-passphrase-fd, key-passphrase-env", e->name);
	if (e->profile == TDK_PROFILE_AS2 && equals(e, TDK_EK_MDN, "signed-async") && !is_set(e, TDK_EK_MDN_URL))
		fault(p, "ENDPOINT-MISSING", e->vline[TDK_EK_MDN], e->vcol[TDK_EK_MDN], "mdn signed-async needs mdn-url");
}

/* Ends the open section: its profile, then each value in file order, then the rules between keys. */
static void end_section(struct parser *p)
{
	struct tdk_endpoint *e;
	const char *v;
	size_t i;
	int k;

	if (!p->open)
		return;
	p->open = 0;
	e = &p->eps->e[p->eps->n - 1];
	v = e->value[TDK_EK_PROFILE];
	if (!v) {
		fault(p, "ENDPOINT-MISSING", e->line, 1, "endpoint '%s' has no profile (rest, as4 or as2)", e->name);
		return;
	}
	if (!strcmp(v, "as4"))
		e->profile = TDK_PROFILE_AS4;
	else if (!strcmp(v, "as2"))
		e->profile = TDK_PROFILE_AS2;
	else if (strcmp(v, "rest")) {
		fault(p, "ENDPOINT-VALUE", e->vline[TDK_EK_PROFILE], e->vcol[TDK_EK_PROFILE],
		      "profile must be one of rest, as4, as2, not '%s'", v);
		return;
	}
	for (i = 0; i < p->norder && !p->stop && !p->nomem; i++) {
		k = p->order[i];
		if (!tdk_endpoint_key_in_profile((enum tdk_endpoint_key)k, e->profile))
			fault(p, "ENDPOINT-PROFILE-KEY", e->vline[k], e->kcol[k],
			      "'%s' is not a key of profile %s", tdk_endpoint_keys[k].name,
			      tdk_endpoint_profile_name(e->profile));
		else
			check_value(p, e, k);
	}
	if (!p->stop && !p->nomem)
		check_section_rules(p, e);
}

static int name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
	       c == '.';
}

/* "[name]": a new section; s is the line from its '[' at column col. */
static void section_line(struct parser *p, const char *s, size_t len, unsigned long line, unsigned long col)
{
	const char *end = memchr(s, ']', len);
	size_t n, i, rest;
	struct tdk_endpoint *e;
	const struct tdk_endpoint *first;
	char *name;

	if (!end) {
		fault(p, "ENDPOINT-SYNTAX", line, col, "a section header has no closing ']'");
		return;
	}
	n = (size_t)(end - s) - 1;
	for (rest = (size_t)(end - s) + 1; rest < len; rest++)
		if (s[rest] != ' ' && s[rest] != '\t') {
			fault(p, "ENDPOINT-SYNTAX", line, col + rest, "text after a section header");
			return;
		}
	for (i = 0; i < n && name_char((unsigned char)s[1 + i]); i++)
		;
	if (!n || i < n || n > TDK_ENDPOINT_NAME_MAX || !name_char((unsigned char)s[1]) || s[1] == '-' ||
	    s[1] == '.') {
		fault(p, "ENDPOINT-NAME", line, col + 1, "an endpoint name is 1 to %d letters, digits, '-', '_' or "
		      "'.', starting with a letter or digit", TDK_ENDPOINT_NAME_MAX);
		return;
	}
	if (p->eps->n >= TDK_ENDPOINTS_MAX) {
		fault(p, "ENDPOINT-LIMIT", line, col, "more than %d endpoints in one file", TDK_ENDPOINTS_MAX);
		p->stop = 1;
		return;
	}
	name = dup_n(s + 1, n);
	if (!name) {
		p->nomem = 1;
		return;
	}
	first = tdk_endpoints_find(p->eps, name);
	if (first)
		fault(p, "ENDPOINT-DUP-SECTION", line, col, "endpoint '%s' is defined twice (first at line %lu)",
		      name, first->line);
	if (!(p->eps->n & (p->eps->n + 1)) || !p->eps->e) {
		/* Grows at 1, 2, 4, 8 ... entries. */
		size_t cap = (p->eps->n + 1) * 2;
		struct tdk_endpoint *ne = realloc(p->eps->e, cap * sizeof(*ne));

		if (!ne) {
			free(name);
			p->nomem = 1;
			return;
		}
		p->eps->e = ne;
	}
	e = &p->eps->e[p->eps->n++];
	memset(e, 0, sizeof(*e));
	e->name = name;
	e->line = line;
	e->timeout = TDK_ENDPOINT_TIMEOUT_DEFAULT;
	e->connect_timeout = TDK_ENDPOINT_CONNECT_TIMEOUT_DEFAULT;
	e->retries = TDK_ENDPOINT_RETRIES_DEFAULT;
	e->secret_fd = -1;
	p->norder = 0;
	p->open = 1;
}

/* "key = value" in the open section; s is the line from its key at column col. */
static void key_line(struct parser *p, const char *s, size_t len, unsigned long line, unsigned long col)
{
	struct tdk_endpoint *e;
	size_t kn = 0, i;
	int k;

	while (kn < len && s[kn] != '=' && s[kn] != ' ' && s[kn] != '\t')
		kn++;
	for (i = kn; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	if (i >= len || s[i] != '=') {
		fault(p, "ENDPOINT-SYNTAX", line, col + i, "expected 'key = value', '[name]' or a comment");
		return;
	}
	if (!kn) {
		fault(p, "ENDPOINT-SYNTAX", line, col, "a setting has no key before '='");
		return;
	}
	k = tdk_endpoint_key_lookup(s, kn);
	if (k < 0) {
		fault(p, "ENDPOINT-UNKNOWN-KEY", line, col, "unknown key '%.*s'", (int)kn, s);
		return;
	}
	if (p->bad_header)
		return;
	if (!p->open) {
		fault(p, "ENDPOINT-OUTSIDE", line, col, "'%s' is set outside any [endpoint] section",
		      tdk_endpoint_keys[k].name);
		return;
	}
	e = &p->eps->e[p->eps->n - 1];
	if (e->value[k]) {
		fault(p, "ENDPOINT-DUP-KEY", line, col, "'%s' is set twice in endpoint '%s' (first at line %lu)",
		      tdk_endpoint_keys[k].name, e->name, e->vline[k]);
		return;
	}
	for (i++; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	while (len > i && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (i == len) {
		fault(p, "ENDPOINT-VALUE", line, col + i, "'%s' has an empty value", tdk_endpoint_keys[k].name);
		return;
	}
	e->value[k] = dup_n(s + i, len - i);
	if (!e->value[k]) {
		p->nomem = 1;
		return;
	}
	e->vline[k] = line;
	e->kcol[k] = col;
	e->vcol[k] = col + i;
	p->order[p->norder++] = (unsigned char)k;
}

/* One line, without its end: blank, comment, section header or setting. */
static void one_line(struct parser *p, const char *s, size_t len, unsigned long line)
{
	size_t i;

	if (len && s[len - 1] == '\r')
		len--;
	if (len > TDK_ENDPOINTS_LINE_MAX) {
		fault(p, "ENDPOINT-LIMIT", line, TDK_ENDPOINTS_LINE_MAX + 1, "line longer than %d bytes",
		      TDK_ENDPOINTS_LINE_MAX);
		return;
	}
	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f) {
			fault(p, "ENDPOINT-SYNTAX", line, i + 1, "control character 0x%02x", (unsigned char)s[i]);
			return;
		}
	for (i = 0; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	if (i == len || s[i] == '#' || s[i] == ';')
		return;
	if (s[i] == '[') {
		end_section(p);
		section_line(p, s + i, len - i, line, i + 1);
		p->bad_header = !p->open;
	} else {
		key_line(p, s + i, len - i, line, i + 1);
	}
}

int tdk_endpoints_parse(struct tdk_endpoints *eps, const char *file, const char *text, size_t len,
			const char *home, struct tdk_diag *d)
{
	struct parser p;
	unsigned long line = 1;
	size_t pos = 0;

	tdk_endpoints_release(eps);
	memset(&p, 0, sizeof(p));
	p.eps = eps;
	p.d = d;
	p.file = file;
	p.home = home;
	eps->file = dup_n(file, strlen(file));
	if (!eps->file)
		return TDK_EXIT_INTERNAL;
	if (len > TDK_ENDPOINTS_FILE_MAX) {
		fault(&p, "ENDPOINT-LIMIT", 0, 0, "the endpoints file is larger than %d bytes", TDK_ENDPOINTS_FILE_MAX);
		len = 0;
	}
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		pos = 3;
	while (pos < len && !p.stop && !p.nomem) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		one_line(&p, text + pos, n, line++);
		pos += n + 1;
	}
	if (!p.stop && !p.nomem)
		end_section(&p);
	if (p.nomem || p.faults) {
		tdk_endpoints_release(eps);
		return p.nomem ? TDK_EXIT_INTERNAL : TDK_EXIT_USAGE;
	}
	return 0;
}

int tdk_endpoints_load(struct tdk_endpoints *eps, const char *path, struct tdk_diag *d)
{
	struct tdk_buf b;
	int r;

	if (tdk_read_all(path, TDK_ENDPOINTS_FILE_MAX, &b) < 0) {
		int e = errno;

		tdk_buf_release(&b);
		if (e == ENOENT) {
			tdk_diag_add(d, TDK_SEV_ERROR, "ENDPOINT-NO-FILE", NULL, "no endpoints file: write one (see "
				     "tdk-endpoint(1)) or name it with --endpoints");
			return TDK_EXIT_USAGE;
		}
		if (e == EFBIG) {
			tdk_diag_add(d, TDK_SEV_ERROR, "ENDPOINT-LIMIT", NULL, "the endpoints file is larger than %d bytes",
				     TDK_ENDPOINTS_FILE_MAX);
			return TDK_EXIT_USAGE;
		}
		tdk_diag_add(d, TDK_SEV_ERROR, "ENDPOINT-READ", NULL, "cannot read the endpoints file: %s", strerror(e));
		return e == ENOMEM ? TDK_EXIT_INTERNAL : TDK_EXIT_IO;
	}
	r = tdk_endpoints_parse(eps, path, b.data ? b.data : "", b.len, getenv("HOME"), d);
	tdk_buf_release(&b);
	return r;
}

const char *tdk_endpoints_default_path(char *buf, size_t n)
{
	const char *v = getenv("TDK_ENDPOINTS"), *home = getenv("HOME");
	int w;

	if (v && *v)
		w = snprintf(buf, n, "%s", v);
	else if ((v = getenv("XDG_CONFIG_HOME")) && v[0] == '/')
		w = snprintf(buf, n, "%s/tdk/endpoints", v);
	else if (home && *home)
		w = snprintf(buf, n, "%s/.config/tdk/endpoints", home);
	else
		return NULL;
	return w < 0 || (size_t)w >= n ? NULL : buf;
}

const char *tdk_endpoint_accept(const struct tdk_endpoint *e, char *buf, size_t n)
{
	int w;

	if (!e->value[TDK_EK_API_VERSION])
		return NULL;
	w = snprintf(buf, n, "application/vnd.hmrc.%s+xml", e->value[TDK_EK_API_VERSION]);
	return w < 0 || (size_t)w >= n ? NULL : buf;
}
