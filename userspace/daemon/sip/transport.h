/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SIP over TLS over TCP (RFC 3261 18, RFC 5922, RFC 5626 keep-alive), on
 * the daemon's sd-event loop, never blocking.
 *
 * One connection per target (host, port), shared by whoever opens it while
 * it lives (registration, provisioning, later calls): sip_conn_open()
 * returns the live one when there is one. A connection resolves its host
 * with the daemon's resolver, connects, and does the TLS handshake with SNI
 * = the host name and the certificate checked against the trust store and
 * against that same name (the SRV target or A name the phone looked up, as
 * RFC 5922 wants). A certificate the store cannot validate ends the
 * connection with SIP_CONN_ERR_CERT, whose text is exactly "Cannot
 * validate server certificate", and nothing is written on it. Messages are
 * delimited with lib/sip_msg's stream framing. Every keepalive interval the
 * connection sends a double-CRLF ping; a server that answered a ping once
 * (a CRLF pong) and then stays silent for 10 s has lost the flow.
 */
#ifndef UCPHONED_SIP_TRANSPORT_H
#define UCPHONED_SIP_TRANSPORT_H

#include <stdint.h>

#include <json-c/json.h>
#include <openssl/x509.h>

#include "core/daemon.h"
#include "lib/sip/sip_msg.h"

#define SIP_CERT_ERROR_TEXT "Cannot validate server certificate"

enum sip_conn_state {
	SIP_CONN_RESOLVING,
	SIP_CONN_CONNECTING,
	SIP_CONN_HANDSHAKE,
	SIP_CONN_UP,
	SIP_CONN_DOWN,
};

enum sip_conn_error {
	SIP_CONN_ERR_NONE,
	SIP_CONN_ERR_RESOLVE,	/* the host name has no address */
	SIP_CONN_ERR_CONNECT,	/* TCP refused, unreachable */
	SIP_CONN_ERR_TLS,	/* handshake failed for another reason */
	SIP_CONN_ERR_CERT,	/* the trust store cannot validate the server */
	SIP_CONN_ERR_TIMEOUT,	/* no connection within the connect timeout */
	SIP_CONN_ERR_CLOSED,	/* the server closed, or a read/write failed */
	SIP_CONN_ERR_PROTOCOL,	/* bytes that cannot be framed as SIP */
	SIP_CONN_ERR_KEEPALIVE,	/* a ping went unanswered */
};

struct sip_tls_transport;
struct sip_conn;

/* Everything the layer above (sip_transaction) hears from connections. */
struct sip_transport_handler {
	void (*up)(void *ctx, struct sip_conn *c);
	/* c is still valid during the call; it sends nothing more. */
	void (*down)(void *ctx, struct sip_conn *c, enum sip_conn_error err);
	void (*message)(void *ctx, struct sip_conn *c, const struct sip_msg *m);
};

struct sip_transport_options {
	uint64_t connect_timeout_usec;	/* resolve + TCP + TLS */
	uint64_t keepalive_usec;	/* double-CRLF ping interval */
	uint64_t pong_timeout_usec;
	/* Sets the time certificates are checked at; NULL: the system clock. */
	void (*verify_time)(struct ucphoned *d, X509_VERIFY_PARAM *param);
};

int sip_transport_new(struct ucphoned *d,
		      const struct sip_transport_options *opt,
		      const struct sip_transport_handler *h, void *ctx,
		      struct sip_tls_transport **out);
void sip_transport_free(struct sip_tls_transport *t);

/*
 * The connection to host:port, a new reference: the live one if any,
 * else a new one that starts connecting (up or down arrives later through
 * the handler, never from inside this call). store: verified against;
 * referenced by the connection.
 */
int sip_conn_open(struct sip_tls_transport *t, const char *host, uint16_t port,
		  X509_STORE *store, struct sip_conn **out);
void sip_conn_ref(struct sip_conn *c);
/* Drops a reference; the last one closes the connection. */
void sip_conn_unref(struct sip_conn *c);

enum sip_conn_state sip_conn_state(const struct sip_conn *c);
enum sip_conn_error sip_conn_error(const struct sip_conn *c);
const char *sip_conn_error_text(enum sip_conn_error err);
const char *sip_conn_host(const struct sip_conn *c);
uint16_t sip_conn_port(const struct sip_conn *c);
/* The phone's end of the connection, "10.77.0.100:40312" (Via, Contact). */
const char *sip_conn_local(const struct sip_conn *c);
/* Queues bytes on an up connection: 0, -ENOTCONN, -ENOBUFS. */
int sip_conn_send(struct sip_conn *c, const char *buf, size_t len);

struct json_object *sip_transport_status(const struct sip_tls_transport *t);

/* Targets whose last handshake's chain is kept (the oldest makes room). */
#define SIP_PEER_CHAINS_MAX 8

/*
 * For the troubleshooting bundle: the certificate chain each target's
 * last TLS handshake saw, leaf first, whether the trust store took it or
 * refused it, newest first:
 * [{"host":...,"port":5061,"verified":false,"error":"<OpenSSL's reason>",
 *   "chain":[cert_info_json()...]},...]; empty before any handshake got
 * that far; NULL when out of memory.
 */
struct json_object *sip_transport_peer_chains(const struct sip_tls_transport *t);

#endif /* UCPHONED_SIP_TRANSPORT_H */
