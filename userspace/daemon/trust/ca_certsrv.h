/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One GET of http://<dNSHostName>/certsrv/certnew.p7b?ReqID=CACert&
 * Renewal=-1&Enc=b64 from an enterprise CA's web enrollment (libcurl's
 * multi interface on the daemon's loop), and the root(s) in the answer.
 * The address comes from the daemon's own resolver (the lease's DNS), so
 * libcurl never resolves anything itself. Bounded by one timeout.
 *
 * The user signs in with NTLM only (web enrollment runs under Windows
 * authentication): the password itself never goes out, over plain HTTP
 * or otherwise, and Basic is never sent. A server that serves the file
 * without asking for credentials is reported as such (ntlm false).
 */
#ifndef UCPHONED_CA_CERTSRV_H
#define UCPHONED_CA_CERTSRV_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/x509.h>
#include <systemd/sd-event.h>

struct ca_certsrv;

struct ca_certsrv_result {
	int status;			/* 0, or -errno with error[] set */
	long http_code;
	bool ntlm;			/* the server asked for and took NTLM */
	STACK_OF(X509) *roots;		/* owned by the fetch */
	char error[256];
};

/* Runs once; the callee may free the fetch from inside the callback. */
typedef void (*ca_certsrv_done_cb)(void *ctx, const struct ca_certsrv_result *r);

struct ca_certsrv_request {
	const char *host;		/* the enrollment service's dNSHostName */
	uint32_t addr;			/* its IPv4 address */
	const char *user;		/* "CORP\\alice" or "alice@corp.test" */
	const char *password;		/* copied into libcurl (zeroing allocator) */
	uint64_t timeout_usec;
};

int ca_certsrv_start(sd_event *event, const struct ca_certsrv_request *req,
		     ca_certsrv_done_cb cb, void *ctx, struct ca_certsrv **out);
void ca_certsrv_free(struct ca_certsrv *c);

#endif /* UCPHONED_CA_CERTSRV_H */
