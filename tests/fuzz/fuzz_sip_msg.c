// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: SIP bytes from the network (lib/sip/sip_msg.c). The input
 * is framed as a TLS stream would be, each framed message is parsed, and
 * every accessor the user agent calls runs over what the parser accepted.
 * Invariants: framing never claims more than it was given, and a parsed
 * message's views lie inside its own buffer.
 */
#include <string.h>

#include "lib/sip/sip_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(const struct sip_msg *m, struct sip_str s)
{
	if (s.len && (s.p < m->buf || s.p + s.len > m->buf + m->len))
		__builtin_trap();
}

static void walk(const struct sip_msg *m)
{
	struct sip_str items[SIP_LIST_MAX], v;
	struct sip_name_addr na;
	struct sip_via via;
	char copy[64];
	uint32_t u;
	int n;

	inside(m, m->body);
	inside(m, m->call_id);
	for (unsigned int i = 0; i < m->n_hdr; i++) {
		inside(m, m->hdr[i].value);
		n = sip_split_list(m->hdr[i].value, items, SIP_LIST_MAX);
		for (int k = 0; k < n; k++) {
			inside(m, items[k]);
			if (sip_parse_name_addr(items[k], &na) == 0) {
				inside(m, na.uri);
				sip_param(na.params, "tag", &v);
				sip_param(na.params, "expires", &v);
			}
			if (sip_parse_via(items[k], &via) == 0) {
				inside(m, via.sent_by);
				if (sip_param(via.params, "branch", &v))
					inside(m, v);
			}
		}
		sip_parse_uint(m->hdr[i].value, &u);
		sip_str_copy(m->hdr[i].value, copy, sizeof(copy));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	struct sip_msg m;
	size_t len;

	if (sip_msg_parse(p, size, &m) == 0) {
		walk(&m);
		sip_msg_free(&m);
	}
	while (size && sip_msg_frame(p, size, &len) == 0) {
		if (len > size || len == 0)
			__builtin_trap();
		if (sip_msg_parse(p, len, &m) == 0) {
			walk(&m);
			sip_msg_free(&m);
		}
		p += len;
		size -= len;
	}
	return 0;
}
