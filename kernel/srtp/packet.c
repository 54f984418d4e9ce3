// SPDX-License-Identifier: GPL-2.0
/*
 * SRTP and SRTCP packet processing (RFC 3711 3.3, 3.4), in place, with the
 * session lock held: the index, replay and ROC state a packet reads are the
 * ones it updates, and a re-key never lands between two steps of a packet.
 *
 * RTP and RTCP share the socket (RFC 5761): a second byte of 192..223 marks
 * RTCP. A datagram that is not RTP version 2 (STUN, DTLS: RFC 7983) is not
 * ours and is left alone by the callers.
 *
 * With an MKI (AES-CM suites only) the trailer is MKI | tag: the MKI sits
 * after the encrypted part (and SRTCP's E+index), the tag after it covers
 * everything before the MKI (RFC 3711 3.1, 3.4).
 */
#include <crypto/algapi.h>
#include <linux/scatterlist.h>
#include <asm/unaligned.h>

#include "srtp.h"

#define RTP_HEADER_LEN		12
#define RTCP_HEADER_LEN		8
#define SRTCP_E_FLAG		0x80000000U
#define SRTCP_INDEX_MAX		0x7fffffffU
#define SRTP_INDEX_MAX		((1ULL << 48) - 1)

static bool srtp_is_rtcp(const u8 *pkt)
{
	return pkt[1] >= 192 && pkt[1] <= 223;
}

/* RFC 7714 8.1: 00 00 || SSRC || ROC || SEQ, XOR the session salt. */
static void gcm_rtp_iv(const struct ucphone_srtp_keys *keys, u32 ssrc, u32 roc,
		       u16 seq, u8 *iv)
{
	int i;

	memset(iv, 0, UCPHONE_SRTP_AEAD_SALT);
	put_unaligned_be32(ssrc, iv + 2);
	put_unaligned_be32(roc, iv + 6);
	put_unaligned_be16(seq, iv + 10);
	for (i = 0; i < UCPHONE_SRTP_AEAD_SALT; i++)
		iv[i] ^= keys->salt[i];
}

/* RFC 7714 9.1: 00 00 || SSRC || 00 00 || 0 || SRTCP index, XOR salt. */
static void gcm_rtcp_iv(const struct ucphone_srtp_keys *keys, u32 ssrc,
			u32 index, u8 *iv)
{
	int i;

	memset(iv, 0, UCPHONE_SRTP_AEAD_SALT);
	put_unaligned_be32(ssrc, iv + 2);
	put_unaligned_be32(index, iv + 8);
	for (i = 0; i < UCPHONE_SRTP_AEAD_SALT; i++)
		iv[i] ^= keys->salt[i];
}

/*
 * SRTCP with AEAD carries E || index after the tag but authenticates it
 * with the header: three pieces of the one buffer, AAD first.
 */
static int gcm_rtcp(const struct ucphone_srtp_keys *keys, bool encrypt,
		    const u8 *iv, u8 *pkt, unsigned int aad_len, u8 *e_index,
		    unsigned int crypt_len)
{
	struct scatterlist sg[3];

	sg_init_table(sg, 3);
	sg_set_buf(&sg[0], pkt, aad_len);
	sg_set_buf(&sg[1], e_index, UCPHONE_SRTCP_INDEX_LEN);
	/* Encryption appends the tag after the plaintext. */
	sg_set_buf(&sg[2], pkt + aad_len,
		   crypt_len + (encrypt ? keys->tag_len : 0));
	return ucphone_srtp_aead(keys, encrypt, iv, sg,
				 aad_len + UCPHONE_SRTCP_INDEX_LEN, crypt_len);
}

/* Length of the RTP header with CSRCs and extension, or -EBADMSG. */
static int rtp_header_len(const u8 *pkt, unsigned int len)
{
	unsigned int hdr = RTP_HEADER_LEN + 4 * (pkt[0] & 0x0f);

	if (len < hdr)
		return -EBADMSG;
	if (pkt[0] & 0x10) {
		if (len < hdr + 4)
			return -EBADMSG;
		hdr += 4 + 4 * get_unaligned_be16(pkt + hdr + 2);
		if (len < hdr)
			return -EBADMSG;
	}
	return hdr;
}

/*
 * The session's MKI in front of the tag that ends at @pkt + *@len: when it
 * is there, *@len drops to what the tag covers; when it is not, the packet
 * is counted as carrying a wrong MKI. Without an MKI, always true.
 */
static bool srtp_mki_matches(struct ucphone_srtp_session *s, const u8 *pkt,
			     unsigned int *len)
{
	unsigned int mki_len = s->ctx->mki_len;

	if (!mki_len)
		return true;
	if (memcmp(pkt + *len - mki_len, s->ctx->mki, mki_len)) {
		s->stats.bad_mki++;
		return false;
	}
	*len -= mki_len;
	return true;
}

void ucphone_srtp_stream_reset(struct ucphone_srtp_session *s)
{
	struct ucphone_srtp_stream *st = &s->stream;

	st->ssrc_valid = false;
	st->seq_valid = false;
	st->roc = s->initial_roc;
	st->rtcp_index = 0;
	ucphone_srtp_replay_reset(&st->rtp_replay);
	ucphone_srtp_replay_reset(&st->rtcp_replay);
}
EXPORT_SYMBOL_NS_GPL(ucphone_srtp_stream_reset, UCPHONE_SRTP_INTERNAL);

/* RFC 3711 Appendix A: the ROC @seq most likely belongs to. */
static u32 srtp_guess_roc(const struct ucphone_srtp_stream *st, u16 seq,
			  bool *before_start)
{
	*before_start = false;
	if (!st->seq_valid)
		return st->roc;
	if (st->seq < 32768) {
		if (seq > st->seq && seq - st->seq > 32768) {
			*before_start = st->roc == 0;
			return st->roc - 1;
		}
		return st->roc;
	}
	if (st->seq - 32768 > seq)
		return st->roc + 1;
	return st->roc;
}

static void srtp_advance(struct ucphone_srtp_stream *st, u16 seq, u32 roc)
{
	u64 index = ((u64)roc << 16) | seq;
	u64 highest = ((u64)st->roc << 16) | st->seq;

	if (!st->seq_valid || index > highest) {
		st->seq = seq;
		st->roc = roc;
		st->seq_valid = true;
	}
}

static int srtp_protect_rtp(struct ucphone_srtp_session *s, u8 *pkt,
			    unsigned int len, unsigned int *out_len)
{
	const struct ucphone_srtp_keys *keys = &s->ctx->rtp;
	struct ucphone_srtp_stream *st = &s->stream;
	u32 ssrc = get_unaligned_be32(pkt + 8);
	u16 seq = get_unaligned_be16(pkt + 2);
	bool before_start;
	__be32 roc_be;
	int hdr, ret;
	u32 roc;

	hdr = rtp_header_len(pkt, len);
	if (hdr < 0 || (s->ssrc_fixed && ssrc != s->ssrc))
		return -EINVAL;
	if (st->ssrc_valid && ssrc != st->ssrc)
		ucphone_srtp_stream_reset(s);	/* a new source: RFC 3711 3.2.3 */
	roc = srtp_guess_roc(st, seq, &before_start);
	if (before_start)
		return -EINVAL;
	if (keys->aead) {
		struct scatterlist sg;
		u8 iv[UCPHONE_SRTP_AEAD_SALT];

		gcm_rtp_iv(keys, ssrc, roc, seq, iv);
		sg_init_one(&sg, pkt, len + keys->tag_len);
		ret = ucphone_srtp_aead(keys, true, iv, &sg, hdr, len - hdr);
	} else {
		ret = ucphone_srtp_xor(keys, ssrc, ((u64)roc << 16) | seq,
				       pkt + hdr, len - hdr);
		roc_be = cpu_to_be32(roc);
		if (!ret)
			ret = ucphone_srtp_tag(keys, pkt, len, &roc_be,
					       pkt + len + s->ctx->mki_len);
		memcpy(pkt + len, s->ctx->mki, s->ctx->mki_len);
	}
	if (ret)
		return ret;
	st->ssrc = ssrc;
	st->ssrc_valid = true;
	srtp_advance(st, seq, roc);
	s->stats.packets++;
	s->stats.bytes += len;
	*out_len = len + s->ctx->mki_len + keys->tag_len;
	return 0;
}

static int srtp_protect_rtcp(struct ucphone_srtp_session *s, u8 *pkt,
			     unsigned int len, unsigned int *out_len)
{
	const struct ucphone_srtp_keys *keys = &s->ctx->rtcp;
	struct ucphone_srtp_stream *st = &s->stream;
	u32 index = st->rtcp_index;
	int ret;

	if (len < RTCP_HEADER_LEN)
		return -EINVAL;
	if (index > SRTCP_INDEX_MAX)
		return -EKEYEXPIRED;	/* RFC 3711 3.3.1: re-key first */
	if (keys->aead) {
		u8 iv[UCPHONE_SRTP_AEAD_SALT], *e_index = pkt + len + keys->tag_len;

		gcm_rtcp_iv(keys, get_unaligned_be32(pkt + 4), index, iv);
		put_unaligned_be32(SRTCP_E_FLAG | index, e_index);
		ret = gcm_rtcp(keys, true, iv, pkt, RTCP_HEADER_LEN, e_index,
			       len - RTCP_HEADER_LEN);
	} else {
		u8 *trailer = pkt + len + UCPHONE_SRTCP_INDEX_LEN;

		ret = ucphone_srtp_xor(keys, get_unaligned_be32(pkt + 4), index,
				       pkt + RTCP_HEADER_LEN,
				       len - RTCP_HEADER_LEN);
		put_unaligned_be32(SRTCP_E_FLAG | index, pkt + len);
		if (!ret)
			ret = ucphone_srtp_tag(keys, pkt,
					       len + UCPHONE_SRTCP_INDEX_LEN, NULL,
					       trailer + s->ctx->mki_len);
		memcpy(trailer, s->ctx->mki, s->ctx->mki_len);
	}
	if (ret)
		return ret;
	st->rtcp_index = index + 1;
	s->stats.rtcp_packets++;
	*out_len = len + UCPHONE_SRTCP_INDEX_LEN + s->ctx->mki_len +
		   keys->tag_len;
	return 0;
}

/*
 * Protects the plain datagram at @pkt (room for the trailer after it).
 * -EINVAL: not RTP/RTCP of this session, counted as malformed.
 */
int ucphone_srtp_protect(struct ucphone_srtp_session *s, u8 *pkt,
			 unsigned int len, unsigned int *out_len)
{
	int ret;

	if (len < RTP_HEADER_LEN && !(len >= RTCP_HEADER_LEN && srtp_is_rtcp(pkt)))
		ret = -EINVAL;
	else if (srtp_is_rtcp(pkt))
		ret = srtp_protect_rtcp(s, pkt, len, out_len);
	else
		ret = srtp_protect_rtp(s, pkt, len, out_len);
	if (ret == -EINVAL)
		s->stats.malformed++;
	return ret;
}
EXPORT_SYMBOL_NS_GPL(ucphone_srtp_protect, UCPHONE_SRTP_INTERNAL);

static int srtp_unprotect_rtp(struct ucphone_srtp_session *s, u8 *pkt,
			      unsigned int len, unsigned int *out_len)
{
	const struct ucphone_srtp_keys *keys = &s->ctx->rtp;
	struct ucphone_srtp_stream *st = &s->stream;
	u8 tag[UCPHONE_SRTP_TAG_MAX];
	u32 ssrc, roc;
	bool new_source, before_start;
	__be32 roc_be;
	int hdr, ret;
	u64 index;
	u16 seq;

	if (len < RTP_HEADER_LEN + s->ctx->mki_len + keys->tag_len)
		goto malformed;
	len -= keys->tag_len;
	if (!srtp_mki_matches(s, pkt, &len))
		return -EKEYREJECTED;
	hdr = rtp_header_len(pkt, len);
	ssrc = get_unaligned_be32(pkt + 8);
	seq = get_unaligned_be16(pkt + 2);
	if (hdr < 0 || (s->ssrc_fixed && ssrc != s->ssrc))
		goto malformed;

	/* Any-SSRC: a new source starts from scratch once it authenticates. */
	new_source = st->ssrc_valid && ssrc != st->ssrc;
	if (new_source) {
		roc = s->initial_roc;
		before_start = false;
	} else {
		roc = srtp_guess_roc(st, seq, &before_start);
	}
	index = ((u64)roc << 16) | seq;
	if (before_start ||
	    (!new_source && ucphone_srtp_replay_check(&st->rtp_replay, index))) {
		s->stats.replays++;
		return -EALREADY;
	}

	if (keys->aead) {
		struct scatterlist sg;
		u8 iv[UCPHONE_SRTP_AEAD_SALT];

		gcm_rtp_iv(keys, ssrc, roc, seq, iv);
		sg_init_one(&sg, pkt, len + keys->tag_len);
		ret = ucphone_srtp_aead(keys, false, iv, &sg, hdr,
					len + keys->tag_len - hdr);
		if (ret == -EBADMSG)
			s->stats.auth_failures++;
		if (ret)
			return ret;
	} else {
		roc_be = cpu_to_be32(roc);
		ret = ucphone_srtp_tag(keys, pkt, len, &roc_be, tag);
		if (ret)
			return ret;
		if (crypto_memneq(tag, pkt + len + s->ctx->mki_len,
				  keys->tag_len)) {
			s->stats.auth_failures++;
			return -EBADMSG;
		}
		ret = ucphone_srtp_xor(keys, ssrc, index, pkt + hdr, len - hdr);
		if (ret)
			return ret;
	}

	if (new_source)
		ucphone_srtp_stream_reset(s);
	st->ssrc = ssrc;
	st->ssrc_valid = true;
	srtp_advance(st, seq, roc);
	ucphone_srtp_replay_update(&st->rtp_replay, index);
	s->stats.packets++;
	s->stats.bytes += len;
	*out_len = len;
	return 0;

malformed:
	s->stats.malformed++;
	return -EINVAL;
}

static int srtp_unprotect_rtcp(struct ucphone_srtp_session *s, u8 *pkt,
			       unsigned int len, unsigned int *out_len)
{
	const struct ucphone_srtp_keys *keys = &s->ctx->rtcp;
	struct ucphone_srtp_stream *st = &s->stream;
	u8 tag[UCPHONE_SRTP_TAG_MAX];
	u32 e_index, index;
	int ret;

	if (len < RTCP_HEADER_LEN + UCPHONE_SRTCP_INDEX_LEN + keys->tag_len) {
		s->stats.malformed++;
		return -EINVAL;
	}
	if (keys->aead) {
		u8 iv[UCPHONE_SRTP_AEAD_SALT], *e_index_p;
		unsigned int body = len - UCPHONE_SRTCP_INDEX_LEN - keys->tag_len;

		e_index_p = pkt + len - UCPHONE_SRTCP_INDEX_LEN;
		e_index = get_unaligned_be32(e_index_p);
		index = e_index & SRTCP_INDEX_MAX;
		if (ucphone_srtp_replay_check(&st->rtcp_replay, index)) {
			s->stats.replays++;
			return -EALREADY;
		}
		gcm_rtcp_iv(keys, get_unaligned_be32(pkt + 4), index, iv);
		if (e_index & SRTCP_E_FLAG)
			ret = gcm_rtcp(keys, false, iv, pkt, RTCP_HEADER_LEN,
				       e_index_p,
				       body - RTCP_HEADER_LEN + keys->tag_len);
		else	/* authenticated only: all of it is AAD */
			ret = gcm_rtcp(keys, false, iv, pkt, body, e_index_p,
				       keys->tag_len);
		if (ret == -EBADMSG)
			s->stats.auth_failures++;
		if (ret)
			return ret;
		len = body;
		goto accepted;
	}
	if (len < RTCP_HEADER_LEN + UCPHONE_SRTCP_INDEX_LEN + s->ctx->mki_len +
		  keys->tag_len) {
		s->stats.malformed++;
		return -EINVAL;
	}
	len -= keys->tag_len;
	if (!srtp_mki_matches(s, pkt, &len))
		return -EKEYREJECTED;
	e_index = get_unaligned_be32(pkt + len - UCPHONE_SRTCP_INDEX_LEN);
	index = e_index & SRTCP_INDEX_MAX;
	if (ucphone_srtp_replay_check(&st->rtcp_replay, index)) {
		s->stats.replays++;
		return -EALREADY;
	}
	ret = ucphone_srtp_tag(keys, pkt, len, NULL, tag);
	if (ret)
		return ret;
	if (crypto_memneq(tag, pkt + len + s->ctx->mki_len, keys->tag_len)) {
		s->stats.auth_failures++;
		return -EBADMSG;
	}
	len -= UCPHONE_SRTCP_INDEX_LEN;
	if (e_index & SRTCP_E_FLAG) {
		ret = ucphone_srtp_xor(keys, get_unaligned_be32(pkt + 4), index,
				       pkt + RTCP_HEADER_LEN,
				       len - RTCP_HEADER_LEN);
		if (ret)
			return ret;
	}
accepted:
	ucphone_srtp_replay_update(&st->rtcp_replay, index);
	st->rtcp_index = st->rtcp_replay.top;
	s->stats.rtcp_packets++;
	*out_len = len;
	return 0;
}

/*
 * Authenticates, replay-checks and decrypts the SRTP/SRTCP datagram at
 * @pkt in place. Every refusal is counted: -EINVAL malformed, -EALREADY
 * replayed or late, -EBADMSG authentication failure, -EKEYREJECTED an MKI
 * other than the session's.
 */
int ucphone_srtp_unprotect(struct ucphone_srtp_session *s, u8 *pkt,
			   unsigned int len, unsigned int *out_len)
{
	if (len < RTCP_HEADER_LEN) {
		s->stats.malformed++;
		return -EINVAL;
	}
	if (srtp_is_rtcp(pkt))
		return srtp_unprotect_rtcp(s, pkt, len, out_len);
	return srtp_unprotect_rtp(s, pkt, len, out_len);
}
EXPORT_SYMBOL_NS_GPL(ucphone_srtp_unprotect, UCPHONE_SRTP_INTERNAL);
