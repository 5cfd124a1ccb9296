/* Unit tests of lib/net/notify (the notification reader) and lib/net/pull's list reader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/notify.h"
#include "net/pull.h"
#include "tap.h"
#include "util/exitcode.h"

#define RES "<MetaData xmlns=\"urn:wco:datamodel:WCO:DocumentMetaData-DMS:2\"><Response " \
	"xmlns=\"urn:wco:datamodel:WCO:RES-DMS:2\"><FunctionCode>%s</FunctionCode>%s<Declaration>" \
	"<FunctionalReferenceID> LRN-1 </FunctionalReferenceID><ID>26GBX1</ID></Declaration></Response></MetaData>"

/* Reads the notification of function code fc with extra before its Declaration; returns what the reader did. */
static int read_one(const char *fc, const char *extra, struct tdk_notify *n, char *why, struct tdk_diag *d)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), RES, fc, extra);
	tdk_diag_init(d, "n.xml");
	return tdk_notify_read(buf, strlen(buf), "n.xml", NULL, n, why, 128, d);
}

static void outcomes(void)
{
	int final;

	ok(!strcmp(tdk_notify_outcome("01", &final), "accepted") && !final, "01 accepted, not final");
	ok(!strcmp(tdk_notify_outcome("09", &final), "cleared") && final, "09 cleared, final");
	ok(!tdk_notify_outcome("99", &final), "99 is no code");
	ok(tdk_notify_rank("received") < tdk_notify_rank("accepted") &&
	   tdk_notify_rank("accepted") < tdk_notify_rank("documents-required") &&
	   tdk_notify_rank("documents-required") < tdk_notify_rank("released") &&
	   tdk_notify_rank("released") < tdk_notify_rank("cleared") &&
	   tdk_notify_rank("cleared") < tdk_notify_rank("goods-exited") &&
	   tdk_notify_rank("goods-exited") < tdk_notify_rank("rejected"), "later steps rank higher");
	ok(tdk_notify_rank("malformed") == 0 && tdk_notify_rank(NULL) == 0, "malformed and nothing rank 0");
}

static void reading(void)
{
	static const char other[] = "<Response xmlns=\"urn:other\"><FunctionCode>01</FunctionCode></Response>";
	struct tdk_notify n;
	struct tdk_diag d;
	char why[128], big[64];

	ok(read_one("03", "<Error><ValidationCode>CDS1</ValidationCode></Error><Error/>", &n, why, &d) == 0 &&
	   !strcmp(n.outcome, "rejected") && n.final && n.errors == 2 && !strcmp(n.lrn, "LRN-1") &&
	   !strcmp(n.mrn, "26GBX1") && n.response, "a rejection: outcome, LRN without blanks, MRN, errors");
	tdk_notify_release(&n);
	ok(read_one("42", "", &n, why, &d) == TDK_EXIT_IO && d.errors == 1 && strstr(why, "'42'"),
	   "an unknown function code: NOTIFY-FUNCTION");
	tdk_notify_release(&n);
	tdk_diag_init(&d, "n.xml");
	ok(tdk_notify_read("<a/>", 4, "n.xml", NULL, &n, why, sizeof(why), &d) == TDK_EXIT_IO &&
	   !strcmp(why, "no DMS Response"), "another root: NOTIFY-ROOT");
	tdk_notify_release(&n);
	ok(tdk_notify_read(other, strlen(other), "n.xml", NULL, &n, why, sizeof(why), &d) == TDK_EXIT_IO,
	   "a Response in another namespace is none");
	tdk_notify_release(&n);
	ok(tdk_notify_read("hello", 5, "n.xml", NULL, &n, why, sizeof(why), &d) == TDK_EXIT_IO &&
	   !strcmp(why, "not XML"), "not XML: NOTIFY-NOT-XML");
	ok(tdk_notify_read("<a><b></a>", 10, "n.xml", NULL, &n, why, sizeof(why), &d) == TDK_EXIT_IO &&
	   !strcmp(why, "not well-formed"), "not well-formed: NOTIFY-INVALID");
	snprintf(big, sizeof(big), "%u", TDK_NOTIFY_BODY_MAX + 1);
	ok(tdk_notify_read("<a/>", TDK_NOTIFY_BODY_MAX + 1u, "n.xml", NULL, &n, why, sizeof(why), &d) == TDK_EXIT_IO &&
	   !strncmp(why, big, strlen(big)), "over the cap: NOTIFY-TOO-LARGE, before a byte is read");
}

static void lists(void)
{
	static const char list[] = "<resource href=\"/notifications/unpulled/\"><link rel=\"self\" href=\"/x/\"/>"
		"<link rel=\"notification\" href=\"/notifications/unpulled/1e00803d-e085\"/>"
		"<link rel=\"notification\" href=\"/notifications/unpulled/a b\"/>"
		"<link rel=\"notification\" href=\"/notifications/pulled/ok-2\"/></resource>";
	struct tdk_pull_ids ids = { 0 };
	struct tdk_diag d;

	tdk_diag_init(&d, "list");
	ok(tdk_pull_ids_parse(list, strlen(list), "list", &ids, &d) == 0 && ids.n == 2 &&
	   !strcmp(ids.v[0], "1e00803d-e085") && !strcmp(ids.v[1], "ok-2") && ids.dropped == 1,
	   "a list: the ids of the notification links, one that is no id dropped");
	ok(tdk_pull_ids_parse("<errorResponse/>", 16, "list", &ids, &d) == TDK_EXIT_IO && d.errors == 1,
	   "another root: PULL-LIST");
	ok(tdk_pull_ids_parse("{}", 2, "list", &ids, &d) == TDK_EXIT_IO && d.errors == 2, "not XML: PULL-LIST");
	tdk_pull_ids_release(&ids);
}

int main(void)
{
	outcomes();
	reading();
	lists();
	return done();
}
