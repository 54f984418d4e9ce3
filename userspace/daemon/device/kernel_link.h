/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's link to the ucphone kernel modules: generic netlink family
 * "ucphone", found by name, watched through the controller's "notify" group
 * so that loading or unloading ucphone.ko while we run is noticed at once,
 * and its "events" multicast group, decoded with the shared decoder.
 *
 * Without the family the link is "unavailable" and the daemon runs
 * degraded; nothing here polls.
 */
#ifndef UCPHONED_KERNEL_LINK_H
#define UCPHONED_KERNEL_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "core/log.h"
#include "lib/netlink/ucphone_nl.h"

struct kernel_link;

/* Who hears about what the kernel says; every callback is optional. */
struct kernel_link_listener {
	void (*event)(const struct ucphone_event *ev, void *userdata);
	/* Events went missing: a sequence gap of count, or an overrun. */
	void (*lost)(uint64_t count, void *userdata);
	void (*available)(bool available, uint32_t version, void *userdata);
	void *userdata;
};

/* Counters a user can read with `ucphonectl info`. */
struct kernel_link_counters {
	uint64_t events_received;	/* decoded and passed on */
	uint64_t events_lost;		/* sum of UCPHONE_EVENT_A_SEQ gaps */
	uint64_t overruns;		/* ENOBUFS on the event socket */
	uint64_t malformed;		/* messages the decoder refused */
	uint64_t seq_restarts;		/* sequence went backwards */
	uint64_t foreign;		/* multicast not sent by the kernel */
	uint64_t family_appeared;
	uint64_t family_vanished;
	uint64_t info_requests;
	uint64_t info_failures;
};

struct kernel_link_state {
	bool available;
	uint16_t family_id;
	uint32_t family_version;	/* CTRL_ATTR_VERSION */
	bool events_joined;		/* subscribed to "events" */
};

int kernel_link_new(sd_event *event, const struct log *log,
		    const struct kernel_link_listener *listener,
		    struct kernel_link **out);
void kernel_link_free(struct kernel_link *link);

void kernel_link_get_state(const struct kernel_link *link,
			   struct kernel_link_state *state);
const struct kernel_link_counters *
kernel_link_counters(const struct kernel_link *link);

/*
 * Asks the kernel for UCPHONE_CMD_GET_INFO now. Returns 0, -ENODEV when
 * the family is absent, or another -errno with a reason in why (the
 * kernel's extended ACK when it sent one).
 */
int kernel_link_get_info(struct kernel_link *link, struct ucphone_info *info,
			 char *why, size_t why_size);

#endif /* UCPHONED_KERNEL_LINK_H */
