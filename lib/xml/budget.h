/*
 * A memory budget for what libxml2, libxslt and libexslt allocate on one
 * thread.  Their allocations all go through libxml2's xmlMalloc family; once
 * tdk_xml_budget_setup() has run, those are tdk's functions, which call the C
 * library's and, on a thread with a budget open, count the bytes each block
 * holds (malloc_usable_size) and refuse the allocation that would pass the
 * budget.  So a stylesheet that doubles a string until the machine is full
 * (concat() in a recursion, str:padding(2000000000)) fails an allocation
 * at the budget instead, and the caller stops the run.  Blocks freed while a
 * budget is open are taken off it, whichever allocator made them, so the
 * count errs on the side of the run; blocks of other threads, and of this one
 * outside a budget, are never counted.
 */
#ifndef TDK_XML_BUDGET_H
#define TDK_XML_BUDGET_H

#include <stddef.h>

struct tdk_xml_budget {
	size_t max;                /* bytes; 0: count, refuse nothing */
	size_t used, peak;
	int over;                  /* an allocation was refused */
	void (*on_over)(void *arg);  /* called once, at the first refusal: it must not allocate */
	void *arg;
	struct tdk_xml_budget *prev;
};

/*
 * Makes libxml2 allocate through tdk's counting functions (xmlGcMemSetup).
 * Call it before a second thread uses libxml2; later calls do nothing.  The
 * functions are the C library's when no budget is open, so blocks made
 * before the call are freed correctly after it.
 */
void tdk_xml_budget_setup(void);

/*
 * Opens b (max, on_over and arg set by the caller; the rest is reset) on the
 * calling thread; budgets nest, the innermost counts.  Requires
 * tdk_xml_budget_setup().
 */
void tdk_xml_budget_begin(struct tdk_xml_budget *b);

/* Closes b, the innermost budget of the calling thread. */
void tdk_xml_budget_end(struct tdk_xml_budget *b);

#endif
