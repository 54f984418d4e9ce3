// SPDX-License-Identifier: GPL-2.0
/* srtp_flow: picks the kernel or libsrtp2 and forwards to it. */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "media/srtp_flow.h"
#include "media/srtp_kernel.h"
#include "media/srtp_soft.h"

struct srtp_flow {
	enum srtp_flow_backend backend;
	int fd;
	enum ucphone_srtp_direction dir;
	struct srtp_kernel *kernel;
	uint32_t id;
	struct srtp_soft *soft;
};

static bool params_valid(const struct srtp_flow_params *p)
{
	return p && (p->dir == UCPHONE_SRTP_DIR_TX || p->dir == UCPHONE_SRTP_DIR_RX) &&
	       p->master_key && p->master_salt &&
	       p->mki_len <= UCPHONE_SRTP_MKI_MAX && (!p->mki_len || p->mki);
}

int srtp_flow_new(struct srtp_flow **out, int fd,
		  const struct srtp_flow_params *p, enum srtp_flow_mode mode)
{
	struct srtp_flow *flow;
	int ret;

	if (!params_valid(p) || fd < 0)
		return -EINVAL;
	flow = calloc(1, sizeof(*flow));
	if (!flow)
		return -ENOMEM;
	flow->fd = fd;
	flow->dir = p->dir;
	ret = -EOPNOTSUPP;
	if (mode != SRTP_FLOW_FORCE_LIBSRTP && !srtp_kernel_open(&flow->kernel)) {
		ret = srtp_kernel_new(flow->kernel, fd, p, 0);
		if (ret > 0) {
			flow->backend = SRTP_FLOW_KERNEL;
			flow->id = ret;
			*out = flow;
			return 0;
		}
		srtp_kernel_close(flow->kernel);
		flow->kernel = NULL;
	}
	/* Only "not offloaded here" falls back; bad keys fail either way. */
	if (mode == SRTP_FLOW_FORCE_KERNEL || ret != -EOPNOTSUPP) {
		free(flow);
		return ret < 0 ? ret : -EIO;
	}
	ret = srtp_soft_new(&flow->soft, fd, p);
	if (ret) {
		free(flow);
		return ret;
	}
	flow->backend = SRTP_FLOW_LIBSRTP;
	*out = flow;
	return 0;
}

void srtp_flow_free(struct srtp_flow *flow)
{
	if (!flow)
		return;
	if (flow->kernel) {
		srtp_kernel_del(flow->kernel, flow->id);
		srtp_kernel_close(flow->kernel);
	}
	srtp_soft_free(flow->soft);
	free(flow);
}

enum srtp_flow_backend srtp_flow_backend(const struct srtp_flow *flow)
{
	return flow->backend;
}

const char *srtp_flow_backend_name(enum srtp_flow_backend backend)
{
	return backend == SRTP_FLOW_KERNEL ? "kernel" : "libsrtp2";
}

ssize_t srtp_flow_send(struct srtp_flow *flow, const void *buf, size_t len)
{
	ssize_t n;

	if (flow->soft)
		return srtp_soft_send(flow->soft, buf, len);
	if (flow->dir != UCPHONE_SRTP_DIR_TX)
		return -EINVAL;
	n = send(flow->fd, buf, len, 0);
	return n < 0 ? -errno : n;
}

ssize_t srtp_flow_recv(struct srtp_flow *flow, void *buf, size_t size)
{
	ssize_t n;

	if (flow->soft)
		return srtp_soft_recv(flow->soft, buf, size);
	if (flow->dir != UCPHONE_SRTP_DIR_RX)
		return -EINVAL;
	n = recv(flow->fd, buf, size, 0);
	return n < 0 ? -errno : n;
}

int srtp_flow_unprotect(struct srtp_flow *flow, void *buf, size_t *len)
{
	const uint8_t *p = buf;
	int n;
	int ret;

	if (flow->dir != UCPHONE_SRTP_DIR_RX)
		return -EINVAL;
	if (!flow->soft || !*len || p[0] >> 6 != 2)
		return 0;
	if (*len > INT32_MAX)
		return -EMSGSIZE;
	n = (int)*len;
	ret = srtp_soft_unprotect(flow->soft, buf, &n);
	if (ret < 0)
		return ret;
	*len = (size_t)n;
	return 0;
}

int srtp_flow_rekey(struct srtp_flow *flow, const struct srtp_flow_params *p)
{
	int ret;

	if (!params_valid(p) || p->dir != flow->dir)
		return -EINVAL;
	if (flow->soft)
		return srtp_soft_rekey(flow->soft, p);
	ret = srtp_kernel_new(flow->kernel, flow->fd, p, flow->id);
	return ret < 0 ? ret : 0;
}

int srtp_flow_stats(struct srtp_flow *flow, struct srtp_flow_stats *stats)
{
	if (flow->soft) {
		srtp_soft_stats(flow->soft, stats);
		return 0;
	}
	return srtp_kernel_get(flow->kernel, flow->id, stats);
}
