// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the INVITE session and its dialog (daemon/sip/invite.c,
 * dialog.c) under hostile SIP. The input holds messages separated by a
 * line "--\n"; the first byte picks the side. Incoming side: the first
 * message is taken as an initial INVITE, answered, and every later one is
 * handed to the session when it matches. Outgoing side: the phone calls,
 * and every message is taken as what the proxy sends back. The clock
 * moves 1 s per message so that every timer fires somewhere.
 * Invariants: no crash, no leak, and nothing the phone sends fails to
 * parse as SIP.
 */
#include <string.h>

#include "sip/invite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t clock_usec;

static uint64_t f_now(void *ctx) { (void)ctx; return clock_usec; }
static void f_arm(void *ctx, uint64_t at) { (void)ctx; (void)at; }

static int f_send(void *ctx, const char *buf, size_t len)
{
	struct sip_msg m;

	(void)ctx;
	if (sip_msg_parse(buf, len, &m) < 0)
		__builtin_trap();	/* the phone wrote something that is not SIP */
	sip_msg_free(&m);
	return 0;
}

static void f_state(void *ctx, enum invite_state st, unsigned int s, const char *r)
{
	(void)ctx; (void)st; (void)s; (void)r;
}

static unsigned int f_offer(void *ctx, const char *sdp, size_t len, char *ans,
			    size_t cap, size_t *alen)
{
	static const char a[] = "v=0\r\nm=audio 4000 RTP/SAVP 0\r\n";

	(void)ctx;
	if (len && sdp[0] == 'x')
		return 488;
	*alen = sizeof(a) - 1 < cap ? sizeof(a) - 1 : cap;
	memcpy(ans, a, *alen);
	return 0;
}

static unsigned int f_answer(void *ctx, const char *sdp, size_t len)
{
	(void)ctx;
	return len && sdp[0] == 'x' ? 488 : 0;
}

static int f_make_offer(void *ctx, char *sdp, size_t cap, size_t *len)
{
	return (int)f_offer(ctx, "", 0, sdp, cap, len);
}

static const struct invite_ops ops = {
	.now = f_now, .arm = f_arm, .send = f_send, .state = f_state,
	.offer = f_offer, .answer = f_answer, .make_offer = f_make_offer,
};

static const struct invite_config cfg = {
	.local_na = "<sip:alice@corp.test>",
	.contact = "<sip:alice@10.77.0.100:40312;transport=tls>",
	.sent_by = "10.77.0.100:40312",
	.auth_user = "alice",
	.password = "Alice!Pass1",
	.session_expires = 90,
};

static const uint8_t *next_msg(const uint8_t *p, const uint8_t *end, size_t *len)
{
	const uint8_t *q = p;

	while (q < end && !(end - q >= 4 && !memcmp(q, "\n--\n", 4)))
		q++;
	*len = (size_t)(q - p);
	return q < end ? q + 4 : end;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data + 1, *end = data + size;
	struct invite *inv = NULL;
	bool incoming;
	size_t len;

	if (size < 1)
		return 0;
	incoming = data[0] & 1;
	clock_usec = 1;
	if (!incoming && invite_new_outgoing(&cfg, &ops, NULL, "sip:bob@corp.test",
					     "v=0\r\n", 5, &inv) < 0)
		return 0;
	while (p < end) {
		const uint8_t *msg = p;
		struct sip_msg m;

		p = next_msg(p, end, &len);
		clock_usec += 1000000;
		if (sip_msg_parse((const char *)msg, len, &m) < 0)
			continue;
		if (!inv) {
			if (m.request && invite_new_incoming(&cfg, &ops, NULL, &m, &inv) == 0 &&
			    (data[0] & 2))
				invite_accept(inv);
		} else if (invite_matches(inv, &m)) {
			invite_message(inv, &m);
		}
		sip_msg_free(&m);
		if (inv) {
			invite_timer(inv);
			if (data[0] & 4)
				invite_hangup(inv);
			if (data[0] & 8)
				invite_send_info_dtmf(inv, '5', 160);
		}
	}
	invite_free(inv);
	return 0;
}
