/*
 * libFuzzer target: arbitrary bytes as an endpoints file (lib/net/endpoint.c).
 * A file is taken exactly when no error was reported, and then every
 * endpoint has a unique valid name, a profile, a URL, the keys its profile
 * requires, no control character in any value, and a resolved name for
 * every file name; a refused file leaves nothing behind.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/endpoint.h"
#include "util/exitcode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_endpoint(const struct tdk_endpoints *eps, const struct tdk_endpoint *e)
{
	char buf[256];
	int k;

	if (!e->name[0] || strlen(e->name) > TDK_ENDPOINT_NAME_MAX || tdk_endpoints_find(eps, e->name) != e)
		abort();
	if (!e->value[TDK_EK_PROFILE] || !e->value[TDK_EK_URL] ||
	    strcmp(e->value[TDK_EK_PROFILE], tdk_endpoint_profile_name(e->profile)))
		abort();
	for (k = 0; k < TDK_EK_COUNT; k++) {
		const char *v = e->value[k], *p;

		if (!v) {
			if (e->path[k])
				abort();
			continue;
		}
		if (!tdk_endpoint_key_in_profile((enum tdk_endpoint_key)k, e->profile) || !v[0] || !e->vline[k] ||
		    e->vcol[k] <= e->kcol[k])
			abort();
		for (p = v; *p; p++)
			if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
				abort();
		if ((tdk_endpoint_key_kind((enum tdk_endpoint_key)k) == TDK_EKIND_PATH) != (e->path[k] != NULL))
			abort();
	}
	if (e->timeout < 1 || e->connect_timeout < 1 || e->retries > 100)
		abort();
	if (e->value[TDK_EK_API_VERSION] && !tdk_endpoint_accept(e, buf, sizeof(buf)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdk_endpoints eps;
	struct tdk_diag d;
	size_t i;
	int r;

	tdk_diag_init(&d, "fuzz/endpoints");
	tdk_endpoints_init(&eps);
	r = tdk_endpoints_parse(&eps, "fuzz/endpoints", (const char *)data, size, "/h/fuzz", &d);
	if ((r == 0) != (d.errors == 0) || (r && r != TDK_EXIT_USAGE && r != TDK_EXIT_INTERNAL))
		abort();
	if (r && eps.n)
		abort();
	for (i = 0; i < eps.n; i++)
		check_endpoint(&eps, &eps.e[i]);
	tdk_endpoints_release(&eps);
	return 0;
}
