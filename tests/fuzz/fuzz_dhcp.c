// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: one DHCP server message as the client receives it,
 * through dhcp_parse(); decoded strings must stay NUL-terminated.
 */
#include <string.h>

#include "lib/dhcp/dhcp_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *s)
{
	if (strnlen(s, DHCP_NAME_MAX) >= DHCP_NAME_MAX)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dhcp_reply r;
	const char *why;

	if (size > DHCP_MAX_LEN)
		return 0;
	if (dhcp_parse(data, size, &r, &why) < 0)
		return 0;
	check(r.domain);
	for (unsigned int i = 0; i < r.n_search; i++)
		check(r.search[i]);
	for (unsigned int i = 0; i < r.sip.count && !r.sip.are_addresses; i++)
		check(r.sip.names[i]);
	if (r.ms_uc.present && strnlen(r.ms_uc.url, DHCP_URL_MAX) >= DHCP_URL_MAX)
		__builtin_trap();
	if (r.n_search > DHCP_SEARCH_MAX || r.sip.count > DHCP_LIST_MAX)
		__builtin_trap();
	return 0;
}
