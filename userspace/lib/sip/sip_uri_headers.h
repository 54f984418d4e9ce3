/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A SIP URI's headers (RFC 3261 19.1.1, "sip:carol@corp.test?Replaces=
 * abc%3Bto-tag%3D1%3Bfrom-tag%3D2&Priority=urgent"), as the Refer-To of
 * an attended transfer carries them (RFC 3515 2.1, RFC 3891 7): the URI
 * the new INVITE goes to, and one header's value percent-decoded (RFC
 * 3261 19.1.2) for that INVITE.
 */
#ifndef UCPHONE_LIB_SIP_URI_HEADERS_H
#define UCPHONE_LIB_SIP_URI_HEADERS_H

#include <stddef.h>

/* Length of uri before its headers ('?'; the whole of it when none). */
size_t sip_uri_target_len(const char *uri);

/*
 * The value of the URI header name (case-insensitive) decoded into out.
 * 1: found; 0: not there; -EINVAL: a bad %-escape, a control character
 * (NUL, CR, LF... escaped or not), or the header twice; -ENOSPC: out too
 * small.
 */
int sip_uri_header(const char *uri, const char *name, char *out, size_t size);

#endif /* UCPHONE_LIB_SIP_URI_HEADERS_H */
