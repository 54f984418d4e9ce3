// SPDX-License-Identifier: GPL-2.0
/*
 * SRTP sessions: their ids, their lifetime and their place on a socket.
 *
 * A socket carries at most one RX and one TX session. A session holds a
 * reference on this module, so rmmod answers "in use" while any call is
 * protected instead of failing open; it ends with DEL or with its socket.
 * Freeing waits an RCU grace period (the receive hook reads sessions under
 * RCU) and runs in process context (crypto transforms are freed there).
 *
 * This file and socket.c call each other, on purpose: a session is the
 * socket's claim and the socket hook is the session's end. Putting a
 * session on a socket attaches the hooks (socket.c), and the socket's last
 * close ends its sessions (socket.c calls ucphone_srtp_session_del()),
 * both under ucphone_srtp_mutex. A callback in between would hide that
 * one lock orders both and buy no layering: neither exists without the
 * other.
 */
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "srtp.h"

/* Serialises session ids and attaching/detaching sockets. */
DEFINE_MUTEX(ucphone_srtp_mutex);
static DEFINE_IDR(ucphone_srtp_ids);
static struct workqueue_struct *ucphone_srtp_wq;

static void srtp_session_free_work(struct work_struct *work)
{
	struct ucphone_srtp_session *s =
		container_of(to_rcu_work(work), struct ucphone_srtp_session,
			     free_work);

	ucphone_srtp_session_free(s);
	module_put(THIS_MODULE);
}

struct ucphone_srtp_session *
ucphone_srtp_session_alloc(u32 window, enum ucphone_srtp_direction dir)
{
	struct ucphone_srtp_session *s;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return NULL;
	spin_lock_init(&s->lock);
	INIT_RCU_WORK(&s->free_work, srtp_session_free_work);
	s->dir = dir;
	s->window = window;
	if (ucphone_srtp_replay_init(&s->stream.rtp_replay, window, NULL) ||
	    ucphone_srtp_replay_init(&s->stream.rtcp_replay,
				     UCPHONE_SRTCP_WINDOW, s->stream.rtcp_bits))
		goto err;
	if (dir == UCPHONE_SRTP_DIR_TX) {
		s->txbuf = kmalloc(UCPHONE_SRTP_TX_MAX + UCPHONE_SRTCP_INDEX_LEN +
				   UCPHONE_SRTP_MKI_MAX + UCPHONE_SRTP_TAG_MAX,
				   GFP_KERNEL);
		if (!s->txbuf)
			goto err;
	}
	return s;
err:
	ucphone_srtp_session_free(s);
	return NULL;
}
EXPORT_SYMBOL_NS_GPL(ucphone_srtp_session_alloc, UCPHONE_SRTP_INTERNAL);

/* Frees a session that is on no socket; its keys are wiped. */
void ucphone_srtp_session_free(struct ucphone_srtp_session *s)
{
	ucphone_srtp_ctx_free(s->ctx);
	bitmap_free(s->stream.rtp_replay.bits);
	/* The buffer held plain media and protected copies. */
	kfree_sensitive(s->txbuf);
	kfree(s);
}
EXPORT_SYMBOL_NS_GPL(ucphone_srtp_session_free, UCPHONE_SRTP_INTERNAL);

/*
 * Puts @s (keys set, not yet shared) on @sock's socket and gives it an id.
 * Returns the id: once shared, @s may be deleted at any time. On failure
 * (-errno) @s is untouched and still the caller's.
 */
int ucphone_srtp_session_new(struct socket *sock,
			     struct ucphone_srtp_session *s,
			     struct netlink_ext_ack *extack)
{
	struct ucphone_srtp_sock *ssk;
	bool rx = s->dir == UCPHONE_SRTP_DIR_RX;
	int id, ret;

	mutex_lock(&ucphone_srtp_mutex);
	ret = ucphone_srtp_sock_attach(sock->sk, &ssk);
	if (ret) {
		NL_SET_ERR_MSG(extack, "socket is in use by another kernel user");
		goto unlock;
	}
	if (rx ? rcu_access_pointer(ssk->rx) : rcu_access_pointer(ssk->tx)) {
		if (rx)
			NL_SET_ERR_MSG(extack, "socket already has an RX session");
		else
			NL_SET_ERR_MSG(extack, "socket already has a TX session");
		ret = -EBUSY;
		goto detach;
	}
	id = idr_alloc_cyclic(&ucphone_srtp_ids, s, 1, INT_MAX, GFP_KERNEL);
	if (id < 0) {
		ret = id;
		goto detach;
	}
	s->id = id;
	s->ssk = ssk;
	__module_get(THIS_MODULE);
	if (rx) {
		rcu_assign_pointer(ssk->rx, s);
	} else {
		mutex_lock(&ssk->tx_mutex);
		rcu_assign_pointer(ssk->tx, s);
		mutex_unlock(&ssk->tx_mutex);
	}
	ret = id;
	goto unlock;

detach:
	if (!rcu_access_pointer(ssk->rx) && !rcu_access_pointer(ssk->tx))
		ucphone_srtp_sock_detach(ssk);
unlock:
	mutex_unlock(&ucphone_srtp_mutex);
	return ret;
}

/* Under ucphone_srtp_mutex. */
struct ucphone_srtp_session *ucphone_srtp_session_find(u32 id)
{
	lockdep_assert_held(&ucphone_srtp_mutex);
	if (id > INT_MAX)
		return NULL;
	return idr_find(&ucphone_srtp_ids, id);
}

/* The session with the lowest id >= *@id; under ucphone_srtp_mutex. */
struct ucphone_srtp_session *ucphone_srtp_session_next(u32 *id)
{
	int next = *id;
	struct ucphone_srtp_session *s;

	lockdep_assert_held(&ucphone_srtp_mutex);
	if (*id > INT_MAX)
		return NULL;
	s = idr_get_next(&ucphone_srtp_ids, &next);
	*id = next;
	return s;
}

/* Ends @s: off its socket at once, freed after readers are gone. */
void ucphone_srtp_session_del(struct ucphone_srtp_session *s)
{
	struct ucphone_srtp_sock *ssk = s->ssk;

	lockdep_assert_held(&ucphone_srtp_mutex);
	idr_remove(&ucphone_srtp_ids, s->id);
	if (s->dir == UCPHONE_SRTP_DIR_RX) {
		RCU_INIT_POINTER(ssk->rx, NULL);
	} else {
		/* Waits for a send in progress, which uses the session. */
		mutex_lock(&ssk->tx_mutex);
		RCU_INIT_POINTER(ssk->tx, NULL);
		mutex_unlock(&ssk->tx_mutex);
	}
	if (!rcu_access_pointer(ssk->rx) && !rcu_access_pointer(ssk->tx))
		ucphone_srtp_sock_detach(ssk);
	queue_rcu_work(ucphone_srtp_wq, &s->free_work);
}

int ucphone_srtp_sessions_init(void)
{
	ucphone_srtp_wq = alloc_workqueue("ucphone-srtp", 0, 0);
	return ucphone_srtp_wq ? 0 : -ENOMEM;
}

/* Every session is gone (each held the module): only drain the frees. */
void ucphone_srtp_sessions_exit(void)
{
	rcu_barrier();
	destroy_workqueue(ucphone_srtp_wq);
	idr_destroy(&ucphone_srtp_ids);
}
