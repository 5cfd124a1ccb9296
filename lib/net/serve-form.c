/*
 * What tdk serve parses from its users: form bodies
 * (application/x-www-form-urlencoded, as the HTML URL-encoded form
 * serialiser and RFC 6749 section 4.4.2 use them), the clients file and
 * fault lists.
 */
#include <stdlib.h>
#include <string.h>

#include "net/serve.h"

/* Decodes p[0..n) (plus as space, %XX escapes) into out, NUL-terminated.  Returns 0 or -1. */
static int form_decode(const char *p, size_t n, struct tdk_buf *out)
{
	size_t i;

	tdk_buf_reset(out);
	if (tdk_buf_grow(out, 1) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		int c = (unsigned char)p[i];

		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi, lo;

			if (n - i < 3)
				return -1;
			hi = tdk_hex_value((unsigned char)p[i + 1]);
			lo = tdk_hex_value((unsigned char)p[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = hi * 16 + lo;
			i += 2;
		}
		if (c == 0 || tdk_buf_addc(out, c) < 0)
			return -1;
	}
	out->data[out->len] = 0;
	return 0;
}

int tdk_serve_form_get(const char *p, size_t n, const char *key, struct tdk_buf *out)
{
	size_t klen = strlen(key), i = 0;

	while (i < n) {
		const char *amp = memchr(p + i, '&', n - i);
		size_t end = amp ? (size_t)(amp - p) : n;
		const char *eq = memchr(p + i, '=', end - i);
		size_t nend = eq ? (size_t)(eq - p) : end;

		if (nend - i == klen && !memcmp(p + i, key, klen)) {
			if (!eq)
				return form_decode("", 0, out) < 0 ? -1 : 1;
			return form_decode(eq + 1, end - nend - 1, out) < 0 ? -1 : 1;
		}
		i = end + 1;
	}
	return 0;
}

/* The next blank-separated word of line[*i..n), or NULL; its length in *len. */
static const char *next_word(const char *line, size_t n, size_t *i, size_t *len)
{
	size_t s;

	while (*i < n && (line[*i] == ' ' || line[*i] == '\t'))
		(*i)++;
	s = *i;
	while (*i < n && line[*i] != ' ' && line[*i] != '\t')
		(*i)++;
	*len = *i - s;
	return *len ? line + s : NULL;
}

void tdk_serve_clients_free(struct tdk_serve_client *c, size_t count)
{
	size_t i;

	for (i = 0; c && i < count; i++) {
		free(c[i].id);
		free(c[i].secret);
		free(c[i].scopes);
	}
	free(c);
}

/* Fills c from one line's three words; the scopes' commas become spaces.  Returns 0, 1 (shape) or -1. */
static int client_line(const char *line, size_t n, struct tdk_serve_client *c)
{
	const char *w[4];
	size_t len[4], i = 0, k;

	for (k = 0; k < 4; k++)
		w[k] = next_word(line, n, &i, &len[k]);
	if (!w[0] || !w[1] || !w[2] || w[3])
		return 1;
	c->id = strndup(w[0], len[0]);
	c->secret = strndup(w[1], len[1]);
	c->scopes = strndup(w[2], len[2]);
	if (!c->id || !c->secret || !c->scopes)
		return -1;
	for (k = 0; c->scopes[k]; k++)
		if (c->scopes[k] == ',')
			c->scopes[k] = ' ';
	return 0;
}

int tdk_serve_clients_parse(const char *p, size_t n, struct tdk_diag *d, struct tdk_serve_client **out,
			    size_t *count)
{
	struct tdk_serve_client *c = calloc(TDK_SERVE_MAX_CLIENTS, sizeof(*c));
	unsigned long lineno = 0;
	size_t i = 0, nc = 0;
	int r = -1;

	if (!c) {
		tdk_diag_add(d, TDK_SEV_ERROR, "SERVE-CLIENTS", NULL, "out of memory reading the clients");
		goto out;
	}
	while (i < n) {
		const char *nl = memchr(p + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - p) : n, len = end - i;
		struct tdk_diag_loc loc = { 0 };
		size_t j = 0, wl;
		const char *w;
		int cr;

		lineno++;
		loc.line = lineno;
		loc.col = 1;
		if (len && p[end - 1] == '\r')
			len--;
		w = next_word(p + i, len, &j, &wl);
		if (memchr(p + i, 0, len)) {
			tdk_diag_add(d, TDK_SEV_ERROR, "SERVE-CLIENTS", &loc, "line %lu holds a NUL byte", lineno);
			goto out;
		}
		if (w && *w != '#') {
			if (nc == TDK_SERVE_MAX_CLIENTS) {
				tdk_diag_add(d, TDK_SEV_ERROR, "SERVE-CLIENTS", &loc, "more than %d clients",
					     TDK_SERVE_MAX_CLIENTS);
				goto out;
			}
			cr = client_line(p + i, len, &c[nc++]);
			if (cr) {
				tdk_diag_add(d, TDK_SEV_ERROR, "SERVE-CLIENTS", &loc, cr < 0 ? "out of memory" :
					     "line %lu is not a client id, a secret and scopes separated by blanks",
					     lineno);
				goto out;
			}
		}
		i = end + 1;
	}
	*out = c;
	*count = nc;
	c = NULL;
	r = 0;
out:
	if (c)
		tdk_serve_clients_free(c, TDK_SERVE_MAX_CLIENTS);
	return r;
}

/* The fault names, in the order of the bits. */
static const char *const fault_names[] = {
	"drop", "unavailable", "slow", "slow-read", "duplicate", "reorder", "expired-token", "stall", NULL
};

/* The route names, in the order of enum tdk_serve_route (the first, every route, has none). */
static const char *const route_names[] = {
	"", "token", "authorize", "declarations", "upload", "notifications", "as2", "as4", NULL
};

void tdk_serve_faults_init(struct tdk_serve_faults *f)
{
	memset(f, 0, sizeof(*f));
	f->slow_ms = f->slow_read_ms = TDK_SERVE_SLOW_MS_DEFAULT;
	f->stall_ms = TDK_SERVE_STALL_MS_DEFAULT;
	f->retry_after = TDK_SERVE_RETRY_AFTER_DEFAULT;
}

void tdk_serve_faults_merge(struct tdk_serve_faults *to, const struct tdk_serve_faults *from)
{
	to->bits |= from->bits;
	if (from->bits & TDK_FAULT_SLOW)
		to->slow_ms = from->slow_ms;
	if (from->bits & TDK_FAULT_SLOW_READ)
		to->slow_read_ms = from->slow_read_ms;
	if (from->bits & TDK_FAULT_STALL)
		to->stall_ms = from->stall_ms;
	if (from->bits & TDK_FAULT_UNAVAILABLE)
		to->retry_after = from->retry_after;
}

/* The index of the name p[0..n) in names, or -1. */
static int name_index(const char *const *names, const char *p, size_t n)
{
	int k;

	for (k = 0; names[k]; k++)
		if (strlen(names[k]) == n && !strncmp(p, names[k], n))
			return k;
	return -1;
}

/* The parameter of a fault: its place in f, or NULL for a fault that takes none. */
static unsigned *fault_param(struct tdk_serve_faults *f, unsigned bit)
{
	switch (bit) {
	case TDK_FAULT_SLOW: return &f->slow_ms;
	case TDK_FAULT_SLOW_READ: return &f->slow_read_ms;
	case TDK_FAULT_STALL: return &f->stall_ms;
	case TDK_FAULT_UNAVAILABLE: return &f->retry_after;
	default: return NULL;
	}
}

int tdk_serve_faults_parse(struct tdk_serve_faults f[TDK_SERVE_ROUTES], const char *s, char *bad, size_t n)
{
	while (s && *s) {
		size_t len = strcspn(s, ","), rl = strcspn(s, ",:="), nl;
		const char *name = s;
		unsigned long v = 0;
		unsigned *param = NULL;
		int route = TDK_SERVE_ROUTE_ANY, k, has_v, ok = 1;

		if (rl < len && s[rl] == ':') {
			route = name_index(route_names, s, rl);
			ok = route > 0;
			name = s + rl + 1;
		}
		nl = strcspn(name, ",=");
		has_v = name + nl < s + len;
		k = name_index(fault_names, name, nl);
		if (k >= 0)
			param = fault_param(&f[route > 0 ? route : 0], 1u << k);
		if (has_v && param) {
			char *end;

			v = strtoul(name + nl + 1, &end, 10);
			ok = ok && end == s + len && end > name + nl + 1 && v <= TDK_SERVE_FAULT_MAX;
		}
		if (!ok || k < 0 || (has_v && !param)) {
			snprintf(bad, n, "%.*s", (int)len, s);
			return -1;
		}
		f[route].bits |= 1u << k;
		if (has_v)
			*param = (unsigned)v;
		s += len;
		if (*s == ',')
			s++;
	}
	return 0;
}
