/*
 * libFuzzer target: what tdk serve parses from its users: arbitrary bytes
 * as an application/x-www-form-urlencoded token request (every key the
 * token endpoint asks for), as a clients file, and as a fault list (the
 * X-Tdk-Fault header, --fault), faults limited to a route included.  Each must end in an answer or a diagnostic, never
 * a crash, a read past the input or a leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/serve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "grant_type", "client_id", "client_secret", "scope", "code",
					    "code_verifier", "redirect_uri", "refresh_token", "", NULL };
	struct tdk_buf v = TDK_BUF_INIT(4096);
	struct tdk_serve_client *c = NULL;
	struct tdk_serve_faults f[TDK_SERVE_ROUTES];
	struct tdk_diag d;
	size_t i, n = 0;
	char bad[64], *s;

	for (i = 0; keys[i]; i++)
		if (tdk_serve_form_get((const char *)data, size, keys[i], &v) == 1 && (!v.data || strlen(v.data) != v.len))
			abort();      /* a value found is NUL-terminated and holds no NUL */
	tdk_buf_release(&v);
	tdk_diag_init(&d, "clients");
	if (tdk_serve_clients_parse((const char *)data, size, &d, &c, &n) == 0) {
		for (i = 0; i < n; i++)
			if (!c[i].id[0] || !c[i].secret[0] || !c[i].scopes[0])
				abort();
		tdk_serve_clients_free(c, n);
	} else if (!d.errors) {
		abort();              /* a refusal always says why */
	}
	if ((s = malloc(size + 1))) {
		memcpy(s, data, size);
		s[size] = 0;
		for (i = 0; i < TDK_SERVE_ROUTES; i++)
			tdk_serve_faults_init(&f[i]);
		if (tdk_serve_faults_parse(f, s, bad, sizeof(bad)) == 0) {
			for (i = 1; i < TDK_SERVE_ROUTES; i++)
				tdk_serve_faults_merge(&f[0], &f[i]);
			if (f[0].slow_ms > TDK_SERVE_FAULT_MAX || f[0].slow_read_ms > TDK_SERVE_FAULT_MAX ||
			    f[0].stall_ms > TDK_SERVE_FAULT_MAX || f[0].retry_after > TDK_SERVE_FAULT_MAX)
				abort();      /* a parameter past the bound is refused */
		}
		free(s);
	}
	return 0;
}
