/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside ucphone-ca-fetch (ca_fetch.c): the request the daemon wrote, the
 * one way out (fail), and the two jobs the helper does with the
 * credential it got: the directory lookup (ca_fetch_ldap.c) and the
 * certsrv GET (ca_fetch_certsrv.c). Not part of ucphoned.
 */
#ifndef UCPHONE_CA_FETCH_H
#define UCPHONE_CA_FETCH_H

#include <netinet/in.h>
#include <stdbool.h>

#include <openssl/x509.h>

#define CA_FETCH_STEP_TIMEOUT_S 5

enum ca_fetch_mode {
	CA_FETCH_LDAP,		/* cACertificate or the enrollment host */
	CA_FETCH_CERTSRV,	/* certnew.p7b from the enrollment host */
	CA_FETCH_LDAPS,		/* the lookup with a simple bind, over LDAPS that validates */
};

/* What the user could be signed in with: the helper says which it used. */
enum ca_fetch_auth {
	CA_FETCH_KERBEROS,	/* a TGT from the DC's KDC */
	CA_FETCH_NTLM,		/* no KDC answered: NTLM (gss-ntlmssp or libcurl) */
	CA_FETCH_SIMPLE,	/* LDAPS: a simple bind once the DC's certificate validates */
};

#define CA_FETCH_TRUST_MAX 32

struct ca_fetch_req {
	enum ca_fetch_mode mode;
	char host[256], addr[INET_ADDRSTRLEN], realm[256], principal[512];
	char user[512];			/* NTLM: "CORP\\alice" or "alice@corp.test" */
	char web[256], web_addr[INET_ADDRSTRLEN];	/* certsrv */
	unsigned int port;
	char bundle[256];		/* LDAPS: the public CA bundle, or "" */
	const char *trust[CA_FETCH_TRUST_MAX];	/* LDAPS: the learned roots (base64 DER) */
	size_t trust_len[CA_FETCH_TRUST_MAX];
	unsigned int n_trust;
	char *password;			/* into the input buffer, zeroed by main */
	size_t password_len;
	enum ca_fetch_auth auth;
};

/* One "how=..., error=..., KIND=1" answer and exit(1). */
__attribute__((noreturn, format(printf, 3, 4)))
void ca_fetch_fail(const struct ca_fetch_req *r, const char *kind,
		   const char *fmt, ...);

const char *ca_fetch_how(const struct ca_fetch_req *r);

/* One "<key>=<base64 DER>" line of the answer (lib/pki/ca_answer.h). */
void ca_fetch_put_cert(const char *key, X509 *cert);

/*
 * Prints the roots or enrollment=<host>; exits through ca_fetch_fail.
 * Both directory modes: SASL (Kerberos, NTLM) and LDAPS with a simple bind.
 */
void ca_fetch_ldap(struct ca_fetch_req *r, STACK_OF(X509) *roots);
/* Prints the roots; exits through ca_fetch_fail. */
void ca_fetch_certsrv(struct ca_fetch_req *r, STACK_OF(X509) *roots);

#endif /* UCPHONE_CA_FETCH_H */
