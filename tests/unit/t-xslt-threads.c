/*
 * lib/xml/xslt.c from several threads at once: one compiled stylesheet,
 * applied by 4 threads to documents of their own, each run with its own
 * struct tdk_diag and its own --param.  Every run's result and diagnostics
 * (an xsl:message naming the run, a refused document() at line 6, a
 * recursion stopped by the depth limit) must be the run's own: a message
 * delivered to another thread's diagnostics, or a limit counted across
 * threads, shows as a difference.  Then the single-threaded checks: a
 * stylesheet that is not XSLT, one that does not compile, the node limit.
 * Run it under ThreadSanitizer with `make SANITIZE=thread units`.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "tap.h"
#include "util/exitcode.h"
#include "xml/xslt.h"

#define NTHREADS 4
#define ROUNDS 25

static const char style[] =
	"<xsl:stylesheet version='1.0' xmlns:xsl='http://www.w3.org/1999/XSL/Transform'>\n"
	"<xsl:param name='run'/>\n"
	"<xsl:template match='/'>\n"
	"  <xsl:message>run <xsl:value-of select='$run'/> on <xsl:value-of select='/doc/@n'/></xsl:message>\n"
	"  <xsl:if test='/doc/@kind = \"file\"'>\n"
	"    <xsl:copy-of select=\"document('/etc/hostname')\"/></xsl:if>\n"
	"  <xsl:if test='/doc/@kind = \"loop\"'><xsl:call-template name='again'/></xsl:if>\n"
	"  <out run='{$run}' n='{/doc/@n}'/>\n"
	"</xsl:template>\n"
	"<xsl:template name='again'><xsl:call-template name='again'/></xsl:template>\n"
	"</xsl:stylesheet>\n";

static struct tdk_xslt *x;

struct seen {
	char first[TDK_DIAG_MSG_MAX];
	const char *codes[8];
	unsigned long lines[8];
	size_t n;
};

static void keep(void *arg, const struct tdk_diag_item *it)
{
	struct seen *s = arg;

	if (!s->n)
		snprintf(s->first, sizeof(s->first), "%s", it->msg);
	if (s->n < 8) {
		s->codes[s->n] = it->code;
		s->lines[s->n] = it->loc.line;
	}
	s->n++;
}

/* One run: document n of kind (0 plain, 1 file, 2 loop) under parameter run; 0 when all is as expected. */
static int one(int run, int n, int kind)
{
	static const char *const kinds[] = { "plain", "file", "loop" };
	char doc[96], p[16], want[128];
	const char *params[] = { "run", p, NULL };
	struct tdk_xslt_run r;
	struct tdk_diag d;
	struct seen s;
	xmlDocPtr in, out = NULL;
	xmlChar *got = NULL;
	int size = 0, rc, bad = 0;

	snprintf(doc, sizeof(doc), "<doc n='%d' kind='%s'/>", n, kinds[kind]);
	snprintf(p, sizeof(p), "r%d", run);
	memset(&s, 0, sizeof(s));
	tdk_diag_init(&d, "doc.xml");
	d.emit = keep;
	d.arg = &s;
	in = xmlReadMemory(doc, (int)strlen(doc), "doc.xml", NULL, XML_PARSE_NONET);
	tdk_xslt_run_init(&r);
	r.params = params;
	r.limits.max_depth = 40;
	rc = tdk_xslt_apply(x, in, &r, &d, &out);
	snprintf(want, sizeof(want), "run r%d on %d", run, n);
	bad |= s.n < 1 || strcmp(s.codes[0], "MAP-MESSAGE") || !strstr(s.first, want) || s.lines[0] != 4;
	if (kind == 0) {
		bad |= rc != 0 || !out || s.n != 1;
		if (out) {
			xmlDocDumpMemory(out, &got, &size);
			snprintf(want, sizeof(want), "<out run=\"r%d\" n=\"%d\"/>", run, n);
			bad |= !got || !strstr((const char *)got, want);
		}
	} else if (kind == 1) {
		bad |= rc != TDK_EXIT_NEGATIVE || out || s.n < 2 || strcmp(s.codes[1], "MAP-SECURITY") || s.lines[1] != 6;
	} else {
		bad |= rc != TDK_EXIT_NEGATIVE || out || s.n != 2 || strcmp(s.codes[1], "MAP-LIMIT") || s.lines[1] != 10;
	}
	xmlFree(got);
	xmlFreeDoc(out);
	xmlFreeDoc(in);
	return bad;
}

static void *worker(void *arg)
{
	int t = (int)(long)arg, i, bad = 0;

	for (i = 0; i < ROUNDS; i++)
		bad += one(t, t * 1000 + i, (t + i) % 3);
	return (void *)(long)bad;
}

static int compile(const char *text, struct tdk_xslt **out, const char **code)
{
	struct tdk_diag d;
	struct seen s;
	int r;

	memset(&s, 0, sizeof(s));
	tdk_diag_init(&d, "t.xsl");
	d.emit = keep;
	d.arg = &s;
	r = tdk_xslt_compile_mem(out, text, strlen(text), "t.xsl", NULL, &d);
	*code = s.n ? s.codes[0] : "";
	return r;
}

int main(void)
{
	pthread_t th[NTHREADS];
	struct tdk_xslt *y = NULL;
	const char *code;
	long bad = 0;
	void *ret;
	int i;

	tdk_xslt_init();
	ok(compile(style, &x, &code) == 0 && x, "the stylesheet compiles");
	ok(one(9, 1, 0) == 0, "a run alone: its result, its message");
	ok(one(9, 2, 1) == 0, "a run alone: document() refused at line 6");
	ok(one(9, 3, 2) == 0, "a run alone: the recursion stopped at the depth limit");
	for (i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, worker, (void *)(long)i);
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], &ret);
		bad += (long)ret;
	}
	ok(bad == 0, "%d threads, %d runs each: every run's result and diagnostics its own (%ld wrong)",
	   NTHREADS, ROUNDS, bad);
	tdk_xslt_free(x);

	ok(compile("<html/>", &y, &code) == TDK_EXIT_NEGATIVE && !y && !strcmp(code, "MAP-XSLT"),
	   "not XSLT: MAP-XSLT");
	ok(compile("<x", &y, &code) == TDK_EXIT_NEGATIVE && !y && !strcmp(code, "MAP-XML"), "not XML: MAP-XML");
	ok(compile("<xsl:stylesheet version='1.0' xmlns:xsl='http://www.w3.org/1999/XSL/Transform'>"
		   "<xsl:template match='/'><xsl:value-of select='(('/></xsl:template></xsl:stylesheet>",
		   &y, &code) == TDK_EXIT_NEGATIVE && !y && !strcmp(code, "MAP-XSLT"),
	   "an XPath that does not compile: MAP-XSLT");
	return done();
}
