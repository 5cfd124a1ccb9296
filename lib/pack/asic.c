/*
 * ASiC-E containers (ETSI EN 319 162-1): verifying their XAdES and CAdES
 * signatures and time-stamp tokens (writing them is write.c).  §4.4.2 (ASiC-E): data objects anywhere outside
 * META-INF/, the mimetype entry first and stored (A.1), META-INF/manifest.xml
 * in the OpenDocument manifest format listing every data object (A.6), and
 * META-INF/...signatures...xml holding asic:XAdESSignatures whose detached
 * references name the data objects by their path (A.5).  CAdES (§4.4.3.2,
 * A.4) and time assertions (§4.4.3.3) sign an ASiCManifest that lists the
 * data objects with their digests; in ASiC-S (§4.3.2) they cover the one
 * data object directly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>
#include <libxml/tree.h>

#include "pack/pack.h"
#include "sign/cms.h"
#include "util/exitcode.h"

#define MANIFEST_NS "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
#define XC (const xmlChar *)
#define ODF_MIME_PREFIX "application/vnd.oasis.opendocument."

static int is_sig_file(const char *name)
{
	const char *b;

	if (strncmp(name, "META-INF/", 9))
		return 0;
	b = name + 9;
	return strstr(b, "signatures") && strlen(b) > 4 && !strcmp(b + strlen(b) - 4, ".xml");
}

/* Checks META-INF/manifest.xml: every file-entry must name an entry of the ZIP. */
static int check_manifest(struct tdk_container *c, long mi, const struct tdk_xml_limits *lim,
			  struct tdk_diag *d)
{
	xmlDocPtr doc;
	xmlNodePtr root, n;
	int r = 0;

	if (tdk_container_load(c, (size_t)mi, d))
		return TDK_EXIT_NEGATIVE;
	doc = tdk_xml_parse((const char *)c->e[mi].data, c->e[mi].len, "META-INF/manifest.xml", "VERIFY",
			    lim, d);
	if (!doc)
		return TDK_EXIT_NEGATIVE;
	root = xmlDocGetRootElement(doc);
	for (n = root ? root->children : NULL; n; n = n->next) {
		xmlChar *fp;

		if (n->type != XML_ELEMENT_NODE || xmlStrcmp(n->name, XC "file-entry"))
			continue;
		fp = xmlGetNsProp(n, XC "full-path", XC MANIFEST_NS);
		if (!fp)
			fp = xmlGetProp(n, XC "full-path");
		/*
		 * A folder's entry (ODF 1.2 part 3 §3.2: full-path ending in '/') may
		 * describe an empty folder, which a ZIP need not hold as an entry.
		 */
		if (fp && xmlStrcmp(fp, XC "/") && (!fp[0] || fp[xmlStrlen(fp) - 1] != '/') &&
		    tdk_container_find(c, (const char *)fp) < 0) {
			tdk_diag_add(d, TDK_SEV_ERROR, "ASIC-MANIFEST-MISSING", NULL, "the manifest lists "
				     "'%s', which the container does not hold", (const char *)fp);
			r = TDK_EXIT_NEGATIVE;
		}
		xmlFree(fp);
	}
	xmlFreeDoc(doc);
	return r;
}

/* Media types of ASiC's relatives that validators read as ASiC: what they are, or NULL. */
static const char *known_variant(const char *mime)
{
	static const struct { const char *mime, *what; } v[] = {
		{ "application/vnd.bdoc-1.0", "BDOC 1.0 (the ASiC-E profile of Estonia)" },
		{ "application/vnd.lt.archyvai.adoc-2008", "ADOC (the Lithuanian archive container)" },
		{ ODF_MIME_PREFIX, "an ODF package (signatures in META-INF)" },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (!strncmp(mime, v[i].mime, strlen(v[i].mime)))
			return v[i].what;
	return NULL;
}

static int is_sig_file(const char *name);

static int has_meta_sigs(const struct tdk_container *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (is_sig_file(c->e[i].name) || (!strncmp(c->e[i].name, "META-INF/", 9) &&
						   strstr(c->e[i].name, ".p7s")))
			return 1;
	return 0;
}

/*
 * One signatures file may hold several ds:Signature (EN 319 162-1 A.5,
 * asic:XAdESSignatures).  Each is verified in a document of its own (the
 * root and that signature), so that IDs are unique per signature, as the
 * signers made them, and no reference reaches into another signature.
 */
static int verify_sigfile(xmlDocPtr doc, struct tdk_sig_data *data, const struct tdk_trust *t,
			  const struct tdk_verify_opts *o, struct tdk_asic_sigfile *sf, struct tdk_diag *d)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), n;
	size_t nsig = 0;
	int code = 0;

	for (n = root ? root->children : NULL; n; n = n->next)
		nsig += n->type == XML_ELEMENT_NODE && n->ns && !xmlStrcmp(n->name, XC "Signature") &&
			!xmlStrcmp(n->ns->href, XC "http://www.w3.org/2000/09/xmldsig#");
	if (nsig < 2 || xmlStrcmp(root->name, XC "XAdESSignatures")) {
		if (tdk_xml_register_ids(doc, "VERIFY", d) < 0)
			return TDK_EXIT_NEGATIVE;
		return tdk_verify_doc(doc, data, t, o, &sf->reps, &sf->nreps, d);
	}
	sf->reps = calloc(nsig, sizeof(*sf->reps));
	if (!sf->reps)
		return TDK_EXIT_INTERNAL;
	for (n = root->children; n; n = n->next) {
		xmlDocPtr one;
		xmlNodePtr r1, s1;
		struct tdk_sig_report *reps = NULL;
		size_t nreps = 0;

		if (n->type != XML_ELEMENT_NODE || !n->ns || xmlStrcmp(n->name, XC "Signature") ||
		    xmlStrcmp(n->ns->href, XC "http://www.w3.org/2000/09/xmldsig#"))
			continue;
		one = xmlNewDoc(XC "1.0");
		r1 = one ? xmlDocCopyNode(root, one, 2) : NULL;
		s1 = r1 ? xmlDocCopyNode(n, one, 1) : NULL;
		if (!s1) {
			xmlFreeNode(r1);
			xmlFreeDoc(one);
			return TDK_EXIT_INTERNAL;
		}
		xmlDocSetRootElement(one, r1);
		xmlAddChild(r1, s1);
		if (tdk_xml_register_ids(one, "VERIFY", d) < 0) {
			code = tdk_exit_worst(code, TDK_EXIT_NEGATIVE);
		} else {
			code = tdk_exit_worst(code, tdk_verify_doc(one, data, t, o, &reps, &nreps, d));
			if (nreps == 1) {
				sf->reps[sf->nreps++] = reps[0];
				free(reps);
				reps = NULL;
				nreps = 0;
			}
		}
		tdk_sig_reports_free(reps, nreps);
		xmlFreeDoc(one);
	}
	return code;
}

/* META-INF/<name><ext> directly in META-INF (not in a sub-folder) whose name ends in ext. */
static int is_meta_file(const char *name, const char *ext)
{
	size_t n = strlen(name), k = strlen(ext);

	return !strncmp(name, "META-INF/", 9) && !strchr(name + 9, '/') && n > 9 + k &&
	       !strcmp(name + n - k, ext);
}

/* An ASiCManifest (EN 319 162-1 A.4) or ASiCArchiveManifest (A.7, level LTA) file name. */
static int is_asic_manifest(const char *name, int *archive)
{
	if (!is_meta_file(name, ".xml"))
		return 0;
	*archive = !strncmp(name + 9, "ASiCArchiveManifest", 19);
	return *archive || !strncmp(name + 9, "ASiCManifest", 12);
}

/* The first element named name in the ASiC namespace at or below n (document order), or NULL. */
static xmlNodePtr asic_find(xmlNodePtr n, const char *name, int depth)
{
	xmlNodePtr c, f;

	for (; n && depth < 64; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (tdk_node_is(n, name, TDK_NS_ASIC))
			return n;
		for (c = n->children; c; c = c->next)
			if ((f = asic_find(c, name, depth + 1)) != NULL)
				return f;
	}
	return NULL;
}

/* The next node after n in document order inside top, or NULL. */
static xmlNodePtr next_elem(xmlNodePtr n, xmlNodePtr top)
{
	if (n->children)
		return n->children;
	while (n && n != top && !n->next)
		n = n->parent;
	return n && n != top ? n->next : NULL;
}

struct asic_manifest {
	long idx;               /* its entry in the container */
	int archive;            /* an ASiCArchiveManifest: level LTA, not checked */
	char *sigref;           /* the SigReference URI, percent-decoded */
	xmlDocPtr doc;
};

/* What the CMS proofs of one container share. */
struct cms_run {
	struct tdk_container *c;
	struct tdk_sig_item *items;
	size_t nitems;
	const struct tdk_trust *t;
	struct tdk_diag *d;
	struct asic_manifest *mans;
	size_t nman;
	int asic_s;
	int *tcover;            /* per data object: a valid time-stamp covers it */
	const struct tdk_xml_limits *xml;  /* limits on reading the manifests */
};

static struct asic_manifest *manifest_for(struct cms_run *x, const char *name, int archive)
{
	size_t k;

	for (k = 0; k < x->nman; k++)
		if (x->mans[k].sigref && x->mans[k].archive == archive && !strcmp(x->mans[k].sigref, name))
			return &x->mans[k];
	return NULL;
}

/*
 * EN 319 162-1 A.4: every asic:DataObjectReference of the manifest names a
 * container entry (percent-encoded URI) with ds:DigestMethod and
 * ds:DigestValue; the entry must be there and its digest match.  Matching
 * data objects are marked in cover.  Fills rp->refs.  Returns 0 or 1.
 */
static int manifest_refs(struct cms_run *x, const struct asic_manifest *m, int *cover,
			 struct tdk_sig_report *rp)
{
	xmlNodePtr root = xmlDocGetRootElement(m->doc), n;
	size_t nref = 0, k;
	int r = 0;

	for (n = root; n; n = next_elem(n, root))
		nref += tdk_node_is(n, "DataObjectReference", TDK_NS_ASIC);
	rp->refs = calloc(nref ? nref : 1, sizeof(*rp->refs));
	if (!rp->refs)
		return TDK_EXIT_INTERNAL;
	if (!nref) {
		tdk_diag_add(x->d, TDK_SEV_ERROR, "ASIC-MANIFEST-MALFORMED", NULL, "'%s' references no data "
			     "object (asic:DataObjectReference)", x->c->e[m->idx].name);
		return TDK_EXIT_NEGATIVE;
	}
	for (n = root; n && rp->nrefs < nref; n = next_elem(n, root)) {
		struct tdk_buf name = TDK_BUF_INIT(1 << 16);
		xmlChar *uri, *alg = NULL;
		xmlNodePtr dm, dv;
		char *want = NULL, have[128];
		const char *file;
		long e;
		int ok = 0;

		if (!tdk_node_is(n, "DataObjectReference", TDK_NS_ASIC))
			continue;
		uri = xmlGetProp(n, XC "URI");
		file = uri && tdk_uri_decode((const char *)uri, &name) == 0 && name.data ? name.data :
		       uri ? (const char *)uri : "";
		dm = tdk_node_child(n, "DigestMethod", TDK_NS_DSIG);
		dv = tdk_node_child(n, "DigestValue", TDK_NS_DSIG);
		alg = dm ? xmlGetProp(dm, XC "Algorithm") : NULL;
		e = tdk_container_find(x->c, file);
		if (!uri || !dv || !alg) {
			tdk_diag_add(x->d, TDK_SEV_ERROR, "ASIC-MANIFEST-MALFORMED", NULL, "'%s': a data object "
				     "reference lacks its URI, ds:DigestMethod or ds:DigestValue",
				     x->c->e[m->idx].name);
		} else if (e < 0) {
			tdk_diag_add(x->d, TDK_SEV_ERROR, "ASIC-MANIFEST-MISSING", NULL, "'%s' references '%s', "
				     "which the container does not hold", x->c->e[m->idx].name, file);
		} else if (tdk_container_load(x->c, (size_t)e, x->d)) {
			/* reported */
		} else if (tdk_digest_b64((const char *)alg, x->c->e[e].data, x->c->e[e].len, have,
					  sizeof(have)) < 0) {
			tdk_diag_add(x->d, TDK_SEV_ERROR, "VERIFY-UNSUPPORTED-ALGORITHM", NULL, "'%s': digest "
				     "algorithm '%s' for '%s' is not supported by this build",
				     x->c->e[m->idx].name, (const char *)alg, file);
		} else if (!(want = tdk_node_b64(dv)) || strcmp(want, have)) {
			tdk_diag_add(x->d, TDK_SEV_ERROR, "VERIFY-DIGEST", NULL, "'%s': the digest of '%s' does "
				     "not match; the file was changed after signing", x->c->e[m->idx].name, file);
		} else {
			ok = 1;
			for (k = 0; k < x->nitems; k++)
				if (!strcmp(x->items[k].uri, file))
					cover[k] = 1;
		}
		if (!ok)
			r = TDK_EXIT_NEGATIVE;
		if (tdk_sig_report_add_file(rp, uri ? (const char *)uri : "", file, ok) < 0)
			r = TDK_EXIT_INTERNAL;
		free(want);
		xmlFree(alg);
		xmlFree(uri);
		tdk_buf_release(&name);
	}
	return r;
}

/*
 * One CMS proof: the CAdES signature (ts = 0) or time-stamp token (ts = 1)
 * at entry i, over the ASiCManifest whose SigReference names it (ASiC-E,
 * EN 319 162-1 §4.4.3.2, §4.4.3.3) or, in ASiC-S, over its one data object
 * (§4.3.2).  Marks what a valid proof covers.  Returns an exit code.
 */
static int verify_cms_proof(struct cms_run *x, size_t i, int ts, struct tdk_asic_sigfile *sf)
{
	struct tdk_zip_entry *e = &x->c->e[i];
	struct asic_manifest *m = manifest_for(x, e->name, 0);
	struct tdk_sig_report *rp;
	int *cover = calloc(x->nitems ? x->nitems : 1, sizeof(*cover)), r;
	size_t k;

	sf->reps = calloc(1, sizeof(*sf->reps));
	if (!cover || !sf->reps) {
		free(cover);
		return TDK_EXIT_INTERNAL;
	}
	sf->nreps = 1;
	rp = sf->reps;
	rp->kind = ts ? TDK_SIG_TIMESTAMP : TDK_SIG_CADES;
	if (m) {
		struct tdk_zip_entry *me = &x->c->e[m->idx];

		r = ts ? tdk_timestamp_verify(e->data, e->len, me->data, me->len, x->t, rp, x->d) :
			 tdk_cades_verify(e->data, e->len, me->data, me->len, x->t, rp, x->d);
		/* The manifest is what was signed: its references are worth reporting even if trust failed. */
		if (rp->whole)
			r = tdk_exit_worst(r, manifest_refs(x, m, cover, rp));
	} else if (x->asic_s && x->nitems == 1) {
		struct tdk_sig_item *it = &x->items[0];

		r = tdk_cms_verify_detached(rp->kind, e->data, e->len, it->uri, it->data, it->len, x->t, rp,
					    x->d);
		cover[0] = 1;
	} else if (x->asic_s) {
		/* No data object, or several: ASIC-NO-DATA or ASIC-S-STRUCTURE says so. */
		r = TDK_EXIT_NEGATIVE;
	} else {
		tdk_diag_add(x->d, TDK_SEV_ERROR, ts ? "ASIC-TIMESTAMP-NO-MANIFEST" : "ASIC-CADES-NO-MANIFEST",
			     NULL, "no META-INF/ASiCManifest...xml names '%s' in its SigReference: in ASiC-E, "
			     "a %s covers the data objects a manifest lists (EN 319 162-1 %s)", e->name,
			     ts ? "time-stamp token" : "CAdES signature", ts ? "4.4.3.3" : "4.4.3.2");
		r = TDK_EXIT_NEGATIVE;
	}
	rp->valid = !r;
	for (k = 0; !r && k < x->nitems; k++)
		if (cover[k]) {
			if (ts)
				x->tcover[k] = 1;
			else
				x->items[k].covered = 1;
		}
	free(cover);
	return r;
}

/* Reads the ASiCManifest files of the container into x->mans.  Returns an exit code. */
static int load_manifests(struct cms_run *x)
{
	struct tdk_container *c = x->c;
	size_t i;
	int code = 0, archive, warned = 0;

	x->mans = calloc(c->n ? c->n : 1, sizeof(*x->mans));
	if (!x->mans)
		return TDK_EXIT_INTERNAL;
	for (i = 0; i < c->n; i++) {
		struct asic_manifest *m;
		xmlNodePtr root, ref;
		xmlChar *uri;
		int r;

		if (!is_asic_manifest(c->e[i].name, &archive))
			continue;
		if ((r = tdk_container_load(c, i, x->d))) {
			code = tdk_exit_worst(code, r);
			continue;
		}
		m = &x->mans[x->nman++];
		m->idx = (long)i;
		m->archive = archive;
		x->d->file = c->e[i].name;
		m->doc = tdk_xml_parse_ex((const char *)c->e[i].data, c->e[i].len, c->e[i].name, "VERIFY", 0,
					  x->xml, x->d);
		x->d->file = c->path;
		root = m->doc ? xmlDocGetRootElement(m->doc) : NULL;
		if (!m->doc) {
			code = tdk_exit_worst(code, TDK_EXIT_NEGATIVE);
			continue;
		}
		if (!tdk_node_is(root, "ASiCManifest", TDK_NS_ASIC) ||
		    !(ref = asic_find(root->children, "SigReference", 0)) || !(uri = xmlGetProp(ref, XC "URI"))) {
			tdk_diag_add(x->d, TDK_SEV_ERROR, "ASIC-MANIFEST-MALFORMED", NULL, "'%s' is not an "
				     "asic:ASiCManifest with an asic:SigReference URI (EN 319 162-1 A.4)",
				     c->e[i].name);
			code = tdk_exit_worst(code, TDK_EXIT_NEGATIVE);
			continue;
		}
		{
			struct tdk_buf b = TDK_BUF_INIT(1 << 16);

			m->sigref = strdup(tdk_uri_decode((const char *)uri, &b) == 0 && b.data ? b.data :
					   (const char *)uri);
			tdk_buf_release(&b);
		}
		xmlFree(uri);
		if (!m->sigref)
			return TDK_EXIT_INTERNAL;
		if (archive && !warned++)
			tdk_diag_add(x->d, TDK_SEV_WARNING, "VERIFY-CADES-UNSIGNED-NOT-CHECKED", NULL, "'%s' and "
				     "the archive time-stamp it names ('%s') not checked: tdk verifies baseline "
				     "B; level LTA is not assessed", c->e[i].name, m->sigref);
	}
	return code;
}

static void manifests_free(struct cms_run *x)
{
	size_t k;

	for (k = 0; k < x->nman; k++) {
		free(x->mans[k].sigref);
		xmlFreeDoc(x->mans[k].doc);
	}
	free(x->mans);
}

/* Loads entry i of c and appends it to data, whose items have room for every entry. */
static int add_item(struct tdk_container *c, size_t i, struct tdk_sig_data *data, struct tdk_diag *d)
{
	struct tdk_sig_item *it = &data->items[data->n];
	int r = tdk_container_load(c, i, d);

	if (r)
		return r;
	it->uri = c->e[i].name;
	it->data = c->e[i].data;
	it->len = c->e[i].len;
	data->n++;
	return 0;
}

/* The container at path, or when mem is not NULL the len bytes there reported under path. */
static int asic_verify(const char *path, const void *mem, size_t len, const struct tdk_zip_limits *lim,
		       const struct tdk_trust *t, const struct tdk_verify_opts *o,
		       struct tdk_asic_report *rep, struct tdk_diag *d)
{
	struct tdk_container c;
	struct tdk_sig_item *items = NULL;
	struct tdk_sig_data data = { NULL, 0 };
	struct tdk_verify_opts vo = *o;
	size_t sig_max = o->max_sig_size ? o->max_sig_size : TDK_VERIFY_SIG_SIZE;
	struct cms_run x;
	size_t i, nsig = 0, nts = 0, ndata;
	long mt, mi;
	int r, code = 0, asic_s = 0, odf = 0;

	memset(rep, 0, sizeof(*rep));
	memset(&x, 0, sizeof(x));
	vo.container = 1;
	r = mem ? tdk_container_open_mem(&c, path, mem, len, lim, 1, d) :
		  tdk_container_open(&c, path, lim, 1, d);
	if (r)
		goto out;
	/* The mimetype: read leniently, as DSS and libdigidocpp do, but say what is off. */
	mt = tdk_container_find(&c, "mimetype");
	if (mt < 0) {
		tdk_diag_add(d, TDK_SEV_WARNING, "ASIC-MIMETYPE", NULL, "no mimetype entry; read as ASiC-E");
	} else {
		char *v;
		const char *p;

		if ((r = tdk_container_load(&c, (size_t)mt, d)))
			goto out;
		v = calloc(1, c.e[mt].len + 1);
		if (!v) {
			r = TDK_EXIT_INTERNAL;
			goto out;
		}
		memcpy(v, c.e[mt].data, c.e[mt].len);
		rep->mimetype = v;
		p = v;
		if (!strncmp(p, "\xEF\xBB\xBF", 3)) {
			tdk_diag_add(d, TDK_SEV_WARNING, "ASIC-MIMETYPE", NULL, "mimetype starts with a byte "
				     "order mark");
			p += 3;
		}
		odf = !strncmp(p, ODF_MIME_PREFIX, strlen(ODF_MIME_PREFIX));
		if (!strncmp(p, TDK_ASIC_S_MIME, strlen(TDK_ASIC_S_MIME))) {
			asic_s = 1;
		} else if (strncmp(p, TDK_ASIC_E_MIME, strlen(TDK_ASIC_E_MIME))) {
			const char *as = known_variant(p);

			/*
			 * DSS and libdigidocpp read other media types as ASiC when the
			 * container holds signatures in META-INF (BDOC 1.0, Lithuanian
			 * ADOC, ODF packages, a wrong mimetype): so does tdk, saying so.
			 */
			if (!as && !has_meta_sigs(&c)) {
				tdk_diag_add(d, TDK_SEV_ERROR, "ASIC-NOT-ASIC", NULL, "mimetype '%.60s' is not an "
					     "ASiC media type, and META-INF holds no signature", p);
				r = TDK_EXIT_NEGATIVE;
				goto out;
			}
			tdk_diag_add(d, TDK_SEV_WARNING, "ASIC-MIMETYPE", NULL, "mimetype '%.60s' is %s; "
				     "read as ASiC-E", p, as ? as : "not an ASiC media type, but META-INF holds "
				     "signatures");
		}
		if (mt != 0 || !c.e[mt].stored)
			tdk_diag_add(d, TDK_SEV_WARNING, "ASIC-MIMETYPE", NULL, "mimetype is %s (EN 319 162-1 "
				     "A.1 wants it first and stored)", mt ? "not the first entry" : "compressed");
	}
	mi = tdk_container_find(&c, "META-INF/manifest.xml");
	if (mi >= 0)
		code = tdk_exit_worst(code, check_manifest(&c, mi, o->xml, d));

	/* The data objects: everything outside META-INF/ except mimetype and folders. */
	items = calloc(c.n ? c.n : 1, sizeof(*items));
	rep->files = calloc(c.n ? c.n : 1, sizeof(*rep->files));
	rep->covered = calloc(c.n ? c.n : 1, sizeof(*rep->covered));
	rep->sigs = calloc(c.n ? c.n : 1, sizeof(*rep->sigs));
	if (!items || !rep->files || !rep->covered || !rep->sigs) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	data.items = items;
	for (i = 0; i < c.n; i++) {
		if (c.e[i].dir || !strcmp(c.e[i].name, "mimetype") || !strncmp(c.e[i].name, "META-INF/", 9))
			continue;
		if ((r = add_item(&c, i, &data, d)))
			goto out;
		rep->files[rep->nfiles] = strdup(c.e[i].name);
		if (!rep->files[rep->nfiles++]) {
			r = TDK_EXIT_INTERNAL;
			goto out;
		}
	}
	/*
	 * An ODF package's document signatures (ODF 1.2 part 3 §5) also sign
	 * mimetype and the META-INF files other than signatures, the manifest
	 * first: references may name them, though only the files outside
	 * META-INF are data objects that must be covered.
	 */
	ndata = data.n;
	for (i = 0; odf && i < c.n; i++) {
		if (c.e[i].dir || is_sig_file(c.e[i].name) ||
		    (strcmp(c.e[i].name, "mimetype") && strncmp(c.e[i].name, "META-INF/", 9)))
			continue;
		if ((r = add_item(&c, i, &data, d)))
			goto out;
	}
	for (i = 0; i < c.n; i++) {
		struct tdk_asic_sigfile *sf;
		xmlDocPtr doc;

		if (!is_sig_file(c.e[i].name))
			continue;
		nsig++;
		/* A signature document has a size limit of its own (its DOM costs ~35 times its size). */
		if (c.e[i].size > sig_max) {
			tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-SIZE-LIMIT", NULL, "'%s' is %llu bytes, more than "
				     "a signature document may be (--max-signature-size %zu)", c.e[i].name,
				     (unsigned long long)c.e[i].size, sig_max);
			r = TDK_EXIT_IO;
			goto out;
		}
		if ((r = tdk_container_load(&c, i, d)))
			goto out;
		sf = &rep->sigs[rep->nsigs++];
		sf->name = strdup(c.e[i].name);
		d->file = c.e[i].name;
		doc = tdk_xml_parse_ex((const char *)c.e[i].data, c.e[i].len, c.e[i].name, "VERIFY", 0, o->xml,
				       d);
		if (!doc) {
			code = tdk_exit_worst(code, TDK_EXIT_NEGATIVE);
			continue;
		}
		code = tdk_exit_worst(code, verify_sigfile(doc, &data, t, &vo, sf, d));
		xmlFreeDoc(doc);
	}
	d->file = path;

	/* CAdES signatures and time-stamp tokens (EN 319 162-1 §4.3.2, §4.4.3.2, §4.4.3.3). */
	x.c = &c;
	x.items = items;
	x.nitems = ndata;
	x.t = t;
	x.d = d;
	x.xml = o->xml;
	x.asic_s = asic_s;
	x.tcover = calloc(data.n ? data.n : 1, sizeof(*x.tcover));
	if (!x.tcover) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	code = tdk_exit_worst(code, load_manifests(&x));
	for (i = 0; i < c.n; i++) {
		int ts = is_meta_file(c.e[i].name, ".tst");
		struct tdk_asic_sigfile *sf;

		if (!ts && !is_meta_file(c.e[i].name, ".p7s"))
			continue;
		/* A time-stamp an ASiCArchiveManifest names is level LTA: not required, not checked. */
		if (ts && manifest_for(&x, c.e[i].name, 1))
			continue;
		if ((r = tdk_container_load(&c, i, d)))
			goto out;
		if (ts)
			nts++;
		else
			nsig++;
		sf = &rep->sigs[rep->nsigs++];
		if (!(sf->name = strdup(c.e[i].name))) {
			r = TDK_EXIT_INTERNAL;
			goto out;
		}
		d->file = c.e[i].name;
		code = tdk_exit_worst(code, verify_cms_proof(&x, i, ts, sf));
		d->file = path;
	}
	if (!nsig && !nts) {
		tdk_diag_add(d, TDK_SEV_ERROR, "ASIC-NO-SIGNATURE", NULL, "the container holds no signature "
			     "(XAdES META-INF/...signatures...xml, CAdES META-INF/...p7s) and no time-stamp "
			     "token (META-INF/...tst)");
		code = tdk_exit_worst(code, TDK_EXIT_NEGATIVE);
	} else if (!nsig) {
		rep->timestamp_only = 1;
		tdk_diag_add(d, TDK_SEV_WARNING, "ASIC-TIMESTAMP-ONLY", NULL, "the container carries a time "
			     "assertion (RFC 3161 time-stamp) and no signature: it shows that the data existed "
			     "at that time, not who signed it");
	}
	for (i = 0; i < ndata; i++) {
		rep->covered[i] = nsig ? items[i].covered : x.tcover[i];
		if (!rep->covered[i] && (nsig || nts)) {
			tdk_diag_add(d, TDK_SEV_ERROR, "ASIC-UNSIGNED-FILE", NULL, "'%s' is not covered by any "
				     "valid %s", items[i].uri, nsig ? "signature" : "time-stamp");
			code = tdk_exit_worst(code, TDK_EXIT_NEGATIVE);
		}
	}
	if (!ndata) {
		tdk_diag_add(d, TDK_SEV_ERROR, "ASIC-NO-DATA", NULL, "the container holds no data object");
		code = tdk_exit_worst(code, TDK_EXIT_NEGATIVE);
	}
	/* EN 319 162-1 4.3.1: an ASiC-S container holds one data object, in its root folder. */
	for (i = 0; asic_s && i < ndata; i++)
		if (strchr(items[i].uri, '/') || ndata > 1) {
			tdk_diag_add(d, TDK_SEV_ERROR, "ASIC-S-STRUCTURE", NULL, "ASiC-S holds '%s': %s",
				     items[i].uri, ndata > 1 ? "more than one data object" :
				     "its data object must be in the root folder");
			code = tdk_exit_worst(code, TDK_EXIT_NEGATIVE);
		}
	r = code;
out:
	d->file = path;
	free(items);
	free(x.tcover);
	manifests_free(&x);
	tdk_container_release(&c);
	return r;
}

int tdk_asic_verify(const char *path, const struct tdk_zip_limits *lim, const struct tdk_trust *t,
		    const struct tdk_verify_opts *o, struct tdk_asic_report *rep, struct tdk_diag *d)
{
	return asic_verify(path, NULL, 0, lim, t, o, rep, d);
}

int tdk_asic_verify_mem(const char *name, const void *data, size_t len, const struct tdk_zip_limits *lim,
			const struct tdk_trust *t, const struct tdk_verify_opts *o,
			struct tdk_asic_report *rep, struct tdk_diag *d)
{
	return asic_verify(name, data, len, lim, t, o, rep, d);
}

void tdk_asic_report_release(struct tdk_asic_report *rep)
{
	size_t i;

	for (i = 0; i < rep->nsigs; i++) {
		free(rep->sigs[i].name);
		tdk_sig_reports_free(rep->sigs[i].reps, rep->sigs[i].nreps);
	}
	for (i = 0; i < rep->nfiles; i++)
		free(rep->files[i]);
	free(rep->sigs);
	free(rep->files);
	free(rep->covered);
	free(rep->mimetype);
	memset(rep, 0, sizeof(*rep));
}
