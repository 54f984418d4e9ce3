// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writes the seed corpus of fuzz_nl: one well-formed example of every
 * message the daemon decodes, built with libnl the way the kernel builds
 * them, plus one datagram carrying two messages.
 *
 *   gen_nl_seeds OUTDIR STAMP
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <linux/genetlink.h>
#include <linux/input-event-codes.h>
#include <linux/ucphone.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#define FAKE_FAMILY 0x22

static const char *outdir;

static void write_file(const char *name, const void *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static void write_msg(const char *name, struct nl_msg *msg)
{
	write_file(name, nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
}

static struct nl_msg *genl_msg(uint16_t type, uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg || !genlmsg_put(msg, 0, 1, type, 0, 0, cmd, 1))
		exit(1);
	return msg;
}

static struct nl_msg *info(void)
{
	struct nl_msg *msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_GET_INFO);
	static const struct {
		const char *name, *device;
		uint32_t kind;
	} drivers[] = {
		{ "ucphone-keypad", "ucphone-keypad.0", UCPHONE_DRIVER_KIND_KEYPAD },
		{ "ucphone-reset", "ucphone-reset.0", UCPHONE_DRIVER_KIND_RESET },
		{ "ucphone-codec", "1-001a", UCPHONE_DRIVER_KIND_CODEC },
	};
	struct nlattr *list, *entry;

	nla_put_u32(msg, UCPHONE_A_VERSION, UCPHONE_GENL_VERSION);
	nla_put_string(msg, UCPHONE_A_KERNEL_RELEASE, "6.1.0-56-amd64");
	list = nla_nest_start(msg, UCPHONE_A_DRIVERS | NLA_F_NESTED);
	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
		entry = nla_nest_start(msg, 0 | NLA_F_NESTED);
		nla_put_string(msg, UCPHONE_DRIVER_A_NAME, drivers[i].name);
		nla_put_string(msg, UCPHONE_DRIVER_A_DEVICE, drivers[i].device);
		nla_put_u32(msg, UCPHONE_DRIVER_A_KIND, drivers[i].kind);
		nla_nest_end(msg, entry);
	}
	nla_nest_end(msg, list);
	return msg;
}

static struct nl_msg *event(uint32_t type, uint32_t seq, uint16_t attr1,
			    uint32_t v1, uint16_t attr2, uint32_t v2,
			    bool flag)
{
	struct nl_msg *msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_EVENT);
	struct nlattr *nest = nla_nest_start(msg,
					     UCPHONE_A_EVENT | NLA_F_NESTED);

	nla_put_u32(msg, UCPHONE_EVENT_A_TYPE, type);
	nla_put_u32(msg, UCPHONE_EVENT_A_SEQ, seq);
	nla_put_u64(msg, UCPHONE_EVENT_A_TIMESTAMP, 5000000000ULL + seq);
	nla_put_string(msg, UCPHONE_EVENT_A_DRIVER, "ucphone-keypad");
	nla_put_string(msg, UCPHONE_EVENT_A_DEVICE, "ucphone-keypad.0");
	nla_put_u32(msg, attr1, v1);
	if (attr2)
		nla_put_u32(msg, attr2, v2);
	if (flag)
		nla_put_flag(msg, UCPHONE_EVENT_A_RESET_AT_POWER_ON);
	nla_nest_end(msg, nest);
	return msg;
}

static struct nl_msg *family(void)
{
	struct nl_msg *msg = genl_msg(GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
	struct nlattr *list, *grp;

	nla_put_u16(msg, CTRL_ATTR_FAMILY_ID, FAKE_FAMILY);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, UCPHONE_GENL_NAME);
	nla_put_u32(msg, CTRL_ATTR_VERSION, UCPHONE_GENL_VERSION);
	nla_put_u32(msg, CTRL_ATTR_HDRSIZE, 0);
	nla_put_u32(msg, CTRL_ATTR_MAXATTR, UCPHONE_A_MAX);
	list = nla_nest_start(msg, CTRL_ATTR_MCAST_GROUPS);
	grp = nla_nest_start(msg, 1);
	nla_put_u32(msg, CTRL_ATTR_MCAST_GRP_ID, 11);
	nla_put_string(msg, CTRL_ATTR_MCAST_GRP_NAME, UCPHONE_MCGRP_EVENTS);
	nla_nest_end(msg, grp);
	nla_nest_end(msg, list);
	return msg;
}

static struct nl_msg *ack(void)
{
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_ERROR,
						NLM_F_CAPPED | NLM_F_ACK_TLVS);
	struct nlmsgerr e = { .error = -EOPNOTSUPP };

	e.msg.nlmsg_len = NLMSG_HDRLEN;
	e.msg.nlmsg_type = FAKE_FAMILY;
	nlmsg_append(msg, &e, sizeof(e), NLMSG_ALIGNTO);
	nla_put_string(msg, NLMSGERR_ATTR_MSG, "ucphone-srtp is not loaded");
	nla_put_u32(msg, NLMSGERR_ATTR_OFFS, 20);
	return msg;
}

int main(int argc, char **argv)
{
	struct nl_msg *a, *b;
	uint8_t *two;
	size_t la, lb;
	FILE *stamp;

	if (argc != 3) {
		fprintf(stderr, "usage: gen_nl_seeds OUTDIR STAMP\n");
		return 2;
	}
	outdir = argv[1];
	if (mkdir(outdir, 0755) < 0 && errno != EEXIST) {
		perror(outdir);
		return 1;
	}

	write_msg("info", info());
	write_msg("event-key", event(UCPHONE_EVENT_KEY, 1,
				     UCPHONE_EVENT_A_KEY_CODE, KEY_5,
				     UCPHONE_EVENT_A_KEY_VALUE, 1, false));
	write_msg("event-hook", event(UCPHONE_EVENT_HOOK, 2,
				      UCPHONE_EVENT_A_HOOK, UCPHONE_HOOK_OFF,
				      0, 0, false));
	write_msg("event-bound", event(UCPHONE_EVENT_DRIVER_BOUND, 3,
				       UCPHONE_EVENT_A_DRIVER_KIND,
				       UCPHONE_DRIVER_KIND_KEYPAD, 0, 0,
				       false));
	write_msg("event-unbound", event(UCPHONE_EVENT_DRIVER_UNBOUND, 4,
					 UCPHONE_EVENT_A_DRIVER_KIND,
					 UCPHONE_DRIVER_KIND_CODEC, 0, 0,
					 false));
	write_msg("event-reset", event(UCPHONE_EVENT_RESET_BUTTON, 5,
				       UCPHONE_EVENT_A_RESET_KIND,
				       UCPHONE_RESET_HARD,
				       UCPHONE_EVENT_A_RESET_HOLD_MS, 12000,
				       true));
	write_msg("event-audio", event(UCPHONE_EVENT_AUDIO_ROUTE, 6,
				       UCPHONE_EVENT_A_AUDIO_ROUTE,
				       UCPHONE_AUDIO_ROUTE_HEADSET, 0, 0,
				       false));
	write_msg("family", family());
	write_msg("ack", ack());

	/* Two events in one datagram, as a burst arrives. */
	a = event(UCPHONE_EVENT_KEY, 7, UCPHONE_EVENT_A_KEY_CODE, KEY_1,
		  UCPHONE_EVENT_A_KEY_VALUE, 1, false);
	b = event(UCPHONE_EVENT_KEY, 8, UCPHONE_EVENT_A_KEY_CODE, KEY_1,
		  UCPHONE_EVENT_A_KEY_VALUE, 0, false);
	la = nlmsg_hdr(a)->nlmsg_len;
	lb = nlmsg_hdr(b)->nlmsg_len;
	two = calloc(1, NLMSG_ALIGN(la) + lb);
	if (!two)
		return 1;
	memcpy(two, nlmsg_hdr(a), la);
	memcpy(two + NLMSG_ALIGN(la), nlmsg_hdr(b), lb);
	write_file("datagram-two-events", two, NLMSG_ALIGN(la) + lb);
	free(two);
	nlmsg_free(a);
	nlmsg_free(b);

	stamp = fopen(argv[2], "w");
	if (!stamp || fclose(stamp) != 0) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}
