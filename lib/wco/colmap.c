/* The column map parser; see colmap.h and tdk-columns(5). */
#include <stdlib.h>
#include <string.h>

#include "util/exitcode.h"
#include "wco/colmap.h"

#define TOKENS_MAX 64

struct tok {
	const char *s;
	unsigned long col;
	int quoted;
};

struct parse {
	struct tdk_colmap *cm;
	struct tdk_diag *d;
	unsigned long line;
	struct tok t[TOKENS_MAX];
	size_t nt;
	int nomem;
};

static int bad(struct parse *ps, const char *code, unsigned long col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int bad(struct parse *ps, const char *code, unsigned long col, const char *fmt, ...)
{
	struct tdk_diag_loc loc;
	const char *file = ps->d->file;
	va_list ap;

	memset(&loc, 0, sizeof(loc));
	loc.line = ps->line;
	loc.col = col;
	ps->d->file = ps->cm->name;
	va_start(ap, fmt);
	tdk_diag_addv(ps->d, TDK_SEV_ERROR, code, &loc, fmt, ap);
	va_end(ap);
	ps->d->file = file;
	return TDK_EXIT_NEGATIVE;
}

static char *dup(struct parse *ps, const char *s)
{
	char *p = strdup(s);

	if (!p)
		ps->nomem = 1;
	return p;
}

/*
 * Splits a line into tokens: words separated by blanks, '|' a word of its
 * own, "..." a word with \" and \\ inside, '#' outside quotes starting a
 * comment.  The words go to out (room for 2 * n + 2 bytes).
 */
static int tokenize(struct parse *ps, const char *p, size_t n, char *out)
{
	size_t i = 0;

	ps->nt = 0;
	while (i < n) {
		struct tok *t;

		if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r') {
			i++;
			continue;
		}
		if (p[i] == '#')
			break;
		if (ps->nt == TOKENS_MAX)
			return bad(ps, "COLMAP-LIMIT", i + 1, "more than %d words on a line", TOKENS_MAX);
		t = &ps->t[ps->nt++];
		t->s = out;
		t->col = i + 1;
		t->quoted = p[i] == '"';
		if (p[i] == '|') {
			*out++ = p[i++];
		} else if (t->quoted) {
			for (i++; i < n && p[i] != '"'; i++) {
				if (p[i] == '\\' && i + 1 < n && (p[i + 1] == '"' || p[i + 1] == '\\'))
					i++;
				*out++ = p[i];
			}
			if (i == n)
				return bad(ps, "COLMAP-SYNTAX", t->col, "a quote left open");
			i++;
		} else {
			while (i < n && p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '|' && p[i] != '"')
				*out++ = p[i++];
		}
		*out++ = '\0';
	}
	return 0;
}

static int is_name(const char *s, size_t n)
{
	size_t i;

	if (!n || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return 0;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_' || s[i] == '-' || s[i] == '.'))
			return 0;
	return 1;
}

/* A whole number of 1 to 9 digits, or 0 when s is not one. */
static size_t number(const char *s, size_t n)
{
	size_t v = 0, i;

	if (!n || n > 9)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (size_t)(s[i] - '0');
	}
	return v;
}

/*
 * A path written as a WCO pointer ("42A/67A/68A", maybe with a last step
 * "@attr") is looked up in the dictionary, loaded at the first one; the
 * path it names goes to buf and t->s is pointed at it.  Any other path is
 * left as it is.
 */
static int resolve_pointer(struct parse *ps, struct tok *t, struct tdk_buf *buf)
{
	const struct tdk_wco_elem *e;
	const char *at = strstr(t->s, "/@");
	size_t n = at ? (size_t)(at - t->s) : strlen(t->s), i;
	int r;

	if (!n || t->s[0] < '0' || t->s[0] > '9')
		return 0;
	for (i = 0; i < n; i++)
		if (!((t->s[i] >= '0' && t->s[i] <= '9') || (t->s[i] >= 'A' && t->s[i] <= 'Z') || t->s[i] == '/'))
			return bad(ps, "COLMAP-PATH", t->col, "'%s' is neither a path nor a WCO pointer", t->s);
	if (!ps->cm->have_dict) {
		ps->cm->have_dict = 1;
		if ((r = tdk_wco_dict_load(&ps->cm->dict, NULL, ps->d)))
			return r;
	}
	tdk_buf_reset(buf);
	if (tdk_buf_add(buf, t->s, n) < 0)
		return TDK_EXIT_INTERNAL;
	e = tdk_wco_dict_by_pointer(&ps->cm->dict, buf->data);
	if (!e || !*e->path)
		return bad(ps, "COLMAP-POINTER", t->col, "the WCO pointer '%s' is not in the WCO dictionary", buf->data);
	tdk_buf_reset(buf);
	if (tdk_buf_adds(buf, e->path) < 0 || (at && tdk_buf_adds(buf, at) < 0))
		return TDK_EXIT_INTERNAL;
	t->s = buf->data;
	return 0;
}

/* Parses a path "Root/A/B[2]/C" or ".../@attr" into r's steps below the root; sets cm's root. */
static int parse_path(struct parse *ps, const struct tok *written, struct tdk_colmap_step **steps, size_t *nsteps,
		      char **attr)
{
	struct tdk_buf buf = TDK_BUF_INIT(TDK_WCO_POINTER_MAX * 4);
	struct tok pt = *written, *t = &pt;
	const char *s, *e;
	size_t k = 0, i;
	struct tdk_colmap_step v[TDK_COLMAP_STEPS_MAX];
	int r = 0;

	*steps = NULL;
	*nsteps = 0;
	if (attr)
		*attr = NULL;
	if ((r = resolve_pointer(ps, t, &buf))) {
		tdk_buf_release(&buf);
		return r;
	}
	s = t->s;
	for (;;) {
		size_t len, idx = 1;
		const char *br;

		e = strchr(s, '/');
		len = e ? (size_t)(e - s) : strlen(s);
		if (!e && attr && len > 1 && s[0] == '@' && k > 0) {
			if (!is_name(s + 1, len - 1)) {
				r = bad(ps, "COLMAP-PATH", t->col, "'%s' is not an attribute name", s);
				goto fail;
			}
			*attr = dup(ps, s + 1);
			break;
		}
		br = memchr(s, '[', len);
		if (br) {
			idx = len > 2 && s[len - 1] == ']' ? number(br + 1, (size_t)(s + len - 1 - br - 1)) : 0;
			if (!idx) {
				r = bad(ps, "COLMAP-PATH", t->col, "a step's index is not [N] with N from 1 in '%s'", t->s);
				goto fail;
			}
			len = (size_t)(br - s);
		}
		if (!is_name(s, len)) {
			r = bad(ps, "COLMAP-PATH", t->col, "'%s' is not an element path (names separated by '/')", t->s);
			goto fail;
		}
		if (k == 0 && !ps->cm->root) {
			ps->cm->root = strndup(s, len);
			if (!ps->cm->root)
				ps->nomem = 1;
		} else if (k == 0 && (strlen(ps->cm->root) != len || memcmp(ps->cm->root, s, len) || idx != 1)) {
			r = bad(ps, "COLMAP-PATH", t->col, "the path '%s' does not start at the root, %s", t->s,
				ps->cm->root);
			goto fail;
		} else if (k > 0) {
			if (k > TDK_COLMAP_STEPS_MAX) {
				r = bad(ps, "COLMAP-LIMIT", t->col, "more than %d steps in a path", TDK_COLMAP_STEPS_MAX);
				goto fail;
			}
			v[k - 1].name = strndup(s, len);
			v[k - 1].index = (unsigned)idx;
			v[k - 1].rank = 0;
			if (!v[k - 1].name)
				ps->nomem = 1;
		}
		k++;
		if (!e)
			break;
		s = e + 1;
	}
	if (k < 2 && !(attr && *attr)) {
		r = bad(ps, "COLMAP-PATH", t->col, "'%s' names the root only", t->s);
		goto fail;
	}
	if (k > 1) {
		if (!(*steps = malloc((k - 1) * sizeof(**steps)))) {
			ps->nomem = 1;
			r = TDK_EXIT_INTERNAL;
			goto fail;
		}
		memcpy(*steps, v, (k - 1) * sizeof(**steps));
		*nsteps = k - 1;
	}
	tdk_buf_release(&buf);
	return 0;
fail:
	tdk_buf_release(&buf);
	for (i = 1; i < k; i++)
		free(v[i - 1].name);
	if (attr) {
		free(*attr);
		*attr = NULL;
	}
	return r;
}

/* A column by name or number (CSV), or a range N-M (fixed width). */
static int parse_ref(struct parse *ps, const struct tok *t, struct tdk_colmap_src_ref *ref)
{
	const char *dash;
	size_t n = strlen(t->s);

	memset(ref, 0, sizeof(*ref));
	ref->line = ps->line;
	ref->col = t->col;
	if (ps->cm->fixed) {
		dash = strchr(t->s, '-');
		if (dash) {
			ref->from = number(t->s, (size_t)(dash - t->s));
			ref->to = number(dash + 1, strlen(dash + 1));
		} else
			ref->from = ref->to = number(t->s, n);
		if (!ref->from || ref->to < ref->from || t->quoted)
			return bad(ps, "COLMAP-RANGE", t->col, "'%s' is not a position range N-M with 1 <= N <= M", t->s);
		return 0;
	}
	if (!t->quoted && (ref->colno = number(t->s, n)))
		return 0;
	if (!n)
		return bad(ps, "COLMAP-SYNTAX", t->col, "an empty column name");
	ref->name = dup(ps, t->s);
	return 0;
}

static const char *const lists[] = { "country", "currency", "unit", "package", NULL };

/* Checks a date format: YYYY, MM, DD, hh, mm, ss and punctuation between them. */
static int date_format_ok(const char *f)
{
	int y = 0, m = 0, dd = 0;

	while (*f) {
		if (!strncmp(f, "YYYY", 4))
			y++, f += 4;
		else if (!strncmp(f, "MM", 2))
			m++, f += 2;
		else if (!strncmp(f, "DD", 2))
			dd++, f += 2;
		else if (!strncmp(f, "hh", 2) || !strncmp(f, "mm", 2) || !strncmp(f, "ss", 2))
			f += 2;
		else if ((*f >= 'A' && *f <= 'Z') || (*f >= 'a' && *f <= 'z') || (*f >= '0' && *f <= '9'))
			return 0;
		else
			f++;
	}
	return y == 1 && m == 1 && dd == 1;
}

/* One transform from the words t[0..n). */
static int parse_xf(struct parse *ps, const struct tok *t, size_t n, struct tdk_colmap_xf *xf)
{
	size_t i;

	memset(xf, 0, sizeof(*xf));
	if (!strcmp(t[0].s, "trim") && n == 1)
		xf->kind = TDK_XF_TRIM;
	else if (!strcmp(t[0].s, "upper") && n == 1)
		xf->kind = TDK_XF_UPPER;
	else if (!strcmp(t[0].s, "number") && (n == 1 || (n == 2 && (!strcmp(t[1].s, ",") || !strcmp(t[1].s, "."))))) {
		xf->kind = TDK_XF_NUMBER;
		xf->dec = n == 2 ? t[1].s[0] : '.';
	} else if (!strcmp(t[0].s, "date") && (n == 2 || (n == 4 && !strcmp(t[2].s, "->")))) {
		xf->kind = TDK_XF_DATE;
		if (strlen(t[1].s) >= sizeof(xf->fmt) || !date_format_ok(t[1].s))
			return bad(ps, "COLMAP-TRANSFORM", t[1].col,
				   "'%s' is not a date format (YYYY, MM and DD once each, hh, mm, ss, punctuation)", t[1].s);
		memcpy(xf->fmt, t[1].s, strlen(t[1].s) + 1);
		memcpy(xf->to, n == 4 ? t[3].s : "102", 4);
		if (n == 4 && strcmp(t[3].s, "102") && strcmp(t[3].s, "203") && strcmp(t[3].s, "304"))
			return bad(ps, "COLMAP-TRANSFORM", t[3].col, "'%s' is not a date format code (102, 203, 304)", t[3].s);
	} else if (!strcmp(t[0].s, "code") && n == 2) {
		xf->kind = TDK_XF_CODE;
		for (i = 0; lists[i] && strcmp(lists[i], t[1].s); i++)
			;
		if (!lists[i])
			return bad(ps, "COLMAP-TRANSFORM", t[1].col, "'%s' is not a code list (country, currency, unit, package)",
				   t[1].s);
		xf->list = (enum tdk_codes_list)i;
		ps->cm->codes_used[i] = 1;
	} else if (!strcmp(t[0].s, "trim") || !strcmp(t[0].s, "upper") || !strcmp(t[0].s, "number") ||
		   !strcmp(t[0].s, "date") || !strcmp(t[0].s, "code")) {
		return bad(ps, "COLMAP-TRANSFORM", t[0].col, "wrong arguments for the transform '%s'", t[0].s);
	} else
		return bad(ps, "COLMAP-TRANSFORM", t[0].col,
			   "unknown transform '%s' (trim, upper, number, date, code)", t[0].s);
	return 0;
}

static struct tdk_colmap_rule *new_rule(struct parse *ps)
{
	struct tdk_colmap *cm = ps->cm;
	struct tdk_colmap_rule *r;

	if (cm->nrules == TDK_COLMAP_RULES_MAX) {
		bad(ps, "COLMAP-LIMIT", 1, "more than %d rules", TDK_COLMAP_RULES_MAX);
		return NULL;
	}
	if (cm->nrules == cm->cap) {
		size_t cap = cm->cap ? cm->cap * 2 : 32;
		struct tdk_colmap_rule *v = realloc(cm->rules, cap * sizeof(*v));

		if (!v) {
			ps->nomem = 1;
			return NULL;
		}
		cm->rules = v;
		cm->cap = cap;
	}
	r = &cm->rules[cm->nrules++];
	memset(r, 0, sizeof(*r));
	r->line = ps->line;
	r->col = ps->t[0].col;
	return r;
}

/* column REF -> PATH [| XF]..., field N-M -> PATH ..., sequence -> PATH, count -> PATH. */
static int parse_rule(struct parse *ps, enum tdk_colmap_src src)
{
	const struct tok *t = ps->t;
	size_t at = src == TDK_COLMAP_COLUMN || src == TDK_COLMAP_FIELD ? 2 : 1, i, j;
	struct tdk_colmap_rule *r;
	int e;

	if ((src == TDK_COLMAP_COLUMN && ps->cm->fixed) || (src == TDK_COLMAP_FIELD && !ps->cm->fixed))
		return bad(ps, "COLMAP-FROM", t[0].col, "'%s' rules are for %s input, this map reads %s", t[0].s,
			   ps->cm->fixed ? "CSV" : "fixed-width", ps->cm->fixed ? "fixed-width records" : "CSV");
	if (ps->nt < at + 2 || strcmp(t[at].s, "->") || t[at].quoted)
		return bad(ps, "COLMAP-SYNTAX", t[0].col, "expected '%s%s -> PATH [| TRANSFORM]...'", t[0].s,
			   at == 2 ? " SOURCE" : "");
	if (!(r = new_rule(ps)))
		return TDK_EXIT_NEGATIVE;
	r->src = src;
	if (at == 2 && (e = parse_ref(ps, &t[1], &r->ref)))
		return e;
	if (at == 2)
		r->col = t[1].col;
	r->path = dup(ps, t[at + 1].s);
	if ((e = parse_path(ps, &t[at + 1], &r->steps, &r->nsteps, &r->attr)))
		return e;
	for (i = at + 2; i < ps->nt; i = j) {
		if (strcmp(t[i].s, "|") || t[i].quoted)
			return bad(ps, "COLMAP-SYNTAX", t[i].col, "expected '|' and a transform, not '%s'", t[i].s);
		for (j = i + 1; j < ps->nt && (strcmp(t[j].s, "|") || t[j].quoted); j++)
			;
		if (j == i + 1)
			return bad(ps, "COLMAP-SYNTAX", t[i].col, "a '|' with no transform after it");
		if (r->nxf == TDK_COLMAP_XF_MAX)
			return bad(ps, "COLMAP-LIMIT", t[i].col, "more than %d transforms", TDK_COLMAP_XF_MAX);
		if ((e = parse_xf(ps, &t[i + 1], j - i - 1, &r->xf[r->nxf++])))
			return e;
	}
	return 0;
}

/* const PATH = VALUE */
static int parse_const(struct parse *ps)
{
	const struct tok *t = ps->t;
	struct tdk_colmap_rule *r;

	if (ps->nt != 4 || strcmp(t[2].s, "="))
		return bad(ps, "COLMAP-SYNTAX", t[0].col, "expected 'const PATH = VALUE' (quote a value with blanks)");
	if (!(r = new_rule(ps)))
		return TDK_EXIT_NEGATIVE;
	r->src = TDK_COLMAP_CONST;
	r->value = dup(ps, t[3].s);
	r->path = dup(ps, t[1].s);
	return parse_path(ps, &t[1], &r->steps, &r->nsteps, &r->attr);
}

static int set_limit(struct parse *ps)
{
	const struct tok *t = ps->t;
	size_t v = ps->nt == 3 ? number(t[2].s, strlen(t[2].s)) : 0;

	if (!v)
		return bad(ps, "COLMAP-SYNTAX", t[0].col, "expected 'limit field-size|fields|record-size N' with N from 1");
	if (!strcmp(t[1].s, "field-size"))
		ps->cm->csv.field_max = v;
	else if (!strcmp(t[1].s, "fields"))
		ps->cm->csv.fields_max = v;
	else if (!strcmp(t[1].s, "record-size"))
		ps->cm->csv.record_max = v;
	else
		return bad(ps, "COLMAP-SYNTAX", t[1].col, "'%s' is not a limit (field-size, fields, record-size)", t[1].s);
	return 0;
}

static int set_delimiter(struct parse *ps)
{
	const char *s = ps->nt == 2 ? ps->t[1].s : "";

	if (!strcmp(s, ",") || !strcmp(s, "comma"))
		ps->cm->csv.delim = ',';
	else if (!strcmp(s, ";") || !strcmp(s, "semicolon"))
		ps->cm->csv.delim = ';';
	else if (!strcmp(s, "tab") || !strcmp(s, "\t"))
		ps->cm->csv.delim = '\t';
	else
		return bad(ps, "COLMAP-SYNTAX", ps->t[0].col, "expected 'delimiter , | ; | tab'");
	return 0;
}

static int yes_no(struct parse *ps, int *v)
{
	if (ps->nt == 2 && !strcmp(ps->t[1].s, "yes"))
		*v = 1;
	else if (ps->nt == 2 && !strcmp(ps->t[1].s, "no"))
		*v = 0;
	else
		return bad(ps, "COLMAP-SYNTAX", ps->t[0].col, "expected '%s yes' or '%s no'", ps->t[0].s, ps->t[0].s);
	return 0;
}

/* The directives that set the map's options rather than a rule. */
static int parse_option(struct parse *ps)
{
	struct tdk_colmap *cm = ps->cm;
	const struct tok *t = ps->t;
	const char *w = t[0].s;
	int e;

	if (!strcmp(w, "from")) {
		if (ps->nt != 2 || (strcmp(t[1].s, "csv") && strcmp(t[1].s, "fixed")))
			return bad(ps, "COLMAP-SYNTAX", t[0].col, "expected 'from csv' or 'from fixed'");
		if ((strcmp(t[1].s, "fixed") == 0) != cm->fixed)
			return bad(ps, "COLMAP-FROM", t[1].col, "this map is for %s input, not %s",
				   t[1].s, cm->fixed ? "fixed" : "csv");
		return 0;
	}
	if (!strcmp(w, "delimiter"))
		return set_delimiter(ps);
	if (!strcmp(w, "header"))
		return yes_no(ps, &cm->header);
	if (!strcmp(w, "limit"))
		return set_limit(ps);
	if (!strcmp(w, "key")) {
		if (ps->nt != 2)
			return bad(ps, "COLMAP-SYNTAX", t[0].col, "expected 'key SOURCE'");
		cm->has_key = 1;
		free(cm->key.name);
		return parse_ref(ps, &t[1], &cm->key);
	}
	if (!strcmp(w, "type")) {
		if (ps->nt != 4)
			return bad(ps, "COLMAP-SYNTAX", t[0].col, "expected 'type SOURCE HEADER-VALUE ITEM-VALUE'");
		cm->has_type = 1;
		free(cm->type_header);
		free(cm->type_item);
		cm->type_header = dup(ps, t[2].s);
		cm->type_item = dup(ps, t[3].s);
		free(cm->type.name);
		return parse_ref(ps, &t[1], &cm->type);
	}
	if (!strcmp(w, "item")) {
		if (ps->nt != 2)
			return bad(ps, "COLMAP-SYNTAX", t[0].col, "expected 'item PATH'");
		if (cm->item)
			return bad(ps, "COLMAP-ITEM", t[0].col, "a second item directive");
		cm->item_line = ps->line;
		if ((e = parse_path(ps, &t[1], &cm->item, &cm->nitem, NULL)))
			return e;
		return 0;
	}
	if (!strcmp(w, "envelope")) {
		if (ps->nt != 2 || (strcmp(t[1].s, "metadata") && strcmp(t[1].s, "none")))
			return bad(ps, "COLMAP-SYNTAX", t[0].col, "expected 'envelope metadata' or 'envelope none'");
		cm->envelope = !strcmp(t[1].s, "metadata");
		return 0;
	}
	if (!strcmp(w, "namespace")) {
		if (ps->nt != 2)
			return bad(ps, "COLMAP-SYNTAX", t[0].col, "expected 'namespace URI'");
		free(cm->ns);
		cm->ns = dup(ps, t[1].s);
		return 0;
	}
	if (!strcmp(w, "meta")) {
		if (ps->nt != 3 || !is_name(t[1].s, strlen(t[1].s)))
			return bad(ps, "COLMAP-SYNTAX", t[0].col, "expected 'meta NAME VALUE'");
		if (cm->nmeta == TDK_COLMAP_META_MAX)
			return bad(ps, "COLMAP-LIMIT", t[0].col, "more than %d meta lines", TDK_COLMAP_META_MAX);
		cm->meta_name[cm->nmeta] = dup(ps, t[1].s);
		cm->meta_value[cm->nmeta++] = dup(ps, t[2].s);
		return 0;
	}
	return bad(ps, "COLMAP-DIRECTIVE", t[0].col,
		   "unknown directive '%s' (column, field, const, sequence, count, key, type, item, envelope, meta, "
		   "namespace, from, delimiter, header, limit)", w);
}

static int parse_line(struct parse *ps)
{
	const char *w = ps->t[0].s;

	if (ps->t[0].quoted)
		return bad(ps, "COLMAP-SYNTAX", ps->t[0].col, "a line starts with a directive, not a quoted word");
	if (!strcmp(w, "column"))
		return parse_rule(ps, TDK_COLMAP_COLUMN);
	if (!strcmp(w, "field"))
		return parse_rule(ps, TDK_COLMAP_FIELD);
	if (!strcmp(w, "sequence"))
		return parse_rule(ps, TDK_COLMAP_SEQUENCE);
	if (!strcmp(w, "count"))
		return parse_rule(ps, TDK_COLMAP_COUNT);
	if (!strcmp(w, "const"))
		return parse_const(ps);
	return parse_option(ps);
}

/* The rank of the element path names[0..n) joined by '/', added when new. */
static unsigned rank_of(struct parse *ps, const struct tdk_colmap_step *s, size_t n)
{
	struct tdk_colmap *cm = ps->cm;
	struct tdk_buf b = TDK_BUF_INIT(1 << 16);
	size_t i;

	for (i = 0; i < n; i++)
		if ((i && tdk_buf_addc(&b, '/') < 0) || tdk_buf_adds(&b, s[i].name) < 0) {
			ps->nomem = 1;
			tdk_buf_release(&b);
			return 0;
		}
	for (i = 0; i < cm->nranks; i++)
		if (!strcmp(cm->ranks[i], b.data)) {
			tdk_buf_release(&b);
			return (unsigned)i;
		}
	if (cm->nranks == cm->rcap) {
		size_t cap = cm->rcap ? cm->rcap * 2 : 64;
		char **v = realloc(cm->ranks, cap * sizeof(*v));

		if (!v) {
			ps->nomem = 1;
			tdk_buf_release(&b);
			return 0;
		}
		cm->ranks = v;
		cm->rcap = cap;
	}
	cm->ranks[cm->nranks] = tdk_buf_detach(&b);
	return (unsigned)cm->nranks++;
}

/* Sorts the rules into header and item rules and ranks every step in order of appearance. */
static int finish(struct parse *ps)
{
	struct tdk_colmap *cm = ps->cm;
	size_t i, k, items = 0;

	ps->line = 0;
	if (!cm->nrules)
		return bad(ps, "COLMAP-SYNTAX", 0, "the column map has no rule (column, field or const)");
	for (i = 0; i < cm->nrules && !ps->nomem; i++) {
		struct tdk_colmap_rule *r = &cm->rules[i];

		if (cm->item && r->nsteps > cm->nitem) {
			for (k = 0; k < cm->nitem; k++)
				if (strcmp(r->steps[k].name, cm->item[k].name) || r->steps[k].index != 1)
					break;
			r->item = k == cm->nitem;
		}
		ps->line = r->line;
		if (r->src == TDK_COLMAP_SEQUENCE && !r->item)
			return bad(ps, "COLMAP-ITEM", r->col, "'sequence' numbers items: its path must lie below the item element");
		items += (size_t)r->item;
		for (k = 0; k < r->nsteps; k++)
			r->steps[k].rank = rank_of(ps, r->steps, k + 1);
	}
	ps->line = cm->item_line;
	if (cm->item && !items)
		return bad(ps, "COLMAP-ITEM", 1, "no rule writes below the item element");
	if (cm->has_type && !cm->item)
		return bad(ps, "COLMAP-ITEM", 1, "a record type needs an item directive");
	for (k = 0; k < cm->nitem && !ps->nomem; k++)
		cm->item[k].rank = rank_of(ps, cm->item, k + 1);
	return ps->nomem ? TDK_EXIT_INTERNAL : 0;
}

int tdk_colmap_parse(struct tdk_colmap *cm, int fixed, const char *name, const char *p, size_t n,
		     struct tdk_diag *d)
{
	struct parse ps;
	char *out = NULL;
	size_t at = 0, maxline = 0;
	int r = 0, e;

	memset(cm, 0, sizeof(*cm));
	cm->fixed = fixed;
	cm->header = 1;
	cm->csv.delim = fixed ? 0 : ',';
	cm->name = name;
	memset(&ps, 0, sizeof(ps));
	ps.cm = cm;
	ps.d = d;
	while (at < n) {
		const char *nl = memchr(p + at, '\n', n - at);
		size_t len = nl ? (size_t)(nl - (p + at)) : n - at;

		ps.line++;
		if (memchr(p + at, '\0', len)) {
			r = bad(&ps, "COLMAP-SYNTAX", 1, "a NUL byte in the column map");
			break;
		}
		if (len > maxline) {
			free(out);
			maxline = len;
			if (!(out = malloc(2 * len + 2))) {
				r = TDK_EXIT_INTERNAL;
				break;
			}
		}
		if (!(e = tokenize(&ps, p + at, len, out)) && ps.nt)
			e = parse_line(&ps);
		if (ps.nomem) {
			r = TDK_EXIT_INTERNAL;
			break;
		}
		r = tdk_exit_worst(r, e);
		at += len + (nl != NULL);
	}
	free(out);
	if (!r)
		r = finish(&ps);
	if (!r && !cm->ns && !(cm->ns = strdup(TDK_NS_DEC_DMS)))
		r = TDK_EXIT_INTERNAL;
	return r;
}

int tdk_colmap_load_codes(struct tdk_colmap *cm, struct tdk_diag *d)
{
	int i, r;

	for (i = 0; i < 4; i++) {
		if (!cm->codes_used[i] || cm->codes[i].n)
			continue;
		if ((r = tdk_codes_load(&cm->codes[i], (enum tdk_codes_list)i, NULL, d)))
			return r;
	}
	return 0;
}

static void free_steps(struct tdk_colmap_step *s, size_t n)
{
	size_t i;

	for (i = 0; s && i < n; i++)
		free(s[i].name);
	free(s);
}

void tdk_colmap_release(struct tdk_colmap *cm)
{
	size_t i;

	for (i = 0; i < cm->nrules; i++) {
		struct tdk_colmap_rule *r = &cm->rules[i];

		free(r->ref.name);
		free(r->value);
		free_steps(r->steps, r->nsteps);
		free(r->attr);
		free(r->path);
	}
	free(cm->rules);
	for (i = 0; i < cm->nranks; i++)
		free(cm->ranks[i]);
	free(cm->ranks);
	for (i = 0; i < cm->nmeta; i++) {
		free(cm->meta_name[i]);
		free(cm->meta_value[i]);
	}
	for (i = 0; i < 4; i++)
		if (cm->codes_used[i])
			tdk_codes_release(&cm->codes[i]);
	if (cm->have_dict)
		tdk_wco_dict_release(&cm->dict);
	free_steps(cm->item, cm->nitem);
	free(cm->key.name);
	free(cm->type.name);
	free(cm->type_header);
	free(cm->type_item);
	free(cm->root);
	free(cm->ns);
	memset(cm, 0, sizeof(*cm));
}
