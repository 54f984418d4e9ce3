// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: one Exchange Autodiscover answer. An accepted one holds
 * NUL-terminated fields, a redirect has its target and settings an EwsUrl.
 */
#include <stdint.h>
#include <string.h>

#include "lib/xml/autodiscover_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TERMINATED(f) memchr((f), '\0', sizeof(f))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ad_result r;

	if (ad_xml_parse((const char *)data, size, &r))
		return 0;
	if (!TERMINATED(r.display_name) || !TERMINATED(r.redirect) ||
	    !TERMINATED(r.ews_internal) || !TERMINATED(r.ews_external) ||
	    !TERMINATED(r.um_url) || !TERMINATED(r.oab_url) ||
	    !TERMINATED(r.error_code) || !TERMINATED(r.error_message))
		__builtin_trap();
	if ((r.action == AD_ACTION_REDIRECT_ADDR ||
	     r.action == AD_ACTION_REDIRECT_URL) && !r.redirect[0])
		__builtin_trap();
	if (r.action == AD_ACTION_SETTINGS && !r.ews_internal[0] &&
	    !r.ews_external[0])
		__builtin_trap();
	return 0;
}
