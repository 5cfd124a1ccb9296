/*
 * Map manifests (manifest.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/exitcode.h"
#include "util/io.h"
#include "wco/manifest.h"

#define OOM (-2)

static int fault(struct tdk_diag *d, unsigned long line, unsigned long col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fault(struct tdk_diag *d, unsigned long line, unsigned long col, const char *fmt, ...)
{
	struct tdk_diag_loc loc;
	va_list ap;

	memset(&loc, 0, sizeof(loc));
	loc.line = line;
	loc.col = col;
	va_start(ap, fmt);
	tdk_diag_addv(d, TDK_SEV_ERROR, "MAP-MANIFEST", &loc, fmt, ap);
	va_end(ap);
	return -1;
}

static int blank(char c)
{
	return c == ' ' || c == '\t';
}

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = 0;
	}
	return p;
}

/* The next word of *s (blanks skipped), as a new string; NULL at the end (or *oom set). */
static char *word(const char **s, int *oom)
{
	const char *b = *s, *e;
	char *w;

	while (blank(*b))
		b++;
	for (e = b; *e && !blank(*e); e++)
		;
	*s = e;
	if (e == b)
		return NULL;
	if (!(w = dup_n(b, (size_t)(e - b))))
		*oom = 1;
	return w;
}

/* "edifact MESSAGE RELEASE..." or "xml NAMESPACE ROOT". */
static int vocab(struct tdk_manifest_vocab *v, const char *val, struct tdk_diag *d, unsigned long line,
		 unsigned long col)
{
	const char *s = val;
	char *kind, *w;
	int oom = 0, r = 0;

	if (v->kind)
		return fault(d, line, 1, "%s given twice", "source or target");
	if (!(v->text = strdup(val)) || !(kind = word(&s, &oom)))
		return oom || !v->text ? OOM : fault(d, line, col, "%s: say 'edifact MESSAGE RELEASE...' or 'xml "
						       "NAMESPACE ROOT'", "empty vocabulary");
	if (!strcmp(kind, "edifact")) {
		v->kind = TDK_MANIFEST_EDIFACT;
		v->message = word(&s, &oom);
		while (!oom && (w = word(&s, &oom))) {
			if (v->nreleases == TDK_MANIFEST_RELEASES_MAX) {
				free(w);
				r = fault(d, line, col, "more than %s releases", "8");
				break;
			}
			v->releases[v->nreleases++] = w;
		}
		if (!r && !oom && (!v->message || !v->nreleases))
			r = fault(d, line, col, "%s: say 'edifact MESSAGE RELEASE...'", "incomplete edifact vocabulary");
	} else if (!strcmp(kind, "xml")) {
		v->kind = TDK_MANIFEST_XML;
		v->ns = word(&s, &oom);
		v->root = oom ? NULL : word(&s, &oom);
		w = oom || !v->root ? NULL : word(&s, &oom);
		if (!oom && (!v->ns || !v->root || w))
			r = fault(d, line, col, "%s: say 'xml NAMESPACE ROOT'", "an xml vocabulary is two words");
		free(w);
	} else {
		r = fault(d, line, col, "'%.40s' is no vocabulary kind: edifact or xml", kind);
	}
	free(kind);
	return oom ? OOM : r;
}

static int add_line(struct tdk_manifest_line **v, size_t *n, size_t *cap, const char *val, unsigned long line,
		    struct tdk_diag *d)
{
	const char *s = val;
	int oom = 0;
	char *what;

	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		struct tdk_manifest_line *p = realloc(*v, c * sizeof(*p));

		if (!p)
			return OOM;
		*v = p;
		*cap = c;
	}
	if (!(what = word(&s, &oom)))
		return oom ? OOM : fault(d, line, 1, "%s needs a value", "carries or drops");
	while (blank(*s))
		s++;
	(*v)[*n].what = what;
	(*v)[*n].line = line;
	if (!((*v)[*n].rest = strdup(s))) {
		free(what);
		return OOM;
	}
	(*n)++;
	return 0;
}

static int set_once(char **field, const char *key, const char *val, unsigned long line, struct tdk_diag *d)
{
	if (*field)
		return fault(d, line, 1, "'%s' given twice", key);
	if (!*val)
		return fault(d, line, 1, "'%s' needs a value", key);
	return (*field = strdup(val)) ? 0 : OOM;
}

/* One "key = value" line (already without its line break and trailing blanks). */
static int one_line(struct tdk_manifest *m, char *s, unsigned long line, struct tdk_diag *d)
{
	char *eq = strchr(s, '='), *k, *ke, *val;

	for (k = s; blank(*k); k++)
		;
	if (!*k || *k == '#')
		return 0;
	if (!eq)
		return fault(d, line, (unsigned long)(k - s) + 1, "'%.60s': not 'key = value'", k);
	for (ke = eq; ke > k && blank(ke[-1]); ke--)
		;
	*ke = 0;
	for (val = eq + 1; blank(*val); val++)
		;
	if (m->ncarries + m->ndrops >= TDK_MANIFEST_LINES_MAX)
		return fault(d, line, 1, "more than %s carries and drops lines", "10000");
	if (!strcmp(k, "name"))
		return set_once(&m->name, k, val, line, d);
	if (!strcmp(k, "summary"))
		return set_once(&m->summary, k, val, line, d);
	if (!strcmp(k, "source"))
		return vocab(&m->source, val, d, line, (unsigned long)(val - s) + 1);
	if (!strcmp(k, "target"))
		return vocab(&m->target, val, d, line, (unsigned long)(val - s) + 1);
	if (!strcmp(k, "carries"))
		return add_line(&m->carries, &m->ncarries, &m->cap_carries, val, line, d);
	if (!strcmp(k, "drops"))
		return add_line(&m->drops, &m->ndrops, &m->cap_drops, val, line, d);
	return fault(d, line, (unsigned long)(k - s) + 1, "unknown key '%.40s' (name, summary, source, target, "
		     "carries, drops)", k);
}

int tdk_manifest_parse(struct tdk_manifest *m, const char *p, size_t n, struct tdk_diag *d)
{
	char buf[TDK_MANIFEST_LINE_MAX + 1];
	unsigned long line = 0;
	size_t i = 0, k;
	int r, bad = 0;

	memset(m, 0, sizeof(*m));
	if (n > TDK_MANIFEST_FILE_MAX)
		return fault(d, 0, 0, "the manifest is larger than %s bytes", "1 MiB"), TDK_EXIT_NEGATIVE;
	while (i < n) {
		const char *nl = memchr(p + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (p + i)) : n - i;

		line++;
		if (len > TDK_MANIFEST_LINE_MAX) {
			fault(d, line, TDK_MANIFEST_LINE_MAX + 1, "line longer than %s bytes", "4096");
			return TDK_EXIT_NEGATIVE;
		}
		memcpy(buf, p + i, len);
		buf[len] = 0;
		i += len + 1;
		if (memchr(buf, 0, len)) {
			fault(d, line, (unsigned long)strlen(buf) + 1, "%s", "a NUL byte");
			bad = 1;
			continue;
		}
		for (k = len; k && (blank(buf[k - 1]) || buf[k - 1] == '\r'); k--)
			buf[k - 1] = 0;
		if ((r = one_line(m, buf, line, d)) == OOM)
			return TDK_EXIT_INTERNAL;
		bad |= r < 0;
	}
	if (!bad && !m->name)
		bad = fault(d, 0, 0, "'%s' is missing", "name") < 0;
	if (!bad && !m->source.kind)
		bad = fault(d, 0, 0, "'%s' is missing", "source") < 0;
	if (!bad && !m->target.kind)
		bad = fault(d, 0, 0, "'%s' is missing", "target") < 0;
	return bad ? TDK_EXIT_NEGATIVE : TDK_EXIT_OK;
}

int tdk_manifest_load(struct tdk_manifest *m, const char *path, struct tdk_diag *d)
{
	struct tdk_buf b;
	int r;

	memset(m, 0, sizeof(*m));
	if (tdk_read_all(path, TDK_MANIFEST_FILE_MAX, &b) < 0) {
		int e = errno;

		tdk_buf_release(&b);
		if (e == EFBIG)
			return fault(d, 0, 0, "the manifest is larger than %s bytes", "1 MiB"), TDK_EXIT_NEGATIVE;
		fault(d, 0, 0, "cannot read the manifest: %s", strerror(e));
		return TDK_EXIT_IO;
	}
	r = tdk_manifest_parse(m, b.data ? b.data : "", b.len, d);
	tdk_buf_release(&b);
	return r;
}

static void vocab_release(struct tdk_manifest_vocab *v)
{
	size_t i;

	free(v->text);
	free(v->message);
	for (i = 0; i < v->nreleases; i++)
		free(v->releases[i]);
	free(v->ns);
	free(v->root);
}

static void lines_release(struct tdk_manifest_line *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].what);
		free(v[i].rest);
	}
	free(v);
}

void tdk_manifest_release(struct tdk_manifest *m)
{
	free(m->name);
	free(m->summary);
	vocab_release(&m->source);
	vocab_release(&m->target);
	lines_release(m->carries, m->ncarries);
	lines_release(m->drops, m->ndrops);
	memset(m, 0, sizeof(*m));
}
