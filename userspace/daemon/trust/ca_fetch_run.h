/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Runs ucphone-ca-fetch (ca_fetch.c) for one step of root-CA discovery
 * (the directory lookup on one DC with Kerberos from that DC's KDC, NTLM
 * when no KDC answers, or LDAPS with a simple bind when the DC's
 * certificate validates; or the certsrv GET), on the daemon's loop: the
 * request (password included) goes down a pipe and is zeroed here, the
 * answer (lib/pki/ca_answer.h: how the user was authenticated, the roots
 * or the enrollment host, the DC's LDAPS certificate, or an error) comes
 * back up another; the helper is killed past the timeout. No LDAP, SASL
 * or HTTP authentication code runs in the daemon.
 */
#ifndef UCPHONED_CA_FETCH_RUN_H
#define UCPHONED_CA_FETCH_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include <openssl/x509.h>

#include "core/log.h"
#include "lib/dhcp/dhcp_msg.h"
#include "lib/pki/ca_answer.h"

struct ca_fetch;

enum ca_fetch_step {
	CA_FETCH_STEP_DIRECTORY,	/* Kerberos (NTLM) LDAP */
	CA_FETCH_STEP_LDAPS,		/* LDAPS that validates, simple bind */
	CA_FETCH_STEP_CERTSRV,		/* the certsrv GET */
};

/* Runs once; the callee may free the fetch from inside the callback. */
typedef void (*ca_fetch_done_cb)(void *ctx, const struct ca_answer *r);

struct ca_fetch_request {
	const char *helper;		/* path of ucphone-ca-fetch */
	enum ca_fetch_step step;
	char host[DHCP_NAME_MAX];	/* the DC: ldap/<host> is the service */
	uint32_t addr;			/* its IPv4 address (KDC and LDAP) */
	uint16_t port;
	const char *realm;		/* CORP.TEST */
	const char *principal;		/* alice@CORP.TEST */
	const char *user;		/* NTLM, LDAPS: CORP\\alice or alice@corp.test */
	const char *web;		/* certsrv: the enrollment host */
	uint32_t web_addr;		/* and its IPv4 address */
	STACK_OF(X509) *trust;		/* LDAPS: the learned roots */
	const char *bundle;		/* LDAPS: the public CA bundle, or NULL */
	const char *password;		/* written to the pipe, never kept */
	uint64_t timeout_usec;		/* for the whole lookup */
};

int ca_fetch_start(sd_event *event, const struct log *log,
		   const struct ca_fetch_request *req, ca_fetch_done_cb cb,
		   void *ctx, struct ca_fetch **out);
void ca_fetch_free(struct ca_fetch *f);

#endif /* UCPHONED_CA_FETCH_RUN_H */
