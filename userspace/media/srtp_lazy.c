// SPDX-License-Identifier: GPL-2.0-only
/*
 * libsrtp2, loaded only when a call needs SRTP in software (srtp_soft.c):
 * with ucphone-srtp.ko the kernel protects the packets and the phone never
 * maps libsrtp2, nor the NSS libraries Debian's libsrtp2 uses for its
 * ciphers (libnss3, libnssutil3, libnspr4, libplc4, libplds4).
 *
 * The libsrtp2 functions the media code calls are defined here: the first
 * one (srtp_init(), which srtp_soft_new() runs once per process) loads
 * libsrtp2.so.1 with dlopen() and looks each function up; every call then
 * goes straight to libsrtp2's own (one indirect call per packet, nothing
 * else on the media thread). libsrtp2 stays loaded from then on: its state
 * is process-wide and it refuses a second srtp_init(). Hidden symbols, so
 * that libsrtp2's calls to its own functions never come here.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

#pragma GCC visibility push(hidden)
#include <srtp2/srtp.h>

#define LIBSRTP2 "libsrtp2.so.1"

static struct {
	srtp_err_status_t (*init)(void);
	srtp_err_status_t (*create)(srtp_t *, const srtp_policy_t *);
	srtp_err_status_t (*dealloc)(srtp_t);
	srtp_err_status_t (*update)(srtp_t, const srtp_policy_t *);
	srtp_err_status_t (*protect)(srtp_t, void *, int *);
	srtp_err_status_t (*protect_mki)(srtp_ctx_t *, void *, int *,
					 unsigned int, unsigned int);
	srtp_err_status_t (*protect_rtcp_mki)(srtp_t, void *, int *,
					      unsigned int, unsigned int);
	srtp_err_status_t (*unprotect)(srtp_t, void *, int *);
	srtp_err_status_t (*unprotect_mki)(srtp_t, void *, int *, unsigned int);
	srtp_err_status_t (*unprotect_rtcp)(srtp_t, void *, int *);
	srtp_err_status_t (*unprotect_rtcp_mki)(srtp_t, void *, int *,
						unsigned int);
	srtp_err_status_t (*get_stream_roc)(srtp_t, uint32_t, uint32_t *);
	void (*crypto_policy_set_rtp_default)(srtp_crypto_policy_t *);
	void (*crypto_policy_set_aes_cm_128_hmac_sha1_32)(srtp_crypto_policy_t *);
	void (*crypto_policy_set_aes_cm_256_hmac_sha1_80)(srtp_crypto_policy_t *);
} fn;
static void *dl;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load_libsrtp2(void)
{
	const struct {
		const char *name;
		void **slot;
	} syms[] = {
#define S(n) { "srtp_" #n, (void **)&fn.n }
		S(init), S(create), S(dealloc), S(update), S(protect),
		S(protect_mki), S(protect_rtcp_mki), S(unprotect),
		S(unprotect_mki), S(unprotect_rtcp), S(unprotect_rtcp_mki),
		S(get_stream_roc), S(crypto_policy_set_rtp_default),
		S(crypto_policy_set_aes_cm_128_hmac_sha1_32),
		S(crypto_policy_set_aes_cm_256_hmac_sha1_80),
#undef S
	};
	void *h = dlopen(LIBSRTP2, RTLD_NOW | RTLD_LOCAL);

	if (!h)
		return;
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		*syms[i].slot = dlsym(h, syms[i].name);
		if (!*syms[i].slot) {
			memset(&fn, 0, sizeof(fn));
			dlclose(h);
			return;
		}
	}
	dl = h;
}

static int loaded(void)
{
	pthread_once(&load_once, load_libsrtp2);
	return dl != NULL;
}

srtp_err_status_t srtp_init(void)
{
	return loaded() ? fn.init() : srtp_err_status_init_fail;
}

/* Only after srtp_init(): a session exists only if libsrtp2 is loaded. */
#define CALL(f, ...) (dl ? fn.f(__VA_ARGS__) : srtp_err_status_init_fail)

srtp_err_status_t srtp_create(srtp_t *session, const srtp_policy_t *policy)
{
	return loaded() ? fn.create(session, policy) : srtp_err_status_init_fail;
}

srtp_err_status_t srtp_dealloc(srtp_t s)
{
	return CALL(dealloc, s);
}

srtp_err_status_t srtp_update(srtp_t s, const srtp_policy_t *policy)
{
	return CALL(update, s, policy);
}

srtp_err_status_t srtp_protect(srtp_t s, void *hdr, int *len)
{
	return CALL(protect, s, hdr, len);
}

srtp_err_status_t srtp_protect_mki(srtp_ctx_t *s, void *hdr, int *len,
				   unsigned int use_mki, unsigned int mki_index)
{
	return CALL(protect_mki, s, hdr, len, use_mki, mki_index);
}

srtp_err_status_t srtp_protect_rtcp_mki(srtp_t s, void *hdr, int *len,
					unsigned int use_mki,
					unsigned int mki_index)
{
	return CALL(protect_rtcp_mki, s, hdr, len, use_mki, mki_index);
}

srtp_err_status_t srtp_unprotect(srtp_t s, void *hdr, int *len)
{
	return CALL(unprotect, s, hdr, len);
}

srtp_err_status_t srtp_unprotect_mki(srtp_t s, void *hdr, int *len,
				     unsigned int use_mki)
{
	return CALL(unprotect_mki, s, hdr, len, use_mki);
}

srtp_err_status_t srtp_unprotect_rtcp(srtp_t s, void *hdr, int *len)
{
	return CALL(unprotect_rtcp, s, hdr, len);
}

srtp_err_status_t srtp_unprotect_rtcp_mki(srtp_t s, void *hdr, int *len,
					  unsigned int use_mki)
{
	return CALL(unprotect_rtcp_mki, s, hdr, len, use_mki);
}

srtp_err_status_t srtp_get_stream_roc(srtp_t s, uint32_t ssrc, uint32_t *roc)
{
	return CALL(get_stream_roc, s, ssrc, roc);
}

/* A policy that cannot be set (no libsrtp2) is all zeroes: srtp_create() fails. */
void srtp_crypto_policy_set_rtp_default(srtp_crypto_policy_t *p)
{
	if (loaded())
		fn.crypto_policy_set_rtp_default(p);
	else
		memset(p, 0, sizeof(*p));
}

void srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(srtp_crypto_policy_t *p)
{
	if (loaded())
		fn.crypto_policy_set_aes_cm_128_hmac_sha1_32(p);
	else
		memset(p, 0, sizeof(*p));
}

void srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(srtp_crypto_policy_t *p)
{
	if (loaded())
		fn.crypto_policy_set_aes_cm_256_hmac_sha1_80(p);
	else
		memset(p, 0, sizeof(*p));
}

#pragma GCC visibility pop
