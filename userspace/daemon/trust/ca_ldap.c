// SPDX-License-Identifier: GPL-2.0-only
/*
 * The password is sent here only over LDAPS whose certificate validates
 * against the roots the phone already has (req.verify_store: public ones
 * or a root learned before); the first lookup, with Kerberos, runs in the
 * ucphone-ca-fetch helper (trust/ca_fetch_run.c). The history of the
 * unverified design follows.
 *
 * Why LDAPS first, unverified, then plain ldap://, both with a simple bind:
 * the phone is looking for the very root that would let it check the DC's
 * certificate, so TLS here cannot be verified before the bind. Unverified
 * TLS still keeps the password from anyone who only listens on the wire,
 * and once a root is learned the DC's certificate is checked against it
 * and the verdict shown (trust.c); it cannot stop whoever answers
 * _ldap._tcp from impersonating the DC, and nothing before the root can.
 * A DC without LDAPS (port 636 closed, handshake refused) gets the plain
 * bind, which AD refuses with strongAuthRequired when it demands
 * protection: reported as such. StartTLS is not used: LDAPS gives the same
 * protection with one round trip less. The handshake is our own
 * non-blocking one (ldap_tls.c): libldap's (ldap_install_tls) polls on its
 * own up to the network timeout, which would stall the daemon's one loop.
 *
 * Why our own non-blocking connect() and ldap_init_fd(): libldap would
 * otherwise connect (and resolve, with the host's resolv.conf instead of
 * the lease's DNS) synchronously. With the socket ours, every request is
 * sent with ldap_sasl_bind()/ldap_search_ext() (a few hundred bytes into an
 * empty socket buffer: the write never waits) and every answer is collected
 * with ldap_result() and a zero timeout when the socket is readable;
 * libldap keeps a half-read message across calls (EWOULDBLOCK on the
 * non-blocking socket). Referral chasing is off: it would open blocking
 * connections to other servers. One timer bounds each step (connect, TLS,
 * bind, each search), re-armed as a step begins: a DC that stalls is given
 * up after timeout_usec as before, but one that keeps answering slowly (a
 * TLS handshake and bind on an emulated CPU take most of 8 s) is not cut
 * off in the middle of a sign-in that is making progress.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <lber.h>
#include <ldap.h>
#include <openldap.h>

#include "lib/pki/ca_bundle.h"
#include "lib/util/secret.h"
#include "trust/ca_ldap.h"
#include "trust/ldap_tls.h"

#define SUBSYS "trust"
#define CA_CONTAINER "CN=Certification Authorities,CN=Public Key Services,CN=Services,"
/* Enough for any answer we ask for; a hostile DC cannot make us buffer more. */
#define LDAP_MESSAGE_MAX (1024 * 1024)
#define LDAP_ENTRIES_MAX 32

enum ldap_step {
	STEP_CONNECT,
	STEP_TLS,
	STEP_BIND,
	STEP_ROOTDSE,
	STEP_CA,
	STEP_ENROLLMENT,
};

static const char *const step_names[] = { "connect", "TLS handshake",
	"bind", "rootDSE",
	"certificationAuthority search", "pKIEnrollmentService search" };

struct ca_ldap {
	sd_event *event;
	const struct log *log;
	struct ca_ldap_request req;
	char bind_dn[512];
	char *password;
	size_t password_len;
	ca_ldap_done_cb cb;
	void *ctx;

	int fd;			/* ours until ldap_init_fd() takes it */
	struct ldap_tls *tls;	/* LDAPS */
	LDAP *ld;
	sd_event_source *io, *timer;
	enum ldap_step step;
	int msgid;
	char config_nc[512];
	struct ca_ldap_result result;
};

static void drop_password(struct ca_ldap *l)
{
	secret_zero_free(l->password, l->password_len);
	l->password = NULL;
	l->password_len = 0;
}

static void close_connection(struct ca_ldap *l)
{
	l->io = sd_event_source_disable_unref(l->io);
	l->timer = sd_event_source_disable_unref(l->timer);
	if (l->ld) {
		/* Sends the unbind (a few bytes) and closes the socket. */
		ldap_unbind_ext(l->ld, NULL, NULL);
		l->ld = NULL;
	}
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	ldap_tls_free(l->tls);
	l->tls = NULL;
	drop_password(l);
}

/* Ends the lookup: the callback is the last thing that touches l. */
static void finish(struct ca_ldap *l, int status)
{
	l->result.status = status;
	/* Nothing came back over LDAP: the caller may try another way. */
	l->result.transport_failed |= status < 0 && l->step <= STEP_BIND &&
				      !l->result.bind_refused;
	if (l->tls && ldap_tls_peer(l->tls) && X509_up_ref(ldap_tls_peer(l->tls))) {
		l->result.dc_cert = ldap_tls_peer(l->tls);
		l->result.dc_chain = X509_chain_up_ref(ldap_tls_peer_chain(l->tls));
	}
	close_connection(l);
	l->cb(l->ctx, &l->result);
}

__attribute__((format(printf, 3, 4)))
static void fail(struct ca_ldap *l, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->result.error, sizeof(l->result.error), fmt, ap);
	va_end(ap);
	finish(l, status);
}

static void enter_step(struct ca_ldap *l, enum ldap_step step)
{
	l->step = step;
	if (l->timer)
		sd_event_source_set_time_relative(l->timer, l->req.timeout_usec);
}

static int send_search(struct ca_ldap *l, enum ldap_step step, const char *base,
		       int scope, const char *filter, const char *const *attrs)
{
	int rc;

	enter_step(l, step);
	rc = ldap_search_ext(l->ld, base, scope, filter, (char **)attrs, 0,
			     NULL, NULL, NULL, LDAP_ENTRIES_MAX, &l->msgid);
	if (rc != LDAP_SUCCESS) {
		fail(l, -EIO, "LDAP %s on %s cannot be sent: %s",
		     step_names[step], l->req.host, ldap_err2string(rc));
		return -EIO;
	}
	return 0;
}

/* The result code of a finished operation, with the server's text. */
static int result_code(struct ca_ldap *l, LDAPMessage *res, char *diag_out,
		       size_t diag_len)
{
	char *diag = NULL;
	int err = LDAP_OTHER;

	diag_out[0] = '\0';
	if (ldap_parse_result(l->ld, res, &err, NULL, &diag, NULL, NULL, 0) !=
	    LDAP_SUCCESS)
		return LDAP_PROTOCOL_ERROR;
	if (diag) {
		snprintf(diag_out, diag_len, "%s", diag);
		ldap_memfree(diag);
	}
	return err;
}

static void on_bind(struct ca_ldap *l, LDAPMessage *res)
{
	static const char *const attrs[] = { "configurationNamingContext", NULL };
	char diag[160];
	int err = result_code(l, res, diag, sizeof(diag));

	if (err == LDAP_STRONG_AUTH_REQUIRED ||
	    err == LDAP_CONFIDENTIALITY_REQUIRED) {
		l->result.bind_refused = true;
		fail(l, -EPROTONOSUPPORT,
		     "LDAP server %s demands TLS or signing for a simple bind; the phone binds without TLS (%s)",
		     l->req.host, ldap_err2string(err));
		return;
	}
	if (err != LDAP_SUCCESS) {
		/* Invalid credentials and the like: retrying cannot help. */
		l->result.bind_refused = err != LDAP_BUSY &&
					 err != LDAP_UNAVAILABLE &&
					 err != LDAP_PROTOCOL_ERROR;
		fail(l, -EACCES, "LDAP bind as %s to %s refused: %s%s%s",
		     l->bind_dn, l->req.host, ldap_err2string(err),
		     diag[0] ? ": " : "", diag);
		return;
	}
	log_debug(l->log, SUBSYS, "LDAP bind accepted",
		  LOG_STR("dc", l->req.host), LOG_STR("user", l->bind_dn));
	send_search(l, STEP_ROOTDSE, "", LDAP_SCOPE_BASE, "(objectClass=*)",
		    attrs);
}

/* Copies the first value of attr in the first entry; false if none fits. */
static bool first_value(struct ca_ldap *l, LDAPMessage *res, const char *attr,
			char *out, size_t out_len)
{
	LDAPMessage *e;
	struct berval **vals;
	bool ok = false;
	int i;

	for (e = ldap_first_entry(l->ld, res); e && !ok;
	     e = ldap_next_entry(l->ld, e)) {
		vals = ldap_get_values_len(l->ld, e, attr);
		for (i = 0; vals && vals[i] && !ok; i++) {
			if (!vals[i]->bv_len || vals[i]->bv_len >= out_len ||
			    memchr(vals[i]->bv_val, '\0', vals[i]->bv_len))
				continue;
			memcpy(out, vals[i]->bv_val, vals[i]->bv_len);
			out[vals[i]->bv_len] = '\0';
			ok = true;
		}
		ldap_value_free_len(vals);
	}
	return ok;
}

static void on_rootdse(struct ca_ldap *l, LDAPMessage *res)
{
	static const char *const attrs[] = { "cACertificate",
					     "cACertificate;binary", NULL };
	char base[sizeof(CA_CONTAINER) + sizeof(l->config_nc)];
	char diag[160];
	int err = result_code(l, res, diag, sizeof(diag));

	if (err != LDAP_SUCCESS ||
	    !first_value(l, res, "configurationNamingContext", l->config_nc,
			 sizeof(l->config_nc))) {
		fail(l, -ENOENT, "rootDSE of %s has no configurationNamingContext (%s)",
		     l->req.host, ldap_err2string(err));
		return;
	}
	snprintf(base, sizeof(base), CA_CONTAINER "%s", l->config_nc);
	send_search(l, STEP_CA, base, LDAP_SCOPE_SUBTREE,
		    "(objectCategory=certificationAuthority)", attrs);
}

/* Samba answers "cACertificate", slapd "cACertificate;binary". */
static bool is_ca_attribute(const char *name)
{
	static const char ca[] = "cACertificate";

	return !strncasecmp(name, ca, sizeof(ca) - 1) &&
	       (name[sizeof(ca) - 1] == '\0' || name[sizeof(ca) - 1] == ';');
}

static void take_certificates(struct ca_ldap *l, LDAPMessage *e)
{
	BerElement *ber = NULL;
	struct berval **vals;
	char *attr;
	int i;

	for (attr = ldap_first_attribute(l->ld, e, &ber); attr;
	     attr = ldap_next_attribute(l->ld, e, ber)) {
		if (is_ca_attribute(attr)) {
			vals = ldap_get_values_len(l->ld, e, attr);
			for (i = 0; vals && vals[i]; i++)
				if (ca_parse_ldap_value(vals[i]->bv_val,
							vals[i]->bv_len,
							l->result.roots) <= 0)
					l->result.rejected_values++;
			ldap_value_free_len(vals);
		}
		ldap_memfree(attr);
	}
	ber_free(ber, 0);
}

static void on_ca(struct ca_ldap *l, LDAPMessage *res)
{
	static const char *const attrs[] = { "dNSHostName", NULL };
	LDAPMessage *e;
	char diag[160];
	int err = result_code(l, res, diag, sizeof(diag));

	for (e = ldap_first_entry(l->ld, res); e; e = ldap_next_entry(l->ld, e))
		take_certificates(l, e);
	if (err != LDAP_SUCCESS && err != LDAP_NO_SUCH_OBJECT &&
	    err != LDAP_SIZELIMIT_EXCEEDED)
		log_warning(l->log, SUBSYS, "certificationAuthority search failed; trying the enrollment service",
			    LOG_STR("dc", l->req.host),
			    LOG_STR("error", ldap_err2string(err)));
	if (l->result.rejected_values)
		log_warning(l->log, SUBSYS, "cACertificate values that are no root CA ignored",
			    LOG_STR("dc", l->req.host),
			    LOG_UINT("count", l->result.rejected_values));
	if (sk_X509_num(l->result.roots)) {
		finish(l, 0);
		return;
	}
	send_search(l, STEP_ENROLLMENT, l->config_nc, LDAP_SCOPE_SUBTREE,
		    "(objectCategory=pKIEnrollmentService)", attrs);
}

static bool is_host_name(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 253 || s[0] == '.' || s[0] == '-')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz"
			 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == n;
}

static void on_enrollment(struct ca_ldap *l, LDAPMessage *res)
{
	char diag[160];
	int err = result_code(l, res, diag, sizeof(diag));

	if (first_value(l, res, "dNSHostName", l->result.enrollment_host,
			sizeof(l->result.enrollment_host)) &&
	    is_host_name(l->result.enrollment_host)) {
		finish(l, 0);
		return;
	}
	l->result.enrollment_host[0] = '\0';
	fail(l, -ENOENT,
	     "no root CA in the directory of %s: no cACertificate under %s and no pKIEnrollmentService with a dNSHostName (%s)",
	     l->req.host, l->config_nc, ldap_err2string(err));
}

static void on_readable(struct ca_ldap *l)
{
	struct timeval zero = { 0, 0 };
	LDAPMessage *res = NULL;
	int rc, err = LDAP_SERVER_DOWN;

	rc = ldap_result(l->ld, l->msgid, LDAP_MSG_ALL, &zero, &res);
	if (rc == 0)
		return;		/* a partial answer: libldap keeps it */
	if (rc < 0) {
		ldap_get_option(l->ld, LDAP_OPT_RESULT_CODE, &err);
		fail(l, -ECONNRESET, "LDAP connection to %s lost during the %s: %s",
		     l->req.host, step_names[l->step], ldap_err2string(err));
		return;
	}
	switch (l->step) {
	case STEP_BIND:
		on_bind(l, res);
		break;
	case STEP_ROOTDSE:
		on_rootdse(l, res);
		break;
	case STEP_CA:
		on_ca(l, res);
		break;
	case STEP_ENROLLMENT:
		on_enrollment(l, res);
		break;
	case STEP_CONNECT:
	case STEP_TLS:
		break;
	}
	/* l may be gone: finish() ran the callback. */
	ldap_msgfree(res);
}

static int start_bind(struct ca_ldap *l)
{
	struct berval cred = { .bv_len = l->password_len, .bv_val = l->password };
	char url[DHCP_NAME_MAX + 16];
	Sockbuf *sb = NULL;
	ber_len_t max = LDAP_MESSAGE_MAX;
	int v3 = LDAP_VERSION3, rc;

	snprintf(url, sizeof(url), "%s://%s:%u", l->tls ? "ldaps" : "ldap",
		 l->req.host, l->req.port);
	rc = ldap_init_fd(l->fd, LDAP_PROTO_TCP, url, &l->ld);
	if (rc != LDAP_SUCCESS) {
		fail(l, -ENOMEM, "cannot set up LDAP to %s: %s", l->req.host,
		     ldap_err2string(rc));
		return -ENOMEM;
	}
	l->fd = -1;		/* libldap closes it from now on */
	if (l->tls && ldap_tls_install(l->tls, l->ld) < 0) {
		fail(l, -ENOMEM, "cannot set up LDAPS to %s", l->req.host);
		return -ENOMEM;
	}
	ldap_set_option(l->ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
	ldap_set_option(l->ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	if (ldap_get_option(l->ld, LDAP_OPT_SOCKBUF, &sb) == LDAP_SUCCESS && sb)
		ber_sockbuf_ctrl(sb, LBER_SB_OPT_SET_MAX_INCOMING, &max);

	enter_step(l, STEP_BIND);
	rc = ldap_sasl_bind(l->ld, l->bind_dn, LDAP_SASL_SIMPLE, &cred, NULL,
			    NULL, &l->msgid);
	drop_password(l);
	if (rc != LDAP_SUCCESS) {
		fail(l, -EIO, "LDAP bind to %s cannot be sent: %s", l->req.host,
		     ldap_err2string(rc));
		return -EIO;
	}
	return 0;
}

/* The DC's certificate against the roots known before this lookup. */
static bool dc_certificate_valid(struct ca_ldap *l, char *why, size_t len)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	X509 *peer = ldap_tls_peer(l->tls);
	bool ok = false;

	snprintf(why, len, "no certificate");
	if (ctx && peer &&
	    X509_STORE_CTX_init(ctx, l->req.verify_store, peer,
				ldap_tls_peer_chain(l->tls)) == 1 &&
	    X509_VERIFY_PARAM_set1_host(X509_STORE_CTX_get0_param(ctx),
					l->req.host, 0) == 1) {
		ok = X509_verify_cert(ctx) == 1;
		if (!ok)
			snprintf(why, len, "%s", X509_verify_cert_error_string(
				X509_STORE_CTX_get_error(ctx)));
	}
	X509_STORE_CTX_free(ctx);
	return ok;
}

static void handshake(struct ca_ldap *l, sd_event_source *src)
{
	uint32_t events = 0;
	char why[160];
	int ret = ldap_tls_handshake(l->tls, &events, why, sizeof(why));

	if (ret == -EAGAIN) {
		sd_event_source_set_io_events(src, events);
		return;
	}
	if (ret < 0) {
		fail(l, ret, "LDAPS to %s port %u: %s", l->req.host, l->req.port,
		     why);
		return;
	}
	if (l->req.verify_store && !dc_certificate_valid(l, why, sizeof(why))) {
		l->result.transport_failed = true;
		fail(l, -EPERM, "LDAPS certificate of %s does not validate (%s)",
		     l->req.host, why);
		return;
	}
	sd_event_source_set_io_events(src, EPOLLIN);
	start_bind(l);
}

static int on_io(sd_event_source *src, int fd, uint32_t revents, void *ud)
{
	struct ca_ldap *l = ud;
	socklen_t len = sizeof(int);
	int err = 0;

	(void)revents;
	if (l->step == STEP_TLS) {
		handshake(l, src);
		return 0;
	}
	if (l->step != STEP_CONNECT) {
		on_readable(l);
		return 0;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		fail(l, -err, "cannot connect to LDAP server %s port %u: %s",
		     l->req.host, l->req.port, strerror(err));
		return 0;
	}
	if (l->req.tls) {
		enter_step(l, STEP_TLS);
		l->tls = ldap_tls_new(fd, l->req.host);
		if (!l->tls) {
			fail(l, -ENOMEM, "cannot set up TLS to %s", l->req.host);
			return 0;
		}
		handshake(l, src);
		return 0;
	}
	sd_event_source_set_io_events(src, EPOLLIN);
	start_bind(l);
	return 0;
}

static int on_timeout(sd_event_source *src, uint64_t usec, void *ud)
{
	struct ca_ldap *l = ud;

	(void)src;
	(void)usec;
	fail(l, -ETIMEDOUT, "LDAP server %s did not answer the %s within %llu s",
	     l->req.host, step_names[l->step],
	     (unsigned long long)(l->req.timeout_usec / 1000000));
	return 0;
}

void ca_ldap_global_init(void)
{
	int version;

	ldap_get_option(NULL, LDAP_OPT_PROTOCOL_VERSION, &version);
}

int ca_ldap_start(sd_event *event, const struct log *log,
		  const struct ca_ldap_request *req, ca_ldap_done_cb cb,
		  void *ctx, struct ca_ldap **out)
{
	struct sockaddr_in to = {
		.sin_family = AF_INET,
		.sin_port = htons(req->port),
		.sin_addr.s_addr = req->addr,
	};
	struct ca_ldap *l;
	int ret;

	if (strlen(req->bind_dn) >= sizeof(l->bind_dn))
		return -ENAMETOOLONG;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->event = event;
	l->log = log;
	l->req = *req;
	l->req.password = NULL;
	l->req.bind_dn = l->bind_dn;
	snprintf(l->bind_dn, sizeof(l->bind_dn), "%s", req->bind_dn);
	l->cb = cb;
	l->ctx = ctx;
	l->password_len = strlen(req->password);
	l->password = malloc(l->password_len + 1);
	l->result.roots = sk_X509_new_null();
	l->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (!l->password || !l->result.roots || l->fd < 0) {
		ret = l->fd < 0 ? -errno : -ENOMEM;
		goto fail;
	}
	memcpy(l->password, req->password, l->password_len + 1);
	if (connect(l->fd, (struct sockaddr *)&to, sizeof(to)) < 0 &&
	    errno != EINPROGRESS) {
		ret = -errno;
		goto fail;
	}
	ret = sd_event_add_io(event, &l->io, l->fd, EPOLLOUT, on_io, l);
	if (ret >= 0)
		ret = sd_event_add_time_relative(event, &l->timer,
						 CLOCK_MONOTONIC,
						 req->timeout_usec, 10000,
						 on_timeout, l);
	if (ret < 0)
		goto fail;
	*out = l;
	return 0;
fail:
	ca_ldap_free(l);
	return ret;
}

void ca_ldap_free(struct ca_ldap *l)
{
	if (!l)
		return;
	close_connection(l);
	sk_X509_pop_free(l->result.roots, X509_free);
	X509_free(l->result.dc_cert);
	sk_X509_pop_free(l->result.dc_chain, X509_free);
	free(l);
}
