// SPDX-License-Identifier: GPL-2.0-only
/*
 * The netlink decoders (userspace/lib/netlink/ucphone_nl.c) against messages built
 * the way the kernel builds them, with libnl's nla_put helpers: every
 * message type round-trips, and every kind of damage is refused.
 *
 * Each decode runs on an exact-size heap copy, so AddressSanitizer builds
 * catch any read past the end.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/input-event-codes.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "kselftest_harness.h"
#include "lib/control/ucphone_json.h"
#include "lib/netlink/ucphone_nl.h"

/* Any id at or above NLMSG_MIN_TYPE will do for a dynamic family. */
#define FAKE_FAMILY 0x22

enum decoder { DECODE_INFO, DECODE_EVENT, DECODE_FAMILY, DECODE_ACK };

struct result {
	int ret;
	struct ucphone_nl_error err;
	struct ucphone_info info;
	struct ucphone_event ev;
	struct genl_family_desc fam;
	int ack_error;
	char ack_msg[UCPHONE_NL_ACK_MSG_MAX];
};

/* Decodes len bytes of buf from an exact-size copy. */
static int decode_bytes(enum decoder which, const void *buf, size_t len,
			struct result *r)
{
	void *copy = malloc(len ? len : 1);

	memcpy(copy, buf, len);
	memset(&r->err, 0, sizeof(r->err));
	switch (which) {
	case DECODE_INFO:
		r->ret = ucphone_nl_decode_info(copy, len, &r->info, &r->err);
		break;
	case DECODE_EVENT:
		r->ret = ucphone_nl_decode_event(copy, len, &r->ev, &r->err);
		break;
	case DECODE_FAMILY:
		r->ret = ucphone_nl_decode_family(copy, len, "events",
						  &r->fam, &r->err);
		break;
	case DECODE_ACK:
		r->ret = ucphone_nl_decode_ack(copy, len, &r->ack_error,
					       r->ack_msg, &r->err);
		break;
	}
	free(copy);
	return r->ret;
}

static int decode(enum decoder which, struct nl_msg *msg, struct result *r)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	return decode_bytes(which, nlh, nlh->nlmsg_len, r);
}

static struct nl_msg *genl_msg(uint16_t type, uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, 0, 1, type, 0, 0, cmd, 1)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

/* ---- GET_INFO ---- */

static void put_driver(struct nl_msg *msg, const char *name,
		       const char *device, uint32_t kind)
{
	struct nlattr *entry = nla_nest_start(msg, 0);

	nla_put_string(msg, UCPHONE_DRIVER_A_NAME, name);
	nla_put_string(msg, UCPHONE_DRIVER_A_DEVICE, device);
	nla_put_u32(msg, UCPHONE_DRIVER_A_KIND, kind);
	nla_nest_end(msg, entry);
}

static struct nl_msg *info_msg(unsigned int n_drivers)
{
	struct nl_msg *msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_GET_INFO);
	struct nlattr *list;
	char name[UCPHONE_NAME_MAX], device[UCPHONE_NAME_MAX];

	nla_put_u32(msg, UCPHONE_A_VERSION, UCPHONE_GENL_VERSION);
	nla_put_string(msg, UCPHONE_A_KERNEL_RELEASE, "6.1.0-56-amd64");
	list = nla_nest_start(msg, UCPHONE_A_DRIVERS | NLA_F_NESTED);
	for (unsigned int i = 0; i < n_drivers; i++) {
		snprintf(name, sizeof(name), "ucphone-drv%u", i);
		snprintf(device, sizeof(device), "ucphone-drv%u.0", i);
		put_driver(msg, name, device, 1 + i % UCPHONE_DRIVER_KIND_MAX);
	}
	/* libnl drops an empty nest unless told to keep it. */
	if (n_drivers)
		nla_nest_end(msg, list);
	else
		nla_nest_end_keep_empty(msg, list);
	return msg;
}

TEST(info_round_trip)
{
	struct nl_msg *msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_GET_INFO);
	struct nlattr *list;
	struct result r;

	nla_put_u32(msg, UCPHONE_A_VERSION, 1);
	nla_put_string(msg, UCPHONE_A_KERNEL_RELEASE, "6.1.0-56-amd64");
	list = nla_nest_start(msg, UCPHONE_A_DRIVERS);
	put_driver(msg, "ucphone-keypad", "ucphone-keypad.0",
		   UCPHONE_DRIVER_KIND_KEYPAD);
	put_driver(msg, "ucphone-reset", "ucphone-reset.0",
		   UCPHONE_DRIVER_KIND_RESET);
	nla_nest_end(msg, list);

	ASSERT_EQ(0, decode(DECODE_INFO, msg, &r)) {
		TH_LOG("%s (%s)", r.err.reason, r.err.attr);
	}
	EXPECT_EQ(1, r.info.version);
	EXPECT_STREQ("6.1.0-56-amd64", r.info.kernel_release);
	ASSERT_EQ(2, r.info.n_drivers);
	EXPECT_STREQ("ucphone-keypad", r.info.drivers[0].name);
	EXPECT_STREQ("ucphone-keypad.0", r.info.drivers[0].device);
	EXPECT_EQ(UCPHONE_DRIVER_KIND_KEYPAD, r.info.drivers[0].kind);
	EXPECT_STREQ("ucphone-reset", r.info.drivers[1].name);
	EXPECT_EQ(UCPHONE_DRIVER_KIND_RESET, r.info.drivers[1].kind);

	struct json_object *json = ucphone_drivers_to_json(&r.info);

	EXPECT_STREQ("[{\"name\":\"ucphone-keypad\",\"device\":"
		     "\"ucphone-keypad.0\",\"kind\":\"keypad\"},"
		     "{\"name\":\"ucphone-reset\",\"device\":"
		     "\"ucphone-reset.0\",\"kind\":\"reset\"}]",
		     json_object_to_json_string_ext(json,
						    JSON_C_TO_STRING_PLAIN));
	json_object_put(json);
	nlmsg_free(msg);
}

TEST(info_without_drivers)
{
	struct nl_msg *msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_GET_INFO);
	struct result r;

	nla_put_u32(msg, UCPHONE_A_VERSION, 1);
	nla_put_string(msg, UCPHONE_A_KERNEL_RELEASE, "6.1.0");
	ASSERT_EQ(0, decode(DECODE_INFO, msg, &r));
	EXPECT_EQ(0, r.info.n_drivers);
	nlmsg_free(msg);

	/* An empty list is just as good. */
	msg = info_msg(0);
	ASSERT_EQ(0, decode(DECODE_INFO, msg, &r));
	EXPECT_EQ(0, r.info.n_drivers);
	nlmsg_free(msg);
}

TEST(info_driver_count_limit)
{
	struct nl_msg *msg = info_msg(UCPHONE_INFO_DRIVERS_MAX);
	struct result r;

	ASSERT_EQ(0, decode(DECODE_INFO, msg, &r));
	EXPECT_EQ(UCPHONE_INFO_DRIVERS_MAX, r.info.n_drivers);
	nlmsg_free(msg);

	msg = info_msg(UCPHONE_INFO_DRIVERS_MAX + 1);
	EXPECT_EQ(-EMSGSIZE, decode(DECODE_INFO, msg, &r));
	EXPECT_STREQ("too many drivers", r.err.reason);
	nlmsg_free(msg);
}

TEST(info_missing_or_bad_fields)
{
	struct nl_msg *msg;
	struct nlattr *list, *entry;
	struct result r;

	/* No version. */
	msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_GET_INFO);
	nla_put_string(msg, UCPHONE_A_KERNEL_RELEASE, "6.1.0");
	EXPECT_EQ(-EINVAL, decode(DECODE_INFO, msg, &r));
	EXPECT_STREQ("UCPHONE_A_VERSION", r.err.attr);
	nlmsg_free(msg);

	/* Version 0 does not exist. */
	msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_GET_INFO);
	nla_put_u32(msg, UCPHONE_A_VERSION, 0);
	nla_put_string(msg, UCPHONE_A_KERNEL_RELEASE, "6.1.0");
	EXPECT_EQ(-ERANGE, decode(DECODE_INFO, msg, &r));
	nlmsg_free(msg);

	/* A driver entry without its kind. */
	msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_GET_INFO);
	nla_put_u32(msg, UCPHONE_A_VERSION, 1);
	nla_put_string(msg, UCPHONE_A_KERNEL_RELEASE, "6.1.0");
	list = nla_nest_start(msg, UCPHONE_A_DRIVERS);
	entry = nla_nest_start(msg, 0);
	nla_put_string(msg, UCPHONE_DRIVER_A_NAME, "x");
	nla_put_string(msg, UCPHONE_DRIVER_A_DEVICE, "y");
	nla_nest_end(msg, entry);
	nla_nest_end(msg, list);
	EXPECT_EQ(-EINVAL, decode(DECODE_INFO, msg, &r));
	EXPECT_STREQ("missing attribute", r.err.reason);
	EXPECT_STREQ("UCPHONE_DRIVER_A_KIND", r.err.attr);
	nlmsg_free(msg);

	/* Driver kinds outside the enum. */
	for (uint32_t kind = 0; kind <= UCPHONE_DRIVER_KIND_MAX + 1;
	     kind += UCPHONE_DRIVER_KIND_MAX + 1) {
		msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_GET_INFO);
		nla_put_u32(msg, UCPHONE_A_VERSION, 1);
		nla_put_string(msg, UCPHONE_A_KERNEL_RELEASE, "6.1.0");
		list = nla_nest_start(msg, UCPHONE_A_DRIVERS);
		put_driver(msg, "x", "y", kind);
		nla_nest_end(msg, list);
		EXPECT_EQ(-ERANGE, decode(DECODE_INFO, msg, &r));
		nlmsg_free(msg);
	}

	/* A list entry must have type 0. */
	msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_GET_INFO);
	nla_put_u32(msg, UCPHONE_A_VERSION, 1);
	nla_put_string(msg, UCPHONE_A_KERNEL_RELEASE, "6.1.0");
	list = nla_nest_start(msg, UCPHONE_A_DRIVERS);
	entry = nla_nest_start(msg, 1);
	nla_put_string(msg, UCPHONE_DRIVER_A_NAME, "x");
	nla_put_string(msg, UCPHONE_DRIVER_A_DEVICE, "y");
	nla_put_u32(msg, UCPHONE_DRIVER_A_KIND, 1);
	nla_nest_end(msg, entry);
	nla_nest_end(msg, list);
	EXPECT_EQ(-EINVAL, decode(DECODE_INFO, msg, &r));
	nlmsg_free(msg);

	/* An event does not belong in a GET_INFO reply. */
	msg = info_msg(1);
	nla_put_flag(msg, UCPHONE_A_EVENT);
	EXPECT_EQ(-EINVAL, decode(DECODE_INFO, msg, &r));
	nlmsg_free(msg);
}

TEST(release_length_limits)
{
	char release[UCPHONE_RELEASE_MAX + 1];
	struct nl_msg *msg;
	struct result r;

	memset(release, 'r', sizeof(release));
	release[UCPHONE_RELEASE_MAX - 1] = '\0';	/* longest allowed */
	msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_GET_INFO);
	nla_put_u32(msg, UCPHONE_A_VERSION, 1);
	nla_put_string(msg, UCPHONE_A_KERNEL_RELEASE, release);
	EXPECT_EQ(0, decode(DECODE_INFO, msg, &r));
	EXPECT_STREQ(release, r.info.kernel_release);
	nlmsg_free(msg);

	release[UCPHONE_RELEASE_MAX - 1] = 'r';
	release[UCPHONE_RELEASE_MAX] = '\0';		/* one too long */
	msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_GET_INFO);
	nla_put_u32(msg, UCPHONE_A_VERSION, 1);
	nla_put_string(msg, UCPHONE_A_KERNEL_RELEASE, release);
	EXPECT_EQ(-EMSGSIZE, decode(DECODE_INFO, msg, &r));
	nlmsg_free(msg);
}

/* ---- events ---- */

static struct nlattr *event_begin(struct nl_msg *msg, uint32_t type,
				  const char *driver, const char *device)
{
	struct nlattr *nest = nla_nest_start(msg, UCPHONE_A_EVENT);

	nla_put_u32(msg, UCPHONE_EVENT_A_TYPE, type);
	nla_put_u32(msg, UCPHONE_EVENT_A_SEQ, 42);
	nla_put_u64(msg, UCPHONE_EVENT_A_TIMESTAMP, 123456789012ULL);
	nla_put_string(msg, UCPHONE_EVENT_A_DRIVER, driver);
	nla_put_string(msg, UCPHONE_EVENT_A_DEVICE, device);
	return nest;
}

static struct nl_msg *key_event(uint32_t code, uint32_t value)
{
	struct nl_msg *msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_EVENT);
	struct nlattr *nest = event_begin(msg, UCPHONE_EVENT_KEY,
					  "ucphone-keypad",
					  "ucphone-keypad.0");

	nla_put_u32(msg, UCPHONE_EVENT_A_KEY_CODE, code);
	nla_put_u32(msg, UCPHONE_EVENT_A_KEY_VALUE, value);
	nla_nest_end(msg, nest);
	return msg;
}

/* One-u32-attribute events: hook, audio route, driver (un)bound. */
static struct nl_msg *simple_event(uint32_t type, uint16_t attr,
				   uint32_t value)
{
	struct nl_msg *msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_EVENT);
	struct nlattr *nest = event_begin(msg, type, "ucphone-x",
					  "ucphone-x.0");

	nla_put_u32(msg, attr, value);
	nla_nest_end(msg, nest);
	return msg;
}

static const char *event_json(const struct ucphone_event *ev, char *buf,
			      size_t size)
{
	struct json_object *obj = ucphone_event_to_json(ev);

	snprintf(buf, size, "%s",
		 json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN));
	json_object_put(obj);
	return buf;
}

TEST(event_key_round_trip)
{
	struct nl_msg *msg = key_event(KEY_5, 1);
	struct result r;
	char json[512];

	ASSERT_EQ(0, decode(DECODE_EVENT, msg, &r)) {
		TH_LOG("%s (%s)", r.err.reason, r.err.attr);
	}
	EXPECT_EQ(UCPHONE_EVENT_KEY, r.ev.type);
	EXPECT_EQ(42, r.ev.seq);
	EXPECT_EQ(123456789012ULL, r.ev.timestamp_ns);
	EXPECT_STREQ("ucphone-keypad", r.ev.driver);
	EXPECT_STREQ("ucphone-keypad.0", r.ev.device);
	EXPECT_EQ(KEY_5, r.ev.key.code);
	EXPECT_TRUE(r.ev.key.pressed);
	EXPECT_STREQ("{\"event\":\"key\",\"seq\":42,"
		     "\"timestamp_ns\":123456789012,"
		     "\"driver\":\"ucphone-keypad\","
		     "\"device\":\"ucphone-keypad.0\",\"code\":6,"
		     "\"pressed\":true}",
		     event_json(&r.ev, json, sizeof(json)));
	nlmsg_free(msg);

	msg = key_event(KEY_NUMERIC_STAR, 0);
	ASSERT_EQ(0, decode(DECODE_EVENT, msg, &r));
	EXPECT_EQ(KEY_NUMERIC_STAR, r.ev.key.code);
	EXPECT_FALSE(r.ev.key.pressed);
	nlmsg_free(msg);
}

TEST(event_driver_bound_unbound_round_trip)
{
	uint32_t types[] = { UCPHONE_EVENT_DRIVER_BOUND,
			     UCPHONE_EVENT_DRIVER_UNBOUND };
	static const char *const names[] = { "driver-bound",
					      "driver-unbound" };
	struct result r;
	char json[512], want[512];

	for (int i = 0; i < 2; i++) {
		struct nl_msg *msg = simple_event(types[i],
						  UCPHONE_EVENT_A_DRIVER_KIND,
						  UCPHONE_DRIVER_KIND_CODEC);

		ASSERT_EQ(0, decode(DECODE_EVENT, msg, &r));
		EXPECT_EQ(types[i], r.ev.type);
		EXPECT_EQ(UCPHONE_DRIVER_KIND_CODEC, r.ev.binding.kind);
		snprintf(want, sizeof(want),
			 "{\"event\":\"%s\",\"seq\":42,"
			 "\"timestamp_ns\":123456789012,"
			 "\"driver\":\"ucphone-x\",\"device\":\"ucphone-x.0\","
			 "\"kind\":\"codec\"}", names[i]);
		EXPECT_STREQ(want, event_json(&r.ev, json, sizeof(json)));
		nlmsg_free(msg);
	}
}

TEST(event_hook_round_trip)
{
	struct nl_msg *msg = simple_event(UCPHONE_EVENT_HOOK,
					  UCPHONE_EVENT_A_HOOK,
					  UCPHONE_HOOK_OFF);
	struct result r;
	char json[512];

	ASSERT_EQ(0, decode(DECODE_EVENT, msg, &r));
	EXPECT_EQ(UCPHONE_EVENT_HOOK, r.ev.type);
	EXPECT_EQ(UCPHONE_HOOK_OFF, r.ev.hook.state);
	EXPECT_NE(NULL, strstr(event_json(&r.ev, json, sizeof(json)),
			       "\"hook\":\"off\""));
	nlmsg_free(msg);
}

TEST(event_audio_route_round_trip)
{
	struct nl_msg *msg = simple_event(UCPHONE_EVENT_AUDIO_ROUTE,
					  UCPHONE_EVENT_A_AUDIO_ROUTE,
					  UCPHONE_AUDIO_ROUTE_SPEAKER);
	struct result r;
	char json[512];

	ASSERT_EQ(0, decode(DECODE_EVENT, msg, &r));
	EXPECT_EQ(UCPHONE_AUDIO_ROUTE_SPEAKER, r.ev.audio.route);
	EXPECT_NE(NULL, strstr(event_json(&r.ev, json, sizeof(json)),
			       "\"route\":\"speaker\""));
	nlmsg_free(msg);
}

static struct nl_msg *reset_event(uint32_t kind, uint32_t hold_ms,
				  bool at_power_on)
{
	struct nl_msg *msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_EVENT);
	struct nlattr *nest = event_begin(msg, UCPHONE_EVENT_RESET_BUTTON,
					  "ucphone-reset", "ucphone-reset.0");

	nla_put_u32(msg, UCPHONE_EVENT_A_RESET_KIND, kind);
	nla_put_u32(msg, UCPHONE_EVENT_A_RESET_HOLD_MS, hold_ms);
	if (at_power_on)
		nla_put_flag(msg, UCPHONE_EVENT_A_RESET_AT_POWER_ON);
	nla_nest_end(msg, nest);
	return msg;
}

TEST(event_reset_button_round_trip)
{
	struct nl_msg *msg = reset_event(UCPHONE_RESET_HARD, 12000, true);
	struct result r;
	char json[512];

	ASSERT_EQ(0, decode(DECODE_EVENT, msg, &r));
	EXPECT_EQ(UCPHONE_EVENT_RESET_BUTTON, r.ev.type);
	EXPECT_EQ(UCPHONE_RESET_HARD, r.ev.reset.kind);
	EXPECT_EQ(12000, r.ev.reset.hold_ms);
	EXPECT_TRUE(r.ev.reset.at_power_on);
	EXPECT_NE(NULL, strstr(event_json(&r.ev, json, sizeof(json)),
			       "\"reset\":\"hard\",\"hold_ms\":12000,"
			       "\"at_power_on\":true"));
	nlmsg_free(msg);

	/* The flag is optional. */
	msg = reset_event(UCPHONE_RESET_SOFT, 300, false);
	ASSERT_EQ(0, decode(DECODE_EVENT, msg, &r));
	EXPECT_EQ(UCPHONE_RESET_SOFT, r.ev.reset.kind);
	EXPECT_FALSE(r.ev.reset.at_power_on);
	nlmsg_free(msg);
}

TEST(event_padding_and_nested_flag_accepted)
{
	/* As the kernel's nla_put_u64_64bit() and nla_nest_start() send. */
	struct nl_msg *msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_EVENT);
	struct nlattr *nest;
	struct result r;

	nla_put(msg, UCPHONE_A_PAD, 0, NULL);
	nest = nla_nest_start(msg, UCPHONE_A_EVENT | NLA_F_NESTED);
	nla_put_u32(msg, UCPHONE_EVENT_A_TYPE, UCPHONE_EVENT_HOOK);
	nla_put_u32(msg, UCPHONE_EVENT_A_SEQ, 1);
	nla_put(msg, UCPHONE_EVENT_A_PAD, 0, NULL);
	nla_put_u64(msg, UCPHONE_EVENT_A_TIMESTAMP, 5);
	nla_put_string(msg, UCPHONE_EVENT_A_DRIVER, "a");
	nla_put_string(msg, UCPHONE_EVENT_A_DEVICE, "b");
	nla_put_u32(msg, UCPHONE_EVENT_A_HOOK, UCPHONE_HOOK_ON);
	nla_nest_end(msg, nest);
	ASSERT_EQ(0, decode(DECODE_EVENT, msg, &r)) {
		TH_LOG("%s (%s)", r.err.reason, r.err.attr);
	}
	EXPECT_EQ(UCPHONE_HOOK_ON, r.ev.hook.state);
	nlmsg_free(msg);
}

TEST(event_truncated_anywhere)
{
	struct nl_msg *msg = key_event(KEY_1, 1);
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	uint32_t full = nlh->nlmsg_len;
	struct result r;

	/* Every shorter nlmsg_len cuts an attribute or loses a required one. */
	for (uint32_t len = 0; len < full; len++) {
		nlh->nlmsg_len = len;
		EXPECT_GT(0, decode_bytes(DECODE_EVENT, nlh, full, &r)) {
			TH_LOG("accepted nlmsg_len %u of %u", len, full);
		}
	}
	/* And a buffer shorter than the message's own length. */
	nlh->nlmsg_len = full;
	for (uint32_t len = 0; len < full; len++)
		EXPECT_EQ(-EBADMSG, decode_bytes(DECODE_EVENT, nlh, len, &r));
	nlmsg_free(msg);
}

/* The attribute of type attr inside UCPHONE_A_EVENT, to damage it. */
static struct nlattr *event_attr(struct nl_msg *msg, int attr)
{
	struct nlattr *nest = nlmsg_find_attr(nlmsg_hdr(msg), GENL_HDRLEN,
					      UCPHONE_A_EVENT);

	return nest ? nla_find(nla_data(nest), nla_len(nest), attr) : NULL;
}

TEST(event_attribute_overruns_its_nest)
{
	struct nl_msg *msg = key_event(KEY_1, 1);
	struct nlattr *seq = event_attr(msg, UCPHONE_EVENT_A_SEQ);
	struct nlattr *value = event_attr(msg, UCPHONE_EVENT_A_KEY_VALUE);
	struct result r;

	ASSERT_NE(NULL, seq);
	ASSERT_NE(NULL, value);
	/* The nest's last attribute claims 4 bytes more than it has. */
	value->nla_len += 4;
	EXPECT_EQ(-EINVAL, decode(DECODE_EVENT, msg, &r));
	EXPECT_STREQ("truncated attribute", r.err.reason);
	value->nla_len -= 4;

	/* An attribute shorter than its own header. */
	seq->nla_len = 2;
	EXPECT_EQ(-EINVAL, decode(DECODE_EVENT, msg, &r));
	nlmsg_free(msg);
}

TEST(event_oversize_and_undersize_integers)
{
	struct nl_msg *msg;
	struct nlattr *nest;
	struct result r;

	/* u32 sent as u64. */
	msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_EVENT);
	nest = event_begin(msg, UCPHONE_EVENT_KEY, "a", "b");
	nla_put_u64(msg, UCPHONE_EVENT_A_KEY_CODE, KEY_1);
	nla_put_u32(msg, UCPHONE_EVENT_A_KEY_VALUE, 1);
	nla_nest_end(msg, nest);
	EXPECT_EQ(-EINVAL, decode(DECODE_EVENT, msg, &r));
	EXPECT_STREQ("wrong length", r.err.reason);
	EXPECT_STREQ("UCPHONE_EVENT_A_KEY_CODE", r.err.attr);
	nlmsg_free(msg);

	/* u32 sent as u16. */
	msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_EVENT);
	nest = event_begin(msg, UCPHONE_EVENT_KEY, "a", "b");
	nla_put_u16(msg, UCPHONE_EVENT_A_KEY_CODE, KEY_1);
	nla_put_u32(msg, UCPHONE_EVENT_A_KEY_VALUE, 1);
	nla_nest_end(msg, nest);
	EXPECT_EQ(-EINVAL, decode(DECODE_EVENT, msg, &r));
	nlmsg_free(msg);

	/* The u64 timestamp sent as u32. */
	msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_EVENT);
	nest = nla_nest_start(msg, UCPHONE_A_EVENT);
	nla_put_u32(msg, UCPHONE_EVENT_A_TYPE, UCPHONE_EVENT_HOOK);
	nla_put_u32(msg, UCPHONE_EVENT_A_SEQ, 1);
	nla_put_u32(msg, UCPHONE_EVENT_A_TIMESTAMP, 5);
	nla_put_string(msg, UCPHONE_EVENT_A_DRIVER, "a");
	nla_put_string(msg, UCPHONE_EVENT_A_DEVICE, "b");
	nla_put_u32(msg, UCPHONE_EVENT_A_HOOK, UCPHONE_HOOK_ON);
	nla_nest_end(msg, nest);
	EXPECT_EQ(-EINVAL, decode(DECODE_EVENT, msg, &r));
	EXPECT_STREQ("UCPHONE_EVENT_A_TIMESTAMP", r.err.attr);
	nlmsg_free(msg);

	/* A flag with a payload. */
	msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_EVENT);
	nest = event_begin(msg, UCPHONE_EVENT_RESET_BUTTON, "a", "b");
	nla_put_u32(msg, UCPHONE_EVENT_A_RESET_KIND, UCPHONE_RESET_SOFT);
	nla_put_u32(msg, UCPHONE_EVENT_A_RESET_HOLD_MS, 1);
	nla_put_u32(msg, UCPHONE_EVENT_A_RESET_AT_POWER_ON, 1);
	nla_nest_end(msg, nest);
	EXPECT_EQ(-EINVAL, decode(DECODE_EVENT, msg, &r));
	nlmsg_free(msg);
}

TEST(event_wrong_types)
{
	struct nl_msg *msg;
	struct nlattr *nest;
	struct result r;

	/* A string without its NUL. */
	msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_EVENT);
	nest = nla_nest_start(msg, UCPHONE_A_EVENT);
	nla_put_u32(msg, UCPHONE_EVENT_A_TYPE, UCPHONE_EVENT_HOOK);
	nla_put_u32(msg, UCPHONE_EVENT_A_SEQ, 1);
	nla_put_u64(msg, UCPHONE_EVENT_A_TIMESTAMP, 5);
	nla_put(msg, UCPHONE_EVENT_A_DRIVER, 4, "abcd");
	nla_put_string(msg, UCPHONE_EVENT_A_DEVICE, "b");
	nla_put_u32(msg, UCPHONE_EVENT_A_HOOK, UCPHONE_HOOK_ON);
	nla_nest_end(msg, nest);
	EXPECT_EQ(-EINVAL, decode(DECODE_EVENT, msg, &r));
	EXPECT_STREQ("string not NUL-terminated", r.err.reason);
	nlmsg_free(msg);

	/* A u32 flagged as nested. */
	msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_EVENT);
	nest = event_begin(msg, UCPHONE_EVENT_HOOK, "a", "b");
	nla_put_u32(msg, UCPHONE_EVENT_A_HOOK | NLA_F_NESTED, UCPHONE_HOOK_ON);
	nla_nest_end(msg, nest);
	EXPECT_EQ(-EINVAL, decode(DECODE_EVENT, msg, &r));
	EXPECT_STREQ("unexpected nested flag", r.err.reason);
	nlmsg_free(msg);

	/* Network byte order is never used in this family. */
	msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_EVENT);
	nest = event_begin(msg, UCPHONE_EVENT_HOOK, "a", "b");
	nla_put_u32(msg, UCPHONE_EVENT_A_HOOK | NLA_F_NET_BYTEORDER,
		    UCPHONE_HOOK_ON);
	nla_nest_end(msg, nest);
	EXPECT_EQ(-EINVAL, decode(DECODE_EVENT, msg, &r));
	nlmsg_free(msg);

	/* The event itself as a flag, not a nest. */
	msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_EVENT);
	nla_put_u32(msg, UCPHONE_A_EVENT, 1);
	EXPECT_EQ(-EINVAL, decode(DECODE_EVENT, msg, &r));
	nlmsg_free(msg);
}

TEST(event_unknown_attributes)
{
	uint16_t unknown[] = { 0, UCPHONE_EVENT_A_MAX + 1, 0x3fff };
	struct nl_msg *msg;
	struct nlattr *nest;
	struct result r;

	for (unsigned int i = 0; i < 3; i++) {
		msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_EVENT);
		nest = event_begin(msg, UCPHONE_EVENT_HOOK, "a", "b");
		nla_put_u32(msg, UCPHONE_EVENT_A_HOOK, UCPHONE_HOOK_ON);
		nla_put_u32(msg, unknown[i], 0);
		nla_nest_end(msg, nest);
		if (unknown[i] == 0) {
			/* Type 0 is never valid. */
			EXPECT_EQ(-EINVAL, decode(DECODE_EVENT, msg, &r));
			EXPECT_STREQ("unknown or unexpected attribute",
				     r.err.reason);
		} else {
			/* Newer than this build: ignored, the rest is read. */
			EXPECT_EQ(0, decode(DECODE_EVENT, msg, &r));
			EXPECT_EQ(UCPHONE_HOOK_ON, r.ev.hook.state);
		}
		nlmsg_free(msg);
	}

	/* Newer attributes at the top level, beside the event, too. */
	msg = simple_event(UCPHONE_EVENT_HOOK, UCPHONE_EVENT_A_HOOK, 1);
	nla_put_u32(msg, UCPHONE_A_MAX + 1, 0);
	EXPECT_EQ(0, decode(DECODE_EVENT, msg, &r));
	nlmsg_free(msg);

	/* Known, but not in an event message. */
	msg = simple_event(UCPHONE_EVENT_HOOK, UCPHONE_EVENT_A_HOOK, 1);
	nla_put_u32(msg, UCPHONE_A_VERSION, 1);
	EXPECT_EQ(-EINVAL, decode(DECODE_EVENT, msg, &r));
	EXPECT_STREQ("UCPHONE_A_VERSION", r.err.attr);
	nlmsg_free(msg);

	/* Known, but belonging to another event type. */
	msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_EVENT);
	nest = event_begin(msg, UCPHONE_EVENT_HOOK, "a", "b");
	nla_put_u32(msg, UCPHONE_EVENT_A_HOOK, UCPHONE_HOOK_ON);
	nla_put_u32(msg, UCPHONE_EVENT_A_KEY_CODE, KEY_1);
	nla_nest_end(msg, nest);
	EXPECT_EQ(-EINVAL, decode(DECODE_EVENT, msg, &r));
	EXPECT_STREQ("attribute not allowed for this event type",
		     r.err.reason);
	nlmsg_free(msg);
}

TEST(event_duplicate_and_trailing)
{
	struct nl_msg *msg;
	struct nlattr *nest;
	struct result r;

	msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_EVENT);
	nest = event_begin(msg, UCPHONE_EVENT_HOOK, "a", "b");
	nla_put_u32(msg, UCPHONE_EVENT_A_HOOK, UCPHONE_HOOK_ON);
	nla_put_u32(msg, UCPHONE_EVENT_A_HOOK, UCPHONE_HOOK_OFF);
	nla_nest_end(msg, nest);
	EXPECT_EQ(-EINVAL, decode(DECODE_EVENT, msg, &r));
	EXPECT_STREQ("duplicate attribute", r.err.reason);
	nlmsg_free(msg);

	/* Four stray bytes at the end of the nest: a bogus header. */
	msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_EVENT);
	nest = event_begin(msg, UCPHONE_EVENT_HOOK, "a", "b");
	nla_put_u32(msg, UCPHONE_EVENT_A_HOOK, UCPHONE_HOOK_ON);
	memset(nlmsg_reserve(msg, 4, 4), 0xee, 4);
	nla_nest_end(msg, nest);
	EXPECT_EQ(-EINVAL, decode(DECODE_EVENT, msg, &r));
	EXPECT_STREQ("truncated attribute", r.err.reason);

	/* Three: too few for a header. */
	nest->nla_len -= 1;
	EXPECT_EQ(-EINVAL, decode(DECODE_EVENT, msg, &r));
	EXPECT_STREQ("trailing bytes after attributes", r.err.reason);
	nlmsg_free(msg);
}

TEST(event_missing_attributes)
{
	int required[] = { UCPHONE_EVENT_A_SEQ, UCPHONE_EVENT_A_TIMESTAMP,
			   UCPHONE_EVENT_A_DRIVER, UCPHONE_EVENT_A_DEVICE,
			   UCPHONE_EVENT_A_HOOK };
	struct result r;

	for (unsigned int skip = 0; skip < 5; skip++) {
		struct nl_msg *msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_EVENT);
		struct nlattr *nest = nla_nest_start(msg, UCPHONE_A_EVENT);

		nla_put_u32(msg, UCPHONE_EVENT_A_TYPE, UCPHONE_EVENT_HOOK);
		for (unsigned int i = 0; i < 5; i++) {
			if (i == skip)
				continue;
			if (required[i] == UCPHONE_EVENT_A_TIMESTAMP)
				nla_put_u64(msg, required[i], 1);
			else if (required[i] == UCPHONE_EVENT_A_DRIVER ||
				 required[i] == UCPHONE_EVENT_A_DEVICE)
				nla_put_string(msg, required[i], "x");
			else
				nla_put_u32(msg, required[i], 1);
		}
		nla_nest_end(msg, nest);
		EXPECT_EQ(-EINVAL, decode(DECODE_EVENT, msg, &r));
		EXPECT_STREQ("missing attribute", r.err.reason);
		nlmsg_free(msg);
	}

	/* No event at all. */
	struct nl_msg *msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_EVENT);

	EXPECT_EQ(-EINVAL, decode(DECODE_EVENT, msg, &r));
	EXPECT_STREQ("UCPHONE_A_EVENT", r.err.attr);
	nlmsg_free(msg);
}

TEST(event_values_out_of_range)
{
	struct nl_msg *msg;
	struct result r;

	msg = key_event(KEY_1, 2);	/* autorepeat is not in the UAPI */
	EXPECT_EQ(-ERANGE, decode(DECODE_EVENT, msg, &r));
	nlmsg_free(msg);
	msg = key_event(KEY_MAX + 1, 1);
	EXPECT_EQ(-ERANGE, decode(DECODE_EVENT, msg, &r));
	nlmsg_free(msg);
	msg = simple_event(UCPHONE_EVENT_HOOK, UCPHONE_EVENT_A_HOOK,
			   __UCPHONE_HOOK_LAST);
	EXPECT_EQ(-ERANGE, decode(DECODE_EVENT, msg, &r));
	nlmsg_free(msg);
	msg = simple_event(UCPHONE_EVENT_HOOK, UCPHONE_EVENT_A_HOOK, 0);
	EXPECT_EQ(-ERANGE, decode(DECODE_EVENT, msg, &r));
	nlmsg_free(msg);
	msg = simple_event(UCPHONE_EVENT_AUDIO_ROUTE,
			   UCPHONE_EVENT_A_AUDIO_ROUTE,
			   __UCPHONE_AUDIO_ROUTE_LAST);
	EXPECT_EQ(-ERANGE, decode(DECODE_EVENT, msg, &r));
	nlmsg_free(msg);
	msg = simple_event(UCPHONE_EVENT_DRIVER_BOUND,
			   UCPHONE_EVENT_A_DRIVER_KIND,
			   __UCPHONE_DRIVER_KIND_LAST);
	EXPECT_EQ(-ERANGE, decode(DECODE_EVENT, msg, &r));
	nlmsg_free(msg);
	msg = reset_event(__UCPHONE_RESET_LAST, 1, false);
	EXPECT_EQ(-ERANGE, decode(DECODE_EVENT, msg, &r));
	nlmsg_free(msg);

	/* Event type 0 is invalid; one past the end is a newer kernel's. */
	msg = simple_event(0, UCPHONE_EVENT_A_HOOK, 1);
	EXPECT_EQ(-ERANGE, decode(DECODE_EVENT, msg, &r));
	EXPECT_STREQ("UCPHONE_EVENT_A_TYPE", r.err.attr);
	nlmsg_free(msg);
	msg = simple_event(UCPHONE_EVENT_MAX + 1, UCPHONE_EVENT_A_HOOK, 1);
	EXPECT_EQ(UCPHONE_NL_EVENT_NEWER, decode(DECODE_EVENT, msg, &r));
	nlmsg_free(msg);
}

TEST(names_within_ucphone_name_max)
{
	char name[UCPHONE_NAME_MAX + 1];
	struct nl_msg *msg;
	struct nlattr *nest;
	struct result r;

	/* Longest allowed: UCPHONE_NAME_MAX with its NUL. */
	memset(name, 'n', sizeof(name));
	name[UCPHONE_NAME_MAX - 1] = '\0';
	msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_EVENT);
	nest = event_begin(msg, UCPHONE_EVENT_HOOK, name, name);
	nla_put_u32(msg, UCPHONE_EVENT_A_HOOK, UCPHONE_HOOK_ON);
	nla_nest_end(msg, nest);
	ASSERT_EQ(0, decode(DECODE_EVENT, msg, &r));
	EXPECT_STREQ(name, r.ev.driver);
	EXPECT_STREQ(name, r.ev.device);
	nlmsg_free(msg);

	/* One more character. */
	name[UCPHONE_NAME_MAX - 1] = 'n';
	name[UCPHONE_NAME_MAX] = '\0';
	msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_EVENT);
	nest = event_begin(msg, UCPHONE_EVENT_HOOK, "ok", name);
	nla_put_u32(msg, UCPHONE_EVENT_A_HOOK, UCPHONE_HOOK_ON);
	nla_nest_end(msg, nest);
	EXPECT_EQ(-EMSGSIZE, decode(DECODE_EVENT, msg, &r));
	EXPECT_STREQ("UCPHONE_EVENT_A_DEVICE", r.err.attr);
	nlmsg_free(msg);

	/* Too long in a driver entry of GET_INFO, too. */
	msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_GET_INFO);
	nla_put_u32(msg, UCPHONE_A_VERSION, 1);
	nla_put_string(msg, UCPHONE_A_KERNEL_RELEASE, "6.1.0");
	nest = nla_nest_start(msg, UCPHONE_A_DRIVERS);
	put_driver(msg, name, "dev", UCPHONE_DRIVER_KIND_KEYPAD);
	nla_nest_end(msg, nest);
	EXPECT_EQ(-EMSGSIZE, decode(DECODE_INFO, msg, &r));
	EXPECT_STREQ("UCPHONE_DRIVER_A_NAME", r.err.attr);
	nlmsg_free(msg);

	/* Empty, and with bytes a log or terminal would choke on. */
	static const char *const bad[] = { "", "tab\there", "esc\033[2J",
					    "hi\x80" };

	for (unsigned int i = 0; i < 4; i++) {
		msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_EVENT);
		nest = event_begin(msg, UCPHONE_EVENT_HOOK, bad[i], "dev");
		nla_put_u32(msg, UCPHONE_EVENT_A_HOOK, UCPHONE_HOOK_ON);
		nla_nest_end(msg, nest);
		EXPECT_EQ(-EINVAL, decode(DECODE_EVENT, msg, &r)) {
			TH_LOG("accepted name %u", i);
		}
		nlmsg_free(msg);
	}

	/* A NUL inside the name: the length says more than the string. */
	msg = genl_msg(FAKE_FAMILY, UCPHONE_CMD_EVENT);
	nest = nla_nest_start(msg, UCPHONE_A_EVENT);
	nla_put_u32(msg, UCPHONE_EVENT_A_TYPE, UCPHONE_EVENT_HOOK);
	nla_put_u32(msg, UCPHONE_EVENT_A_SEQ, 1);
	nla_put_u64(msg, UCPHONE_EVENT_A_TIMESTAMP, 5);
	nla_put(msg, UCPHONE_EVENT_A_DRIVER, 6, "ab\0cd");
	nla_put_string(msg, UCPHONE_EVENT_A_DEVICE, "b");
	nla_put_u32(msg, UCPHONE_EVENT_A_HOOK, UCPHONE_HOOK_ON);
	nla_nest_end(msg, nest);
	EXPECT_EQ(-EINVAL, decode(DECODE_EVENT, msg, &r));
	nlmsg_free(msg);
}

TEST(headers_checked)
{
	struct nl_msg *msg = key_event(KEY_1, 1);
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *genl = nlmsg_data(nlh);
	struct result r;

	/* A GET_INFO decoder refuses an EVENT, and the other way round. */
	EXPECT_EQ(-EBADMSG, decode(DECODE_INFO, msg, &r));
	genl->cmd = UCPHONE_CMD_GET_INFO;
	EXPECT_EQ(-EBADMSG, decode(DECODE_EVENT, msg, &r));
	genl->cmd = UCPHONE_CMD_EVENT;

	/* Control message types are not generic netlink. */
	nlh->nlmsg_type = NLMSG_ERROR;
	EXPECT_EQ(-EBADMSG, decode(DECODE_EVENT, msg, &r));
	nlh->nlmsg_type = FAKE_FAMILY;
	EXPECT_EQ(0, decode(DECODE_EVENT, msg, &r));

	/* Bytes after nlmsg_len belong to the next message, not this one. */
	uint8_t *longer = calloc(1, nlh->nlmsg_len + 8);

	memcpy(longer, nlh, nlh->nlmsg_len);
	memset(longer + nlh->nlmsg_len, 0xee, 8);
	EXPECT_EQ(0, decode_bytes(DECODE_EVENT, longer, nlh->nlmsg_len + 8,
				  &r));
	free(longer);
	nlmsg_free(msg);
}

/* ---- generic netlink controller ---- */

static struct nl_msg *family_msg(uint8_t cmd, const char *name, bool groups)
{
	struct nl_msg *msg = genl_msg(GENL_ID_CTRL, cmd);
	struct nlattr *list, *grp, *ops;

	nla_put_u16(msg, CTRL_ATTR_FAMILY_ID, 0x1234);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, name);
	nla_put_u32(msg, CTRL_ATTR_VERSION, 1);
	nla_put_u32(msg, CTRL_ATTR_HDRSIZE, 0);
	/* Attributes the decoder does not use are skipped, nests too. */
	ops = nla_nest_start(msg, CTRL_ATTR_OPS);
	nla_put_u32(msg, 1, 2);
	nla_nest_end(msg, ops);
	if (groups) {
		list = nla_nest_start(msg, CTRL_ATTR_MCAST_GROUPS);
		grp = nla_nest_start(msg, 1);
		nla_put_u32(msg, CTRL_ATTR_MCAST_GRP_ID, 7);
		nla_put_string(msg, CTRL_ATTR_MCAST_GRP_NAME, "config");
		nla_nest_end(msg, grp);
		grp = nla_nest_start(msg, 2);
		nla_put_u32(msg, CTRL_ATTR_MCAST_GRP_ID, 9);
		nla_put_string(msg, CTRL_ATTR_MCAST_GRP_NAME, "events");
		nla_nest_end(msg, grp);
		nla_nest_end(msg, list);
	}
	nla_put_u32(msg, 200, 0);	/* from a future kernel */
	return msg;
}

TEST(family_round_trip)
{
	struct nl_msg *msg = family_msg(CTRL_CMD_NEWFAMILY, "ucphone", true);
	struct result r;

	ASSERT_EQ(0, decode(DECODE_FAMILY, msg, &r)) {
		TH_LOG("%s (%s)", r.err.reason, r.err.attr);
	}
	EXPECT_EQ(CTRL_CMD_NEWFAMILY, r.fam.cmd);
	EXPECT_EQ(0x1234, r.fam.id);
	EXPECT_EQ(1, r.fam.version);
	EXPECT_STREQ("ucphone", r.fam.name);
	EXPECT_TRUE(r.fam.has_group);
	EXPECT_EQ(9, r.fam.group_id);
	nlmsg_free(msg);

	msg = family_msg(CTRL_CMD_DELFAMILY, "ucphone", false);
	ASSERT_EQ(0, decode(DECODE_FAMILY, msg, &r));
	EXPECT_EQ(CTRL_CMD_DELFAMILY, r.fam.cmd);
	EXPECT_FALSE(r.fam.has_group);
	nlmsg_free(msg);
}

TEST(family_rejects_damage)
{
	struct nl_msg *msg;
	struct result r;

	/* No id. */
	msg = genl_msg(GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "ucphone");
	EXPECT_EQ(-EINVAL, decode(DECODE_FAMILY, msg, &r));
	nlmsg_free(msg);

	/* Name longer than GENL_NAMSIZ. */
	msg = genl_msg(GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
	nla_put_u16(msg, CTRL_ATTR_FAMILY_ID, 1);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "a-very-long-family-name");
	EXPECT_EQ(-EMSGSIZE, decode(DECODE_FAMILY, msg, &r));
	nlmsg_free(msg);

	/* Id as a u32. */
	msg = genl_msg(GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
	nla_put_u32(msg, CTRL_ATTR_FAMILY_ID, 1);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "ucphone");
	EXPECT_EQ(-EINVAL, decode(DECODE_FAMILY, msg, &r));
	nlmsg_free(msg);

	/* Cut anywhere. */
	msg = family_msg(CTRL_CMD_NEWFAMILY, "ucphone", true);
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	uint32_t full = nlh->nlmsg_len;

	/* Cutting a required attribute fails; cutting the rest is fine. */
	for (uint32_t len = 0; len < full; len++) {
		nlh->nlmsg_len = len;
		decode_bytes(DECODE_FAMILY, nlh, full, &r);
		if (len < NLMSG_HDRLEN + GENL_HDRLEN + 8 + 12)
			EXPECT_GT(0, r.ret);
	}
	nlmsg_free(msg);
}

/* ---- ACKs ---- */

static struct nl_msg *ack_msg(int error, uint16_t flags, const char *text,
			      bool echo)
{
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_ERROR, flags);
	struct nlmsgerr e = { .error = error };
	static const char echoed[8] = "request";

	e.msg.nlmsg_len = NLMSG_HDRLEN + (echo ? sizeof(echoed) : 0);
	e.msg.nlmsg_type = FAKE_FAMILY;
	nlmsg_append(msg, &e, sizeof(e), NLMSG_ALIGNTO);
	if (echo)
		nlmsg_append(msg, (void *)echoed, sizeof(echoed),
			     NLMSG_ALIGNTO);
	if (text)
		nla_put_string(msg, NLMSGERR_ATTR_MSG, text);
	return msg;
}

TEST(ack_decoding)
{
	struct nl_msg *msg;
	struct result r;

	msg = ack_msg(0, NLM_F_CAPPED, NULL, false);
	ASSERT_EQ(0, decode(DECODE_ACK, msg, &r));
	EXPECT_EQ(0, r.ack_error);
	EXPECT_STREQ("", r.ack_msg);
	nlmsg_free(msg);

	msg = ack_msg(-EOPNOTSUPP, NLM_F_CAPPED | NLM_F_ACK_TLVS,
		      "SRTP module not loaded", false);
	ASSERT_EQ(0, decode(DECODE_ACK, msg, &r));
	EXPECT_EQ(-EOPNOTSUPP, r.ack_error);
	EXPECT_STREQ("SRTP module not loaded", r.ack_msg);
	nlmsg_free(msg);

	/* Without NETLINK_CAP_ACK the request comes back before the TLVs. */
	msg = ack_msg(-EINVAL, NLM_F_ACK_TLVS, "bad\tattr", true);
	ASSERT_EQ(0, decode(DECODE_ACK, msg, &r));
	EXPECT_EQ(-EINVAL, r.ack_error);
	EXPECT_STREQ("bad?attr", r.ack_msg);
	nlmsg_free(msg);

	/* Errors are negative. */
	msg = ack_msg(5, NLM_F_CAPPED, NULL, false);
	EXPECT_EQ(-ERANGE, decode(DECODE_ACK, msg, &r));
	nlmsg_free(msg);

	/* Not an ACK at all. */
	msg = key_event(KEY_1, 1);
	EXPECT_EQ(-EBADMSG, decode(DECODE_ACK, msg, &r));
	nlmsg_free(msg);
}

/* ---- datagrams ---- */

TEST(walk_datagram)
{
	struct nl_msg *a = key_event(KEY_1, 1), *b = key_event(KEY_2, 0);
	uint32_t la = nlmsg_hdr(a)->nlmsg_len, lb = nlmsg_hdr(b)->nlmsg_len;
	size_t total = NLMSG_ALIGN(la) + lb, len;
	uint8_t *buf = calloc(1, total + 8);
	struct ucphone_nl_walk walk;
	struct nlmsghdr *nlh;
	const void *msg;
	struct result r;

	memcpy(buf, nlmsg_hdr(a), la);
	memcpy(buf + NLMSG_ALIGN(la), nlmsg_hdr(b), lb);

	ucphone_nl_walk_init(&walk, buf, total);
	msg = ucphone_nl_walk_next(&walk, &len);
	ASSERT_EQ(buf, msg);
	EXPECT_EQ(la, len);
	EXPECT_EQ(0, decode_bytes(DECODE_EVENT, msg, len, &r));
	EXPECT_EQ(KEY_1, r.ev.key.code);
	msg = ucphone_nl_walk_next(&walk, &len);
	ASSERT_EQ(buf + NLMSG_ALIGN(la), msg);
	EXPECT_EQ(0, decode_bytes(DECODE_EVENT, msg, len, &r));
	EXPECT_EQ(KEY_2, r.ev.key.code);
	EXPECT_EQ(NULL, ucphone_nl_walk_next(&walk, &len));
	EXPECT_FALSE(walk.malformed);

	/* Trailing bytes too short for a header. */
	ucphone_nl_walk_init(&walk, buf, total + 8);
	ucphone_nl_walk_next(&walk, &len);
	ucphone_nl_walk_next(&walk, &len);
	EXPECT_EQ(NULL, ucphone_nl_walk_next(&walk, &len));
	EXPECT_TRUE(walk.malformed);

	/* A message claiming more than the datagram holds. */
	ucphone_nl_walk_init(&walk, buf, total - 1);
	EXPECT_NE(NULL, ucphone_nl_walk_next(&walk, &len));
	EXPECT_EQ(NULL, ucphone_nl_walk_next(&walk, &len));
	EXPECT_TRUE(walk.malformed);

	/* A message shorter than its own header. */
	nlh = (struct nlmsghdr *)buf;
	nlh->nlmsg_len = 8;
	ucphone_nl_walk_init(&walk, buf, total);
	EXPECT_EQ(NULL, ucphone_nl_walk_next(&walk, &len));
	EXPECT_TRUE(walk.malformed);

	free(buf);
	nlmsg_free(a);
	nlmsg_free(b);
}

TEST_HARNESS_MAIN
