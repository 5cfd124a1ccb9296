/*
 * The memory budget of budget.h: libxml2's allocator functions, counting
 * on the threads that have a budget open.
 */
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlmemory.h>

#include "xml/budget.h"

static _Thread_local struct tdk_xml_budget *open_budget;

/* Whether n more bytes fit in b; the first refusal is said once. */
static int fits(struct tdk_xml_budget *b, size_t n)
{
	if (!b->max || (n <= b->max && b->used <= b->max - n))
		return 1;
	if (!b->over) {
		b->over = 1;
		if (b->on_over)
			b->on_over(b->arg);
	}
	return 0;
}

static void add(struct tdk_xml_budget *b, void *p)
{
	b->used += malloc_usable_size(p);
	if (b->used > b->peak)
		b->peak = b->used;
}

static void take_off(struct tdk_xml_budget *b, void *p)
{
	size_t n = malloc_usable_size(p);

	b->used = b->used > n ? b->used - n : 0;
}

static void *budget_malloc(size_t n)
{
	struct tdk_xml_budget *b = open_budget;
	void *p;

	if (b && !fits(b, n))
		return NULL;
	p = malloc(n);
	if (p && b)
		add(b, p);
	return p;
}

static void *budget_realloc(void *p, size_t n)
{
	struct tdk_xml_budget *b = open_budget;
	size_t old = b && p ? malloc_usable_size(p) : 0;
	void *q;

	if (b && n > old && !fits(b, n - old))
		return NULL;
	q = realloc(p, n);
	if (q && b) {
		b->used = b->used > old ? b->used - old : 0;
		add(b, q);
	}
	return q;
}

static void budget_free(void *p)
{
	if (p && open_budget)
		take_off(open_budget, p);
	free(p);
}

static char *budget_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = budget_malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

static void setup_once(void)
{
	xmlGcMemSetup(budget_free, budget_malloc, budget_malloc, budget_realloc, budget_strdup);
}

void tdk_xml_budget_setup(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, setup_once);
}

void tdk_xml_budget_begin(struct tdk_xml_budget *b)
{
	b->used = b->peak = 0;
	b->over = 0;
	b->prev = open_budget;
	open_budget = b;
}

void tdk_xml_budget_end(struct tdk_xml_budget *b)
{
	open_budget = b->prev;
	b->prev = NULL;
}
