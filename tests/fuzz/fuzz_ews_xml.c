// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: one EWS answer, read as a contacts page, as a voice-mail
 * page, as a FindFolder answer, as a ResolveNames answer, as a GetItem
 * answer's attachments and as a GetAttachment answer (its content decoded
 * into a small buffer, so the size limit is crossed often). Never more items than asked for; every field
 * NUL-terminated; an error always says something.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "lib/xml/ews_lookup_xml.h"
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
	ret = ews_parse_resolutions((const char *)data, size, c, MAX, &n, err);
	if (ret == -EPROTO && !err[0])
		__builtin_trap();
	if (!ret && n > MAX)
		__builtin_trap();
	for (unsigned int i = 0; !ret && i < n; i++)
		if (!TERMINATED(c[i].name) || !TERMINATED(c[i].email) ||
		    (!c[i].name[0] && !c[i].email[0]))
			__builtin_trap();
	{
		static struct ews_attachment a[MAX];
		static unsigned char body[256];
		size_t body_len = 0;

		ret = ews_parse_item_attachments((const char *)data, size, a, MAX,
						 &n, err);
		if (!ret && n > MAX)
			__builtin_trap();
		for (unsigned int i = 0; !ret && i < n; i++)
			if (!a[i].id[0] || !TERMINATED(a[i].id) ||
			    !TERMINATED(a[i].name) || !TERMINATED(a[i].content_type))
				__builtin_trap();
		ret = ews_parse_attachment((const char *)data, size, a, body,
					   sizeof(body), &body_len, err);
		if (body_len > sizeof(body) || (ret && body_len && ret != -EFBIG &&
						 ret != -EBADMSG))
			__builtin_trap();
	}
	return 0;
}
