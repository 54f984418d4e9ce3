// SPDX-License-Identifier: GPL-2.0-only
/*
 * Strict decoders for the netlink messages ucphoned receives.
 * See ucphone_nl.h for the rules; include/uapi/linux/ucphone.h for the
 * message layouts.
 */
#include <errno.h>
#include <string.h>

#include <linux/input-event-codes.h>
#include <linux/netlink.h>

#include "lib/netlink/ucphone_nl.h"

#define BIT(n) (1u << (n))

enum attr_kind {
	ATTR_UNKNOWN = 0,	/* not allowed in this message */
	ATTR_PAD,		/* alignment padding for a following u64 */
	ATTR_U16,
	ATTR_U32,
	ATTR_U64,
	ATTR_FLAG,
	ATTR_STRING,		/* non-empty NLA_NUL_STRING, printable ASCII */
	ATTR_NESTED,
	ATTR_BINARY,		/* any length; the caller checks it */
};

struct attr_policy {
	enum attr_kind kind;
	uint16_t max_len;	/* ATTR_STRING: longest, with its NUL */
	const char *name;
};

struct attr {
	bool present;
	const uint8_t *data;
	uint16_t len;
};

/* Walks a run of attributes; never reads outside [pos, pos + rem). */
struct attr_iter {
	const uint8_t *pos;
	size_t rem;
};

static int fail(struct ucphone_nl_error *err, int error, const char *reason,
		const char *attr)
{
	err->reason = reason;
	err->attr = attr;
	return error;
}

/* Returns 1 with the next attribute, 0 at a clean end, <0 if malformed. */
static int attr_next(struct attr_iter *it, uint16_t *type, struct attr *a,
		     struct ucphone_nl_error *err)
{
	struct nlattr nla;
	size_t step;

	if (it->rem == 0)
		return 0;
	if (it->rem < NLA_HDRLEN)
		return fail(err, -EINVAL, "trailing bytes after attributes",
			    NULL);

	/* memcpy: the buffer may come from anywhere, aligned or not. */
	memcpy(&nla, it->pos, sizeof(nla));
	if (nla.nla_len < NLA_HDRLEN || nla.nla_len > it->rem)
		return fail(err, -EINVAL, "truncated attribute", NULL);

	*type = nla.nla_type;
	a->present = true;
	a->data = it->pos + NLA_HDRLEN;
	a->len = nla.nla_len - NLA_HDRLEN;

	/* The last attribute's padding may be cut short; nothing follows. */
	step = NLA_ALIGN(nla.nla_len);
	if (step >= it->rem) {
		it->pos += it->rem;
		it->rem = 0;
	} else {
		it->pos += step;
		it->rem -= step;
	}
	return 1;
}

static bool printable_ascii(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

static int check_payload(const struct attr_policy *p, const struct attr *a,
			 struct ucphone_nl_error *err)
{
	switch (p->kind) {
	case ATTR_PAD:
	case ATTR_FLAG:
		if (a->len != 0)
			return fail(err, -EINVAL, "wrong length", p->name);
		return 0;
	case ATTR_U16:
		if (a->len != sizeof(uint16_t))
			return fail(err, -EINVAL, "wrong length", p->name);
		return 0;
	case ATTR_U32:
		if (a->len != sizeof(uint32_t))
			return fail(err, -EINVAL, "wrong length", p->name);
		return 0;
	case ATTR_U64:
		if (a->len != sizeof(uint64_t))
			return fail(err, -EINVAL, "wrong length", p->name);
		return 0;
	case ATTR_STRING:
		if (a->len == 0 || a->data[a->len - 1] != '\0')
			return fail(err, -EINVAL, "string not NUL-terminated",
				    p->name);
		if (a->len == 1)
			return fail(err, -EINVAL, "empty string", p->name);
		if (a->len > p->max_len)
			return fail(err, -EMSGSIZE, "string too long", p->name);
		if (!printable_ascii(a->data, a->len - 1u))
			return fail(err, -EINVAL,
				    "string has a byte that is not printable ASCII",
				    p->name);
		return 0;
	case ATTR_NESTED:
	case ATTR_BINARY:
		return 0;
	case ATTR_UNKNOWN:
		break;
	}
	return fail(err, -EINVAL, "unknown or unexpected attribute", p->name);
}

/*
 * Fills tb[0..max_type] from a run of attributes. Attributes numbered above
 * max_type come from a newer kernel and are skipped unread: the UAPI lets
 * kernel-to-userspace messages grow. strict: an attribute numbered within
 * the policy that the policy does not know (type 0, say) is an error;
 * otherwise it is skipped too.
 */
static int parse_attrs(const uint8_t *data, size_t len,
		       const struct attr_policy *policy, unsigned int max_type,
		       bool strict, struct attr *tb,
		       struct ucphone_nl_error *err)
{
	struct attr_iter it = { .pos = data, .rem = len };
	struct attr a;
	uint16_t raw_type;
	int ret;

	memset(tb, 0, sizeof(*tb) * (max_type + 1u));

	while ((ret = attr_next(&it, &raw_type, &a, err)) > 0) {
		unsigned int type = raw_type & NLA_TYPE_MASK;
		const struct attr_policy *p;

		if (type > max_type)
			continue;
		p = &policy[type];
		if (p->kind == ATTR_UNKNOWN) {
			if (strict)
				return fail(err, -EINVAL,
					    "unknown or unexpected attribute",
					    p->name);
			continue;
		}
		if (raw_type & NLA_F_NET_BYTEORDER)
			return fail(err, -EINVAL, "unexpected byte-order flag",
				    p->name);
		if ((raw_type & NLA_F_NESTED) && p->kind != ATTR_NESTED)
			return fail(err, -EINVAL, "unexpected nested flag",
				    p->name);
		if (tb[type].present && p->kind != ATTR_PAD)
			return fail(err, -EINVAL, "duplicate attribute",
				    p->name);
		ret = check_payload(p, &a, err);
		if (ret < 0)
			return ret;
		tb[type] = a;
	}
	return ret;
}

/*
 * The next entry of a list nest (UCPHONE_A_DRIVERS, CTRL_ATTR_MCAST_GROUPS):
 * each entry is itself a nest. strict: every entry must have type 0.
 */
static int list_next(struct attr_iter *it, bool strict, struct attr *entry,
		     const char *list_name, struct ucphone_nl_error *err)
{
	uint16_t raw_type;
	int ret;

	ret = attr_next(it, &raw_type, entry, err);
	if (ret <= 0)
		return ret;
	if (raw_type & NLA_F_NET_BYTEORDER)
		return fail(err, -EINVAL, "unexpected byte-order flag",
			    list_name);
	if (strict && (raw_type & NLA_TYPE_MASK) != 0)
		return fail(err, -EINVAL, "list entry with a nonzero type",
			    list_name);
	return 1;
}

static uint16_t get_u16(const struct attr *a)
{
	uint16_t v;

	memcpy(&v, a->data, sizeof(v));
	return v;
}

static uint32_t get_u32(const struct attr *a)
{
	uint32_t v;

	memcpy(&v, a->data, sizeof(v));
	return v;
}

static uint64_t get_u64(const struct attr *a)
{
	uint64_t v;

	memcpy(&v, a->data, sizeof(v));
	return v;
}

/* Only called on attributes check_payload() accepted as ATTR_STRING. */
static void get_string(const struct attr *a, char *out)
{
	memcpy(out, a->data, a->len);
}

/* Checks the netlink and generic netlink headers; finds the attributes. */
static int genl_attrs(const void *buf, size_t len, uint8_t *cmd,
		      const uint8_t **attrs, size_t *attrs_len,
		      struct ucphone_nl_error *err)
{
	const size_t hdrlen = NLMSG_HDRLEN + GENL_HDRLEN;
	struct genlmsghdr genl;
	struct nlmsghdr nlh;

	if (len < hdrlen)
		return fail(err, -EBADMSG, "message shorter than its headers",
			    NULL);
	memcpy(&nlh, buf, sizeof(nlh));
	if (nlh.nlmsg_len < hdrlen)
		return fail(err, -EBADMSG, "message shorter than its headers",
			    NULL);
	if (nlh.nlmsg_len > len)
		return fail(err, -EBADMSG, "message longer than the buffer",
			    NULL);
	if (nlh.nlmsg_type < NLMSG_MIN_TYPE)
		return fail(err, -EBADMSG,
			    "not a generic netlink message", NULL);

	memcpy(&genl, (const uint8_t *)buf + NLMSG_HDRLEN, sizeof(genl));
	*cmd = genl.cmd;
	*attrs = (const uint8_t *)buf + hdrlen;
	*attrs_len = nlh.nlmsg_len - hdrlen;
	return 0;
}

/* ---- UCPHONE_CMD_GET_INFO reply ---- */

static const struct attr_policy info_policy[UCPHONE_A_MAX + 1] = {
	[UCPHONE_A_PAD] = { ATTR_PAD, 0, "UCPHONE_A_PAD" },
	[UCPHONE_A_VERSION] = { ATTR_U32, 0, "UCPHONE_A_VERSION" },
	[UCPHONE_A_KERNEL_RELEASE] = { ATTR_STRING, UCPHONE_RELEASE_MAX,
				       "UCPHONE_A_KERNEL_RELEASE" },
	[UCPHONE_A_DRIVERS] = { ATTR_NESTED, 0, "UCPHONE_A_DRIVERS" },
	[UCPHONE_A_EVENT] = { ATTR_UNKNOWN, 0, "UCPHONE_A_EVENT" },
	[UCPHONE_A_SRTP] = { ATTR_UNKNOWN, 0, "UCPHONE_A_SRTP" },
};

static const struct attr_policy driver_policy[UCPHONE_DRIVER_A_MAX + 1] = {
	[UCPHONE_DRIVER_A_NAME] = { ATTR_STRING, UCPHONE_NAME_MAX,
				    "UCPHONE_DRIVER_A_NAME" },
	[UCPHONE_DRIVER_A_DEVICE] = { ATTR_STRING, UCPHONE_NAME_MAX,
				      "UCPHONE_DRIVER_A_DEVICE" },
	[UCPHONE_DRIVER_A_KIND] = { ATTR_U32, 0, "UCPHONE_DRIVER_A_KIND" },
};

static bool driver_kind_valid(uint32_t kind)
{
	return kind > UCPHONE_DRIVER_KIND_UNSPEC &&
	       kind <= UCPHONE_DRIVER_KIND_MAX;
}

static int decode_driver(const struct attr *entry, struct ucphone_driver *drv,
			 struct ucphone_nl_error *err)
{
	struct attr tb[UCPHONE_DRIVER_A_MAX + 1];
	int ret;

	ret = parse_attrs(entry->data, entry->len, driver_policy,
			  UCPHONE_DRIVER_A_MAX, true, tb, err);
	if (ret < 0)
		return ret;
	for (unsigned int t = UCPHONE_DRIVER_A_NAME; t <= UCPHONE_DRIVER_A_MAX;
	     t++)
		if (!tb[t].present)
			return fail(err, -EINVAL, "missing attribute",
				    driver_policy[t].name);

	get_string(&tb[UCPHONE_DRIVER_A_NAME], drv->name);
	get_string(&tb[UCPHONE_DRIVER_A_DEVICE], drv->device);
	drv->kind = get_u32(&tb[UCPHONE_DRIVER_A_KIND]);
	if (!driver_kind_valid(drv->kind))
		return fail(err, -ERANGE, "value out of range",
			    "UCPHONE_DRIVER_A_KIND");
	return 0;
}

static int decode_drivers(const struct attr *list, struct ucphone_info *info,
			  struct ucphone_nl_error *err)
{
	struct attr_iter it = { .pos = list->data, .rem = list->len };
	struct attr entry;
	int ret;

	while ((ret = list_next(&it, true, &entry, "UCPHONE_A_DRIVERS",
				err)) > 0) {
		if (info->n_drivers == UCPHONE_INFO_DRIVERS_MAX)
			return fail(err, -EMSGSIZE, "too many drivers",
				    "UCPHONE_A_DRIVERS");
		ret = decode_driver(&entry, &info->drivers[info->n_drivers],
				    err);
		if (ret < 0)
			return ret;
		info->n_drivers++;
	}
	return ret;
}

int ucphone_nl_decode_info(const void *buf, size_t len,
			   struct ucphone_info *info,
			   struct ucphone_nl_error *err)
{
	struct attr tb[UCPHONE_A_MAX + 1];
	const uint8_t *attrs;
	size_t attrs_len;
	uint8_t cmd;
	int ret;

	memset(info, 0, sizeof(*info));
	ret = genl_attrs(buf, len, &cmd, &attrs, &attrs_len, err);
	if (ret < 0)
		return ret;
	if (cmd != UCPHONE_CMD_GET_INFO)
		return fail(err, -EBADMSG, "not a GET_INFO reply", NULL);
	ret = parse_attrs(attrs, attrs_len, info_policy, UCPHONE_A_MAX,
			  true, tb, err);
	if (ret < 0)
		return ret;

	if (!tb[UCPHONE_A_VERSION].present)
		return fail(err, -EINVAL, "missing attribute",
			    "UCPHONE_A_VERSION");
	if (!tb[UCPHONE_A_KERNEL_RELEASE].present)
		return fail(err, -EINVAL, "missing attribute",
			    "UCPHONE_A_KERNEL_RELEASE");

	info->version = get_u32(&tb[UCPHONE_A_VERSION]);
	if (info->version == 0)
		return fail(err, -ERANGE, "value out of range",
			    "UCPHONE_A_VERSION");
	get_string(&tb[UCPHONE_A_KERNEL_RELEASE], info->kernel_release);

	/* No drivers bound: the kernel may send an empty nest or none. */
	if (tb[UCPHONE_A_DRIVERS].present)
		return decode_drivers(&tb[UCPHONE_A_DRIVERS], info, err);
	return 0;
}

/* ---- UCPHONE_CMD_EVENT ---- */

static const struct attr_policy event_msg_policy[UCPHONE_A_MAX + 1] = {
	[UCPHONE_A_PAD] = { ATTR_PAD, 0, "UCPHONE_A_PAD" },
	[UCPHONE_A_VERSION] = { ATTR_UNKNOWN, 0, "UCPHONE_A_VERSION" },
	[UCPHONE_A_KERNEL_RELEASE] = { ATTR_UNKNOWN, 0,
				       "UCPHONE_A_KERNEL_RELEASE" },
	[UCPHONE_A_DRIVERS] = { ATTR_UNKNOWN, 0, "UCPHONE_A_DRIVERS" },
	[UCPHONE_A_EVENT] = { ATTR_NESTED, 0, "UCPHONE_A_EVENT" },
	[UCPHONE_A_SRTP] = { ATTR_UNKNOWN, 0, "UCPHONE_A_SRTP" },
};

static const struct attr_policy event_policy[UCPHONE_EVENT_A_MAX + 1] = {
	[UCPHONE_EVENT_A_PAD] = { ATTR_PAD, 0, "UCPHONE_EVENT_A_PAD" },
	[UCPHONE_EVENT_A_TYPE] = { ATTR_U32, 0, "UCPHONE_EVENT_A_TYPE" },
	[UCPHONE_EVENT_A_SEQ] = { ATTR_U32, 0, "UCPHONE_EVENT_A_SEQ" },
	[UCPHONE_EVENT_A_TIMESTAMP] = { ATTR_U64, 0,
					"UCPHONE_EVENT_A_TIMESTAMP" },
	[UCPHONE_EVENT_A_DRIVER] = { ATTR_STRING, UCPHONE_NAME_MAX,
				     "UCPHONE_EVENT_A_DRIVER" },
	[UCPHONE_EVENT_A_DEVICE] = { ATTR_STRING, UCPHONE_NAME_MAX,
				     "UCPHONE_EVENT_A_DEVICE" },
	[UCPHONE_EVENT_A_DRIVER_KIND] = { ATTR_U32, 0,
					  "UCPHONE_EVENT_A_DRIVER_KIND" },
	[UCPHONE_EVENT_A_KEY_CODE] = { ATTR_U32, 0,
				       "UCPHONE_EVENT_A_KEY_CODE" },
	[UCPHONE_EVENT_A_KEY_VALUE] = { ATTR_U32, 0,
					"UCPHONE_EVENT_A_KEY_VALUE" },
	[UCPHONE_EVENT_A_HOOK] = { ATTR_U32, 0, "UCPHONE_EVENT_A_HOOK" },
	[UCPHONE_EVENT_A_RESET_KIND] = { ATTR_U32, 0,
					 "UCPHONE_EVENT_A_RESET_KIND" },
	[UCPHONE_EVENT_A_RESET_HOLD_MS] = { ATTR_U32, 0,
					    "UCPHONE_EVENT_A_RESET_HOLD_MS" },
	[UCPHONE_EVENT_A_RESET_AT_POWER_ON] = {
		ATTR_FLAG, 0, "UCPHONE_EVENT_A_RESET_AT_POWER_ON" },
	[UCPHONE_EVENT_A_AUDIO_ROUTE] = { ATTR_U32, 0,
					  "UCPHONE_EVENT_A_AUDIO_ROUTE" },
};

#define EVENT_COMMON (BIT(UCPHONE_EVENT_A_TYPE) | BIT(UCPHONE_EVENT_A_SEQ) | \
		      BIT(UCPHONE_EVENT_A_TIMESTAMP) |			     \
		      BIT(UCPHONE_EVENT_A_DRIVER) | BIT(UCPHONE_EVENT_A_DEVICE))

/* Which attributes each event type must carry, and which it may. */
static const struct {
	uint32_t required;
	uint32_t optional;
} event_shape[UCPHONE_EVENT_MAX + 1] = {
	[UCPHONE_EVENT_DRIVER_BOUND] = {
		EVENT_COMMON | BIT(UCPHONE_EVENT_A_DRIVER_KIND), 0 },
	[UCPHONE_EVENT_DRIVER_UNBOUND] = {
		EVENT_COMMON | BIT(UCPHONE_EVENT_A_DRIVER_KIND), 0 },
	[UCPHONE_EVENT_KEY] = {
		EVENT_COMMON | BIT(UCPHONE_EVENT_A_KEY_CODE) |
		BIT(UCPHONE_EVENT_A_KEY_VALUE), 0 },
	[UCPHONE_EVENT_HOOK] = {
		EVENT_COMMON | BIT(UCPHONE_EVENT_A_HOOK), 0 },
	[UCPHONE_EVENT_RESET_BUTTON] = {
		EVENT_COMMON | BIT(UCPHONE_EVENT_A_RESET_KIND) |
		BIT(UCPHONE_EVENT_A_RESET_HOLD_MS),
		BIT(UCPHONE_EVENT_A_RESET_AT_POWER_ON) },
	[UCPHONE_EVENT_AUDIO_ROUTE] = {
		EVENT_COMMON | BIT(UCPHONE_EVENT_A_AUDIO_ROUTE), 0 },
};

static int check_event_shape(const struct attr *tb, uint32_t type,
			     struct ucphone_nl_error *err)
{
	uint32_t required = event_shape[type].required;
	uint32_t allowed = required | event_shape[type].optional |
			   BIT(UCPHONE_EVENT_A_PAD);

	for (unsigned int t = 1; t <= UCPHONE_EVENT_A_MAX; t++) {
		if (tb[t].present && !(allowed & BIT(t)))
			return fail(err, -EINVAL,
				    "attribute not allowed for this event type",
				    event_policy[t].name);
		if (!tb[t].present && (required & BIT(t)))
			return fail(err, -EINVAL, "missing attribute",
				    event_policy[t].name);
	}
	return 0;
}

/* Reads a u32 enum attribute and checks it lies in [1, last - 1]. */
static int get_enum(const struct attr *tb, unsigned int type, uint32_t last,
		    uint32_t *out, struct ucphone_nl_error *err)
{
	*out = get_u32(&tb[type]);
	if (*out == 0 || *out >= last)
		return fail(err, -ERANGE, "value out of range",
			    event_policy[type].name);
	return 0;
}

static int decode_event_body(const struct attr *tb, struct ucphone_event *ev,
			     struct ucphone_nl_error *err)
{
	uint32_t value;

	switch (ev->type) {
	case UCPHONE_EVENT_DRIVER_BOUND:
	case UCPHONE_EVENT_DRIVER_UNBOUND:
		return get_enum(tb, UCPHONE_EVENT_A_DRIVER_KIND,
				__UCPHONE_DRIVER_KIND_LAST, &ev->binding.kind,
				err);
	case UCPHONE_EVENT_KEY:
		ev->key.code = get_u32(&tb[UCPHONE_EVENT_A_KEY_CODE]);
		if (ev->key.code > KEY_MAX)
			return fail(err, -ERANGE, "value out of range",
				    "UCPHONE_EVENT_A_KEY_CODE");
		value = get_u32(&tb[UCPHONE_EVENT_A_KEY_VALUE]);
		if (value > 1)
			return fail(err, -ERANGE, "value out of range",
				    "UCPHONE_EVENT_A_KEY_VALUE");
		ev->key.pressed = value == 1;
		return 0;
	case UCPHONE_EVENT_HOOK:
		return get_enum(tb, UCPHONE_EVENT_A_HOOK, __UCPHONE_HOOK_LAST,
				&ev->hook.state, err);
	case UCPHONE_EVENT_RESET_BUTTON:
		ev->reset.hold_ms = get_u32(&tb[UCPHONE_EVENT_A_RESET_HOLD_MS]);
		ev->reset.at_power_on =
			tb[UCPHONE_EVENT_A_RESET_AT_POWER_ON].present;
		return get_enum(tb, UCPHONE_EVENT_A_RESET_KIND,
				__UCPHONE_RESET_LAST, &ev->reset.kind, err);
	case UCPHONE_EVENT_AUDIO_ROUTE:
		return get_enum(tb, UCPHONE_EVENT_A_AUDIO_ROUTE,
				__UCPHONE_AUDIO_ROUTE_LAST, &ev->audio.route,
				err);
	}
	return fail(err, -ERANGE, "value out of range", "UCPHONE_EVENT_A_TYPE");
}

int ucphone_nl_decode_event(const void *buf, size_t len,
			    struct ucphone_event *ev,
			    struct ucphone_nl_error *err)
{
	struct attr msg_tb[UCPHONE_A_MAX + 1];
	struct attr tb[UCPHONE_EVENT_A_MAX + 1];
	const uint8_t *attrs;
	size_t attrs_len;
	uint8_t cmd;
	int ret;

	memset(ev, 0, sizeof(*ev));
	ret = genl_attrs(buf, len, &cmd, &attrs, &attrs_len, err);
	if (ret < 0)
		return ret;
	if (cmd != UCPHONE_CMD_EVENT)
		return fail(err, -EBADMSG, "not an EVENT message", NULL);
	ret = parse_attrs(attrs, attrs_len, event_msg_policy,
			  UCPHONE_A_MAX, true, msg_tb, err);
	if (ret < 0)
		return ret;
	if (!msg_tb[UCPHONE_A_EVENT].present)
		return fail(err, -EINVAL, "missing attribute",
			    "UCPHONE_A_EVENT");

	ret = parse_attrs(msg_tb[UCPHONE_A_EVENT].data,
			  msg_tb[UCPHONE_A_EVENT].len, event_policy,
			  UCPHONE_EVENT_A_MAX, true, tb, err);
	if (ret < 0)
		return ret;

	/* The type decides which attributes belong, so check it first. */
	if (!tb[UCPHONE_EVENT_A_TYPE].present)
		return fail(err, -EINVAL, "missing attribute",
			    "UCPHONE_EVENT_A_TYPE");
	ev->type = get_u32(&tb[UCPHONE_EVENT_A_TYPE]);
	if (ev->type == UCPHONE_EVENT_UNSPEC)
		return fail(err, -ERANGE, "value out of range",
			    "UCPHONE_EVENT_A_TYPE");
	if (ev->type > UCPHONE_EVENT_MAX) {
		/* A newer kernel's event: only its sequence number counts. */
		if (!tb[UCPHONE_EVENT_A_SEQ].present)
			return fail(err, -EINVAL, "missing attribute",
				    "UCPHONE_EVENT_A_SEQ");
		ev->seq = get_u32(&tb[UCPHONE_EVENT_A_SEQ]);
		return UCPHONE_NL_EVENT_NEWER;
	}
	ret = check_event_shape(tb, ev->type, err);
	if (ret < 0)
		return ret;

	ev->seq = get_u32(&tb[UCPHONE_EVENT_A_SEQ]);
	ev->timestamp_ns = get_u64(&tb[UCPHONE_EVENT_A_TIMESTAMP]);
	get_string(&tb[UCPHONE_EVENT_A_DRIVER], ev->driver);
	get_string(&tb[UCPHONE_EVENT_A_DEVICE], ev->device);
	return decode_event_body(tb, ev, err);
}

/* ---- generic netlink controller ---- */

static const struct attr_policy ctrl_policy[CTRL_ATTR_MCAST_GROUPS + 1] = {
	[CTRL_ATTR_FAMILY_ID] = { ATTR_U16, 0, "CTRL_ATTR_FAMILY_ID" },
	[CTRL_ATTR_FAMILY_NAME] = { ATTR_STRING, GENL_NAMSIZ,
				    "CTRL_ATTR_FAMILY_NAME" },
	[CTRL_ATTR_VERSION] = { ATTR_U32, 0, "CTRL_ATTR_VERSION" },
	[CTRL_ATTR_MCAST_GROUPS] = { ATTR_NESTED, 0,
				     "CTRL_ATTR_MCAST_GROUPS" },
};

static const struct attr_policy grp_policy[CTRL_ATTR_MCAST_GRP_ID + 1] = {
	[CTRL_ATTR_MCAST_GRP_NAME] = { ATTR_STRING, GENL_NAMSIZ,
				       "CTRL_ATTR_MCAST_GRP_NAME" },
	[CTRL_ATTR_MCAST_GRP_ID] = { ATTR_U32, 0, "CTRL_ATTR_MCAST_GRP_ID" },
};

static int find_group(const struct attr *list, const char *want,
		      struct genl_family_desc *desc,
		      struct ucphone_nl_error *err)
{
	struct attr_iter it = { .pos = list->data, .rem = list->len };
	struct attr tb[CTRL_ATTR_MCAST_GRP_ID + 1];
	struct attr entry;
	int ret;

	/* nlctrl numbers its group entries 1, 2, ...: any type will do. */
	while ((ret = list_next(&it, false, &entry, "CTRL_ATTR_MCAST_GROUPS",
				err)) > 0) {
		const struct attr *name;

		ret = parse_attrs(entry.data, entry.len, grp_policy,
				  CTRL_ATTR_MCAST_GRP_ID, false, tb, err);
		if (ret < 0)
			return ret;
		name = &tb[CTRL_ATTR_MCAST_GRP_NAME];
		if (!name->present || !tb[CTRL_ATTR_MCAST_GRP_ID].present)
			return fail(err, -EINVAL, "missing attribute",
				    "CTRL_ATTR_MCAST_GROUPS");
		if (want && strcmp((const char *)name->data, want) == 0) {
			desc->has_group = true;
			desc->group_id = get_u32(&tb[CTRL_ATTR_MCAST_GRP_ID]);
		}
	}
	return ret;
}

int ucphone_nl_decode_family(const void *buf, size_t len,
			     const char *want_group,
			     struct genl_family_desc *desc,
			     struct ucphone_nl_error *err)
{
	struct attr tb[CTRL_ATTR_MCAST_GROUPS + 1];
	const uint8_t *attrs;
	size_t attrs_len;
	int ret;

	memset(desc, 0, sizeof(*desc));
	ret = genl_attrs(buf, len, &desc->cmd, &attrs, &attrs_len, err);
	if (ret < 0)
		return ret;
	ret = parse_attrs(attrs, attrs_len, ctrl_policy,
			  CTRL_ATTR_MCAST_GROUPS, false, tb, err);
	if (ret < 0)
		return ret;
	if (!tb[CTRL_ATTR_FAMILY_ID].present)
		return fail(err, -EINVAL, "missing attribute",
			    "CTRL_ATTR_FAMILY_ID");
	if (!tb[CTRL_ATTR_FAMILY_NAME].present)
		return fail(err, -EINVAL, "missing attribute",
			    "CTRL_ATTR_FAMILY_NAME");

	desc->id = get_u16(&tb[CTRL_ATTR_FAMILY_ID]);
	get_string(&tb[CTRL_ATTR_FAMILY_NAME], desc->name);
	if (tb[CTRL_ATTR_VERSION].present)
		desc->version = get_u32(&tb[CTRL_ATTR_VERSION]);
	if (tb[CTRL_ATTR_MCAST_GROUPS].present)
		return find_group(&tb[CTRL_ATTR_MCAST_GROUPS], want_group,
				  desc, err);
	return 0;
}

/* ---- NLMSG_ERROR ---- */

static const struct attr_policy ack_policy[NLMSGERR_ATTR_MSG + 1] = {
	[NLMSGERR_ATTR_MSG] = { ATTR_BINARY, 0, "NLMSGERR_ATTR_MSG" },
};

/* Keeps what a human can read of the kernel's message, and no more. */
static void copy_ack_msg(const struct attr *a, char *msg)
{
	size_t n = 0;

	while (n < a->len && n < UCPHONE_NL_ACK_MSG_MAX - 1u &&
	       a->data[n] != '\0') {
		uint8_t c = a->data[n];

		msg[n++] = (c >= 0x20 && c <= 0x7e) ? (char)c : '?';
	}
	msg[n] = '\0';
}

int ucphone_nl_decode_ack(const void *buf, size_t len, int *error,
			  char msg[UCPHONE_NL_ACK_MSG_MAX],
			  struct ucphone_nl_error *err)
{
	struct attr tb[NLMSGERR_ATTR_MSG + 1];
	struct nlmsghdr nlh;
	struct nlmsgerr e;
	size_t tlv_off;

	msg[0] = '\0';
	*error = 0;
	if (len < NLMSG_HDRLEN)
		return fail(err, -EBADMSG, "message shorter than its headers",
			    NULL);
	memcpy(&nlh, buf, sizeof(nlh));
	if (nlh.nlmsg_len > len)
		return fail(err, -EBADMSG, "message longer than the buffer",
			    NULL);
	if (nlh.nlmsg_type != NLMSG_ERROR)
		return fail(err, -EBADMSG, "not an ACK", NULL);
	if (nlh.nlmsg_len < NLMSG_HDRLEN + sizeof(e))
		return fail(err, -EBADMSG, "message shorter than its headers",
			    NULL);
	memcpy(&e, (const uint8_t *)buf + NLMSG_HDRLEN, sizeof(e));
	if (e.error > 0 || e.error < -4095)
		return fail(err, -ERANGE, "error code out of range", NULL);
	*error = e.error;

	if (!(nlh.nlmsg_flags & NLM_F_ACK_TLVS))
		return 0;

	/* Unless capped, the request we sent is echoed before the TLVs. */
	tlv_off = NLMSG_HDRLEN + sizeof(e);
	if (!(nlh.nlmsg_flags & NLM_F_CAPPED)) {
		if (e.msg.nlmsg_len < NLMSG_HDRLEN ||
		    e.msg.nlmsg_len > nlh.nlmsg_len)
			return fail(err, -EBADMSG, "echoed request truncated",
				    NULL);
		tlv_off += e.msg.nlmsg_len - NLMSG_HDRLEN;
	}
	tlv_off = NLMSG_ALIGN(tlv_off);
	if (tlv_off > nlh.nlmsg_len)
		return fail(err, -EBADMSG, "echoed request truncated", NULL);

	if (parse_attrs((const uint8_t *)buf + tlv_off, nlh.nlmsg_len - tlv_off,
			ack_policy, NLMSGERR_ATTR_MSG, false, tb, err) < 0)
		return -EBADMSG;
	if (tb[NLMSGERR_ATTR_MSG].present)
		copy_ack_msg(&tb[NLMSGERR_ATTR_MSG], msg);
	return 0;
}

/* ---- datagrams ---- */

void ucphone_nl_walk_init(struct ucphone_nl_walk *walk, const void *buf,
			  size_t len)
{
	walk->pos = buf;
	walk->rest = len;
	walk->malformed = false;
}

const void *ucphone_nl_walk_next(struct ucphone_nl_walk *walk,
				 size_t *msg_len)
{
	const uint8_t *msg = walk->pos;
	struct nlmsghdr nlh;
	size_t step;

	if (walk->rest == 0 || walk->malformed)
		return NULL;
	if (walk->rest < NLMSG_HDRLEN)
		goto malformed;
	memcpy(&nlh, msg, sizeof(nlh));
	if (nlh.nlmsg_len < NLMSG_HDRLEN || nlh.nlmsg_len > walk->rest)
		goto malformed;

	*msg_len = nlh.nlmsg_len;
	/* The last message's alignment padding may be missing. */
	step = NLMSG_ALIGN(*msg_len);
	if (step > walk->rest)
		step = walk->rest;
	walk->pos += step;
	walk->rest -= step;
	return msg;

malformed:
	walk->malformed = true;
	walk->rest = 0;
	return NULL;
}
