// SPDX-License-Identifier: GPL-2.0-only
/*
 * ucphone-ca-fetch's directory lookup (see ca_fetch.c): the SASL bind
 * with the credential main() got, then the rootDSE, the
 * certificationAuthority objects' cACertificate and, when none holds a
 * root, the pKIEnrollmentService's dNSHostName.
 *
 *   Kerberos: SASL GSSAPI to ldap/<dc>, sealed (minssf 56): the DC proves
 *   it holds the service key, so the roots it names are authenticated.
 *   NTLM (no KDC answered): SASL GSS-SPNEGO with an SPNEGO credential made
 *   from the password and allowed to negotiate gss-ntlmssp's NTLM only
 *   (gss_acquire_cred_with_password, gss_set_neg_mechs; the password
 *   zeroed at once), handed to Cyrus SASL's GSS-SPNEGO mechanism through
 *   LDAP_OPT_X_SASL_GSS_CREDS; integrity required on every message after
 *   the bind, so a server that cannot check the NTLM answer (it lacks the
 *   NT hash) cannot produce a single valid answer either.
 *   LDAPS (no Kerberos, no NTLM on the DC): TLS first (ldap_tls.c), the
 *   DC's certificate checked for its name against the roots the phone
 *   already trusts (the learned ones the daemon sent, the public bundle),
 *   and only then a simple bind; the certificate and its chain go back to
 *   the daemon for the status.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_ntlmssp.h>
#include <lber.h>
#include <ldap.h>
#include <openldap.h>
#include <sasl/sasl.h>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "lib/pki/ca_answer.h"
#include "lib/pki/ca_bundle.h"
#include "lib/util/secret.h"
#include "trust/ca_fetch.h"
#include "trust/ldap_tls.h"

#define CA_CONTAINER "CN=Certification Authorities,CN=Public Key Services,CN=Services,"
#define LDAP_ENTRIES_MAX 32

/* The authorization id is the principal's own; the NTLM credential, if any. */
static int interact(LDAP *ld, unsigned int flags, void *defaults, void *in)
{
	sasl_interact_t *i = in;

	(void)flags;
	/*
	 * libldap makes the SASL connection inside the bind: the credential
	 * can only be handed over from here, before the mechanism's first
	 * step uses it.
	 */
	if (defaults)
		ldap_set_option(ld, LDAP_OPT_X_SASL_GSS_CREDS, defaults);
	for (; i->id != SASL_CB_LIST_END; i++) {
		i->result = "";
		i->len = 0;
	}
	return LDAP_SUCCESS;
}

/* The user's NTLM credential from the password; the password is zeroed. */
static gss_cred_id_t ntlm_credential(struct ca_fetch_req *r)
{
	static gss_OID_desc ntlmssp_oid = {
		GSS_NTLMSSP_OID_LENGTH, (void *)GSS_NTLMSSP_OID_STRING
	};
	static gss_OID_desc spnego_oid = { 6, (void *)"\x2b\x06\x01\x05\x05\x02" };
	gss_OID_set_desc mechs = { 1, &spnego_oid }, ntlm = { 1, &ntlmssp_oid };
	gss_buffer_desc name_buf = { strlen(r->user), r->user };
	gss_buffer_desc pw_buf = { r->password_len, r->password };
	gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
	gss_name_t name = GSS_C_NO_NAME;
	OM_uint32 maj, min;

	maj = gss_import_name(&min, &name_buf, GSS_C_NT_USER_NAME, &name);
	if (!GSS_ERROR(maj))
		maj = gss_acquire_cred_with_password(&min, name, &pw_buf, 0,
						     &mechs, GSS_C_INITIATE,
						     &cred, NULL, NULL);
	/* SPNEGO's credential, allowed to negotiate NTLM only. */
	if (!GSS_ERROR(maj))
		maj = gss_set_neg_mechs(&min, cred, &ntlm);
	gss_release_name(&min, &name);
	secret_zero(r->password, r->password_len);
	r->password = NULL;
	if (GSS_ERROR(maj))
		ca_fetch_fail(r, NULL, "no KDC answered and no NTLM credential for %s could be made (gss-ntlmssp: major 0x%x minor %u)",
			      r->user, maj, min);
	return cred;
}

static void sasl_bind(LDAP *ld, struct ca_fetch_req *r)
{
	const char *mech = r->auth == CA_FETCH_KERBEROS ? "GSSAPI" : "GSS-SPNEGO";
	gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
	char *diag = NULL;
	OM_uint32 min;
	int rc;

	if (r->auth == CA_FETCH_NTLM)
		cred = ntlm_credential(r);
	/* Integrity (NTLM) and confidentiality (Kerberos) after the bind. */
	ldap_set_option(ld, LDAP_OPT_X_SASL_SECPROPS,
			r->auth == CA_FETCH_KERBEROS ?
			"minssf=56,noplain,noanonymous" :
			"minssf=1,noplain,noanonymous");
	rc = ldap_sasl_interactive_bind_s(ld, NULL, mech, NULL, NULL,
					  LDAP_SASL_QUIET, interact,
					  cred == GSS_C_NO_CREDENTIAL ? NULL : cred);
	if (cred != GSS_C_NO_CREDENTIAL)
		gss_release_cred(&min, &cred);
	if (rc == LDAP_SUCCESS)
		return;
	ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
	ca_fetch_fail(r, rc == LDAP_INVALID_CREDENTIALS ? "bind_refused" : "transport_failed",
		      "LDAP SASL %s bind to %s as %s failed: %s%s%s", mech,
		      r->host, r->auth == CA_FETCH_KERBEROS ? r->principal : r->user,
		      ldap_err2string(rc), diag ? ": " : "", diag ? diag : "");
}

/* The roots the phone trusts now: those it learned and the public bundle. */
static X509_STORE *trusted_roots(const struct ca_fetch_req *r)
{
	X509_STORE *store = X509_STORE_new();
	X509 *x;

	for (unsigned int i = 0; store && i < r->n_trust; i++) {
		x = ca_answer_cert_value(r->trust[i], r->trust_len[i]);
		if (x)
			X509_STORE_add_cert(store, x);
		X509_free(x);
	}
	/* An unreadable bundle leaves the learned roots alone. */
	if (store && r->bundle[0])
		X509_STORE_load_file(store, r->bundle);
	ERR_clear_error();
	return store;
}

static bool dc_certificate_valid(const struct ca_fetch_req *r,
				 struct ldap_tls *tls, char *why, size_t len)
{
	X509_STORE *store = trusted_roots(r);
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	X509 *peer = ldap_tls_peer(tls);
	bool ok = false;

	snprintf(why, len, "no certificate");
	if (store && ctx && peer &&
	    X509_STORE_CTX_init(ctx, store, peer, ldap_tls_peer_chain(tls)) == 1 &&
	    X509_VERIFY_PARAM_set1_host(X509_STORE_CTX_get0_param(ctx),
					r->host, 0) == 1) {
		ok = X509_verify_cert(ctx) == 1;
		if (!ok)
			snprintf(why, len, "%s", X509_verify_cert_error_string(
				X509_STORE_CTX_get_error(ctx)));
	}
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	ERR_clear_error();
	return ok;
}

/*
 * TLS on the connected socket (blocking, with timeouts: a handshake that
 * would wait longer has timed out); the DC's certificate goes to the
 * daemon, and must validate before anything else is sent.
 */
static struct ldap_tls *ldaps_handshake(const struct ca_fetch_req *r, int fd)
{
	struct ldap_tls *tls = ldap_tls_new(fd, r->host);
	STACK_OF(X509) *chain;
	uint32_t events = 0;
	char why[160];
	int ret;

	if (!tls)
		ca_fetch_fail(r, NULL, "cannot set up TLS to %s", r->host);
	ret = ldap_tls_handshake(tls, &events, why, sizeof(why));
	if (ret == -EAGAIN)
		snprintf(why, sizeof(why), "TLS handshake timed out");
	if (ret < 0)
		ca_fetch_fail(r, "transport_failed", "LDAPS to %s port %u: %s",
			      r->host, r->port, why);
	if (ldap_tls_peer(tls))
		ca_fetch_put_cert("dc", ldap_tls_peer(tls));
	chain = ldap_tls_peer_chain(tls);
	for (int i = 0; i < sk_X509_num(chain) && i < CA_ANSWER_CHAIN_MAX; i++)
		ca_fetch_put_cert("chain", sk_X509_value(chain, i));
	if (!dc_certificate_valid(r, tls, why, sizeof(why)))
		ca_fetch_fail(r, "transport_failed",
			      "LDAPS certificate of %s does not validate (%s)",
			      r->host, why);
	return tls;
}

/* Only over LDAPS that validated: the password is zeroed once sent. */
static void simple_bind(LDAP *ld, struct ca_fetch_req *r)
{
	struct berval cred = { .bv_len = r->password_len, .bv_val = r->password };
	char *diag = NULL;
	int rc;

	rc = ldap_sasl_bind_s(ld, r->user, LDAP_SASL_SIMPLE, &cred, NULL, NULL,
			      NULL);
	secret_zero(r->password, r->password_len);
	r->password = NULL;
	if (rc == LDAP_SUCCESS)
		return;
	ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
	if (rc == LDAP_STRONG_AUTH_REQUIRED || rc == LDAP_CONFIDENTIALITY_REQUIRED)
		ca_fetch_fail(r, "bind_refused",
			      "LDAP server %s refuses a simple bind over LDAPS (%s)",
			      r->host, ldap_err2string(rc));
	/* No answer, or a busy server: not the credentials' fault. */
	ca_fetch_fail(r, rc < 0 || rc == LDAP_BUSY || rc == LDAP_UNAVAILABLE ||
		      rc == LDAP_PROTOCOL_ERROR ? "transport_failed" : "bind_refused",
		      "LDAP bind as %s to %s %s: %s%s%s", r->user, r->host,
		      rc < 0 ? "failed" : "refused", ldap_err2string(rc),
		      diag && *diag ? ": " : "", diag && *diag ? diag : "");
}

static LDAP *dc_connect(const struct ca_fetch_req *r, struct ldap_tls **tls)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)r->port) };
	struct timeval tv = { CA_FETCH_STEP_TIMEOUT_S, 0 };
	char url[300];
	LDAP *ld = NULL;
	int fd, v3 = LDAP_VERSION3, rc;

	if (inet_pton(AF_INET, r->addr, &to.sin_addr) != 1)
		ca_fetch_fail(r, NULL, "bad DC address %s", r->addr);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		ca_fetch_fail(r, NULL, "cannot open a socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0)
		ca_fetch_fail(r, "transport_failed", "cannot connect to LDAP server %s port %u: %s",
		     r->host, r->port, strerror(errno));
	if (r->mode == CA_FETCH_LDAPS)
		*tls = ldaps_handshake(r, fd);
	snprintf(url, sizeof(url), "%s://%s:%u", *tls ? "ldaps" : "ldap",
		 r->host, r->port);
	rc = ldap_init_fd(fd, LDAP_PROTO_TCP, url, &ld);
	if (rc != LDAP_SUCCESS)
		ca_fetch_fail(r, NULL, "cannot set up LDAP to %s: %s", r->host,
		     ldap_err2string(rc));
	/* libldap reads and writes through TLS from here on. */
	if (*tls && ldap_tls_install(*tls, ld) < 0)
		ca_fetch_fail(r, NULL, "cannot set up LDAPS to %s", r->host);
	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
	ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	ldap_set_option(ld, LDAP_OPT_TIMEOUT, &tv);
	ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &tv);
	/* The service principal is ldap/<host> as named, never a PTR answer. */
	ldap_set_option(ld, LDAP_OPT_X_SASL_NOCANON, LDAP_OPT_ON);
	return ld;
}

static LDAPMessage *search(LDAP *ld, const struct ca_fetch_req *r, const char *base,
			   int scope, const char *filter, const char *const *attrs)
{
	struct timeval tv = { CA_FETCH_STEP_TIMEOUT_S, 0 };
	LDAPMessage *res = NULL;
	int rc = ldap_search_ext_s(ld, base, scope, filter, (char **)attrs, 0,
				   NULL, NULL, &tv, LDAP_ENTRIES_MAX, &res);

	if (rc != LDAP_SUCCESS && rc != LDAP_NO_SUCH_OBJECT &&
	    rc != LDAP_SIZELIMIT_EXCEEDED) {
		ldap_msgfree(res);
		ca_fetch_fail(r, NULL, "LDAP search %s under '%s' on %s failed: %s", filter,
		     base, r->host, ldap_err2string(rc));
	}
	return res;
}

static bool first_value(LDAP *ld, LDAPMessage *res, const char *attr,
			char *out, size_t cap)
{
	bool ok = false;

	for (LDAPMessage *e = ldap_first_entry(ld, res); e && !ok;
	     e = ldap_next_entry(ld, e)) {
		struct berval **v = ldap_get_values_len(ld, e, attr);

		for (int i = 0; v && v[i] && !ok; i++)
			if (v[i]->bv_len && v[i]->bv_len < cap &&
			    !memchr(v[i]->bv_val, '\0', v[i]->bv_len)) {
				memcpy(out, v[i]->bv_val, v[i]->bv_len);
				out[v[i]->bv_len] = '\0';
				ok = true;
			}
		ldap_value_free_len(v);
	}
	return ok;
}

/* The roots; the number of values that were no root. */
static unsigned int take_roots(LDAP *ld, LDAPMessage *res, STACK_OF(X509) *roots)
{
	unsigned int rejected = 0;

	for (LDAPMessage *e = ldap_first_entry(ld, res); e;
	     e = ldap_next_entry(ld, e)) {
		BerElement *ber = NULL;

		for (char *a = ldap_first_attribute(ld, e, &ber); a;
		     a = ldap_next_attribute(ld, e, ber)) {
			/* Samba: cACertificate; slapd: cACertificate;binary. */
			if (!strncasecmp(a, "cACertificate", 13) &&
			    (a[13] == '\0' || a[13] == ';')) {
				struct berval **v = ldap_get_values_len(ld, e, a);

				for (int i = 0; v && v[i]; i++)
					if (ca_parse_ldap_value(v[i]->bv_val,
								v[i]->bv_len, roots) <= 0)
						rejected++;
				ldap_value_free_len(v);
			}
			ldap_memfree(a);
		}
		ber_free(ber, 0);
	}
	return rejected;
}

static bool is_host_name(const char *s)
{
	size_t n = strlen(s);

	return n && n <= 253 && s[0] != '.' && s[0] != '-' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789.-") == n;
}


void ca_fetch_ldap(struct ca_fetch_req *r, STACK_OF(X509) *roots)
{
	static const char *const nc_attrs[] = { "configurationNamingContext", NULL };
	static const char *const ca_attrs[] = { "cACertificate",
						"cACertificate;binary", NULL };
	static const char *const es_attrs[] = { "dNSHostName", NULL };
	/* The verified-LDAPS lookup tells "no root here" from other failures. */
	const char *no_root = r->mode == CA_FETCH_LDAPS ? "no_root" : NULL;
	char nc[512], base[600], host[256];
	struct ldap_tls *tls = NULL;
	unsigned int rejected;
	LDAPMessage *res;
	LDAP *ld;

	ld = dc_connect(r, &tls);
	if (tls)
		simple_bind(ld, r);
	else
		sasl_bind(ld, r);
	res = search(ld, r, "", LDAP_SCOPE_BASE, "(objectClass=*)", nc_attrs);
	if (!first_value(ld, res, "configurationNamingContext", nc, sizeof(nc)))
		ca_fetch_fail(r, no_root, "rootDSE of %s has no configurationNamingContext", r->host);
	ldap_msgfree(res);
	snprintf(base, sizeof(base), CA_CONTAINER "%s", nc);
	res = search(ld, r, base, LDAP_SCOPE_SUBTREE,
		     "(objectCategory=certificationAuthority)", ca_attrs);
	rejected = take_roots(ld, res, roots);
	ldap_msgfree(res);
	printf("how=%s\n", ca_fetch_how(r));
	if (rejected)
		printf("rejected=%u\n", rejected > 9999 ? 9999 : rejected);
	if (sk_X509_num(roots)) {
		for (int i = 0; i < sk_X509_num(roots); i++)
			ca_fetch_put_cert("root", sk_X509_value(roots, i));
	} else {
		res = search(ld, r, nc, LDAP_SCOPE_SUBTREE,
			     "(objectCategory=pKIEnrollmentService)", es_attrs);
		if (!first_value(ld, res, "dNSHostName", host, sizeof(host)) ||
		    !is_host_name(host))
			ca_fetch_fail(r, no_root, "no root CA in the directory of %s: no cACertificate under %s and no pKIEnrollmentService with a dNSHostName",
				      r->host, nc);
		ldap_msgfree(res);
		printf("enrollment=%s\n", host);
	}
	ldap_unbind_ext(ld, NULL, NULL);
	ldap_tls_free(tls);
}
