// SPDX-License-Identifier: GPL-2.0-only
/*
 * ucphone-ca-fetch: one root-CA lookup in the directory of one domain
 * controller, as a short-lived helper of ucphoned (ca_ldap.c starts it).
 * It authenticates with Kerberos so that the user's password never leaves
 * the phone in a revealing form and the DC proves who it is:
 *
 *   password -> AS exchange with the DC's KDC (krb5_get_init_creds_password,
 *   pre-authenticated: only a timestamp encrypted with the password's key
 *   goes out) -> TGT in a MEMORY ccache of this process -> LDAP SASL GSSAPI
 *   bind to ldap/<dc> (mutual authentication; integrity and confidentiality
 *   layer on the LDAP traffic) -> rootDSE, cACertificate, pKIEnrollmentService.
 *
 * Why a separate process: the KDC exchange and libldap's SASL bind block,
 * and the daemon's loop must not; the credential-using code and libldap's
 * TLS stack stay out of the long-running daemon.
 *
 * stdin (closed by the daemon after writing), one key=value a line:
 *   host= the DC's name (the service principal is ldap/<host>)
 *   addr= its IPv4 address (KDC and LDAP; no DNS in here)
 *   port= LDAP port        realm= Kerberos realm
 *   principal= user@REALM  password= (the last line)
 * stdout: how=kerberos, then enrollment=<dNSHostName> or the root CAs as
 * PEM; on failure error=<text>, and bind_refused=1 (the KDC refused the
 * credentials) or transport_failed=1 (no Kerberos or no LDAP answer: the
 * daemon may try another way). Exit 0 on success.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <krb5.h>
#include <lber.h>
#include <ldap.h>
#include <openldap.h>
#include <sasl/sasl.h>
#include <openssl/pem.h>

#include "lib/pki/ca_bundle.h"
#include "lib/util/secret.h"

#define INPUT_MAX 4096
#define STEP_TIMEOUT_S 5
#define CA_CONTAINER "CN=Certification Authorities,CN=Public Key Services,CN=Services,"
#define LDAP_ENTRIES_MAX 32
#define CCACHE "MEMORY:ucphone-ca-fetch"

struct request {
	char host[256], addr[INET_ADDRSTRLEN], realm[256], principal[512];
	unsigned int port;
	char *password;		/* into the input buffer */
};

__attribute__((noreturn, format(printf, 2, 3)))
static void fail(const char *kind, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	/* One line: the daemon shows it as it is. */
	for (char *p = text; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	printf("how=kerberos\nerror=%s\n%s%s", text, kind ? kind : "",
	       kind ? "=1\n" : "");
	fflush(stdout);
	exit(1);
}

static int read_request(char *buf, size_t cap, struct request *r)
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
			break;
		}
		if (next)
			*next++ = '\0';
		if (!strcmp(line, "host"))
			snprintf(r->host, sizeof(r->host), "%s", eq + 1);
		else if (!strcmp(line, "addr"))
			snprintf(r->addr, sizeof(r->addr), "%s", eq + 1);
		else if (!strcmp(line, "realm"))
			snprintf(r->realm, sizeof(r->realm), "%s", eq + 1);
		else if (!strcmp(line, "principal"))
			snprintf(r->principal, sizeof(r->principal), "%s", eq + 1);
		else if (!strcmp(line, "port"))
			r->port = (unsigned int)strtoul(eq + 1, NULL, 10);
	}
	if (!r->host[0] || !r->addr[0] || !r->realm[0] || !r->principal[0] ||
	    !r->password || !r->port || r->port > 65535 ||
	    strpbrk(r->host, " \t{}\"") || strpbrk(r->realm, " \t{}\"") ||
	    strpbrk(r->addr, " \t{}\""))
		return -EINVAL;
	return 0;
}

/*
 * The realm's KDC is the DC's own address, given: no DNS here, and the
 * host's /etc/krb5.conf (if any) is not the phone's network. The profile
 * lives in a memfd that KRB5_CONFIG names.
 */
static void krb5_profile(const struct request *r)
{
	char path[64];
	FILE *f;
	int fd = memfd_create("krb5.conf", MFD_CLOEXEC);

	if (fd < 0 || !(f = fdopen(fd, "w")))
		fail(NULL, "cannot set up Kerberos: %s", strerror(errno));
	fprintf(f, "[libdefaults]\n default_realm = %s\n dns_lookup_kdc = false\n"
		" dns_lookup_realm = false\n rdns = false\n"
		" dns_canonicalize_hostname = false\n udp_preference_limit = 1\n"
		" kdc_timeout = %d\n max_retries = 1\n"
		"[realms]\n %s = {\n  kdc = %s\n }\n"
		"[domain_realm]\n %s = %s\n",
		r->realm, STEP_TIMEOUT_S * 1000, r->realm, r->addr, r->host,
		r->realm);
	fflush(f);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	setenv("KRB5_CONFIG", path, 1);
	setenv("KRB5CCNAME", CCACHE, 1);
	/* f (and fd) stay open for the process's life: the path must resolve. */
}

static void kerberos_login(const struct request *r)
{
	krb5_context ctx;
	krb5_principal me = NULL;
	krb5_get_init_creds_opt *opt = NULL;
	krb5_creds creds;
	krb5_ccache cc = NULL;
	krb5_error_code ret;
	const char *msg;
	const char *kind = "transport_failed";

	memset(&creds, 0, sizeof(creds));
	if (krb5_init_context(&ctx))
		fail(NULL, "cannot set up Kerberos");
	ret = krb5_parse_name(ctx, r->principal, &me);
	if (!ret)
		ret = krb5_get_init_creds_opt_alloc(ctx, &opt);
	if (!ret) {
		krb5_get_init_creds_opt_set_forwardable(opt, 0);
		krb5_get_init_creds_opt_set_proxiable(opt, 0);
		ret = krb5_get_init_creds_password(ctx, &creds, me, r->password,
						   NULL, NULL, 0, NULL, opt);
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
		msg = krb5_get_error_message(ctx, ret);
		fail(kind, "Kerberos sign-in as %s at %s (KDC %s) failed: %s",
		     r->principal, r->realm, r->addr, msg);
	}
	krb5_free_cred_contents(ctx, &creds);
	krb5_get_init_creds_opt_free(ctx, opt);
	krb5_cc_close(ctx, cc);
	krb5_free_principal(ctx, me);
	krb5_free_context(ctx);
}

static int interact(LDAP *ld, unsigned int flags, void *defaults, void *in)
{
	sasl_interact_t *i = in;

	(void)ld;
	(void)flags;
	(void)defaults;
	for (; i->id != SASL_CB_LIST_END; i++) {
		i->result = "";		/* authorization id: the principal's own */
		i->len = 0;
	}
	return LDAP_SUCCESS;
}

static LDAP *dc_connect(const struct request *r)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)r->port) };
	struct timeval tv = { STEP_TIMEOUT_S, 0 };
	char url[300];
	LDAP *ld = NULL;
	int fd, v3 = LDAP_VERSION3, rc;

	if (inet_pton(AF_INET, r->addr, &to.sin_addr) != 1)
		fail(NULL, "bad DC address %s", r->addr);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fail(NULL, "cannot open a socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0)
		fail("transport_failed", "cannot connect to LDAP server %s port %u: %s",
		     r->host, r->port, strerror(errno));
	snprintf(url, sizeof(url), "ldap://%s:%u", r->host, r->port);
	rc = ldap_init_fd(fd, LDAP_PROTO_TCP, url, &ld);
	if (rc != LDAP_SUCCESS)
		fail(NULL, "cannot set up LDAP to %s: %s", r->host,
		     ldap_err2string(rc));
	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
	ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	ldap_set_option(ld, LDAP_OPT_TIMEOUT, &tv);
	ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &tv);
	/* The service principal is ldap/<host> as named, never a PTR answer. */
	ldap_set_option(ld, LDAP_OPT_X_SASL_NOCANON, LDAP_OPT_ON);
	/* Integrity and confidentiality on every LDAP message after the bind. */
	ldap_set_option(ld, LDAP_OPT_X_SASL_SECPROPS, "minssf=56,noplain,noanonymous");
	return ld;
}

static void gssapi_bind(LDAP *ld, const struct request *r)
{
	int rc = ldap_sasl_interactive_bind_s(ld, NULL, "GSSAPI", NULL, NULL,
					      LDAP_SASL_QUIET, interact, NULL);
	char *diag = NULL;

	if (rc == LDAP_SUCCESS)
		return;
	ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
	fail(rc == LDAP_INVALID_CREDENTIALS ? "bind_refused" : "transport_failed",
	     "LDAP SASL GSSAPI bind to %s as %s failed: %s%s%s", r->host,
	     r->principal, ldap_err2string(rc), diag ? ": " : "",
	     diag ? diag : "");
}

static LDAPMessage *search(LDAP *ld, const struct request *r, const char *base,
			   int scope, const char *filter, const char *const *attrs)
{
	struct timeval tv = { STEP_TIMEOUT_S, 0 };
	LDAPMessage *res = NULL;
	int rc = ldap_search_ext_s(ld, base, scope, filter, (char **)attrs, 0,
				   NULL, NULL, &tv, LDAP_ENTRIES_MAX, &res);

	if (rc != LDAP_SUCCESS && rc != LDAP_NO_SUCH_OBJECT &&
	    rc != LDAP_SIZELIMIT_EXCEEDED) {
		ldap_msgfree(res);
		fail(NULL, "LDAP search %s under '%s' on %s failed: %s", filter,
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

static void take_roots(LDAP *ld, LDAPMessage *res, STACK_OF(X509) *roots)
{
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
					ca_parse_ldap_value(v[i]->bv_val,
							    v[i]->bv_len, roots);
				ldap_value_free_len(v);
			}
			ldap_memfree(a);
		}
		ber_free(ber, 0);
	}
}

static bool is_host_name(const char *s)
{
	size_t n = strlen(s);

	return n && n <= 253 && s[0] != '.' && s[0] != '-' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789.-") == n;
}

int main(void)
{
	static const char *const nc_attrs[] = { "configurationNamingContext", NULL };
	static const char *const ca_attrs[] = { "cACertificate",
						"cACertificate;binary", NULL };
	static const char *const es_attrs[] = { "dNSHostName", NULL };
	char *buf = malloc(INPUT_MAX), nc[512], base[600], host[256];
	STACK_OF(X509) *roots = sk_X509_new_null();
	struct request r;
	LDAPMessage *res;
	LDAP *ld;

	if (!buf || !roots)
		fail(NULL, "out of memory");
	/*
	 * libldap's set-up looks this host's own name up with the blocking
	 * resolver (for SASL); the host's name servers may be unreachable
	 * from the phone's network: give up on them fast.
	 */
	setenv("RES_OPTIONS", "timeout:1 attempts:1", 1);
	mlock(buf, INPUT_MAX);
	if (read_request(buf, INPUT_MAX, &r) < 0)
		fail(NULL, "malformed request from the daemon");
	krb5_profile(&r);
	kerberos_login(&r);
	/* The password has done its job: only the ticket is used from here. */
	secret_zero(buf, INPUT_MAX);
	free(buf);

	ld = dc_connect(&r);
	gssapi_bind(ld, &r);
	res = search(ld, &r, "", LDAP_SCOPE_BASE, "(objectClass=*)", nc_attrs);
	if (!first_value(ld, res, "configurationNamingContext", nc, sizeof(nc)))
		fail(NULL, "rootDSE of %s has no configurationNamingContext", r.host);
	ldap_msgfree(res);
	snprintf(base, sizeof(base), CA_CONTAINER "%s", nc);
	res = search(ld, &r, base, LDAP_SCOPE_SUBTREE,
		     "(objectCategory=certificationAuthority)", ca_attrs);
	take_roots(ld, res, roots);
	ldap_msgfree(res);
	printf("how=kerberos\n");
	if (sk_X509_num(roots)) {
		for (int i = 0; i < sk_X509_num(roots); i++)
			PEM_write_X509(stdout, sk_X509_value(roots, i));
	} else {
		res = search(ld, &r, nc, LDAP_SCOPE_SUBTREE,
			     "(objectCategory=pKIEnrollmentService)", es_attrs);
		if (!first_value(ld, res, "dNSHostName", host, sizeof(host)) ||
		    !is_host_name(host))
			fail(NULL, "no root CA in the directory of %s: no cACertificate under %s and no pKIEnrollmentService with a dNSHostName",
			     r.host, nc);
		ldap_msgfree(res);
		printf("enrollment=%s\n", host);
	}
	ldap_unbind_ext(ld, NULL, NULL);
	sk_X509_pop_free(roots, X509_free);
	return fflush(stdout) ? 1 : 0;
}
