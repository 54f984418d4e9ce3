/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw generic netlink for kernel tests: builds requests byte by byte (so a
 * test can also build a broken one on purpose) and returns the kernel's
 * verdict with its extended-ACK message.
 */
#ifndef UCPHONE_NLTEST_H
#define UCPHONE_NLTEST_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#define NLT_BUF_SIZE 16384

struct nlt_msg {
	size_t len;
	uint8_t buf[NLT_BUF_SIZE] __attribute__((aligned(4)));
};

struct nlt_reply {
	int error;			/* 0 or -errno from the ACK */
	char extack[256];		/* NLMSGERR_ATTR_MSG, if any */
	size_t len;			/* bytes of the first data message */
	uint8_t buf[NLT_BUF_SIZE] __attribute__((aligned(4)));
};

int nlt_open(void);
int nlt_resolve(int fd, const char *family, uint16_t *id,
		const char *group, uint32_t *group_id);
int nlt_subscribe(int fd, uint32_t group_id);

void nlt_init(struct nlt_msg *msg, uint16_t family, uint8_t cmd,
	      uint16_t flags);
void nlt_put(struct nlt_msg *msg, uint16_t type, const void *data,
	     size_t len);
void nlt_put_u32(struct nlt_msg *msg, uint16_t type, uint32_t value);
size_t nlt_nest_start(struct nlt_msg *msg, uint16_t type);
void nlt_nest_end(struct nlt_msg *msg, size_t start);
/* Appends raw bytes after the attributes, for malformed requests. */
void nlt_put_raw(struct nlt_msg *msg, const void *data, size_t len);

/* Sends @msg with NLM_F_ACK and collects the answer into @reply. */
int nlt_request(int fd, struct nlt_msg *msg, struct nlt_reply *reply);
/* Receives one multicast message, waiting up to @timeout_ms; -ETIMEDOUT. */
int nlt_recv_event(int fd, struct nlt_reply *event, int timeout_ms);

/* Attributes of a genl message (after the genl header) or of a nest. */
const struct nlattr *nlt_msg_attr(const struct nlt_reply *reply,
				  uint16_t type);
const struct nlattr *nlt_nest_attr(const struct nlattr *nest, uint16_t type);
uint16_t nlt_u16(const struct nlattr *attr);
uint32_t nlt_u32(const struct nlattr *attr);
uint64_t nlt_u64(const struct nlattr *attr);
const char *nlt_str(const struct nlattr *attr);
uint8_t nlt_cmd(const struct nlt_reply *reply);

#define nlt_for_each_nested(pos, nest)                                        \
	for (pos = (const struct nlattr *)((const uint8_t *)(nest) +           \
					    NLA_HDRLEN);                       \
	     (const uint8_t *)(pos) + NLA_HDRLEN <=                            \
		     (const uint8_t *)(nest) + (nest)->nla_len &&              \
	     (pos)->nla_len >= NLA_HDRLEN;                                     \
	     pos = (const struct nlattr *)((const uint8_t *)(pos) +            \
					    NLA_ALIGN((pos)->nla_len)))

#endif
