// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: one option payload, already reassembled, through the
 * 119 (search list), 120 (SIP servers) and 43 (MS-UC-Client) decoders and
 * the option 15 name check.
 */
#include <string.h>

#include "lib/dhcp/dhcp_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char search[DHCP_SEARCH_MAX][DHCP_NAME_MAX];
	struct dhcp_sip_servers sip;
	struct dhcp_ms_uc uc;
	const char *why = NULL;
	unsigned int n;
	int name_len;

	if (dhcp_decode_search(data, size, search, DHCP_SEARCH_MAX, &n) == 0)
		for (unsigned int i = 0; i < n; i++)
			if (strnlen(search[i], DHCP_NAME_MAX) >= DHCP_NAME_MAX ||
			    !search[i][0])
				__builtin_trap();
	if (dhcp_decode_sip(data, size, &sip) == 0 && sip.count > DHCP_LIST_MAX)
		__builtin_trap();
	if (dhcp_decode_ms_uc(data, size, &uc) == 0 &&
	    strncmp(uc.url, uc.scheme, strlen(uc.scheme)) != 0)
		__builtin_trap();
	/* An accepted name has no empty label and fits in 253 characters. */
	name_len = dns_name_check((const char *)data, size, &why);
	if (name_len >= 0 && (name_len == 0 || name_len > 253 || data[0] == '.' ||
			      memmem(data, (size_t)name_len, "..", 2)))
		__builtin_trap();
	if (name_len < 0 && !why)
		__builtin_trap();
	return 0;
}
