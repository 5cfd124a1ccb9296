/*
 * tdk dir: the UN/EDIFACT directories (UNTDID) as UNECE publishes them.
 * `list` names the installed releases (or the messages of one), `show` prints
 * a message's segment table as a tree with groups, status and repeats, a
 * segment, a composite, or a data element with its codes (service segments,
 * composites and code lists from ISO 9735 and the release's UNSL), `xsd`
 * writes the XML Schema of a message's directory vocabulary (the form of
 * `tdk convert --names directory`), and `install` adds a downloaded release
 * zip to the user's data directory.  Releases are read
 * from the original files only (the release zip, its member zips, or those
 * unzipped), never from converted copies; a compiled cache keeps later loads
 * to a few milliseconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "edi/dir.h"
#include "edi/dirxsd.h"
#include "edi/edi.h"
#include "util/io.h"

struct dir_opts {
	const char *directory, *format, *output;
	int no_cache, json, codes;
};

static void report_diag(void *arg, const struct tdk_diag_item *it)
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

/* Opens a release for the command, reporting what is wrong and how to install it. */
static int open_release(struct tdk_ctx *ctx, struct tdk_dir_set *set, const struct dir_opts *o,
			const char *arg, struct tdk_dir **dir)
{
	char rel[8];
	struct tdk_diag d;
	int r;

	/* The set is always initialised, so that the caller can release it whatever happens. */
	if (tdk_dir_set_init(set, tdk_share_dir(), o->directory) < 0)
		return tdk_error(ctx, "dir", TDK_EXIT_INTERNAL, "out of memory");
	set->no_cache = o->no_cache;
	if (!fix_release(rel, arg))
		return tdk_error(ctx, "dir", TDK_EXIT_USAGE, "'%s' is not a UNTDID release name (e.g. D96B)", arg);
	tdk_diag_init(&d, o->directory ? o->directory : rel);
	d.emit = report_diag;
	d.arg = ctx;
	r = tdk_dir_set_get(set, rel, dir, &d);
	if (r == TDK_EXIT_IO && !d.errors)
		return tdk_error(ctx, "dir", TDK_EXIT_IO,
				 "release %s is not installed; download it from UNECE (https://unece.org/trade/"
				 "uncefact/unedifact/download) and run 'tdk dir install d%c%c%c.zip'",
				 rel, rel[1], rel[2], rel[3] - 'A' + 'a');
	if (r)
		return tdk_error(ctx, "dir", r, "cannot load release %s", rel);
	return 0;
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

/* A code list by tag: the service code lists (UNSL) have no data element in the release's EDED. */
static const struct tdk_dir_codelist *find_list(const struct tdk_dir *d, const char *tag)
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

		if (!e && (l = find_list(d, what))) {
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

static int dir_list(struct tdk_ctx *ctx, const struct dir_opts *o, int nargs, char **args)
{
	struct tdk_dir_set set;
	struct tdk_dir_path one = { NULL, 0 };
	struct tdk_dir *d = NULL;
	FILE *f = ctx->out;
	uint32_t i;
	int r = 0, any = 0;

	if (nargs > 2)
		return tdk_error(ctx, "dir", TDK_EXIT_USAGE, "usage: tdk dir list [release]");
	if (nargs == 2) {
		if ((r = open_release(ctx, &set, o, args[1], &d)))
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
		goto out;
	}
	/* Every release on the search path: the first one found for a name is the one used. */
	if (tdk_dir_set_init(&set, tdk_share_dir(), o->directory) < 0)
		return tdk_error(ctx, "dir", TDK_EXIT_INTERNAL, "out of memory");
	if (o->directory && !(one.dirs = calloc(1, sizeof(char *)))) {
		r = tdk_error(ctx, "dir", TDK_EXIT_INTERNAL, "out of memory");
		goto out;
	}
	if (o->directory && !(one.dirs[0] = strdup(o->directory))) {
		r = tdk_error(ctx, "dir", TDK_EXIT_INTERNAL, "out of memory");
		goto out;
	}
	one.n = o->directory ? 1 : 0;
	if (o->json)
		fputs("[", f);
	{
		int y, k;

		/* UNTDID releases are D.YYA, D.YYB, ...: every letter, in order of year (88 to 99, then 00 on). */
		for (y = 88; y < 188; y++)
			for (k = 'A'; k <= 'Z'; k++) {
				char rel[8];
				char *loc;

				snprintf(rel, sizeof(rel), "D%02d%c", y % 100, k);
				loc = tdk_dir_find(o->directory ? &one : &set.path, rel);
				if (!loc)
					continue;
				if (o->json) {
					fprintf(f, "%s{\"release\":\"%s\",\"location\":", any ? "," : "", rel);
					tdk_json_str(f, loc);
					fputc('}', f);
				} else {
					fprintf(f, "%s  %s\n", rel, loc);
				}
				any = 1;
				free(loc);
			}
	}
	if (o->json)
		fputs("]\n", f);
	else if (!any && ctx->err_tty)
		fprintf(ctx->err, "tdk dir: no release installed; add one with 'tdk dir install FILE.zip'\n");
out:
	if (one.dirs && one.n)
		tdk_dir_path_release(&one);
	else
		free(one.dirs);
	tdk_dir_set_release(&set);
	return r;
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

/* ---- install ---- */

static int copy_file(const char *from, const char *to)
{
	char tmp[4096], buf[65536];
	FILE *in = fopen(from, "rb");
	int fd = -1, e = 0;
	size_t n;

	if (!in)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", to);
	if ((fd = mkstemp(tmp)) < 0)
		goto fail;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (write(fd, buf, n) != (ssize_t)n)
			goto fail;
	if (ferror(in) || fchmod(fd, 0644) < 0 || fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	fclose(in);
	if (rename(tmp, to) == 0)
		return 0;
	e = errno;
	unlink(tmp);
	errno = e;
	return -1;
fail:
	e = errno;
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	} else if (*tmp) {
		unlink(tmp);
	}
	fclose(in);
	errno = e;
	return -1;
}

static int dir_install(struct tdk_ctx *ctx, const struct dir_opts *o, int nargs, char **args)
{
	struct tdk_dir *d = NULL;
	struct tdk_diag diag;
	char *udir = NULL, *dest = NULL;
	size_t n;
	int r, i;

	if (nargs != 2)
		return tdk_error(ctx, "dir", TDK_EXIT_USAGE, "usage: tdk dir install file.zip");
	tdk_diag_init(&diag, args[1]);
	diag.emit = report_diag;
	diag.arg = ctx;
	if ((r = tdk_dir_load(&d, args[1], &diag)))
		return tdk_error(ctx, "dir", r, "'%s' is not a usable UNTDID release", args[1]);
	if (!(udir = tdk_dir_user_dir())) {
		r = tdk_error(ctx, "dir", TDK_EXIT_IO, "no data directory: set HOME or XDG_DATA_HOME");
		goto out;
	}
	n = strlen(udir) + 16;
	if (!(dest = malloc(n))) {
		r = tdk_error(ctx, "dir", TDK_EXIT_INTERNAL, "out of memory");
		goto out;
	}
	for (i = 0; udir[i]; i++)
		if (udir[i] == '/' && i) {
			udir[i] = '\0';
			mkdir(udir, 0755);
			udir[i] = '/';
		}
	if (mkdir(udir, 0755) < 0 && errno != EEXIST) {
		r = tdk_error(ctx, "dir", TDK_EXIT_IO, "cannot create '%s': %s", udir, strerror(errno));
		goto out;
	}
	snprintf(dest, n, "%s/d%c%c%c.zip", udir, d->release[1], d->release[2], d->release[3] - 'A' + 'a');
	if (copy_file(args[1], dest) < 0) {
		r = tdk_error(ctx, "dir", TDK_EXIT_IO, "cannot write '%s': %s", dest, strerror(errno));
		goto out;
	}
	fprintf(ctx->out, "installed %s (%u messages) as %s\n", d->release, (unsigned)d->nmessages, dest);
out:
	tdk_dir_free(d);
	free(udir);
	free(dest);
	return r;
}

int cmd_dir(int argc, char **argv, struct tdk_ctx *ctx)
{
	struct dir_opts o = { 0 };
	const struct tdk_opt opts[] = {
		TDK_OPT_STRING_('D', "directory", &o.directory, "path", NULL,
				"read releases from path (a release zip or folder, or a folder of releases) "
				"instead of the search path"),
		TDK_OPT_STRING_(0, "format", &o.format, "format", "text|json", "output as text or JSON"),
		TDK_OPT_FLAG_(0, "no-cache", &o.no_cache, "read the release files, not the compiled cache"),
		TDK_OPT_STRING_('o', "output", &o.output, "file", NULL, "xsd: write to file, atomically"),
		TDK_OPT_FLAG_(0, "codes", &o.codes, "xsd: enumerate the codes of coded data elements"),
		TDK_OPT_END_
	};
	const struct tdk_cmd_usage u = { "dir",
		"list [release] | show release [name] | xsd release message | install file.zip",
		"Show UN/EDIFACT directories (UNTDID): messages, segments, composites, elements and codes; "
		"write a message's XML Schema." };
	int nargs, r;

	if ((r = tdk_parse_options(ctx, &u, opts, argc, argv, &nargs)) >= 0)
		return r;
	o.json = o.format && !strcmp(o.format, "json");
	if (!nargs) {
		fprintf(ctx->err, "tdk dir: say what to do: list, show, xsd or install\n");
		tdk_usage_line(ctx->err, &u, opts);
		return TDK_EXIT_USAGE;
	}
	if (!strcmp(argv[0], "list"))
		r = dir_list(ctx, &o, nargs, argv);
	else if (!strcmp(argv[0], "show"))
		r = dir_show(ctx, &o, nargs, argv);
	else if (!strcmp(argv[0], "xsd"))
		r = dir_xsd(ctx, &o, nargs, argv);
	else if (!strcmp(argv[0], "install"))
		r = dir_install(ctx, &o, nargs, argv);
	else {
		fprintf(ctx->err, "tdk dir: '%s' is not a subcommand: list, show, xsd or install\n", argv[0]);
		tdk_usage_line(ctx->err, &u, opts);
		return TDK_EXIT_USAGE;
	}
	return tdk_finish_output(ctx, "dir", r);
}
