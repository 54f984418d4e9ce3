/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Random identifiers on the wire (SIP epid, Digest cnonce): bytes from the
 * kernel's CSPRNG written as lower-case hex.
 */
#ifndef UCPHONE_RANDOM_HEX_H
#define UCPHONE_RANDOM_HEX_H

#include <stddef.h>

/* Writes 2 * bytes hex digits and a NUL to out; 0 or -errno. */
int random_hex(char *out, size_t bytes);

#endif /* UCPHONE_RANDOM_HEX_H */
