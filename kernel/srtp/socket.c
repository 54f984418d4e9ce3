// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching to the daemon's own UDP socket.
 *
 * UDP has no ULP hook, so the module takes the two hooks UDP tunnels use,
 * without the tunnel helpers' side effects (setup_udp_tunnel_sock turns
 * IP_MULTICAST_LOOP off for good):
 *
 * - RX: udp_sk()->encap_rcv sees every datagram after the UDP checksum
 *   check, in softirq on any CPU. SRTP is verified and decrypted in place
 *   and delivered as plain UDP; a datagram that fails is freed and counted.
 * - TX: sk->sk_prot points to a module-owned copy of the socket's proto
 *   whose sendmsg protects a kernel copy of the datagram and hands it to
 *   the original sendmsg. Everything that would send bytes without passing
 *   through sendmsg whole (MSG_MORE, UDP_CORK, UDP_SEGMENT, MSG_ZEROCOPY,
 *   sendpage, IPV6_ADDRFORM) is refused with an errno rather than leaking
 *   plain RTP. Routing, fragmentation and cmsgs stay the kernel's own.
 * - Close: encap_destroy runs on the last close of the socket; the
 *   sessions end there (sk_destruct would never run while we hold it).
 *
 * sk_user_data holds the claim, so no other kernel user (sockmap, an
 * encapsulation) can take the socket while we have it, and the reverse.
 *
 * This file and session.c call each other, on purpose: the hooks exist
 * for the sessions on the socket, and the sessions end with the socket.
 * session.c attaches and detaches the hooks; the close hook here ends the
 * sessions (ucphone_srtp_session_del()), under the same
 * ucphone_srtp_mutex. Splitting them with a callback would hide that one
 * lock orders both sides.
 */
#include <linux/module.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <linux/wait_bit.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "srtp.h"

/* Not one of the kernel's UDP_ENCAP_* types: nobody else acts on it. */
#define UCPHONE_SRTP_ENCAP_TYPE 0x75

/*
 * Callers inside the wrapped proto functions, which can sleep in the
 * original sendmsg and so outlive every RCU flavour: unload waits for 0.
 */
static atomic_t ucphone_srtp_inflight = ATOMIC_INIT(0);

static int ucphone_srtp_encap_rcv(struct sock *sk, struct sk_buff *skb);

/* The socket's claim if it is ours (caller under RCU or the mutex). */
static struct ucphone_srtp_sock *srtp_sock_rcu(struct sock *sk)
{
	if (READ_ONCE(udp_sk(sk)->encap_rcv) != ucphone_srtp_encap_rcv)
		return NULL;
	return rcu_dereference_sk_user_data(sk);
}

/* Takes a reference on @sk's claim; NULL once it is detached. */
struct ucphone_srtp_sock *ucphone_srtp_sock_of(struct sock *sk)
{
	struct ucphone_srtp_sock *ssk;

	rcu_read_lock();
	ssk = srtp_sock_rcu(sk);
	if (ssk && !refcount_inc_not_zero(&ssk->ref))
		ssk = NULL;
	rcu_read_unlock();
	return ssk;
}

static void srtp_sock_free_work(struct work_struct *work)
{
	struct ucphone_srtp_sock *ssk =
		container_of(work, struct ucphone_srtp_sock, free_work);

	/*
	 * A task may have loaded sk->sk_prot (our copy) just before detach
	 * restored it: wait until every such task moved on.
	 */
	synchronize_rcu();
	synchronize_rcu_tasks();
	kfree(ssk);
}

static struct workqueue_struct *ucphone_srtp_sock_wq;

void ucphone_srtp_sock_put(struct ucphone_srtp_sock *ssk)
{
	if (refcount_dec_and_test(&ssk->ref))
		queue_work(ucphone_srtp_sock_wq, &ssk->free_work);
}

static void srtp_inflight_enter(void)
{
	atomic_inc(&ucphone_srtp_inflight);
}

static void srtp_inflight_exit(void)
{
	if (atomic_dec_and_test(&ucphone_srtp_inflight))
		wake_up_var(&ucphone_srtp_inflight);
}

static bool srtp_send_refused(struct sock *sk, struct msghdr *msg)
{
	struct cmsghdr *cmsg;

	if (msg->msg_flags & (MSG_MORE | MSG_ZEROCOPY))
		return true;
	if (udp_test_bit(CORK, sk) || READ_ONCE(udp_sk(sk)->gso_size) ||
	    READ_ONCE(udp_sk(sk)->pending))
		return true;
	for_each_cmsghdr(cmsg, msg)
		if (cmsg->cmsg_level == SOL_UDP)
			return true;	/* UDP_SEGMENT */
	return false;
}

static int srtp_send_protected(struct ucphone_srtp_sock *ssk,
			       struct ucphone_srtp_session *s, struct sock *sk,
			       struct msghdr *msg, size_t len)
{
	unsigned int out_len;
	struct msghdr copy;
	struct kvec iov;
	int ret;

	if (srtp_send_refused(sk, msg))
		return -EOPNOTSUPP;
	if (len > UCPHONE_SRTP_TX_MAX)
		return -EMSGSIZE;
	if (!copy_from_iter_full(s->txbuf, len, &msg->msg_iter))
		return -EFAULT;
	/* Not RTP (STUN, DTLS: RFC 7983) is not ours to protect. */
	if (!len || (s->txbuf[0] >> 6) != 2) {
		out_len = len;
	} else {
		spin_lock_bh(&s->lock);
		ret = ucphone_srtp_protect(s, s->txbuf, len, &out_len);
		spin_unlock_bh(&s->lock);
		if (ret)
			return ret;
	}
	copy = *msg;
	iov.iov_base = s->txbuf;
	iov.iov_len = out_len;
	iov_iter_kvec(&copy.msg_iter, ITER_SOURCE, &iov, 1, out_len);
	ret = ssk->orig_prot->sendmsg(sk, &copy, out_len);
	msg->msg_flags = copy.msg_flags;
	return ret < 0 ? ret : len;
}

static int ucphone_srtp_sendmsg(struct sock *sk, struct msghdr *msg, size_t len)
{
	struct ucphone_srtp_session *s;
	struct ucphone_srtp_sock *ssk;
	int ret;

	srtp_inflight_enter();
	ssk = ucphone_srtp_sock_of(sk);
	if (!ssk) {
		/* Detached meanwhile: sk_prot is the original again. */
		ret = -EAGAIN;
		goto out;
	}
	mutex_lock(&ssk->tx_mutex);
	s = rcu_dereference_protected(ssk->tx, lockdep_is_held(&ssk->tx_mutex));
	if (s)
		ret = srtp_send_protected(ssk, s, sk, msg, len);
	else
		ret = ssk->orig_prot->sendmsg(sk, msg, len);
	mutex_unlock(&ssk->tx_mutex);
	ucphone_srtp_sock_put(ssk);
out:
	srtp_inflight_exit();
	return ret;
}

static int ucphone_srtp_sendpage(struct sock *sk, struct page *page, int offset,
				 size_t size, int flags)
{
	return -EOPNOTSUPP;	/* would bypass sendmsg with plain bytes */
}

static int ucphone_srtp_setsockopt(struct sock *sk, int level, int optname,
				   sockptr_t optval, unsigned int optlen)
{
	struct ucphone_srtp_sock *ssk;
	int ret;

	/* Options that would undo the hooks or send around them. */
	if ((level == SOL_UDP && (optname == UDP_ENCAP || optname == UDP_CORK ||
				  optname == UDP_SEGMENT)) ||
	    (level == SOL_IPV6 && optname == IPV6_ADDRFORM))
		return -EBUSY;
	srtp_inflight_enter();
	ssk = ucphone_srtp_sock_of(sk);
	if (ssk) {
		ret = ssk->orig_prot->setsockopt(sk, level, optname, optval,
						 optlen);
		ucphone_srtp_sock_put(ssk);
	} else {
		ret = -EAGAIN;
	}
	srtp_inflight_exit();
	return ret;
}

/* Fixes the UDP and IP lengths after the trailer went away. */
static void srtp_trim(struct sk_buff *skb, unsigned int udp_len)
{
	unsigned int nh_len = skb_network_header_len(skb);

	udp_hdr(skb)->len = htons(udp_len);
	udp_hdr(skb)->check = 0;
	if (ip_hdr(skb)->version == 4) {
		ip_hdr(skb)->tot_len = htons(nh_len + udp_len);
		ip_send_check(ip_hdr(skb));
	} else {
		ipv6_hdr(skb)->payload_len =
			htons(nh_len - sizeof(struct ipv6hdr) + udp_len);
	}
	pskb_trim(skb, udp_len);
	skb->ip_summed = CHECKSUM_UNNECESSARY;
}

/* 1: deliver @skb as plain UDP; 0: consumed (dropped and counted). */
static int ucphone_srtp_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct ucphone_srtp_session *s;
	struct ucphone_srtp_sock *ssk;
	unsigned int len, plain_len;
	u8 *pkt;
	int ret;

	ssk = rcu_dereference_sk_user_data(sk);
	s = ssk ? rcu_dereference(ssk->rx) : NULL;
	if (!s || skb->len <= sizeof(struct udphdr))
		return 1;
	len = skb->len - sizeof(struct udphdr);
	if (skb_ensure_writable(skb, skb->len)) {
		spin_lock(&s->lock);
		s->stats.malformed++;
		spin_unlock(&s->lock);
		goto drop;
	}
	pkt = skb->data + sizeof(struct udphdr);
	if ((pkt[0] >> 6) != 2)
		return 1;	/* STUN, DTLS (RFC 7983): not SRTP */

	spin_lock(&s->lock);
	ret = ucphone_srtp_unprotect(s, pkt, len, &plain_len);
	spin_unlock(&s->lock);
	if (ret)
		goto drop;
	srtp_trim(skb, plain_len + sizeof(struct udphdr));
	return 1;

drop:
	kfree_skb(skb);
	return 0;
}

static void ucphone_srtp_encap_destroy(struct sock *sk)
{
	struct ucphone_srtp_session *rx, *tx;
	struct ucphone_srtp_sock *ssk;

	mutex_lock(&ucphone_srtp_mutex);
	ssk = rcu_dereference_sk_user_data(sk);
	if (ssk) {
		rx = rcu_dereference_protected(ssk->rx, 1);
		tx = rcu_dereference_protected(ssk->tx, 1);
		/* The last session out detaches the socket. */
		if (rx)
			ucphone_srtp_session_del(rx);
		if (tx)
			ucphone_srtp_session_del(tx);
	}
	mutex_unlock(&ucphone_srtp_mutex);
}

/*
 * Claims @sk for the module, or finds the claim it already has. Under
 * ucphone_srtp_mutex; -EBUSY when another kernel user has the socket.
 */
int ucphone_srtp_sock_attach(struct sock *sk, struct ucphone_srtp_sock **out)
{
	struct ucphone_srtp_sock *ssk, *cur;
	struct udp_sock *up = udp_sk(sk);
	int ret = 0;

	ssk = kzalloc(sizeof(*ssk), GFP_KERNEL);
	if (!ssk)
		return -ENOMEM;

	write_lock_bh(&sk->sk_callback_lock);
	cur = __locked_read_sk_user_data_with_flags(sk, 0);
	if (cur && up->encap_rcv == ucphone_srtp_encap_rcv) {
		*out = cur;
		goto unlock;
	}
	if (cur || sk->sk_user_data || up->encap_type || up->encap_rcv) {
		ret = -EBUSY;
		goto unlock;
	}
	ssk->sk = sk;
	ssk->orig_prot = sk->sk_prot;
	ssk->prot = *sk->sk_prot;
	ssk->prot.sendmsg = ucphone_srtp_sendmsg;
	ssk->prot.sendpage = ucphone_srtp_sendpage;
	ssk->prot.setsockopt = ucphone_srtp_setsockopt;
	mutex_init(&ssk->tx_mutex);
	refcount_set(&ssk->ref, 1);
	INIT_WORK(&ssk->free_work, srtp_sock_free_work);
	sock_hold(sk);

	rcu_assign_sk_user_data(sk, ssk);
	WRITE_ONCE(up->encap_destroy, ucphone_srtp_encap_destroy);
	WRITE_ONCE(up->encap_rcv, ucphone_srtp_encap_rcv);
	smp_wmb();	/* hooks before the type that enables them */
	WRITE_ONCE(up->encap_type, UCPHONE_SRTP_ENCAP_TYPE);
	udp_tunnel_encap_enable(sk);
	WRITE_ONCE(sk->sk_prot, &ssk->prot);
	*out = ssk;
	ssk = NULL;
unlock:
	write_unlock_bh(&sk->sk_callback_lock);
	kfree(ssk);
	return ret;
}

/* Gives @sk back as it was; under ucphone_srtp_mutex, sessions gone. */
void ucphone_srtp_sock_detach(struct ucphone_srtp_sock *ssk)
{
	struct sock *sk = ssk->sk;
	struct udp_sock *up = udp_sk(sk);

	write_lock_bh(&sk->sk_callback_lock);
	WRITE_ONCE(sk->sk_prot, ssk->orig_prot);
	WRITE_ONCE(up->encap_type, 0);
	smp_wmb();	/* the type off before the hooks go */
	WRITE_ONCE(up->encap_rcv, NULL);
	WRITE_ONCE(up->encap_destroy, NULL);
	rcu_assign_sk_user_data(sk, NULL);
	write_unlock_bh(&sk->sk_callback_lock);
	sock_put(sk);
	ucphone_srtp_sock_put(ssk);
}

int ucphone_srtp_socket_init(void)
{
	ucphone_srtp_sock_wq = alloc_workqueue("ucphone-srtp-sock", 0, 0);
	return ucphone_srtp_sock_wq ? 0 : -ENOMEM;
}

/* After the last session: no wrapped call may still run module code. */
void ucphone_srtp_socket_exit(void)
{
	wait_var_event(&ucphone_srtp_inflight,
		       !atomic_read(&ucphone_srtp_inflight));
	synchronize_rcu_tasks();
	destroy_workqueue(ucphone_srtp_sock_wq);
}
