// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: one EWS answer, read as a contacts page, as a voice-mail
 * page and as a FindFolder answer. Never more items than asked for; every field
 * NUL-terminated; an error always says something.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "lib/xml/ews_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX 8
#define TERMINATED(f) memchr((f), '\0', sizeof(f))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ews_contact c[MAX];
	static struct ews_message m[MAX];
	char err[EWS_ERROR_MAX];
	struct ews_paging pg;
	unsigned int n = 0;
	int ret;

	ret = ews_parse_contacts((const char *)data, size, c, MAX, &n, &pg, err);
	if (ret == -EPROTO && !err[0])
		__builtin_trap();
	if (!ret) {
		if (n > MAX)
			__builtin_trap();
		for (unsigned int i = 0; i < n; i++)
			if (!TERMINATED(c[i].name) || !TERMINATED(c[i].sip) ||
			    !TERMINATED(c[i].work) || !TERMINATED(c[i].mobile) ||
			    !TERMINATED(c[i].home) || !TERMINATED(c[i].email) ||
			    !TERMINATED(c[i].company))
				__builtin_trap();
	}
	{
		char id[EWS_FOLDER_ID_MAX];

		ret = ews_parse_folder_id((const char *)data, size, id, err);
		if (!ret && (!id[0] || !TERMINATED(id)))
			__builtin_trap();
	}
	ret = ews_parse_messages((const char *)data, size, m, MAX, &n, &pg, err);
	if (!ret) {
		if (n > MAX)
			__builtin_trap();
		for (unsigned int i = 0; i < n; i++)
			if (!TERMINATED(m[i].sender) || !TERMINATED(m[i].subject) ||
			    !TERMINATED(m[i].received) ||
			    !TERMINATED(m[i].sender_address))
				__builtin_trap();
	}
	return 0;
}
