/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The body of a NOTIFY for a REFER (RFC 3515 2.4.5): a message/sipfrag
 * (RFC 3420) whose start line is the status line of the call the far end
 * made, "SIP/2.0 200 OK". Only the start line matters to the phone; any
 * header lines after it are ignored.
 *
 * Bytes from the network: the status must be 100-699, the start line
 * printable (no NUL, no control character), the reason is truncated to
 * fit and never holds CR or LF.
 */
#ifndef UCPHONE_SIP_SIPFRAG_H
#define UCPHONE_SIP_SIPFRAG_H

#include <stddef.h>

#define SIPFRAG_REASON_MAX 64
/* Longer bodies are refused without being read. */
#define SIPFRAG_BODY_MAX 8192

struct sipfrag {
	unsigned int status;
	char reason[SIPFRAG_REASON_MAX];	/* NUL-terminated, may be "" */
};

/* 0, or -EINVAL (not a sipfrag status line), -E2BIG (too long). */
int sipfrag_parse(const char *body, size_t len, struct sipfrag *out);

/*
 * Writes "SIP/2.0 <status> <reason>\r\n" into buf (a NOTIFY's body).
 * The length, or -ENOSPC; reason must be printable.
 */
int sipfrag_write(char *buf, size_t size, unsigned int status,
		  const char *reason);

#endif /* UCPHONE_SIP_SIPFRAG_H */
