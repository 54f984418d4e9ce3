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

#include "media/srtp_soft.h"

#define TX_MAX 8192
#define TRAILER_MAX (SRTP_MAX_TRAILER_LEN + 4)
/* The SRTCP tag of every suite libsrtp2 runs here (HMAC-SHA1-80). */
#define SRTCP_TAG_LEN 10

struct srtp_soft {
	int fd;
	enum ucphone_srtp_direction dir;
	bool ssrc_fixed;
	uint32_t ssrc;
	bool use_mki;		/* libsrtp2's *_mki calls, with key 0 */
	uint8_t mki[UCPHONE_SRTP_MKI_MAX];
	size_t mki_len;
	srtp_t session;
	struct srtp_flow_stats stats;
	uint64_t highest;	/* RX: highest accepted index + 1, 0 before */
	uint8_t buf[TX_MAX + TRAILER_MAX];
};

/*
 * A policy's key with its MKI: libsrtp2 takes an MKI only through its list
 * of master keys (policy.keys), here a list of one.
 */
struct soft_key {
	uint8_t keysalt[46];
	uint8_t mki[UCPHONE_SRTP_MKI_MAX];
	srtp_master_key_t master;
	srtp_master_key_t *list[1];
};

static int policy_from(srtp_policy_t *policy, const struct srtp_flow_params *p,
		       struct soft_key *k)
{
	uint8_t *keysalt = k->keysalt;

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
	if (p->mki_len > UCPHONE_SRTP_MKI_MAX || (p->mki_len && !p->mki))
		return -EINVAL;
	if (p->mki_len) {
		memcpy(k->mki, p->mki, p->mki_len);
		k->master.key = keysalt;
		k->master.mki_id = k->mki;
		k->master.mki_size = p->mki_len;
		k->list[0] = &k->master;
		policy->keys = k->list;
		policy->num_master_keys = 1;
	} else {
		policy->key = keysalt;
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
	struct soft_key key;
	srtp_policy_t policy;
	struct srtp_soft *soft;
	int ret;

	pthread_once(&srtp_once, srtp_init_once);
	if (srtp_init_status != srtp_err_status_ok)
		return -EIO;
	ret = policy_from(&policy, p, &key);
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
	soft->use_mki = p->mki_len > 0;
	soft->mki_len = p->mki_len;
	memcpy(soft->mki, key.mki, p->mki_len);
	if (srtp_create(&soft->session, &policy) != srtp_err_status_ok) {
		free(soft);
		ret = -EINVAL;
		goto out;
	}
	*out = soft;
out:
	explicit_bzero(&key, sizeof(key));
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
			err = srtp_protect_mki(soft->session, soft->buf, &n,
					       soft->use_mki, 0);
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

/*
 * SRTCP with an MKI: header | payload | E+index | MKI | tag. libsrtp2 2.5
 * looks for the MKI before a tag of the RTP tag's length, which is wrong
 * for AES_CM_128_HMAC_SHA1_32 (4-byte RTP tag, 10-byte SRTCP tag), so the
 * MKI is checked and taken out here and libsrtp2 sees a packet without.
 */
static srtp_err_status_t unprotect_rtcp_mki(struct srtp_soft *soft,
					    uint8_t *pkt, int *len)
{
	size_t at;

	if ((size_t)*len < 8 + 4 + soft->mki_len + SRTCP_TAG_LEN)
		return srtp_err_status_bad_param;
	at = *len - SRTCP_TAG_LEN - soft->mki_len;
	if (memcmp(pkt + at, soft->mki, soft->mki_len))
		return srtp_err_status_bad_mki;
	memmove(pkt + at, pkt + at + soft->mki_len, SRTCP_TAG_LEN);
	*len -= soft->mki_len;
	return srtp_unprotect_rtcp_mki(soft->session, pkt, len, 0);
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
	if (rtcp && soft->use_mki)
		err = unprotect_rtcp_mki(soft, pkt, len);
	else if (rtcp)
		err = srtp_unprotect_rtcp(soft->session, pkt, len);
	else
		err = srtp_unprotect_mki(soft->session, pkt, len, soft->use_mki);
	switch (err) {
	case srtp_err_status_ok:
		break;
	case srtp_err_status_bad_mki:
		soft->stats.bad_mki++;
		return -EKEYREJECTED;
	case srtp_err_status_auth_fail:
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
	struct soft_key key;
	srtp_policy_t policy;
	int ret;

	ret = policy_from(&policy, p, &key);
	if (!ret && srtp_update(soft->session, &policy) != srtp_err_status_ok)
		ret = -EINVAL;
	if (!ret) {
		soft->use_mki = p->mki_len > 0;
		soft->mki_len = p->mki_len;
		memcpy(soft->mki, key.mki, p->mki_len);
	}
	explicit_bzero(&key, sizeof(key));
	return ret;
}

void srtp_soft_stats(struct srtp_soft *soft, struct srtp_flow_stats *stats)
{
	*stats = soft->stats;
}
