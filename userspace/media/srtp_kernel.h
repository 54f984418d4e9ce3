/* SPDX-License-Identifier: GPL-2.0 */
/* The ucphone-srtp.ko side of srtp_flow: UCPHONE_CMD_SRTP_* over netlink. */
#ifndef UCPHONE_SRTP_KERNEL_H
#define UCPHONE_SRTP_KERNEL_H

#include <stdint.h>

#include "media/srtp_flow.h"

struct srtp_kernel;

/* -EOPNOTSUPP when the family or ucphone-srtp is not there. */
int srtp_kernel_open(struct srtp_kernel **out);
void srtp_kernel_close(struct srtp_kernel *k);
/* @id: 0 for a new session, else the session to re-key; returns the id. */
int srtp_kernel_new(struct srtp_kernel *k, int fd,
		    const struct srtp_flow_params *params, uint32_t id);
int srtp_kernel_del(struct srtp_kernel *k, uint32_t id);
int srtp_kernel_get(struct srtp_kernel *k, uint32_t id,
		    struct srtp_flow_stats *stats);

/* One session of a dump, without key material (the kernel never sends it). */
struct srtp_kernel_session {
	uint32_t id;
	uint32_t dir;
	uint32_t suite;
	bool has_ssrc;
	uint32_t ssrc;
	uint32_t window;
	uint32_t srtcp_index;
	struct srtp_flow_stats stats;
};

/* Calls @fn for every kernel session (UCPHONE_CMD_SRTP_GET dump). */
int srtp_kernel_dump(struct srtp_kernel *k,
		     void (*fn)(const struct srtp_kernel_session *s, void *arg),
		     void *arg);

#endif
