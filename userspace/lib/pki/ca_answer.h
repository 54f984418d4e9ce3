/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the root CA helper (ucphone-ca-fetch) tells the daemon, and the
 * certificates the daemon hands it: one "key=value" a line, in any order,
 *
 *   how=kerberos|ntlm|ldaps|none how the user was authenticated (none:
 *                               certsrv asked for no credentials)
 *   error=<text>                the step failed (one line, shown as is)
 *   bind_refused=1              the credentials were refused
 *   transport_failed=1          no answer at all: another way may work
 *   no_root=1                   the directory holds no root and no enrollment host
 *   enrollment=<host>           the pKIEnrollmentService's dNSHostName
 *   rejected=<n>                cACertificate values that were no root
 *   root=<base64 DER>           a root CA learned (self-signed CA only)
 *   dc=<base64 DER>             the DC's LDAPS certificate
 *   chain=<base64 DER>          a certificate the DC sent with it
 *
 * The helper may be fooled by the network but is our own code: still, the
 * daemon takes its answer as untrusted bytes (a bounded, strict parser,
 * fuzzed by fuzz_ca_answer): an unknown key, a malformed value or a "root"
 * that is not a self-signed CA makes the whole answer malformed.
 */
#ifndef UCPHONE_CA_ANSWER_H
#define UCPHONE_CA_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <openssl/x509.h>

#define CA_ANSWER_HOW_LEN 12
#define CA_ANSWER_HOST_LEN 256
#define CA_ANSWER_ERROR_LEN 256
#define CA_ANSWER_ROOTS_MAX 32
#define CA_ANSWER_CHAIN_MAX 10

struct ca_answer {
	int status;			/* 0, or -errno with error[] set */
	bool bind_refused;
	bool transport_failed;
	bool no_root;
	char how[CA_ANSWER_HOW_LEN];	/* "kerberos", "ntlm", "ldaps", "none", "" */
	char enrollment_host[CA_ANSWER_HOST_LEN];
	unsigned int rejected_values;
	STACK_OF(X509) *roots;		/* owned */
	X509 *dc_cert;			/* owned, NULL when none */
	STACK_OF(X509) *dc_chain;	/* owned, NULL when none */
	char error[CA_ANSWER_ERROR_LEN];
};

/* An empty answer (status 0, no roots); -ENOMEM. */
int ca_answer_init(struct ca_answer *a);
/* Frees what a holds; a is empty (and reusable after ca_answer_init). */
void ca_answer_clear(struct ca_answer *a);

/*
 * Parses len bytes of text (need not end in '\0') into a, which must be
 * freshly initialised. Returns 0 and sets a->status: -EACCES (refused),
 * -ENOENT (no root), -EIO (another error) when an error line is present,
 * else 0. Returns -EINVAL (a keeps nothing) for a malformed answer, and
 * -ENODATA for a well-formed one that says nothing: no error, no root, no
 * enrollment host.
 */
int ca_answer_parse(const char *text, size_t len, struct ca_answer *a);

/*
 * One certificate as "<key>=<base64 DER>\n" (a malloc'd string, NULL on
 * failure), and back from the value alone (NULL when malformed).
 */
char *ca_answer_cert_line(const char *key, X509 *cert);
X509 *ca_answer_cert_value(const char *value, size_t len);

#endif /* UCPHONE_CA_ANSWER_H */
