/* Inside lib/net: the key table of the endpoints file (endpoint-keys.c). */
#ifndef TDK_NET_ENDPOINT_INT_H
#define TDK_NET_ENDPOINT_INT_H

#include "net/endpoint.h"

/* One key: its name, what its value is, the profiles that know it and those that require it. */
struct tdk_keydef {
	const char *name;
	unsigned char kind;         /* enum tdk_endpoint_kind */
	unsigned char profiles;     /* bit p: profile p knows the key */
	unsigned char required;     /* bit p: profile p requires it */
	const char *choices;        /* CHOICE: "a|b|c" */
	unsigned long min, max;     /* NUMBER: the range */
};

extern const struct tdk_keydef tdk_endpoint_keys[TDK_EK_COUNT];

/* The words key k takes under profile p ("yes|no"), or NULL when it is not a CHOICE. */
const char *tdk_endpoint_choices(enum tdk_endpoint_key k, enum tdk_endpoint_profile p);

/* The key named name[0..n), or -1. */
int tdk_endpoint_key_lookup(const char *name, size_t n);

#endif
