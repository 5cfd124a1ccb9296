/*
 * The eb:Messaging header read into a struct tdk_ebms_msg and checked
 * against ebMS 3 core section 5.2 (and the AS4 profile where it narrows
 * it): the elements and attributes the specification requires, the
 * Timestamp, the PartInfo references, the Error codes and severities, the
 * contents of a Receipt.  Each fault names the element it is about.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "net/ebms-int.h"

#define EB TDK_EBMS_NS

/* A required child: its element, or an EBMS-MISSING error naming it and its parent. */
static xmlNode *need(const xmlNode *parent, const char *local, struct tdk_diag *d)
{
	struct tdk_diag_loc loc;
	xmlNode *c = ebms_child(parent, EB, local);

	if (!c) {
		ebms_loc(parent, &loc);
		tdk_diag_add(d, TDK_SEV_ERROR, "EBMS-MISSING", &loc, "eb:%s has no eb:%s (ebMS 3 core 5.2)",
			     (const char *)parent->name, local);
	}
	return c;
}

/* Whether a list holding n elements of at (at most max) is full: EBMS-LIMIT, once, when it is. */
static int full(const xmlNode *at, size_t n, int max, struct tdk_diag *d)
{
	struct tdk_diag_loc loc;

	if (n < (size_t)max)
		return 0;
	ebms_loc(at, &loc);
	tdk_diag_add(d, TDK_SEV_ERROR, "EBMS-LIMIT", &loc, "more than %d %s:%s elements", max,
		     at->ns && at->ns->prefix ? (const char *)at->ns->prefix : "eb", (const char *)at->name);
	return 1;
}

/* The text of a required child, or NULL after EBMS-MISSING (also for an empty one). */
static char *need_text(const xmlNode *parent, const char *local, struct tdk_diag *d)
{
	struct tdk_diag_loc loc;
	xmlNode *c = need(parent, local, d);
	char *s = ebms_text(c);

	if (c && s && !*s) {
		ebms_loc(c, &loc);
		tdk_diag_add(d, TDK_SEV_ERROR, "EBMS-MISSING", &loc, "eb:%s is empty (ebMS 3 core 5.2)", local);
	}
	return s;
}

/* Whether the two digits at s make a number from lo to hi. */
static int in_range(const char *s, int lo, int hi)
{
	int v = (s[0] - '0') * 10 + (s[1] - '0');

	return v >= lo && v <= hi;
}

/* Whether s is an xs:dateTime (a UTC one when *utc is set after the call). */
static int is_datetime(const char *s, int *utc)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	size_t i;

	*utc = 0;
	for (i = 0; shape[i]; i++)
		if (!s[i] || (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i]))
			return 0;
	if (!in_range(s + 5, 1, 12) || !in_range(s + 8, 1, 31) || !in_range(s + 11, 0, 24) || !in_range(s + 14, 0, 59) ||
	    !in_range(s + 17, 0, 60))
		return 0;
	if (s[i] == '.') {
		if (!isdigit((unsigned char)s[++i]))
			return 0;
		while (isdigit((unsigned char)s[i]))
			i++;
	}
	if (!strcmp(s + i, "Z")) {
		*utc = 1;
		return 1;
	}
	return !s[i] || ((s[i] == '+' || s[i] == '-') && strlen(s + i) == 6 && isdigit((unsigned char)s[i + 1]) &&
			 isdigit((unsigned char)s[i + 2]) && s[i + 3] == ':');
}

/* eb:MessageInfo: Timestamp and MessageId required, RefToMessageId optional. */
static void message_info(const xmlNode *unit, char **ts, char **id, char **ref, struct tdk_diag *d)
{
	struct tdk_diag_loc loc;
	xmlNode *mi = need(unit, "MessageInfo", d);
	int utc;

	if (!mi)
		return;
	*ts = need_text(mi, "Timestamp", d);
	*id = need_text(mi, "MessageId", d);
	*ref = ebms_text(ebms_child(mi, EB, "RefToMessageId"));
	if (*ts && **ts) {
		ebms_loc(ebms_child(mi, EB, "Timestamp"), &loc);
		if (!is_datetime(*ts, &utc))
			tdk_diag_add(d, TDK_SEV_ERROR, "EBMS-TIMESTAMP", &loc, "eb:Timestamp '%.64s' is not an "
				     "xs:dateTime", *ts);
		else if (!utc)
			tdk_diag_add(d, TDK_SEV_WARNING, "EBMS-TIMESTAMP", &loc, "eb:Timestamp '%.64s' is not in UTC "
				     "(ebMS 3 core 5.2.2.1: a 'Z' time)", *ts);
	}
}

static void party(const xmlNode *info, const char *side, struct tdk_ebms_party *p, struct tdk_diag *d)
{
	xmlNode *n = need(info, side, d), *id;

	if (!n)
		return;
	p->id = need_text(n, "PartyId", d);
	id = ebms_child(n, EB, "PartyId");
	p->type = ebms_attr(id, "type");
	p->role = need_text(n, "Role", d);
}

/* eb:Property elements of parent into props[0..*n); a Property needs a name. */
static void properties(const xmlNode *parent, struct tdk_ebms_prop *props, size_t *n, struct tdk_diag *d)
{
	struct tdk_diag_loc loc;

	for (xmlNode *c = ebms_child(parent, EB, "Property"); c; c = ebms_next(c, EB, "Property")) {
		ebms_loc(c, &loc);
		if (full(c, *n, TDK_EBMS_MAX_PROPS, d))
			return;
		props[*n].name = ebms_attr(c, "name");
		props[*n].type = ebms_attr(c, "type");
		props[*n].value = ebms_text(c);
		if (!props[*n].name)
			tdk_diag_add(d, TDK_SEV_ERROR, "EBMS-MISSING", &loc, "eb:Property has no name attribute");
		(*n)++;
	}
}

static void part_info(const xmlNode *pi, struct tdk_ebms_part *p, struct tdk_diag *d)
{
	struct tdk_diag_loc loc;

	ebms_loc(pi, &loc);
	p->href = ebms_attr(pi, "href");
	if (p->href && p->href[0] != '#' && (strncmp(p->href, "cid:", 4) || !p->href[4]))
		tdk_diag_add(d, TDK_SEV_ERROR, "EBMS-HREF", &loc, "eb:PartInfo href '%.80s' is neither a cid: "
			     "reference to a MIME part nor a '#' reference into the SOAP Body (ebMS 3 core "
			     "5.2.2.13)", p->href);
	properties(ebms_child(pi, EB, "PartProperties"), p->props, &p->nprops, d);
	for (size_t i = 0; i < p->nprops; i++) {
		char **slot = !p->props[i].name ? NULL : !strcmp(p->props[i].name, "MimeType") ? &p->mime_type :
			      !strcmp(p->props[i].name, "CompressionType") ? &p->compression : NULL;

		if (slot && !*slot && p->props[i].value)
			*slot = strdup(p->props[i].value);
	}
}

static void collaboration(const xmlNode *um, struct tdk_ebms_user *u, struct tdk_diag *d)
{
	xmlNode *ci = need(um, "CollaborationInfo", d), *n;

	if (!ci)
		return;
	n = ebms_child(ci, EB, "AgreementRef");
	u->agreement = ebms_text(n);
	u->agreement_type = ebms_attr(n, "type");
	u->agreement_pmode = ebms_attr(n, "pmode");
	n = need(ci, "Service", d);
	u->service = ebms_text(n);
	u->service_type = ebms_attr(n, "type");
	u->action = need_text(ci, "Action", d);
	u->conversation_id = need_text(ci, "ConversationId", d);
}

static void user_message(const xmlNode *um, struct tdk_ebms_user *u, struct tdk_diag *d)
{
	xmlNode *pi = need(um, "PartyInfo", d);

	u->mpc = ebms_attr(um, "mpc");
	message_info(um, &u->timestamp, &u->message_id, &u->ref_to, d);
	if (pi) {
		party(pi, "From", &u->from, d);
		party(pi, "To", &u->to, d);
	}
	collaboration(um, u, d);
	properties(ebms_child(um, EB, "MessageProperties"), u->props, &u->nprops, d);
	pi = ebms_child(um, EB, "PayloadInfo");
	for (xmlNode *p = ebms_child(pi, EB, "PartInfo"); p; p = ebms_next(p, EB, "PartInfo")) {
		if (full(p, u->nparts, TDK_EBMS_MAX_PARTS, d))
			break;
		part_info(p, &u->parts[u->nparts++], d);
	}
}

/* Whether n or an element below it is local in ns. */
static int has_below(const xmlNode *n, const char *ns, const char *local)
{
	for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (ebms_is(c, ns, local) || has_below(c, ns, local))
			return 1;
	return 0;
}

static void receipt(const xmlNode *r, struct tdk_ebms_signal *s, struct tdk_diag *d)
{
	struct tdk_diag_loc loc;
	xmlNode *nri = ebms_child(r, EBBP_NS, "NonRepudiationInformation");

	s->receipt = 1;
	s->nri = nri != NULL;
	ebms_loc(r, &loc);
	if (!nri && !has_below(r, EB, "UserMessage"))
		tdk_diag_add(d, TDK_SEV_ERROR, "EBMS-RECEIPT", &loc, "eb:Receipt holds neither "
			     "ebbp:NonRepudiationInformation nor the received eb:UserMessage (AS4 profile 5.1.8)");
	for (xmlNode *p = ebms_child(nri, EBBP_NS, "MessagePartNRInformation"); p;
	     p = ebms_next(p, EBBP_NS, "MessagePartNRInformation")) {
		xmlNode *ref = ebms_child(p, DSIG_NS, "Reference");
		struct tdk_ebms_ref *x;

		ebms_loc(p, &loc);
		if (!ref) {
			tdk_diag_add(d, TDK_SEV_ERROR, "EBMS-MISSING", &loc, "ebbp:MessagePartNRInformation has "
				     "no ds:Reference");
			continue;
		}
		if (full(p, s->nrefs, TDK_EBMS_MAX_REFS, d))
			break;
		x = &s->refs[s->nrefs++];
		x->uri = ebms_attr(ref, "URI");
		x->digest_method = ebms_attr(ebms_child(ref, DSIG_NS, "DigestMethod"), "Algorithm");
		x->digest_value = ebms_text(ebms_child(ref, DSIG_NS, "DigestValue"));
		if (!x->digest_method || !x->digest_value)
			tdk_diag_add(d, TDK_SEV_ERROR, "EBMS-MISSING", &loc, "the ds:Reference of "
				     "ebbp:MessagePartNRInformation has no %s",
				     !x->digest_method ? "ds:DigestMethod Algorithm" : "ds:DigestValue");
	}
}

static void error_element(const xmlNode *n, struct tdk_ebms_error *e, struct tdk_diag *d)
{
	struct tdk_diag_loc loc;

	ebms_loc(n, &loc);
	e->code = ebms_attr(n, "errorCode");
	e->severity = ebms_attr(n, "severity");
	e->category = ebms_attr(n, "category");
	e->origin = ebms_attr(n, "origin");
	e->ref_in_error = ebms_attr(n, "refToMessageInError");
	e->short_desc = ebms_attr(n, "shortDescription");
	e->detail = ebms_text(ebms_child(n, EB, "ErrorDetail"));
	if (!e->code)
		tdk_diag_add(d, TDK_SEV_ERROR, "EBMS-MISSING", &loc, "eb:Error has no errorCode attribute");
	else if (!tdk_ebms_error_lookup(e->code, NULL, NULL, NULL))
		tdk_diag_add(d, TDK_SEV_ERROR, "EBMS-ERROR-CODE", &loc, "eb:Error errorCode '%.32s' is not a code "
			     "of ebMS 3 core 6.7 or the AS4 profile", e->code);
	if (!e->severity)
		tdk_diag_add(d, TDK_SEV_ERROR, "EBMS-MISSING", &loc, "eb:Error has no severity attribute");
	else if (strcmp(e->severity, "failure") && strcmp(e->severity, "warning"))
		tdk_diag_add(d, TDK_SEV_ERROR, "EBMS-SEVERITY", &loc, "eb:Error severity '%.32s' is neither "
			     "'failure' nor 'warning'", e->severity);
}

static void signal_message(const xmlNode *sm, struct tdk_ebms_signal *s, struct tdk_diag *d)
{
	struct tdk_diag_loc loc;
	xmlNode *r = ebms_child(sm, EB, "Receipt"), *p = ebms_child(sm, EB, "PullRequest");

	message_info(sm, &s->timestamp, &s->message_id, &s->ref_to, d);
	if (r)
		receipt(r, s, d);
	if (p) {
		s->pull = 1;
		s->pull_mpc = ebms_attr(p, "mpc");
	}
	for (xmlNode *e = ebms_child(sm, EB, "Error"); e; e = ebms_next(e, EB, "Error")) {
		if (full(e, s->nerrors, TDK_EBMS_MAX_ERRORS, d))
			break;
		error_element(e, &s->errors[s->nerrors++], d);
	}
	if (!r && !p && !s->nerrors) {
		ebms_loc(sm, &loc);
		tdk_diag_add(d, TDK_SEV_ERROR, "EBMS-SIGNAL", &loc, "eb:SignalMessage holds no eb:Receipt, eb:Error "
			     "or eb:PullRequest (ebMS 3 core 5.2.3)");
	}
}

int ebms_check_messaging(const xmlNode *msg, struct tdk_ebms_msg *m, struct tdk_diag *d)
{
	struct tdk_diag_loc loc;
	xmlNode *um = ebms_child(msg, EB, "UserMessage"), *sm = ebms_child(msg, EB, "SignalMessage");

	ebms_loc(msg, &loc);
	if (!um && !sm)
		tdk_diag_add(d, TDK_SEV_WARNING, "EBMS-EMPTY", &loc, "eb:Messaging holds no eb:UserMessage and no "
			     "eb:SignalMessage");
	if (um) {
		m->has_user = 1;
		user_message(um, &m->user, d);
		if (ebms_next(um, EB, "UserMessage")) {
			ebms_loc(ebms_next(um, EB, "UserMessage"), &loc);
			tdk_diag_add(d, TDK_SEV_ERROR, "EBMS-TWO-USER", &loc, "a second eb:UserMessage in eb:Messaging "
				     "(the AS4 profile allows one; bundling is not supported)");
		}
	}
	if (sm) {
		m->has_signal = 1;
		signal_message(sm, &m->signal, d);
	}
	return 0;
}
