/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ucphone-srtp internals: one session protects (TX) or unprotects (RX) the
 * RTP and RTCP of one call on the daemon's own UDP socket.
 */
#ifndef _UCPHONE_SRTP_H
#define _UCPHONE_SRTP_H

#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <net/sock.h>
#include <linux/ucphone.h>

/* Largest plain datagram a TX session protects (RTP of any codec fits). */
#define UCPHONE_SRTP_TX_MAX		8192
#define UCPHONE_SRTP_TAG_MAX		20
#define UCPHONE_SRTP_SESSION_SALT	14
#define UCPHONE_SRTCP_INDEX_LEN		4
#define UCPHONE_SRTCP_WINDOW		128
#define UCPHONE_SRTP_DEFAULT_WINDOW	128

/* HMAC-SHA1 session authentication key (RFC 3711 4.2.1) */
#define UCPHONE_SRTP_AUTH_KEY_LEN	20
#define UCPHONE_SRTP_AEAD_SALT		12
#define UCPHONE_SRTP_AEAD_TAG		16

struct aead_request;
struct crypto_aead;
struct crypto_shash;
struct crypto_sync_skcipher;

/* Session keys of RTP or of RTCP, derived once at NEW. */
struct ucphone_srtp_keys {
	/* AES-CM suites */
	struct crypto_sync_skcipher *ctr;
	struct crypto_shash *hmac;
	/* AEAD suites: one request, used under the session lock */
	struct crypto_aead *aead;
	struct aead_request *req;
	u8 salt[UCPHONE_SRTP_SESSION_SALT];
	unsigned int tag_len;
};

/* Everything a re-key replaces, swapped in one step under the session lock. */
struct ucphone_srtp_ctx {
	enum ucphone_srtp_suite suite;
	struct ucphone_srtp_keys rtp;
	struct ucphone_srtp_keys rtcp;
	/* The master key's identifier, before the tag of every packet. */
	unsigned int mki_len;		/* 0: no MKI */
	u8 mki[UCPHONE_SRTP_MKI_MAX];
};

struct ucphone_srtp_replay {
	u64 top;		/* highest index accepted */
	u32 window;		/* indexes below top - window are late */
	u32 mask;		/* bitmap size - 1, a power of two >= window */
	bool started;
	unsigned long *bits;
};

/* Index state of the SSRC a session currently carries (RFC 3711 3.3.1). */
struct ucphone_srtp_stream {
	u32 ssrc;
	bool ssrc_valid;
	bool seq_valid;
	u16 seq;		/* s_l: highest sequence number seen or sent */
	u32 roc;
	struct ucphone_srtp_replay rtp_replay;
	u32 rtcp_index;		/* TX: next to send; RX: highest accepted */
	struct ucphone_srtp_replay rtcp_replay;
	unsigned long rtcp_bits[BITS_TO_LONGS(UCPHONE_SRTCP_WINDOW)];
};

struct ucphone_srtp_stats {
	u64 packets;
	u64 bytes;
	u64 auth_failures;
	u64 replays;
	u64 malformed;
	u64 rtcp_packets;
	u64 bad_mki;
};

struct ucphone_srtp_sock;

struct ucphone_srtp_session {
	u32 id;
	enum ucphone_srtp_direction dir;
	bool ssrc_fixed;
	u32 ssrc;		/* with ssrc_fixed */
	u32 initial_roc;	/* ROC assumed for an SSRC first seen */
	u32 window;
	/* Every packet holds it: ctx, stream and stats change only under it. */
	spinlock_t lock;
	struct ucphone_srtp_ctx *ctx;
	struct ucphone_srtp_stream stream;
	struct ucphone_srtp_stats stats;
	struct ucphone_srtp_sock *ssk;
	u8 *txbuf;		/* TX: the protected copy, under ssk->tx_mutex */
	struct rcu_work free_work;
};

/* The module's claim on one UDP socket (sk_user_data). */
struct ucphone_srtp_sock {
	struct sock *sk;
	struct proto *orig_prot;
	struct proto prot;	/* orig_prot with sendmsg & co. wrapped */
	struct ucphone_srtp_session __rcu *rx;
	struct ucphone_srtp_session __rcu *tx;	/* set under tx_mutex */
	struct mutex tx_mutex;
	refcount_t ref;
	struct work_struct free_work;
};

/*
 * Exported in the UCPHONE_SRTP_INTERNAL namespace (session keys, the
 * per-packet functions) for one user only: tests/kmod/ucphone-srtp-vectors,
 * which feeds the published RFC vectors through the very functions the
 * socket hooks call. Those vectors are given as session keys, which the
 * netlink API rightly never accepts; exporting the functions beats a
 * test-only back door in the API or a copy of the code in the test.
 */

/* crypto.c */
/* Session keys of RTP or of RTCP (RFC 3711 4.3); an AEAD salt is 12 bytes. */
struct ucphone_srtp_session_keys {
	u8 enc[UCPHONE_SRTP_KEY_MAX];
	u8 auth[UCPHONE_SRTP_AUTH_KEY_LEN];
	u8 salt[UCPHONE_SRTP_SESSION_SALT];
};

struct ucphone_srtp_suite_info {
	unsigned int key_len;
	unsigned int salt_len;
	unsigned int rtp_tag_len;
	unsigned int rtcp_tag_len;
};

const struct ucphone_srtp_suite_info *
ucphone_srtp_suite_info(enum ucphone_srtp_suite suite);
struct ucphone_srtp_ctx *ucphone_srtp_ctx_new(enum ucphone_srtp_suite suite,
					      const u8 *key, const u8 *salt);
void ucphone_srtp_ctx_free(struct ucphone_srtp_ctx *ctx);
int ucphone_srtp_derive(enum ucphone_srtp_suite suite, const u8 *master_key,
			const u8 *master_salt, bool rtcp,
			struct ucphone_srtp_session_keys *out);
struct ucphone_srtp_ctx *
ucphone_srtp_ctx_from_session_keys(enum ucphone_srtp_suite suite,
				   const struct ucphone_srtp_session_keys *rtp,
				   const struct ucphone_srtp_session_keys *rtcp);
int ucphone_srtp_xor(const struct ucphone_srtp_keys *keys, u32 ssrc, u64 index,
		     u8 *data, unsigned int len);
int ucphone_srtp_tag(const struct ucphone_srtp_keys *keys, const u8 *data,
		     unsigned int len, const __be32 *roc, u8 *tag);
int ucphone_srtp_aead(const struct ucphone_srtp_keys *keys, bool encrypt,
		      const u8 *iv, struct scatterlist *sg, unsigned int assoclen,
		      unsigned int cryptlen);

/* replay.c */
int ucphone_srtp_replay_init(struct ucphone_srtp_replay *replay, u32 window,
			     unsigned long *bits);
void ucphone_srtp_replay_reset(struct ucphone_srtp_replay *replay);
int ucphone_srtp_replay_check(const struct ucphone_srtp_replay *replay,
			      u64 index);
void ucphone_srtp_replay_update(struct ucphone_srtp_replay *replay, u64 index);

/* packet.c: with session->lock held */
int ucphone_srtp_protect(struct ucphone_srtp_session *s, u8 *pkt,
			 unsigned int len, unsigned int *out_len);
int ucphone_srtp_unprotect(struct ucphone_srtp_session *s, u8 *pkt,
			   unsigned int len, unsigned int *out_len);
void ucphone_srtp_stream_reset(struct ucphone_srtp_session *s);

/* session.c */
extern struct mutex ucphone_srtp_mutex;
int ucphone_srtp_session_new(struct socket *sock,
			     struct ucphone_srtp_session *s,
			     struct netlink_ext_ack *extack);
struct ucphone_srtp_session *ucphone_srtp_session_alloc(u32 window,
							enum ucphone_srtp_direction dir);
void ucphone_srtp_session_free(struct ucphone_srtp_session *s);
struct ucphone_srtp_session *ucphone_srtp_session_find(u32 id);
struct ucphone_srtp_session *ucphone_srtp_session_next(u32 *id);
void ucphone_srtp_session_del(struct ucphone_srtp_session *s);
int ucphone_srtp_sessions_init(void);
void ucphone_srtp_sessions_exit(void);

/* socket.c */
int ucphone_srtp_sock_attach(struct sock *sk, struct ucphone_srtp_sock **out);
void ucphone_srtp_sock_detach(struct ucphone_srtp_sock *ssk);
struct ucphone_srtp_sock *ucphone_srtp_sock_of(struct sock *sk);
void ucphone_srtp_sock_put(struct ucphone_srtp_sock *ssk);
int ucphone_srtp_socket_init(void);
void ucphone_srtp_socket_exit(void);

/* netlink.c */
int ucphone_srtp_netlink_init(void);
void ucphone_srtp_netlink_exit(void);

#endif /* _UCPHONE_SRTP_H */
