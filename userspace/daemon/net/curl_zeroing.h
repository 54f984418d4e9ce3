/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libcurl keeps copies of what the phone gives it (the Exchange and certsrv passwords,
 * the Basic header built from it, NTLM hashes) in memory it allocates and
 * frees itself. curl_zeroing_init() hands libcurl allocation functions
 * that zero every block before it goes back to the heap (realloc moves
 * through a new block, zeroing the old), so no secret survives in freed
 * memory. Called once at start, before any other libcurl function.
 */
#ifndef UCPHONED_NET_CURL_ZEROING_H
#define UCPHONED_NET_CURL_ZEROING_H

/* 0 or -EIO. */
int curl_zeroing_init(void);
void curl_zeroing_cleanup(void);

#endif
