/*
 * The XML Schema of a message's directory vocabulary; see dirxsd.h.  The
 * form it describes is written by xml-write.c (--names directory):
 *
 *   - the message element holds the segment table: a segment is an element
 *     named after its tag, a group an element SGn around its segments, with
 *     minOccurs from the status (M 1, C 0) and maxOccurs from the repeat;
 *   - a segment holds its data elements by position: every one up to the
 *     last present is written, so the first ones up to the last mandatory
 *     one are required and the rest are optional in order (nested
 *     sequences, which keep the content model deterministic even where a
 *     segment uses one data element twice); a composite holds its
 *     components the same way;
 *   - a simple data element's text follows its format: an..35 a string of
 *     at most 35 characters, a..3 without digits, n..15 digits with an
 *     optional leading minus sign and at most one decimal mark (point or
 *     comma) followed by a digit, where neither the sign nor the mark counts
 *     toward the length (ISO 9735-1:2002 clause 12); a conditional one may
 *     be empty, a mandatory one may not;
 *   - a data element that repeats (syntax version 4) holds <r> children.
 *
 * XML Schema 1.0 cannot tell apart two entries of one level of a segment
 * table that have the same tag with only optional entries between them
 * (Unique Particle Attribution); such a level is written as a repeated
 * choice of its entries, which checks the names and not their order.
 */
#include <stdlib.h>
#include <string.h>

#include "edi/dirxsd.h"
#include "edi/edi.h"
#include "edi/writer.h"

struct xsd {
	struct tdk_buf *b;
	const struct tdk_dir *d;
	const struct tdk_dir_message *m;
	const struct tdk_dir_node *nodes;
	unsigned flags;
	unsigned char *seg_used, *comp_used, *elem_used;
	char svc_done[64][8];     /* service types written */
	size_t nsvc;
	int r;
};

#define OUT(x, ...) ((x)->r |= tdk_buf_addf((x)->b, __VA_ARGS__))

static void xname(char out[8], const char *tag)
{
	snprintf(out, 8, "%s%.5s", tag[0] >= '0' && tag[0] <= '9' ? "D" : "", tag);
}

static void esc(struct xsd *x, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&': OUT(x, "&amp;"); break;
		case '<': OUT(x, "&lt;"); break;
		case '"': OUT(x, "&quot;"); break;
		default: x->r |= tdk_buf_addc(x->b, *s);
		}
}

static void occurs(struct xsd *x, unsigned min, unsigned max)
{
	if (min != 1)
		OUT(x, " minOccurs=\"%u\"", min);
	if (max != 1)
		OUT(x, " maxOccurs=\"%u\"", max);
}

/* ---- Simple data elements ---- */

/* The facets of a format: kind 'a', 'n' or 'x' (an), var (up to max) or fixed length. */
static void format(struct xsd *x, char kind, int var, unsigned max)
{
	unsigned k;

	if (kind == 'n') {
		/* Digits, one optional decimal mark followed by a digit; sign and mark not counted. */
		OUT(x, "      <xs:pattern value=\"-?(");
		if (var)
			OUT(x, "[0-9]{1,%u}", max);
		else
			OUT(x, "[0-9]{%u}", max);
		for (k = 0; k < max; k++)
			if (var)
				OUT(x, "|[0-9]{%u}[.,][0-9]{1,%u}", k, max - k);
			else
				OUT(x, "|[0-9]{%u}[.,][0-9]{%u}", k, max - k);
		OUT(x, ")\"/>\n");
		return;
	}
	if (kind == 'a')
		OUT(x, "      <xs:pattern value=\"[^0-9]*\"/>\n");
	if (var)
		OUT(x, "      <xs:minLength value=\"1\"/>\n      <xs:maxLength value=\"%u\"/>\n", max);
	else
		OUT(x, "      <xs:length value=\"%u\"/>\n", max);
}

/* Writes types E.tag (a value) and E.tag.opt (a value or empty). */
static void element_types(struct xsd *x, const char *tag, char kind, int var, unsigned max,
			  const struct tdk_dir_codelist *l)
{
	uint32_t k;

	OUT(x, "  <xs:simpleType name=\"E.%s\">\n    <xs:restriction base=\"xs:string\">\n", tag);
	if (l && (x->flags & TDK_DIR_XSD_CODES)) {
		for (k = 0; k < l->n; k++) {
			OUT(x, "      <xs:enumeration value=\"");
			esc(x, tdk_dir_str(x->d, x->d->codes[l->first + k].value));
			OUT(x, "\"/>\n");
		}
	} else {
		format(x, kind, var, max);
	}
	OUT(x, "    </xs:restriction>\n  </xs:simpleType>\n");
	OUT(x, "  <xs:simpleType name=\"E.%s.opt\">\n    <xs:union memberTypes=\"t:E.%s t:Empty\"/>\n"
	    "  </xs:simpleType>\n", tag, tag);
}

/* "an..35" and the like, as the service segment definitions write them. */
static void parse_repr(const char *repr, char *kind, int *var, unsigned *max)
{
	*kind = repr[0] == 'a' && repr[1] == 'n' ? 'x' : repr[0];
	repr += *kind == 'x' ? 2 : 1;
	*var = repr[0] == '.';
	*max = (unsigned)strtoul(repr + (*var ? 2 : 0), NULL, 10);
}

/* ---- Members: the data elements of a segment, the components of a composite ---- */

struct member {
	const char *tag;
	char status;
	int composite;
	unsigned repeat;
	int defined;
};

static void member_of(struct member *mb, const struct tdk_dir_member *m)
{
	mb->tag = m->tag;
	mb->status = m->status;
	mb->composite = m->composite;
	mb->repeat = m->repeat ? m->repeat : 1;
	mb->defined = m->ref != TDK_DIR_NONE;
}

static void svc_member_of(struct member *mb, const struct tdk_edi_svc_item *it)
{
	mb->tag = it->id;
	mb->status = it->status;
	mb->composite = it->comps != NULL;
	mb->repeat = 1;
	mb->defined = 1;
}

/* One member declaration, required (min 1) inside its place in the nesting. */
static void member_decl(struct xsd *x, const struct member *mb, int indent)
{
	char name[8];
	const char *opt = mb->status == 'M' ? "" : ".opt";

	xname(name, mb->tag);
	if (!mb->defined) {
		OUT(x, "%*s<xs:element name=\"%s\" type=\"t:Any\"/>\n", indent, "", name);
	} else if (mb->repeat > 1 && mb->composite) {
		OUT(x, "%*s<xs:element name=\"%s\">\n%*s  <xs:complexType>\n%*s    <xs:choice>\n"
		    "%*s      <xs:group ref=\"t:G.%s\" minOccurs=\"0\"/>\n"
		    "%*s      <xs:element name=\"r\" type=\"t:C.%s.opt\" minOccurs=\"2\" maxOccurs=\"%u\"/>\n"
		    "%*s    </xs:choice>\n%*s  </xs:complexType>\n%*s</xs:element>\n", indent, "", name, indent, "",
		    indent, "", indent, "", mb->tag, indent, "", mb->tag, mb->repeat, indent, "", indent, "", indent, "");
	} else if (mb->repeat > 1) {
		/* Text or <r> children: XML Schema 1.0 cannot check the text of such mixed content. */
		OUT(x, "%*s<xs:element name=\"%s\">\n%*s  <xs:complexType mixed=\"true\">\n%*s    <xs:sequence>\n"
		    "%*s      <xs:element name=\"r\" type=\"t:E.%s.opt\" minOccurs=\"0\" maxOccurs=\"%u\"/>\n"
		    "%*s    </xs:sequence>\n%*s  </xs:complexType>\n%*s</xs:element>\n", indent, "", name, indent, "",
		    indent, "", indent, "", mb->tag, mb->repeat, indent, "", indent, "", indent, "");
	} else {
		OUT(x, "%*s<xs:element name=\"%s\" type=\"t:%c.%s%s\"/>\n", indent, "", name, mb->composite ? 'C' : 'E',
		    mb->tag, opt);
	}
}

/*
 * The members by position: the first ones up to the last mandatory one are
 * required, each later one opens an optional sequence of the rest.
 */
static void members(struct xsd *x, const struct member *mbs, size_t n)
{
	size_t i, last_m = 0, open = 0;

	for (i = 0; i < n; i++)
		if (mbs[i].status == 'M')
			last_m = i + 1;
	OUT(x, "    <xs:sequence>\n");
	for (i = 0; i < n; i++) {
		if (i >= last_m) {
			OUT(x, "%*s<xs:sequence minOccurs=\"0\">\n", (int)(6 + 2 * open), "");
			open++;
		}
		member_decl(x, &mbs[i], (int)(6 + 2 * open));
	}
	while (open--)
		OUT(x, "%*s</xs:sequence>\n", (int)(6 + 2 * open), "");
	OUT(x, "    </xs:sequence>\n");
}

/* Writes G.tag (the components), C.tag and C.tag.opt (which may be empty). */
static void composite_types(struct xsd *x, const char *tag, const struct member *mbs, size_t n)
{
	OUT(x, "  <xs:group name=\"G.%s\">\n", tag);
	members(x, mbs, n);
	OUT(x, "  </xs:group>\n");
	OUT(x, "  <xs:complexType name=\"C.%s\">\n    <xs:group ref=\"t:G.%s\"/>\n  </xs:complexType>\n", tag, tag);
	OUT(x, "  <xs:complexType name=\"C.%s.opt\">\n    <xs:group ref=\"t:G.%s\" minOccurs=\"0\"/>\n"
	    "  </xs:complexType>\n", tag, tag);
}

static void segment_type(struct xsd *x, const char *tag, const struct member *mbs, size_t n)
{
	OUT(x, "  <xs:complexType name=\"S.%s\">\n", tag);
	members(x, mbs, n);
	OUT(x, "    <xs:attributeGroup ref=\"t:Where\"/>\n  </xs:complexType>\n");
}

/* ---- Service segments (UNH, UNS, UNT), from ISO 9735 ---- */

static int svc_once(struct xsd *x, const char *id)
{
	size_t i;

	for (i = 0; i < x->nsvc; i++)
		if (!strcmp(x->svc_done[i], id))
			return 0;
	if (x->nsvc < sizeof(x->svc_done) / sizeof(x->svc_done[0]))
		snprintf(x->svc_done[x->nsvc++], sizeof(x->svc_done[0]), "%s", id);
	return 1;
}

static void svc_item_types(struct xsd *x, const struct tdk_edi_svc_item *it)
{
	struct member mbs[16];
	unsigned k;
	char kind;
	int var;
	unsigned max;

	if (!svc_once(x, it->id))
		return;
	if (!it->comps) {
		parse_repr(it->repr, &kind, &var, &max);
		element_types(x, it->id, kind, var, max, NULL);
		return;
	}
	for (k = 0; k < it->ncomps && k < 16; k++) {
		svc_member_of(&mbs[k], &it->comps[k]);
		svc_item_types(x, &it->comps[k]);
	}
	composite_types(x, it->id, mbs, k);
}

static void svc_segment_types(struct xsd *x, const char *tag)
{
	struct member mbs[16];
	const struct tdk_edi_svc_item *items;
	unsigned n, k;

	/* Version 4 defines a superset of versions 1 to 3 for UNH, UNS and UNT, with lengths at least as long. */
	if (!svc_once(x, tag))
		return;
	if (!(items = tdk_edi_service_def(tag, 4, &n))) {
		/* UGH, UGT and the like: no definition here, their data elements stay <e>. */
		OUT(x, "  <xs:complexType name=\"S.%s\">\n    <xs:sequence>\n"
		    "      <xs:element name=\"e\" type=\"t:Any\" minOccurs=\"0\" maxOccurs=\"unbounded\"/>\n"
		    "    </xs:sequence>\n    <xs:attributeGroup ref=\"t:Where\"/>\n  </xs:complexType>\n", tag);
		return;
	}
	for (k = 0; k < n && k < 16; k++) {
		svc_member_of(&mbs[k], &items[k]);
		svc_item_types(x, &items[k]);
	}
	segment_type(x, tag, mbs, k);
}

/* ---- The release's segments, composites and elements the message uses ---- */

static void used_types(struct xsd *x)
{
	const struct tdk_dir *d = x->d;
	uint32_t i, k, j;

	for (i = 0; i < x->m->n; i++) {
		const struct tdk_dir_node *nd = &x->nodes[i];
		const struct tdk_dir_segment *s;

		if (nd->group)
			continue;
		if (nd->seg == TDK_DIR_NONE) {
			svc_segment_types(x, nd->tag);
			continue;
		}
		if (x->seg_used[nd->seg])
			continue;
		x->seg_used[nd->seg] = 1;
		s = &d->segments[nd->seg];
		for (k = 0; k < s->n; k++) {
			const struct tdk_dir_member *m = &d->members[s->first + k];

			if (m->ref == TDK_DIR_NONE)
				continue;
			if (!m->composite) {
				x->elem_used[m->ref] = 1;
				continue;
			}
			x->comp_used[m->ref] = 1;
			for (j = 0; j < d->composites[m->ref].n; j++) {
				const struct tdk_dir_member *cm = &d->members[d->composites[m->ref].first + j];

				if (cm->ref != TDK_DIR_NONE)
					x->elem_used[cm->ref] = 1;
			}
		}
	}
	for (i = 0; i < d->nelements; i++)
		if (x->elem_used[i]) {
			const struct tdk_dir_element *e = &d->elements[i];

			element_types(x, e->tag, e->kind, e->var, e->max,
				      e->codes != TDK_DIR_NONE ? &d->lists[e->codes] : NULL);
		}
	for (i = 0; i < d->ncomposites; i++)
		if (x->comp_used[i]) {
			const struct tdk_dir_composite *c = &d->composites[i];
			struct member *mbs = calloc(c->n ? c->n : 1, sizeof(*mbs));

			if (!mbs) {
				x->r = -1;
				return;
			}
			for (k = 0; k < c->n; k++)
				member_of(&mbs[k], &d->members[c->first + k]);
			composite_types(x, c->tag, mbs, c->n);
			free(mbs);
		}
	for (i = 0; i < d->nsegments; i++)
		if (x->seg_used[i]) {
			const struct tdk_dir_segment *s = &d->segments[i];
			struct member *mbs = calloc(s->n ? s->n : 1, sizeof(*mbs));

			if (!mbs) {
				x->r = -1;
				return;
			}
			for (k = 0; k < s->n; k++)
				member_of(&mbs[k], &d->members[s->first + k]);
			segment_type(x, s->tag, mbs, s->n);
			free(mbs);
		}
}

/* ---- The segment table ---- */

static uint32_t next_sibling(const struct xsd *x, uint32_t c)
{
	return x->nodes[c].group ? x->nodes[c].end : c + 1;
}

/*
 * Whether a level [first, end) has two segments with one tag that a
 * deterministic content model could not tell apart: nothing mandatory
 * between them, and the first one not exactly once.
 */
static int ambiguous(const struct xsd *x, uint32_t first, uint32_t end)
{
	uint32_t i, j;

	for (i = first; i < end; i = next_sibling(x, i)) {
		const struct tdk_dir_node *a = &x->nodes[i];

		if (a->group)
			continue;
		for (j = next_sibling(x, i); j < end; j = next_sibling(x, j)) {
			const struct tdk_dir_node *b = &x->nodes[j];

			if (!b->group && !strcmp(a->tag, b->tag) && !(a->status == 'M' && a->repeat == 1))
				return 1;
			if (b->status == 'M')
				break;
		}
	}
	return 0;
}

static void level(struct xsd *x, uint32_t first, uint32_t end, int indent, int trigger);

static void entry(struct xsd *x, uint32_t c, int indent, unsigned min, unsigned max)
{
	const struct tdk_dir_node *nd = &x->nodes[c];

	if (!nd->group) {
		OUT(x, "%*s<xs:element name=\"%s\" type=\"t:S.%s\"", indent, "", nd->tag, nd->tag);
		occurs(x, min, max);
		OUT(x, "/>\n");
		return;
	}
	OUT(x, "%*s<xs:element name=\"SG%u\"", indent, "", (unsigned)nd->group);
	occurs(x, min, max);
	OUT(x, ">\n%*s  <xs:complexType>\n", indent, "");
	level(x, c + 1, nd->end, indent + 4, 1);
	OUT(x, "%*s  </xs:complexType>\n%*s</xs:element>\n", indent, "", indent, "");
}

static void level(struct xsd *x, uint32_t first, uint32_t end, int indent, int trigger)
{
	uint32_t c;

	if (ambiguous(x, first, end)) {
		/* Each tag once in the choice, with the type its segments share. */
		OUT(x, "%*s<xs:choice minOccurs=\"0\" maxOccurs=\"unbounded\">\n", indent, "");
		for (c = first; c < end; c = next_sibling(x, c)) {
			uint32_t p;

			for (p = first; p < c; p = next_sibling(x, p))
				if (!x->nodes[p].group && !x->nodes[c].group && !strcmp(x->nodes[p].tag, x->nodes[c].tag))
					break;
			if (p == c)
				entry(x, c, indent + 2, 1, 1);
		}
		OUT(x, "%*s</xs:choice>\n", indent, "");
		return;
	}
	OUT(x, "%*s<xs:sequence>\n", indent, "");
	for (c = first; c < end; c = next_sibling(x, c)) {
		const struct tdk_dir_node *nd = &x->nodes[c];

		/* A group's trigger occurs once per occurrence of the group. */
		if (trigger && c == first)
			entry(x, c, indent + 2, 1, 1);
		else
			entry(x, c, indent + 2, nd->status == 'M' ? 1 : 0, nd->repeat ? nd->repeat : 1);
	}
	OUT(x, "%*s</xs:sequence>\n", indent, "");
}

/* ---- The envelope, as the converter writes it ---- */

static const char envelope[] =
	"  <xs:element name=\"edifact\">\n"
	"    <xs:complexType>\n"
	"      <xs:sequence>\n"
	"        <xs:choice minOccurs=\"0\" maxOccurs=\"unbounded\">\n"
	"          <xs:element name=\"interchange\" type=\"t:Interchange\"/>\n"
	"          <xs:element name=\"group\" type=\"t:Group\"/>\n"
	"          <xs:element name=\"message\" type=\"t:Message\"/>\n"
	"          <xs:element name=\"segment\" type=\"t:Segment\"/>\n"
	"        </xs:choice>\n"
	"        <xs:element name=\"end\" minOccurs=\"0\">\n"
	"          <xs:complexType>\n"
	"            <xs:attribute name=\"ws\" type=\"xs:string\"/>\n"
	"          </xs:complexType>\n"
	"        </xs:element>\n"
	"      </xs:sequence>\n"
	"      <xs:attribute name=\"bom\" type=\"xs:boolean\"/>\n"
	"    </xs:complexType>\n"
	"  </xs:element>\n"
	"  <xs:complexType name=\"Interchange\">\n"
	"    <xs:choice minOccurs=\"0\" maxOccurs=\"unbounded\">\n"
	"      <xs:element name=\"group\" type=\"t:Group\"/>\n"
	"      <xs:element name=\"message\" type=\"t:Message\"/>\n"
	"      <xs:element name=\"segment\" type=\"t:Segment\"/>\n"
	"    </xs:choice>\n"
	"    <xs:attribute name=\"charset\" type=\"xs:string\"/>\n"
	"    <xs:attribute name=\"encoding\" type=\"xs:string\"/>\n"
	"    <xs:attribute name=\"version\" type=\"xs:string\"/>\n"
	"    <xs:attribute name=\"una\" type=\"xs:string\"/>\n"
	"    <xs:attribute name=\"una-ws\" type=\"xs:string\"/>\n"
	"    <xs:attribute name=\"level\" type=\"xs:string\"/>\n"
	"  </xs:complexType>\n"
	"  <xs:complexType name=\"Group\">\n"
	"    <xs:choice minOccurs=\"0\" maxOccurs=\"unbounded\">\n"
	"      <xs:element name=\"message\" type=\"t:Message\"/>\n"
	"      <xs:element name=\"segment\" type=\"t:Segment\"/>\n"
	"    </xs:choice>\n"
	"  </xs:complexType>\n"
	"  <!-- A segment in the syntax-level form: the envelope (UNB, UNG, UNE, UNZ). -->\n"
	"  <xs:complexType name=\"Segment\">\n"
	"    <xs:sequence>\n"
	"      <xs:element name=\"e\" type=\"t:Any\" minOccurs=\"0\" maxOccurs=\"unbounded\"/>\n"
	"    </xs:sequence>\n"
	"    <xs:attribute name=\"tag\" type=\"xs:string\"/>\n"
	"    <xs:attributeGroup ref=\"t:Where\"/>\n"
	"  </xs:complexType>\n"
	"  <xs:complexType name=\"Any\" mixed=\"true\">\n"
	"    <xs:choice minOccurs=\"0\" maxOccurs=\"unbounded\">\n"
	"      <xs:element name=\"c\" type=\"xs:string\"/>\n"
	"      <xs:element name=\"r\" type=\"t:Any\"/>\n"
	"    </xs:choice>\n"
	"  </xs:complexType>\n"
	"  <xs:attributeGroup name=\"Where\">\n"
	"    <xs:attribute name=\"line\" type=\"xs:unsignedLong\"/>\n"
	"    <xs:attribute name=\"col\" type=\"xs:unsignedLong\"/>\n"
	"    <xs:attribute name=\"offset\" type=\"xs:unsignedLong\"/>\n"
	"    <xs:attribute name=\"ws\" type=\"xs:string\"/>\n"
	"  </xs:attributeGroup>\n"
	"  <xs:simpleType name=\"Empty\">\n"
	"    <xs:restriction base=\"xs:string\">\n"
	"      <xs:length value=\"0\"/>\n"
	"    </xs:restriction>\n"
	"  </xs:simpleType>\n";

int tdk_dir_xsd(struct tdk_buf *out, const struct tdk_dir *d, const struct tdk_dir_message *m, unsigned flags)
{
	struct xsd x;

	memset(&x, 0, sizeof(x));
	x.b = out;
	x.d = d;
	x.m = m;
	x.nodes = d->nodes + m->first;
	x.flags = flags;
	x.seg_used = calloc(d->nsegments + 1, 1);
	x.comp_used = calloc(d->ncomposites + 1, 1);
	x.elem_used = calloc(d->nelements + 1, 1);
	if (!x.seg_used || !x.comp_used || !x.elem_used) {
		x.r = -1;
		goto out;
	}
	OUT(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<!-- generated by tdk dir xsd %s %s%s: do not edit -->\n"
	    "<!--\n  %s %s: ", d->release, m->type, flags & TDK_DIR_XSD_CODES ? " (with code lists)" : "", m->type,
	    d->release);
	esc(&x, tdk_dir_str(d, m->name));
	OUT(&x, ".\n  The XML form that tdk convert writes with directory names (tdk-convert(1))\n"
	    "  for interchanges of this message, from the UNTDID release files.\n-->\n"
	    "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"\n"
	    "           xmlns:t=\"" TDK_EDI_XML_DIR_NS "\"\n"
	    "           targetNamespace=\"" TDK_EDI_XML_DIR_NS "\"\n"
	    "           elementFormDefault=\"qualified\">\n");
	x.r |= tdk_buf_adds(out, envelope);
	OUT(&x, "  <xs:complexType name=\"Message\">\n");
	level(&x, 0, m->n, 4, 0);
	OUT(&x, "    <xs:attribute name=\"type\" type=\"xs:string\" use=\"required\" fixed=\"%s\"/>\n"
	    "    <xs:attribute name=\"release\" type=\"xs:string\" use=\"required\" fixed=\"%s\"/>\n"
	    "  </xs:complexType>\n", m->type, d->release);
	used_types(&x);
	OUT(&x, "</xs:schema>\n");
out:
	free(x.seg_used);
	free(x.comp_used);
	free(x.elem_used);
	return x.r ? -1 : 0;
}
