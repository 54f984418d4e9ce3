/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Runs ucphone-ca-fetch (ca_fetch.c) for one step of root-CA discovery
 * (the directory lookup on one DC, or the certsrv GET), with Kerberos
 * from that DC's KDC (NTLM when no KDC answers), on the daemon's loop:
 * the request (password included) goes down a pipe, the answer (how the
 * user was authenticated, PEM roots or the enrollment host, or an error)
 * comes back up another; the helper is killed past the timeout. The
 * result has ca_ldap.c's shape, so trust.c handles both alike.
 */
#ifndef UCPHONED_CA_FETCH_RUN_H
#define UCPHONED_CA_FETCH_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "trust/ca_ldap.h"
#include "core/log.h"

struct ca_fetch;

struct ca_fetch_request {
	const char *helper;		/* path of ucphone-ca-fetch */
	bool certsrv;			/* the certsrv GET, not the directory */
	char host[DHCP_NAME_MAX];	/* the DC: ldap/<host> is the service */
	uint32_t addr;			/* its IPv4 address (KDC and LDAP) */
	uint16_t port;
	const char *realm;		/* CORP.TEST */
	const char *principal;		/* alice@CORP.TEST */
	const char *user;		/* NTLM: CORP\\alice or alice@corp.test */
	const char *web;		/* certsrv: the enrollment host */
	uint32_t web_addr;		/* and its IPv4 address */
	const char *password;		/* written to the pipe, never kept */
	uint64_t timeout_usec;		/* for the whole lookup */
};

int ca_fetch_start(sd_event *event, const struct log *log,
		   const struct ca_fetch_request *req, ca_ldap_done_cb cb,
		   void *ctx, struct ca_fetch **out);
void ca_fetch_free(struct ca_fetch *f);

#endif /* UCPHONED_CA_FETCH_RUN_H */
