// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/sip/sipfrag.h"

int sipfrag_parse(const char *body, size_t len, struct sipfrag *out)
{
	static const char version[] = "SIP/2.0 ";
	size_t i, end, n = 0;
	unsigned int status = 0;

	memset(out, 0, sizeof(*out));
	if (len > SIPFRAG_BODY_MAX)
		return -E2BIG;
	if (len < sizeof(version) - 1 + 3 ||
	    memcmp(body, version, sizeof(version) - 1))
		return -EINVAL;
	i = sizeof(version) - 1;
	for (int d = 0; d < 3; d++, i++) {
		if (body[i] < '0' || body[i] > '9')
			return -EINVAL;
		status = status * 10 + (unsigned int)(body[i] - '0');
	}
	if (status < 100 || status > 699)
		return -EINVAL;
	/* the status line ends at CRLF (or LF, or the body's end) */
	for (end = i; end < len && body[end] != '\r' && body[end] != '\n'; end++)
		if ((unsigned char)body[end] < 0x20 && body[end] != '\t')
			return -EINVAL;
	if (end + 1 < len && body[end] == '\r' && body[end + 1] != '\n')
		return -EINVAL;
	if (i < end && body[i] != ' ')
		return -EINVAL;
	if (i < end)
		i++;
	for (; i < end && n < sizeof(out->reason) - 1; i++)
		out->reason[n++] = (unsigned char)body[i] == 0x7f ? '?' : body[i];
	out->reason[n] = '\0';
	out->status = status;
	return 0;
}

int sipfrag_write(char *buf, size_t size, unsigned int status,
		  const char *reason)
{
	int n = snprintf(buf, size, "SIP/2.0 %03u %s\r\n", status, reason);

	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	return n;
}
