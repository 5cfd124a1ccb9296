/*
 * tdk dir: the UN/EDIFACT directories (UNTDID) as UNECE publishes them.
 * `list` names the installed releases (or the messages of one), `show` prints
 * a message's segment table as a tree with groups, status and repeats, a
 * segment, a composite, or a data element with its codes (service segments,
 * composites and code lists from ISO 9735 and the release's UNSL), `xsd`
 * writes the XML Schema of a message's directory vocabulary (the form of
 * `tdk convert --names directory`), and `install` adds a downloaded release
 * zip, or a folder holding a release, to the user's data directory
 * (cmd/dir-install.c).  Releases are read
 * from the original files only (the release zip, its member zips, or those
 * unzipped), never from converted copies; a compiled cache keeps later loads
 * to a few milliseconds.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "dir.h"
#include "edi/dir.h"
#include "edi/dirxsd.h"
#include "edi/edi.h"
#include "util/io.h"

struct dir_opts {
	const char *directory, *format, *output;
	int no_cache, json, codes, quiet;
};

void tdk_dir_report_diag(void *arg, const struct tdk_diag_item *it)
{
	struct tdk_ctx *ctx = arg;
	struct tdk_buf b = TDK_BUF_INIT(4096);

	if (!tdk_diag_format_text(&b, it))
		fputs(b.data, ctx->err);
	tdk_buf_release(&b);
}

static const char *fix_release(char out[8], const char *arg)
{
	return tdk_dir_release_name(out, arg, NULL) == 0 ? out : NULL;
}

int tdk_dir_open_release(struct tdk_ctx *ctx, const char *cmd, struct tdk_dir_set *set, const char *directory,
			 int no_cache, const char *arg, struct tdk_dir **dir)
{
	char rel[8];
	struct tdk_diag d;
	int r;

	/* The set is always initialised, so that the caller can release it whatever happens. */
	if (tdk_dir_set_init(set, tdk_share_dir(), directory) < 0)
		return tdk_error(ctx, cmd, TDK_EXIT_INTERNAL, "out of memory");
	set->no_cache = no_cache;
	if (!fix_release(rel, arg)) {
		struct tdk_buf q = TDK_BUF_INIT(4096);

		r = tdk_error(ctx, cmd, TDK_EXIT_USAGE, "'%s' is not a UNTDID release name (e.g. D96B)",
			      strlen(arg) > 64 ? "(too long)" : tdk_name(&q, arg));
		tdk_buf_release(&q);
		return r;
	}
	tdk_diag_init(&d, directory ? directory : rel);
	d.emit = tdk_dir_report_diag;
	d.arg = ctx;
	r = tdk_dir_set_get(set, rel, dir, &d);
	if (r == TDK_EXIT_IO && !d.errors)
		return tdk_error(ctx, cmd, TDK_EXIT_IO,
				 "release %s is not installed; download it from UNECE (https://unece.org/trade/"
				 "uncefact/unedifact/download) and run 'tdk dir install d%c%c%c.zip' (or the folder "
				 "that holds it unzipped)",
				 rel, rel[1], rel[2], rel[3] - 'A' + 'a');
	if (r)
		return tdk_error(ctx, cmd, r, "cannot load release %s", rel);
	return 0;
}

static int open_release(struct tdk_ctx *ctx, struct tdk_dir_set *set, const struct dir_opts *o,
			const char *arg, struct tdk_dir **dir)
{
	return tdk_dir_open_release(ctx, "dir", set, o->directory, o->no_cache, arg, dir);
}

static void repr_text(char *s, size_t n, const struct tdk_dir_element *e)
{
	snprintf(s, n, "%s%s%u", e->kind == 'x' ? "an" : e->kind == 'a' ? "a" : "n", e->var ? ".." : "",
		 (unsigned)e->max);
}

/* ---- show MESSAGE ---- */

static void show_nodes_text(FILE *f, const struct tdk_dir *d, const struct tdk_dir_message *m, int width)
{
	uint32_t stack[64], depth = 0, i;

	fprintf(f, "%s %s: %s\n\n", m->type, d->release, tdk_dir_str(d, m->name));
	fprintf(f, "%-*s  %-16s %-42s %s  %s\n", width, "Pos", "Tag", "Name", "S", "R");
	for (i = 0; i < m->n; i++) {
		const struct tdk_dir_node *nd = &d->nodes[m->first + i];
		char tag[32];

		while (depth && i >= stack[depth - 1])
			depth--;
		if (nd->group)
			snprintf(tag, sizeof(tag), "%*sSG%u", (int)depth * 2, "", (unsigned)nd->group);
		else
			snprintf(tag, sizeof(tag), "%*s%s", (int)depth * 2, "", nd->tag);
		fprintf(f, "%0*u  %-16s %-42s %c  %u\n", width, (unsigned)nd->pos, tag,
			nd->group ? "Segment group" : tdk_dir_str(d, nd->name), nd->status, (unsigned)nd->repeat);
		if (nd->group && depth < 64)
			stack[depth++] = nd->end;
	}
}

static uint32_t show_nodes_json(FILE *f, const struct tdk_dir *d, const struct tdk_dir_message *m, uint32_t i,
				uint32_t end, int width)
{
	int first = 1;

	fputc('[', f);
	while (i < end) {
		const struct tdk_dir_node *nd = &d->nodes[m->first + i];

		if (!first)
			fputc(',', f);
		first = 0;
		fprintf(f, "{\"pos\":\"%0*u\",", width, (unsigned)nd->pos);
		if (nd->group) {
			fprintf(f, "\"group\":%u,\"status\":\"%c\",\"repeat\":%u,\"segments\":", (unsigned)nd->group,
				nd->status, (unsigned)nd->repeat);
			i = show_nodes_json(f, d, m, i + 1, nd->end, width);
			fputc('}', f);
			continue;
		}
		fprintf(f, "\"tag\":\"%s\",\"name\":", nd->tag);
		tdk_json_str(f, tdk_dir_str(d, nd->name));
		fprintf(f, ",\"status\":\"%c\",\"repeat\":%u}", nd->status, (unsigned)nd->repeat);
		i++;
	}
	fputc(']', f);
	return end;
}

/* ---- show SEGMENT, COMPOSITE, ELEMENT ---- */

static void show_member_text(FILE *f, const struct tdk_dir *d, const struct tdk_dir_member *m, int indent)
{
	char repr[32] = "";

	if (m->ref == TDK_DIR_NONE) {
		fprintf(f, "%*s%03u  %-5s (not defined in the release)  %c\n", indent, "", (unsigned)m->pos, m->tag,
			m->status);
		return;
	}
	if (m->composite) {
		const struct tdk_dir_composite *c = &d->composites[m->ref];
		uint32_t k;

		fprintf(f, "%*s%03u  %-5s %-44s %c  %u\n", indent, "", (unsigned)m->pos, c->tag,
			tdk_dir_str(d, c->name), m->status, (unsigned)m->repeat);
		for (k = 0; k < c->n; k++)
			show_member_text(f, d, &d->members[c->first + k], indent + 5);
		return;
	}
	repr_text(repr, sizeof(repr), &d->elements[m->ref]);
	fprintf(f, "%*s%03u  %-5s %-44s %c  %u %s\n", indent, "", (unsigned)m->pos, m->tag,
		tdk_dir_str(d, d->elements[m->ref].name), m->status, (unsigned)m->repeat, repr);
}

static void show_member_json(FILE *f, const struct tdk_dir *d, const struct tdk_dir_member *m)
{
	char repr[32];

	fprintf(f, "{\"pos\":\"%03u\",\"tag\":\"%s\",\"status\":\"%c\",\"repeat\":%u", (unsigned)m->pos, m->tag,
		m->status, (unsigned)m->repeat);
	if (m->ref != TDK_DIR_NONE && m->composite) {
		const struct tdk_dir_composite *c = &d->composites[m->ref];
		uint32_t k;

		fputs(",\"name\":", f);
		tdk_json_str(f, tdk_dir_str(d, c->name));
		fputs(",\"components\":[", f);
		for (k = 0; k < c->n; k++) {
			if (k)
				fputc(',', f);
			show_member_json(f, d, &d->members[c->first + k]);
		}
		fputc(']', f);
	} else if (m->ref != TDK_DIR_NONE) {
		repr_text(repr, sizeof(repr), &d->elements[m->ref]);
		fputs(",\"name\":", f);
		tdk_json_str(f, tdk_dir_str(d, d->elements[m->ref].name));
		fprintf(f, ",\"repr\":\"%s\"", repr);
	}
	fputc('}', f);
}

static void show_members(FILE *f, const struct tdk_dir *d, uint32_t first, uint32_t n, int json)
{
	uint32_t k;

	if (json) {
		fputc('[', f);
		for (k = 0; k < n; k++) {
			if (k)
				fputc(',', f);
			show_member_json(f, d, &d->members[first + k]);
		}
		fputc(']', f);
		return;
	}
	for (k = 0; k < n; k++)
		show_member_text(f, d, &d->members[first + k], 0);
}

/* A segment or a composite: its tag and name, then its members. */
static void show_record(FILE *f, const struct tdk_dir *d, const char *kind, const char *members, const char *tag,
			uint32_t name, uint32_t first, uint32_t n, int json)
{
	if (json) {
		fprintf(f, "{\"release\":\"%s\",\"%s\":\"%s\",\"name\":", d->release, kind, tag);
		tdk_json_str(f, tdk_dir_str(d, name));
		fprintf(f, ",\"%s\":", members);
		show_members(f, d, first, n, 1);
		fputs("}\n", f);
		return;
	}
	fprintf(f, "%s %s: %s\n\n", tag, d->release, tdk_dir_str(d, name));
	show_members(f, d, first, n, 0);
}

static void show_element(FILE *f, const struct tdk_dir *d, const struct tdk_dir_element *e, int json)
{
	const struct tdk_dir_codelist *l = e->codes != TDK_DIR_NONE ? &d->lists[e->codes] : NULL;
	char repr[32];
	uint32_t k;

	repr_text(repr, sizeof(repr), e);
	if (json) {
		fprintf(f, "{\"release\":\"%s\",\"element\":\"%s\",\"name\":", d->release, e->tag);
		tdk_json_str(f, tdk_dir_str(d, e->name));
		fprintf(f, ",\"repr\":\"%s\"", repr);
		if (l) {
			fputs(",\"codes\":[", f);
			for (k = 0; k < l->n; k++) {
				const struct tdk_dir_code *c = &d->codes[l->first + k];

				fputs(k ? ",{\"code\":" : "{\"code\":", f);
				tdk_json_str(f, tdk_dir_str(d, c->value));
				fputs(",\"name\":", f);
				tdk_json_str(f, tdk_dir_str(d, c->name));
				if (c->deleted)
					fputs(",\"marked_for_deletion\":true", f);
				fputc('}', f);
			}
			fputc(']', f);
		}
		fputs("}\n", f);
		return;
	}
	fprintf(f, "%s %s: %s  %s\n", e->tag, d->release, tdk_dir_str(d, e->name), repr);
	if (!l)
		return;
	fprintf(f, "\n%u codes:\n", (unsigned)l->n);
	for (k = 0; k < l->n; k++) {
		const struct tdk_dir_code *c = &d->codes[l->first + k];

		fprintf(f, "  %-6s %s%s\n", tdk_dir_str(d, c->value), tdk_dir_str(d, c->name),
			c->deleted ? " (marked for deletion)" : "");
	}
}

const struct tdk_dir_codelist *tdk_dir_code_list(const struct tdk_dir *d, const char *tag)
{
	uint32_t i;

	for (i = 0; i < d->nlists; i++)
		if (!strcmp(d->lists[i].tag, tag))
			return &d->lists[i];
	return NULL;
}

static void show_list(FILE *f, const struct tdk_dir *d, const struct tdk_dir_codelist *l, int json)
{
	uint32_t k;

	if (json) {
		fprintf(f, "{\"release\":\"%s\",\"code_list\":\"%s\",\"name\":", d->release, l->tag);
		tdk_json_str(f, tdk_dir_str(d, l->name));
		fputs(",\"codes\":[", f);
		for (k = 0; k < l->n; k++) {
			const struct tdk_dir_code *c = &d->codes[l->first + k];

			fputs(k ? ",{\"code\":" : "{\"code\":", f);
			tdk_json_str(f, tdk_dir_str(d, c->value));
			fputs(",\"name\":", f);
			tdk_json_str(f, tdk_dir_str(d, c->name));
			fputc('}', f);
		}
		fputs("]}\n", f);
		return;
	}
	fprintf(f, "%s %s: %s  (service code list)\n\n%u codes:\n", l->tag, d->release, tdk_dir_str(d, l->name),
		(unsigned)l->n);
	for (k = 0; k < l->n; k++) {
		const struct tdk_dir_code *c = &d->codes[l->first + k];

		fprintf(f, "  %-6s %s%s\n", tdk_dir_str(d, c->value), tdk_dir_str(d, c->name),
			c->deleted ? " (marked for deletion)" : "");
	}
}

/* ---- Service segments and composites, from ISO 9735 ---- */

static void show_svc_items(FILE *f, const struct tdk_edi_svc_item *it, unsigned n, int json, int indent)
{
	unsigned k;

	if (json)
		fputc('[', f);
	for (k = 0; k < n; k++) {
		if (json) {
			fprintf(f, "%s{\"pos\":\"%03u\",\"tag\":\"%s\",\"status\":\"%c\"", k ? "," : "",
				(k + 1) * 10, it[k].id, it[k].status);
			if (it[k].comps) {
				fputs(",\"components\":", f);
				show_svc_items(f, it[k].comps, it[k].ncomps, 1, 0);
			} else {
				fprintf(f, ",\"repr\":\"%s\"", it[k].repr);
			}
			fputc('}', f);
			continue;
		}
		fprintf(f, "%*s%03u  %-5s %c%s%s\n", indent, "", (k + 1) * 10, it[k].id, it[k].status,
			it[k].comps ? "" : "  ", it[k].comps ? "" : it[k].repr);
		if (it[k].comps)
			show_svc_items(f, it[k].comps, it[k].ncomps, 0, indent + 5);
	}
	if (json)
		fputc(']', f);
}

/* The composite id in the definition of tag for a syntax version, or NULL. */
static const struct tdk_edi_svc_item *svc_composite(const char *id, int version)
{
	static const char *const tags[] = { "UNB", "UNG", "UNH", "UNT", "UNE", "UNZ", "UNS" };
	const struct tdk_edi_svc_item *it;
	unsigned n, k;
	size_t t;

	for (t = 0; t < sizeof(tags) / sizeof(tags[0]); t++)
		for (it = tdk_edi_service_def(tags[t], version, &n), k = 0; it && k < n; k++)
			if (it[k].comps && !strcmp(it[k].id, id))
				return &it[k];
	return NULL;
}

/*
 * A service segment (UNB) or composite (S009) as ISO 9735 defines it: the
 * definition of versions 1 to 3 and that of version 4.  Returns 0, or 1 when
 * what is not one.
 */
static int show_service(FILE *f, const char *what, int json)
{
	static const struct { int version; const char *label; } v[] = { { 3, "1-3" }, { 4, "4" } };
	const struct tdk_edi_svc_item *it[2];
	unsigned n[2] = { 0, 0 }, i;
	int seg = strlen(what) == 3;

	for (i = 0; i < 2; i++) {
		if (seg) {
			it[i] = tdk_edi_service_def(what, v[i].version, &n[i]);
		} else if ((it[i] = svc_composite(what, v[i].version))) {
			n[i] = it[i]->ncomps;
			it[i] = it[i]->comps;
		}
	}
	if (!it[0] && !it[1])
		return 1;
	if (json)
		fprintf(f, "{\"%s\":\"%s\",\"standard\":\"ISO 9735\",\"versions\":[", seg ? "segment" : "composite",
			what);
	else
		fprintf(f, "%s: service %s of ISO 9735 (not in the release files)\n", what, seg ? "segment" : "composite");
	for (i = 0; i < 2; i++) {
		if (!it[i])
			continue;
		if (json) {
			fprintf(f, "%s{\"syntax\":\"%s\",\"%s\":", i && it[0] ? "," : "", v[i].label,
				seg ? "elements" : "components");
			show_svc_items(f, it[i], n[i], 1, 0);
			fputc('}', f);
		} else {
			fprintf(f, "\nsyntax version %s:\n", v[i].label);
			show_svc_items(f, it[i], n[i], 0, 0);
		}
	}
	if (json)
		fputs("]}\n", f);
	return 0;
}

static int pos_width(const struct tdk_dir *d)
{
	/* Segment tables have 5-digit positions from D.11B on. */
	return tdk_dir_release_before(d->release, "D11B") ? 4 : 5;
}

static int show_summary(FILE *f, const struct tdk_dir *d, int json)
{
	if (json) {
		fprintf(f, "{\"release\":\"%s\",\"messages\":%u,\"segments\":%u,\"composites\":%u,\"elements\":%u,"
			"\"code_lists\":%u,\"service_code_lists\":%u,\"codes\":%u,\"index\":{\"messages\":%u,"
			"\"segments\":%u,\"composites\":%u,\"elements\":%u}}\n", d->release,
			(unsigned)d->nmessages, (unsigned)d->nsegments, (unsigned)d->ncomposites,
			(unsigned)d->nelements, (unsigned)(d->nlists - d->service_lists),
			(unsigned)d->service_lists, (unsigned)d->ncodes, (unsigned)d->index.messages,
			(unsigned)d->index.segments, (unsigned)d->index.composites, (unsigned)d->index.elements);
		return 0;
	}
	fprintf(f, "release     %s\n", d->release);
	fprintf(f, "messages    %u (index: %u)\n", (unsigned)d->nmessages, (unsigned)d->index.messages);
	fprintf(f, "segments    %u (index: %u)\n", (unsigned)d->nsegments, (unsigned)d->index.segments);
	fprintf(f, "composites  %u (index: %u)\n", (unsigned)d->ncomposites, (unsigned)d->index.composites);
	fprintf(f, "elements    %u (index: %u)\n", (unsigned)d->nelements, (unsigned)d->index.elements);
	fprintf(f, "code lists  %u (and %u service code lists)\n", (unsigned)(d->nlists - d->service_lists),
		(unsigned)d->service_lists);
	fprintf(f, "codes       %u\n", (unsigned)d->ncodes);
	return 0;
}

static int dir_show(struct tdk_ctx *ctx, const struct dir_opts *o, int nargs, char **args)
{
	struct tdk_dir_set set;
	struct tdk_dir *d = NULL;
	FILE *f = ctx->out;
	const char *what;
	int r;

	if (nargs < 2 || nargs > 3)
		return tdk_error(ctx, "dir", TDK_EXIT_USAGE, "usage: tdk dir show release [name]");
	if ((r = open_release(ctx, &set, o, args[1], &d)))
		goto out;
	what = nargs == 3 ? args[2] : NULL;
	if (!what) {
		r = show_summary(f, d, o->json);
	} else if (strlen(what) == 6) {
		const struct tdk_dir_message *m = tdk_dir_message(d, what);

		if (!m) {
			r = tdk_error(ctx, "dir", TDK_EXIT_NEGATIVE, "release %s has no message '%s'", d->release, what);
			goto out;
		}
		if (o->json) {
			fprintf(f, "{\"release\":\"%s\",\"message\":\"%s\",\"name\":", d->release, m->type);
			tdk_json_str(f, tdk_dir_str(d, m->name));
			fputs(",\"segments\":", f);
			show_nodes_json(f, d, m, 0, m->n, pos_width(d));
			fputs("}\n", f);
		} else {
			show_nodes_text(f, d, m, pos_width(d));
		}
	} else if (strlen(what) == 3) {
		const struct tdk_dir_segment *s = tdk_dir_segment(d, what);

		if (!s && !show_service(f, what, o->json))
			goto out;
		if (!s) {
			r = tdk_error(ctx, "dir", TDK_EXIT_NEGATIVE, "release %s has no segment '%s'%s", d->release,
				      what, !strncmp(what, "UN", 2) || !strncmp(what, "UG", 2) ?
				      " (service segments are defined by ISO 9735, not by the release)" : "");
			goto out;
		}
		show_record(f, d, "segment", "elements", s->tag, s->name, s->first, s->n, o->json);
	} else if (strlen(what) == 4 && what[0] >= 'A' && what[0] <= 'Z') {
		const struct tdk_dir_composite *c = tdk_dir_composite(d, what);

		if (!c && !show_service(f, what, o->json))
			goto out;
		if (!c) {
			r = tdk_error(ctx, "dir", TDK_EXIT_NEGATIVE, "release %s has no composite '%s'", d->release, what);
			goto out;
		}
		show_record(f, d, "composite", "components", c->tag, c->name, c->first, c->n, o->json);
	} else if (strlen(what) == 4) {
		const struct tdk_dir_element *e = tdk_dir_element(d, what);
		const struct tdk_dir_codelist *l;

		if (!e && (l = tdk_dir_code_list(d, what))) {
			show_list(f, d, l, o->json);
			goto out;
		}
		if (!e) {
			r = tdk_error(ctx, "dir", TDK_EXIT_NEGATIVE, "release %s has no data element '%s'", d->release,
				      what);
			goto out;
		}
		show_element(f, d, e, o->json);
	} else {
		r = tdk_error(ctx, "dir", TDK_EXIT_USAGE,
			      "'%s' is neither a message (CUSDEC), a segment (DTM), a composite (C507) nor a data "
			      "element (2005)", what);
	}
out:
	tdk_dir_set_release(&set);
	return r;
}

/* ---- list ---- */

/* Where list looks: the -D path alone, or the search path.  Returns 0, or -1 without memory. */
static int list_path(struct tdk_dir_path *p, const char *directory)
{
	if (!directory)
		return tdk_dir_path_init(p, tdk_share_dir());
	memset(p, 0, sizeof(*p));
	if (!(p->dirs = calloc(1, sizeof(char *))) || !(p->dirs[0] = strdup(directory))) {
		free(p->dirs);
		p->dirs = NULL;
		return -1;
	}
	p->n = 1;
	return 0;
}

/*
 * The next release found on p, from *at on (0 to start): its name in rel and
 * its location in a new string, or NULL after the last.  UNTDID releases are
 * D.YYA, D.YYB, ...: every letter, in order of year (88 to 99, then 00 on);
 * the first one found for a name is the one used.
 */
static char *next_release(const struct tdk_dir_path *p, int *at, char rel[8])
{
	char *loc;

	for (; *at < 100 * 26; (*at)++) {
		snprintf(rel, 8, "D%02d%c", (88 + *at / 26) % 100, 'A' + *at % 26);
		if ((loc = tdk_dir_find(p, rel))) {
			(*at)++;
			return loc;
		}
	}
	return NULL;
}

/* Nothing found: where it looked, and how to add a release (on stderr: the list itself stays empty). */
static void list_none(struct tdk_ctx *ctx, const struct tdk_dir_path *p)
{
	struct tdk_buf q = TDK_BUF_INIT(8192);
	size_t i;

	fprintf(ctx->err, "tdk dir: no UNTDID release found; looked in:\n");
	for (i = 0; i < p->n; i++)
		fprintf(ctx->err, "  %s\n", tdk_name(&q, p->dirs[i]));
	fprintf(ctx->err, "tdk dir: add one with 'tdk dir install PATH', PATH a release zip as UNECE publishes "
		"it (https://unece.org/trade/uncefact/unedifact/download) or a folder holding its files, "
		"or name a folder of releases with -D or TDK_DIRECTORY_PATH\n");
	tdk_buf_release(&q);
}

static int list_messages(struct tdk_ctx *ctx, const struct dir_opts *o, const char *release)
{
	struct tdk_dir_set set;
	struct tdk_dir *d = NULL;
	FILE *f = ctx->out;
	uint32_t i;
	int r;

	if ((r = open_release(ctx, &set, o, release, &d)))
		goto out;
	if (o->json)
		fprintf(f, "{\"release\":\"%s\",\"messages\":[", d->release);
	for (i = 0; i < d->nmessages; i++) {
		const struct tdk_dir_message *m = &d->messages[i];

		if (o->json) {
			fprintf(f, "%s{\"message\":\"%s\",\"name\":", i ? "," : "", m->type);
			tdk_json_str(f, tdk_dir_str(d, m->name));
			fputc('}', f);
		} else {
			fprintf(f, "%s  %s\n", m->type, tdk_dir_str(d, m->name));
		}
	}
	if (o->json)
		fputs("]}\n", f);
out:
	tdk_dir_set_release(&set);
	return r;
}

static int dir_list(struct tdk_ctx *ctx, const struct dir_opts *o, int nargs, char **args)
{
	struct tdk_dir_path p;
	struct tdk_buf q = TDK_BUF_INIT(8192);
	FILE *f = ctx->out;
	char rel[8], *loc;
	int at = 0, any = 0;

	if (nargs > 2)
		return tdk_error(ctx, "dir", TDK_EXIT_USAGE, "usage: tdk dir list [release]");
	if (nargs == 2)
		return list_messages(ctx, o, args[1]);
	if (list_path(&p, o->directory) < 0)
		return tdk_error(ctx, "dir", TDK_EXIT_INTERNAL, "out of memory");
	if (o->json)
		fputs("[", f);
	while ((loc = next_release(&p, &at, rel))) {
		if (o->json) {
			fprintf(f, "%s{\"release\":\"%s\",\"location\":", any ? "," : "", rel);
			tdk_json_str(f, loc);
			fputc('}', f);
		} else {
			fprintf(f, "%s  %s\n", rel, tdk_name(&q, loc));
		}
		any = 1;
		free(loc);
	}
	if (o->json)
		fputs("]\n", f);
	if (!any)
		list_none(ctx, &p);
	tdk_dir_path_release(&p);
	tdk_buf_release(&q);
	return 0;
}

/* ---- xsd ---- */

static int dir_xsd(struct tdk_ctx *ctx, const struct dir_opts *o, int nargs, char **args)
{
	struct tdk_dir_set set;
	struct tdk_dir *d = NULL;
	const struct tdk_dir_message *m;
	struct tdk_buf b = TDK_BUF_INIT((size_t)256 << 20);
	struct tdk_output out;
	int r;

	if (nargs != 3)
		return tdk_error(ctx, "dir", TDK_EXIT_USAGE, "usage: tdk dir xsd release message [-o file]");
	if ((r = open_release(ctx, &set, o, args[1], &d)))
		goto out;
	if (!(m = tdk_dir_message(d, args[2]))) {
		r = tdk_error(ctx, "dir", TDK_EXIT_NEGATIVE, "release %s has no message '%s'", d->release, args[2]);
		goto out;
	}
	if (tdk_dir_xsd(&b, d, m, o->codes ? TDK_DIR_XSD_CODES : 0) < 0) {
		r = tdk_error(ctx, "dir", TDK_EXIT_INTERNAL, "out of memory");
		goto out;
	}
	if (tdk_output_open(&out, o->output, ctx->out) < 0) {
		r = tdk_error(ctx, "dir", TDK_EXIT_IO, "cannot create '%s': %s", o->output, strerror(out.err));
		goto out;
	}
	if (tdk_output_write(&out, b.data, b.len) < 0) {
		tdk_output_abort(&out);
		r = tdk_output_error(ctx, "dir", o->output, out.err);
		goto out;
	}
	if (tdk_output_commit(&out) < 0)
		r = tdk_output_error(ctx, "dir", o->output, out.err);
out:
	tdk_buf_release(&b);
	tdk_dir_set_release(&set);
	return r;
}

/* The options of dir, for the command and its completion alike. */
#define DIR_OPTIONS(o) \
	TDK_OPT_STRING_('D', "directory", &(o).directory, "path", NULL, \
			"read releases from path (a release zip or folder, or a folder of releases) " \
			"instead of the search path"), \
	TDK_OPT_STRING_(0, "format", &(o).format, "format", "text|json", "output as text or JSON"), \
	TDK_OPT_FLAG_(0, "no-cache", &(o).no_cache, "read the release files, not the compiled cache"), \
	TDK_OPT_STRING_('o', "output", &(o).output, "file", NULL, "xsd: write to file, atomically"), \
	TDK_OPT_FLAG_(0, "codes", &(o).codes, "xsd: enumerate the codes of coded data elements"), \
	TDK_OPT_FLAG_('q', "quiet", &(o).quiet, "print nothing on standard error; the exit status tells"), \
	TDK_OPT_END_

static const struct tdk_cmd_usage dir_usage = { "dir",
	"list [release] | show release [name] | xsd release message | install path",
	"Show UN/EDIFACT directories (UNTDID): messages, segments, composites, elements and codes; "
	"write a message's XML Schema; install a release." };

static const char *const subcommands[] = { "list", "show", "xsd", "install", NULL };

static int dir_run(struct tdk_ctx *ctx, const struct dir_opts *o, int nargs, char **argv)
{
	if (!strcmp(argv[0], "list"))
		return dir_list(ctx, o, nargs, argv);
	if (!strcmp(argv[0], "show"))
		return dir_show(ctx, o, nargs, argv);
	if (!strcmp(argv[0], "xsd"))
		return dir_xsd(ctx, o, nargs, argv);
	if (nargs != 2)
		return tdk_error(ctx, "dir", TDK_EXIT_USAGE, "usage: tdk dir install path");
	return tdk_dir_install(ctx, argv[1]);
}

int cmd_dir(int argc, char **argv, struct tdk_ctx *ctx)
{
	struct dir_opts o = { 0 };
	const struct tdk_opt opts[] = { DIR_OPTIONS(o) };
	struct tdk_ctx quiet = *ctx;
	FILE *null = NULL;
	int nargs, r, i;

	if ((r = tdk_parse_options(ctx, &dir_usage, opts, argc, argv, &nargs)) >= 0)
		return r;
	o.json = o.format && !strcmp(o.format, "json");
	for (i = 0; nargs && subcommands[i] && strcmp(argv[0], subcommands[i]); i++)
		;
	if (!nargs || !subcommands[i]) {
		if (!nargs)
			fprintf(ctx->err, "tdk dir: say what to do: list, show, xsd or install\n");
		else
			tdk_suggest(ctx, "dir", "a subcommand", argv[0], subcommands);
		tdk_usage_line(ctx->err, &dir_usage, opts);
		return TDK_EXIT_USAGE;
	}
	/* -q: every message of the command goes through ctx->err; it goes nowhere. */
	if (o.quiet && (null = fopen("/dev/null", "w")))
		quiet.err = null;
	r = dir_run(&quiet, &o, nargs, argv);
	ctx->out_failed |= quiet.out_failed;
	if (null)
		fclose(null);
	return tdk_finish_output(ctx, "dir", r);
}

/*
 * `tdk --complete dir WORD...`, for the shell completions: the words that may
 * follow the ones typed, one a line, exit 0; exit 1 when a file name comes
 * next.  The subcommands first, then the releases found (for list, show and
 * xsd), then the messages of that release (show and xsd).
 */
int cmd_dir_complete(int argc, char **argv, struct tdk_ctx *ctx)
{
	struct dir_opts o = { 0 };
	const struct tdk_opt opts[] = { DIR_OPTIONS(o) };
	struct tdk_ctx quiet = *ctx;
	struct tdk_dir_set set;
	struct tdk_dir *d = NULL;
	struct tdk_dir_path p;
	char rel[8], *loc;
	FILE *null = fopen("/dev/null", "w");
	int nargs, r = 0, at = 0;
	uint32_t i;

	if (!null)
		return 0;
	quiet.err = quiet.out = null;
	if (tdk_parse_options(&quiet, &dir_usage, opts, argc, argv, &nargs) >= 0)
		goto out;
	if (!nargs) {
		for (i = 0; subcommands[i]; i++)
			fprintf(ctx->out, "%s\n", subcommands[i]);
	} else if (!strcmp(argv[0], "install")) {
		r = nargs == 1;
	} else if (strcmp(argv[0], "list") && strcmp(argv[0], "show") && strcmp(argv[0], "xsd")) {
		r = 0;
	} else if (nargs == 1 && list_path(&p, o.directory) == 0) {
		while ((loc = next_release(&p, &at, rel))) {
			fprintf(ctx->out, "%s\n", rel);
			free(loc);
		}
		tdk_dir_path_release(&p);
	} else if (nargs == 2 && strcmp(argv[0], "list")) {
		quiet.out = ctx->out;
		if (!open_release(&quiet, &set, &o, argv[1], &d))
			for (i = 0; i < d->nmessages; i++)
				fprintf(ctx->out, "%s\n", d->messages[i].type);
		tdk_dir_set_release(&set);
	}
out:
	fclose(null);
	return r;
}
