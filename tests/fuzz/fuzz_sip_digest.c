// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: one WWW-Authenticate/Proxy-Authenticate value. An
 * accepted challenge must hold NUL-terminated fields and must give a
 * response (or a clean -ENOSPC) whose value has no CR or LF, so that a
 * server cannot inject header lines through us.
 */
#include <errno.h>
#include <string.h>

#include "lib/sip/sip_digest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct digest_challenge c[1], pair[2];
	char out[2048];
	int ret;

	if (digest_parse_challenge((const char *)data, size, &c[0]))
		return 0;
	if (!memchr(c[0].realm, '\0', sizeof(c[0].realm)) ||
	    !memchr(c[0].nonce, '\0', sizeof(c[0].nonce)) ||
	    !memchr(c[0].opaque, '\0', sizeof(c[0].opaque)))
		__builtin_trap();
	pair[0] = pair[1] = c[0];
	pair[0].algorithm = DIGEST_MD5;
	pair[1].algorithm = DIGEST_SHA256;
	if (digest_pick_best(pair, 2) != &pair[1])
		__builtin_trap();
	ret = digest_build_response(&c[0], "CORP\\alice", "Alice!Pass1",
				    "REGISTER", "sip:corp.test", 1, "0a4f113b",
				    out, sizeof(out));
	if (ret && ret != -ENOSPC)
		__builtin_trap();
	if (!ret && (strpbrk(out, "\r\n") || strncmp(out, "Digest ", 7)))
		__builtin_trap();
	return 0;
}
