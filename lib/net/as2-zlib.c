/*
 * RFC 3274 compressed-data with zlib (RFC 5402 for AS2).  OpenSSL builds
 * without zlib cannot make or open it (CMS_compress refuses), so the
 * ContentInfo is written here in DER and read back through OpenSSL's
 * parser, the payload inflated by zlib within TDK_AS2_MAX_BODY.
 */
#include <string.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#define ZLIB_CONST
#include <zlib.h>

#include "net/as2-int.h"
#include "util/exitcode.h"

/* id-ct-compressedData, id-alg-zlibCompress, id-data. */
static const unsigned char oid_cd[] = { 0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x01, 0x09 };
static const unsigned char oid_zlib[] = { 0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x03, 0x08 };
static const unsigned char oid_data[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01 };

/* Bytes of a DER header for content of n bytes. */
static size_t hlen(size_t n)
{
	size_t k = 2;

	if (n >= 0x80)
		for (; n; n >>= 8)
			k++;
	return k;
}

static int hdr(struct tdk_buf *b, int tag, size_t n)
{
	unsigned char h[10];
	size_t k = hlen(n), i;

	h[0] = (unsigned char)tag;
	if (k == 2)
		h[1] = (unsigned char)n;
	else {
		h[1] = (unsigned char)(0x80 | (k - 2));
		for (i = k - 1; i >= 2; i--, n >>= 8)
			h[i] = (unsigned char)(n & 0xff);
	}
	return tdk_buf_add(b, h, k);
}

int as2_compress(struct as2_slice in, struct tdk_buf *der)
{
	uLongf zn = compressBound((uLong)in.n);
	struct tdk_buf z = TDK_BUF_INIT((size_t)zn + 1);
	size_t o, ec, eci_c, eci, cd_c, cd, ci_c;
	int r = -1;

	if (tdk_buf_grow(&z, zn) || compress2((Bytef *)z.data, &zn, in.p, (uLong)in.n, Z_DEFAULT_COMPRESSION) != Z_OK)
		goto out;
	o = hlen(zn) + zn;
	ec = hlen(o) + o;
	eci_c = sizeof(oid_data) + ec;
	eci = hlen(eci_c) + eci_c;
	cd_c = 3 + hlen(sizeof(oid_zlib)) + sizeof(oid_zlib) + eci;
	cd = hlen(cd_c) + cd_c;
	ci_c = sizeof(oid_cd) + hlen(cd) + cd;
	if (hdr(der, 0x30, ci_c) || tdk_buf_add(der, oid_cd, sizeof(oid_cd)) || hdr(der, 0xa0, cd) ||
	    hdr(der, 0x30, cd_c) || tdk_buf_add(der, "\x02\x01\x00", 3) || hdr(der, 0x30, sizeof(oid_zlib)) ||
	    tdk_buf_add(der, oid_zlib, sizeof(oid_zlib)) || hdr(der, 0x30, eci_c) ||
	    tdk_buf_add(der, oid_data, sizeof(oid_data)) || hdr(der, 0xa0, o) || hdr(der, 0x04, zn) ||
	    tdk_buf_add(der, z.data, zn))
		goto out;
	r = 0;
out:
	tdk_buf_release(&z);
	return r;
}

int as2_uncompress(CMS_ContentInfo *cms, struct tdk_buf *out, struct tdk_diag *d)
{
	ASN1_OCTET_STRING **pos = CMS_get0_content(cms);
	unsigned char chunk[16384];
	z_stream zs;
	int zr = Z_OK, rc = TDK_EXIT_IO;

	memset(&zs, 0, sizeof(zs));
	if (!pos || !*pos) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-DECOMPRESS", NULL, "the compressed-data has no content");
		return TDK_EXIT_IO;
	}
	if (inflateInit(&zs) != Z_OK)
		return TDK_EXIT_INTERNAL;
	zs.next_in = ASN1_STRING_get0_data(*pos);
	zs.avail_in = (uInt)ASN1_STRING_length(*pos);
	while (zr == Z_OK) {
		zs.next_out = chunk;
		zs.avail_out = sizeof(chunk);
		zr = inflate(&zs, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END)
			break;
		if (out->len + (sizeof(chunk) - zs.avail_out) > TDK_AS2_MAX_BODY) {
			tdk_diag_add(d, TDK_SEV_ERROR, "AS2-LIMIT", NULL, "the compressed-data inflates to more than %u bytes",
				     TDK_AS2_MAX_BODY);
			goto out;
		}
		if (tdk_buf_add(out, chunk, sizeof(chunk) - zs.avail_out)) {
			rc = TDK_EXIT_INTERNAL;
			goto out;
		}
		if (zr == Z_OK && zs.avail_in == 0 && zs.avail_out != 0)
			zr = Z_DATA_ERROR;
	}
	if (zr != Z_STREAM_END) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-DECOMPRESS", NULL, "the compressed-data is not a whole zlib stream");
		goto out;
	}
	rc = 0;
out:
	inflateEnd(&zs);
	return rc;
}
