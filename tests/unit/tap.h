/* A minimal TAP producer for the C unit tests: ok(), is_str(), done(). */
#ifndef TDK_TAP_H
#define TDK_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static void tap_ok(int cond, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", cond ? "ok" : "not ok", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_str(got, want, ...)                                                      \
	do {                                                                         \
		const char *g_ = (got), *w_ = (want);                                \
		int c_ = g_ && w_ && !strcmp(g_, w_);                               \
		tap_ok(c_, __FILE__, __LINE__, __VA_ARGS__);                         \
		if (!c_)                                                             \
			printf("#   got:  '%s'\n#   want: '%s'\n", g_ ? g_ : "(null)", \
			       w_ ? w_ : "(null)");                                  \
	} while (0)

static int done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}

#endif
