/*
 * The MIME reader: header fields (RFC 5322 section 2.2 folding, RFC 2045
 * section 5.1 parameters, RFC 2231 continuations) and multipart bodies
 * split by boundary as RFC 2046 section 5.1.1 says.  Parts are byte ranges
 * of the input.  The writer and the transfer decodings are in mime-write.c.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/mime.h"

struct rd {
	struct tdk_mime *m;
	const struct tdk_mime_limits *lim;
	struct tdk_diag *d;
	const char *base;  /* the input, for diagnostic positions */
	size_t base_len;
	size_t cap;        /* entries allocated in m->parts */
};

void tdk_mime_limits_init(struct tdk_mime_limits *lim)
{
	lim->max_header = TDK_MIME_MAX_HEADER;
	lim->max_parts = TDK_MIME_MAX_PARTS;
	lim->max_depth = TDK_MIME_MAX_DEPTH;
	lim->max_size = TDK_MIME_MAX_SIZE;
}

void tdk_mime_init(struct tdk_mime *m)
{
	m->parts = NULL;
	m->nparts = 0;
	tdk_buf_init(&m->top, TDK_MIME_MAX_HEADER + 64);
}

void tdk_mime_release(struct tdk_mime *m)
{
	free(m->parts);
	m->parts = NULL;
	m->nparts = 0;
	tdk_buf_release(&m->top);
}

static int fail(struct rd *r, const char *code, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct rd *r, const char *code, const char *at, const char *fmt, ...)
{
	struct tdk_diag_loc loc = { 1, 1, 0, { 0, "", 0, 0, 0 } };
	const char *p;
	va_list ap;

	if (at && r->base && at >= r->base && at <= r->base + r->base_len) {
		loc.offset = (size_t)(at - r->base);
		for (p = r->base; p < at; p++) {
			if (*p == '\n') {
				loc.line++;
				loc.col = 1;
			} else {
				loc.col++;
			}
		}
	}
	va_start(ap, fmt);
	tdk_diag_addv(r->d, TDK_SEV_ERROR, code, at ? &loc : NULL, fmt, ap);
	va_end(ap);
	return -1;
}

static int wsp(int c)
{
	return c == ' ' || c == '\t';
}

/* The end of the line starting at p: just past its LF, or end. */
static const char *line_end(const char *p, const char *end)
{
	const char *lf = memchr(p, '\n', (size_t)(end - p));

	return lf ? lf + 1 : end;
}

int tdk_mime_header(const char *header, size_t len, const char *name, struct tdk_buf *out)
{
	const char *p = header, *end = header + len, *e, *v;
	size_t n = strlen(name), start;

	for (; p < end; p = e) {
		e = line_end(p, end);
		if ((size_t)(e - p) <= n || p[n] != ':' || strncasecmp(p, name, n))
			continue;
		/* The field goes on over the lines that start with white space. */
		while (e < end && wsp(*e))
			e = line_end(e, end);
		start = out->len;
		for (v = p + n + 1; v < e; v++) {
			if (*v == '\r' || *v == '\n')
				continue;
			if (out->len == start && wsp(*v))
				continue;
			if (tdk_buf_addc(out, *v) < 0)
				return -1;
		}
		while (out->len > start && wsp(out->data[out->len - 1]))
			out->data[--out->len] = '\0';
		return 1;
	}
	return 0;
}

static int tspecial(int c)
{
	return c && strchr("()<>@,;:\\\"/[]?=", c) != NULL;
}

static int token_char(int c)
{
	return c > 32 && c < 127 && !tspecial(c);
}

/*
 * Appends the value of attribute attr (matched exactly, case-insensitive)
 * of the parameters after the first ';' of v.  Returns 1, 0 or -1.
 */
static int find_attr(const char *v, const char *attr, struct tdk_buf *out)
{
	const char *p = strchr(v, ';'), *a;
	size_t an = strlen(attr), n;
	int hit;

	while (p && *p) {
		while (*p == ';' || wsp(*p))
			p++;
		if (!*p)
			break;
		for (a = p; token_char(*p); p++)
			;
		n = (size_t)(p - a);
		while (wsp(*p))
			p++;
		if (!n || *p++ != '=')
			return -1;
		while (wsp(*p))
			p++;
		hit = n == an && !strncasecmp(a, attr, n);
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				if (hit && tdk_buf_addc(out, *p) < 0)
					return -1;
			}
			if (*p++ != '"')
				return -1;
		} else {
			for (a = p; token_char(*p); p++)
				;
			if (p == a)
				return -1;
			if (hit && tdk_buf_add(out, a, (size_t)(p - a)) < 0)
				return -1;
		}
		while (wsp(*p))
			p++;
		if (*p && *p != ';')
			return -1;
		if (hit)
			return 1;
	}
	return 0;
}

/* Percent-decodes out[from..] in place (RFC 2231 section 4), skipping charset'lang' when ext. */
static int pct_decode(struct tdk_buf *out, size_t from, int ext)
{
	char *s = out->data + from, *w = s, *q;
	size_t i = 0, n = out->len - from;
	int hi, lo;

	if (ext) {
		if (!(q = memchr(s, '\'', n)) || !(q = memchr(q + 1, '\'', n - (size_t)(q + 1 - s))))
			return -1;
		i = (size_t)(q + 1 - s);
	}
	for (; i < n; i++) {
		if (s[i] != '%') {
			*w++ = s[i];
			continue;
		}
		if (i + 2 >= n || (hi = tdk_hex_value((unsigned char)s[i + 1])) < 0 ||
		    (lo = tdk_hex_value((unsigned char)s[i + 2])) < 0)
			return -1;
		*w++ = (char)(hi * 16 + lo);
		i += 2;
	}
	out->len = from + (size_t)(w - s);
	out->data[out->len] = '\0';
	return 0;
}

int tdk_mime_param(const char *value, const char *name, struct tdk_buf *out)
{
	char attr[96];
	size_t from = out->len, at;
	unsigned k;
	int rc;

	if ((rc = find_attr(value, name, out)) != 0)
		return rc;
	if (snprintf(attr, sizeof(attr), "%s*", name) >= (int)sizeof(attr))
		return -1;
	if ((rc = find_attr(value, attr, out)) != 0)
		return rc < 0 ? -1 : pct_decode(out, from, 1) < 0 ? -1 : 1;
	for (k = 0; k < 100; k++) {
		at = out->len;
		snprintf(attr, sizeof(attr), "%s*%u", name, k);
		if ((rc = find_attr(value, attr, out)) < 0)
			return -1;
		if (rc == 0) {
			snprintf(attr, sizeof(attr), "%s*%u*", name, k);
			if ((rc = find_attr(value, attr, out)) < 0 || (rc && pct_decode(out, at, k == 0) < 0))
				return -1;
		}
		if (rc == 0)
			break;
	}
	return out->len > from || k > 0 ? 1 : 0;
}

/* Copies s into slot[size], lowercased when lower; -1 when it does not fit. */
static int put(char *slot, size_t size, const char *s, size_t n, int lower)
{
	size_t i;

	if (n >= size)
		return -1;
	for (i = 0; i < n; i++)
		slot[i] = lower ? (char)tolower((unsigned char)s[i]) : s[i];
	slot[n] = '\0';
	return 0;
}

/* Copies a msg-id or a start value into slot without its angle brackets. */
static int put_id(char *slot, size_t size, const char *s, size_t n)
{
	if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
		s++;
		n -= 2;
	}
	return put(slot, size, s, n, 0);
}

static const char *const params[] = { "boundary", "start", "protocol", "micalg" };

/* Reads the Content-Type of p from tmp (its value) into p's slots. */
static int content_type(struct rd *r, struct tdk_mime_part *p, struct tdk_buf *tmp)
{
	const char *v = tmp->data ? tmp->data : "", *s, *e;
	struct tdk_buf pv = TDK_BUF_INIT(TDK_MIME_MAX_HEADER);
	char *slots[] = { p->boundary, p->start, p->protocol, p->micalg };
	size_t sizes[] = { sizeof(p->boundary), sizeof(p->start), sizeof(p->protocol), sizeof(p->micalg) };
	size_t i;
	int rc = -1, got;

	for (s = v; token_char(*s); s++)
		;
	for (e = s + (*s == '/'); token_char(*e); e++)
		;
	if (s == v || *s != '/' || e == s + 1 || (*e && *e != ';' && !wsp(*e)))
		return fail(r, "MIME-CONTENT-TYPE", p->raw, "the content type '%s' is no type/subtype", v);
	if (put(p->type, sizeof(p->type), v, (size_t)(e - v), 1) < 0)
		return fail(r, "MIME-LIMIT-FIELD", p->raw, "the content type '%s' is too long", v);
	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		tdk_buf_reset(&pv);
		if ((got = tdk_mime_param(v, params[i], &pv)) < 0) {
			fail(r, "MIME-PARAM", p->raw, "malformed parameters in the content type '%s'", v);
			goto out;
		}
		/* start is a msg-id; micalg is case-insensitive (RFC 1847 section 2.1). */
		if (got && (i == 1 ? put_id(slots[i], sizes[i], pv.data, pv.len)
				   : put(slots[i], sizes[i], pv.data, pv.len, i == 3)) < 0) {
			fail(r, "MIME-LIMIT-FIELD", p->raw, "the parameter %s is too long", params[i]);
			goto out;
		}
	}
	rc = 0;
out:
	tdk_buf_release(&pv);
	return rc;
}

/* Checks the header lines of p: each a field "name:" or the continuation of one. */
static int header_syntax(struct rd *r, const struct tdk_mime_part *p)
{
	const char *s = p->header, *end = p->header + p->header_len, *e, *c;

	for (; s < end; s = e) {
		e = line_end(s, end);
		if (wsp(*s) && s != p->header)
			continue;
		for (c = s; c < e && *c > 32 && *c < 127 && *c != ':'; c++)
			;
		if (c == s || c == e || *c != ':')
			return fail(r, "MIME-HEADER", s, "a header line that is no field");
	}
	return 0;
}

/* The fields of p: its header syntax, Content-Type, Content-ID and transfer encoding. */
static int fields(struct rd *r, struct tdk_mime_part *p)
{
	struct tdk_buf tmp = TDK_BUF_INIT(TDK_MIME_MAX_HEADER);
	int rc = -1, got;

	if (header_syntax(r, p) < 0)
		goto out;
	if ((got = tdk_mime_header(p->header, p->header_len, "Content-Type", &tmp)) < 0)
		goto out;
	if (!got)
		tdk_buf_adds(&tmp, "text/plain");
	if (content_type(r, p, &tmp) < 0)
		goto out;
	tdk_buf_reset(&tmp);
	if (tdk_mime_header(p->header, p->header_len, "Content-ID", &tmp) > 0 &&
	    put_id(p->content_id, sizeof(p->content_id), tmp.data, tmp.len) < 0) {
		fail(r, "MIME-LIMIT-FIELD", p->raw, "the Content-ID is too long");
		goto out;
	}
	tdk_buf_reset(&tmp);
	got = tdk_mime_header(p->header, p->header_len, "Content-Transfer-Encoding", &tmp);
	if (got <= 0)
		tdk_buf_adds(&tmp, "7bit");
	if (put(p->cte, sizeof(p->cte), tmp.data, tmp.len, 1) < 0 ||
	    !tdk_word_in("7bit|8bit|binary|base64|quoted-printable", p->cte)) {
		fail(r, "MIME-CTE", p->raw, "unknown transfer encoding '%s'", tmp.data);
		goto out;
	}
	if (!strncmp(p->type, "multipart/", 10) && !tdk_word_in("7bit|8bit|binary", p->cte)) {
		fail(r, "MIME-CTE", p->raw, "a multipart entity in '%s' (RFC 2045 section 6.4)", p->cte);
		goto out;
	}
	rc = 0;
out:
	tdk_buf_release(&tmp);
	return rc;
}

/* Appends an entity for raw[0..len) under parent; its index, or -1. */
static int add_part(struct rd *r, const char *raw, size_t len, int parent, unsigned depth)
{
	struct tdk_mime_part *p;
	struct tdk_mime *m = r->m;

	if (m->nparts >= r->lim->max_parts)
		return fail(r, "MIME-LIMIT-PARTS", raw, "more than %u entities", r->lim->max_parts);
	if (m->nparts == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;

		if (cap > r->lim->max_parts)
			cap = r->lim->max_parts;
		if (!(p = realloc(m->parts, cap * sizeof(*p))))
			return fail(r, "MIME-MEMORY", raw, "out of memory");
		m->parts = p;
		r->cap = cap;
	}
	p = &m->parts[m->nparts];
	memset(p, 0, sizeof(*p));
	p->raw = raw;
	p->raw_len = len;
	p->offset = r->base && raw >= r->base ? (size_t)(raw - r->base) : 0;
	p->parent = parent;
	p->depth = depth;
	return (int)m->nparts++;
}

/* Splits raw into header and body at the first empty line (or takes it all as header). */
static int split_header(struct rd *r, struct tdk_mime_part *p)
{
	const char *s = p->raw, *end = p->raw + p->raw_len, *e;

	for (; s < end; s = e) {
		e = line_end(s, end);
		if ((size_t)(e - p->raw) > r->lim->max_header)
			return fail(r, "MIME-LIMIT-HEADER", s, "a header longer than the limit");
		if (*s == '\n' || (*s == '\r' && s + 1 < end && s[1] == '\n')) {
			p->header = p->raw;
			p->header_len = (size_t)(s - p->raw);
			p->body = e;
			p->body_len = (size_t)(end - e);
			return 0;
		}
	}
	p->header = p->raw;
	p->header_len = p->raw_len;
	p->body = end;
	p->body_len = 0;
	return 0;
}

static int boundary_ok(const char *b)
{
	size_t n = strlen(b), i;

	if (n < 1 || n > 70 || b[n - 1] == ' ')
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)b[i]) && !strchr("'()+_,-./:=? ", b[i]))
			return 0;
	return 1;
}

/*
 * Whether the line at s is a delimiter of boundary b: "--" b, "--" when
 * close, transport padding, then a line end or the end.  Sets *close and
 * *next (the start of the next line).
 */
static int delimiter(const char *s, const char *end, const char *b, size_t bl, int *close,
		     const char **next)
{
	const char *q = s + 2 + bl;
	int c;

	if ((size_t)(end - s) < 2 + bl || s[0] != '-' || s[1] != '-' || memcmp(s + 2, b, bl))
		return 0;
	c = end - q >= 2 && q[0] == '-' && q[1] == '-';
	if (c)
		q += 2;
	while (q < end && wsp(*q))
		q++;
	if (q < end && *q == '\r' && q + 1 < end && q[1] == '\n')
		q++;
	if (q < end && *q != '\n')
		return 0;
	*next = q < end ? q + 1 : end;
	*close = c;
	return 1;
}

static int entity(struct rd *r, int idx);

/* The body parts of multipart entity idx (RFC 2046 section 5.1.1). */
static int multipart(struct rd *r, int idx)
{
	/* add_part moves the entities: keep what is needed of this one. */
	const struct tdk_mime_part *p = &r->m->parts[idx];
	const char *body = p->body, *s = p->body, *end = p->body + p->body_len;
	const char *part = NULL, *next, *stop;
	char b[sizeof(p->boundary)];
	size_t bl = strlen(p->boundary);
	unsigned depth = p->depth + 1, n = 0;
	int close = 0, k;

	memcpy(b, p->boundary, sizeof(b));
	if (!boundary_ok(b))
		return fail(r, "MIME-BOUNDARY", p->raw, "the multipart has no valid boundary '%s'", b);
	if (depth > r->lim->max_depth)
		return fail(r, "MIME-LIMIT-DEPTH", p->raw, "multiparts nested deeper than %u", r->lim->max_depth);
	for (; s < end && !close; s = next) {
		if (!delimiter(s, end, b, bl, &close, &next)) {
			next = line_end(s, end);
			continue;
		}
		if (part) {
			/* The line end before the delimiter is the delimiter's. */
			stop = s;
			if (stop > part && stop[-1] == '\n')
				stop--;
			if (stop > part && stop[-1] == '\r')
				stop--;
			if ((k = add_part(r, part, (size_t)(stop - part), idx, depth)) < 0 || entity(r, k) < 0)
				return -1;
			n++;
		}
		part = next;
	}
	if (!part)
		return fail(r, "MIME-NO-PARTS", body, "no boundary delimiter '--%s'", b);
	if (!close)
		return fail(r, "MIME-NO-CLOSE", end, "no close delimiter '--%s--'", b);
	if (!n)
		return fail(r, "MIME-NO-PARTS", body, "a multipart without a body part");
	return 0;
}

static int entity(struct rd *r, int idx)
{
	struct tdk_mime_part *p = &r->m->parts[idx];

	if (!p->header && split_header(r, p) < 0)
		return -1;
	if (fields(r, p) < 0)
		return -1;
	if (strncmp(p->type, "multipart/", 10))
		return 0;
	return multipart(r, idx);
}

static int read_top(struct tdk_mime *m, const char *data, size_t len, const char *header,
		    const struct tdk_mime_limits *lim, struct tdk_diag *d)
{
	struct tdk_mime_limits def;
	struct rd r = { m, lim, d, data, len, 0 };
	int k;

	if (!lim) {
		tdk_mime_limits_init(&def);
		r.lim = &def;
	}
	free(m->parts);
	m->parts = NULL;
	m->nparts = 0;
	if (len > r.lim->max_size)
		return fail(&r, "MIME-LIMIT-SIZE", NULL, "a message larger than the limit");
	if ((k = add_part(&r, data, len, -1, 0)) < 0)
		return -1;
	if (header) {
		m->parts[k].header = header;
		m->parts[k].header_len = strlen(header);
		m->parts[k].body = data;
		m->parts[k].body_len = len;
	}
	return entity(&r, k);
}

int tdk_mime_read(struct tdk_mime *m, const char *data, size_t len,
		  const struct tdk_mime_limits *lim, struct tdk_diag *d)
{
	return read_top(m, data, len, NULL, lim, d);
}

int tdk_mime_read_body(struct tdk_mime *m, const char *content_type, const char *data,
		       size_t len, const struct tdk_mime_limits *lim, struct tdk_diag *d)
{
	tdk_buf_reset(&m->top);
	if (strpbrk(content_type, "\r\n") || tdk_buf_addl(&m->top, "Content-Type: ") < 0 ||
	    tdk_buf_adds(&m->top, content_type) < 0 || tdk_buf_addl(&m->top, "\r\n") < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "MIME-CONTENT-TYPE", NULL,
			     "a content type with a line end or longer than the limit");
		return -1;
	}
	return read_top(m, data, len, m->top.data, lim, d);
}

int tdk_mime_child(const struct tdk_mime *m, size_t i, size_t n)
{
	size_t k;

	for (k = i + 1; k < m->nparts; k++)
		if (m->parts[k].parent == (int)i && n-- == 0)
			return (int)k;
	return -1;
}

int tdk_mime_related_root(const struct tdk_mime *m, size_t i, struct tdk_diag *d)
{
	const struct tdk_mime_part *p = i < m->nparts ? &m->parts[i] : NULL;
	size_t n;
	int k;

	if (!p || strncmp(p->type, "multipart/", 10)) {
		tdk_diag_add(d, TDK_SEV_ERROR, "MIME-START", NULL, "the entity is no multipart");
		return -1;
	}
	if (!p->start[0])
		return tdk_mime_child(m, i, 0);
	for (n = 0; (k = tdk_mime_child(m, i, n)) >= 0; n++)
		if (!strcmp(m->parts[k].content_id, p->start))
			return k;
	tdk_diag_add(d, TDK_SEV_ERROR, "MIME-START", NULL, "no part has the Content-ID <%s> of the start parameter",
		     p->start);
	return -1;
}
