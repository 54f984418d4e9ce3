// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: one NTLM/Kerberos WWW-Authenticate value (MS-SIPAE)
 * and the same bytes as an Authentication-Info value. An accepted
 * challenge must hold NUL-terminated fields, and the credentials header
 * built from it must have no CR or LF (no header injection through us).
 */
#include <errno.h>
#include <string.h>

#include "lib/sip/sip_sipae.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sipae_challenge c;
	struct sipae_auth_info ai;
	struct sipae_credentials cr;
	char out[16384];
	int ret;

	if (!sipae_parse_auth_info((const char *)data, size, &ai) &&
	    (!memchr(ai.rspauth, '\0', sizeof(ai.rspauth)) ||
	     !memchr(ai.srand, '\0', sizeof(ai.srand)) ||
	     !memchr(ai.targetname, '\0', sizeof(ai.targetname))))
		__builtin_trap();
	if (sipae_parse_challenge((const char *)data, size, &c))
		return 0;
	if (!memchr(c.realm, '\0', sizeof(c.realm)) ||
	    !memchr(c.targetname, '\0', sizeof(c.targetname)) ||
	    !memchr(c.opaque, '\0', sizeof(c.opaque)) ||
	    !memchr(c.gssapi_data, '\0', sizeof(c.gssapi_data)) || !c.realm[0])
		__builtin_trap();
	cr = (struct sipae_credentials){
		.mech = c.mech, .realm = c.realm, .targetname = c.targetname,
		.opaque = c.opaque, .version = c.version,
		.gssapi_data = c.gssapi_data,
	};
	ret = sipae_build_credentials(&cr, out, sizeof(out));
	if (ret && ret != -ENOSPC && ret != -EINVAL)
		__builtin_trap();
	if (!ret && strpbrk(out, "\r\n"))
		__builtin_trap();
	return 0;
}
