/* SPDX-License-Identifier: GPL-2.0 */
/* The libsrtp2 side of srtp_flow: the kernel's drop rules, in userspace. */
#ifndef UCPHONE_SRTP_SOFT_H
#define UCPHONE_SRTP_SOFT_H

#include "media/srtp_flow.h"

struct srtp_soft;

int srtp_soft_new(struct srtp_soft **out, int fd, const struct srtp_flow_params *p);
void srtp_soft_free(struct srtp_soft *soft);
ssize_t srtp_soft_send(struct srtp_soft *soft, const void *buf, size_t len);
ssize_t srtp_soft_recv(struct srtp_soft *soft, void *buf, size_t size);
/* One received SRTP/SRTCP datagram in place: 0, or dropped and counted. */
int srtp_soft_unprotect(struct srtp_soft *soft, uint8_t *pkt, int *len);
int srtp_soft_rekey(struct srtp_soft *soft, const struct srtp_flow_params *p);
void srtp_soft_stats(struct srtp_soft *soft, struct srtp_flow_stats *stats);

#endif
