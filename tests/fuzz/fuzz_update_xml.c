// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: one Device Update answer (ucdevice.upx). An accepted
 * one holds at most UPDATE_MODULES_MAX modules, each with NUL-terminated
 * names, a plain image and signature file name and a base URL that is
 * https://... or /...; a refused one says why.
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "lib/xml/update_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct update_answer a;
	char why[UPDATE_WHY_MAX] = "";

	if (update_xml_parse((const char *)data, size, &a, why, sizeof(why))) {
		if (!why[0])
			__builtin_trap();
		return 0;
	}
	if (a.n > UPDATE_MODULES_MAX)
		__builtin_trap();
	for (unsigned int i = 0; i < a.n; i++) {
		const struct update_module *m = &a.modules[i];

		if (!memchr(m->file_name, '\0', sizeof(m->file_name)) ||
		    !memchr(m->signature_name, '\0', sizeof(m->signature_name)) ||
		    !memchr(m->descript_name, '\0', sizeof(m->descript_name)) ||
		    !memchr(m->model, '\0', sizeof(m->model)) ||
		    !memchr(m->base_url, '\0', sizeof(m->base_url)))
			__builtin_trap();
		if (!m->file_name[0] || strchr(m->file_name, '/') ||
		    !m->signature_name[0] || strchr(m->signature_name, '/'))
			__builtin_trap();
		if (m->base_url[0] != '/' &&
		    strncasecmp(m->base_url, "https://", 8))
			__builtin_trap();
	}
	return 0;
}
