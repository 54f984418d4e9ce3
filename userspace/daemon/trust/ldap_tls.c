// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>

#include <lber.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "trust/ldap_tls.h"

struct ldap_tls {
	SSL_CTX *ctx;
	SSL *ssl;
	X509 *peer;
};

struct ldap_tls *ldap_tls_new(int fd, const char *host)
{
	struct ldap_tls *tls = calloc(1, sizeof(*tls));

	if (!tls)
		return NULL;
	tls->ctx = SSL_CTX_new(TLS_client_method());
	if (!tls->ctx || !SSL_CTX_set_min_proto_version(tls->ctx, TLS1_2_VERSION))
		goto fail;
	/* Unverified on purpose: the root is what we are looking for. */
	SSL_CTX_set_verify(tls->ctx, SSL_VERIFY_NONE, NULL);
	tls->ssl = SSL_new(tls->ctx);
	if (!tls->ssl || !SSL_set_fd(tls->ssl, fd) ||
	    !SSL_set_tlsext_host_name(tls->ssl, host))
		goto fail;
	SSL_set_mode(tls->ssl, SSL_MODE_ENABLE_PARTIAL_WRITE |
		     SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_set_connect_state(tls->ssl);
	return tls;
fail:
	ERR_clear_error();
	ldap_tls_free(tls);
	return NULL;
}

void ldap_tls_free(struct ldap_tls *tls)
{
	if (!tls)
		return;
	X509_free(tls->peer);
	SSL_free(tls->ssl);
	SSL_CTX_free(tls->ctx);
	free(tls);
}

int ldap_tls_handshake(struct ldap_tls *tls, uint32_t *events, char *err,
		       size_t err_len)
{
	int ret = SSL_do_handshake(tls->ssl);
	unsigned long e;

	if (ret == 1) {
		tls->peer = SSL_get1_peer_certificate(tls->ssl);
		return 0;
	}
	switch (SSL_get_error(tls->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		*events = EPOLLIN;
		return -EAGAIN;
	case SSL_ERROR_WANT_WRITE:
		*events = EPOLLOUT;
		return -EAGAIN;
	default:
		e = ERR_get_error();
		snprintf(err, err_len, "TLS handshake failed: %s",
			 e ? ERR_reason_error_string(e) : "connection closed");
		ERR_clear_error();
		return -EPROTO;
	}
}

X509 *ldap_tls_peer(struct ldap_tls *tls)
{
	return tls->peer;
}

STACK_OF(X509) *ldap_tls_peer_chain(struct ldap_tls *tls)
{
	return SSL_get_peer_cert_chain(tls->ssl);
}

/* ---- the socket buffer layer: libldap's reads and writes, through SSL ---- */

static int sb_setup(Sockbuf_IO_Desc *sbiod, void *arg)
{
	sbiod->sbiod_pvt = arg;
	return 0;
}

static int sb_remove(Sockbuf_IO_Desc *sbiod)
{
	sbiod->sbiod_pvt = NULL;
	return 0;
}

static int sb_ctrl(Sockbuf_IO_Desc *sbiod, int opt, void *arg)
{
	struct ldap_tls *tls = sbiod->sbiod_pvt;

	/* Decrypted bytes waiting in SSL: the socket may look idle. */
	if (opt == LBER_SB_OPT_DATA_READY && tls && SSL_pending(tls->ssl) > 0)
		return 1;
	return LBER_SBIOD_CTRL_NEXT(sbiod, opt, arg);
}

/* WANT_READ/WANT_WRITE are EWOULDBLOCK to libldap: it keeps what it has. */
static ber_slen_t io_result(struct ldap_tls *tls, int ret)
{
	switch (SSL_get_error(tls->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		errno = EWOULDBLOCK;
		return -1;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	default:
		ERR_clear_error();
		errno = ECONNRESET;
		return -1;
	}
}

static ber_slen_t sb_read(Sockbuf_IO_Desc *sbiod, void *buf, ber_len_t len)
{
	struct ldap_tls *tls = sbiod->sbiod_pvt;
	int ret;

	if (!tls) {
		errno = ENOTCONN;
		return -1;
	}
	ret = SSL_read(tls->ssl, buf, len > INT32_MAX ? INT32_MAX : (int)len);
	return ret > 0 ? ret : io_result(tls, ret);
}

static ber_slen_t sb_write(Sockbuf_IO_Desc *sbiod, void *buf, ber_len_t len)
{
	struct ldap_tls *tls = sbiod->sbiod_pvt;
	int ret;

	if (!tls) {
		errno = ENOTCONN;
		return -1;
	}
	ret = SSL_write(tls->ssl, buf, len > INT32_MAX ? INT32_MAX : (int)len);
	return ret > 0 ? ret : io_result(tls, ret);
}

static int sb_close(Sockbuf_IO_Desc *sbiod)
{
	struct ldap_tls *tls = sbiod->sbiod_pvt;

	/* A courtesy close_notify; never waits. The fd is the TCP layer's. */
	if (tls)
		SSL_shutdown(tls->ssl);
	ERR_clear_error();
	return 0;
}

static Sockbuf_IO ldap_tls_sbio = {
	.sbi_setup = sb_setup,
	.sbi_remove = sb_remove,
	.sbi_ctrl = sb_ctrl,
	.sbi_read = sb_read,
	.sbi_write = sb_write,
	.sbi_close = sb_close,
};

int ldap_tls_install(struct ldap_tls *tls, LDAP *ld)
{
	Sockbuf *sb = NULL;

	if (ldap_get_option(ld, LDAP_OPT_SOCKBUF, &sb) != LDAP_SUCCESS || !sb)
		return -EINVAL;
	/* Above TCP, where libldap puts its own TLS. */
	if (ber_sockbuf_add_io(sb, &ldap_tls_sbio, LBER_SBIOD_LEVEL_TRANSPORT,
			       tls) < 0)
		return -ENOMEM;
	return 0;
}
