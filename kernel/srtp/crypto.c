// SPDX-License-Identifier: GPL-2.0
/*
 * SRTP crypto (RFC 3711, RFC 6188, RFC 7714): the AES-CM key derivation
 * and the per-packet AES counter mode and HMAC-SHA1, or AES-GCM.
 *
 * Transforms are allocated and keyed once per session at NEW; a packet only
 * builds its request on the stack, so the data path never allocates. Keys
 * live only inside the transforms and in stack buffers wiped before return.
 */
#include <crypto/aead.h>
#include <crypto/aes.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>
#include <linux/err.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>

#include "srtp.h"

enum srtp_label {
	SRTP_LABEL_RTP_ENC = 0,
	SRTP_LABEL_RTP_AUTH = 1,
	SRTP_LABEL_RTP_SALT = 2,
	SRTP_LABEL_RTCP_ENC = 3,
	SRTP_LABEL_RTCP_AUTH = 4,
	SRTP_LABEL_RTCP_SALT = 5,
};

static const struct ucphone_srtp_suite_info ucphone_srtp_suites[] = {
	[UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80] = { 16, 14, 10, 10 },
	/* RFC 4568: the short tag is for RTP; SRTCP keeps 80 bits. */
	[UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_32] = { 16, 14, 4, 10 },
	[UCPHONE_SRTP_AES_256_CM_HMAC_SHA1_80] = { 32, 14, 10, 10 },
	[UCPHONE_SRTP_AEAD_AES_128_GCM] = { 16, 12, 16, 16 },
	[UCPHONE_SRTP_AEAD_AES_256_GCM] = { 32, 12, 16, 16 },
};

const struct ucphone_srtp_suite_info *
ucphone_srtp_suite_info(enum ucphone_srtp_suite suite)
{
	if (suite <= UCPHONE_SRTP_SUITE_UNSPEC || suite > UCPHONE_SRTP_SUITE_MAX)
		return NULL;
	return &ucphone_srtp_suites[suite];
}

/*
 * The AES-CM PRF with key derivation rate 0: x = (label << 48) XOR
 * master_salt, keystream of AES-CTR under the master key from IV x * 2^16.
 */
static void srtp_prf(const struct crypto_aes_ctx *aes, const u8 *master_salt,
		     unsigned int salt_len, u8 label, u8 *out, unsigned int len)
{
	u8 iv[AES_BLOCK_SIZE] = {}, block[AES_BLOCK_SIZE];
	unsigned int n;
	u16 counter;

	/* An AEAD suite's 96-bit salt is padded with zeros (RFC 7714 11). */
	memcpy(iv, master_salt, salt_len);
	iv[7] ^= label;
	for (counter = 0; len; counter++, out += n, len -= n) {
		put_unaligned_be16(counter, iv + 14);
		aes_encrypt(aes, block, iv);
		n = min_t(unsigned int, len, AES_BLOCK_SIZE);
		memcpy(out, block, n);
	}
	memzero_explicit(block, sizeof(block));
}

static void srtp_keys_free(struct ucphone_srtp_keys *keys)
{
	if (!IS_ERR_OR_NULL(keys->ctr))
		crypto_free_sync_skcipher(keys->ctr);
	if (!IS_ERR_OR_NULL(keys->hmac))
		crypto_free_shash(keys->hmac);
	aead_request_free(keys->req);
	if (!IS_ERR_OR_NULL(keys->aead))
		crypto_free_aead(keys->aead);
	memzero_explicit(keys, sizeof(*keys));
}

/**
 * ucphone_srtp_derive - the session keys of RTP or RTCP (RFC 3711 4.3)
 * @suite: the crypto suite, which sets the key and salt lengths
 * @master_key: the suite's master key length of bytes
 * @master_salt: the suite's master salt length of bytes
 * @rtcp: derive with the SRTCP labels
 * @out: the session keys; the caller wipes them
 *
 * Return: 0, or -EOPNOTSUPP for an unknown suite.
 */
int ucphone_srtp_derive(enum ucphone_srtp_suite suite, const u8 *master_key,
			const u8 *master_salt, bool rtcp,
			struct ucphone_srtp_session_keys *out)
{
	const struct ucphone_srtp_suite_info *info = ucphone_srtp_suite_info(suite);
	u8 label = rtcp ? SRTP_LABEL_RTCP_ENC : SRTP_LABEL_RTP_ENC;
	struct crypto_aes_ctx *aes;
	int ret;

	if (!info)
		return -EOPNOTSUPP;
	memset(out, 0, sizeof(*out));
	aes = kmalloc(sizeof(*aes), GFP_KERNEL);
	if (!aes)
		return -ENOMEM;
	ret = aes_expandkey(aes, master_key, info->key_len);
	if (!ret) {
		srtp_prf(aes, master_salt, info->salt_len, label, out->enc,
			 info->key_len);
		/* AES-GCM authenticates with its own key (RFC 7714 11). */
		if (info->salt_len != UCPHONE_SRTP_AEAD_SALT)
			srtp_prf(aes, master_salt, info->salt_len, label + 1,
				 out->auth, sizeof(out->auth));
		srtp_prf(aes, master_salt, info->salt_len, label + 2, out->salt,
			 info->salt_len);
	}
	kfree_sensitive(aes);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(ucphone_srtp_derive, UCPHONE_SRTP_INTERNAL);

static int srtp_keys_init_aead(struct ucphone_srtp_keys *keys,
			       const struct ucphone_srtp_suite_info *info,
			       const struct ucphone_srtp_session_keys *sk)
{
	int ret;

	keys->tag_len = UCPHONE_SRTP_AEAD_TAG;
	/* Synchronous only: packets are processed in place, under a lock. */
	keys->aead = crypto_alloc_aead("gcm(aes)", 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(keys->aead))
		return PTR_ERR(keys->aead);
	keys->req = aead_request_alloc(keys->aead, GFP_KERNEL);
	if (!keys->req)
		return -ENOMEM;
	memcpy(keys->salt, sk->salt, UCPHONE_SRTP_AEAD_SALT);
	ret = crypto_aead_setkey(keys->aead, sk->enc, info->key_len);
	if (!ret)
		ret = crypto_aead_setauthsize(keys->aead, UCPHONE_SRTP_AEAD_TAG);
	return ret;
}

static int srtp_keys_init(struct ucphone_srtp_keys *keys,
			  const struct ucphone_srtp_suite_info *info,
			  const struct ucphone_srtp_session_keys *sk,
			  unsigned int tag_len)
{
	int ret;

	if (info->salt_len == UCPHONE_SRTP_AEAD_SALT)
		return srtp_keys_init_aead(keys, info, sk);
	keys->tag_len = tag_len;
	keys->ctr = crypto_alloc_sync_skcipher("ctr(aes)", 0, 0);
	if (IS_ERR(keys->ctr))
		return PTR_ERR(keys->ctr);
	keys->hmac = crypto_alloc_shash("hmac(sha1)", 0, 0);
	if (IS_ERR(keys->hmac))
		return PTR_ERR(keys->hmac);
	memcpy(keys->salt, sk->salt, sizeof(keys->salt));
	ret = crypto_sync_skcipher_setkey(keys->ctr, sk->enc, info->key_len);
	if (!ret)
		ret = crypto_shash_setkey(keys->hmac, sk->auth, sizeof(sk->auth));
	return ret;
}

/**
 * ucphone_srtp_ctx_from_session_keys - transforms keyed with session keys
 * @suite: the crypto suite
 * @rtp: the SRTP session keys
 * @rtcp: the SRTCP session keys
 *
 * Return: the context, or ERR_PTR; the caller still owns and wipes @rtp
 * and @rtcp.
 */
struct ucphone_srtp_ctx *
ucphone_srtp_ctx_from_session_keys(enum ucphone_srtp_suite suite,
				   const struct ucphone_srtp_session_keys *rtp,
				   const struct ucphone_srtp_session_keys *rtcp)
{
	const struct ucphone_srtp_suite_info *info = ucphone_srtp_suite_info(suite);
	struct ucphone_srtp_ctx *ctx;
	int ret;

	if (!info)
		return ERR_PTR(-EOPNOTSUPP);
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	ctx->suite = suite;
	ret = srtp_keys_init(&ctx->rtp, info, rtp, info->rtp_tag_len);
	if (!ret)
		ret = srtp_keys_init(&ctx->rtcp, info, rtcp, info->rtcp_tag_len);
	if (ret) {
		ucphone_srtp_ctx_free(ctx);
		return ERR_PTR(ret);
	}
	return ctx;
}
EXPORT_SYMBOL_NS_GPL(ucphone_srtp_ctx_from_session_keys, UCPHONE_SRTP_INTERNAL);

/* Derives the session keys of @suite; ERR_PTR on failure, keys wiped. */
struct ucphone_srtp_ctx *ucphone_srtp_ctx_new(enum ucphone_srtp_suite suite,
					      const u8 *key, const u8 *salt)
{
	struct ucphone_srtp_session_keys *sk;
	struct ucphone_srtp_ctx *ctx;
	int ret;

	/* RTP's and RTCP's, off the stack that would keep them after return. */
	sk = kcalloc(2, sizeof(*sk), GFP_KERNEL);
	if (!sk)
		return ERR_PTR(-ENOMEM);
	ret = ucphone_srtp_derive(suite, key, salt, false, &sk[0]);
	if (!ret)
		ret = ucphone_srtp_derive(suite, key, salt, true, &sk[1]);
	ctx = ret ? ERR_PTR(ret) :
	      ucphone_srtp_ctx_from_session_keys(suite, &sk[0], &sk[1]);
	kfree_sensitive(sk);
	return ctx;
}
EXPORT_SYMBOL_NS_GPL(ucphone_srtp_ctx_new, UCPHONE_SRTP_INTERNAL);

void ucphone_srtp_ctx_free(struct ucphone_srtp_ctx *ctx)
{
	if (!ctx)
		return;
	srtp_keys_free(&ctx->rtp);
	srtp_keys_free(&ctx->rtcp);
	kfree_sensitive(ctx);
}
EXPORT_SYMBOL_NS_GPL(ucphone_srtp_ctx_free, UCPHONE_SRTP_INTERNAL);

/*
 * AES-CM (RFC 3711 4.1.1): IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR
 * (index * 2^16). ctr(aes) counts the whole block, which equals SRTP's
 * 16-bit block counter for any packet shorter than 1 MiB.
 */
int ucphone_srtp_xor(const struct ucphone_srtp_keys *keys, u32 ssrc, u64 index,
		     u8 *data, unsigned int len)
{
	SYNC_SKCIPHER_REQUEST_ON_STACK(req, keys->ctr);
	u8 iv[AES_BLOCK_SIZE] = {};
	struct scatterlist sg;
	int ret, i;

	if (!len)
		return 0;
	memcpy(iv, keys->salt, sizeof(keys->salt));
	for (i = 0; i < 4; i++)
		iv[4 + i] ^= ssrc >> (24 - 8 * i);
	for (i = 0; i < 6; i++)
		iv[8 + i] ^= index >> (40 - 8 * i);
	sg_init_one(&sg, data, len);
	skcipher_request_set_sync_tfm(req, keys->ctr);
	skcipher_request_set_callback(req, 0, NULL, NULL);
	skcipher_request_set_crypt(req, &sg, &sg, len, iv);
	ret = crypto_skcipher_encrypt(req);
	skcipher_request_zero(req);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(ucphone_srtp_xor, UCPHONE_SRTP_INTERNAL);

/*
 * HMAC-SHA1 over @data (and the ROC for SRTP), all 20 bytes of it: the
 * caller keeps the tag's length. The key's inner and outer pads were
 * hashed once at setkey (the hmac template keeps both states), so a packet
 * costs its own bytes plus two blocks; finup saves a call (and on x86 a
 * SIMD section) per packet.
 */
int ucphone_srtp_tag(const struct ucphone_srtp_keys *keys, const u8 *data,
		     unsigned int len, const __be32 *roc, u8 *tag)
{
	SHASH_DESC_ON_STACK(desc, keys->hmac);
	int ret;

	desc->tfm = keys->hmac;
	if (roc) {
		ret = crypto_shash_init(desc);
		if (!ret)
			ret = crypto_shash_update(desc, data, len);
		if (!ret)
			ret = crypto_shash_finup(desc, (const u8 *)roc,
						 sizeof(*roc), tag);
	} else {
		ret = crypto_shash_digest(desc, data, len, tag);
	}
	/* The state is the keyed inner hash. */
	shash_desc_zero(desc);
	return ret;
}

/*
 * AES-GCM in place over @sg (RFC 7714 8, 9): @assoclen bytes of AAD, then
 * @cryptlen bytes (decryption: ciphertext and tag). -EBADMSG when the tag
 * does not verify.
 */
int ucphone_srtp_aead(const struct ucphone_srtp_keys *keys, bool encrypt,
		      const u8 *iv, struct scatterlist *sg, unsigned int assoclen,
		      unsigned int cryptlen)
{
	struct aead_request *req = keys->req;
	int ret;

	aead_request_set_callback(req, 0, NULL, NULL);
	aead_request_set_ad(req, assoclen);
	aead_request_set_crypt(req, sg, sg, cryptlen, (u8 *)iv);
	ret = encrypt ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
	return ret;
}
