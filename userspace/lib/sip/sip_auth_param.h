/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The lexical pieces every SIP authentication header shares (RFC 3261
 * 25.1, 20.27/20.44): linear white space, tokens, and token-or-quoted
 * parameter values. Digest and MS-SIPAE (NTLM/Kerberos) read their
 * challenges with these.
 */
#ifndef UCPHONE_LIB_SIP_AUTH_PARAM_H
#define UCPHONE_LIB_SIP_AUTH_PARAM_H

#include <stdbool.h>
#include <stddef.h>

struct sip_auth_cursor {
	const char *p, *end;
};

/* Linear white space, line folding included. */
bool sip_auth_is_lws(char c);
void sip_auth_skip_lws(struct sip_auth_cursor *cur);
/* A run of token characters; -EINVAL when there is none. */
int sip_auth_read_token(struct sip_auth_cursor *cur, const char **start, size_t *len);
/* Case-insensitive whole-token comparison. */
bool sip_auth_token_is(const char *s, size_t len, const char *word);
/*
 * A parameter value: token or quoted-string, unescaped into buf (cap bytes
 * with the NUL; NULL discards it). Control characters are refused even
 * inside quotes: these values are echoed back into our own headers and
 * signature buffers.
 */
int sip_auth_read_value(struct sip_auth_cursor *cur, char *buf, size_t cap);

#endif
