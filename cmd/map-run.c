/*
 * tdk map, one document: the input made ready for the stylesheet (UN/EDIFACT
 * and tdk's EDIFACT XML in syntax naming converted in-process to the
 * directory naming a map of an EDIFACT source reads), the stylesheet run,
 * the result checked against its target (the catalog's schema for XML, the
 * installed release for UN/EDIFACT) and written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "map-int.h"
#include "edi/dirval.h"
#include "edi/edi.h"

#define EDI_NS "urn:tdk:edifact:"
#define INPUT_MAX ((size_t)1 << 30)

int tdk_map_edi_source(const struct tdk_map *m)
{
	return m->have_man && m->man.source.kind == TDK_MANIFEST_EDIFACT;
}

int tdk_map_edi_target(const struct tdk_map *m)
{
	return m->have_man && m->man.target.kind == TDK_MANIFEST_EDIFACT;
}

static int text_result(const struct tdk_map *m)
{
	return m->x && tdk_xslt_text_output(m->x);
}

int tdk_map_out_name(void *arg, const char *base, struct tdk_buf *b)
{
	const struct tdk_map *m = arg;
	const char *dot = strrchr(base, '.');
	size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	int edi = tdk_map_edi_target(m) && !(m->to && !strcmp(m->to, "xml"));

	if (tdk_buf_add(b, base, n) < 0)
		return -1;
	return tdk_buf_adds(b, text_result(m) ? ".txt" : edi ? ".edi" : ".xml");
}

/* Writes n bytes at p to path (NULL: the document's output), atomically. */
static int write_out(struct tdk_doc *doc, const char *path, const char *p, size_t n)
{
	struct tdk_output out;

	if (tdk_output_open(&out, path, doc->ctx->out) < 0)
		return tdk_doc_output_fail(doc, "map", path, out.err);
	if (tdk_output_write(&out, p, n) < 0) {
		tdk_output_abort(&out);
		return tdk_doc_output_fail(doc, "map", path, out.err);
	}
	if (tdk_output_commit(&out) < 0)
		return tdk_doc_output_fail(doc, "map", path, out.err);
	return TDK_EXIT_OK;
}

/*
 * UN/EDIFACT, or tdk's EDIFACT XML in either naming, from in to tdk's
 * EDIFACT XML in directory naming, in memory (*mem, *len: the caller frees
 * *mem).  Returns a TDK_EXIT_* status; faults are in d.
 */
static int to_directory_xml(struct tdk_map *m, struct tdk_input *in, int xml, struct tdk_diag *d, char **mem,
			    size_t *len)
{
	struct tdk_edi_xml_writer *w = NULL;
	struct tdk_edi_sink sink;
	struct tdk_edi_opts eo;
	struct tdk_output out;
	FILE *f;
	int r;

	*mem = NULL;
	*len = 0;
	if (!(f = open_memstream(mem, len)))
		return TDK_EXIT_INTERNAL;
	if (tdk_output_open(&out, NULL, f) < 0 || !(w = tdk_edi_xml_writer_new_names(&out, d, &sink, &m->dirs))) {
		fclose(f);
		return TDK_EXIT_INTERNAL;
	}
	tdk_edi_opts_init(&eo);
	eo.mode = TDK_EDI_CONVERT;
	r = xml ? tdk_edi_read_xml(in, d, &sink, eo.max_components) : tdk_edi_parse_input(in, &eo, d, &sink, 0, NULL);
	if (!r && tdk_output_commit(&out) < 0)
		r = TDK_EXIT_INTERNAL;
	tdk_edi_xml_writer_free(w);
	fclose(f);
	if (!r && d->errors)
		r = TDK_EXIT_NEGATIVE;
	return r;
}

/* The input's bytes as they go to the stylesheet: converted, or as read. */
static int input_bytes(struct tdk_map *m, struct tdk_doc *doc, char **mem, size_t *len, struct tdk_buf *b)
{
	const struct tdk_sniff *s = &doc->sniff;
	int edi_xml = s->kind == TDK_SNIFF_XML && s->ns && s->ns_len >= strlen(EDI_NS) &&
		      !memcmp(s->ns, EDI_NS, strlen(EDI_NS));
	const struct tdk_manifest_vocab *src = &m->man.source;

	if (s->kind != TDK_SNIFF_EDIFACT && s->kind != TDK_SNIFF_XML)
		return tdk_doc_wrong_format(doc, "map", "UN/EDIFACT or XML");
	if (m->have_man && src->kind == TDK_MANIFEST_XML && (s->kind == TDK_SNIFF_EDIFACT || edi_xml)) {
		tdk_diag_add(&doc->d, TDK_SEV_ERROR, "MAP-SOURCE", NULL, "input is UN/EDIFACT; map '%s' reads XML "
			     "in namespace '%s'", m->man.name, src->ns);
		return TDK_EXIT_NEGATIVE;
	}
	if (m->have_man && src->kind == TDK_MANIFEST_XML &&
	    (!s->ns || s->ns_len != strlen(src->ns) || memcmp(s->ns, src->ns, s->ns_len))) {
		tdk_diag_add(&doc->d, TDK_SEV_ERROR, "MAP-SOURCE", NULL, "input is XML in namespace '%.*s'; map '%s' "
			     "reads namespace '%s'", s->ns ? (int)(s->ns_len > 200 ? 200 : s->ns_len) : 4,
			     s->ns ? s->ns : "none", m->man.name, src->ns);
		return TDK_EXIT_NEGATIVE;
	}
	if (tdk_map_edi_source(m) && s->kind == TDK_SNIFF_XML && !edi_xml) {
		tdk_diag_add(&doc->d, TDK_SEV_ERROR, "MAP-SOURCE", NULL, "input is XML in namespace '%.*s'; map '%s' "
			     "reads UN/EDIFACT (%s) or tdk's EDIFACT XML", s->ns ? (int)(s->ns_len > 200 ? 200 : s->ns_len) : 4,
			     s->ns ? s->ns : "none", m->man.name, src->text);
		return TDK_EXIT_NEGATIVE;
	}
	/* A map of an EDIFACT source reads directory naming; a user stylesheet gets EDIFACT so too. */
	if (s->kind == TDK_SNIFF_EDIFACT || (edi_xml && tdk_map_edi_source(m)))
		return to_directory_xml(m, &doc->in, s->kind == TDK_SNIFF_XML, &doc->d, mem, len);
	if (tdk_input_read_all(&doc->in, INPUT_MAX, b) < 0)
		return tdk_doc_fail(doc, TDK_EXIT_IO, "cannot read '%s': %s", doc->qname, strerror(errno));
	return TDK_EXIT_OK;
}

/* Checks an XML result against the catalog's schema for its namespace. */
static int check_xml(struct tdk_map *m, struct tdk_doc *doc, const char *p, size_t n)
{
	struct tdk_input in;
	int unchecked = 0, r;

	if (m->no_validate || !m->have_xv) {
		doc->partial = "target schema not checked (--no-validate)";
		doc->verdict = "mapped, schema not checked";
		return TDK_EXIT_OK;
	}
	tdk_input_open_mem(&in, doc->d.file, p, n);
	r = tdk_xml_validate(&in, &m->xv.opts, &doc->d, &unchecked);
	if (r == TDK_EXIT_OK && unchecked) {
		doc->partial = "no schema is registered for the target namespace";
		doc->verdict = "mapped, schema not checked";
	}
	return r;
}

/* tdk's EDIFACT XML (p, n) to UN/EDIFACT, checked against its release; *mem, *len the interchange. */
static int to_edifact(struct tdk_map *m, struct tdk_doc *doc, const char *p, size_t n, char **mem, size_t *len)
{
	struct tdk_edi_writer *w = NULL;
	struct tdk_edi_dirval *dv = NULL;
	struct tdk_edi_sink sink;
	struct tdk_edi_opts eo;
	struct tdk_output out;
	struct tdk_input in;
	const char *why = NULL;
	FILE *f;
	int r = TDK_EXIT_INTERNAL;

	*mem = NULL;
	*len = 0;
	if (!(f = open_memstream(mem, len)))
		return TDK_EXIT_INTERNAL;
	if (tdk_output_open(&out, NULL, f) < 0 || !(w = tdk_edi_writer_new(&out, &doc->d, &sink)))
		goto out;
	tdk_input_open_mem(&in, doc->d.file, p, n);
	tdk_edi_opts_init(&eo);
	if ((r = tdk_edi_read_xml(&in, &doc->d, &sink, eo.max_components)) || doc->d.errors)
		goto out;
	if (tdk_output_commit(&out) < 0 || fflush(f)) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	if (!(dv = tdk_edi_dirval_new(&m->dirs, &doc->d))) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	tdk_edi_dirval_sink(dv, &sink);
	eo.mode = TDK_EDI_VALIDATE;
	tdk_input_open_mem(&in, doc->d.file, *mem, *len);
	r = tdk_edi_parse_input(&in, &eo, &doc->d, &sink, 1, NULL);
	if (!r && !doc->d.errors && tdk_edi_dirval_partial(dv, &why)) {
		snprintf(doc->why, sizeof(doc->why), "release not checked: %s", why);
		doc->partial = doc->why;
		doc->verdict = "mapped, release not checked";
	}
out:
	tdk_edi_dirval_free(dv);
	tdk_edi_writer_free(w);
	fclose(f);
	if (!r && doc->d.errors)
		r = TDK_EXIT_NEGATIVE;
	return r;
}

/* The result's file under -O for a named declaration: DIR/NAME.xml, the name made safe. */
static int named_path(struct tdk_map *m, const char *name, struct tdk_buf *b)
{
	size_t i;

	if (tdk_buf_adds(b, m->ro->outdir) < 0 || tdk_buf_addc(b, '/') < 0)
		return -1;
	for (i = 0; name[i] && i < 200; i++) {
		char c = name[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
			 c == '_' || (c == '.' && i);

		if (tdk_buf_addc(b, ok ? c : '_') < 0)
			return -1;
	}
	return tdk_buf_adds(b, ".xml");
}

int tdk_map_emit(struct tdk_map *m, struct tdk_doc *doc, xmlDocPtr out, const char *name)
{
	struct tdk_buf res = TDK_BUF_INIT((size_t)1 << 31), path = TDK_BUF_INIT(8192), label = TDK_BUF_INIT(8192);
	const char *file = doc->d.file, *dest = doc->outpath;
	char *edi = NULL;
	size_t nedi = 0;
	int r;

	if (m->x)
		r = tdk_xslt_serialize(m->x, out, m->limits.max_output, &res, &doc->d);
	else
		r = tdk_xml_dump(out, &res) < 0 ? TDK_EXIT_INTERNAL : TDK_EXIT_OK;
	if (r)
		goto out;
	if (name && m->ro->outdir) {
		if (named_path(m, name, &path) < 0) {
			r = TDK_EXIT_INTERNAL;
			goto out;
		}
		dest = path.data;
	}
	/* The result's faults are said under its own name: its lines are not the input's. */
	if (tdk_buf_addf(&label, "%s (result)", dest ? dest : doc->name) < 0) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	doc->d.file = label.data;
	if (text_result(m))
		r = TDK_EXIT_OK;
	else if (tdk_map_edi_target(m) && !(m->to && !strcmp(m->to, "xml")))
		r = to_edifact(m, doc, res.data ? res.data : "", res.len, &edi, &nedi);
	else
		r = check_xml(m, doc, res.data ? res.data : "", res.len);
	doc->d.file = file;
	if (r == TDK_EXIT_OK) {
		int w = edi ? write_out(doc, dest, edi, nedi) : write_out(doc, dest, res.data ? res.data : "", res.len);

		r = w ? w : r;
	}
out:
	if (r == TDK_EXIT_INTERNAL && !doc->d.errors)
		r = tdk_doc_fail(doc, r, "out of memory");
	free(edi);
	tdk_buf_release(&res);
	tdk_buf_release(&path);
	tdk_buf_release(&label);
	return r;
}

/* Whether the release r (canonical, "D96B") is one of those the map's source names. */
static int release_named(const struct tdk_manifest_vocab *v, const char *r)
{
	char canon[8];
	size_t i;

	for (i = 0; i < v->nreleases; i++)
		if (tdk_dir_release_name(canon, v->releases[i], NULL) == 0 && !strcmp(canon, r))
			return 1;
	return 0;
}

/*
 * Every message of a converted interchange must be one the map reads: its
 * type, and a release the manifest names.  Returns 0, or TDK_EXIT_NEGATIVE
 * (MAP-SOURCE at the message's UNH).
 */
static int check_messages(const struct tdk_map *m, struct tdk_doc *doc, xmlNodePtr n, int depth)
{
	const struct tdk_manifest_vocab *v = &m->man.source;
	int r = TDK_EXIT_OK;

	for (; n && depth < 4; n = n->next) {
		xmlChar *type, *rel;
		struct tdk_diag_loc loc;
		xmlNodePtr unh;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (xmlStrcmp(n->name, (const xmlChar *)"message")) {
			if (check_messages(m, doc, n->children, depth + 1))
				r = TDK_EXIT_NEGATIVE;
			continue;
		}
		type = xmlGetProp(n, (const xmlChar *)"type");
		rel = xmlGetProp(n, (const xmlChar *)"release");
		if (!type || !rel || strcmp((const char *)type, v->message) || !release_named(v, (const char *)rel)) {
			memset(&loc, 0, sizeof(loc));
			for (unh = n->children; unh && unh->type != XML_ELEMENT_NODE; unh = unh->next)
				;
			if (unh) {
				xmlChar *l = xmlGetProp(unh, (const xmlChar *)"line");

				loc.line = l ? strtoul((const char *)l, NULL, 10) : 0;
				loc.col = loc.line ? 1 : 0;
				xmlFree(l);
			}
			if (!type || !rel)
				tdk_diag_add(&doc->d, TDK_SEV_ERROR, "MAP-SOURCE", &loc, "the message cannot be read in "
					     "its directory's names (its release is not installed); map '%s' reads %s",
					     m->man.name, v->text + strlen("edifact "));
			else
				tdk_diag_add(&doc->d, TDK_SEV_ERROR, "MAP-SOURCE", &loc, "the message is %.20s %.10s; "
					     "map '%s' reads %s", (const char *)type, (const char *)rel, m->man.name,
					     v->text + strlen("edifact "));
			r = TDK_EXIT_NEGATIVE;
		}
		xmlFree(type);
		xmlFree(rel);
	}
	return r;
}

int tdk_map_one(void *arg, struct tdk_doc *doc)
{
	struct tdk_map *m = arg;
	struct tdk_wco_xslt_doc ed = { &m->ext, &doc->d, m->ro->strict, 0, 0 };
	struct tdk_buf b = TDK_BUF_INIT(INPUT_MAX);
	struct tdk_xml_limits lim;
	struct tdk_xslt_run run;
	xmlDocPtr in = NULL, out = NULL;
	char *mem = NULL;
	size_t len = 0;
	int r;

	if (doc->in.err)
		return tdk_doc_fail(doc, TDK_EXIT_IO, "cannot read '%s': %s", doc->qname, strerror(doc->in.err));
	if ((r = input_bytes(m, doc, &mem, &len, &b)))
		goto out;
	tdk_xml_limits_init(&lim);
	if (!(in = tdk_xml_parse_ex(mem ? mem : b.data ? b.data : "", mem ? len : b.len, doc->name, "MAP", 0, &lim,
				    &doc->d))) {
		r = doc->d.errors ? TDK_EXIT_NEGATIVE : tdk_doc_fail(doc, TDK_EXIT_INTERNAL, "out of memory");
		goto out;
	}
	if (tdk_map_edi_source(m) && (r = check_messages(m, doc, xmlDocGetRootElement(in), 0)))
		goto out;
	tdk_xslt_run_init(&run);
	run.params = m->pv;
	run.limits = m->limits;
	run.setup = tdk_wco_xslt_setup;
	run.arg = &ed;
	if ((r = tdk_xslt_apply(m->x, in, &run, &doc->d, &out)))
		goto out;
	r = tdk_map_emit(m, doc, out, NULL);
out:
	if (r == TDK_EXIT_OK && doc->d.errors)
		r = TDK_EXIT_NEGATIVE;
	xmlFreeDoc(out);
	xmlFreeDoc(in);
	free(mem);
	tdk_buf_release(&b);
	return r;
}
