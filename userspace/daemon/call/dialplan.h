/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The dial plan: what the user typed (keypad digits, or a name or URI from
 * `ucphonectl dial`) becomes the SIP URI the phone calls.
 *
 *   "sip:..." / "sips:..."   as written
 *   "bob@corp.test"          "sip:bob@corp.test"
 *   "2001", "bob", "2001#"   "sip:2001@<SIP domain>" ('#' ends dialling)
 *
 * Only characters RFC 3261 allows unescaped in a user part are accepted
 * (never a space, quote, '<', '>' or a control character, so the result
 * can go into a header as is); anything else is refused with -EINVAL.
 */
#ifndef UCPHONED_CALL_DIALPLAN_H
#define UCPHONED_CALL_DIALPLAN_H

#include <stdbool.h>
#include <stddef.h>

#define DIALPLAN_DIGITS_MAX 64
#define DIALPLAN_INTERDIGIT_USEC 4000000ull

/* 0, -EINVAL (not dialable), -ENOSPC (out too small), -ENXIO (no domain). */
int dialplan_uri(const char *input, const char *domain, char *out, size_t size);

/* A keypad character that is part of a number ("0-9*"); '#' sends. */
bool dialplan_is_digit(char c);

#endif /* UCPHONED_CALL_DIALPLAN_H */
