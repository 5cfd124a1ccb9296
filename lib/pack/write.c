/*
 * Writing ASiC-E containers (ETSI EN 319 162-1) strictly: the mimetype
 * entry first and stored (A.1), the data objects, META-INF/manifest.xml
 * (A.6) and, when signed, META-INF/signatures0.xml (A.5).  libzip builds the
 * archive into a tdk_output (util/io.h) through a write source of ours, so
 * a container obeys the same rules as every other output: atomic, a link
 * followed, a device written through, the old file's mode kept, and the
 * temporary removed on SIGINT or SIGTERM.  See pack.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zip.h>
#include <libxml/tree.h>

#include "pack/pack.h"
#include "util/exitcode.h"
#include "util/io.h"

#define ITEM_MAX ((size_t)1 << 31)

/*
 * A name a data object can have: relative, no empty, "." or ".." component,
 * not reserved by EN 319 162-1 (mimetype, META-INF/), and no control
 * character, which a report or a manifest could not carry as it is.
 */
static int valid_item_name(const char *s)
{
	const char *p = s;

	if (!*s || *s == '/' || strchr(s, '\\') || !strncmp(s, "META-INF/", 9) || !strcmp(s, "mimetype"))
		return 0;
	for (; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	for (p = s;;) {
		const char *q = strchr(p, '/');
		size_t n = q ? (size_t)(q - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (!q)
			return 1;
		p = q + 1;
	}
}

const char *tdk_mime_of(const char *name)
{
	static const struct { const char *ext, *mime; } t[] = {
		{ ".xml", "text/xml" }, { ".pdf", "application/pdf" }, { ".txt", "text/plain" },
		{ ".edi", "application/EDIFACT" }, { ".json", "application/json" },
		{ ".png", "image/png" }, { ".jpg", "image/jpeg" }, { ".jpeg", "image/jpeg" },
		{ ".tif", "image/tiff" }, { ".tiff", "image/tiff" }, { ".csv", "text/csv" },
		{ ".zip", "application/zip" },
	};
	size_t i, n = strlen(name);

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t k = strlen(t[i].ext);

		if (n > k && !strcasecmp(name + n - k, t[i].ext))
			return t[i].mime;
	}
	return "application/octet-stream";
}

static int manifest_xml(const struct tdk_pack_item *items, size_t n, struct tdk_buf *out)
{
	size_t i;
	int r = 0;

	r |= tdk_buf_addl(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			  "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:"
			  "manifest:1.0\" manifest:version=\"1.2\">\n"
			  "  <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\""
			  TDK_ASIC_E_MIME "\"/>\n");
	for (i = 0; i < n; i++) {
		r |= tdk_buf_addl(out, "  <manifest:file-entry manifest:full-path=\"");
		r |= tdk_xml_escapes(out, items[i].name);
		r |= tdk_buf_addl(out, "\" manifest:media-type=\"");
		r |= tdk_xml_escapes(out, items[i].mime ? items[i].mime : "application/octet-stream");
		r |= tdk_buf_addl(out, "\"/>\n");
	}
	r |= tdk_buf_addl(out, "</manifest:manifest>\n");
	return r ? -1 : 0;
}

static int add_buffer(zip_t *za, const char *name, const void *p, size_t n, int store)
{
	zip_source_t *src = zip_source_buffer(za, p, n, 0);
	zip_int64_t idx;

	if (!src)
		return -1;
	idx = zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
	if (idx < 0) {
		zip_source_free(src);
		return -1;
	}
	if (store && zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0) < 0)
		return -1;
	return 0;
}

/* libzip's write target: the descriptor of our temporary (or scratch) file. */
struct zsink {
	int fd;
	zip_error_t err;
};

static zip_int64_t sink_fail(struct zsink *z, int ze)
{
	zip_error_set(&z->err, ze, errno);
	return -1;
}

static zip_int64_t sink_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	struct zsink *z = ud;

	switch (cmd) {
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
			ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, ZIP_SOURCE_SEEK, ZIP_SOURCE_TELL,
			ZIP_SOURCE_BEGIN_WRITE,
			ZIP_SOURCE_COMMIT_WRITE, ZIP_SOURCE_ROLLBACK_WRITE, ZIP_SOURCE_WRITE,
			ZIP_SOURCE_SEEK_WRITE, ZIP_SOURCE_TELL_WRITE, ZIP_SOURCE_REMOVE, -1);
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st = ZIP_SOURCE_GET_ARGS(zip_stat_t, data, len, &z->err);

		if (!st)
			return -1;
		/* An empty archive: opened with ZIP_TRUNCATE, nothing is read from it. */
		zip_stat_init(st);
		st->size = 0;
		st->valid |= ZIP_STAT_SIZE;
		return sizeof(*st);
	}
	case ZIP_SOURCE_ERROR:
		return zip_error_to_data(&z->err, data, len);
	case ZIP_SOURCE_BEGIN_WRITE:
		if (ftruncate(z->fd, 0) < 0 || lseek(z->fd, 0, SEEK_SET) < 0)
			return sink_fail(z, ZIP_ER_WRITE);
		return 0;
	case ZIP_SOURCE_WRITE:
		if (tdk_write_all(z->fd, data, (size_t)len) < 0)
			return sink_fail(z, ZIP_ER_WRITE);
		return (zip_int64_t)len;
	case ZIP_SOURCE_SEEK_WRITE: {
		zip_source_args_seek_t *a = ZIP_SOURCE_GET_ARGS(zip_source_args_seek_t, data, len, &z->err);

		if (!a)
			return -1;
		if (lseek(z->fd, a->offset, a->whence) < 0)
			return sink_fail(z, ZIP_ER_SEEK);
		return 0;
	}
	case ZIP_SOURCE_TELL_WRITE: {
		off_t o = lseek(z->fd, 0, SEEK_CUR);

		return o < 0 ? sink_fail(z, ZIP_ER_TELL) : (zip_int64_t)o;
	}
	default:
		/* OPEN, READ, SEEK, TELL (an empty archive), CLOSE, COMMIT, ROLLBACK, REMOVE, FREE. */
		return 0;
	}
}

/*
 * Checks that every input can be read before anything is written, so that a
 * missing file is named as such (PACK-READ on the file, exit 3), and loads
 * into data[i] what libzip cannot read by name: every file when signing
 * (the signature needs the bytes; libzip gets the same ones), a pipe or a
 * device always.  Returns 0 or an exit code.
 */
static int load_inputs(const struct tdk_pack_item *items, size_t n, int all, struct tdk_buf *data,
		       struct tdk_diag *d)
{
	struct tdk_buf q = TDK_BUF_INIT(4096);
	const char *file = d->file;
	size_t i;
	int r = 0;

	for (i = 0; i < n && !r; i++) {
		struct stat st;
		int e = 0;

		tdk_buf_init(&data[i], ITEM_MAX);
		if (stat(items[i].path, &st) < 0 || (S_ISREG(st.st_mode) && access(items[i].path, R_OK) < 0))
			e = errno;
		else if (S_ISDIR(st.st_mode))
			e = EISDIR;
		else if ((all || !S_ISREG(st.st_mode)) && tdk_read_all(items[i].path, ITEM_MAX, &data[i]) < 0)
			e = errno;
		if (!e)
			continue;
		d->file = items[i].path;
		tdk_diag_add(d, TDK_SEV_ERROR, "PACK-READ", NULL, "cannot read '%s': %s",
			     tdk_name(&q, items[i].path), e == EFBIG ? "longer than 2 GiB" : strerror(e));
		d->file = file;
		r = e == ENOMEM ? TDK_EXIT_INTERNAL : TDK_EXIT_IO;
	}
	tdk_buf_release(&q);
	return r;
}

/* Signs the loaded data objects: the signature document, dumped into sigbuf. */
static int sign_items(const struct tdk_pack_item *items, size_t n, const struct tdk_buf *data,
		      const struct tdk_signer *s, const struct tdk_sign_opts *so, struct tdk_buf *sigbuf,
		      struct tdk_diag *d)
{
	struct tdk_sig_item *sitems = calloc(n ? n : 1, sizeof(*sitems));
	struct tdk_sig_data sd = { sitems, n };
	xmlDocPtr sigdoc = NULL;
	size_t i;
	int r = TDK_EXIT_INTERNAL;

	if (!sitems)
		return r;
	for (i = 0; i < n; i++) {
		sitems[i].uri = items[i].name;
		sitems[i].data = (const unsigned char *)data[i].data;
		sitems[i].len = data[i].len;
		sitems[i].mime = items[i].mime;
	}
	r = tdk_sign_detached(&sigdoc, &sd, 1, s, so, d);
	if (!r && tdk_xml_dump(sigdoc, sigbuf) < 0)
		r = TDK_EXIT_INTERNAL;
	xmlFreeDoc(sigdoc);
	free(sitems);
	return r;
}

/* Builds the archive into the file fd.  Returns 0 or an exit code, reported. */
static int build_zip(int fd, const char *out, const struct tdk_pack_item *items, size_t n,
		     const struct tdk_buf *data, const struct tdk_buf *man, const struct tdk_buf *sig,
		     struct tdk_diag *d)
{
	struct zsink z = { fd, { 0, 0, NULL } };
	zip_source_t *sink;
	zip_error_t ze;
	zip_t *za = NULL;
	size_t i;

	zip_error_init(&z.err);
	zip_error_init(&ze);
	sink = zip_source_function_create(sink_cb, &z, &ze);
	if (sink && !(za = zip_open_from_source(sink, ZIP_CREATE | ZIP_TRUNCATE, &ze)))
		zip_source_free(sink);
	if (!za) {
		tdk_diag_add(d, TDK_SEV_ERROR, "PACK-WRITE", NULL, "cannot create '%s': %s", out,
			     zip_error_strerror(&ze));
		zip_error_fini(&ze);
		zip_error_fini(&z.err);
		return TDK_EXIT_IO;
	}
	zip_error_fini(&ze);
	/* EN 319 162-1 A.1: "mimetype" first, stored, so the type sits at offset 38. */
	if (add_buffer(za, "mimetype", TDK_ASIC_E_MIME, sizeof(TDK_ASIC_E_MIME) - 1, 1) < 0)
		goto fail;
	for (i = 0; i < n; i++) {
		zip_source_t *src = data[i].data ? zip_source_buffer(za, data[i].data, data[i].len, 0) :
				    zip_source_file(za, items[i].path, 0, -1);

		if (!src)
			goto fail;
		if (zip_file_add(za, items[i].name, src, ZIP_FL_ENC_UTF_8) < 0) {
			zip_source_free(src);
			goto fail;
		}
	}
	if (add_buffer(za, "META-INF/manifest.xml", man->data, man->len, 0) < 0)
		goto fail;
	if (sig->data && add_buffer(za, "META-INF/signatures0.xml", sig->data, sig->len, 0) < 0)
		goto fail;
	if (zip_close(za) < 0)
		goto fail;
	zip_error_fini(&z.err);
	return 0;
fail:
	tdk_diag_add(d, TDK_SEV_ERROR, "PACK-WRITE", NULL, "cannot write '%s': %s", out, zip_strerror(za));
	zip_discard(za);
	zip_error_fini(&z.err);
	return TDK_EXIT_IO;
}

/*
 * Every name must be valid and name one input only: two inputs under one
 * name would leave one of them out of the container.  Reports every fault.
 * Returns 0 or TDK_EXIT_USAGE.
 */
static int check_names(const struct tdk_pack_item *items, size_t n, struct tdk_diag *d)
{
	struct tdk_buf q = TDK_BUF_INIT(4096), q1 = TDK_BUF_INIT(4096), q2 = TDK_BUF_INIT(4096);
	size_t i, k;
	int r = 0;

	for (i = 0; i < n; i++) {
		if (!valid_item_name(items[i].name)) {
			tdk_diag_add(d, TDK_SEV_ERROR, "PACK-NAME", NULL, "'%s' cannot be a name in the "
				     "container: absolute, '.' or '..' components, a control character, or "
				     "reserved (mimetype, META-INF/)", tdk_name(&q, items[i].name));
			r = TDK_EXIT_USAGE;
			continue;
		}
		for (k = 0; k < i; k++)
			if (!strcmp(items[k].name, items[i].name))
				break;
		if (k == i)
			continue;
		tdk_diag_add(d, TDK_SEV_ERROR, "PACK-DUPLICATE", NULL, "'%s' is the name of both '%s' and "
			     "'%s' (give one another name with name=path)", tdk_name(&q, items[i].name),
			     tdk_name(&q1, items[k].path), tdk_name(&q2, items[i].path));
		r = TDK_EXIT_USAGE;
	}
	tdk_buf_release(&q);
	tdk_buf_release(&q1);
	tdk_buf_release(&q2);
	return r;
}

/* Copies the scratch file fd (from its start) into out: for targets that cannot seek. */
static int copy_scratch(int fd, struct tdk_output *out)
{
	struct tdk_input in;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	memset(&in, 0, sizeof(in));
	in.fd = fd;
	in.name = "scratch";
	return tdk_copy(&in, out);
}

int tdk_asic_write(const char *out, const struct tdk_pack_item *items, size_t n,
		   const struct tdk_signer *s, const struct tdk_sign_opts *so, struct tdk_diag *d)
{
	struct tdk_buf man = TDK_BUF_INIT(64 << 20), sigbuf = TDK_BUF_INIT(64 << 20);
	struct tdk_buf *data = NULL;
	struct tdk_output w;
	FILE *scratch = NULL;
	size_t i;
	int r, opened = 0;

	if ((r = check_names(items, n, d)))
		return r;
	r = TDK_EXIT_INTERNAL;
	data = calloc(n ? n : 1, sizeof(*data));
	if (!data || manifest_xml(items, n, &man) < 0)
		goto out;
	if ((r = load_inputs(items, n, s != NULL, data, d)))
		goto out;
	if (s && (r = sign_items(items, n, data, s, so, &sigbuf, d)))
		goto out;
	if (tdk_output_open(&w, out, NULL) < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "PACK-WRITE", NULL, "cannot create '%s': %s", out,
			     strerror(w.err));
		r = TDK_EXIT_IO;
		goto out;
	}
	opened = 1;
	/* A ZIP is patched in place as it is written: a device or a FIFO gets it from a scratch file. */
	if (w.direct && !(scratch = tmpfile())) {
		tdk_diag_add(d, TDK_SEV_ERROR, "PACK-WRITE", NULL, "cannot create a scratch file for '%s': %s",
			     out, strerror(errno));
		r = TDK_EXIT_IO;
		goto out;
	}
	if (fflush(w.fp) != 0) {
		r = TDK_EXIT_IO;
		goto out;
	}
	r = build_zip(fileno(scratch ? scratch : w.fp), out, items, n, data, &man, &sigbuf, d);
	if (r)
		goto out;
	if (!scratch || copy_scratch(fileno(scratch), &w) == 0) {
		/* Committed or not, the output is closed now. */
		opened = 0;
		if (tdk_output_commit(&w) < 0)
			r = TDK_EXIT_IO;
	} else {
		r = TDK_EXIT_IO;
	}
	if (r)
		tdk_diag_add(d, TDK_SEV_ERROR, "PACK-WRITE", NULL, "cannot write '%s': %s", out,
			     strerror(w.err ? w.err : errno ? errno : EIO));
out:
	if (opened)
		tdk_output_abort(&w);
	if (scratch)
		fclose(scratch);
	for (i = 0; data && i < n; i++)
		tdk_buf_release(&data[i]);
	free(data);
	tdk_buf_release(&man);
	tdk_buf_release(&sigbuf);
	return r;
}
