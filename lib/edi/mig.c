/*
 * MIG overlays (tdk-validate(1)): reading, binding to the directory, and the
 * checks the directory validator calls.  An overlay only narrows what the
 * release allows, as a message implementation guideline does (UNTDID part
 * 4, chapter 2.4 "message design guidelines": a user's implementation
 * guideline may make conditional entries mandatory, lower repeats and
 * restrict code lists, never the opposite).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edi/mig.h"
#include "util/buf.h"
#include "util/exitcode.h"
#include "util/io.h"

#define MIG_MAX_SIZE (1 << 20)   /* bytes of an overlay file */
#define MIG_MAX_TOKENS 256       /* words on one line */

enum rule_kind { R_STATUS, R_REPEAT, R_CODES, R_VALUE, R_FORMAT };

struct rule {
	uint32_t node;             /* in the message's segment table */
	unsigned elem, comp;       /* 1-based member and component; 0: the segment or group itself */
	enum rule_kind kind;
	unsigned line;
	uint32_t n;                /* R_REPEAT: maximum; R_FORMAT: maximum length */
	char fkind, fvar;          /* R_FORMAT: 'a', 'n', 'x'; 1 when up to n */
	char **codes;              /* R_CODES (ncodes), R_VALUE (one) */
	size_t ncodes;
	char what[48];             /* "segment 'BGM'", "data element 1001": for messages */
};

struct mig_msg {
	const struct tdk_dir *dir;
	const struct tdk_dir_message *msg;
	struct rule *rules;        /* sorted by node */
	size_t n, cap;
};

struct tdk_edi_mig {
	char *name;                /* the file, for messages */
	struct mig_msg *msgs;
	size_t n;
};

static void rule_free(struct rule *r)
{
	size_t i;

	for (i = 0; i < r->ncodes; i++)
		free(r->codes[i]);
	free(r->codes);
}

void tdk_edi_mig_free(struct tdk_edi_mig *m)
{
	size_t i, j;

	if (!m)
		return;
	for (i = 0; i < m->n; i++) {
		for (j = 0; j < m->msgs[i].n; j++)
			rule_free(&m->msgs[i].rules[j]);
		free(m->msgs[i].rules);
	}
	free(m->msgs);
	free(m->name);
	free(m);
}

/* ---- Reading ---- */

struct tok {
	const char *p;
	size_t n;
	unsigned col;
};

struct rd {
	struct tdk_edi_mig *m;
	struct tdk_dir_set *set;
	struct tdk_diag *d;
	unsigned line;
	int broken, io, oom;
	struct mig_msg *cur;       /* the message the rules apply to, or NULL */
};

static void fault(struct rd *r, const char *code, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void fault(struct rd *r, const char *code, unsigned col, const char *fmt, ...)
{
	struct tdk_diag_loc loc;
	va_list ap;

	memset(&loc, 0, sizeof(loc));
	loc.line = r->line;
	loc.col = col;
	va_start(ap, fmt);
	tdk_diag_addv(r->d, TDK_SEV_ERROR, code, &loc, fmt, ap);
	va_end(ap);
	r->broken = 1;
}

static int tok_is(const struct tok *t, const char *s)
{
	return t->n == strlen(s) && !memcmp(t->p, s, t->n);
}

static void tok_str(const struct tok *t, char *out, size_t size)
{
	size_t n = t->n < size - 1 ? t->n : size - 1;

	memcpy(out, t->p, n);
	out[n] = '\0';
}

static uint32_t next_sibling(const struct tdk_dir *dir, const struct tdk_dir_message *msg, uint32_t c)
{
	const struct tdk_dir_node *nd = &dir->nodes[msg->first + c];

	return nd->group ? nd->end : c + 1;
}

/* "SG6/SG7/TOD" or "SG7" or "BGM": the node, or TDK_DIR_NONE (reported). */
static uint32_t find_node(struct rd *r, const struct tok *t)
{
	const struct tdk_dir *dir = r->cur->dir;
	const struct tdk_dir_message *msg = r->cur->msg;
	uint32_t lo = 0, hi = msg->n, found = TDK_DIR_NONE, c;
	size_t i = 0;

	while (i < t->n) {
		size_t j = i;
		char part[16];
		int group;
		unsigned long g = 0;

		while (j < t->n && t->p[j] != '/')
			j++;
		if (j - i >= sizeof(part) || j == i) {
			fault(r, "EDI-MIG-SYNTAX", t->col, "'%.*s' is not a position (SGn/.../TAG)", (int)t->n, t->p);
			return TDK_DIR_NONE;
		}
		memcpy(part, t->p + i, j - i);
		part[j - i] = '\0';
		group = !strncmp(part, "SG", 2) && part[2] >= '1' && part[2] <= '9' &&
			strspn(part + 2, "0123456789") == strlen(part + 2);
		if (group)
			g = strtoul(part + 2, NULL, 10);
		else if (strlen(part) != 3 || strspn(part, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != 3 || j < t->n) {
			fault(r, "EDI-MIG-SYNTAX", t->col,
			      "'%s' in '%.*s' is neither a segment group (SGn) nor, at the end, a segment tag", part,
			      (int)t->n, t->p);
			return TDK_DIR_NONE;
		}
		found = TDK_DIR_NONE;
		for (c = lo; c < hi; c = next_sibling(dir, msg, c)) {
			const struct tdk_dir_node *nd = &dir->nodes[msg->first + c];

			if (group ? nd->group == g : (!nd->group && !strcmp(nd->tag, part))) {
				found = c;
				break;
			}
		}
		if (found == TDK_DIR_NONE) {
			fault(r, "EDI-MIG-POSITION", t->col, "message %s of release %s has no %s '%s' at '%.*s'",
			      msg->type, dir->release, group ? "segment group" : "segment", part, (int)t->n, t->p);
			return TDK_DIR_NONE;
		}
		if (group) {
			lo = found + 1;
			hi = dir->nodes[msg->first + found].end;
		}
		i = j + 1;
	}
	return found;
}

/* "4055", "C100" or "C100/4053" in the segment of node: sets elem and comp; 0 on success. */
static int find_element(struct rd *r, uint32_t node, const struct tok *t, struct rule *ru)
{
	const struct tdk_dir *dir = r->cur->dir;
	const struct tdk_dir_node *nd = &dir->nodes[r->cur->msg->first + node];
	const struct tdk_dir_segment *s = tdk_dir_segment(dir, nd->tag);
	char a[8] = "", b[8] = "";
	const char *slash = memchr(t->p, '/', t->n);
	unsigned found = 0;
	uint32_t i, j;

	if (nd->group || !s) {
		fault(r, "EDI-MIG-POSITION", t->col, "%s has no data elements in release %s",
		      nd->group ? "a segment group" : "this service segment", dir->release);
		return -1;
	}
	if (slash) {
		struct tok x = { t->p, (size_t)(slash - t->p), t->col }, y = { slash + 1, t->n - x.n - 1, t->col };

		tok_str(&x, a, sizeof(a));
		tok_str(&y, b, sizeof(b));
	} else {
		tok_str(t, a, sizeof(a));
	}
	for (i = 0; i < s->n; i++) {
		const struct tdk_dir_member *m = &dir->members[s->first + i];

		if (!b[0] && !strcmp(m->tag, a)) {
			ru->elem = i + 1;
			ru->comp = 0;
			return 0;
		}
		if (!m->composite || m->ref == TDK_DIR_NONE || (b[0] && strcmp(m->tag, a)))
			continue;
		for (j = 0; j < dir->composites[m->ref].n; j++)
			if (!strcmp(dir->members[dir->composites[m->ref].first + j].tag, b[0] ? b : a)) {
				ru->elem = i + 1;
				ru->comp = j + 1;
				found++;
			}
	}
	if (found == 1)
		return 0;
	if (found > 1)
		fault(r, "EDI-MIG-POSITION", t->col,
		      "%s occurs in several composites of segment '%s'; name one (COMPOSITE/%s)", a, nd->tag, a);
	else
		fault(r, "EDI-MIG-POSITION", t->col, "segment '%s' of release %s has no data element '%.*s'", nd->tag,
		      dir->release, (int)t->n, t->p);
	return -1;
}

/* The directory's definition of the rule's target element (simple), or NULL. */
static const struct tdk_dir_element *target_element(const struct mig_msg *mm, const struct rule *ru)
{
	const struct tdk_dir *dir = mm->dir;
	const struct tdk_dir_node *nd = &dir->nodes[mm->msg->first + ru->node];
	const struct tdk_dir_segment *s = tdk_dir_segment(dir, nd->tag);
	const struct tdk_dir_member *m;

	if (!s || !ru->elem)
		return NULL;
	m = &dir->members[s->first + ru->elem - 1];
	if (ru->comp) {
		if (!m->composite || m->ref == TDK_DIR_NONE)
			return NULL;
		m = &dir->members[dir->composites[m->ref].first + ru->comp - 1];
	} else if (m->composite) {
		return NULL;
	}
	return m->ref == TDK_DIR_NONE ? NULL : &dir->elements[m->ref];
}

static const struct tdk_dir_member *target_member(const struct mig_msg *mm, const struct rule *ru)
{
	const struct tdk_dir *dir = mm->dir;
	const struct tdk_dir_segment *s = tdk_dir_segment(dir, dir->nodes[mm->msg->first + ru->node].tag);
	const struct tdk_dir_member *m;

	if (!s || !ru->elem)
		return NULL;
	m = &dir->members[s->first + ru->elem - 1];
	if (ru->comp && m->composite && m->ref != TDK_DIR_NONE)
		m = &dir->members[dir->composites[m->ref].first + ru->comp - 1];
	return m;
}

/* "an..35", "n3", "a..4": 0, or -1 when it is not a representation. */
static int parse_repr(const struct tok *t, char *kind, char *var, uint32_t *max)
{
	size_t i = 0;
	unsigned long n = 0;

	if (t->n >= 2 && !memcmp(t->p, "an", 2))
		*kind = 'x', i = 2;
	else if (t->n >= 1 && (t->p[0] == 'a' || t->p[0] == 'n'))
		*kind = t->p[0], i = 1;
	else
		return -1;
	*var = t->n >= i + 2 && t->p[i] == '.' && t->p[i + 1] == '.';
	if (*var)
		i += 2;
	if (i >= t->n || t->n - i > 5)
		return -1;
	for (; i < t->n; i++) {
		if (t->p[i] < '0' || t->p[i] > '9')
			return -1;
		n = n * 10 + (unsigned long)(t->p[i] - '0');
	}
	if (!n)
		return -1;
	*max = (uint32_t)n;
	return 0;
}

static const char *kind_name(char k)
{
	return k == 'a' ? "a" : k == 'n' ? "n" : "an";
}

static int add_code(struct rd *r, struct rule *ru, const struct tok *t)
{
	char **c = realloc(ru->codes, (ru->ncodes + 1) * sizeof(*c));

	if (!c || !(c[ru->ncodes] = malloc(t->n + 1))) {
		if (c)
			ru->codes = c;
		r->oom = 1;
		return -1;
	}
	ru->codes = c;
	memcpy(c[ru->ncodes], t->p, t->n);
	c[ru->ncodes][t->n] = '\0';
	ru->ncodes++;
	return 0;
}

/* The arguments of a rule, checked against the directory: an overlay narrows, never widens. */
static int rule_args(struct rd *r, struct rule *ru, const struct tok *kw, const struct tok *arg, size_t nargs)
{
	const struct tdk_dir *dir = r->cur->dir;
	const struct tdk_dir_node *nd = &dir->nodes[r->cur->msg->first + ru->node];
	const struct tdk_dir_member *mem = target_member(r->cur, ru);
	const struct tdk_dir_element *el = target_element(r->cur, ru);
	size_t i;

	if (tok_is(kw, "status")) {
		ru->kind = R_STATUS;
		if (nargs != 1 || !tok_is(&arg[0], "M")) {
			fault(r, "EDI-MIG-SYNTAX", kw->col, "'status' takes M (an overlay makes entries mandatory)");
			return -1;
		}
		return 0;
	}
	if (tok_is(kw, "repeat")) {
		char *end;
		unsigned long n;
		uint32_t dmax = ru->elem ? (mem ? mem->repeat : 1) : nd->repeat;

		ru->kind = R_REPEAT;
		if (nargs != 1 || !arg[0].n || arg[0].n > 9) {
			fault(r, "EDI-MIG-SYNTAX", kw->col, "'repeat' takes one number");
			return -1;
		}
		errno = 0;
		n = strtoul(arg[0].p, &end, 10);
		if (end != arg[0].p + arg[0].n || !n) {
			fault(r, "EDI-MIG-SYNTAX", arg[0].col, "'repeat' takes a number of at least 1, not '%.*s'",
			      (int)arg[0].n, arg[0].p);
			return -1;
		}
		if (ru->comp) {
			fault(r, "EDI-MIG-RULE", kw->col, "a component does not repeat");
			return -1;
		}
		if (n > dmax) {
			fault(r, "EDI-MIG-RULE", arg[0].col, "repeat %lu is more than the %u that release %s allows",
			      n, (unsigned)dmax, dir->release);
			return -1;
		}
		ru->n = (uint32_t)n;
		return 0;
	}
	if (tok_is(kw, "codes") || tok_is(kw, "value")) {
		int value = tok_is(kw, "value");

		ru->kind = value ? R_VALUE : R_CODES;
		if (!nargs || (value && nargs != 1)) {
			fault(r, "EDI-MIG-SYNTAX", kw->col, value ? "'value' takes one value" :
			      "'codes' takes one code or more");
			return -1;
		}
		if (!el) {
			fault(r, "EDI-MIG-RULE", kw->col, "'%.*s' needs a simple data element or a component",
			      (int)kw->n, kw->p);
			return -1;
		}
		for (i = 0; i < nargs; i++) {
			if (el->codes != TDK_DIR_NONE &&
			    !tdk_dir_code(dir, &dir->lists[el->codes], arg[i].p, arg[i].n)) {
				fault(r, "EDI-MIG-RULE", arg[i].col, "'%.*s' is not a code of list %s in release %s",
				      (int)arg[i].n, arg[i].p, el->tag, dir->release);
				return -1;
			}
			if (add_code(r, ru, &arg[i]) < 0)
				return -1;
		}
		return 0;
	}
	if (tok_is(kw, "format")) {
		ru->kind = R_FORMAT;
		if (nargs != 1 || parse_repr(&arg[0], &ru->fkind, &ru->fvar, &ru->n) < 0) {
			fault(r, "EDI-MIG-SYNTAX", kw->col, "'format' takes a representation such as an..17 or n3");
			return -1;
		}
		if (!el) {
			fault(r, "EDI-MIG-RULE", kw->col, "'format' needs a simple data element or a component");
			return -1;
		}
		if ((el->kind != 'x' && ru->fkind != el->kind) || ru->n > el->max ||
		    (!el->var && (ru->fvar || ru->n != el->max))) {
			fault(r, "EDI-MIG-RULE", arg[0].col, "%.*s is not narrower than %s%s%u of %s in release %s",
			      (int)arg[0].n, arg[0].p, kind_name(el->kind), el->var ? ".." : "", (unsigned)el->max,
			      el->tag, dir->release);
			return -1;
		}
		return 0;
	}
	fault(r, "EDI-MIG-SYNTAX", kw->col, "'%.*s' is not a rule (status, repeat, codes, value, format)",
	      (int)kw->n, kw->p);
	return -1;
}

static void rule_line(struct rd *r, const struct tok *t, size_t n)
{
	struct rule ru;
	size_t k = 1;
	struct mig_msg *mm = r->cur;
	const struct tdk_dir_node *nd;

	if (!mm) {
		fault(r, "EDI-MIG-SYNTAX", t[0].col, "a rule before any 'message TYPE VERSION RELEASE AGENCY' line");
		return;
	}
	memset(&ru, 0, sizeof(ru));
	ru.line = r->line;
	if ((ru.node = find_node(r, &t[0])) == TDK_DIR_NONE)
		return;
	if (n < 2) {
		fault(r, "EDI-MIG-SYNTAX", t[0].col, "a position without a rule");
		return;
	}
	nd = &mm->dir->nodes[mm->msg->first + ru.node];
	if (t[1].n && ((t[1].p[0] >= '0' && t[1].p[0] <= '9') || (t[1].p[0] >= 'A' && t[1].p[0] <= 'Z'))) {
		if (find_element(r, ru.node, &t[1], &ru) < 0)
			return;
		k = 2;
	}
	if (k >= n) {
		fault(r, "EDI-MIG-SYNTAX", t[k - 1].col, "a position without a rule");
		return;
	}
	if (ru.elem)
		snprintf(ru.what, sizeof(ru.what), "%s %.*s", ru.comp ? "component" : "data element",
			 (int)(t[1].n > 20 ? 20 : t[1].n), t[1].p);
	else if (nd->group)
		snprintf(ru.what, sizeof(ru.what), "segment group %u", (unsigned)nd->group);
	else
		snprintf(ru.what, sizeof(ru.what), "segment '%s'", nd->tag);
	if (rule_args(r, &ru, &t[k], &t[k + 1], n - k - 1) < 0) {
		rule_free(&ru);
		return;
	}
	if (mm->n == mm->cap) {
		size_t c = mm->cap ? mm->cap * 2 : 16;
		struct rule *p = realloc(mm->rules, c * sizeof(*p));

		if (!p) {
			rule_free(&ru);
			r->oom = 1;
			return;
		}
		mm->rules = p;
		mm->cap = c;
	}
	mm->rules[mm->n++] = ru;
}

static void message_line(struct rd *r, const struct tok *t, size_t n)
{
	char type[8], ver[8], rel[8], agency[8], canon[8];
	struct tdk_dir *dir = NULL;
	struct mig_msg *p;
	int st;

	r->cur = NULL;
	if (n != 5 || t[1].n > 6 || t[2].n > 3 || t[3].n > 3 || t[4].n > 3) {
		fault(r, "EDI-MIG-SYNTAX", t[0].col, "'message' takes TYPE VERSION RELEASE AGENCY, e.g. "
		      "'message CUSDEC D 96B UN'");
		return;
	}
	tok_str(&t[1], type, sizeof(type));
	tok_str(&t[2], ver, sizeof(ver));
	tok_str(&t[3], rel, sizeof(rel));
	tok_str(&t[4], agency, sizeof(agency));
	if (strcmp(agency, "UN") || tdk_dir_release_name(canon, ver, rel) < 0) {
		fault(r, "EDI-MIG-POSITION", t[2].col, "%s:%s:%s is not a message of a UNTDID release "
		      "(version D, agency UN)", ver, rel, agency);
		return;
	}
	st = tdk_dir_set_get(r->set, canon, &dir, r->d);
	if (!dir) {
		fault(r, "EDI-DIR-RELEASE", t[3].col, "release %s is not installed; install it with 'tdk dir "
		      "install' or name it with --directory", canon);
		if (st == TDK_EXIT_IO)
			r->io = 1;
		return;
	}
	p = realloc(r->m->msgs, (r->m->n + 1) * sizeof(*p));
	if (!p) {
		r->oom = 1;
		return;
	}
	r->m->msgs = p;
	p = &r->m->msgs[r->m->n];
	memset(p, 0, sizeof(*p));
	p->dir = dir;
	if (!(p->msg = tdk_dir_message(dir, type))) {
		fault(r, "EDI-MIG-POSITION", t[1].col, "release %s has no message '%s'", canon, type);
		return;
	}
	r->m->n++;
	r->cur = p;
}

static int cmp_rule(const void *a, const void *b)
{
	const struct rule *x = a, *y = b;

	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

int tdk_edi_mig_load(struct tdk_edi_mig **out, const char *path, struct tdk_dir_set *set,
		     struct tdk_diag *d)
{
	struct tdk_buf text = TDK_BUF_INIT(MIG_MAX_SIZE);
	struct tok *t = NULL;
	struct rd r;
	size_t i;
	int ret = TDK_EXIT_INTERNAL;

	*out = NULL;
	memset(&r, 0, sizeof(r));
	r.set = set;
	r.d = d;
	if (!(r.m = calloc(1, sizeof(*r.m))) || !(r.m->name = strdup(path)) ||
	    !(t = malloc(MIG_MAX_TOKENS * sizeof(*t))))
		goto out;
	if (tdk_read_all(path, MIG_MAX_SIZE, &text) < 0) {
		if (errno == ENOMEM)
			goto out;
		if (errno == EFBIG)
			tdk_diag_add(d, TDK_SEV_ERROR, "EDI-MIG-SYNTAX", NULL, "the overlay is larger than %d bytes",
				     MIG_MAX_SIZE);
		else
			tdk_diag_add(d, TDK_SEV_ERROR, "EDI-MIG-SYNTAX", NULL, "cannot %s the overlay: %s",
				     errno == ENOENT || errno == EACCES ? "open" : "read", strerror(errno));
		ret = errno == EFBIG ? TDK_EXIT_USAGE : TDK_EXIT_IO;
		goto out;
	}
	for (i = 0; i < text.len && !r.oom;) {
		size_t end = i, nt = 0, k;

		while (end < text.len && text.data[end] != '\n')
			end++;
		r.line++;
		for (k = i; k < end;) {
			unsigned char c = (unsigned char)text.data[k];

			if (c == ' ' || c == '\t' || c == '\r') {
				k++;
				continue;
			}
			if (c == '#')
				break;
			if (c < 0x20 || c == 0x7f) {
				fault(&r, "EDI-MIG-SYNTAX", (unsigned)(k - i + 1), "control character 0x%02X", c);
				nt = 0;
				break;
			}
			if (nt == MIG_MAX_TOKENS) {
				fault(&r, "EDI-MIG-SYNTAX", (unsigned)(k - i + 1), "more than %d words on a line",
				      MIG_MAX_TOKENS);
				nt = 0;
				break;
			}
			t[nt].p = text.data + k;
			t[nt].col = (unsigned)(k - i + 1);
			while (k < end && text.data[k] != ' ' && text.data[k] != '\t' && text.data[k] != '\r')
				k++;
			t[nt].n = (size_t)(text.data + k - t[nt].p);
			nt++;
		}
		if (nt && tok_is(&t[0], "message"))
			message_line(&r, t, nt);
		else if (nt)
			rule_line(&r, t, nt);
		i = end + 1;
	}
	if (r.oom)
		goto out;
	if (!r.broken && !r.m->n) {
		tdk_diag_add(d, TDK_SEV_ERROR, "EDI-MIG-SYNTAX", NULL,
			     "the overlay names no message ('message TYPE VERSION RELEASE AGENCY')");
		r.broken = 1;
	}
	if (r.broken) {
		ret = r.io ? TDK_EXIT_IO : TDK_EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < r.m->n; i++)
		if (r.m->msgs[i].n)
			qsort(r.m->msgs[i].rules, r.m->msgs[i].n, sizeof(struct rule), cmp_rule);
	*out = r.m;
	r.m = NULL;
	ret = 0;
out:
	tdk_edi_mig_free(r.m);
	tdk_buf_release(&text);
	free(t);
	return ret;
}

/* ---- Checking ---- */

static const struct mig_msg *msg_of(const struct tdk_edi_mig *m, const struct tdk_dir *dir,
				    const struct tdk_dir_message *msg)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->msgs[i].dir == dir && m->msgs[i].msg == msg)
			return &m->msgs[i];
	return NULL;
}

/* The rules of node: [*first, *end). */
static const struct rule *rules_of(const struct mig_msg *mm, uint32_t node, const struct rule **end)
{
	size_t lo = 0, hi = mm->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (mm->rules[mid].node < node)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (hi = lo; hi < mm->n && mm->rules[hi].node == node; hi++)
		;
	*end = mm->rules + hi;
	return mm->rules + lo;
}

void tdk_edi_mig_missing(const struct tdk_edi_mig *m, const struct tdk_dir *dir,
			 const struct tdk_dir_message *msg, uint32_t node, const struct tdk_diag_loc *loc,
			 const char *where, struct tdk_diag *d)
{
	const struct mig_msg *mm = msg_of(m, dir, msg);
	const struct rule *r, *end;

	if (!mm)
		return;
	for (r = rules_of(mm, node, &end); r < end; r++)
		if (!r->elem && r->kind == R_STATUS)
			tdk_diag_add(d, TDK_SEV_ERROR, "EDI-MIG-MISSING", loc,
				     "%s is missing%s; the overlay %s makes it mandatory (line %u)", r->what, where,
				     m->name, r->line);
}

void tdk_edi_mig_repeat(const struct tdk_edi_mig *m, const struct tdk_dir *dir,
			const struct tdk_dir_message *msg, uint32_t node, uint32_t n,
			const struct tdk_diag_loc *loc, const char *where, struct tdk_diag *d)
{
	const struct mig_msg *mm = msg_of(m, dir, msg);
	const struct rule *r, *end;

	if (!mm)
		return;
	for (r = rules_of(mm, node, &end); r < end; r++)
		if (!r->elem && r->kind == R_REPEAT && n > r->n)
			tdk_diag_add(d, TDK_SEV_ERROR, "EDI-MIG-REPEAT", loc,
				     "%s occurs more than the overlay's maximum of %u%s (%s line %u)", r->what,
				     (unsigned)r->n, where, m->name, r->line);
}

static int empty_rep(const struct tdk_edi_seg *seg, size_t rep)
{
	size_t i, n = tdk_edi_seg_ncomps(seg, rep);

	for (i = 0; i < n; i++)
		if (seg->comp[seg->rep[rep] + i].len)
			return 0;
	return 1;
}

static void check_value(const struct tdk_edi_mig *m, const struct rule *r, const struct tdk_edi_seg *seg,
			const struct tdk_edi_value *v, unsigned rr, unsigned char dec, struct tdk_diag *d)
{
	struct tdk_diag_loc loc;
	int shown = v->len > 40 ? 40 : (int)v->len;
	size_t i;

	tdk_edi_seg_loc(seg, &loc, r->elem, r->comp, rr);
	if (r->kind == R_CODES || r->kind == R_VALUE) {
		for (i = 0; i < r->ncodes; i++)
			if (strlen(r->codes[i]) == v->len && !memcmp(r->codes[i], v->p, v->len))
				return;
		if (r->kind == R_VALUE)
			tdk_diag_add(d, TDK_SEV_ERROR, "EDI-MIG-VALUE", &loc,
				     "%s is '%.*s'; the overlay %s fixes it to '%s' (line %u)", r->what, shown, v->p,
				     m->name, r->codes[0], r->line);
		else
			tdk_diag_add(d, TDK_SEV_ERROR, "EDI-MIG-CODE", &loc,
				     "'%.*s' is not one of the %zu codes the overlay %s allows for %s (line %u)",
				     shown, v->p, r->ncodes, m->name, r->what, r->line);
		return;
	}
	if (r->kind == R_FORMAT) {
		size_t len = 0;
		int bad = 0;

		for (i = 0; i < v->len; i++) {
			unsigned char c = (unsigned char)v->p[i];
			int digit = c >= '0' && c <= '9';

			if (r->fkind == 'n') {
				/* ISO 9735-1:2002 clause 12: sign and decimal mark do not count. */
				if (digit)
					len++;
				else if (!((c == '-' && i == 0) || c == dec || c == '.' || c == ','))
					bad = 1;
				continue;
			}
			if (r->fkind == 'a' && digit)
				bad = 1;
			if ((c & 0xC0) != 0x80)
				len++;
		}
		if (bad)
			tdk_diag_add(d, TDK_SEV_ERROR, "EDI-MIG-FORMAT", &loc,
				     "%s '%.*s' is not %s as the overlay %s requires (%s%s%u, line %u)", r->what, shown,
				     v->p, r->fkind == 'n' ? "numeric" : "alphabetic", m->name, kind_name(r->fkind),
				     r->fvar ? ".." : "", (unsigned)r->n, r->line);
		else if (len > r->n || (!r->fvar && len != r->n))
			tdk_diag_add(d, TDK_SEV_ERROR, "EDI-MIG-LENGTH", &loc,
				     "%s '%.*s' has %zu character%s; the overlay %s allows %s%s%u (line %u)", r->what,
				     shown, v->p, len, len == 1 ? "" : "s", m->name, kind_name(r->fkind),
				     r->fvar ? ".." : "", (unsigned)r->n, r->line);
	}
}

void tdk_edi_mig_segment(const struct tdk_edi_mig *m, const struct tdk_dir *dir,
			 const struct tdk_dir_message *msg, uint32_t node, const struct tdk_edi_seg *seg,
			 unsigned char decimal_mark, struct tdk_diag *d)
{
	const struct mig_msg *mm = msg_of(m, dir, msg);
	const struct rule *r, *end;
	struct tdk_diag_loc loc;

	if (!mm)
		return;
	for (r = rules_of(mm, node, &end); r < end; r++) {
		size_t nreps, k;
		int present = 0;

		if (!r->elem)
			continue;
		nreps = r->elem < seg->nelem ? tdk_edi_seg_nreps(seg, r->elem) : 0;
		if (r->kind == R_REPEAT) {
			if (nreps > r->n) {
				tdk_edi_seg_loc(seg, &loc, r->elem, 0, r->n + 1);
				tdk_diag_add(d, TDK_SEV_ERROR, "EDI-MIG-REPEAT", &loc,
					     "%s repeats %zu times; the overlay %s allows %u (line %u)", r->what, nreps,
					     m->name, (unsigned)r->n, r->line);
			}
			continue;
		}
		for (k = 0; k < nreps; k++) {
			size_t rep = seg->elem[r->elem] + k;
			unsigned rr = nreps > 1 ? (unsigned)k + 1 : 0;
			const struct tdk_edi_value *v;

			if (r->comp) {
				if (r->comp > tdk_edi_seg_ncomps(seg, rep) || !seg->comp[seg->rep[rep] + r->comp - 1].len)
					continue;
				v = &seg->comp[seg->rep[rep] + r->comp - 1];
			} else {
				if (empty_rep(seg, rep))
					continue;
				v = &seg->comp[seg->rep[rep]];
			}
			present = 1;
			if (r->kind != R_STATUS)
				check_value(m, r, seg, v, rr, decimal_mark, d);
		}
		if (r->kind == R_STATUS && !present) {
			tdk_edi_seg_loc(seg, &loc, r->elem, r->comp, 0);
			tdk_diag_add(d, TDK_SEV_ERROR, "EDI-MIG-MISSING", &loc,
				     "%s is missing; the overlay %s makes it mandatory (line %u)", r->what, m->name,
				     r->line);
		}
	}
}
