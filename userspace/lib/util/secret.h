/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Holding secrets (SRTP master keys, SIP passwords, private keys) in memory.
 *
 * A secret lives in a struct secret, whose bytes are unsigned char: the log
 * API only prints NUL-terminated char strings and numbers, so it refuses a
 * secret at compile time. Zero a secret on every path out, with
 * secret_clear() or by declaring it SECRET_CLEANUP; the compiler may not
 * optimise explicit_bzero() away the way it may a plain memset().
 */
#ifndef UCPHONE_SECRET_H
#define UCPHONE_SECRET_H

#include <stddef.h>

/* Longest secret held inline: an AES-256 key with its salt fits. */
#define SECRET_MAX 64

struct secret {
	size_t len;
	unsigned char bytes[SECRET_MAX];
};

/* Overwrites len bytes at buf with zeros, and the write is kept. */
void secret_zero(void *buf, size_t len);

/* Zeroes buf, then frees it; buf may be NULL. */
void secret_zero_free(void *buf, size_t len);

/* Copies len bytes into s; -EMSGSIZE (s zeroed) if it does not fit. */
int secret_set(struct secret *s, const void *data, size_t len);

/* Zeroes the whole struct, length included. */
void secret_clear(struct secret *s);

/* struct secret key SECRET_CLEANUP = { 0 }; is zeroed when it leaves scope. */
#define SECRET_CLEANUP __attribute__((cleanup(secret_clear)))

#endif /* UCPHONE_SECRET_H */
