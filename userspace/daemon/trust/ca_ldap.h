/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One root-CA lookup against one domain controller, on the daemon's loop:
 * connect (LDAPS: TLS handshake, unverified), simple bind as the user, read the configuration naming context
 * from the rootDSE, search CN=Certification Authorities for
 * certificationAuthority objects and take their cACertificate; when none
 * holds a root, search the configuration NC for a pKIEnrollmentService and
 * return its dNSHostName (the certsrv web server). Bounded by one timeout.
 */
#ifndef UCPHONED_CA_LDAP_H
#define UCPHONED_CA_LDAP_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/x509.h>
#include <systemd/sd-event.h>

#include "core/log.h"
#include "lib/dhcp/dhcp_msg.h"

struct ca_ldap;

struct ca_ldap_request {
	char host[DHCP_NAME_MAX];	/* the DC's name, for the URL and the log */
	uint32_t addr;			/* its IPv4 address, network order */
	uint16_t port;
	bool tls;			/* LDAPS: TLS from the first byte */
	/*
	 * LDAPS: the DC's certificate must validate against this store for
	 * its name before the bind is sent (NULL: not checked).
	 */
	X509_STORE *verify_store;
	const char *bind_dn;		/* "CORP\\alice" or "alice@corp.test" */
	const char *password;		/* copied, zeroed once the bind is sent */
	uint64_t timeout_usec;		/* for each step of the exchange */
};

struct ca_ldap_result {
	int status;			/* 0, or -errno with error[] set */
	bool bind_refused;		/* the DC refused the credentials */
	STACK_OF(X509) *roots;		/* owned by the lookup */
	unsigned int rejected_values;	/* cACertificate values that were no root */
	char enrollment_host[DHCP_NAME_MAX];	/* dNSHostName when no root */
	bool transport_failed;		/* no LDAP answer at all: try another way */
	char how[12];			/* helper: "kerberos", "ntlm" or "none" */
	X509 *dc_cert;			/* LDAPS: what the DC presented */
	STACK_OF(X509) *dc_chain;	/* and the chain it sent with it */
	char error[256];
};

/* Runs once; the callee may free the lookup from inside the callback. */
typedef void (*ca_ldap_done_cb)(void *ctx, const struct ca_ldap_result *r);

/*
 * libldap's one-time set-up, which looks this host's own name up (for
 * SASL) with the blocking resolver. Called at start, before any lease, it
 * fails at once; left to the first bind, a name server the lease made
 * reachable but that does not answer blocks the loop for 10 s (the QEMU
 * phone: the DC's answer then came too late, and LDAPS was given up).
 */
void ca_ldap_global_init(void);

int ca_ldap_start(sd_event *event, const struct log *log,
		  const struct ca_ldap_request *req, ca_ldap_done_cb cb,
		  void *ctx, struct ca_ldap **out);
void ca_ldap_free(struct ca_ldap *l);

#endif /* UCPHONED_CA_LDAP_H */
