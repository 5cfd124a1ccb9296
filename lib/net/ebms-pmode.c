/*
 * P-Modes of other AS4 products read into tdk's as4 endpoint settings: a
 * Holodeck B2B P-Mode document (one P-Mode) and a Domibus configuration
 * (one P-Mode for each leg of each process the configured party initiates,
 * and each responder).  What tdk cannot send as the P-Mode says (a pulling
 * or two-way exchange, a Service or AgreementRef type, a PartyId type that
 * is not an ebCore one) refuses that P-Mode, naming the setting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/ebms-int.h"
#include "util/exitcode.h"

#define HB2B_NS "http://holodeck-b2b.org/schemas/2014/10/pmode"
#define DOMIBUS_NS "http://domibus.eu/configuration"
#define MEP_NS TDK_EBMS_NS
#define EBCORE "urn:oasis:names:tc:ebcore:partyid-type:"

static const char *const keys[TDK_PMODE_NKEYS] = { "url", "from-party", "from-role", "to-party", "to-role",
						   "service", "action", "agreement", "mpc" };

const char *tdk_pmode_key(int k)
{
	return k >= 0 && k < TDK_PMODE_NKEYS ? keys[k] : NULL;
}

void tdk_pmodes_init(struct tdk_pmodes *ps)
{
	memset(ps, 0, sizeof(*ps));
}

static void pmode_free(struct tdk_pmode *p)
{
	free(p->name);
	for (int k = 0; k < TDK_PMODE_NKEYS; k++)
		free(p->value[k]);
	memset(p, 0, sizeof(*p));
}

void tdk_pmodes_release(struct tdk_pmodes *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		pmode_free(&ps->p[i]);
	free(ps->p);
	tdk_pmodes_init(ps);
}

/* One P-Mode being read: its settings and the first reason it is refused. */
struct cand {
	struct tdk_pmode p;
	char why[160];
	int oom;
	int ref;                    /* 1: refused for a dangling reference (PMODE-REF) */
};

static void set(struct cand *c, int k, const char *v)
{
	if (!v || !*v || c->p.value[k])
		return;
	if (!(c->p.value[k] = strdup(v)))
		c->oom = 1;
}

/* Refuses c for want of a setting: why names it, what (or NULL) is the value. */
static void refuse(struct cand *c, const char *why, const char *what)
{
	if (!c->why[0] && snprintf(c->why, sizeof(c->why), "%s%s%.100s", why, what ? " " : "", what ? what : "") < 0)
		c->why[0] = '?';
}

/* A party as tdk writes it: an ebCore type and the id joined with ':', else the id alone (no type). */
static void party(struct cand *c, int k, const char *id, const char *type)
{
	char buf[512];

	if (!id || !*id)
		return;
	if (!type || !*type) {
		set(c, k, id);
	} else if (!strncmp(type, EBCORE, strlen(EBCORE))) {
		int n = snprintf(buf, sizeof(buf), "%s:%s", type, id);

		if (n < 0 || (size_t)n >= sizeof(buf))
			refuse(c, "a PartyId longer than 510 bytes:", id);
		else
			set(c, k, buf);
	} else {
		refuse(c, "a PartyId type that is not an ebCore one (tdk writes parties as URIs):", type);
	}
}

static void mep(struct cand *c, const char *mep, const char *binding)
{
	if (mep && strcmp(mep, MEP_NS "oneWay"))
		refuse(c, "the MEP", mep);
	if (binding && strcmp(binding, MEP_NS "push"))
		refuse(c, "the MEP binding", binding);
}

/* Adds c to ps, or reports why it is refused (or missing what).  Returns 0, or -1 out of memory. */
static int finish(struct cand *c, struct tdk_pmodes *ps, const xmlNode *at, struct tdk_diag *d)
{
	static const int need[] = { TDK_PMODE_URL, TDK_PMODE_FROM_PARTY, TDK_PMODE_TO_PARTY, TDK_PMODE_SERVICE,
				    TDK_PMODE_ACTION };
	struct tdk_diag_loc loc;
	struct tdk_pmode *np;
	int ret = 0;

	ebms_loc(at, &loc);
	if (c->oom || !c->p.name) {
		ret = -1;
	} else if (c->why[0]) {
		tdk_diag_add(d, TDK_SEV_ERROR, c->ref ? "PMODE-REF" : "PMODE-UNSUPPORTED", &loc, "P-Mode '%.80s' "
			     "refused: %s%s", c->p.name, c->ref ? "" : "tdk has no setting for ", c->why);
	} else {
		for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
			if (!c->p.value[need[i]]) {
				tdk_diag_add(d, TDK_SEV_ERROR, "PMODE-MISSING", &loc, "P-Mode '%.80s' refused: it gives "
					     "no %s, which tdk needs to send", c->p.name, keys[need[i]]);
				goto out;
			}
		if (ps->n % 16 == 0) {
			np = realloc(ps->p, (ps->n + 16) * sizeof(*np));
			if (!np) {
				ret = -1;
				goto out;
			}
			ps->p = np;
		}
		ps->p[ps->n++] = c->p;
		return 0;
	}
out:
	pmode_free(&c->p);
	return ret;
}

/* ---- Holodeck B2B ---- */

static xmlNode *hpath(const xmlNode *n, const char *a, const char *b, const char *c)
{
	xmlNode *x = ebms_child(n, HB2B_NS, a);

	if (x && b)
		x = ebms_child(x, HB2B_NS, b);
	if (x && c)
		x = ebms_child(x, HB2B_NS, c);
	return x;
}

/* Sets key k from the text of n (freed here). */
static void set_text(struct cand *c, int k, const xmlNode *n)
{
	char *s = ebms_text(n);

	set(c, k, s);
	free(s);
}

static void holodeck_party(struct cand *c, const xmlNode *root, const char *side, int kp, int kr)
{
	xmlNode *pid = hpath(root, side, "PartyId", NULL);
	char *id = ebms_text(pid), *type = ebms_attr(pid, "type");

	party(c, kp, id, type);
	set_text(c, kr, hpath(root, side, "Role", NULL));
	free(id);
	free(type);
}

static int holodeck(const xmlNode *root, struct tdk_pmodes *ps, struct tdk_diag *d)
{
	struct cand c;
	xmlNode *leg = ebms_child(root, HB2B_NS, "Leg"), *bi, *svc;
	char *m = ebms_text(ebms_child(root, HB2B_NS, "mep")), *b = ebms_text(ebms_child(root, HB2B_NS, "mepBinding"));
	char *t;

	memset(&c, 0, sizeof(c));
	c.p.name = ebms_text(ebms_child(root, HB2B_NS, "id"));
	mep(&c, m, b);
	free(m);
	free(b);
	holodeck_party(&c, root, "Initiator", TDK_PMODE_FROM_PARTY, TDK_PMODE_FROM_ROLE);
	holodeck_party(&c, root, "Responder", TDK_PMODE_TO_PARTY, TDK_PMODE_TO_ROLE);
	set_text(&c, TDK_PMODE_AGREEMENT, hpath(root, "Agreement", "name", NULL));
	if ((t = ebms_text(hpath(root, "Agreement", "type", NULL))) && *t)
		refuse(&c, "the AgreementRef type", t);
	free(t);
	set_text(&c, TDK_PMODE_URL, hpath(leg, "Protocol", "Address", NULL));
	bi = hpath(leg, "UserMessageFlow", "BusinessInfo", NULL);
	svc = ebms_child(bi, HB2B_NS, "Service");
	set_text(&c, TDK_PMODE_SERVICE, ebms_child(svc, HB2B_NS, "name"));
	if ((t = ebms_text(ebms_child(svc, HB2B_NS, "type"))) && *t)
		refuse(&c, "the Service type", t);
	free(t);
	set_text(&c, TDK_PMODE_ACTION, ebms_child(bi, HB2B_NS, "Action"));
	set_text(&c, TDK_PMODE_MPC, ebms_child(bi, HB2B_NS, "Mpc"));
	if (!c.p.name && !c.oom) {
		struct tdk_diag_loc loc;

		ebms_loc(root, &loc);
		tdk_diag_add(d, TDK_SEV_ERROR, "PMODE-MISSING", &loc, "the Holodeck B2B P-Mode has no id");
		pmode_free(&c.p);
		return 0;
	}
	return finish(&c, ps, root, d);
}

/* ---- Domibus ---- */

/* The element local below n (at any depth) whose name attribute is name; NULL when none. */
static xmlNode *named(const xmlNode *n, const char *local, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next) {
		xmlNode *r;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!strcmp((const char *)c->name, local)) {
			xmlChar *v = xmlGetProp(c, (const xmlChar *)"name");
			int hit = v && !strcmp((const char *)v, name);

			xmlFree(v);
			if (hit)
				return c;
		}
		if ((r = named(c, local, name)) != NULL)
			return r;
	}
	return NULL;
}

/* The attribute attr of the element local named by the attribute ref of n; owned, or NULL. */
static char *deref(const xmlNode *bp, const xmlNode *n, const char *ref, const char *local, const char *attr,
		   struct cand *c)
{
	char *key = ebms_attr(n, ref), *v = NULL;
	xmlNode *t;

	if (!key || !*key) {
		free(key);
		return NULL;
	}
	t = named(bp, local, key);
	if (!t) {
		if (!c->why[0])
			c->ref = 1;
		refuse(c, ref, key);
		if (c->ref && snprintf(c->why, sizeof(c->why), "its %s names '%.80s', which the configuration does "
				       "not define", ref, key) < 0)
			c->why[0] = '?';
	} else
		v = ebms_attr(t, attr);
	free(key);
	return v;
}

static void domibus_party(struct cand *c, const xmlNode *bp, const char *name, int k)
{
	xmlNode *p = named(bp, "party", name), *id = NULL;
	char *pid, *tref, *type = NULL;

	for (xmlNode *x = p ? p->children : NULL; x && !id; x = x->next)
		if (ebms_is(x, NULL, "identifier"))
			id = x;
	if (!id) {
		refuse(c, "a party without an identifier:", name);
		return;
	}
	pid = ebms_attr(id, "partyId");
	tref = ebms_attr(id, "partyIdType");
	if (tref && named(bp, "partyIdType", tref))
		type = ebms_attr(named(bp, "partyIdType", tref), "value");
	party(c, k, pid, type);
	if (k == TDK_PMODE_TO_PARTY) {
		char *url = ebms_attr(p, "endpoint");

		set(c, TDK_PMODE_URL, url);
		free(url);
	}
	free(pid);
	free(tref);
	free(type);
}

/* Sets k to the attribute attr of what n's attribute ref names (deref). */
static void set_ref(struct cand *c, const xmlNode *bp, const xmlNode *n, const char *ref, const char *local,
		    const char *attr, int k)
{
	char *v = deref(bp, n, ref, local, attr, c);

	set(c, k, v);
	free(v);
}

/* Sets k to the attribute value of what n's attribute ref names, refusing a non-empty type. */
static void domibus_value(struct cand *c, const xmlNode *bp, const xmlNode *n, const char *ref, const char *local,
			  int k, const char *what)
{
	char *v = deref(bp, n, ref, local, "value", c), *t = deref(bp, n, ref, local, "type", c);

	set(c, k, v);
	if (t && *t)
		refuse(c, what, t);
	free(v);
	free(t);
}

/* One P-Mode: process pr, leg (a legConfiguration), from own to responder; names are looked up below bp (the root). */
static int domibus_one(const xmlNode *bp, const xmlNode *pr, const xmlNode *leg, const char *own,
		       const char *resp, struct tdk_pmodes *ps, struct tdk_diag *d)
{
	char *pn = ebms_attr(pr, "name"), *ln = ebms_attr(leg, "name"), *v;
	struct cand c;
	size_t n;

	memset(&c, 0, sizeof(c));
	n = (pn ? strlen(pn) : 0) + (ln ? strlen(ln) : 0) + strlen(resp) + 3;
	if (pn && ln && (c.p.name = malloc(n)) != NULL)
		snprintf(c.p.name, n, "%s-%s-%s", pn, ln, resp);
	free(pn);
	free(ln);
	v = deref(bp, pr, "mep", "mep", "value", &c);
	ln = deref(bp, pr, "binding", "binding", "value", &c);
	mep(&c, v, ln);
	free(v);
	free(ln);
	domibus_party(&c, bp, own, TDK_PMODE_FROM_PARTY);
	domibus_party(&c, bp, resp, TDK_PMODE_TO_PARTY);
	set_ref(&c, bp, pr, "initiatorRole", "role", "value", TDK_PMODE_FROM_ROLE);
	set_ref(&c, bp, pr, "responderRole", "role", "value", TDK_PMODE_TO_ROLE);
	domibus_value(&c, bp, pr, "agreement", "agreement", TDK_PMODE_AGREEMENT, "the AgreementRef type");
	domibus_value(&c, bp, leg, "service", "service", TDK_PMODE_SERVICE, "the Service type");
	set_ref(&c, bp, leg, "action", "action", "value", TDK_PMODE_ACTION);
	set_ref(&c, bp, leg, "defaultMpc", "mpc", "qualifiedName", TDK_PMODE_MPC);
	return finish(&c, ps, leg, d);
}

/* Whether the list element list of pr (initiatorParties) names party. */
static int lists(const xmlNode *pr, const char *list, const char *party)
{
	return named(ebms_child(pr, NULL, list), list[0] == 'i' ? "initiatorParty" : "responderParty", party) != NULL;
}

static int domibus_process(const xmlNode *bp, const xmlNode *pr, const char *own, struct tdk_pmodes *ps,
			   struct tdk_diag *d)
{
	xmlNode *legs = ebms_child(pr, NULL, "legs"), *resp = ebms_child(pr, NULL, "responderParties");

	if (!lists(pr, "initiatorParties", own))
		return 0;
	for (xmlNode *l = legs ? legs->children : NULL; l; l = l->next) {
		char *ln = ebms_attr(l, "name");
		xmlNode *leg = ln && ebms_is(l, NULL, "leg") ? named(bp, "legConfiguration", ln) : NULL;
		struct tdk_diag_loc loc;

		if (ln && ebms_is(l, NULL, "leg") && !leg) {
			ebms_loc(l, &loc);
			tdk_diag_add(d, TDK_SEV_ERROR, "PMODE-REF", &loc, "leg '%.80s' names no legConfiguration", ln);
		}
		free(ln);
		for (xmlNode *r = leg && resp ? resp->children : NULL; r; r = r->next) {
			char *rn = ebms_is(r, NULL, "responderParty") ? ebms_attr(r, "name") : NULL;
			int ret = rn && strcmp(rn, own) ? domibus_one(bp, pr, leg, own, rn, ps, d) : 0;

			free(rn);
			if (ret < 0)
				return -1;
		}
	}
	return 0;
}

static int domibus(const xmlNode *root, struct tdk_pmodes *ps, struct tdk_diag *d)
{
	xmlNode *bp = ebms_child(root, NULL, "businessProcesses");
	char *own = ebms_attr(root, "party");
	struct tdk_diag_loc loc;
	int ret = 0;

	ebms_loc(root, &loc);
	if (!own || !bp) {
		tdk_diag_add(d, TDK_SEV_ERROR, "PMODE-MISSING", &loc, "the Domibus configuration has no %s",
			     own ? "businessProcesses" : "party attribute (the party tdk would be)");
		goto out;
	}
	for (xmlNode *pr = bp->children; pr && ret == 0; pr = pr->next)
		if (ebms_is(pr, NULL, "process"))
			ret = domibus_process(root, pr, own, ps, d);
out:
	free(own);
	return ret;
}

int tdk_pmode_read(const char *buf, size_t len, const char *name, struct tdk_pmodes *ps, struct tdk_diag *d)
{
	unsigned long before = d->errors;
	struct tdk_diag_loc loc;
	xmlDoc *doc = ebms_parse(buf, len, name, "PMODE-XML", d);
	xmlNode *root;
	int ret = TDK_EXIT_NEGATIVE;

	if (!doc)
		return ret;
	root = xmlDocGetRootElement(doc);
	if (ebms_is(root, HB2B_NS, "PMode")) {
		ret = holodeck(root, ps, d);
	} else if (ebms_is(root, DOMIBUS_NS, "configuration")) {
		ret = domibus(root, ps, d);
	} else {
		ebms_loc(root, &loc);
		tdk_diag_add(d, TDK_SEV_ERROR, "PMODE-ROOT", &loc, "the root element '%.80s' is neither a Holodeck B2B "
			     "PMode nor a Domibus configuration", (const char *)root->name);
		ret = 0;
	}
	xmlFreeDoc(doc);
	if (ret < 0)
		return TDK_EXIT_INTERNAL;
	return d->errors > before ? TDK_EXIT_NEGATIVE : TDK_EXIT_OK;
}

int tdk_pmode_print(const struct tdk_pmode *p, struct tdk_buf *out)
{
	if (tdk_buf_addf(out, "[%s]\nprofile = as4\n", p->name))
		return -1;
	for (int k = 0; k < TDK_PMODE_NKEYS; k++)
		if (p->value[k] && tdk_buf_addf(out, "%s = %s\n", keys[k], p->value[k]))
			return -1;
	return 0;
}
