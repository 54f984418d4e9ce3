// SPDX-License-Identifier: GPL-2.0
/*
 * The published SRTP vectors through ucphone-srtp's own code: RFC 3711 B.2
 * (AES-CM keystream) and B.3 (key derivation), RFC 6188 7.1 and 7.2 (the
 * same for AES-256) and RFC 7714 16-17 (AES-GCM SRTP and SRTCP packets).
 *
 * Most of these vectors are stated with session keys, which the netlink
 * API never takes (it derives them from a master key in the kernel). So
 * this test-only module uses the functions ucphone-srtp exports in the
 * UCPHONE_SRTP_INTERNAL namespace: a context keyed with the given session
 * keys, and ucphone_srtp_protect()/unprotect(), the per-packet functions
 * the socket hooks call, on a session built as NEW builds one. The key
 * derivation vectors are checked on the derived keys and then through a
 * packet protected once with derived and once with published session keys.
 *
 * The vectors run at load time; /sys/kernel/debug/ucphone-srtp-vectors/
 * results lists "ok NAME" or "not ok NAME (errno)" per vector, which
 * tests/kselftest/srtp/vectors_test.c reads in the VM. Never shipped.
 */
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../../kernel/srtp/srtp.h"
#include "ucphone-srtp-vectors.h"

#define PKT_MAX 256

struct vector {
	const char *name;
	int (*run)(void);
	int result;
};

/* A session as NEW makes one, on @sk's keys (taken over: freed with it). */
static struct ucphone_srtp_session *
session_new(enum ucphone_srtp_direction dir, struct ucphone_srtp_ctx *ctx)
{
	struct ucphone_srtp_session *s;

	if (IS_ERR(ctx))
		return ERR_CAST(ctx);
	s = ucphone_srtp_session_alloc(UCPHONE_SRTP_DEFAULT_WINDOW, dir);
	if (!s) {
		ucphone_srtp_ctx_free(ctx);
		return ERR_PTR(-ENOMEM);
	}
	s->ctx = ctx;
	ucphone_srtp_stream_reset(s);
	return s;
}

static struct ucphone_srtp_ctx *
ctx_of_session_keys(enum ucphone_srtp_suite suite, const u8 *enc,
		    unsigned int enc_len, const u8 *salt, unsigned int salt_len)
{
	struct ucphone_srtp_session_keys *sk;
	struct ucphone_srtp_ctx *ctx;

	sk = kzalloc(sizeof(*sk), GFP_KERNEL);
	if (!sk)
		return ERR_PTR(-ENOMEM);
	memcpy(sk->enc, enc, enc_len);
	memcpy(sk->salt, salt, salt_len);
	/* The vectors give no RTCP keys: RTCP uses the same ones. */
	ctx = ucphone_srtp_ctx_from_session_keys(suite, sk, sk);
	kfree_sensitive(sk);
	return ctx;
}

static int protect(struct ucphone_srtp_session *s, u8 *pkt, unsigned int len,
		   unsigned int *out_len)
{
	int ret;

	spin_lock_bh(&s->lock);
	ret = ucphone_srtp_protect(s, pkt, len, out_len);
	spin_unlock_bh(&s->lock);
	return ret;
}

static int unprotect(struct ucphone_srtp_session *s, u8 *pkt, unsigned int len,
		     unsigned int *out_len)
{
	int ret;

	spin_lock_bh(&s->lock);
	ret = ucphone_srtp_unprotect(s, pkt, len, out_len);
	spin_unlock_bh(&s->lock);
	return ret;
}

static int same(const u8 *got, unsigned int got_len, const u8 *want,
		unsigned int want_len)
{
	return got_len == want_len && !memcmp(got, want, want_len) ? 0 : -EBADMSG;
}

/*
 * AES-CM keystream (RFC 3711 B.2, RFC 6188 7.1): SSRC, ROC and SEQ 0 make
 * the IV the session salt, so the payload of a packet of zeros protected
 * by the session is the keystream; the packet unprotects back to zeros.
 * The segment's last blocks lie beyond any packet, so they come from the
 * counter mode function the packet path uses, over the whole segment.
 */
static int keystream(enum ucphone_srtp_suite suite, const u8 *key,
		     unsigned int key_len, const u8 *head, const u8 *tail)
{
	static const u8 hdr[] = { 0x80, 0x0f, 0x00, 0x00, 0xde, 0xca, 0xfb, 0xad,
				  0x00, 0x00, 0x00, 0x00 };
	const unsigned int seg_len = SRTP_VEC_SEGMENT_BLOCKS * 16;
	unsigned int len = sizeof(hdr) + 48, out_len, plain_len;
	struct ucphone_srtp_session *tx, *rx;
	u8 pkt[PKT_MAX] = {}, *seg;
	int ret;

	memcpy(pkt, hdr, sizeof(hdr));
	tx = session_new(UCPHONE_SRTP_DIR_TX,
			 ctx_of_session_keys(suite, key, key_len, srtp_vec_cm_salt,
					     sizeof(srtp_vec_cm_salt)));
	if (IS_ERR(tx))
		return PTR_ERR(tx);
	rx = session_new(UCPHONE_SRTP_DIR_RX,
			 ctx_of_session_keys(suite, key, key_len, srtp_vec_cm_salt,
					     sizeof(srtp_vec_cm_salt)));
	if (IS_ERR(rx)) {
		ret = PTR_ERR(rx);
		goto free_tx;
	}
	ret = protect(tx, pkt, len, &out_len);
	if (!ret)
		ret = same(pkt + sizeof(hdr), out_len - sizeof(hdr) - 10, head, 48);
	if (!ret)
		ret = unprotect(rx, pkt, out_len, &plain_len);
	if (!ret)
		ret = plain_len == len && !memchr_inv(pkt + sizeof(hdr), 0, 48) ?
		      0 : -EBADMSG;
	if (ret)
		goto free_rx;

	seg = kzalloc(seg_len, GFP_KERNEL);
	if (!seg) {
		ret = -ENOMEM;
		goto free_rx;
	}
	ret = ucphone_srtp_xor(&tx->ctx->rtp, 0, 0, seg, seg_len);
	if (!ret)
		ret = same(seg, 48, head, 48);
	if (!ret)
		ret = same(seg + seg_len - 48, 48, tail, 48);
	kfree(seg);
free_rx:
	ucphone_srtp_session_free(rx);
free_tx:
	ucphone_srtp_session_free(tx);
	return ret;
}

static int rfc3711_b2(void)
{
	return keystream(UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80, srtp_vec_b2_key,
			 sizeof(srtp_vec_b2_key), srtp_vec_b2_head,
			 srtp_vec_b2_tail);
}

static int rfc6188_7_1(void)
{
	return keystream(UCPHONE_SRTP_AES_256_CM_HMAC_SHA1_80,
			 srtp_vec_r6188_71_key, sizeof(srtp_vec_r6188_71_key),
			 srtp_vec_r6188_71_head, srtp_vec_r6188_71_tail);
}

/*
 * Key derivation (RFC 3711 B.3, RFC 6188 7.2): the derived SRTP session
 * keys are the published ones, and a session made from the master key (as
 * NEW makes it) protects a packet exactly as one keyed with the published
 * session keys does.
 */
static int kdf(enum ucphone_srtp_suite suite, const u8 *mk, const u8 *ms,
	       const u8 *enc, unsigned int enc_len, const u8 *salt,
	       const u8 *auth)
{
	static const u8 rtp[] = { 0x80, 0x00, 0x12, 0x34, 0x00, 0x00, 0x00, 0x01,
				  0xca, 0xfe, 0xba, 0xbe, 'p', 'a', 'y', 'l',
				  'o', 'a', 'd' };
	struct ucphone_srtp_session *derived = NULL, *given = NULL;
	struct ucphone_srtp_session_keys *sk;
	u8 a[PKT_MAX], b[PKT_MAX];
	unsigned int a_len, b_len;
	int ret;

	sk = kcalloc(2, sizeof(*sk), GFP_KERNEL);
	if (!sk)
		return -ENOMEM;
	ret = ucphone_srtp_derive(suite, mk, ms, false, &sk[0]);
	if (!ret)
		ret = same(sk[0].enc, enc_len, enc, enc_len) ?:
		      same(sk[0].salt, 14, salt, 14) ?:
		      same(sk[0].auth, 20, auth, 20);
	if (ret)
		goto out;

	/* The published keys for RTP; RFC 3711 and 6188 give none for RTCP. */
	memcpy(sk[0].enc, enc, enc_len);
	memcpy(sk[0].salt, salt, 14);
	memcpy(sk[0].auth, auth, 20);
	ret = ucphone_srtp_derive(suite, mk, ms, true, &sk[1]);
	if (ret)
		goto out;
	given = session_new(UCPHONE_SRTP_DIR_TX,
			    ucphone_srtp_ctx_from_session_keys(suite, &sk[0],
							       &sk[1]));
	derived = session_new(UCPHONE_SRTP_DIR_TX,
			      ucphone_srtp_ctx_new(suite, mk, ms));
	if (IS_ERR(given) || IS_ERR(derived)) {
		ret = IS_ERR(given) ? PTR_ERR(given) : PTR_ERR(derived);
		goto out;
	}
	memcpy(a, rtp, sizeof(rtp));
	memcpy(b, rtp, sizeof(rtp));
	ret = protect(given, a, sizeof(rtp), &a_len) ?:
	      protect(derived, b, sizeof(rtp), &b_len) ?:
	      same(a, a_len, b, b_len);
out:
	if (!IS_ERR_OR_NULL(given))
		ucphone_srtp_session_free(given);
	if (!IS_ERR_OR_NULL(derived))
		ucphone_srtp_session_free(derived);
	kfree_sensitive(sk);
	return ret;
}

static int rfc3711_b3(void)
{
	return kdf(UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80, srtp_vec_b3_mk,
		   srtp_vec_b3_ms, srtp_vec_b3_enc, sizeof(srtp_vec_b3_enc),
		   srtp_vec_b3_salt, srtp_vec_b3_auth);
}

static int rfc6188_7_2(void)
{
	return kdf(UCPHONE_SRTP_AES_256_CM_HMAC_SHA1_80, srtp_vec_r6188_72_mk,
		   srtp_vec_r6188_72_ms, srtp_vec_r6188_72_enc,
		   sizeof(srtp_vec_r6188_72_enc), srtp_vec_r6188_72_salt,
		   srtp_vec_r6188_72_auth);
}

/*
 * One RFC 7714 packet each way: protected by a TX session (@index: the
 * SRTCP index it sends next, or -1 for RTP), unprotected by an RX one.
 */
static int gcm(enum ucphone_srtp_suite suite, const u8 *key,
	       unsigned int key_len, const u8 *plain, unsigned int plain_len,
	       const u8 *wire, unsigned int wire_len, long index)
{
	struct ucphone_srtp_session *tx, *rx;
	unsigned int out_len;
	u8 pkt[PKT_MAX];
	int ret;

	tx = session_new(UCPHONE_SRTP_DIR_TX,
			 ctx_of_session_keys(suite, key, key_len,
					     srtp_vec_r7714_salt,
					     sizeof(srtp_vec_r7714_salt)));
	if (IS_ERR(tx))
		return PTR_ERR(tx);
	rx = session_new(UCPHONE_SRTP_DIR_RX,
			 ctx_of_session_keys(suite, key, key_len,
					     srtp_vec_r7714_salt,
					     sizeof(srtp_vec_r7714_salt)));
	if (IS_ERR(rx)) {
		ucphone_srtp_session_free(tx);
		return PTR_ERR(rx);
	}
	if (index >= 0)
		tx->stream.rtcp_index = index;
	memcpy(pkt, plain, plain_len);
	ret = protect(tx, pkt, plain_len, &out_len) ?:
	      same(pkt, out_len, wire, wire_len);
	if (!ret) {
		memcpy(pkt, wire, wire_len);
		ret = unprotect(rx, pkt, wire_len, &out_len) ?:
		      same(pkt, out_len, plain, plain_len);
	}
	ucphone_srtp_session_free(rx);
	ucphone_srtp_session_free(tx);
	return ret;
}

static int rfc7714_16_1(void)
{
	return gcm(UCPHONE_SRTP_AEAD_AES_128_GCM, srtp_vec_r7714_key128,
		   sizeof(srtp_vec_r7714_key128), srtp_vec_r7714_rtp,
		   sizeof(srtp_vec_r7714_rtp), srtp_vec_r7714_srtp128,
		   sizeof(srtp_vec_r7714_srtp128), -1);
}

static int rfc7714_16_2(void)
{
	return gcm(UCPHONE_SRTP_AEAD_AES_256_GCM, srtp_vec_r7714_key256,
		   sizeof(srtp_vec_r7714_key256), srtp_vec_r7714_rtp,
		   sizeof(srtp_vec_r7714_rtp), srtp_vec_r7714_srtp256,
		   sizeof(srtp_vec_r7714_srtp256), -1);
}

static int rfc7714_17_1(void)
{
	return gcm(UCPHONE_SRTP_AEAD_AES_128_GCM, srtp_vec_r7714_key128,
		   sizeof(srtp_vec_r7714_key128), srtp_vec_r7714_rtcp,
		   sizeof(srtp_vec_r7714_rtcp), srtp_vec_r7714_srtcp128,
		   sizeof(srtp_vec_r7714_srtcp128), SRTP_VEC_7714_SRTCP_INDEX);
}

static int rfc7714_17_2(void)
{
	return gcm(UCPHONE_SRTP_AEAD_AES_256_GCM, srtp_vec_r7714_key256,
		   sizeof(srtp_vec_r7714_key256), srtp_vec_r7714_rtcp,
		   sizeof(srtp_vec_r7714_rtcp), srtp_vec_r7714_srtcp256,
		   sizeof(srtp_vec_r7714_srtcp256), SRTP_VEC_7714_SRTCP_INDEX);
}

/* Tagged only (E clear): the kernel never sends it, it must accept it. */
static int rfc7714_17_3(void)
{
	struct ucphone_srtp_session *rx;
	u8 pkt[sizeof(srtp_vec_r7714_srtcp128_auth_only)];
	unsigned int out_len;
	int ret;

	rx = session_new(UCPHONE_SRTP_DIR_RX,
			 ctx_of_session_keys(UCPHONE_SRTP_AEAD_AES_128_GCM,
					     srtp_vec_r7714_key128,
					     sizeof(srtp_vec_r7714_key128),
					     srtp_vec_r7714_salt,
					     sizeof(srtp_vec_r7714_salt)));
	if (IS_ERR(rx))
		return PTR_ERR(rx);
	memcpy(pkt, srtp_vec_r7714_srtcp128_auth_only, sizeof(pkt));
	ret = unprotect(rx, pkt, sizeof(pkt), &out_len) ?:
	      same(pkt, out_len, srtp_vec_r7714_rtcp,
		   sizeof(srtp_vec_r7714_rtcp));
	ucphone_srtp_session_free(rx);
	return ret;
}

static struct vector vectors[] = {
	{ "rfc3711_b2_aes_cm_keystream", rfc3711_b2 },
	{ "rfc3711_b3_key_derivation", rfc3711_b3 },
	{ "rfc6188_7_1_aes_256_cm_keystream", rfc6188_7_1 },
	{ "rfc6188_7_2_aes_256_key_derivation", rfc6188_7_2 },
	{ "rfc7714_16_1_aead_aes_128_gcm_srtp", rfc7714_16_1 },
	{ "rfc7714_16_2_aead_aes_256_gcm_srtp", rfc7714_16_2 },
	{ "rfc7714_17_1_aead_aes_128_gcm_srtcp", rfc7714_17_1 },
	{ "rfc7714_17_2_aead_aes_256_gcm_srtcp", rfc7714_17_2 },
	{ "rfc7714_17_3_aead_aes_128_gcm_srtcp_tag_only", rfc7714_17_3 },
};

static int results_show(struct seq_file *m, void *v)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vectors); i++) {
		if (vectors[i].result)
			seq_printf(m, "not ok %s (%d)\n", vectors[i].name,
				   vectors[i].result);
		else
			seq_printf(m, "ok %s\n", vectors[i].name);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(results);

static struct dentry *vectors_dir;

static int __init srtp_vectors_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vectors); i++)
		vectors[i].result = vectors[i].run();
	vectors_dir = debugfs_create_dir("ucphone-srtp-vectors", NULL);
	debugfs_create_file("results", 0400, vectors_dir, NULL, &results_fops);
	return 0;
}

static void __exit srtp_vectors_exit(void)
{
	debugfs_remove_recursive(vectors_dir);
}

module_init(srtp_vectors_init);
module_exit(srtp_vectors_exit);
MODULE_IMPORT_NS(UCPHONE_SRTP_INTERNAL);
MODULE_DESCRIPTION("ucphone test: RFC 3711/6188/7714 vectors through ucphone-srtp");
MODULE_LICENSE("GPL");
