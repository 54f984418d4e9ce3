/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Decoders for the generic netlink messages ucphoned receives: the ucphone
 * family's GET_INFO reply and EVENT multicast, the generic netlink
 * controller's family descriptions, and netlink ACKs.
 *
 * Every decoder takes raw bytes, trusts none of them and turns them into a
 * plain struct, or fails with a negative errno and a reason a human can
 * read. The ucphone decoders are as strict as the kernel's own policy
 * (include/uapi/linux/ucphone.h): unknown, duplicate, wrongly sized or
 * wrongly flagged attributes, out-of-range enum values and trailing bytes
 * reject the whole message. The controller decoder is lenient about
 * attributes it does not use, since nlctrl grows on its own schedule.
 *
 * No libnl here: every byte is read by code compiled in this library, so
 * the fuzzers and sanitizers see all of it.
 */
#ifndef UCPHONE_NL_H
#define UCPHONE_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/genetlink.h>
#include <linux/ucphone.h>

/* The UAPI leaves the release length open; uname's is __NEW_UTS_LEN + 1. */
#define UCPHONE_RELEASE_MAX 65
/* A desk phone binds a handful of drivers; more than this is a bug. */
#define UCPHONE_INFO_DRIVERS_MAX 32
/* Longest extended-ACK message kept, with its NUL. */
#define UCPHONE_NL_ACK_MSG_MAX 128

/* Why a message was rejected: static strings, safe to log. */
struct ucphone_nl_error {
	const char *reason;	/* "wrong length", "missing attribute"... */
	const char *attr;	/* attribute name, or NULL */
};

struct ucphone_driver {
	char name[UCPHONE_NAME_MAX];
	char device[UCPHONE_NAME_MAX];
	uint32_t kind;		/* enum ucphone_driver_kind, validated */
};

struct ucphone_info {
	uint32_t version;
	char kernel_release[UCPHONE_RELEASE_MAX];
	unsigned int n_drivers;
	struct ucphone_driver drivers[UCPHONE_INFO_DRIVERS_MAX];
};

struct ucphone_event {
	uint32_t type;		/* enum ucphone_event_type, validated */
	uint32_t seq;
	uint64_t timestamp_ns;	/* CLOCK_BOOTTIME of the hardware edge */
	char driver[UCPHONE_NAME_MAX];
	char device[UCPHONE_NAME_MAX];
	union {
		struct {
			uint32_t kind;
		} binding;	/* DRIVER_BOUND, DRIVER_UNBOUND */
		struct {
			uint32_t code;
			bool pressed;
		} key;
		struct {
			uint32_t state;
		} hook;
		struct {
			uint32_t kind;
			uint32_t hold_ms;
			bool at_power_on;
		} reset;
		struct {
			uint32_t route;
		} audio;
	};
};

/* What the generic netlink controller says about one family. */
struct genl_family_desc {
	uint8_t cmd;		/* CTRL_CMD_NEWFAMILY, CTRL_CMD_DELFAMILY... */
	uint16_t id;
	uint32_t version;
	char name[GENL_NAMSIZ];
	bool has_group;		/* the group asked for was listed */
	uint32_t group_id;
};

/*
 * Each decoder reads the netlink message at the start of buf; len is how
 * many bytes buf holds, and the message's own nlmsg_len must fit in it.
 * The nlmsg_type (the family id) is the caller's business: it routes
 * messages to decoders. Returns 0, or -EINVAL, -ERANGE, -EMSGSIZE,
 * -EBADMSG with err filled in.
 */
int ucphone_nl_decode_info(const void *buf, size_t len,
			   struct ucphone_info *info,
			   struct ucphone_nl_error *err);

/*
 * ucphone_nl_decode_event() returns this (> 0) for an event type newer than
 * this build: skip it, but account for its sequence number (event->seq).
 */
#define UCPHONE_NL_EVENT_NEWER 1

int ucphone_nl_decode_event(const void *buf, size_t len,
			    struct ucphone_event *event,
			    struct ucphone_nl_error *err);

/*
 * want_group: the multicast group whose id to report (has_group), or
 * NULL. Accepts any controller command; check desc->cmd.
 */
int ucphone_nl_decode_family(const void *buf, size_t len,
			     const char *want_group,
			     struct genl_family_desc *desc,
			     struct ucphone_nl_error *err);

/*
 * An NLMSG_ERROR message: *error gets its errno (0 for an ACK, else
 * negative) and msg the extended ACK's text, made printable, or "".
 */
int ucphone_nl_decode_ack(const void *buf, size_t len, int *error,
			  char msg[UCPHONE_NL_ACK_MSG_MAX],
			  struct ucphone_nl_error *err);

/*
 * Walks the netlink messages packed in one received datagram. Each message
 * returned lies wholly inside the buffer and at least NLMSG_HDRLEN long;
 * a header that breaks those rules ends the walk with malformed set.
 */
struct ucphone_nl_walk {
	const uint8_t *pos;
	size_t rest;
	bool malformed;
};

void ucphone_nl_walk_init(struct ucphone_nl_walk *walk, const void *buf,
			  size_t len);
const void *ucphone_nl_walk_next(struct ucphone_nl_walk *walk,
				 size_t *msg_len);

#endif /* UCPHONE_NL_H */
