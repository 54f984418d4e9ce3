// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "net/dns.h"
#include "sip/transport.h"
#include "trust/cert_info.h"

#define SUBSYS "sip-tls"
#define RX_MAX (SIP_MSG_MAX + 4)
#define TX_MAX (4 * SIP_MSG_MAX)

struct sip_conn {
	struct sip_tls_transport *t;
	struct sip_conn *next;		/* in t->conns while not down */
	unsigned int refs;
	bool listed;

	char host[256];
	uint16_t port;
	bool host_is_ip;
	struct sockaddr_in peer;
	char local[INET_ADDRSTRLEN + 8];
	enum sip_conn_state state;
	enum sip_conn_error error;

	int fd;
	sd_event_source *io, *connect_timer, *ka_timer, *deferred;
	X509_STORE *store;
	SSL_CTX *ssl_ctx;
	SSL *ssl;

	char *rx;
	size_t rx_len;
	char *tx;
	size_t tx_len;

	bool ping_outstanding, server_pongs;
	uint64_t pings, pongs, messages_in, messages_out, bad_messages;
};

struct sip_tls_transport {
	struct ucphoned *d;
	struct log *log;
	struct sip_transport_options opt;
	struct sip_transport_handler h;
	void *ctx;
	struct sip_conn *conns;
	uint64_t opened, failed, cert_failures;
	char last_cert_error[420];
	/* Kept until a handshake succeeds: other targets may fail otherwise. */
	char cert_time_error[420];
	/* The chain each target's last handshake saw, verified or refused. */
	struct peer_chain {
		STACK_OF(X509) *chain;		/* NULL: a free slot */
		char host[256];
		uint16_t port;
		bool verified;
		char error[128];		/* why it was refused */
		uint64_t seq;			/* newer handshakes count higher */
	} peers[SIP_PEER_CHAINS_MAX];
	uint64_t peer_seq;
};

static const char *const error_texts[] = {
	[SIP_CONN_ERR_NONE] = "",
	[SIP_CONN_ERR_RESOLVE] = "cannot resolve the registrar",
	[SIP_CONN_ERR_CONNECT] = "cannot connect to the registrar",
	[SIP_CONN_ERR_TLS] = "TLS handshake failed",
	[SIP_CONN_ERR_CERT] = SIP_CERT_ERROR_TEXT,
	[SIP_CONN_ERR_TIMEOUT] = "connection timed out",
	[SIP_CONN_ERR_CLOSED] = "connection closed",
	[SIP_CONN_ERR_PROTOCOL] = "malformed SIP stream",
	[SIP_CONN_ERR_KEEPALIVE] = "keep-alive unanswered",
};

const char *sip_conn_error_text(enum sip_conn_error err)
{
	return error_texts[err];
}

enum sip_conn_state sip_conn_state(const struct sip_conn *c)
{
	return c->state;
}

enum sip_conn_error sip_conn_error(const struct sip_conn *c)
{
	return c->error;
}

const char *sip_conn_host(const struct sip_conn *c)
{
	return c->host;
}

uint16_t sip_conn_port(const struct sip_conn *c)
{
	return c->port;
}

const char *sip_conn_local(const struct sip_conn *c)
{
	return c->local;
}

static void unlist(struct sip_conn *c)
{
	if (!c->listed)
		return;
	for (struct sip_conn **pp = &c->t->conns; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	c->listed = false;
}

/* Releases the socket and TLS; the struct stays for its references. */
static void close_transport(struct sip_conn *c)
{
	c->io = sd_event_source_disable_unref(c->io);
	c->connect_timer = sd_event_source_disable_unref(c->connect_timer);
	c->ka_timer = sd_event_source_disable_unref(c->ka_timer);
	c->deferred = sd_event_source_disable_unref(c->deferred);
	if (c->t->d->resolver)
		resolver_forget(c->t->d->resolver, c);
	if (c->ssl)
		SSL_free(c->ssl);	/* no close_notify: the peer may be gone */
	c->ssl = NULL;
	if (c->ssl_ctx)
		SSL_CTX_free(c->ssl_ctx);
	c->ssl_ctx = NULL;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->rx_len = c->tx_len = 0;
}

static void conn_fail(struct sip_conn *c, enum sip_conn_error err,
		      const char *detail)
{
	bool was_up = c->state == SIP_CONN_UP;

	if (c->state == SIP_CONN_DOWN)
		return;
	c->state = SIP_CONN_DOWN;
	c->error = err;
	c->t->failed++;
	if (err == SIP_CONN_ERR_CERT)
		c->t->cert_failures++;
	unlist(c);
	close_transport(c);
	log_warning(c->t->log, SUBSYS, was_up ? "connection lost" :
		    "cannot connect", LOG_STR("host", c->host),
		    LOG_UINT("port", c->port),
		    LOG_STR("error", error_texts[err]),
		    LOG_STR("reason", detail ? detail : ""));
	sip_conn_ref(c);
	c->t->h.down(c->t->ctx, c, err);
	sip_conn_unref(c);
}

static void update_events(struct sip_conn *c, bool want_write)
{
	if (c->io)
		sd_event_source_set_io_events(c->io, EPOLLIN |
					      (want_write ? EPOLLOUT : 0));
}

/* ---- keep-alive (RFC 5626 4.4.1) ---- */

static int on_keepalive(sd_event_source *s, uint64_t usec, void *ud);

static void arm_keepalive(struct sip_conn *c, uint64_t after)
{
	c->ka_timer = sd_event_source_disable_unref(c->ka_timer);
	if (after)
		sd_event_add_time_relative(c->t->d->event, &c->ka_timer,
					   CLOCK_MONOTONIC, after, 100000,
					   on_keepalive, c);
}

static int on_keepalive(sd_event_source *s, uint64_t usec, void *ud)
{
	struct sip_conn *c = ud;

	(void)s;
	(void)usec;
	if (c->ping_outstanding) {
		/* Only a server that has answered pings is held to them. */
		if (c->server_pongs) {
			conn_fail(c, SIP_CONN_ERR_KEEPALIVE, "no pong");
			return 0;
		}
		c->ping_outstanding = false;
		arm_keepalive(c, c->t->opt.keepalive_usec);
		return 0;
	}
	if (sip_conn_send(c, "\r\n\r\n", 4) < 0)
		return 0;
	c->pings++;
	c->ping_outstanding = true;
	arm_keepalive(c, c->t->opt.pong_timeout_usec);
	return 0;
}

/* ---- I/O once up ---- */

static int flush_tx(struct sip_conn *c)
{
	while (c->tx_len) {
		int n = SSL_write(c->ssl, c->tx, (int)c->tx_len);

		if (n <= 0) {
			int e = SSL_get_error(c->ssl, n);

			if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
				update_events(c, true);
				return 0;
			}
			conn_fail(c, SIP_CONN_ERR_CLOSED, "write failed");
			return -EPIPE;
		}
		memmove(c->tx, c->tx + n, c->tx_len - (size_t)n);
		c->tx_len -= (size_t)n;
	}
	update_events(c, false);
	return 0;
}

int sip_conn_send(struct sip_conn *c, const char *buf, size_t len)
{
	if (c->state != SIP_CONN_UP)
		return -ENOTCONN;
	if (len > TX_MAX - c->tx_len)
		return -ENOBUFS;
	memcpy(c->tx + c->tx_len, buf, len);
	c->tx_len += len;
	if (len > 4 || memcmp(buf, "\r\n", 2))
		c->messages_out++;
	return flush_tx(c) < 0 ? -EPIPE : 0;
}

/* Splits the byte stream into keep-alives and messages. */
static void process_rx(struct sip_conn *c)
{
	size_t off = 0;

	while (c->state == SIP_CONN_UP && off < c->rx_len) {
		const char *p = c->rx + off;
		size_t left = c->rx_len - off, len;
		struct sip_msg m;
		int ret;

		if (left >= 4 && !memcmp(p, "\r\n\r\n", 4)) {
			/* the server's ping: pong */
			off += 4;
			sip_conn_send(c, "\r\n", 2);
			continue;
		}
		if (left >= 2 && !memcmp(p, "\r\n", 2)) {
			if (left == 3 && p[2] == '\r')
				break;	/* maybe a ping cut in two */
			off += 2;
			c->pongs++;
			c->server_pongs = true;
			if (c->ping_outstanding) {
				c->ping_outstanding = false;
				arm_keepalive(c, c->t->opt.keepalive_usec);
			}
			continue;
		}
		if (left == 1 && p[0] == '\r')
			break;
		ret = sip_msg_frame(p, left, &len);
		if (ret == -EAGAIN)
			break;
		if (ret < 0) {
			c->bad_messages++;
			conn_fail(c, SIP_CONN_ERR_PROTOCOL,
				  ret == -EMSGSIZE ? "message over the size limit" :
				  "no Content-Length");
			return;
		}
		off += len;
		ret = sip_msg_parse(p, len, &m);
		if (ret < 0) {
			/* Framed, so the stream stays in step: drop just this one. */
			c->bad_messages++;
			log_warning(c->t->log, SUBSYS, "malformed SIP message dropped",
				    LOG_STR("host", c->host), LOG_ERRNO(ret));
			continue;
		}
		c->messages_in++;
		c->t->h.message(c->t->ctx, c, &m);
		sip_msg_free(&m);
	}
	if (c->state != SIP_CONN_UP)
		return;
	memmove(c->rx, c->rx + off, c->rx_len - off);
	c->rx_len -= off;
}

static void read_up(struct sip_conn *c)
{
	for (;;) {
		int n;

		if (c->rx_len == RX_MAX) {
			conn_fail(c, SIP_CONN_ERR_PROTOCOL, "receive buffer full");
			return;
		}
		n = SSL_read(c->ssl, c->rx + c->rx_len, (int)(RX_MAX - c->rx_len));
		if (n <= 0) {
			int e = SSL_get_error(c->ssl, n);

			if (e == SSL_ERROR_WANT_READ)
				return;
			if (e == SSL_ERROR_WANT_WRITE) {
				update_events(c, true);
				return;
			}
			conn_fail(c, SIP_CONN_ERR_CLOSED,
				  e == SSL_ERROR_ZERO_RETURN ? "closed by the server" :
				  "read failed");
			return;
		}
		c->rx_len += (size_t)n;
		process_rx(c);
		if (c->state != SIP_CONN_UP)
			return;
	}
}

/* ---- connecting ---- */

static int start_handshake(struct sip_conn *c);
static void do_handshake(struct sip_conn *c);

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	struct sip_conn *c = ud;

	(void)s;
	(void)fd;
	sip_conn_ref(c);
	switch (c->state) {
	case SIP_CONN_CONNECTING: {
		int err = 0;
		socklen_t len = sizeof(err);

		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err) {
			conn_fail(c, SIP_CONN_ERR_CONNECT, strerror(err));
			break;
		}
		if (revents & EPOLLOUT)
			start_handshake(c);
		break;
	}
	case SIP_CONN_HANDSHAKE:
		do_handshake(c);
		break;
	case SIP_CONN_UP:
		if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR))
			read_up(c);
		if (c->state == SIP_CONN_UP && c->tx_len)
			flush_tx(c);
		break;
	default:
		break;
	}
	sip_conn_unref(c);
	return 0;
}

static int on_connect_timeout(sd_event_source *s, uint64_t usec, void *ud)
{
	(void)s;
	(void)usec;
	conn_fail(ud, SIP_CONN_ERR_TIMEOUT, "no answer within the timeout");
	return 0;
}

static void set_local(struct sip_conn *c)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	char a[INET_ADDRSTRLEN] = "0.0.0.0";

	if (getsockname(c->fd, (struct sockaddr *)&sa, &len) == 0)
		inet_ntop(AF_INET, &sa.sin_addr, a, sizeof(a));
	snprintf(c->local, sizeof(c->local), "%s:%u", a,
		 (unsigned int)ntohs(sa.sin_port));
}

/*
 * Keeps the chain of c's handshake for the troubleshooting bundle, in its
 * target's slot (or a free one, or the oldest's).
 */
static void keep_peer_chain(struct sip_conn *c, STACK_OF(X509) *chain,
			    bool verified, const char *error)
{
	struct sip_tls_transport *t = c->t;
	STACK_OF(X509) *copy = chain ? X509_chain_up_ref(chain) : NULL;
	struct peer_chain *p = NULL;
	unsigned int i;

	if (!copy)
		return;
	for (i = 0; i < SIP_PEER_CHAINS_MAX && !p; i++)
		if (t->peers[i].chain && t->peers[i].port == c->port &&
		    !strcmp(t->peers[i].host, c->host))
			p = &t->peers[i];
	for (i = 0; i < SIP_PEER_CHAINS_MAX && !p; i++)
		if (!t->peers[i].chain)
			p = &t->peers[i];
	if (!p) {
		p = &t->peers[0];
		for (i = 1; i < SIP_PEER_CHAINS_MAX; i++)
			if (t->peers[i].seq < p->seq)
				p = &t->peers[i];
	}
	sk_X509_pop_free(p->chain, X509_free);
	p->chain = copy;
	snprintf(p->host, sizeof(p->host), "%s", c->host);
	p->port = c->port;
	p->verified = verified;
	snprintf(p->error, sizeof(p->error), "%s", error ? error : "");
	p->seq = ++t->peer_seq;
}

/* A chain the store refuses is kept too: that is the one to look at. */
static int on_verify(int ok, X509_STORE_CTX *store)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(store,
					      SSL_get_ex_data_X509_STORE_CTX_idx());
	struct sip_conn *c = ssl ? SSL_get_app_data(ssl) : NULL;

	if (!ok && c)
		keep_peer_chain(c, X509_STORE_CTX_get0_untrusted(store), false,
				X509_verify_cert_error_string(
					X509_STORE_CTX_get_error(store)));
	return ok;
}

static int start_handshake(struct sip_conn *c)
{
	X509_VERIFY_PARAM *param;

	set_local(c);
	c->ssl_ctx = SSL_CTX_new(TLS_client_method());
	if (!c->ssl_ctx)
		goto fail;
	SSL_CTX_set_min_proto_version(c->ssl_ctx, TLS1_2_VERSION);
	SSL_CTX_set1_cert_store(c->ssl_ctx, c->store);
	/* The handshake stops at a certificate the store cannot validate. */
	SSL_CTX_set_verify(c->ssl_ctx, SSL_VERIFY_PEER, on_verify);
	SSL_CTX_set_mode(c->ssl_ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
			 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	c->ssl = SSL_new(c->ssl_ctx);
	if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1)
		goto fail;
	SSL_set_app_data(c->ssl, c);
	param = SSL_get0_param(c->ssl);
	X509_VERIFY_PARAM_set_hostflags(param,
					X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (c->host_is_ip) {
		if (X509_VERIFY_PARAM_set1_ip_asc(param, c->host) != 1)
			goto fail;
	} else if (X509_VERIFY_PARAM_set1_host(param, c->host, 0) != 1 ||
		   SSL_set_tlsext_host_name(c->ssl, c->host) != 1) {
		goto fail;
	}
	if (c->t->opt.verify_time)
		c->t->opt.verify_time(c->t->d, param);
	c->state = SIP_CONN_HANDSHAKE;
	do_handshake(c);
	return 0;
fail:
	ERR_clear_error();
	conn_fail(c, SIP_CONN_ERR_TLS, "cannot set up TLS");
	return -EIO;
}

/*
 * OpenSSL's text, and for a validity period the time it was checked at:
 * a phone whose NTP time differs from its clock must say which it used.
 */
static void cert_reason(struct sip_conn *c, long verify, char *buf, size_t len)
{
	const X509_VERIFY_PARAM *param = SSL_get0_param(c->ssl);
	bool ntp = X509_VERIFY_PARAM_get_flags(param) & X509_V_FLAG_USE_CHECK_TIME;
	time_t at = ntp ? X509_VERIFY_PARAM_get_time(param) : time(NULL);
	char when[32] = "?";
	struct tm tm;

	if (verify != X509_V_ERR_CERT_HAS_EXPIRED &&
	    verify != X509_V_ERR_CERT_NOT_YET_VALID) {
		snprintf(buf, len, "%s", X509_verify_cert_error_string(verify));
		return;
	}
	if (gmtime_r(&at, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(buf, len, "%s: not valid at the phone's time %s (%s)",
		 X509_verify_cert_error_string(verify), when,
		 ntp ? "NTP time" : "system clock");
}

static void do_handshake(struct sip_conn *c)
{
	int r = SSL_connect(c->ssl), e;
	long verify;
	char reason[160];

	if (r == 1) {
		/* SSL_VERIFY_PEER already refused a bad chain; belt and braces. */
		if (SSL_get_verify_result(c->ssl) != X509_V_OK) {
			conn_fail(c, SIP_CONN_ERR_CERT, "verification failed");
			return;
		}
		c->state = SIP_CONN_UP;
		c->t->cert_time_error[0] = '\0';
		keep_peer_chain(c, SSL_get0_verified_chain(c->ssl), true, NULL);
		c->connect_timer = sd_event_source_disable_unref(c->connect_timer);
		update_events(c, false);
		log_info(c->t->log, SUBSYS, "connected", LOG_STR("host", c->host),
			 LOG_UINT("port", c->port), LOG_STR("local", c->local),
			 LOG_STR("tls", SSL_get_version(c->ssl)));
		arm_keepalive(c, c->t->opt.keepalive_usec);
		c->t->h.up(c->t->ctx, c);
		return;
	}
	e = SSL_get_error(c->ssl, r);
	if (e == SSL_ERROR_WANT_READ) {
		update_events(c, false);
		return;
	}
	if (e == SSL_ERROR_WANT_WRITE) {
		update_events(c, true);
		return;
	}
	verify = SSL_get_verify_result(c->ssl);
	if (verify != X509_V_OK) {
		cert_reason(c, verify, reason, sizeof(reason));
		snprintf(c->t->last_cert_error, sizeof(c->t->last_cert_error),
			 "%s: %s", c->host, reason);
		if (verify == X509_V_ERR_CERT_HAS_EXPIRED ||
		    verify == X509_V_ERR_CERT_NOT_YET_VALID)
			memcpy(c->t->cert_time_error, c->t->last_cert_error,
			       sizeof(c->t->cert_time_error));
		ERR_clear_error();
		conn_fail(c, SIP_CONN_ERR_CERT, reason);
		return;
	}
	snprintf(reason, sizeof(reason), "%s",
		 ERR_reason_error_string(ERR_peek_last_error()) ?: "no reason");
	ERR_clear_error();
	conn_fail(c, SIP_CONN_ERR_TLS, reason);
}

static int start_connect(struct sip_conn *c)
{
	int ret;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
	c->state = SIP_CONN_CONNECTING;
	ret = sd_event_add_io(c->t->d->event, &c->io, c->fd, EPOLLOUT, on_io, c);
	if (ret < 0)
		return ret;
	if (connect(c->fd, (struct sockaddr *)&c->peer, sizeof(c->peer)) < 0 &&
	    errno != EINPROGRESS)
		return -errno;
	return 0;
}

static int on_deferred_fail(sd_event_source *s, void *ud)
{
	struct sip_conn *c = ud;

	(void)s;
	c->deferred = sd_event_source_disable_unref(c->deferred);
	conn_fail(c, c->error ? c->error : SIP_CONN_ERR_CONNECT, strerror(ENETUNREACH));
	return 0;
}

/* A failure found synchronously is reported from the loop, as promised. */
static void fail_later(struct sip_conn *c, enum sip_conn_error err)
{
	c->error = err;
	if (sd_event_add_defer(c->t->d->event, &c->deferred, on_deferred_fail,
			       c) < 0)
		log_error(c->t->log, SUBSYS, "cannot schedule a failure");
}

static void on_resolved(void *ctx, int status, const uint32_t *addrs,
			unsigned int n)
{
	struct sip_conn *c = ctx;
	int ret;

	if (status < 0 || !n) {
		conn_fail(c, SIP_CONN_ERR_RESOLVE, "no A record");
		return;
	}
	c->peer.sin_addr.s_addr = addrs[0];
	ret = start_connect(c);
	if (ret < 0)
		conn_fail(c, SIP_CONN_ERR_CONNECT, strerror(-ret));
}

int sip_conn_open(struct sip_tls_transport *t, const char *host, uint16_t port,
		  X509_STORE *store, struct sip_conn **out)
{
	struct sip_conn *c;
	int ret;

	for (c = t->conns; c; c = c->next)
		if (c->port == port && !strcasecmp(c->host, host)) {
			sip_conn_ref(c);
			*out = c;
			return 0;
		}
	if (strlen(host) >= sizeof(c->host) || !*host)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->rx = malloc(RX_MAX);
	c->tx = malloc(TX_MAX);
	if (!c->rx || !c->tx) {
		free(c->rx);
		free(c->tx);
		free(c);
		return -ENOMEM;
	}
	c->t = t;
	c->refs = 1;
	c->fd = -1;
	snprintf(c->host, sizeof(c->host), "%s", host);
	c->port = port;
	c->peer.sin_family = AF_INET;
	c->peer.sin_port = htons(port);
	X509_STORE_up_ref(store);
	c->store = store;
	c->next = t->conns;
	t->conns = c;
	c->listed = true;
	t->opened++;

	ret = sd_event_add_time_relative(t->d->event, &c->connect_timer,
					 CLOCK_MONOTONIC,
					 t->opt.connect_timeout_usec, 100000,
					 on_connect_timeout, c);
	if (ret >= 0 && inet_pton(AF_INET, host, &c->peer.sin_addr) == 1) {
		c->host_is_ip = true;
		ret = start_connect(c);
		if (ret < 0 && ret != -ENOMEM) {
			fail_later(c, SIP_CONN_ERR_CONNECT);
			ret = 0;
		}
	} else if (ret >= 0) {
		c->state = SIP_CONN_RESOLVING;
		ret = t->d->resolver ?
		      resolver_lookup_a(t->d->resolver, host, on_resolved, c) :
		      -ENOENT;
		if (ret < 0 && ret != -ENOMEM) {
			fail_later(c, SIP_CONN_ERR_RESOLVE);
			ret = 0;
		}
	}
	if (ret < 0) {
		sip_conn_unref(c);
		return ret;
	}
	log_debug(t->log, SUBSYS, "connecting", LOG_STR("host", host),
		  LOG_UINT("port", port));
	*out = c;
	return 0;
}

void sip_conn_ref(struct sip_conn *c)
{
	c->refs++;
}

void sip_conn_unref(struct sip_conn *c)
{
	if (!c || --c->refs)
		return;
	unlist(c);
	close_transport(c);
	X509_STORE_free(c->store);
	free(c->rx);
	free(c->tx);
	free(c);
}

int sip_transport_new(struct ucphoned *d,
		      const struct sip_transport_options *opt,
		      const struct sip_transport_handler *h, void *ctx,
		      struct sip_tls_transport **out)
{
	struct sip_tls_transport *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->d = d;
	t->log = &d->log;
	t->opt = *opt;
	t->h = *h;
	t->ctx = ctx;
	*out = t;
	return 0;
}

void sip_transport_free(struct sip_tls_transport *t)
{
	if (!t)
		return;
	/* The owners unref their connections first; whatever is left closes. */
	while (t->conns) {
		struct sip_conn *c = t->conns;

		unlist(c);
		close_transport(c);
		c->state = SIP_CONN_DOWN;
	}
	for (unsigned int i = 0; i < SIP_PEER_CHAINS_MAX; i++)
		sk_X509_pop_free(t->peers[i].chain, X509_free);
	free(t);
}

struct json_object *sip_transport_peer_chains(const struct sip_tls_transport *t)
{
	struct json_object *arr = json_object_new_array(), *o;
	uint64_t below = UINT64_MAX;

	if (!arr)
		return NULL;
	/* Newest first: each round takes the newest below the last one. */
	for (;;) {
		const struct peer_chain *p = NULL;

		for (unsigned int i = 0; i < SIP_PEER_CHAINS_MAX; i++)
			if (t->peers[i].chain && t->peers[i].seq < below &&
			    (!p || t->peers[i].seq > p->seq))
				p = &t->peers[i];
		if (!p)
			break;
		below = p->seq;
		o = json_object_new_object();
		if (!o)
			break;
		json_object_object_add(o, "host", json_object_new_string(p->host));
		json_object_object_add(o, "port", json_object_new_int(p->port));
		json_object_object_add(o, "verified",
				       json_object_new_boolean(p->verified));
		if (p->error[0])
			json_object_object_add(o, "error",
					       json_object_new_string(p->error));
		json_object_object_add(o, "chain", cert_chain_json(p->chain));
		json_object_array_add(arr, o);
	}
	return arr;
}

struct json_object *sip_transport_status(const struct sip_tls_transport *t)
{
	static const char *const states[] = {
		"resolving", "connecting", "handshake", "up", "down",
	};
	struct json_object *o = json_object_new_object(), *arr;

	arr = json_object_new_array();
	for (const struct sip_conn *c = t->conns; c; c = c->next) {
		struct json_object *e = json_object_new_object();
		char target[300];

		snprintf(target, sizeof(target), "%s:%u", c->host,
			 (unsigned int)c->port);
		json_object_object_add(e, "target", json_object_new_string(target));
		json_object_object_add(e, "state", json_object_new_string(states[c->state]));
		if (c->state == SIP_CONN_UP) {
			json_object_object_add(e, "local", json_object_new_string(c->local));
			json_object_object_add(e, "tls", json_object_new_string(
				SSL_get_version(c->ssl)));
		}
		json_object_object_add(e, "messages_in", json_object_new_uint64(c->messages_in));
		json_object_object_add(e, "messages_out", json_object_new_uint64(c->messages_out));
		json_object_object_add(e, "bad_messages", json_object_new_uint64(c->bad_messages));
		json_object_object_add(e, "pings", json_object_new_uint64(c->pings));
		json_object_object_add(e, "pongs", json_object_new_uint64(c->pongs));
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "connections", arr);
	json_object_object_add(o, "opened", json_object_new_uint64(t->opened));
	json_object_object_add(o, "failed", json_object_new_uint64(t->failed));
	json_object_object_add(o, "certificate_failures",
			       json_object_new_uint64(t->cert_failures));
	if (t->last_cert_error[0])
		json_object_object_add(o, "last_certificate_error",
				       json_object_new_string(t->last_cert_error));
	if (t->cert_time_error[0])
		json_object_object_add(o, "certificate_time_error",
				       json_object_new_string(t->cert_time_error));
	return o;
}
