/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Counting heap allocations per thread, so the media thread can show how
 * many it made (none on the kernel SRTP path; Debian's libsrtp2 on NSS
 * makes some for every packet). The build interposes malloc and friends
 * (forwarding to glibc's own) unless it runs under a sanitizer, which has
 * its own allocator; then alloc_count_enabled() is false and counts are 0.
 */
#ifndef UCPHONE_ALLOC_COUNT_H
#define UCPHONE_ALLOC_COUNT_H

#include <stdbool.h>
#include <stdint.h>

bool alloc_count_enabled(void);
/* Allocations (malloc, calloc, realloc, aligned ones) by this thread. */
uint64_t alloc_count_thread(void);

#endif /* UCPHONE_ALLOC_COUNT_H */
