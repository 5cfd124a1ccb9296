/*
 * tdk explain: DMS notifications in words.  A notification of the UK CDS
 * (MetaData with a RES-DMS:2 Response, or the same with its namespaces
 * stripped) reports each fault as an Error with a ValidationCode and the
 * Pointers that name the element at fault by WCO IDs: one Pointer a class
 * (DocumentSectionCode, with SequenceNumeric to select the occurrence), the
 * last with the data element (TagID).  tdk explain names every step of that
 * pointer from the WCO dictionary (lib/wco/dict.h), and with --declaration
 * finds the element in the declaration that was submitted: its line, column
 * and XPath, the right occurrence (the one whose SequenceNumeric child is
 * the pointer's, else the n-th), or the element under which it is missing.
 * Each Error is one diagnostic in the common form under the declaration
 * (under the notification without one), its code the ValidationCode.  A
 * pointer whose steps the schemas do not have in that order is completed
 * from its last steps.  Exit 1 when the notification reports an error or is
 * a rejection (FunctionCode 03), 0 when it reports none, 3 when a file is
 * not an XML notification or the declaration cannot be read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "explain.h"
#include "run.h"
#include "xml/xml.h"

#define DOC_MAX ((size_t)64 << 20)
#define RES_NS "urn:wco:datamodel:WCO:RES-DMS:2"

struct explain_opts {
	const char *declaration;
};

/* What every notification of the run shares, read-only. */
struct explain_run {
	struct tdk_wco_dict dict;
	struct tdk_explain_decl decl;   /* decl.doc NULL without --declaration */
};

/* ---- Reading the notification ---- */

/* The first s[0..k) in p[0..n), or NULL. */
static const char *find(const char *p, size_t n, const char *s, size_t k)
{
	size_t i;

	for (i = 0; k <= n && i <= n - k; i++)
		if (!memcmp(p + i, s, k))
			return p + i;
	return NULL;
}

/* Appends s as a JSON string, or null when s is empty. */
static int json_str(struct tdk_buf *b, const char *s)
{
	if (!*s)
		return tdk_buf_adds(b, "null");
	return tdk_buf_addc(b, '"') < 0 || tdk_json_escape(b, s, strlen(s)) < 0 ? -1 : tdk_buf_addc(b, '"');
}

/*
 * The offset just past the root element of the XML at p[0..n), or 0 when a
 * light scan cannot tell (the parser then says what is wrong): comments,
 * CDATA, processing instructions and quoted attribute values are skipped.
 */
static size_t root_end(const char *p, size_t n)
{
	static const char *const skip[][2] = { { "<!--", "-->" }, { "<![CDATA[", "]]>" }, { "<?", "?>" },
					       { "<!", ">" } };
	size_t i = 0, j, k;
	long depth = 0;
	char q;

	while (i < n) {
		if (p[i] != '<') {
			i++;
			continue;
		}
		for (k = 0; k < 4 && (n - i < strlen(skip[k][0]) || memcmp(p + i, skip[k][0], strlen(skip[k][0]))); k++)
			;
		if (k < 4) {
			const char *e = find(p + i, n - i, skip[k][1], strlen(skip[k][1]));

			if (!e)
				return 0;
			i = (size_t)(e - p) + strlen(skip[k][1]);
			continue;
		}
		for (j = i + 1, q = 0; j < n && (q || p[j] != '>'); j++)
			q = q ? (p[j] == q ? 0 : q) : (p[j] == '"' || p[j] == '\'' ? p[j] : 0);
		if (j >= n)
			return 0;
		if (p[i + 1] == '/')
			depth--;
		else if (p[j - 1] != '/')
			depth++;
		i = j + 1;
		if (depth <= 0)
			return depth == 0 ? i : 0;
	}
	return 0;
}

/*
 * Where the bytes after the root that are not white space, a comment or a
 * processing instruction begin (a logged trailer such as "headers=List(...)"),
 * or n when there are none.
 */
static size_t trailer_at(const char *p, size_t n, size_t end)
{
	const char *e;

	while (end < n) {
		if (p[end] == ' ' || p[end] == '\t' || p[end] == '\r' || p[end] == '\n') {
			end++;
		} else if (n - end >= 4 && !memcmp(p + end, "<!--", 4) && (e = find(p + end, n - end, "-->", 3))) {
			end = (size_t)(e - p) + 3;
		} else if (n - end >= 2 && !memcmp(p + end, "<?", 2) && (e = find(p + end, n - end, "?>", 2))) {
			end = (size_t)(e - p) + 2;
		} else {
			return end;
		}
	}
	return n;
}

static struct tdk_diag_loc loc_of_offset(const char *p, size_t off)
{
	struct tdk_diag_loc loc = { 1, 1, off, { 0 } };
	size_t i;

	for (i = 0; i < off; i++, loc.col++)
		if (p[i] == '\n') {
			loc.line++;
			loc.col = 0;
		}
	return loc;
}

/*
 * Parses the notification in buf[0..len); a trailer after the root is left
 * out with the warning EXPLAIN-TRAILER.  Returns the tree or NULL (reported).
 */
static xmlDocPtr read_notification(struct tdk_doc *doc, const char *buf, size_t *len)
{
	size_t end = root_end(buf, *len), at;
	struct tdk_diag_loc loc;

	if (end && (at = trailer_at(buf, *len, end)) < *len) {
		loc = loc_of_offset(buf, at);
		tdk_diag_add(&doc->d, TDK_SEV_WARNING, "EXPLAIN-TRAILER", &loc,
			     "%zu bytes after the end of the root element are not XML (a logged trailer?): "
			     "read up to the end of the root", *len - at);
		*len = end;
	}
	return tdk_explain_parse(buf, *len, doc->name, &doc->d);
}

/* The Response: the root, or a child of the root (MetaData), with RES-DMS:2 or no namespace. */
static xmlNodePtr find_response(xmlDocPtr x)
{
	xmlNodePtr root = xmlDocGetRootElement(x), n;

	if (!root)
		return NULL;
	n = tdk_explain_local_is(root, "Response") ? root : tdk_explain_child(root, "Response", NULL);
	if (n && n->ns && n->ns->href && strcmp((const char *)n->ns->href, RES_NS))
		return NULL;
	return n;
}

/* ---- One Error ---- */

/*
 * The pointer of an Error: one step per Pointer (its DocumentSectionCode and
 * SequenceNumeric), then its TagID as the last step.  Returns the number of
 * steps; *bad is set when a step is not a WCO ID ([0-9A-Z], at most 15).
 */
static size_t read_pointer(xmlNodePtr err, struct tdk_explain_step *st, char *ptr, size_t size, int *bad)
{
	xmlNodePtr p = NULL, c;
	size_t n = 0, used = 0;
	char text[64];
	int i;

	*bad = 0;
	ptr[0] = '\0';
	while ((p = tdk_explain_child(err, "Pointer", p)) && n < TDK_EXPLAIN_STEPS_MAX - 1) {
		static const char *const parts[] = { "DocumentSectionCode", "TagID" };

		for (i = 0; i < 2 && n < TDK_EXPLAIN_STEPS_MAX; i++) {
			if (!(c = tdk_explain_child(p, parts[i], NULL)))
				continue;
			tdk_explain_text(c, text, sizeof(text));
			memset(&st[n], 0, sizeof(st[n]));
			snprintf(st[n].id, sizeof(st[n].id), "%.15s", text);
			st[n].at = c;
			*bad |= !tdk_explain_is_id(text);
			if (i == 0 && (c = tdk_explain_child(p, "SequenceNumeric", NULL))) {
				tdk_explain_text(c, text, sizeof(text));
				st[n].seq = strtoul(text, NULL, 10);
				st[n].has_seq = st[n].seq > 0 && strspn(text, "0123456789") == strlen(text);
				*bad |= !st[n].has_seq;
			}
			used += (size_t)snprintf(ptr + used, used < size ? size - used : 0, "%s%s", n ? "/" : "", st[n].id);
			n++;
		}
	}
	return n;
}

/* A ValidationCode kept as a diagnostic code: letters, digits, '-' and '_'; else EXPLAIN-ERROR. */
static void error_code(xmlNodePtr err, char *code, size_t size)
{
	xmlNodePtr c = tdk_explain_child(err, "ValidationCode", NULL);

	code[0] = '\0';
	if (c)
		tdk_explain_text(c, code, size);
	if (!*code || strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(code))
		snprintf(code, size, "EXPLAIN-ERROR");
}

/* Explains one Error: one diagnostic, and the notes on how its pointer was read. */
static void explain_error(const struct tdk_wco_dict *dict, const struct tdk_explain_decl *decl, struct tdk_diag *d,
			  const char *name, xmlNodePtr err, const char *buf, size_t len)
{
	struct tdk_explain_step st[TDK_EXPLAIN_STEPS_MAX];
	struct tdk_explain_what w;
	char ptr[TDK_EXPLAIN_STEPS_MAX * 17], code[64], desc[256];
	xmlNodePtr c = tdk_explain_child(err, "Description", NULL);
	size_t n;
	int bad;

	memset(&w, 0, sizeof(w));
	error_code(err, code, sizeof(code));
	desc[0] = '\0';
	if (c)
		tdk_explain_text(c, desc, sizeof(desc));
	n = read_pointer(err, st, ptr, sizeof(ptr), &bad);
	w.notification = name;
	w.note_buf = buf;
	w.note_len = len;
	w.at = err;
	tdk_explain_pointer(dict, decl && decl->doc ? decl : NULL, st, n, bad ? NULL : ptr, &w);
	tdk_explain_report(d, dict, code, desc, ptr, st, n, &w);
}

size_t tdk_explain_errors(const struct tdk_wco_dict *dict, const struct tdk_explain_decl *decl, struct tdk_diag *d,
			  const char *name, xmlNodePtr resp, const char *buf, size_t len)
{
	xmlNodePtr err = NULL;
	size_t n = 0;

	while ((err = tdk_explain_child(resp, "Error", err))) {
		explain_error(dict, decl, d, name, err, buf, len);
		n++;
	}
	return n;
}

/* The text of Response/Declaration/name, or "". */
static void response_decl(xmlNodePtr resp, const char *name, char *out, size_t size)
{
	xmlNodePtr d = tdk_explain_child(resp, "Declaration", NULL), c;

	out[0] = '\0';
	if (d && (c = tdk_explain_child(d, name, NULL)))
		tdk_explain_text(c, out, size);
}

/* The LRN of the notification against the declaration's: a warning when they differ. */
static void check_lrn(const struct explain_run *er, struct tdk_doc *doc, xmlNodePtr resp)
{
	char lrn[128], mine[128];
	const char *saved;
	xmlNodePtr c;
	struct tdk_diag_loc loc;

	response_decl(resp, "FunctionalReferenceID", lrn, sizeof(lrn));
	if (!er->decl.doc || !*lrn || !(c = tdk_explain_child(er->decl.root, "FunctionalReferenceID", NULL)))
		return;
	tdk_explain_text(c, mine, sizeof(mine));
	if (!strcmp(lrn, mine))
		return;
	loc = tdk_explain_pos(&er->decl, c);
	saved = doc->d.file;
	doc->d.file = er->decl.name;
	tdk_diag_add(&doc->d, TDK_SEV_WARNING, "EXPLAIN-LRN", &loc,
		     "the notification is about LRN '%.60s', this declaration's LRN is '%.60s'", lrn, mine);
	doc->d.file = saved;
}

static int explain_doc(void *arg, struct tdk_doc *doc)
{
	const struct explain_run *er = arg;
	struct tdk_buf in = TDK_BUF_INIT(DOC_MAX);
	xmlDocPtr x = NULL;
	xmlNodePtr resp, c;
	char fc[16], id[64];
	size_t len, nerr = 0;
	int r;

	if (tdk_input_read_all(&doc->in, DOC_MAX, &in) < 0) {
		r = tdk_doc_fail(doc, TDK_EXIT_IO, "cannot read '%s': %s", doc->qname,
				 errno == EFBIG ? "longer than 64 MiB" : strerror(errno));
		goto out;
	}
	len = in.len;
	if (!tdk_xml_sniff(in.data ? in.data : "", in.len)) {
		tdk_diag_add(&doc->d, TDK_SEV_ERROR, "EXPLAIN-NOT-XML", NULL, "the notification is not XML");
		r = TDK_EXIT_IO;
		goto out;
	}
	if (!(x = read_notification(doc, in.data, &len))) {
		r = TDK_EXIT_IO;
		goto out;
	}
	if (!(resp = find_response(x))) {
		tdk_diag_add(&doc->d, TDK_SEV_ERROR, "EXPLAIN-NOT-RESPONSE", NULL,
			     "no DMS Response (RES-DMS:2) in the document: it is no notification");
		r = TDK_EXIT_IO;
		goto out;
	}
	fc[0] = '\0';
	if ((c = tdk_explain_child(resp, "FunctionCode", NULL)))
		tdk_explain_text(c, fc, sizeof(fc));
	check_lrn(er, doc, resp);
	nerr = tdk_explain_errors(&er->dict, &er->decl, &doc->d, doc->name, resp, in.data, len);
	response_decl(resp, "ID", id, sizeof(id));
	r = nerr || !strcmp(fc, "03") ? TDK_EXIT_NEGATIVE : TDK_EXIT_OK;
	if (!strcmp(fc, "03"))
		doc->verdict = "rejected";
	if (tdk_buf_adds(&doc->json, ",\"function_code\":") < 0 || json_str(&doc->json, fc) < 0 ||
	    tdk_buf_addf(&doc->json, ",\"errors\":%zu,\"mrn\":", nerr) < 0 || json_str(&doc->json, id) < 0)
		r = tdk_doc_fail(doc, TDK_EXIT_INTERNAL, "out of memory");
out:
	xmlFreeDoc(x);
	tdk_buf_release(&in);
	return r;
}

static const char *const explain_exts[] = { ".xml", NULL };

int cmd_explain(int argc, char **argv, struct tdk_ctx *ctx)
{
	struct explain_opts eo = { 0 };
	struct tdk_run_opts ro;
	const struct tdk_opt opts[] = {
		TDK_OPT_STRING_(0, "declaration", &eo.declaration, "file", NULL,
				"the declaration the notifications answer: find each element they name in it"),
		TDK_RUN_REPORT_OPTIONS(&ro),
		TDK_RUN_INPUT_OPTIONS(&ro),
		TDK_OPT_END_
	};
	const struct tdk_cmd_usage u = { "explain", "[file ...]",
		"Explain DMS notifications: name the element behind every error pointer, and find it in the "
		"declaration." };
	struct explain_run er;
	struct tdk_run run = { "explain", explain_exts, { "no errors", "with errors", "explained in part", "not explained" },
			       explain_doc, &er, NULL, 0, 0, NULL, NULL, { 0 }, "", 0, NULL };
	struct tdk_diag d;
	int nfiles, r;

	memset(&er, 0, sizeof(er));
	tdk_run_opts_init(&ro);
	if ((r = tdk_parse_options(ctx, &u, opts, argc, argv, &nfiles)) >= 0)
		return r;
	if (eo.declaration && !strcmp(eo.declaration, "-") && tdk_run_stdin_users(&ro, argv, nfiles))
		return tdk_error(ctx, "explain", TDK_EXIT_USAGE,
				 "standard input can feed the declaration or the notifications, not both");
	if ((r = tdk_run_begin(&run, ctx, &ro)) >= 0)
		return r;
	tdk_run_diag(&run, &d, "explain");
	if ((run.setup_code = tdk_wco_dict_load(&er.dict, NULL, &d)))
		run.setup_error = "the WCO dictionary cannot be read (see its diagnostics)";
	else if (eo.declaration && (run.setup_code = tdk_explain_decl_load(&er.decl, eo.declaration, &d)))
		run.setup_error = "the declaration cannot be read (see its diagnostics)";
	r = tdk_run_documents(&run, argv, nfiles);
	tdk_explain_decl_release(&er.decl);
	tdk_wco_dict_release(&er.dict);
	return r;
}
