/*
 * The service segments of ISO 9735, which the UNTDID release files do not
 * carry, written here from the standard:
 *   versions 1 to 3: ISO 9735:1988 and Amendment 1:1992, annex B;
 *   version 4:       ISO 9735-1:1998/2002 annex C, the syntax service
 *                    directories (ISO 9735-10 in the 2022 edition), with
 *                    0076 (syntax release number) of release 4.2.
 * Each definition lists the data elements in order; a composite lists its
 * components.  Representation: a (letters), n (digits), an (any), with a
 * fixed length ("n6") or a maximum ("an..35").
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edi/edi.h"

struct svc_seg {
	const char *tag;
	int v4;             /* definition for version 4 (1) or versions 1 to 3 (0); -1 for both */
	const struct tdk_edi_svc_item *elems;
	unsigned nelems;
};

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define S(id, st, repr) { id, st, repr, NULL, 0 }
#define C(id, st, comps) { id, st, NULL, comps, N(comps) }

/* Versions 1 to 3 */
static const struct tdk_edi_svc_item s001_3[] = { S("0001", 'M', "a4"), S("0002", 'M', "n1") };
static const struct tdk_edi_svc_item s002_3[] = { S("0004", 'M', "an..35"), S("0007", 'C', "an..4"),
					  S("0008", 'C', "an..14") };
static const struct tdk_edi_svc_item s003_3[] = { S("0010", 'M', "an..35"), S("0007", 'C', "an..4"),
					  S("0014", 'C', "an..14") };
static const struct tdk_edi_svc_item s004_3[] = { S("0017", 'M', "n6"), S("0019", 'M', "n4") };
static const struct tdk_edi_svc_item s005[] = { S("0022", 'M', "an..14"), S("0025", 'C', "an2") };
static const struct tdk_edi_svc_item unb_3[] = {
	C("S001", 'M', s001_3), C("S002", 'M', s002_3), C("S003", 'M', s003_3),
	C("S004", 'M', s004_3), S("0020", 'M', "an..14"), C("S005", 'C', s005),
	S("0026", 'C', "an..14"), S("0029", 'C', "a1"), S("0031", 'C', "n1"),
	S("0032", 'C', "an..35"), S("0035", 'C', "n1"),
};
static const struct tdk_edi_svc_item s006_3[] = { S("0040", 'M', "an..35"), S("0007", 'C', "an..4") };
static const struct tdk_edi_svc_item s007_3[] = { S("0044", 'M', "an..35"), S("0007", 'C', "an..4") };
static const struct tdk_edi_svc_item s008_3[] = { S("0052", 'M', "an..3"), S("0054", 'M', "an..3"),
					  S("0057", 'C', "an..6") };
static const struct tdk_edi_svc_item ung_3[] = {
	S("0038", 'M', "an..6"), C("S006", 'M', s006_3), C("S007", 'M', s007_3),
	C("S004", 'M', s004_3), S("0048", 'M', "an..14"), S("0051", 'M', "an..2"),
	C("S008", 'M', s008_3), S("0058", 'C', "an..14"),
};
static const struct tdk_edi_svc_item s009_3[] = { S("0065", 'M', "an..6"), S("0052", 'M', "an..3"),
					  S("0054", 'M', "an..3"), S("0051", 'M', "an..2"),
					  S("0057", 'C', "an..6") };
static const struct tdk_edi_svc_item s010[] = { S("0070", 'M', "n..2"), S("0073", 'C', "a1") };
static const struct tdk_edi_svc_item unh_3[] = {
	S("0062", 'M', "an..14"), C("S009", 'M', s009_3), S("0068", 'C', "an..35"),
	C("S010", 'C', s010),
};
static const struct tdk_edi_svc_item unt_3[] = { S("0074", 'M', "n..6"), S("0062", 'M', "an..14") };

/* Version 4 */
static const struct tdk_edi_svc_item s001_4[] = { S("0001", 'M', "a4"), S("0002", 'M', "an1"),
					  S("0080", 'C', "an..6"), S("0133", 'C', "an..3"),
					  S("0076", 'C', "an2") };
static const struct tdk_edi_svc_item s002_4[] = { S("0004", 'M', "an..35"), S("0007", 'C', "an..4"),
					  S("0008", 'C', "an..35"), S("0042", 'C', "an..35") };
static const struct tdk_edi_svc_item s003_4[] = { S("0010", 'M', "an..35"), S("0007", 'C', "an..4"),
					  S("0014", 'C', "an..35"), S("0046", 'C', "an..35") };
static const struct tdk_edi_svc_item s004_4[] = { S("0017", 'M', "n8"), S("0019", 'M', "n4") };
static const struct tdk_edi_svc_item unb_4[] = {
	C("S001", 'M', s001_4), C("S002", 'M', s002_4), C("S003", 'M', s003_4),
	C("S004", 'M', s004_4), S("0020", 'M', "an..14"), C("S005", 'C', s005),
	S("0026", 'C', "an..14"), S("0029", 'C', "a1"), S("0031", 'C', "n1"),
	S("0032", 'C', "an..35"), S("0035", 'C', "n1"),
};
static const struct tdk_edi_svc_item ung_4[] = {
	S("0038", 'C', "an..6"), C("S006", 'C', s006_3), C("S007", 'C', s007_3),
	C("S004", 'C', s004_4), S("0048", 'M', "an..14"), S("0051", 'C', "an..3"),
	C("S008", 'C', s008_3), S("0058", 'C', "an..14"),
};
static const struct tdk_edi_svc_item s009_4[] = { S("0065", 'M', "an..6"), S("0052", 'M', "an..3"),
					  S("0054", 'M', "an..3"), S("0051", 'M', "an..3"),
					  S("0057", 'C', "an..6"), S("0110", 'C', "an..6"),
					  S("0113", 'C', "an..6") };
static const struct tdk_edi_svc_item s016[] = { S("0115", 'M', "an..14"), S("0116", 'C', "an..3"),
					S("0118", 'C', "an..3"), S("0051", 'C', "an..3") };
static const struct tdk_edi_svc_item s017[] = { S("0121", 'M', "an..14"), S("0122", 'C', "an..3"),
					S("0124", 'C', "an..3"), S("0051", 'C', "an..3") };
static const struct tdk_edi_svc_item s018[] = { S("0127", 'M', "an..14"), S("0128", 'C', "an..3"),
					S("0130", 'C', "an..3"), S("0051", 'C', "an..3") };
static const struct tdk_edi_svc_item unh_4[] = {
	S("0062", 'M', "an..14"), C("S009", 'M', s009_4), S("0068", 'C', "an..35"),
	C("S010", 'C', s010), C("S016", 'C', s016), C("S017", 'C', s017), C("S018", 'C', s018),
};
static const struct tdk_edi_svc_item unt_4[] = { S("0074", 'M', "n..10"), S("0062", 'M', "an..14") };

/* Both */
static const struct tdk_edi_svc_item une[] = { S("0060", 'M', "n..6"), S("0048", 'M', "an..14") };
static const struct tdk_edi_svc_item unz[] = { S("0036", 'M', "n..6"), S("0020", 'M', "an..14") };
static const struct tdk_edi_svc_item uns[] = { S("0081", 'M', "a1") };

static const struct svc_seg segs[] = {
	{ "UNB", 0, unb_3, N(unb_3) }, { "UNB", 1, unb_4, N(unb_4) },
	{ "UNG", 0, ung_3, N(ung_3) }, { "UNG", 1, ung_4, N(ung_4) },
	{ "UNH", 0, unh_3, N(unh_3) }, { "UNH", 1, unh_4, N(unh_4) },
	{ "UNT", 0, unt_3, N(unt_3) }, { "UNT", 1, unt_4, N(unt_4) },
	{ "UNE", -1, une, N(une) },    { "UNZ", -1, unz, N(unz) },
	{ "UNS", -1, uns, N(uns) },
};

/*
 * The dependency notes of the version 4 service segments.  ISO 9735-2:2002
 * (batch EDI), the UNG segment specification: D2(010, 060, 070), the message
 * group identification (0038), controlling agency (0051) and message version
 * (S008) all or none: a group of messages of one type names that type in
 * full or not at all.  The other version 4 segments this file defines (UNB,
 * UNH, UNT, UNE, UNZ, UNS) carry no dependency note; those of CONTRL's UCI,
 * UCF and UCM are with their definitions, in contrl-dir.c.  elements are
 * element numbers, positions the positions the standard writes.
 */
static const struct svc_dep {
	const char *tag;
	unsigned type, n;
	uint32_t elements[3], positions[3];
} svc_deps[] = {
	{ "UNG", 2, 3, { 1, 6, 7 }, { 10, 60, 70 } },
};

static void report(const struct tdk_edi_seg *seg, struct tdk_diag *d, const char *code, unsigned e,
		   unsigned c, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void report(const struct tdk_edi_seg *seg, struct tdk_diag *d, const char *code, unsigned e,
		   unsigned c, const char *fmt, ...)
{
	struct tdk_diag_loc loc;
	va_list ap;

	tdk_edi_seg_loc(seg, &loc, e, c, 0);
	va_start(ap, fmt);
	tdk_diag_addv(d, TDK_SEV_ERROR, code, &loc, fmt, ap);
	va_end(ap);
}

/* Checks the representation: class a/n/an and length (ISO 9735-1:2002 clause 10 for n). */
static void check_repr(const struct tdk_edi_seg *seg, struct tdk_diag *d, const struct tdk_edi_svc_item *it,
		       const struct tdk_edi_value *v, unsigned e, unsigned c)
{
	const char *r = it->repr;
	int cls = r[0] == 'a' && r[1] == 'n' ? 2 : r[0] == 'a' ? 1 : 0;
	const char *q = r + (cls == 2 ? 2 : 1);
	int upto = q[0] == '.';
	unsigned long max = 0;
	size_t i;

	for (q += upto ? 2 : 0; *q >= '0' && *q <= '9'; q++)
		max = max * 10 + (unsigned long)(*q - '0');

	if (cls != 2)
		for (i = 0; i < v->len; i++) {
			unsigned char ch = (unsigned char)v->p[i];
			int bad = cls == 0 ? (ch < '0' || ch > '9')
					   : !((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z'));

			if (bad) {
				report(seg, d, "EDI-SVC-FORMAT", e, c,
				       "%s '%.*s' must be %s (%s)", it->id, (int)(v->len > 40 ? 40 : v->len),
				       v->p, cls == 0 ? "numeric" : "alphabetic", r);
				return;
			}
		}
	if (v->len > max)
		report(seg, d, "EDI-SVC-LENGTH", e, c, "%s '%.*s' is %zu characters long, at most %lu allowed (%s)",
		       it->id, (int)(v->len > 40 ? 40 : v->len), v->p, v->len, max, r);
	else if (!upto && v->len < max)
		report(seg, d, "EDI-SVC-LENGTH", e, c, "%s '%.*s' is %zu characters long, exactly %lu required (%s)",
		       it->id, (int)v->len, v->p, v->len, max, r);
}

static int two(const char *p)
{
	return (p[0] - '0') * 10 + (p[1] - '0');
}

static int all_digits(const struct tdk_edi_value *v)
{
	size_t i;

	for (i = 0; i < v->len; i++)
		if (v->p[i] < '0' || v->p[i] > '9')
			return 0;
	return 1;
}

/* Values with fixed meanings: dates, times and the small service code lists. */
static void check_value(const struct tdk_edi_seg *seg, struct tdk_diag *d, int version,
			const struct tdk_edi_svc_item *it, const struct tdk_edi_value *v, unsigned e, unsigned c)
{
	const char *id = it->id;
	int n = (id[0] - '0') * 1000 + (id[1] - '0') * 100 + (id[2] - '0') * 10 + (id[3] - '0');

	if (n == 17 && (v->len == 6 || v->len == 8) && all_digits(v)) {
		const char *p = v->p + (v->len == 8 ? 2 : 0);
		int y = v->len == 8 ? two(v->p) * 100 + two(p) : two(p), m = two(p + 2), dd = two(p + 4);
		static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
		int leap = v->len == 8 ? ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) : (y % 4 == 0);

		if (m < 1 || m > 12 || dd < 1 || dd > mdays[m - 1] || (m == 2 && dd == 29 && !leap))
			report(seg, d, "EDI-SVC-DATE", e, c, "date '%.*s' is not a calendar date (%s)",
			       (int)v->len, v->p, v->len == 8 ? "CCYYMMDD" : "YYMMDD");
	} else if (n == 19 && v->len == 4 && all_digits(v)) {
		if (two(v->p) > 23 || two(v->p + 2) > 59)
			report(seg, d, "EDI-SVC-DATE", e, c, "time '%.*s' is not a time of day (HHMM)",
			       (int)v->len, v->p);
	} else if (n == 2) {
		if (!(v->len == 1 && v->p[0] >= '1' && v->p[0] <= '4'))
			report(seg, d, "EDI-SVC-CODE", e, c,
			       "syntax version number '%.*s' is not 1, 2, 3 or 4", (int)v->len, v->p);
	} else if (n == 81) {
		if (!(v->len == 1 && (v->p[0] == 'D' || v->p[0] == 'S')))
			report(seg, d, "EDI-SVC-CODE", e, c,
			       "section identification '%.*s' is not D (detail) or S (summary)",
			       (int)v->len, v->p);
	} else if (n == 35) {
		if (!(v->len == 1 && v->p[0] == '1'))
			report(seg, d, "EDI-SVC-CODE", e, c, "test indicator '%.*s' is not 1", (int)v->len,
			       v->p);
	} else if (n == 31) {
		if (!(v->len == 1 && (v->p[0] == '1' || (version >= 4 && v->p[0] == '2'))))
			report(seg, d, "EDI-SVC-CODE", e, c, "acknowledgement request '%.*s' is not %s",
			       (int)v->len, v->p, version >= 4 ? "1 or 2" : "1");
	} else if (n == 73) {
		if (!(v->len == 1 && (v->p[0] == 'C' || v->p[0] == 'F')))
			report(seg, d, "EDI-SVC-CODE", e, c,
			       "first and last transfer '%.*s' is not C (creation) or F (final)",
			       (int)v->len, v->p);
	}
}

static void check_simple(const struct tdk_edi_seg *seg, struct tdk_diag *d, int version,
			 const struct tdk_edi_svc_item *it, const struct tdk_edi_value *v, unsigned e, unsigned c)
{
	if (!v || !v->len) {
		if (it->status == 'M')
			report(seg, d, "EDI-SVC-MISSING", e, c, "mandatory %s %s is missing",
			       c ? "component" : "data element", it->id);
		return;
	}
	check_repr(seg, d, it, v, e, c);
	check_value(seg, d, version, it, v, e, c);
}

static void check_deps(const struct tdk_edi_seg *seg, const struct svc_seg *def, struct tdk_diag *d)
{
	size_t i;
	unsigned j;

	for (i = 0; i < N(svc_deps); i++) {
		const struct svc_dep *dep = &svc_deps[i];
		const char *names[3];
		char note[128], state[128];

		if (strcmp(dep->tag, def->tag) || tdk_edi_dep_met(seg, dep->type, dep->elements, dep->n))
			continue;
		for (j = 0; j < dep->n; j++)
			names[j] = def->elems[dep->elements[j] - 1].id;
		tdk_edi_dep_describe(seg, dep->type, dep->elements, dep->positions, names, dep->n, note, state,
				     sizeof(state));
		report(seg, d, "EDI-DEPENDENCY", 0, 0,
		       "dependency note %s of syntax version 4 (ISO 9735-2) is not met (%s): %s", note,
		       tdk_edi_dep_name(dep->type), state);
	}
}

static int is_empty_rep(const struct tdk_edi_seg *seg, size_t r)
{
	size_t i, n = tdk_edi_seg_ncomps(seg, r);

	for (i = 0; i < n; i++)
		if (seg->comp[seg->rep[r] + i].len)
			return 0;
	return 1;
}

int tdk_edi_check_service(const struct tdk_edi_seg *seg, int version, struct tdk_diag *d)
{
	const struct svc_seg *def = NULL;
	size_t i, e;
	int v4 = version >= 4;

	if (!seg->svc)
		return 0;
	for (i = 0; i < N(segs); i++)
		if (segs[i].tag[2] == seg->svc && (segs[i].v4 < 0 || segs[i].v4 == v4))
			def = &segs[i];
	if (!def)
		return 0;
	if (seg->nelem - 1 > def->nelems)
		report(seg, d, "EDI-SVC-TOO-MANY-ELEMENTS", def->nelems + 1, 0,
		       "%s has %zu data elements, at most %u are defined in syntax version %s",
		       def->tag, seg->nelem - 1, def->nelems, v4 ? "4" : "1 to 3");
	if (tdk_edi_seg_ncomps(seg, 0) > 1 || tdk_edi_seg_nreps(seg, 0) > 1)
		report(seg, d, "EDI-SVC-TOO-MANY-COMPONENTS", 0, 2, "the tag of %s has components",
		       def->tag);
	for (e = 0; e < def->nelems; e++) {
		const struct tdk_edi_svc_item *it = &def->elems[e];
		unsigned en = (unsigned)e + 1;
		size_t r, nc, c;

		if (en >= seg->nelem || is_empty_rep(seg, seg->elem[en])) {
			if (it->status == 'M')
				report(seg, d, "EDI-SVC-MISSING", en, 0, "mandatory %s %s is missing",
				       it->comps ? "composite" : "data element", it->id);
			continue;
		}
		if (tdk_edi_seg_nreps(seg, en) > 1)
			report(seg, d, "EDI-SVC-REPEAT", en, 0, "%s is not repeatable but has %zu repetitions",
			       it->id, tdk_edi_seg_nreps(seg, en));
		r = seg->elem[en];
		nc = tdk_edi_seg_ncomps(seg, r);
		if (!it->comps) {
			if (nc > 1)
				report(seg, d, "EDI-SVC-TOO-MANY-COMPONENTS", en, 2,
				       "%s is a simple data element but has %zu components", it->id, nc);
			check_simple(seg, d, version, it, &seg->comp[seg->rep[r]], en, 0);
			continue;
		}
		if (nc > it->ncomps)
			report(seg, d, "EDI-SVC-TOO-MANY-COMPONENTS", en, it->ncomps + 1,
			       "%s has %zu components, at most %u are defined", it->id, nc, it->ncomps);
		for (c = 0; c < it->ncomps; c++)
			check_simple(seg, d, version, &it->comps[c],
				     c < nc ? &seg->comp[seg->rep[r] + c] : NULL, en, (unsigned)c + 1);
	}
	if (v4)
		check_deps(seg, def, d);
	return 1;
}

const struct tdk_edi_svc_item *tdk_edi_service_def(const char *tag, int version, unsigned *n)
{
	size_t i;
	int v4 = version >= 4;

	for (i = 0; i < N(segs); i++)
		if (!strcmp(segs[i].tag, tag) && (segs[i].v4 < 0 || segs[i].v4 == v4)) {
			*n = segs[i].nelems;
			return segs[i].elems;
		}
	*n = 0;
	return NULL;
}

/* A control character that cannot be a service character: C0 but IS1 to IS4 and the line breaks, DEL. */
static int una_control(unsigned char c)
{
	return (c < 0x1c && c != '\n' && c != '\r') || c == 0x7f;
}

int tdk_edi_una_fault(const char una[6], int strict, char *msg, size_t size)
{
	static const char *const role[6] = {
		"component data element separator", "data element separator", "decimal mark",
		"release character", "repetition separator", "segment terminator"
	};
	const unsigned char *u = (const unsigned char *)una;
	int i, j;

	/* Service characters come from the basic repertoire (ISO 646); a byte
	 * above 0x7F has no meaning before the character set is known, and a
	 * NUL or another control would cut or hide the segments it separates. */
	for (i = 0; i < 6; i++) {
		if (u[i] >= 0x80) {
			snprintf(msg, size, "UNA character %d (%s) is byte 0x%02X, not an ISO 646 character",
				 i + 1, role[i], u[i]);
			return i + 1;
		}
		if (una_control(u[i])) {
			snprintf(msg, size, "UNA character %d (%s) is the control character 0x%02X",
				 i + 1, role[i], u[i]);
			return i + 1;
		}
	}
	/* The separators, release character and terminator must differ from each
	 * other (clause 5); positions 4 and 5 may be a space, "not used" (annex B). */
	for (i = 0; i < 6; i++) {
		if (i == 2 || (u[i] == ' ' && (i == 3 || i == 4)))
			continue;
		for (j = i + 1; j < 6; j++) {
			if (j == 2 || (u[j] == ' ' && (j == 3 || j == 4)))
				continue;
			if (u[i] == u[j]) {
				snprintf(msg, size, "UNA uses '%c' for two service characters (positions %d and %d)",
					 u[i] >= 0x20 && u[i] < 0x7f ? u[i] : '?', i + 1, j + 1);
				return j + 1;
			}
		}
	}
	if (strict && u[2] != '.' && u[2] != ',') {
		snprintf(msg, size, "UNA decimal mark '%c' is neither a comma nor a full stop",
			 u[2] >= 0x20 && u[2] < 0x7f ? u[2] : '?');
		return 3;
	}
	return 0;
}
