/*
 * The token endpoint's answer (RFC 6749 §5.1 and §5.2), read with the small
 * JSON reader.  What a server sends is untrusted: each member is checked
 * against what it may hold before tdk keeps it, so that a token can go into
 * a header line as it is (RFC 6750 §2.1 b64token) and nothing a server
 * writes reaches a diagnostic unfiltered.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/oauth-int.h"
#include "util/exitcode.h"
#include "util/json.h"

#define EXPIRES_MAX 315360000L   /* ten years: a larger expires_in is taken as ten years */

enum member { M_ACCESS, M_TYPE, M_EXPIRES, M_REFRESH, M_SCOPE, M_ERROR, M_DESC, M_OTHER };

static const char *const names[] = { "access_token", "token_type", "expires_in", "refresh_token",
				     "scope", "error", "error_description" };

void tdk_oauth_token_init(struct tdk_oauth_token *t)
{
	memset(t, 0, sizeof(*t));
	t->expires_in = -1;
}

static void wipe_free(char **s)
{
	if (*s)
		tdk_wipe(*s, strlen(*s));
	free(*s);
	*s = NULL;
}

void tdk_oauth_token_release(struct tdk_oauth_token *t)
{
	wipe_free(&t->access_token);
	wipe_free(&t->refresh_token);
	free(t->scope);
	tdk_oauth_token_init(t);
}

/* RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" */
int oauth_is_b64token(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
			 strchr("-._~+/", s[i])))
		i++;
	if (!i)
		return 0;
	while (i < n && s[i] == '=')
		i++;
	return i == n;
}

/* RFC 6749 Appendix A: VSCHAR (refresh_token) and NQSCHAR-like text: printable ASCII. */
static int is_printable(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7E)
			return 0;
	return n > 0;
}

/* Copies server text for a diagnostic: printable ASCII kept, anything else '?'. */
static void copy_shown(char *out, size_t size, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && i + 1 < size; i++)
		out[i] = (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7F ? s[i] : '?';
	out[i] = '\0';
}

static int shape(struct tdk_json *j, const char *what)
{
	return tdk_json_fail(j, "OAUTH-TOKEN-SHAPE", what);
}

/* expires_in: a JSON number that is a non-negative integer, or a string of digits. */
static int expires(struct tdk_json *j, long *v)
{
	const char *p, *e;
	int quoted;

	tdk_json_ws(j);
	quoted = j->p < j->end && *j->p == '"';
	p = j->p + quoted;
	if (tdk_json_value(j, 1) < 0)
		return -1;
	e = j->p;
	if (quoted) {
		p = j->s.data;
		e = p + j->s.len;
	}
	if (p == e)
		return shape(j, "expires_in is not a number of seconds");
	for (*v = 0; p < e; p++) {
		if (*p < '0' || *p > '9')
			return shape(j, "expires_in is not a number of seconds");
		*v = *v > EXPIRES_MAX / 10 ? EXPIRES_MAX : *v * 10 + (*p - '0');
	}
	if (*v > EXPIRES_MAX)
		*v = EXPIRES_MAX;
	return 0;
}

static int keep_string(struct tdk_json *j, enum member m, struct tdk_oauth_token *t, struct tdk_oauth_error *e)
{
	const char *s = j->s.data;
	size_t n = j->s.len;
	char **to = NULL;

	switch (m) {
	case M_ACCESS:
		if (!oauth_is_b64token(s, n))
			return shape(j, "access_token holds characters a bearer token cannot have");
		to = &t->access_token;
		break;
	case M_REFRESH:
		if (!is_printable(s, n))
			return shape(j, "refresh_token is empty or holds characters outside printable ASCII");
		to = &t->refresh_token;
		break;
	case M_SCOPE:
		to = &t->scope;
		break;
	case M_TYPE:
		if (strcasecmp(s, "Bearer") || n != 6)
			return tdk_json_fail(j, "OAUTH-TOKEN-TYPE", "the token type is not Bearer");
		memcpy(t->token_type, "Bearer", 7);
		return 0;
	case M_ERROR:
		copy_shown(e->error, sizeof(e->error), s, n);
		return 0;
	case M_DESC:
		copy_shown(e->description, sizeof(e->description), s, n);
		return 0;
	default:
		return 0;
	}
	if (memchr(s, '\0', n))
		return shape(j, "a string holds a NUL character");
	if (!(*to = strdup(s)))
		return tdk_json_oom(j);
	return 0;
}

static int member(struct tdk_json *j, unsigned *seen, struct tdk_oauth_token *t, struct tdk_oauth_error *e)
{
	enum member m = M_OTHER;
	unsigned i;

	if (tdk_json_string(j) < 0 || tdk_json_expect(j, ':', "':' was expected after a key") < 0)
		return -1;
	for (i = 0; i < M_OTHER; i++)
		if (!strcmp(j->s.data, names[i]) && j->s.len == strlen(names[i]))
			m = (enum member)i;
	if (m == M_OTHER)
		return tdk_json_value(j, 1);
	if (*seen & 1u << m)
		return shape(j, "a member appears twice");
	*seen |= 1u << m;
	if (m == M_EXPIRES)
		return expires(j, &t->expires_in);
	tdk_json_ws(j);
	if (j->p >= j->end)
		return tdk_json_value(j, 1);   /* the input ends: JSON-SYNTAX */
	if (*j->p != '"')
		return shape(j, "a member that must be a string is not one");
	if (tdk_json_value(j, 1) < 0)
		return -1;
	return keep_string(j, m, t, e);
}

static int object(struct tdk_json *j, unsigned *seen, struct tdk_oauth_token *t, struct tdk_oauth_error *e)
{
	if (j->end - j->p >= 3 && !memcmp(j->p, "\xEF\xBB\xBF", 3))
		j->p += 3;
	if (tdk_json_expect(j, '{', "the answer is not a JSON object") < 0)
		return -1;
	tdk_json_ws(j);
	if (j->p < j->end && *j->p == '}')
		j->p++;
	else
		for (;;) {
			if (member(j, seen, t, e) < 0)
				return -1;
			tdk_json_ws(j);
			if (j->p < j->end && *j->p == '}') {
				j->p++;
				break;
			}
			if (tdk_json_expect(j, ',', "',' or '}' was expected") < 0)
				return -1;
		}
	tdk_json_ws(j);
	return j->p == j->end ? 0 : tdk_json_fail(j, "JSON-SYNTAX", "text after the end of the object");
}

int tdk_oauth_token_parse(const char *p, size_t n, time_t now, struct tdk_oauth_token *t,
			  struct tdk_oauth_error *e, struct tdk_diag *d)
{
	struct tdk_json j;
	unsigned seen = 0;
	int rc = -1;

	tdk_oauth_token_release(t);
	memset(e, 0, sizeof(*e));
	tdk_json_init(&j, p, n, TDK_OAUTH_TOKEN_MAX, "OAUTH-TOKEN-LIMIT", d);
	if (object(&j, &seen, t, e) < 0)
		goto out;
	if (seen & 1u << M_ERROR) {
		rc = 1;
		goto out;
	}
	if (!(seen & 1u << M_ACCESS) || !(seen & 1u << M_TYPE)) {
		j.p = j.start;
		shape(&j, (seen & 1u << M_ACCESS) ? "the answer has no token_type" : "the answer has no access_token");
		goto out;
	}
	t->expires_at = t->expires_in >= 0 ? now + t->expires_in : 0;
	rc = 0;
out:
	if (rc)
		tdk_oauth_token_release(t);
	tdk_json_release(&j);
	return rc;
}
