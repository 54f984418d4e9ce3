// SPDX-License-Identifier: GPL-2.0
/*
 * Every byte of tests/kmod/ucphone-srtp-vectors.h, the RFC 3711, RFC 6188
 * and RFC 7714 vectors the kernel test module feeds through ucphone-srtp,
 * recomputed here with OpenSSL from the RFCs' inputs: a typo in the table
 * fails on the host with the vector's name, before any VM boots.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "../kmod/ucphone-srtp-vectors.h"
#include "kselftest_harness.h"

static const EVP_CIPHER *aes_ctr(size_t key_len)
{
	return key_len == 32 ? EVP_aes_256_ctr() : EVP_aes_128_ctr();
}

/* @len bytes of AES-CTR keystream from the 16-byte counter block @iv. */
static bool keystream(const uint8_t *key, size_t key_len, const uint8_t *iv,
		      uint8_t *out, size_t len)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n, ok;

	memset(out, 0, len);
	ok = ctx && EVP_EncryptInit_ex(ctx, aes_ctr(key_len), NULL, key, iv) &&
	     EVP_EncryptUpdate(ctx, out, &n, out, len) && (size_t)n == len;
	EVP_CIPHER_CTX_free(ctx);
	return ok;
}

/* The AES-CM PRF, RFC 3711 4.3.3: (salt XOR label << 48) * 2^16. */
static bool prf(const uint8_t *mk, size_t mk_len, const uint8_t *ms,
		uint8_t label, uint8_t *out, size_t len)
{
	uint8_t iv[16] = { 0 };

	memcpy(iv, ms, 14);
	iv[7] ^= label;
	return keystream(mk, mk_len, iv, out, len);
}

/* AES-GCM: ciphertext then tag appended to @out; false on any error. */
static bool gcm(const uint8_t *key, size_t key_len, const uint8_t *iv,
		const uint8_t *aad, size_t aad_len, const uint8_t *plain,
		size_t plain_len, uint8_t *out)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n, ok;

	ok = ctx &&
	     EVP_EncryptInit_ex(ctx, key_len == 32 ? EVP_aes_256_gcm() :
				EVP_aes_128_gcm(), NULL, key, iv) &&
	     EVP_EncryptUpdate(ctx, NULL, &n, aad, aad_len) &&
	     (!plain_len || EVP_EncryptUpdate(ctx, out, &n, plain, plain_len)) &&
	     EVP_EncryptFinal_ex(ctx, out + plain_len, &n) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out + plain_len);
	EVP_CIPHER_CTX_free(ctx);
	return ok;
}

static void check_keystream(struct __test_metadata *_metadata,
			    const uint8_t *key, size_t key_len,
			    const uint8_t *head, const uint8_t *tail)
{
	size_t len = SRTP_VEC_SEGMENT_BLOCKS * 16;
	uint8_t iv[16] = { 0 }, *seg = malloc(len);

	ASSERT_NE(NULL, seg);
	memcpy(iv, srtp_vec_cm_salt, sizeof(srtp_vec_cm_salt));
	ASSERT_TRUE(keystream(key, key_len, iv, seg, len));
	EXPECT_EQ(0, memcmp(seg, head, 48));
	EXPECT_EQ(0, memcmp(seg + len - 48, tail, 48));
	free(seg);
}

TEST(rfc3711_b2_keystream)
{
	check_keystream(_metadata, srtp_vec_b2_key, sizeof(srtp_vec_b2_key),
			srtp_vec_b2_head, srtp_vec_b2_tail);
}

TEST(rfc6188_7_1_keystream)
{
	check_keystream(_metadata, srtp_vec_r6188_71_key,
			sizeof(srtp_vec_r6188_71_key), srtp_vec_r6188_71_head,
			srtp_vec_r6188_71_tail);
}

static void check_kdf(struct __test_metadata *_metadata, const uint8_t *mk,
		      size_t mk_len, const uint8_t *ms, const uint8_t *enc,
		      const uint8_t *auth, const uint8_t *salt)
{
	uint8_t out[32];

	ASSERT_TRUE(prf(mk, mk_len, ms, 0, out, mk_len));
	EXPECT_EQ(0, memcmp(out, enc, mk_len));
	ASSERT_TRUE(prf(mk, mk_len, ms, 1, out, 20));
	EXPECT_EQ(0, memcmp(out, auth, 20));
	ASSERT_TRUE(prf(mk, mk_len, ms, 2, out, 14));
	EXPECT_EQ(0, memcmp(out, salt, 14));
}

TEST(rfc3711_b3_key_derivation)
{
	check_kdf(_metadata, srtp_vec_b3_mk, sizeof(srtp_vec_b3_mk),
		  srtp_vec_b3_ms, srtp_vec_b3_enc, srtp_vec_b3_auth,
		  srtp_vec_b3_salt);
	EXPECT_EQ(sizeof(srtp_vec_b3_mk), sizeof(srtp_vec_b3_enc));
	EXPECT_EQ(14, sizeof(srtp_vec_b3_ms));
	EXPECT_EQ(14, sizeof(srtp_vec_b3_salt));
	EXPECT_EQ(20, sizeof(srtp_vec_b3_auth));
}

TEST(rfc6188_7_2_key_derivation)
{
	check_kdf(_metadata, srtp_vec_r6188_72_mk, sizeof(srtp_vec_r6188_72_mk),
		  srtp_vec_r6188_72_ms, srtp_vec_r6188_72_enc,
		  srtp_vec_r6188_72_auth, srtp_vec_r6188_72_salt);
	EXPECT_EQ(sizeof(srtp_vec_r6188_72_mk), sizeof(srtp_vec_r6188_72_enc));
	EXPECT_EQ(14, sizeof(srtp_vec_r6188_72_ms));
	EXPECT_EQ(14, sizeof(srtp_vec_r6188_72_salt));
	EXPECT_EQ(20, sizeof(srtp_vec_r6188_72_auth));
}

/* RFC 7714 8.1: 00 00 || SSRC || ROC || SEQ, XOR the salt. */
static void rtp_iv(const uint8_t *rtp, uint8_t *iv)
{
	unsigned int i;

	memset(iv, 0, 12);
	memcpy(iv + 2, rtp + 8, 4);
	memcpy(iv + 10, rtp + 2, 2);	/* ROC 0 */
	for (i = 0; i < 12; i++)
		iv[i] ^= srtp_vec_r7714_salt[i];
}

static void check_srtp(struct __test_metadata *_metadata, const uint8_t *key,
		       size_t key_len, const uint8_t *srtp, size_t srtp_len)
{
	const uint8_t *rtp = srtp_vec_r7714_rtp;
	size_t len = sizeof(srtp_vec_r7714_rtp);
	uint8_t iv[12], out[256];

	ASSERT_EQ(len + 16, srtp_len);
	rtp_iv(rtp, iv);
	memcpy(out, rtp, 12);
	ASSERT_TRUE(gcm(key, key_len, iv, rtp, 12, rtp + 12, len - 12, out + 12));
	EXPECT_EQ(0, memcmp(out, srtp, srtp_len));
}

TEST(rfc7714_16_1_srtp_aes_128_gcm)
{
	check_srtp(_metadata, srtp_vec_r7714_key128,
		   sizeof(srtp_vec_r7714_key128), srtp_vec_r7714_srtp128,
		   sizeof(srtp_vec_r7714_srtp128));
}

TEST(rfc7714_16_2_srtp_aes_256_gcm)
{
	check_srtp(_metadata, srtp_vec_r7714_key256,
		   sizeof(srtp_vec_r7714_key256), srtp_vec_r7714_srtp256,
		   sizeof(srtp_vec_r7714_srtp256));
}

/* RFC 7714 9.1: 00 00 || SSRC || 00 00 || 0 || index, XOR the salt. */
static void rtcp_iv(uint8_t *iv)
{
	uint32_t index = SRTP_VEC_7714_SRTCP_INDEX;
	unsigned int i;

	memset(iv, 0, 12);
	memcpy(iv + 2, srtp_vec_r7714_rtcp + 4, 4);
	for (i = 0; i < 4; i++)
		iv[8 + i] = index >> (24 - 8 * i);
	for (i = 0; i < 12; i++)
		iv[i] ^= srtp_vec_r7714_salt[i];
}

/* The SRTCP trailer E || index, big-endian. */
static void e_index(bool encrypted, uint8_t *out)
{
	uint32_t v = SRTP_VEC_7714_SRTCP_INDEX | (encrypted ? 0x80000000u : 0);
	unsigned int i;

	for (i = 0; i < 4; i++)
		out[i] = v >> (24 - 8 * i);
}

static void check_srtcp(struct __test_metadata *_metadata, const uint8_t *key,
			size_t key_len, const uint8_t *srtcp, size_t srtcp_len)
{
	const uint8_t *rtcp = srtp_vec_r7714_rtcp;
	size_t len = sizeof(srtp_vec_r7714_rtcp);
	uint8_t iv[12], aad[12], out[256];

	ASSERT_EQ(len + 16 + 4, srtcp_len);
	rtcp_iv(iv);
	memcpy(aad, rtcp, 8);
	e_index(true, aad + 8);
	memcpy(out, rtcp, 8);
	ASSERT_TRUE(gcm(key, key_len, iv, aad, 12, rtcp + 8, len - 8, out + 8));
	memcpy(out + len + 16, aad + 8, 4);
	EXPECT_EQ(0, memcmp(out, srtcp, srtcp_len));
}

TEST(rfc7714_17_1_srtcp_aes_128_gcm)
{
	check_srtcp(_metadata, srtp_vec_r7714_key128,
		    sizeof(srtp_vec_r7714_key128), srtp_vec_r7714_srtcp128,
		    sizeof(srtp_vec_r7714_srtcp128));
}

TEST(rfc7714_17_2_srtcp_aes_256_gcm)
{
	check_srtcp(_metadata, srtp_vec_r7714_key256,
		    sizeof(srtp_vec_r7714_key256), srtp_vec_r7714_srtcp256,
		    sizeof(srtp_vec_r7714_srtcp256));
}

/* Tagged only: the whole packet and E || index are AAD, nothing encrypted. */
TEST(rfc7714_17_3_srtcp_tag_only)
{
	const uint8_t *rtcp = srtp_vec_r7714_rtcp;
	size_t len = sizeof(srtp_vec_r7714_rtcp);
	uint8_t iv[12], aad[256], out[256];

	ASSERT_EQ(len + 16 + 4, sizeof(srtp_vec_r7714_srtcp128_auth_only));
	rtcp_iv(iv);
	memcpy(aad, rtcp, len);
	e_index(false, aad + len);
	memcpy(out, rtcp, len);
	ASSERT_TRUE(gcm(srtp_vec_r7714_key128, sizeof(srtp_vec_r7714_key128), iv,
			aad, len + 4, NULL, 0, out + len));
	memcpy(out + len + 16, aad + len, 4);
	EXPECT_EQ(0, memcmp(out, srtp_vec_r7714_srtcp128_auth_only, len + 20));
}

TEST_HARNESS_MAIN
