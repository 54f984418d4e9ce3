/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TLS for one LDAPS connection in ucphone-ca-fetch (ca_fetch_ldap.c): an
 * OpenSSL client handshake on a connected socket (blocking with timeouts
 * there: "again" means it timed out), then a libldap socket buffer layer
 * that reads and writes through it, so that libldap's own TLS stack
 * (GnuTLS) is never used. The DC's certificate is not verified during the
 * handshake: the helper checks it against the roots the phone already
 * trusts before the bind, and hands it to the daemon for the status.
 */
#ifndef UCPHONED_LDAP_TLS_H
#define UCPHONED_LDAP_TLS_H

#include <stddef.h>
#include <stdint.h>

#include <ldap.h>
#include <openssl/x509.h>

struct ldap_tls;

/* A TLS client for fd (connected, non-blocking), SNI host. NULL: no memory. */
struct ldap_tls *ldap_tls_new(int fd, const char *host);
void ldap_tls_free(struct ldap_tls *tls);

/*
 * Advances the handshake: 0 when done, -EAGAIN with *events set to the
 * EPOLL* flags to wait for, or -EPROTO with a reason in err.
 */
int ldap_tls_handshake(struct ldap_tls *tls, uint32_t *events, char *err,
		       size_t err_len);

/* From now on libldap's traffic on ld goes through tls. */
int ldap_tls_install(struct ldap_tls *tls, LDAP *ld);

/* The DC's certificate and the chain it sent (owned by tls). */
X509 *ldap_tls_peer(struct ldap_tls *tls);
STACK_OF(X509) *ldap_tls_peer_chain(struct ldap_tls *tls);

#endif /* UCPHONED_LDAP_TLS_H */
