/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What leaves the phone in a troubleshooting bundle holds no secret. The
 * daemon never puts a password, an SRTP key or a private key in its JSON;
 * this is the second lock on that door, applied to every object the
 * bundle takes from the daemon:
 *
 *   - the sign-in identity keeps its address and user (and whether it is
 *     signed in, where it came from, its error) and loses everything else;
 *   - any member whose name says secret (password, secret, private,
 *     token, credential, nonce, cookie anywhere in it; key or keys as a
 *     word of it, as in srtp_key) has its string, array or object value
 *     replaced by "(redacted)"; booleans and numbers, which say only that
 *     such a thing exists or how many, are kept.
 */
#ifndef UCPHONECTL_REDACT_H
#define UCPHONECTL_REDACT_H

#include <stdbool.h>

#include <json-c/json.h>

#define REDACTED "(redacted)"

/* True when a member of this name may hold a secret. */
bool ctl_secret_name(const char *key);

/* Redacts obj in place, all the way down. Returns how many values went. */
unsigned int ctl_redact(struct json_object *obj);

#endif /* UCPHONECTL_REDACT_H */
