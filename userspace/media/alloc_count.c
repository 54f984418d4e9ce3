// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-thread allocation counter: malloc, calloc, realloc, memalign and
 * friends forward to glibc's implementations (__libc_*) and bump a
 * thread-local count. Built only without sanitizers (UCPHONE_COUNT_ALLOCS).
 */
#include <errno.h>
#include <stddef.h>
#include <malloc.h>
#include <stdlib.h>

#include "alloc_count.h"

#ifdef UCPHONE_COUNT_ALLOCS

static __thread uint64_t allocs;

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);
void *__libc_memalign(size_t align, size_t size);
void __libc_free(void *p);

void *malloc(size_t size)
{
	allocs++;
	return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	allocs++;
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	allocs++;
	return __libc_realloc(p, size);
}

void free(void *p)
{
	__libc_free(p);
}

void *memalign(size_t align, size_t size)
{
	allocs++;
	return __libc_memalign(align, size);
}

void *aligned_alloc(size_t align, size_t size)
{
	allocs++;
	return __libc_memalign(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
	void *p;

	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	allocs++;
	p = __libc_memalign(align, size);
	if (!p && size)
		return ENOMEM;
	*out = p;
	return 0;
}

bool alloc_count_enabled(void)
{
	return true;
}

uint64_t alloc_count_thread(void)
{
	return allocs;
}

#else

bool alloc_count_enabled(void)
{
	return false;
}

uint64_t alloc_count_thread(void)
{
	return 0;
}

#endif
