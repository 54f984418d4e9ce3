// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: one provisioning document (a SUBSCRIBE's 200 body or
 * a NOTIFY's). An accepted one must hold at most 64 NUL-terminated
 * settings, each findable by its own name.
 */
#include <stdint.h>
#include <string.h>

#include "lib/xml/prov_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct prov_config c;

	if (prov_xml_parse((const char *)data, size, &c))
		return 0;
	if (c.n > sizeof(c.settings) / sizeof(c.settings[0]))
		__builtin_trap();
	for (unsigned int i = 0; i < c.n; i++) {
		if (!memchr(c.settings[i].name, '\0', sizeof(c.settings[i].name)) ||
		    !memchr(c.settings[i].value, '\0', sizeof(c.settings[i].value)))
			__builtin_trap();
		if (prov_config_get(&c, c.settings[i].name) != c.settings[i].value)
			__builtin_trap();
	}
	return 0;
}
