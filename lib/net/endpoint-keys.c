/*
 * The keys of the endpoints file, by profile, with what their values must
 * be: the table that endpoint.c checks a file against.
 */
#include <string.h>

#include "net/endpoint-int.h"

#define R  (1u << TDK_PROFILE_REST)
#define A4 (1u << TDK_PROFILE_AS4)
#define A2 (1u << TDK_PROFILE_AS2)
#define ALL (R | A4 | A2)

static const char grants[] = "authorization-code|client-credentials";
static const char yesno[] = "yes|no";

/* In the order of enum tdk_endpoint_key. */
const struct tdk_keydef tdk_endpoint_keys[TDK_EK_COUNT] = {
	{ "profile", TDK_EKIND_CHOICE, ALL, ALL, "rest|as4|as2", 0, 0 },
	{ "url", TDK_EKIND_URL, ALL, ALL, NULL, 0, 0 },
	{ "api-version", TDK_EKIND_TEXT, R, 0, NULL, 0, 0 },
	{ "grant", TDK_EKIND_CHOICE, R, R, grants, 0, 0 },
	{ "authorize-url", TDK_EKIND_URL, R, 0, NULL, 0, 0 },
	{ "token-url", TDK_EKIND_URL, R, R, NULL, 0, 0 },
	{ "client-id", TDK_EKIND_TEXT, R, R, NULL, 0, 0 },
	{ "client-secret-file", TDK_EKIND_PATH, R, 0, NULL, 0, 0 },
	{ "client-secret-fd", TDK_EKIND_NUMBER, R, 0, NULL, 0, 1048575 },
	{ "client-secret-env", TDK_EKIND_TEXT, R, 0, NULL, 0, 0 },
	{ "scope", TDK_EKIND_TEXT, R, 0, NULL, 0, 0 },
	{ "badge-id", TDK_EKIND_TEXT, R, 0, NULL, 0, 0 },
	{ "submitter-id", TDK_EKIND_TEXT, R, 0, NULL, 0, 0 },
	{ "notifications-url", TDK_EKIND_URL, R, 0, NULL, 0, 0 },
	{ "notifications-grant", TDK_EKIND_CHOICE, R, 0, grants, 0, 0 },
	{ "file-upload-url", TDK_EKIND_URL, R, 0, NULL, 0, 0 },
	{ "catalog", TDK_EKIND_PATH, R, 0, NULL, 0, 0 },
	{ "notifications-catalog", TDK_EKIND_PATH, R, 0, NULL, 0, 0 },
	{ "rules", TDK_EKIND_PATH, R, 0, NULL, 0, 0 },
	{ "ca-file", TDK_EKIND_PATH, ALL, 0, NULL, 0, 0 },
	{ "client-cert", TDK_EKIND_PATH, ALL, 0, NULL, 0, 0 },
	{ "client-key", TDK_EKIND_PATH, ALL, 0, NULL, 0, 0 },
	{ "timeout", TDK_EKIND_NUMBER, ALL, 0, NULL, 1, 86400 },
	{ "connect-timeout", TDK_EKIND_NUMBER, ALL, 0, NULL, 1, 3600 },
	{ "retries", TDK_EKIND_NUMBER, ALL, 0, NULL, 0, 100 },
	{ "from-party", TDK_EKIND_TEXT, A4, A4, NULL, 0, 0 },
	{ "from-role", TDK_EKIND_TEXT, A4, 0, NULL, 0, 0 },
	{ "to-party", TDK_EKIND_TEXT, A4, A4, NULL, 0, 0 },
	{ "to-role", TDK_EKIND_TEXT, A4, 0, NULL, 0, 0 },
	{ "service", TDK_EKIND_TEXT, A4, A4, NULL, 0, 0 },
	{ "action", TDK_EKIND_TEXT, A4, A4, NULL, 0, 0 },
	{ "agreement", TDK_EKIND_TEXT, A4, 0, NULL, 0, 0 },
	{ "mpc", TDK_EKIND_TEXT, A4, 0, NULL, 0, 0 },
	{ "key", TDK_EKIND_PATH, A4 | A2, A4 | A2, NULL, 0, 0 },
	{ "key-passphrase-file", TDK_EKIND_PATH, A4 | A2, 0, NULL, 0, 0 },
	{ "key-passphrase-fd", TDK_EKIND_NUMBER, A4 | A2, 0, NULL, 0, 1048575 },
	{ "key-passphrase-env", TDK_EKIND_TEXT, A4 | A2, 0, NULL, 0, 0 },
	{ "partner-cert", TDK_EKIND_PATH, A4 | A2, A4 | A2, NULL, 0, 0 },
	/* as4 takes yes|no, as2 a cipher: see tdk_endpoint_choices. */
	{ "encrypt", TDK_EKIND_CHOICE, A4 | A2, 0, yesno, 0, 0 },
	{ "compress", TDK_EKIND_CHOICE, A4 | A2, 0, yesno, 0, 0 },
	{ "as2-from", TDK_EKIND_TEXT, A2, A2, NULL, 0, 0 },
	{ "as2-to", TDK_EKIND_TEXT, A2, A2, NULL, 0, 0 },
	{ "sign", TDK_EKIND_CHOICE, A2, 0, "sha1|sha256|sha384|sha512", 0, 0 },
	{ "mdn", TDK_EKIND_CHOICE, A2, 0, "none|signed-sync|unsigned-sync|signed-async", 0, 0 },
	{ "mdn-url", TDK_EKIND_URL, A2, 0, NULL, 0, 0 },
};

static const char *const profiles[] = { "rest", "as4", "as2" };

const char *tdk_endpoint_choices(enum tdk_endpoint_key k, enum tdk_endpoint_profile p)
{
	if (k == TDK_EK_ENCRYPT && p == TDK_PROFILE_AS2)
		return "none|aes128-cbc|aes192-cbc|aes256-cbc|aes128-gcm|aes256-gcm|des-ede3-cbc";
	return tdk_endpoint_keys[k].choices;
}

int tdk_endpoint_key_lookup(const char *name, size_t n)
{
	int k;

	for (k = 0; k < TDK_EK_COUNT; k++)
		if (strlen(tdk_endpoint_keys[k].name) == n && !memcmp(tdk_endpoint_keys[k].name, name, n))
			return k;
	return -1;
}

const char *tdk_endpoint_key_name(enum tdk_endpoint_key k)
{
	return tdk_endpoint_keys[k].name;
}

enum tdk_endpoint_kind tdk_endpoint_key_kind(enum tdk_endpoint_key k)
{
	return (enum tdk_endpoint_kind)tdk_endpoint_keys[k].kind;
}

const char *tdk_endpoint_profile_name(enum tdk_endpoint_profile p)
{
	return profiles[p];
}

int tdk_endpoint_key_in_profile(enum tdk_endpoint_key k, enum tdk_endpoint_profile p)
{
	return (tdk_endpoint_keys[k].profiles >> p) & 1u;
}
