// SPDX-License-Identifier: GPL-2.0
/*
 * srtp_flow in userspace with libsrtp2, following ucphone-srtp.ko's rules
 * so that a caller cannot tell the two apart: same classification (RFC
 * 7983, RFC 5761), same SSRC filter, same counters, same errors.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <srtp2/srtp.h>

#include "srtp_soft.h"

#define TX_MAX 8192
#define TRAILER_MAX (SRTP_MAX_TRAILER_LEN + 4)

struct srtp_soft {
	int fd;
	enum ucphone_srtp_direction dir;
	bool ssrc_fixed;
	uint32_t ssrc;
	srtp_t session;
	struct srtp_flow_stats stats;
	uint64_t highest;	/* RX: highest accepted index + 1, 0 before */
	unsigned int use_mki;	/* every packet carries the MKI */
	uint8_t buf[TX_MAX + TRAILER_MAX];
};

/* What an MKI policy points at while libsrtp2 copies it. */
struct mki_key {
	uint8_t id[4];
	srtp_master_key_t key;
	srtp_master_key_t *keys[1];
};

static int policy_from(srtp_policy_t *policy, const struct srtp_flow_params *p,
		       uint8_t *keysalt, struct mki_key *mk)
{
	size_t key_len = p->suite == UCPHONE_SRTP_AES_256_CM_HMAC_SHA1_80 ? 32 : 16;

	memset(policy, 0, sizeof(*policy));
	switch (p->suite) {
	case UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80:
		srtp_crypto_policy_set_rtp_default(&policy->rtp);
		srtp_crypto_policy_set_rtp_default(&policy->rtcp);
		break;
	case UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_32:
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy->rtp);
		srtp_crypto_policy_set_rtp_default(&policy->rtcp);
		break;
	case UCPHONE_SRTP_AES_256_CM_HMAC_SHA1_80:
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&policy->rtp);
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&policy->rtcp);
		break;
	default:
		/* AEAD needs libsrtp2 built with OpenSSL; Debian's is not. */
		return -EOPNOTSUPP;
	}
	if (p->master_key_len != key_len || p->master_salt_len != 14)
		return -EINVAL;
	memcpy(keysalt, p->master_key, key_len);
	memcpy(keysalt + key_len, p->master_salt, 14);
	policy->key = keysalt;
	if (p->mki_len) {
		for (unsigned int i = 0; i < p->mki_len; i++)
			mk->id[i] = (uint8_t)(p->mki >> (8 * (p->mki_len - 1 - i)));
		mk->key.key = keysalt;
		mk->key.mki_id = mk->id;
		mk->key.mki_size = p->mki_len;
		mk->keys[0] = &mk->key;
		policy->keys = mk->keys;
		policy->num_master_keys = 1;
		/* libsrtp2 reads policy->keys only when policy->key is NULL */
		policy->key = NULL;
	}
	policy->ssrc.type = p->dir == UCPHONE_SRTP_DIR_TX ? ssrc_any_outbound :
			    ssrc_any_inbound;
	policy->window_size = p->window ? p->window : 128;
	return 0;
}

/* libsrtp2 is process-wide and refuses a second srtp_init(). */
static pthread_once_t srtp_once = PTHREAD_ONCE_INIT;
static srtp_err_status_t srtp_init_status;

static void srtp_init_once(void)
{
	srtp_init_status = srtp_init();
}

int srtp_soft_new(struct srtp_soft **out, int fd, const struct srtp_flow_params *p)
{
	uint8_t keysalt[46];
	struct mki_key mk;
	srtp_policy_t policy;
	struct srtp_soft *soft;
	int ret;

	pthread_once(&srtp_once, srtp_init_once);
	if (srtp_init_status != srtp_err_status_ok)
		return -EIO;
	ret = policy_from(&policy, p, keysalt, &mk);
	if (ret)
		goto out;
	soft = calloc(1, sizeof(*soft));
	if (!soft) {
		ret = -ENOMEM;
		goto out;
	}
	soft->fd = fd;
	soft->dir = p->dir;
	soft->ssrc_fixed = p->ssrc_fixed;
	soft->ssrc = p->ssrc;
	soft->use_mki = p->mki_len != 0;
	if (srtp_create(&soft->session, &policy) != srtp_err_status_ok) {
		free(soft);
		ret = -EINVAL;
		goto out;
	}
	*out = soft;
out:
	explicit_bzero(keysalt, sizeof(keysalt));
	return ret;
}

void srtp_soft_free(struct srtp_soft *soft)
{
	if (!soft)
		return;
	srtp_dealloc(soft->session);
	explicit_bzero(soft, sizeof(*soft));
	free(soft);
}

static bool is_rtp_v2(const uint8_t *pkt, size_t len)
{
	return len && pkt[0] >> 6 == 2;
}

static bool is_rtcp(const uint8_t *pkt, size_t len)
{
	return len >= 2 && pkt[1] >= 192 && pkt[1] <= 223;
}

static uint32_t ssrc_of(const uint8_t *pkt)
{
	return (uint32_t)pkt[8] << 24 | pkt[9] << 16 | pkt[10] << 8 | pkt[11];
}

ssize_t srtp_soft_send(struct srtp_soft *soft, const void *data, size_t len)
{
	int n = len;
	srtp_err_status_t err;
	ssize_t sent;

	if (soft->dir != UCPHONE_SRTP_DIR_TX)
		return -EINVAL;
	if (len > TX_MAX)
		return -EMSGSIZE;
	memcpy(soft->buf, data, len);
	if (is_rtp_v2(soft->buf, len)) {
		if (is_rtcp(soft->buf, len) ? len < 8 :
		    len < 12 || (soft->ssrc_fixed && ssrc_of(soft->buf) != soft->ssrc)) {
			soft->stats.malformed++;
			return -EINVAL;
		}
		if (is_rtcp(soft->buf, len))
			err = srtp_protect_rtcp_mki(soft->session, soft->buf, &n,
						    soft->use_mki, 0);
		else
			err = srtp_protect_mki(soft->session, soft->buf, &n, soft->use_mki, 0);
		if (err != srtp_err_status_ok) {
			soft->stats.malformed++;
			return -EINVAL;
		}
		if (is_rtcp(soft->buf, len)) {
			soft->stats.rtcp_packets++;
		} else {
			uint32_t roc = 0;

			soft->stats.packets++;
			soft->stats.bytes += len;
			soft->stats.seq = soft->buf[2] << 8 | soft->buf[3];
			srtp_get_stream_roc(soft->session, ssrc_of(soft->buf), &roc);
			soft->stats.roc = roc;
		}
	}
	sent = send(soft->fd, soft->buf, n, 0);
	explicit_bzero(soft->buf, n);
	if (sent < 0)
		return -errno;
	return len;
}

/* 0: @pkt is now plain (*len updated); else dropped and counted. */
int srtp_soft_unprotect(struct srtp_soft *soft, uint8_t *pkt, int *len)
{
	srtp_err_status_t err;
	uint32_t roc = 0;
	bool rtcp = is_rtcp(pkt, *len);
	uint16_t seq;

	if (*len < (rtcp ? 8 : 12) ||
	    (!rtcp && soft->ssrc_fixed && ssrc_of(pkt) != soft->ssrc)) {
		soft->stats.malformed++;
		return -EINVAL;
	}
	err = rtcp ? srtp_unprotect_rtcp_mki(soft->session, pkt, len, soft->use_mki) :
		     srtp_unprotect_mki(soft->session, pkt, len, soft->use_mki);
	switch (err) {
	case srtp_err_status_ok:
		break;
	case srtp_err_status_auth_fail:
	case srtp_err_status_bad_mki:
		soft->stats.auth_failures++;
		return -EBADMSG;
	case srtp_err_status_replay_fail:
	case srtp_err_status_replay_old:
		soft->stats.replays++;
		return -EALREADY;
	default:
		soft->stats.malformed++;
		return -EINVAL;
	}
	if (rtcp) {
		soft->stats.rtcp_packets++;
		return 0;
	}
	soft->stats.packets++;
	soft->stats.bytes += *len;
	seq = pkt[2] << 8 | pkt[3];
	srtp_get_stream_roc(soft->session, ssrc_of(pkt), &roc);
	if (((uint64_t)roc << 16 | seq) + 1 > soft->highest) {
		soft->highest = ((uint64_t)roc << 16 | seq) + 1;
		soft->stats.seq = seq;
		soft->stats.roc = roc;
	}
	return 0;
}

ssize_t srtp_soft_recv(struct srtp_soft *soft, void *data, size_t size)
{
	ssize_t n;
	int len;

	if (soft->dir != UCPHONE_SRTP_DIR_RX)
		return -EINVAL;
	for (;;) {
		/* The kernel drops before the reader sees anything: so do we. */
		n = recv(soft->fd, soft->buf, sizeof(soft->buf), 0);
		if (n < 0)
			return -errno;
		len = n;
		if (is_rtp_v2(soft->buf, n) && srtp_soft_unprotect(soft, soft->buf, &len))
			continue;
		if ((size_t)len > size)
			len = size;	/* truncated, as recv() does */
		memcpy(data, soft->buf, len);
		explicit_bzero(soft->buf, n);
		return len;
	}
}

int srtp_soft_rekey(struct srtp_soft *soft, const struct srtp_flow_params *p)
{
	uint8_t keysalt[46];
	struct mki_key mk;
	srtp_policy_t policy;
	int ret;

	ret = policy_from(&policy, p, keysalt, &mk);
	if (!ret && srtp_update(soft->session, &policy) != srtp_err_status_ok)
		ret = -EINVAL;
	if (!ret)
		soft->use_mki = p->mki_len != 0;
	explicit_bzero(keysalt, sizeof(keysalt));
	return ret;
}

void srtp_soft_stats(struct srtp_soft *soft, struct srtp_flow_stats *stats)
{
	*stats = soft->stats;
}
