/*
 * ebMS 3 headers built: a UserMessage from tdk's P-Mode settings, a Receipt
 * with non-repudiation information, an Error signal; the error codes of
 * ebMS 3 core section 6.7 and the AS4 profile.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "net/ebms.h"
#include "net/endpoint.h"
#include "util/exitcode.h"

#define ROLE_DEFAULT TDK_EBMS_NS "defaultRole"
#define EBBP "http://docs.oasis-open.org/ebxml-bp/ebbp-signals-2.0"
#define DSIG "http://www.w3.org/2000/09/xmldsig#"

static const struct {
	const char *code, *desc, *severity, *category;
} errors[] = {
	{ "EBMS:0001", "ValueNotRecognized", "failure", "Content" },
	{ "EBMS:0002", "FeatureNotSupported", "warning", "Content" },
	{ "EBMS:0003", "ValueInconsistent", "failure", "Content" },
	{ "EBMS:0004", "Other", "failure", "Content" },
	{ "EBMS:0005", "ConnectionFailure", "failure", "Communication" },
	{ "EBMS:0006", "EmptyMessagePartitionChannel", "warning", "Communication" },
	{ "EBMS:0007", "MimeInconsistency", "failure", "Unpackaging" },
	{ "EBMS:0008", "FeatureNotSupported", "failure", "Unpackaging" },
	{ "EBMS:0009", "InvalidHeader", "failure", "Unpackaging" },
	{ "EBMS:0010", "ProcessingModeMismatch", "failure", "Processing" },
	{ "EBMS:0011", "ExternalPayloadError", "failure", "Content" },
	{ "EBMS:0101", "FailedAuthentication", "failure", "Processing" },
	{ "EBMS:0102", "FailedDecryption", "failure", "Processing" },
	{ "EBMS:0103", "PolicyNoncompliance", "failure", "Processing" },
	{ "EBMS:0201", "DysfunctionalReliability", "failure", "Processing" },
	{ "EBMS:0202", "DeliveryFailure", "failure", "Communication" },
	{ "EBMS:0301", "MissingReceipt", "failure", "Communication" },
	{ "EBMS:0302", "InvalidReceipt", "failure", "Communication" },
	{ "EBMS:0303", "DecompressionFailure", "failure", "Communication" },
};

int tdk_ebms_error_lookup(const char *code, const char **desc, const char **severity, const char **category)
{
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		if (!strcmp(code, errors[i].code)) {
			if (desc)
				*desc = errors[i].desc;
			if (severity)
				*severity = errors[i].severity;
			if (category)
				*category = errors[i].category;
			return 1;
		}
	return 0;
}

int tdk_ebms_message_id(const char *host, char *id, size_t n)
{
	unsigned char r[16];
	int k;

	if (RAND_bytes(r, sizeof(r)) != 1)
		return -1;
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	k = snprintf(id, n, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x@%s", r[0], r[1],
		     r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15], host);
	return k < 0 || (size_t)k >= n ? -1 : 0;
}

/* Appends <eb:NAME attrs>escaped text</eb:NAME>; attrs is "" or starts with a blank. */
static int elem(struct tdk_buf *b, const char *name, const char *attrs, const char *text)
{
	return tdk_buf_addf(b, "<eb:%s%s>", name, attrs) || tdk_xml_escapes(b, text) ||
	       tdk_buf_addf(b, "</eb:%s>", name);
}

static int head(struct tdk_buf *b)
{
	return tdk_buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			    "<S12:Envelope xmlns:S12=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:eb=\""
			    TDK_EBMS_NS "\"><S12:Header><eb:Messaging S12:mustUnderstand=\"true\">");
}

static int tail(struct tdk_buf *b)
{
	return tdk_buf_adds(b, "</eb:Messaging></S12:Header><S12:Body/></S12:Envelope>\n");
}

/* eb:MessageInfo with the UTC time now, id and ref_to (or NULL). */
static int message_info(struct tdk_buf *b, long long now, const char *id, const char *ref_to)
{
	char ts[32];
	time_t t = (time_t)now;
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm))
		return -1;
	return tdk_buf_adds(b, "<eb:MessageInfo>") || elem(b, "Timestamp", "", ts) || elem(b, "MessageId", "", id) ||
	       (ref_to && elem(b, "RefToMessageId", "", ref_to)) || tdk_buf_adds(b, "</eb:MessageInfo>");
}

static int party(struct tdk_buf *b, const char *side, const char *id, const char *role)
{
	return tdk_buf_addf(b, "<eb:%s>", side) || elem(b, "PartyId", "", id) ||
	       elem(b, "Role", "", role ? role : ROLE_DEFAULT) || tdk_buf_addf(b, "</eb:%s>", side);
}

static int payloads(struct tdk_buf *b, const struct tdk_ebms_payload *p, size_t n)
{
	if (!n)
		return 0;
	if (tdk_buf_adds(b, "<eb:PayloadInfo>"))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (tdk_buf_adds(b, "<eb:PartInfo href=\"cid:") || tdk_xml_escapes(b, p[i].content_id) ||
		    tdk_buf_adds(b, "\"><eb:PartProperties>") ||
		    elem(b, "Property", " name=\"MimeType\"", p[i].mime_type ? p[i].mime_type : "application/xml") ||
		    (p[i].compressed && elem(b, "Property", " name=\"CompressionType\"", "application/gzip")) ||
		    tdk_buf_adds(b, "</eb:PartProperties></eb:PartInfo>"))
			return -1;
	}
	return tdk_buf_adds(b, "</eb:PayloadInfo>");
}

int tdk_ebms_build_user(const struct tdk_endpoint *ep, const char *id, long long now,
			const struct tdk_ebms_payload *p, size_t n, struct tdk_buf *out, struct tdk_diag *d)
{
	static const int need[] = { TDK_EK_FROM_PARTY, TDK_EK_TO_PARTY, TDK_EK_SERVICE, TDK_EK_ACTION };
	char *const *v = ep->value;
	int bad = 0;

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!v[need[i]] || !*v[need[i]]) {
			tdk_diag_add(d, TDK_SEV_ERROR, "EBMS-SETTING", NULL, "endpoint '%s' has no %s, which a "
				     "UserMessage needs", ep->name, tdk_endpoint_key_name((enum tdk_endpoint_key)need[i]));
			bad = 1;
		}
	for (size_t i = 0; i < n; i++)
		if (!p[i].content_id || !*p[i].content_id) {
			tdk_diag_add(d, TDK_SEV_ERROR, "EBMS-SETTING", NULL, "payload %zu has no Content-ID", i + 1);
			bad = 1;
		}
	if (bad)
		return TDK_EXIT_USAGE;
	if (head(out) || tdk_buf_adds(out, "<eb:UserMessage") ||
	    (v[TDK_EK_MPC] && (tdk_buf_adds(out, " mpc=\"") || tdk_xml_escapes(out, v[TDK_EK_MPC]) ||
			       tdk_buf_adds(out, "\""))) ||
	    tdk_buf_adds(out, ">") || message_info(out, now, id, NULL) || tdk_buf_adds(out, "<eb:PartyInfo>") ||
	    party(out, "From", v[TDK_EK_FROM_PARTY], v[TDK_EK_FROM_ROLE]) ||
	    party(out, "To", v[TDK_EK_TO_PARTY], v[TDK_EK_TO_ROLE]) ||
	    tdk_buf_adds(out, "</eb:PartyInfo><eb:CollaborationInfo>") ||
	    (v[TDK_EK_AGREEMENT] && elem(out, "AgreementRef", "", v[TDK_EK_AGREEMENT])) ||
	    elem(out, "Service", "", v[TDK_EK_SERVICE]) || elem(out, "Action", "", v[TDK_EK_ACTION]) ||
	    elem(out, "ConversationId", "", id) || tdk_buf_adds(out, "</eb:CollaborationInfo>") ||
	    payloads(out, p, n) || tdk_buf_adds(out, "</eb:UserMessage>") || tail(out))
		return TDK_EXIT_INTERNAL;
	return TDK_EXIT_OK;
}

static int nri_ref(struct tdk_buf *b, const struct tdk_ebms_ref *r)
{
	return tdk_buf_adds(b, "<ebbp:MessagePartNRInformation><ds:Reference URI=\"") ||
	       tdk_xml_escapes(b, r->uri ? r->uri : "") || tdk_buf_adds(b, "\">") ||
	       (r->transforms && tdk_buf_adds(b, r->transforms)) || tdk_buf_adds(b, "<ds:DigestMethod Algorithm=\"") ||
	       tdk_xml_escapes(b, r->digest_method ? r->digest_method : "") ||
	       tdk_buf_adds(b, "\"/><ds:DigestValue>") || tdk_xml_escapes(b, r->digest_value ? r->digest_value : "") ||
	       tdk_buf_adds(b, "</ds:DigestValue></ds:Reference></ebbp:MessagePartNRInformation>");
}

int tdk_ebms_build_receipt(const struct tdk_ebms_msg *m, const struct tdk_ebms_ref *refs, size_t nrefs,
			   const char *id, long long now, struct tdk_buf *out, struct tdk_diag *d)
{
	if (!m->has_user || !m->user.message_id) {
		tdk_diag_add(d, TDK_SEV_ERROR, "EBMS-RECEIPT", NULL, "a Receipt answers a UserMessage with a "
			     "MessageId; the message has none");
		return TDK_EXIT_USAGE;
	}
	if (!nrefs) {
		tdk_diag_add(d, TDK_SEV_ERROR, "EBMS-RECEIPT", NULL, "a non-repudiation Receipt needs the "
			     "ds:References of the received message; there are none");
		return TDK_EXIT_USAGE;
	}
	if (head(out) || tdk_buf_adds(out, "<eb:SignalMessage>") || message_info(out, now, id, m->user.message_id) ||
	    tdk_buf_adds(out, "<eb:Receipt><ebbp:NonRepudiationInformation xmlns:ebbp=\"" EBBP "\" xmlns:ds=\""
			 DSIG "\">"))
		return TDK_EXIT_INTERNAL;
	for (size_t i = 0; i < nrefs; i++)
		if (nri_ref(out, &refs[i]))
			return TDK_EXIT_INTERNAL;
	if (tdk_buf_adds(out, "</ebbp:NonRepudiationInformation></eb:Receipt></eb:SignalMessage>") || tail(out))
		return TDK_EXIT_INTERNAL;
	return TDK_EXIT_OK;
}

int tdk_ebms_build_error(const char *code, const char *ref_to, const char *detail, const char *id,
			 long long now, struct tdk_buf *out, struct tdk_diag *d)
{
	const char *desc, *sev, *cat;

	if (!tdk_ebms_error_lookup(code, &desc, &sev, &cat)) {
		tdk_diag_add(d, TDK_SEV_ERROR, "EBMS-ERROR-CODE", NULL, "'%.32s' is not an error code of ebMS 3 "
			     "core 6.7 or the AS4 profile", code);
		return TDK_EXIT_USAGE;
	}
	if (head(out) || tdk_buf_adds(out, "<eb:SignalMessage>") || message_info(out, now, id, ref_to) ||
	    tdk_buf_addf(out, "<eb:Error errorCode=\"%s\" severity=\"%s\" category=\"%s\" shortDescription=\"%s\"",
			 code, sev, cat, desc) ||
	    (ref_to && (tdk_buf_adds(out, " refToMessageInError=\"") || tdk_xml_escapes(out, ref_to) ||
			tdk_buf_adds(out, "\""))) ||
	    tdk_buf_adds(out, ">") || (detail && elem(out, "ErrorDetail", "", detail)) ||
	    tdk_buf_adds(out, "</eb:Error></eb:SignalMessage>") || tail(out))
		return TDK_EXIT_INTERNAL;
	return TDK_EXIT_OK;
}
