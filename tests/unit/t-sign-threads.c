/*
 * lib/sign from several threads at once: 4 threads sign and verify the same
 * jobs with one shared struct tdk_signer per key and one shared struct
 * tdk_trust, each job with its own struct tdk_diag, and every job's outcome
 * (exit codes, every diagnostic with its file, position, code and message,
 * the report) must be what a single-threaded run gave.  Failing jobs
 * (tampered content, an untrusted key, a wrong ID, malformed XML, detached
 * data changed) are mixed in, so a diagnostic delivered to another thread's
 * sink, or resolver data served to the wrong thread, shows as a difference.
 * Run it under ThreadSanitizer with `make SANITIZE=thread units`.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "sign/sign.h"
#include "tap.h"
#include "util/exitcode.h"

#define NTHREADS 4
#define NJOBS 32
#define ROUNDS 3

static struct tdk_signer good, rogue;
static struct tdk_trust trust;
static time_t now;
static char dir[64], ca_path[96];

/* Writes a new RSA key and a self-signed certificate for it as PEM files base.key and base.pem. */
static int make_key(const char *base)
{
	char path[128];
	EVP_PKEY *k = EVP_RSA_gen(2048);
	X509 *c = X509_new();
	X509_NAME *n;
	X509_EXTENSION *ku = NULL;
	FILE *f;
	int r = -1;

	if (!k || !c)
		goto out;
	X509_set_version(c, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(c), 7);
	X509_gmtime_adj(X509_getm_notBefore(c), -3600);
	X509_gmtime_adj(X509_getm_notAfter(c), 3600L * 24 * 30);
	X509_set_pubkey(c, k);
	n = X509_get_subject_name(c);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)base, -1, -1, 0);
	X509_set_issuer_name(c, n);
	ku = X509V3_EXT_conf_nid(NULL, NULL, NID_key_usage, "critical,digitalSignature,keyCertSign");
	if (!ku || !X509_add_ext(c, ku, -1) || !X509_sign(c, k, EVP_sha256()))
		goto out;
	snprintf(path, sizeof(path), "%s/%s.key", dir, base);
	if (!(f = fopen(path, "w")) || !PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL))
		goto out;
	fclose(f);
	snprintf(path, sizeof(path), "%s/%s.pem", dir, base);
	if (!(f = fopen(path, "w")) || !PEM_write_X509(f, c))
		goto out;
	fclose(f);
	r = 0;
out:
	X509_EXTENSION_free(ku);
	X509_free(c);
	EVP_PKEY_free(k);
	return r;
}

static int load_signer(struct tdk_signer *s, const char *base)
{
	char key[128], cert[128];
	struct tdk_diag d;

	snprintf(key, sizeof(key), "%s/%s.key", dir, base);
	snprintf(cert, sizeof(cert), "%s/%s.pem", dir, base);
	tdk_diag_init(&d, base);
	return tdk_signer_load(s, key, cert, NULL, NULL, now, &d);
}

/* A job's outcome as text: everything a thread mix-up could change. */
struct job {
	struct tdk_buf log;
};

static void on_diag(void *arg, const struct tdk_diag_item *it)
{
	tdk_diag_format_text(arg, it);
}

enum kind { K_PLAIN, K_TAMPERED, K_ROGUE, K_BAD_ID, K_MALFORMED, K_XADES, K_DETACHED, K_DETACHED_CHANGED,
	    K_KINDS };

static void logf_(struct tdk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void logf_(struct tdk_buf *b, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	tdk_buf_add(b, line, strlen(line));
}

/* s with the random part of tdk's signature IDs ("sig-" and 16 hex digits) masked. */
static const char *masked(const char *s, char *buf, size_t size)
{
	char *p;

	snprintf(buf, size, "%s", s);
	for (p = buf; (p = strstr(p, "sig-")) != NULL; p += 4)
		memset(p + 4, 'x', strspn(p + 4, "0123456789abcdef"));
	return buf;
}

static void log_reports(struct tdk_buf *b, const struct tdk_sig_report *reps, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		logf_(b, "report valid=%d whole=%d xades=%d signer=%s time=%s\n", reps[i].valid, reps[i].whole,
		      reps[i].xades, reps[i].signer ? reps[i].signer : "-",
		      reps[i].signing_time ? reps[i].signing_time : "-");
		for (k = 0; k < reps[i].nrefs; k++) {
			char u[128];

			logf_(b, "  ref '%s' %s %d\n", masked(reps[i].refs[k].uri, u, sizeof(u)), reps[i].refs[k].covers,
			      reps[i].refs[k].ok);
		}
	}
}

/* Job i: sign a document of its own (or fail to), then verify what came out. */
static void run_job(int i, struct tdk_buf *log)
{
	enum kind kind = (enum kind)(i % K_KINDS);
	char name[32], doc[256], payload[64];
	struct tdk_sign_opts so = { 0 };
	struct tdk_verify_opts vo = { 0 };
	struct tdk_sig_item item = { "payload.txt", NULL, 0, "text/plain", 0 };
	struct tdk_sig_data data = { &item, 1 };
	struct tdk_sig_report *reps = NULL;
	struct tdk_buf out = TDK_BUF_INIT(1 << 20);
	struct tdk_diag d;
	xmlDocPtr x = NULL, v = NULL;
	size_t nreps = 0;
	unsigned long oom = tdk_sig_oom_count();
	int r;

	snprintf(name, sizeof(name), "job-%d", i);
	tdk_diag_init(&d, name);
	d.emit = on_diag;
	d.arg = log;
	snprintf(doc, sizeof(doc), "<declaration xmlns=\"urn:t\" Id=\"d%d\"><item n=\"%d\">%s</item>%s</declaration>",
		 i, i, kind == K_MALFORMED ? "<open>" : "goods", kind == K_MALFORMED ? "" : "<end/>");
	snprintf(payload, sizeof(payload), "payload of job %d\n", i);
	item.data = (const unsigned char *)payload;
	item.len = strlen(payload);
	so.mode = kind == K_DETACHED || kind == K_DETACHED_CHANGED ? TDK_SIGN_DETACHED : TDK_SIGN_ENVELOPED;
	so.xades = kind == K_XADES;
	so.now = now;
	so.id = kind == K_BAD_ID ? "nowhere" : NULL;
	if (so.mode == TDK_SIGN_DETACHED) {
		r = tdk_sign_detached(&x, &data, 0, &good, &so, &d);
	} else {
		x = tdk_xml_parse(doc, strlen(doc), name, "SIGN", NULL, &d);
		r = x ? tdk_sign_doc(&x, kind == K_ROGUE ? &rogue : &good, &so, &d) : TDK_EXIT_NEGATIVE;
	}
	logf_(log, "sign %d\n", r);
	if (r || tdk_xml_dump(x, &out) < 0)
		goto out;
	if (kind == K_TAMPERED) {
		char *p = strstr(out.data, ">goods<");

		if (p)
			memcpy(p + 1, "gold!", 5);
	}
	if (kind == K_DETACHED_CHANGED)
		payload[0] = 'P';
	tdk_diag_init(&d, name);
	d.emit = on_diag;
	d.arg = log;
	v = tdk_xml_parse(out.data, out.len, name, "VERIFY", NULL, &d);
	r = v ? tdk_verify_doc(v, so.mode == TDK_SIGN_DETACHED ? &data : NULL, &trust, &vo, &reps, &nreps, &d) :
		TDK_EXIT_NEGATIVE;
	logf_(log, "verify %d\n", r);
	log_reports(log, reps, nreps);
out:
	if (tdk_sig_oom_count() != oom)
		logf_(log, "out of memory\n");
	tdk_sig_reports_free(reps, nreps);
	tdk_buf_release(&out);
	xmlFreeDoc(x);
	xmlFreeDoc(v);
}

static struct tdk_buf expected[NJOBS], got[NTHREADS][NJOBS];

static void *worker(void *arg)
{
	int t = (int)(long)arg, round, i;

	/* Each thread runs every job, starting at a different one, so that different jobs overlap. */
	for (round = 0; round < ROUNDS; round++)
		for (i = 0; i < NJOBS; i++) {
			int j = (i + t * 5 + round) % NJOBS;
			struct tdk_buf b = TDK_BUF_INIT(1 << 20);

			run_job(j, &b);
			if (got[t][j].data && got[t][j].len == b.len && !memcmp(got[t][j].data, b.data, b.len)) {
				tdk_buf_release(&b);
				continue;
			}
			/* The first round, or one that differs from it: kept, so that a difference shows. */
			tdk_buf_release(&got[t][j]);
			got[t][j] = b;
		}
	return NULL;
}

int main(void)
{
	const char *cas[1] = { ca_path };
	pthread_t th[NTHREADS];
	struct tdk_diag d;
	int i, t, same, kinds_failing = 0;

	now = time(NULL);
	snprintf(dir, sizeof(dir), "%s/tdk-threads.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir) || tdk_sign_lib_init() || make_key("good") || make_key("rogue")) {
		ok(0, "set up keys in %s", dir);
		return done();
	}
	snprintf(ca_path, sizeof(ca_path), "%s/good.pem", dir);
	trust.ca_files = cas;
	trust.nca = 1;
	tdk_diag_init(&d, "trust");
	ok(load_signer(&good, "good") == 0 && load_signer(&rogue, "rogue") == 0 && tdk_trust_load(&trust, &d) == 0,
	   "one signer per key and one trust, loaded once");

	for (i = 0; i < NJOBS; i++) {
		tdk_buf_init(&expected[i], 1 << 20);
		run_job(i, &expected[i]);
		if (i < K_KINDS && expected[i].data && strstr(expected[i].data, "error:"))
			kinds_failing++;
	}
	ok(kinds_failing == 5, "single thread: 5 of the 8 kinds of job fail with diagnostics (%d)", kinds_failing);
	ok(expected[K_TAMPERED].data && strstr(expected[K_TAMPERED].data, "[VERIFY-DIGEST]"),
	   "a tampered document: VERIFY-DIGEST");
	ok(expected[K_ROGUE].data && strstr(expected[K_ROGUE].data, "[VERIFY-CERT-UNTRUSTED]"),
	   "a key the trust does not know: VERIFY-CERT-UNTRUSTED");
	ok(expected[K_DETACHED_CHANGED].data && strstr(expected[K_DETACHED_CHANGED].data, "[VERIFY-DIGEST]"),
	   "detached data changed: VERIFY-DIGEST");
	ok(expected[K_PLAIN].data && strstr(expected[K_PLAIN].data, "verify 0\nreport valid=1 whole=1"),
	   "a plain document: valid, whole");

	for (t = 0; t < NTHREADS; t++)
		pthread_create(&th[t], NULL, worker, (void *)(long)t);
	for (t = 0; t < NTHREADS; t++)
		pthread_join(th[t], NULL);
	for (t = 0; t < NTHREADS; t++) {
		same = 1;
		for (i = 0; i < NJOBS; i++) {
			const struct tdk_buf *w = &expected[i], *g = &got[t][i];

			if (g->len != w->len || !g->data || memcmp(g->data, w->data, w->len)) {
				same = 0;
				printf("# thread %d job %d differs:\n# want:\n%s# got:\n%s", t, i,
				       w->data ? w->data : "", g->data ? g->data : "");
			}
			tdk_buf_release(&got[t][i]);
		}
		ok(same, "thread %d: %d jobs x %d rounds, each as the single-threaded run", t, NJOBS, ROUNDS);
	}
	for (i = 0; i < NJOBS; i++)
		tdk_buf_release(&expected[i]);
	tdk_signer_release(&good);
	tdk_signer_release(&rogue);
	tdk_trust_release(&trust);
	tdk_sign_lib_shutdown();
	{
		char p[128];

		snprintf(p, sizeof(p), "%s/good.key", dir), unlink(p);
		snprintf(p, sizeof(p), "%s/good.pem", dir), unlink(p);
		snprintf(p, sizeof(p), "%s/rogue.key", dir), unlink(p);
		snprintf(p, sizeof(p), "%s/rogue.pem", dir), unlink(p);
		rmdir(dir);
	}
	return done();
}
