/*
 * The loader of UNTDID releases: reads the files exactly as UNECE publishes
 * them and builds the image of dir.h.
 *
 * The files are fixed-column text, but the columns moved between releases
 * (4- and 5-digit positions, tags one column apart, repeat counts and usage
 * markers added in D.99B), so records are read by their tokens rather than by
 * fixed columns: a position, an optional change indicator (+ * # | - X), a
 * tag, the name, then status, repeat and representation from the right.
 * Up to D.01B the files are IBM code page 437, whose box-drawing bytes draw
 * the group brackets of segment tables; those are read as the ASCII
 * equivalents the later files use, and text is stored as UTF-8.
 */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "edi/dir-impl.h"
#include "util/exitcode.h"

#define MAX_LINE          512

int tdk_dir_fault(struct dir_build *b, const char *file, unsigned long line, const char *fmt, ...)
{
	struct tdk_diag_loc loc;
	char msg[TDK_DIAG_MSG_MAX];
	va_list ap;

	memset(&loc, 0, sizeof(loc));
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	b->faults++;
	if (b->d && line)
		tdk_diag_add(b->d, TDK_SEV_ERROR, "EDI-DIR-BROKEN", &loc, "'%s' line %lu: %s", file, line, msg);
	else if (b->d)
		tdk_diag_add(b->d, TDK_SEV_ERROR, "EDI-DIR-BROKEN", &loc, "'%s': %s", file, msg);
	return -1;
}

/* ---- Growable arrays ---- */

static void *grow(struct dir_build *b, void **arr, uint32_t *n, uint32_t *cap, size_t size)
{
	if (*n == *cap) {
		uint32_t nc = *cap ? *cap * 2 : 64;
		void *p;

		if (nc > 0x3FFFFFFF || !(p = realloc(*arr, (size_t)nc * size))) {
			b->oom = 1;
			return NULL;
		}
		*arr = p;
		*cap = nc;
	}
	return (char *)*arr + (size_t)(*n)++ * size;
}

#define GROW(b, what) ((__typeof__((b)->what))grow(b, (void **)&(b)->what, &(b)->n##what, \
							    &(b)->c##what, sizeof(*(b)->what)))

/* Adds text (n bytes, decoded from the file's code page) to the string table; returns its offset. */
static uint32_t add_str(struct dir_build *b, const char *s, size_t n)
{
	size_t need = n * 3 + 1, i;
	uint32_t off;

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	if (b->nstrings + need > b->cstrings) {
		size_t nc = b->cstrings ? b->cstrings * 2 : 65536;
		char *p;

		while (nc < b->nstrings + need)
			nc *= 2;
		if (nc > 0x7FFFFFFF || !(p = realloc(b->strings, nc))) {
			b->oom = 1;
			return TDK_DIR_NONE;
		}
		b->strings = p;
		b->cstrings = (uint32_t)nc;
	}
	off = b->nstrings;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp = c < 0x80 ? c : b->high[c - 0x80];
		char *o = b->strings + b->nstrings;

		if (cp < 0x80) {
			o[0] = (char)cp;
			b->nstrings += 1;
		} else if (cp < 0x800) {
			o[0] = (char)(0xC0 | (cp >> 6));
			o[1] = (char)(0x80 | (cp & 0x3F));
			b->nstrings += 2;
		} else {
			o[0] = (char)(0xE0 | (cp >> 12));
			o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
			o[2] = (char)(0x80 | (cp & 0x3F));
			b->nstrings += 3;
		}
	}
	b->strings[b->nstrings++] = '\0';
	return off;
}

/* The upper half of a code page as code points, from the C library's iconv. */
static void set_codepage(struct dir_build *b, const char *encoding)
{
	iconv_t cd = iconv_open("UCS-4LE", encoding);
	int i;

	for (i = 0; i < 128; i++) {
		unsigned char in = (unsigned char)(0x80 + i), out[8];
		char *ip = (char *)&in, *op = (char *)out;
		size_t il = 1, ol = sizeof(out);

		b->high[i] = 0xFFFD;
		if (cd == (iconv_t)-1)
			continue;
		iconv(cd, NULL, NULL, NULL, NULL);
		if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1 && ol == sizeof(out) - 4)
			b->high[i] = (uint32_t)out[0] | (uint32_t)out[1] << 8 | (uint32_t)out[2] << 16;
	}
	if (cd != (iconv_t)-1)
		iconv_close(cd);
}

/* ---- Lines and tokens ---- */

struct lines {
	const char *p, *end;
	unsigned long no;
	int cp437;
	char buf[MAX_LINE + 1];
	size_t len;
};

/*
 * The next line without its CR LF, with the code page 437 box-drawing bytes
 * of the old files turned into the ASCII the later files use: the horizontal
 * rule into '-', the vertical into '|', the corners and joins into '+'.
 */
static int next_line(struct lines *l)
{
	const char *e;
	size_t i, n;

	if (l->p >= l->end)
		return 0;
	e = memchr(l->p, '\n', (size_t)(l->end - l->p));
	if (!e)
		e = l->end;
	n = (size_t)(e - l->p);
	if (n && l->p[n - 1] == '\r')
		n--;
	if (n > MAX_LINE)
		n = MAX_LINE;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)l->p[i];

		if (l->cp437 && c == 0xC4)
			c = '-';
		else if (l->cp437 && c == 0xB3)
			c = '|';
		else if (l->cp437 && (c == 0xBF || c == 0xD9 || c == 0xC1 || c == 0xC5 || c == 0xB4))
			c = '+';
		else if (c == '\t' || c == '\f' || c == 0x1A)
			c = ' ';
		l->buf[i] = (char)c;
	}
	while (n && l->buf[n - 1] == ' ')
		n--;
	l->buf[n] = '\0';
	l->len = n;
	l->p = e < l->end ? e + 1 : e;
	l->no++;
	return 1;
}

/* A separator between entries: a full line of dashes (or of code page 437 rules). */
static int is_separator(const struct lines *l)
{
	size_t i;

	if (l->len < 40)
		return 0;
	for (i = 0; i < l->len; i++)
		if (l->buf[i] != '-')
			return 0;
	return 1;
}

#define MAX_TOK 48

struct toks {
	char *t[MAX_TOK];
	size_t n;
	char store[MAX_LINE + 1];
};

/* Splits a line into blank-separated words; word i starts at column col[i]. */
static void split(struct toks *t, const char *line)
{
	char *p;

	snprintf(t->store, sizeof(t->store), "%s", line);
	t->n = 0;
	for (p = t->store; *p && t->n < MAX_TOK;) {
		while (*p == ' ')
			*p++ = '\0';
		if (!*p)
			break;
		t->t[t->n++] = p;
		while (*p && *p != ' ')
			p++;
	}
}

/* Change indicators, alone or combined ("*|", "*#"): + * # | - X. */
static int is_indicator(const char *w)
{
	size_t i;

	for (i = 0; w[i]; i++)
		if (i == 3 || !strchr("+*#|-X", w[i]))
			return 0;
	return i > 0;
}

static int all(const char *w, int (*cls)(int), size_t n)
{
	size_t i;

	for (i = 0; w[i]; i++)
		if (!cls((unsigned char)w[i]))
			return 0;
	return n ? i == n : i > 0;
}

static int up(int c) { return c >= 'A' && c <= 'Z'; }
static int dig(int c) { return c >= '0' && c <= '9'; }
static int alnum_up(int c) { return up(c) || dig(c); }

/* "an..35", "n3", "a..4": the representation of a data element (UNTDID part 4, 2.2). */
static int parse_repr(const char *w, char *kind, char *var, uint32_t *max)
{
	const char *p = w;
	unsigned long m = 0;

	if (p[0] == 'a' && p[1] == 'n')
		*kind = 'x', p += 2;
	else if (p[0] == 'a')
		*kind = 'a', p++;
	else if (p[0] == 'n')
		*kind = 'n', p++;
	else
		return -1;
	*var = 0;
	if (p[0] == '.' && p[1] == '.')
		*var = 1, p += 2;
	if (!dig((unsigned char)*p))
		return -1;
	while (dig((unsigned char)*p) && m < 100000)
		m = m * 10 + (unsigned long)(*p++ - '0');
	if (*p || !m || m >= 100000)
		return -1;
	*max = (uint32_t)m;
	return 0;
}

static uint32_t number(const char *w)
{
	unsigned long v = 0;

	while (dig((unsigned char)*w) && v < 100000000)
		v = v * 10 + (unsigned long)(*w++ - '0');
	return (uint32_t)v;
}

/* Joins words [from, to) with single blanks into s (size bytes); returns the length. */
static size_t join_words(char *s, size_t size, struct toks *t, size_t from, size_t to)
{
	size_t n = 0, i;

	for (i = from; i < to; i++) {
		size_t k = strlen(t->t[i]);

		if (n + k + 1 >= size)
			break;
		if (n)
			s[n++] = ' ';
		memcpy(s + n, t->t[i], k);
		n += k;
	}
	return n;
}

/* Joins words [from, to) with single blanks into the string table. */
static uint32_t add_words(struct dir_build *b, struct toks *t, size_t from, size_t to)
{
	char s[MAX_LINE + 1];

	return add_str(b, s, join_words(s, sizeof(s), t, from, to));
}

/*
 * A position line of a segment or composite: "010 [ind] TAG NAME ... S [R] [REPR]".
 * Fills the member; returns 0, or -1 when the line is not one.
 */
static int parse_member(struct dir_build *b, struct toks *t, struct tdk_dir_member *m, int in_segment)
{
	size_t i = 1, last = t->n;
	char kind, var;
	uint32_t max;

	memset(m, 0, sizeof(*m));
	if (t->n < 4 || !all(t->t[0], dig, 3))
		return -1;
	m->pos = number(t->t[0]);
	if (is_indicator(t->t[i]))
		i++;
	if (i >= t->n || strlen(t->t[i]) != 4 || !all(t->t[i], alnum_up, 4))
		return -1;
	memcpy(m->tag, t->t[i], 5);
	m->composite = !dig((unsigned char)m->tag[0]);
	i++;
	if (last > i && parse_repr(t->t[last - 1], &kind, &var, &max) == 0)
		last--;
	m->repeat = 1;
	if (in_segment && last > i + 1 && all(t->t[last - 1], dig, 0) &&
	    (!strcmp(t->t[last - 2], "M") || !strcmp(t->t[last - 2], "C"))) {
		m->repeat = number(t->t[last - 1]);
		last--;
	}
	if (last <= i || (strcmp(t->t[last - 1], "M") && strcmp(t->t[last - 1], "C")))
		return -1;
	m->status = t->t[last - 1][0];
	m->ref = TDK_DIR_NONE;
	(void)b;
	return m->repeat ? 0 : -1;
}

/* ---- Message files (EDMD/TRMD) ---- */

static int load_message(struct dir_build *b, const char *file, const char *type, const char *data, size_t n)
{
	struct lines l = { data, data + n, 0, b->cp437, { 0 }, 0 };
	struct tdk_dir_message *m;
	struct tdk_dir_node *nd = NULL;
	uint32_t stack[64], first = b->nnodes, title = TDK_DIR_NONE, pending = TDK_DIR_NONE;
	size_t depth = 0, wrapped_len = 0;
	char wrapped[2 * MAX_LINE + 2];
	int nonblank = 0, table = 0, r = 0;
	struct toks t;

	while (next_line(&l)) {
		size_t i, closes = 0, len;
		char *s = l.buf;

		if (!table) {
			if (l.len && ++nonblank == 3)
				title = add_str(b, l.buf, l.len);
			if (!strncmp(l.buf, "Pos", 3) && strstr(l.buf, "Tag"))
				table = 1;
			continue;
		}
		if (!l.len)
			continue;
		/* Text after the table (an annex with examples) starts in the first column. */
		if (l.buf[0] != ' ' && !dig((unsigned char)l.buf[0]))
			break;
		if (dig((unsigned char)l.buf[0]) && !dig((unsigned char)l.buf[1]))
			break;
		/* The tail: '|' show nesting, each '+' closes a group (or opens one on a group line). */
		len = l.len;
		while (len && (s[len - 1] == '|' || s[len - 1] == '+' || s[len - 1] == ' '))
			closes += s[--len] == '+';
		while (len && s[len - 1] == '-')
			len--;
		s[len] = '\0';
		split(&t, s);
		if (!t.n)
			continue;
		if (!dig((unsigned char)s[0])) {
			/* A wrapped name: the rest of it, then status and repeat. */
			if (pending == TDK_DIR_NONE)
				continue;
			if (t.n < 2 || !all(t.t[t.n - 1], dig, 0) ||
			    (strcmp(t.t[t.n - 2], "M") && strcmp(t.t[t.n - 2], "C"))) {
				r = tdk_dir_fault(b, file, l.no, "segment table entry without status and repeat");
				break;
			}
			nd = &b->nodes[pending];
			nd->status = t.t[t.n - 2][0];
			nd->repeat = number(t.t[t.n - 1]);
			/* The name is the words held from the line before and those of this one. */
			for (i = 0; i + 2 < t.n; i++) {
				size_t w = strlen(t.t[i]);

				if (wrapped_len + w + 2 > sizeof(wrapped))
					break;
				wrapped[wrapped_len++] = ' ';
				memcpy(wrapped + wrapped_len, t.t[i], w);
				wrapped_len += w;
			}
			nd->name = add_str(b, wrapped, wrapped_len);
			pending = TDK_DIR_NONE;
		} else {
			if (pending != TDK_DIR_NONE) {
				r = tdk_dir_fault(b, file, l.no - 1, "segment table entry without status and repeat");
				break;
			}
			if (!(nd = GROW(b, nodes)))
				return -1;
			memset(nd, 0, sizeof(*nd));
			nd->seg = TDK_DIR_NONE;
			nd->name = TDK_DIR_NONE;
			nd->pos = number(t.t[0]);
			i = 1;
			if (i < t.n && is_indicator(t.t[i]) && !(t.t[i][0] == '-' && t.n > i + 1 && t.t[i + 1][0] == '-'))
				i++;
			if (i < t.n && t.t[i][0] == '-') {
				/* "---- Segment group 12 ------ C 99" */
				while (i < t.n && t.t[i][0] == '-')
					i++;
				/* The number may run into the rule: "Segment group 100------". */
				if (i + 2 >= t.n || strcmp(t.t[i], "Segment") || strcmp(t.t[i + 1], "group") ||
				    !dig((unsigned char)t.t[i + 2][0]) ||
				    (t.t[i + 2][strspn(t.t[i + 2], "0123456789")] != '\0' &&
				     t.t[i + 2][strspn(t.t[i + 2], "0123456789")] != '-')) {
					r = tdk_dir_fault(b, file, l.no, "unreadable segment group line");
					break;
				}
				nd->group = number(t.t[i + 2]);
				closes = 0;
			} else if (i < t.n && all(t.t[i], up, 3)) {
				memcpy(nd->tag, t.t[i], 4);
				i++;
			} else {
				r = tdk_dir_fault(b, file, l.no, "segment table entry without a tag");
				break;
			}
			if (t.n >= i + 2 && all(t.t[t.n - 1], dig, 0) &&
			    (!strcmp(t.t[t.n - 2], "M") || !strcmp(t.t[t.n - 2], "C"))) {
				nd->status = t.t[t.n - 2][0];
				nd->repeat = number(t.t[t.n - 1]);
				if (!nd->group)
					nd->name = add_words(b, &t, i, t.n - 2);
			} else {
				if (nd->group) {
					r = tdk_dir_fault(b, file, l.no, "segment group without status and repeat");
					break;
				}
				/* A name that wraps (D.16A QALITY 00250): held until its second line. */
				wrapped_len = join_words(wrapped, sizeof(wrapped), &t, i, t.n);
				pending = (uint32_t)(nd - b->nodes);
			}
			if (nd->group) {
				if (depth == sizeof(stack) / sizeof(stack[0])) {
					r = tdk_dir_fault(b, file, l.no, "segment groups nested too deep");
					break;
				}
				stack[depth++] = (uint32_t)(nd - b->nodes);
				continue;
			}
		}
		if (closes > depth) {
			r = tdk_dir_fault(b, file, l.no, "closes %zu segment groups, %zu open", closes, depth);
			break;
		}
		while (closes--)
			b->nodes[stack[--depth]].end = b->nnodes - first;
	}
	if (b->oom)
		return -1;
	if (!r && pending != TDK_DIR_NONE)
		r = tdk_dir_fault(b, file, l.no, "segment table entry without status and repeat");
	if (!r && !table)
		r = tdk_dir_fault(b, file, l.no, "no segment table (a line starting 'Pos')");
	if (!r && b->nnodes == first)
		r = tdk_dir_fault(b, file, l.no, "empty segment table");
	if (!r && depth)
		r = tdk_dir_fault(b, file, l.no, "%zu segment groups left open at the end of the table", depth);
	if (!r) {
		uint32_t k;

		for (k = first; k < b->nnodes && !r; k++) {
			nd = &b->nodes[k];
			if (!nd->repeat)
				r = tdk_dir_fault(b, file, 0, "position %04u has a repeat of 0", nd->pos);
			else if (nd->group && (k + 1 >= b->nnodes || b->nodes[k + 1].group ||
					       nd->end <= k + 1 - first))
				r = tdk_dir_fault(b, file, 0, "segment group %u does not start with a segment", nd->group);
		}
	}
	if (r) {
		b->nnodes = first;
		return 0;
	}
	/* Interactive messages (UIH instead of UNH) belong to I-EDI, not to this directory. */
	if (!strcmp(b->nodes[first].tag, "UIH")) {
		b->nnodes = first;
		return 0;
	}
	if (!(m = GROW(b, messages)))
		return -1;
	memset(m, 0, sizeof(*m));
	memcpy(m->type, type, 6);
	m->name = title;
	m->first = first;
	m->n = b->nnodes - first;
	return 0;
}

/* ---- Segments, composites, elements and code lists: entries between separator lines ---- */

enum kind { K_SEGMENTS, K_COMPOSITES, K_ELEMENTS, K_CODES, K_SERVICE_CODES };

/* The first line of an entry: "[ind] TAG NAME [usage]"; returns the index of the tag word or -1. */
static int entry_head(struct toks *t, enum kind k)
{
	size_t i = 0;

	if (t->n && is_indicator(t->t[0]))
		i++;
	if (i + 1 >= t->n)
		return -1;
	switch (k) {
	case K_SEGMENTS:
		return all(t->t[i], up, 3) ? (int)i : -1;
	case K_COMPOSITES:
		return strlen(t->t[i]) == 4 && up((unsigned char)t->t[i][0]) && all(t->t[i] + 1, dig, 3) ?
			(int)i : -1;
	default:
		return all(t->t[i], dig, 4) ? (int)i : -1;
	}
}

static size_t name_end(struct toks *t)
{
	/* Drop a usage marker "[B]" at the end of the line. */
	return t->n && t->t[t->n - 1][0] == '[' ? t->n - 1 : t->n;
}

/*
 * A dependency note of the segment read last, from EDSD's "Dependency
 * note:" block: "040  D5(040,030) If first, then all" (the number before
 * the note is the position it is written under; the note's positions are
 * those of the segment's members).  Returns 0, or -1 without memory.
 */
static int load_dep(struct dir_build *b, const char *file, unsigned long no, struct toks *t)
{
	struct tdk_dir_segment *s = &b->segments[b->nsegments - 1];
	struct tdk_dir_dep dep, *pd;
	char text[MAX_LINE + 1], *p;
	size_t i = 0;
	uint32_t k;

	while (i < t->n && !(t->t[i][0] == 'D' && dig((unsigned char)t->t[i][1])))
		i++;
	if (i == t->n)
		return 0;
	join_words(text, sizeof(text), t, i, t->n);
	memset(&dep, 0, sizeof(dep));
	p = text + 1;
	dep.type = (uint32_t)strtoul(p, &p, 10);
	if (*p++ != '(' || dep.type < 1 || dep.type > 7)
		return tdk_dir_fault(b, file, no, "segment %s: unreadable dependency note '%s'", s->tag, text), 0;
	for (;;) {
		unsigned long pos;
		char *end;

		while (*p == ' ')
			p++;
		pos = strtoul(p, &end, 10);
		if (end == p || dep.n == TDK_DIR_DEP_MAX)
			return tdk_dir_fault(b, file, no, "segment %s: unreadable dependency note '%s'", s->tag, text), 0;
		for (k = 0; k < s->n && b->members[s->first + k].pos != pos; k++)
			;
		if (k == s->n)
			return tdk_dir_fault(b, file, no, "segment %s: dependency note '%s' names position %03lu, which it "
				     "does not have", s->tag, text, pos), 0;
		dep.member[dep.n++] = k;
		for (p = end; *p == ' '; p++)
			;
		if (*p == ')')
			break;
		if (*p++ != ',')
			return tdk_dir_fault(b, file, no, "segment %s: unreadable dependency note '%s'", s->tag, text), 0;
	}
	if (dep.n < 2)
		return tdk_dir_fault(b, file, no, "segment %s: dependency note '%s' names one position", s->tag, text), 0;
	if (!(pd = GROW(b, deps)))
		return -1;
	*pd = dep;
	s->ndeps++;
	return 0;
}

static int load_entries(struct dir_build *b, const char *file, enum kind k, const char *data, size_t n)
{
	struct lines l = { data, data + n, 0, b->cp437, { 0 }, 0 };
	/*
	 * Entries come between separator lines, but a file may also begin
	 * with one (UNCL-2 of the releases that split UNCL in two starts
	 * with a code list, D.96B 4347): until the first separator, the first
	 * line that is not blank is an entry's head if it reads as one, and
	 * the file's preamble (title, change indicators) otherwise.
	 */
	int in_entry = 1, preamble = 1, after_repr = 0, in_deps = 0;
	uint32_t *count = NULL, none = 0;
	char held[MAX_LINE + 1] = "";
	unsigned long held_no = 0;
	struct toks t;

	while (next_line(&l)) {
		int h;

		if (is_separator(&l)) {
			if (*held)
				tdk_dir_fault(b, file, held_no, "unreadable position line");
			*held = '\0';
			in_entry = 1;
			preamble = 0;
			after_repr = 0;
			in_deps = 0;
			count = NULL;
			continue;
		}
		if (!l.len || !in_entry)
			continue;
		split(&t, l.buf);
		if (!count && in_entry == 1) {
			/* The entry's head line. */
			in_entry = 2;
			if ((h = entry_head(&t, k)) < 0) {
				if (!preamble)
					tdk_dir_fault(b, file, l.no, "entry does not start with a tag and a name");
				in_entry = 0;
				continue;
			}
			if (k == K_SEGMENTS) {
				struct tdk_dir_segment *s = GROW(b, segments);

				if (!s)
					return -1;
				memset(s, 0, sizeof(*s));
				memcpy(s->tag, t.t[h], 4);
				s->name = add_words(b, &t, (size_t)h + 1, name_end(&t));
				s->first = b->nmembers;
				s->deps = b->ndeps;
				count = &s->n;
			} else if (k == K_COMPOSITES) {
				struct tdk_dir_composite *c = GROW(b, composites);

				if (!c)
					return -1;
				memset(c, 0, sizeof(*c));
				memcpy(c->tag, t.t[h], 5);
				c->name = add_words(b, &t, (size_t)h + 1, name_end(&t));
				c->first = b->nmembers;
				count = &c->n;
			} else if (k == K_ELEMENTS) {
				struct tdk_dir_element *e = GROW(b, elements);

				if (!e)
					return -1;
				memset(e, 0, sizeof(*e));
				memcpy(e->tag, t.t[h], 5);
				e->name = add_words(b, &t, (size_t)h + 1, name_end(&t));
				e->codes = TDK_DIR_NONE;
				count = &none;
			} else {
				struct tdk_dir_codelist *c = GROW(b, lists);

				if (!c)
					return -1;
				memset(c, 0, sizeof(*c));
				memcpy(c->tag, t.t[h], 5);
				c->name = add_words(b, &t, (size_t)h + 1, name_end(&t));
				c->first = b->ncodes;
				count = &c->n;
				if (k == K_SERVICE_CODES)
					b->service_lists++;
			}
			continue;
		}
		if (!count)
			continue;
		if ((k == K_ELEMENTS || k >= K_CODES) && !strcmp(t.t[0], "Repr:")) {
			after_repr = 1;
			if (k == K_ELEMENTS) {
				struct tdk_dir_element *e = &b->elements[b->nelements - 1];

				if (t.n < 2 || parse_repr(t.t[1], &e->kind, &e->var, &e->max) < 0) {
					tdk_dir_fault(b, file, l.no, "element %s: unreadable representation '%s'", e->tag,
					      t.n > 1 ? t.t[1] : "");
					b->nelements--;
					count = NULL;
				}
			}
			continue;
		}
		if (k == K_SEGMENTS && t.n >= 2 && !strcmp(t.t[0], "Dependency") && !strncmp(t.t[1], "note", 4)) {
			in_deps = 1;
			continue;
		}
		if (in_deps) {
			/* The notes run to the entry's end; a "Note:" block may follow them. */
			if (!strcmp(t.t[0], "Note:") || !strcmp(t.t[0], "Notes:"))
				in_deps = 0;
			else if (load_dep(b, file, l.no, &t) < 0)
				return -1;
			continue;
		}
		if (k == K_SEGMENTS || k == K_COMPOSITES) {
			struct tdk_dir_member m, *pm;

			if (*held) {
				/* A position line whose name wrapped: this line has the rest. */
				char joined[2 * MAX_LINE + 2];

				snprintf(joined, sizeof(joined), "%s %s", held, l.buf);
				*held = '\0';
				split(&t, joined);
				if (parse_member(b, &t, &m, k == K_SEGMENTS) < 0) {
					tdk_dir_fault(b, file, held_no, "unreadable position line");
					continue;
				}
			} else if (!dig((unsigned char)l.buf[0])) {
				/* Component lines under a composite of a segment are indented: skipped here. */
				continue;
			} else if (parse_member(b, &t, &m, k == K_SEGMENTS) < 0) {
				snprintf(held, sizeof(held), "%s", l.buf);
				held_no = l.no;
				continue;
			}
			if (k == K_COMPOSITES && m.composite) {
				tdk_dir_fault(b, file, l.no, "a composite inside a composite");
				continue;
			}
			if (!(pm = GROW(b, members)))
				return -1;
			*pm = m;
			(*count)++;
			continue;
		}
		if (k >= K_CODES && after_repr) {
			/* A code line: the value starts before column 11; descriptions and notes are further in. */
			size_t col = 0, i = 0;
			struct tdk_dir_code *c;

			/* A change indicator ("X", "#|") sits in the first columns, before any code. */
			if (l.buf[0] != ' ' && is_indicator(t.t[0])) {
				i = 1;
				col = strlen(t.t[0]);
			}
			while (l.buf[col] == ' ')
				col++;
			if (i >= t.n || col > 9 || !strcmp(t.t[i], "Desc:") || !strcmp(t.t[i], "Note:"))
				continue;
			if (!(c = GROW(b, codes)))
				return -1;
			c->value = add_str(b, t.t[i], strlen(t.t[i]));
			c->name = add_words(b, &t, i + 1, t.n);
			c->deleted = i && strchr(t.t[0], 'X') != NULL;
			(*count)++;
		}
	}
	if (k == K_ELEMENTS && b->nelements && !b->elements[b->nelements - 1].kind)
		tdk_dir_fault(b, file, l.no, "element %s has no representation", b->elements[--b->nelements].tag);
	return b->oom ? -1 : 0;
}

/* ---- The indexes: counts of entries as the release states them ---- */

static uint32_t count_index(struct dir_build *b, const char *data, size_t n, size_t taglen, int (*cls)(int),
			    int first_up)
{
	struct lines l = { data, data + n, 0, b->cp437, { 0 }, 0 };
	uint32_t c = 0;
	int started = 0;
	struct toks t;

	while (next_line(&l)) {
		size_t i = 0;

		split(&t, l.buf);
		/* Entries follow the column headings "Tag Name" or "Code Name". */
		if (!started) {
			started = t.n >= 2 && (!strcmp(t.t[0], "Tag") || !strcmp(t.t[0], "Code")) &&
				  !strcmp(t.t[1], "Name");
			continue;
		}
		if (t.n && is_indicator(t.t[0]))
			i++;
		if (i + 1 >= t.n || strlen(t.t[i]) != taglen)
			continue;
		if (first_up ? (up((unsigned char)t.t[i][0]) && all(t.t[i] + 1, dig, taglen - 1)) : all(t.t[i], cls, taglen))
			c++;
	}
	return c;
}

/* ---- Which file is what ---- */

/*
 * Names as UNECE gives them: CUSDEC_D.96B, TRSD.96B or EDSD.16A, TRED/EDED,
 * TRCD/EDCD, UNCL.16A or UNCL-1.96B, UNSL.96B, indexes TRMDI1.96B, EDSDI1.16A.
 * Returns the kind (or -1 to skip) and the release suffix in rel ("96B").
 */
enum file_kind { F_MESSAGE, F_SEGMENTS, F_COMPOSITES, F_ELEMENTS, F_CODES, F_SERVICE_CODES,
		 F_IDX_MESSAGES, F_IDX_SEGMENTS, F_IDX_COMPOSITES, F_IDX_ELEMENTS };

int tdk_dir_classify(const char *name, char rel[4], char type[7])
{
	char u[64];
	const char *dot;
	size_t n = strlen(name), i, stem;
	static const struct { const char *stem; int kind; } k[] = {
		{ "TRSD", F_SEGMENTS }, { "EDSD", F_SEGMENTS }, { "TRCD", F_COMPOSITES }, { "EDCD", F_COMPOSITES },
		{ "TRED", F_ELEMENTS }, { "EDED", F_ELEMENTS }, { "UNCL", F_CODES }, { "UNCL-1", F_CODES },
		{ "UNCL-2", F_CODES }, { "UNSL", F_SERVICE_CODES }, { "TRMDI1", F_IDX_MESSAGES },
		{ "EDMDI1", F_IDX_MESSAGES }, { "TRSDI1", F_IDX_SEGMENTS }, { "EDSDI1", F_IDX_SEGMENTS },
		{ "TRCDI1", F_IDX_COMPOSITES }, { "EDCDI1", F_IDX_COMPOSITES }, { "TREDI1", F_IDX_ELEMENTS },
		{ "EDEDI1", F_IDX_ELEMENTS },
	};

	if (n >= sizeof(u))
		return -1;
	for (i = 0; i <= n; i++)
		u[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
	dot = strrchr(u, '.');
	if (!dot || strlen(dot) != 4 || !dig((unsigned char)dot[1]) || !dig((unsigned char)dot[2]) ||
	    !up((unsigned char)dot[3]))
		return -1;
	memcpy(rel, dot + 1, 4);
	stem = (size_t)(dot - u);
	if (stem == 8 && u[6] == '_' && u[7] == 'D') {
		for (i = 0; i < 6; i++)
			if (!up((unsigned char)u[i]))
				return -1;
		memcpy(type, u, 6);
		type[6] = '\0';
		return F_MESSAGE;
	}
	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (strlen(k[i].stem) == stem && !memcmp(u, k[i].stem, stem))
			return k[i].kind;
	return -1;
}

int tdk_dir_add_file(struct dir_build *b, const char *name, const char *container, const char *data, size_t n)
{
	char rel[4], type[7], release[8];
	int kind = tdk_dir_classify(name, rel, type);

	if (kind < 0)
		return 0;
	/* I-EDI files (IDMD, IDSD, IDCD) describe interactive messages: not part of the batch directory. */
	if (container && (container[0] == 'I' || container[0] == 'i') && (container[1] == 'D' || container[1] == 'd'))
		return 0;
	snprintf(release, sizeof(release), "D%s", rel);
	if (!b->release[0]) {
		memcpy(b->release, release, sizeof(release));
		/* Code page 437 up to D.01B, ASCII (read as ISO 8859-1) after. */
		b->cp437 = tdk_dir_release_before(release, "D01C");
		set_codepage(b, b->cp437 ? "CP437" : "ISO-8859-1");
	} else if (strcmp(b->release, release)) {
		b->mixed = 1;
		return 0;
	}
	switch (kind) {
	case F_MESSAGE:
		return load_message(b, name, type, data, n);
	case F_SEGMENTS:
		b->have |= 1;
		return load_entries(b, name, K_SEGMENTS, data, n);
	case F_COMPOSITES:
		b->have |= 2;
		return load_entries(b, name, K_COMPOSITES, data, n);
	case F_ELEMENTS:
		b->have |= 4;
		return load_entries(b, name, K_ELEMENTS, data, n);
	case F_CODES:
		b->have |= 8;
		return load_entries(b, name, K_CODES, data, n);
	case F_SERVICE_CODES:
		return load_entries(b, name, K_SERVICE_CODES, data, n);
	case F_IDX_MESSAGES:
		b->index.messages = count_index(b, data, n, 6, up, 0);
		return 0;
	case F_IDX_SEGMENTS:
		b->index.segments = count_index(b, data, n, 3, up, 0);
		return 0;
	case F_IDX_COMPOSITES:
		b->index.composites = count_index(b, data, n, 4, NULL, 1);
		return 0;
	case F_IDX_ELEMENTS:
		b->index.elements = count_index(b, data, n, 4, dig, 0);
		return 0;
	}
	return 0;
}
