// SPDX-License-Identifier: GPL-2.0-only
/*
 * ucphone-ca-fetch: one step of root-CA discovery against one domain
 * controller, as a short-lived helper of ucphoned (ca_fetch_run.c starts
 * it), so that the code that uses the user's password (the KDC exchange,
 * NTLM, libldap's SASL and libcurl's HTTP authentication) never runs in
 * the long-running daemon:
 *
 *   password -> AS exchange with the DC's KDC (krb5_get_init_creds_password,
 *   pre-authenticated: only a timestamp encrypted with the password's key
 *   goes out) -> TGT in a MEMORY ccache of this process, the password
 *   zeroed -> then one of
 *     mode=ldap     LDAP SASL GSSAPI bind to ldap/<dc> (mutual
 *                   authentication, sealed) -> rootDSE, cACertificate,
 *                   pKIEnrollmentService (ca_fetch_ldap.c);
 *     mode=certsrv  GET http://<web>/certsrv/certnew.p7b with HTTP
 *                   Negotiate (Kerberos, HTTP/<web>) (ca_fetch_certsrv.c).
 *   Only when no KDC answers at all: NTLM instead (LDAP SASL GSS-SPNEGO
 *   with a gss-ntlmssp credential; HTTP NTLM). Never HTTP Basic.
 *   mode=ldaps: no Kerberos; LDAPS to the DC, and a simple bind only when
 *   its certificate validates for its name against the roots the phone
 *   already trusts (the learned ones the daemon sends, the public bundle):
 *   the password goes only to a server that proved who it is.
 *
 * stdin (closed by the daemon after writing), one key=value a line:
 *   mode= ldap | certsrv
 *   host= the DC's name (the service principal is ldap/<host>)
 *   addr= its IPv4 address (KDC and LDAP; no DNS in here)
 *   port= LDAP port        realm= Kerberos realm
 *   principal= user@REALM  user= the NTLM name (CORP\alice, alice@corp.test)
 *   web= webaddr= the enrollment host and its address (certsrv)
 *   bundle= trust=<base64 DER> (repeated): the roots LDAPS must chain to
 *   password= (the last line)
 * stdout, as lib/pki/ca_answer.h reads it: how=kerberos|ntlm|ldaps|none,
 * then enrollment=<dNSHostName> or root=<base64 DER> lines (LDAPS: also
 * the DC's dc= and chain= certificates); on failure error=<text>, and
 * bind_refused=1 (the credentials were refused), transport_failed=1 (no
 * answer: the daemon may try another way) or no_root=1. Exit 0 on success.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <krb5.h>
#include "lib/pki/ca_answer.h"
#include "lib/util/secret.h"
#include "trust/ca_fetch.h"

/* The fixed fields, the learned roots (base64 DER) and the password. */
#define INPUT_MAX (128 * 1024)
#define CCACHE "MEMORY:ucphone-ca-fetch"

static const char *const how_names[] = { "kerberos", "ntlm", "ldaps" };

const char *ca_fetch_how(const struct ca_fetch_req *r)
{
	return how_names[r->auth];
}

void ca_fetch_fail(const struct ca_fetch_req *r, const char *kind,
		   const char *fmt, ...)
{
	char text[CA_ANSWER_ERROR_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	/* One line: the daemon shows it as it is. */
	for (char *p = text; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (r && r->password)
		secret_zero(r->password, r->password_len);
	printf("how=%s\nerror=%s\n%s%s", r ? ca_fetch_how(r) : "kerberos",
	       text, kind ? kind : "", kind ? "=1\n" : "");
	fflush(stdout);
	exit(1);
}

void ca_fetch_put_cert(const char *key, X509 *cert)
{
	char *line = ca_answer_cert_line(key, cert);

	if (line)
		fputs(line, stdout);
	free(line);
}

static void set_field(struct ca_fetch_req *r, const char *key, const char *v)
{
	static const struct {
		const char *key;
		size_t off, len;
	} fields[] = {
#define F(k, m) { k, offsetof(struct ca_fetch_req, m), sizeof(((struct ca_fetch_req *)0)->m) }
		F("host", host), F("addr", addr), F("realm", realm),
		F("principal", principal), F("user", user), F("web", web),
		F("webaddr", web_addr), F("bundle", bundle),
#undef F
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!strcmp(key, fields[i].key))
			snprintf((char *)r + fields[i].off, fields[i].len, "%s", v);
	if (!strcmp(key, "port"))
		r->port = (unsigned int)strtoul(v, NULL, 10);
	else if (!strcmp(key, "mode"))
		r->mode = !strcmp(v, "certsrv") ? CA_FETCH_CERTSRV :
			  !strcmp(v, "ldaps") ? CA_FETCH_LDAPS : CA_FETCH_LDAP;
}

static bool unsafe(const char *s)
{
	return strpbrk(s, " \t{}\"") != NULL;
}

static int read_request(char *buf, size_t cap, struct ca_fetch_req *r)
{
	size_t len = 0;
	ssize_t n;
	char *line, *next;

	while (len < cap - 1 && (n = read(0, buf + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	memset(r, 0, sizeof(*r));
	for (line = buf; line && *line; line = next) {
		char *eq = strchr(line, '=');

		next = strchr(line, '\n');
		if (!eq)
			return -EINVAL;
		*eq = '\0';
		if (!strcmp(line, "password")) {
			/* The last line, up to its end: any byte but a newline. */
			r->password = eq + 1;
			if (next)
				*next = '\0';
			r->password_len = strlen(r->password);
			break;
		}
		if (next)
			*next++ = '\0';
		if (!strcmp(line, "trust")) {
			if (r->n_trust == CA_FETCH_TRUST_MAX)
				return -E2BIG;
			r->trust[r->n_trust] = eq + 1;
			r->trust_len[r->n_trust++] = strlen(eq + 1);
			continue;
		}
		set_field(r, line, eq + 1);
	}
	/* LDAPS has no Kerberos: no realm, no principal. */
	if (r->mode != CA_FETCH_LDAPS && (!r->realm[0] || !r->principal[0]))
		return -EINVAL;
	if (!r->host[0] || !r->addr[0] ||
	    !r->password || unsafe(r->host) || unsafe(r->realm) ||
	    unsafe(r->addr) || unsafe(r->web) || unsafe(r->web_addr))
		return -EINVAL;
	if (r->mode != CA_FETCH_CERTSRV && (!r->port || r->port > 65535))
		return -EINVAL;
	if (r->mode == CA_FETCH_CERTSRV && (!r->web[0] || !r->web_addr[0]))
		return -EINVAL;
	if (r->mode == CA_FETCH_LDAPS && !r->user[0])
		return -EINVAL;		/* the bind name */
	if (!r->user[0])
		snprintf(r->user, sizeof(r->user), "%s", r->principal);
	return 0;
}

/*
 * The realm's KDC is the DC's own address, given: no DNS here, and the
 * host's /etc/krb5.conf (if any) is not the phone's network. The profile
 * lives in a memfd that KRB5_CONFIG names.
 */
static void krb5_profile(const struct ca_fetch_req *r)
{
	char path[64];
	FILE *f;
	int fd = memfd_create("krb5.conf", MFD_CLOEXEC);

	if (fd < 0 || !(f = fdopen(fd, "w")))
		ca_fetch_fail(r, NULL, "cannot set up Kerberos: %s", strerror(errno));
	fprintf(f, "[libdefaults]\n default_realm = %s\n dns_lookup_kdc = false\n"
		" dns_lookup_realm = false\n rdns = false\n"
		" dns_canonicalize_hostname = false\n udp_preference_limit = 1\n"
		" kdc_timeout = %d\n max_retries = 1\n"
		"[realms]\n %s = {\n  kdc = %s\n }\n"
		"[domain_realm]\n %s = %s\n",
		r->realm, CA_FETCH_STEP_TIMEOUT_S * 1000, r->realm, r->addr,
		r->host, r->realm);
	if (r->web[0])
		fprintf(f, " %s = %s\n", r->web, r->realm);
	fflush(f);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	setenv("KRB5_CONFIG", path, 1);
	setenv("KRB5CCNAME", CCACHE, 1);
	/* f (and fd) stay open for the process's life: the path must resolve. */
}

/* No KDC answered (as opposed to a KDC that answered with a refusal). */
static bool kdc_unreachable(krb5_error_code ret)
{
	return ret == KRB5_KDC_UNREACH || ret == KRB5_REALM_CANT_RESOLVE ||
	       ret == KRB5_REALM_UNKNOWN;
}

/* A TGT in the MEMORY ccache, or r->auth = NTLM when no KDC answers. */
static void kerberos_login(struct ca_fetch_req *r)
{
	krb5_context ctx;
	krb5_principal me = NULL;
	krb5_get_init_creds_opt *opt = NULL;
	krb5_creds creds;
	krb5_ccache cc = NULL;
	krb5_error_code ret;
	const char *kind = "transport_failed";

	memset(&creds, 0, sizeof(creds));
	if (krb5_init_context(&ctx))
		ca_fetch_fail(r, NULL, "cannot set up Kerberos");
	ret = krb5_parse_name(ctx, r->principal, &me);
	if (!ret)
		ret = krb5_get_init_creds_opt_alloc(ctx, &opt);
	if (!ret) {
		krb5_get_init_creds_opt_set_forwardable(opt, 0);
		krb5_get_init_creds_opt_set_proxiable(opt, 0);
		ret = krb5_get_init_creds_password(ctx, &creds, me, r->password,
						   NULL, NULL, 0, NULL, opt);
	}
	if (ret && kdc_unreachable(ret)) {
		r->auth = CA_FETCH_NTLM;
		goto out;
	}
	if (!ret)
		ret = krb5_cc_resolve(ctx, CCACHE, &cc);
	if (!ret)
		ret = krb5_cc_initialize(ctx, cc, me);
	if (!ret)
		ret = krb5_cc_store_cred(ctx, cc, &creds);
	if (ret) {
		if (ret == KRB5KDC_ERR_PREAUTH_FAILED ||
		    ret == KRB5KRB_AP_ERR_BAD_INTEGRITY ||
		    ret == KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN ||
		    ret == KRB5KDC_ERR_CLIENT_REVOKED ||
		    ret == KRB5KDC_ERR_KEY_EXP)
			kind = "bind_refused";
		ca_fetch_fail(r, kind, "Kerberos sign-in as %s at %s (KDC %s) failed: %s",
			      r->principal, r->realm, r->addr,
			      krb5_get_error_message(ctx, ret));
	}
	r->auth = CA_FETCH_KERBEROS;
out:
	krb5_free_cred_contents(ctx, &creds);
	krb5_get_init_creds_opt_free(ctx, opt);
	if (cc)
		krb5_cc_close(ctx, cc);
	krb5_free_principal(ctx, me);
	krb5_free_context(ctx);
}

int main(void)
{
	char *buf = malloc(INPUT_MAX);
	STACK_OF(X509) *roots = sk_X509_new_null();
	struct ca_fetch_req r;

	if (!buf || !roots)
		ca_fetch_fail(NULL, NULL, "out of memory");
	/*
	 * libldap's set-up looks this host's own name up with the blocking
	 * resolver (for SASL); the host's name servers may be unreachable
	 * from the phone's network: give up on them fast.
	 */
	setenv("RES_OPTIONS", "timeout:1 attempts:1", 1);
	mlock(buf, INPUT_MAX);
	if (read_request(buf, INPUT_MAX, &r) < 0) {
		secret_zero(buf, INPUT_MAX);
		ca_fetch_fail(NULL, NULL, "malformed request from the daemon");
	}
	if (r.mode == CA_FETCH_LDAPS) {
		r.auth = CA_FETCH_SIMPLE;
	} else {
		krb5_profile(&r);
		kerberos_login(&r);
	}
	/* With a ticket the password has done its job: only the ticket is used. */
	if (r.auth == CA_FETCH_KERBEROS) {
		secret_zero(r.password, r.password_len);
		r.password = NULL;
	}
	if (r.mode == CA_FETCH_CERTSRV)
		ca_fetch_certsrv(&r, roots);
	else
		ca_fetch_ldap(&r, roots);
	secret_zero(buf, INPUT_MAX);
	free(buf);
	sk_X509_pop_free(roots, X509_free);
	return fflush(stdout) ? 1 : 0;
}
