// SPDX-License-Identifier: GPL-2.0-only
/*
 * Root CA discovery as the seed orders it, as one state machine on the
 * daemon's loop:
 *
 *   WAITING --lease + identity--> DISCOVERING:
 *     SRV _ldap._tcp.<DHCP domain> -> A of the DC -> LDAP with Kerberos
 *       (SASL GSSAPI, in the ucphone-ca-fetch helper: trust/ca_fetch_run.c);
 *       without Kerberos, LDAPS with a simple bind only when the DC's
 *       certificate validates already (the same helper); never plain LDAP:
 *       cACertificate root(s) ........................... learned, DONE
 *       (no KDC answers: the same lookup with NTLM, SASL GSS-SPNEGO)
 *       else pKIEnrollmentService dNSHostName -> A -> certsrv GET with
 *         Negotiate/Kerberos, or NTLM when no KDC answers (the same
 *         helper: no password-bearing HTTP in the daemon) -> root(s) learned, DONE
 *     a DC that cannot be reached: the next SRV target; all failed, or
 *     no root anywhere: DONE without a new root, retried with back-off;
 *     the DC refusing the credentials: DONE, not retried until the
 *     identity changes (no retry storm against the user's account).
 *
 * Learned roots are persisted (trust/roots.pem in the state directory,
 * written atomically) and loaded at start; with any learned root the state
 * is DONE at once and rediscovery runs behind it. The store handed out is
 * the public bundle (read on demand: public_roots.c) plus every learned
 * root, rebuilt when a root is added
 * so that a store already handed out never changes under its user.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "lib/pki/ca_bundle.h"
#include "net/dns.h"
#include "net/sntp.h"
#include "trust/public_roots.h"
#include "trust/ca_fetch_run.h"
#include "trust/cert_info.h"
#include "trust/identity.h"
#include "trust/trust.h"
#include "trust/trust_file.h"

#define SUBSYS "trust"
#define USEC 1000000ull
/* Connect, TLS, bind and three searches, each bounded in the helper. */
#define LDAPS_TIMEOUT_USEC (20 * USEC)
#define KERBEROS_TIMEOUT_USEC (10 * USEC)
#define HELPER_NAME "ucphone-ca-fetch"
#define CERTSRV_TIMEOUT_USEC (8 * USEC)
#define RETRY_FIRST_S 30u
#define RETRY_MAX_S 900u
#define LEARNED_MAX 16
#define DCS_MAX 16
#define WATCHERS_MAX 8
#define LDAP_PORT 389
#define LDAPS_PORT 636

enum phase {
	PHASE_IDLE,
	PHASE_DC_SRV,
	PHASE_DC_ADDR,
	PHASE_LDAP,
	PHASE_WEB_ADDR,
	PHASE_CERTSRV,
};

static const char *const phase_names[] = { "idle", "dns-srv", "dc-address",
	"ldap", "web-address", "certsrv" };
static const char *const state_names[] = { "waiting", "discovering", "done" };

struct watcher {
	trust_changed_cb cb;
	void *ctx;
};

struct trust {
	struct ucphoned *d;
	struct log *log;

	char public_path[PATH_MAX];	/* the bundle, or "" if unusable */
	unsigned int n_public;
	char bundle_error[160];
	struct trust_root learned[LEARNED_MAX];
	unsigned int n_learned;
	char persist_error[200];
	X509_STORE *store;

	enum trust_state state;
	enum phase phase;
	bool have_lease;
	char domain[DHCP_NAME_MAX];
	struct srv_record dcs[DCS_MAX];
	unsigned int n_dcs, dc;
	char web_host[DHCP_NAME_MAX];
	uint32_t dc_addr;
	bool ldap_tls;			/* the lookup under way is LDAPS */
	X509 *dc_cert;			/* the last LDAPS certificate of a DC */
	STACK_OF(X509) *dc_chain;
	char dc_host[DHCP_NAME_MAX];
	char dc_tls[DHCP_NAME_MAX + 160];	/* dc_cert checked against the learned roots */
	struct ca_fetch *ldap;		/* the verified-LDAPS lookup under way */
	struct ca_fetch *fetch;		/* the Kerberos lookup under way */
	char helper[PATH_MAX];		/* ucphone-ca-fetch, next to ucphoned */
	struct ca_fetch *certsrv;	/* the certsrv GET, in the helper */
	sd_event_source *retry;
	unsigned int failures, retry_s;
	bool credentials_refused;
	char last_error[256];
	char last_result[DHCP_NAME_MAX + 48];
	uint64_t discovery_started_usec;
	int64_t last_discovery_ms;
	uint64_t discoveries, ldap_binds, certsrv_fetches;

	struct watcher watchers[WATCHERS_MAX];
};

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * USEC + (uint64_t)ts.tv_nsec / 1000u;
}

static void notify(struct trust *t)
{
	struct watcher copy[WATCHERS_MAX];
	unsigned int i;

	/* A watcher may unwatch (or watch) from its callback. */
	memcpy(copy, t->watchers, sizeof(copy));
	for (i = 0; i < WATCHERS_MAX; i++)
		if (copy[i].cb)
			copy[i].cb(copy[i].ctx);
}

static void set_state(struct trust *t, enum trust_state s)
{
	if (t->state == s)
		return;
	t->state = s;
	log_info(t->log, SUBSYS, "trust state", LOG_STR("state", state_names[s]));
	notify(t);
}

/* ---- the store ---- */

static int rebuild_store(struct trust *t)
{
	X509_STORE *store = X509_STORE_new();
	unsigned int i;

	if (!store)
		return -ENOMEM;
	if (t->public_path[0] && public_roots_attach(store, t->public_path) < 0) {
		X509_STORE_free(store);
		return -ENOMEM;
	}
	for (i = 0; i < t->n_learned; i++)
		X509_STORE_add_cert(store, t->learned[i].cert);
	/* Duplicates between the bundle and a learned root are harmless. */
	ERR_clear_error();
	X509_STORE_free(t->store);
	t->store = store;
	return 0;
}

/* Counted, not parsed: the store reads the bundle on demand (public_roots.c). */
static void check_public_bundle(struct trust *t, const char *path)
{
	int n = public_roots_count(path);

	snprintf(t->public_path, sizeof(t->public_path), "%s", path);
	t->n_public = n > 0 ? (unsigned int)n : 0;
	if (n < 0) {
		snprintf(t->bundle_error, sizeof(t->bundle_error),
			 "cannot read the public CA bundle %s", path);
		log_warning(t->log, SUBSYS, "no public CA bundle; only learned roots will be trusted",
			    LOG_STR("path", path));
		t->public_path[0] = '\0';
		return;
	}
	if (!n) {
		snprintf(t->bundle_error, sizeof(t->bundle_error),
			 "public CA bundle %s is not PEM", path);
		log_warning(t->log, SUBSYS, "public CA bundle unreadable; ignored",
			    LOG_STR("path", path));
		t->public_path[0] = '\0';
		return;
	}
	log_info(t->log, SUBSYS, "public CA bundle found; read on demand",
		 LOG_STR("path", path), LOG_UINT("roots", t->n_public));
}

/* ---- learned roots and their file ---- */

static bool add_learned(struct trust *t, X509 *cert, const char *source)
{
	struct trust_root *r;
	char fp[CA_FINGERPRINT_LEN];
	unsigned int i;

	ca_fingerprint(cert, fp);
	for (i = 0; i < t->n_learned; i++)
		if (!strcmp(t->learned[i].fingerprint, fp))
			return false;
	if (!X509_up_ref(cert))
		return false;
	if (t->n_learned == LEARNED_MAX) {
		/* Full: the oldest goes. */
		X509_free(t->learned[0].cert);
		memmove(&t->learned[0], &t->learned[1],
			(LEARNED_MAX - 1) * sizeof(t->learned[0]));
		t->n_learned--;
	}
	r = &t->learned[t->n_learned++];
	r->cert = cert;
	snprintf(r->source, sizeof(r->source), "%s", source);
	trust_root_describe(r);
	return true;
}

/* Replaces the file with the learned roots; a failure is kept for status. */
static int persist(struct trust *t)
{
	int ret = trust_file_save(t->d->state_dir_fd, t->learned, t->n_learned);

	if (ret < 0) {
		snprintf(t->persist_error, sizeof(t->persist_error),
			 "cannot save learned roots: %s", strerror(-ret));
		log_error(t->log, SUBSYS, "cannot save learned roots",
			  LOG_ERRNO(ret));
		return ret;
	}
	t->persist_error[0] = '\0';
	log_info(t->log, SUBSYS, "learned roots saved",
		 LOG_UINT("roots", t->n_learned));
	return 0;
}

static void load_persisted(struct trust *t)
{
	int ret = trust_file_load(t->d->state_dir_fd, t->learned, LEARNED_MAX);

	if (ret < 0) {
		snprintf(t->persist_error, sizeof(t->persist_error),
			 "saved roots %s/%s unusable (%s): ignored until rediscovered",
			 TRUST_DIR, TRUST_FILE,
			 ret == -EINVAL ? "damaged" : strerror(-ret));
		log_error(t->log, SUBSYS, "saved roots unusable; ignored",
			  LOG_STR("file", TRUST_DIR "/" TRUST_FILE),
			  LOG_ERRNO(ret));
		return;
	}
	t->n_learned = (unsigned int)ret;
	if (ret)
		log_info(t->log, SUBSYS, "learned roots loaded",
			 LOG_UINT("roots", t->n_learned));
}

static void learn(struct trust *t, STACK_OF(X509) *roots, const char *source)
{
	unsigned int added = 0;
	int i;

	for (i = 0; i < sk_X509_num(roots); i++) {
		if (!add_learned(t, sk_X509_value(roots, i), source))
			continue;
		added++;
		log_info(t->log, SUBSYS, "root CA learned",
			 LOG_STR("source", source),
			 LOG_STR("subject", t->learned[t->n_learned - 1].subject),
			 LOG_STR("sha256", t->learned[t->n_learned - 1].fingerprint));
	}
	snprintf(t->last_result, sizeof(t->last_result), "%d root(s) from %s",
		 sk_X509_num(roots), source);
	if (!added && !t->persist_error[0])
		return;
	persist(t);
	rebuild_store(t);
}

/* ---- discovery ---- */

static const struct signin_identity *signed_in(const struct trust *t)
{
	return t->d->identity ? identity_get(t->d->identity) : NULL;
}

static void cancel_discovery(struct trust *t)
{
	resolver_forget(t->d->resolver, t);
	ca_fetch_free(t->ldap);
	t->ldap = NULL;
	ca_fetch_free(t->fetch);
	t->fetch = NULL;
	ca_fetch_free(t->certsrv);
	t->certsrv = NULL;
	t->retry = sd_event_source_disable_unref(t->retry);
	t->retry_s = 0;
	t->phase = PHASE_IDLE;
}

static void start_discovery(struct trust *t, bool retry);

static int on_retry(sd_event_source *src, uint64_t usec, void *ud)
{
	struct trust *t = ud;

	(void)src;
	(void)usec;
	t->retry = sd_event_source_disable_unref(t->retry);
	t->retry_s = 0;
	start_discovery(t, true);
	return 0;
}

/* Keeps the certificate the DC presented over LDAPS (none over plain LDAP). */
static void keep_dc_cert(struct trust *t, const struct ca_answer *r)
{
	X509_free(t->dc_cert);
	sk_X509_pop_free(t->dc_chain, X509_free);
	t->dc_cert = NULL;
	t->dc_chain = NULL;
	snprintf(t->dc_host, sizeof(t->dc_host), "%s", t->dcs[t->dc].target);
	if (t->ldap_tls && r->dc_cert && X509_up_ref(r->dc_cert)) {
		t->dc_cert = r->dc_cert;
		t->dc_chain = r->dc_chain ? X509_chain_up_ref(r->dc_chain) : NULL;
	}
}

/*
 * What the DC's LDAPS certificate is worth now that roots may be known:
 * verified against the learned roots, for its name; shown in the status.
 */
static void note_dc_tls(struct trust *t)
{
	X509_STORE_CTX *ctx;
	X509_STORE *store;
	unsigned int i;
	int ok = 0;

	if (!t->dc_host[0])
		return;
	if (!t->dc_cert) {
		snprintf(t->dc_tls, sizeof(t->dc_tls),
			 "none: Kerberos (SASL GSSAPI, sealed) LDAP to %s",
			 t->dc_host);
		return;
	}
	store = X509_STORE_new();
	ctx = X509_STORE_CTX_new();
	for (i = 0; store && i < t->n_learned; i++)
		X509_STORE_add_cert(store, t->learned[i].cert);
	if (store && ctx &&
	    X509_STORE_CTX_init(ctx, store, t->dc_cert, t->dc_chain) == 1) {
		sntp_set_verify_time(t->d->sntp, X509_STORE_CTX_get0_param(ctx));
		ok = X509_verify_cert(ctx) == 1;
	}
	if (ok && X509_check_host(t->dc_cert, t->dc_host, 0, 0, NULL) != 1)
		snprintf(t->dc_tls, sizeof(t->dc_tls),
			 "LDAPS certificate of %s chains to a learned root but names another host",
			 t->dc_host);
	else if (ok)
		snprintf(t->dc_tls, sizeof(t->dc_tls),
			 "LDAPS certificate of %s verified by a learned root", t->dc_host);
	else
		snprintf(t->dc_tls, sizeof(t->dc_tls),
			 "LDAPS certificate of %s not verified: %s", t->dc_host,
			 ctx ? X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)) :
			 "no memory");
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	ERR_clear_error();
}

/* A DC judged before the first NTP sample is judged again at NTP time. */
static void on_first_time_sample(void *ctx)
{
	note_dc_tls(ctx);
}

/* Discovery is over for now; retry later unless asked not to. */
static void discovery_over(struct trust *t, bool retry)
{
	t->phase = PHASE_IDLE;
	t->last_discovery_ms = (int64_t)((now_usec() - t->discovery_started_usec) / 1000);
	note_dc_tls(t);
	if (retry) {
		t->failures++;
		t->retry_s = RETRY_FIRST_S << (t->failures > 5 ? 5 : t->failures - 1);
		if (t->retry_s > RETRY_MAX_S)
			t->retry_s = RETRY_MAX_S;
		sd_event_add_time_relative(t->d->event, &t->retry,
					   CLOCK_MONOTONIC,
					   (uint64_t)t->retry_s * USEC, USEC,
					   on_retry, t);
	} else {
		t->failures = 0;
	}
	/* Watchers hear about a new store even when the state stays DONE. */
	if (t->state == TRUST_DONE)
		notify(t);
	else
		set_state(t, TRUST_DONE);
}

__attribute__((format(printf, 3, 4)))
static void discovery_failed(struct trust *t, bool retry, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->last_error, sizeof(t->last_error), fmt, ap);
	va_end(ap);
	log_warning(t->log, SUBSYS, "root CA discovery failed",
		    LOG_STR("error", t->last_error),
		    LOG_BOOL("will_retry", retry));
	discovery_over(t, retry);
}

static void discovery_succeeded(struct trust *t, STACK_OF(X509) *roots,
				const char *source)
{
	learn(t, roots, source);
	t->last_error[0] = '\0';
	log_info(t->log, SUBSYS, "root CA discovery finished",
		 LOG_STR("source", source),
		 LOG_UINT("ms", (unsigned int)((now_usec() - t->discovery_started_usec) / 1000)));
	discovery_over(t, false);
}

/* "kerberos" -> "Kerberos", "ntlm" -> "NTLM": how the helper signed in. */
static const char *how_name(const struct ca_answer *r)
{
	return !strcmp(r->how, "kerberos") ? "Kerberos" :
	       !strcmp(r->how, "ntlm") ? "NTLM" : NULL;
}

static void on_certsrv_done(void *ctx, const struct ca_answer *r)
{
	struct trust *t = ctx;
	struct ca_fetch *c = t->certsrv;
	char source[TRUST_SOURCE_MAX];
	const char *how = how_name(r);

	/* Watchers run below and may restart discovery: c is ours alone. */
	t->certsrv = NULL;
	/* "certsrv <host> (<how>)"; no "(...)" when it asked for nothing. */
	snprintf(source, sizeof(source), "certsrv %.*s%s%.8s%s",
		 (int)sizeof(source) - 24, t->web_host, how ? " (" : "",
		 how ? how : "", how ? ")" : "");
	if (r->status == 0) {
		discovery_succeeded(t, r->roots, source);
	} else {
		discovery_failed(t, true, "%s (http://%s/certsrv/certnew.p7b)",
				 r->error, t->web_host);
	}
	ca_fetch_free(c);
}

static void principal_name(const struct trust *t,
			   const struct signin_identity *id, char *realm,
			   size_t realm_len, char *out, size_t len);
static void bind_name(const struct trust *t, const struct signin_identity *id,
		      char *out, size_t len);

static void on_web_addr(void *ctx, int status, const uint32_t *addrs,
			unsigned int n)
{
	struct trust *t = ctx;
	const struct signin_identity *id = signed_in(t);
	char realm[DHCP_NAME_MAX], principal[sizeof(id->user) + DHCP_NAME_MAX + 2];
	char who[sizeof(id->user) + DHCP_NAME_MAX + 2];
	struct ca_fetch_request req = {
		.helper = t->helper,
		.step = CA_FETCH_STEP_CERTSRV,
		.addr = t->dc_addr,
		.realm = realm,
		.principal = principal,
		.user = who,
		.web = t->web_host,
		.timeout_usec = CERTSRV_TIMEOUT_USEC,
	};
	int ret;

	if (status < 0 || !n) {
		discovery_failed(t, true, "enrollment server %s does not resolve",
				 t->web_host);
		return;
	}
	if (!id) {
		discovery_over(t, false);
		return;
	}
	principal_name(t, id, realm, sizeof(realm), principal, sizeof(principal));
	bind_name(t, id, who, sizeof(who));
	/* The DC whose directory named the enrollment host: its KDC. */
	snprintf(req.host, sizeof(req.host), "%s", t->dcs[t->dc].target);
	req.web_addr = addrs[0];
	req.password = id->password;
	t->phase = PHASE_CERTSRV;
	t->certsrv_fetches++;
	ret = ca_fetch_start(t->d->event, t->log, &req, on_certsrv_done, t,
			     &t->certsrv);
	if (ret < 0)
		discovery_failed(t, true, "cannot start the certsrv GET: %s",
				 strerror(-ret));
}

static void try_dc(struct trust *t);

static void next_dc(struct trust *t, const char *why)
{
	log_warning(t->log, SUBSYS, "domain controller failed",
		    LOG_STR("dc", t->dcs[t->dc].target), LOG_STR("error", why));
	if (++t->dc < t->n_dcs) {
		try_dc(t);
		return;
	}
	discovery_failed(t, true, "%s", why);
}

/* What a directory lookup (Kerberos or verified LDAPS) brought back. */
static void directory_answer(struct trust *t, const struct ca_answer *r,
			     const char *how)
{
	char source[TRUST_SOURCE_MAX];
	int ret;

	keep_dc_cert(t, r);
	/* "ldap <dc> (<how>)": status tells how each root was learned. */
	snprintf(source, sizeof(source), "ldap %s (%s)", t->dcs[t->dc].target,
		 how);
	if (r->status == 0 && sk_X509_num(r->roots)) {
		discovery_succeeded(t, r->roots, source);
	} else if (r->status == 0) {
		/* No root in the directory: the web enrollment's page. */
		snprintf(t->web_host, sizeof(t->web_host), "%s",
			 r->enrollment_host);
		log_info(t->log, SUBSYS, "no cACertificate root; trying the enrollment service",
			 LOG_STR("dc", t->dcs[t->dc].target),
			 LOG_STR("host", t->web_host));
		t->phase = PHASE_WEB_ADDR;
		ret = resolver_lookup_a(t->d->resolver, t->web_host,
					on_web_addr, t);
		if (ret < 0)
			discovery_failed(t, true, "cannot resolve %s: %s",
					 t->web_host, strerror(-ret));
	} else if (r->bind_refused) {
		t->credentials_refused = true;
		discovery_failed(t, false, "%s", r->error);
	} else if (r->status == -ENOENT) {
		discovery_failed(t, true, "%s", r->error);
	} else {
		next_dc(t, r->error);
	}
}

static void on_ldap_done(void *ctx, const struct ca_answer *r)
{
	struct trust *t = ctx;
	struct ca_fetch *l = t->ldap;
	char why[sizeof(r->error) + 96];

	/* Watchers run below and may restart discovery: l is ours alone. */
	t->ldap = NULL;
	if (r->transport_failed) {
		/* No Kerberos and no LDAPS that validates: nothing is sent. */
		snprintf(why, sizeof(why),
			 "%s; the password is not sent over unverified LDAP", r->error);
		ca_fetch_free(l);
		next_dc(t, why);
		return;
	}
	directory_answer(t, r, "verified LDAPS");
	ca_fetch_free(l);
}

/* "CORP\\alice" and "alice@corp.test" bind as they are; "alice" as a UPN. */
static void bind_name(const struct trust *t, const struct signin_identity *id,
		      char *out, size_t len)
{
	if (strchr(id->user, '\\') || strchr(id->user, '@') || !t->domain[0])
		snprintf(out, len, "%s", id->user);
	else
		snprintf(out, len, "%s@%s", id->user, t->domain);
}

/*
 * The lookup on the current DC without Kerberos: LDAPS, in the helper, with
 * a simple bind only once the DC's certificate validates for its name
 * against what the phone trusts now (the public bundle, the learned roots).
 */
static void start_ldaps(struct trust *t)
{
	const struct signin_identity *id = signed_in(t);
	struct ca_fetch_request req = {
		.helper = t->helper,
		.step = CA_FETCH_STEP_LDAPS,
		.port = LDAPS_PORT,
		.addr = t->dc_addr,
		.bundle = t->public_path[0] ? t->public_path : NULL,
		.timeout_usec = LDAPS_TIMEOUT_USEC,
	};
	char who[sizeof(id->user) + DHCP_NAME_MAX + 2];
	char why[DHCP_NAME_MAX + 64];
	unsigned int i;
	int ret;

	if (!id) {		/* signed out meanwhile: the watcher restarts us */
		discovery_over(t, false);
		return;
	}
	bind_name(t, id, who, sizeof(who));
	snprintf(req.host, sizeof(req.host), "%s", t->dcs[t->dc].target);
	req.user = who;
	req.password = id->password;
	/* The stack borrows the learned roots for the request's length. */
	req.trust = sk_X509_new_null();
	for (i = 0; req.trust && i < t->n_learned; i++)
		sk_X509_push(req.trust, t->learned[i].cert);
	t->phase = PHASE_LDAP;
	t->ldap_tls = true;
	t->ldap_binds++;
	ret = req.trust ? ca_fetch_start(t->d->event, t->log, &req, on_ldap_done,
					 t, &t->ldap) : -ENOMEM;
	sk_X509_free(req.trust);
	if (ret < 0) {
		snprintf(why, sizeof(why), "cannot start LDAP to %s: %s",
			 req.host, strerror(-ret));
		next_dc(t, why);
	}
}

static void on_fetch_done(void *ctx, const struct ca_answer *r)
{
	struct trust *t = ctx;
	struct ca_fetch *f = t->fetch;

	t->fetch = NULL;
	if (r->transport_failed) {
		log_info(t->log, SUBSYS, "no Kerberos LDAP on the DC; LDAPS if its certificate validates",
			 LOG_STR("dc", t->dcs[t->dc].target),
			 LOG_STR("error", r->error));
		ca_fetch_free(f);
		start_ldaps(t);
		return;
	}
	directory_answer(t, r, how_name(r) ? how_name(r) : "Kerberos");
	ca_fetch_free(f);
}

/*
 * The user's Kerberos principal: "CORP\alice" and "alice" are alice in
 * the realm (the DHCP domain in capitals, as AD names it); a UPN's domain
 * becomes its realm.
 */
static void principal_name(const struct trust *t,
			   const struct signin_identity *id, char *realm,
			   size_t realm_len, char *out, size_t len)
{
	const char *user = id->user, *at = strchr(id->user, '@'), *bs;
	size_t i;

	bs = strchr(user, '\\');
	if (bs)
		user = bs + 1;
	snprintf(realm, realm_len, "%s", at ? at + 1 : t->domain);
	for (i = 0; realm[i]; i++)
		realm[i] = (char)toupper((unsigned char)realm[i]);
	snprintf(out, len, "%.*s@%s", (int)(at ? (size_t)(at - user) : strlen(user)),
		 user, realm);
}

/* The first way to the directory: Kerberos (NTLM without a KDC), in the helper. */
static void start_kerberos(struct trust *t)
{
	const struct signin_identity *id = signed_in(t);
	char realm[DHCP_NAME_MAX], principal[sizeof(id->user) + DHCP_NAME_MAX + 2];
	char who[sizeof(id->user) + DHCP_NAME_MAX + 2];
	struct ca_fetch_request req = {
		.helper = t->helper,
		.addr = t->dc_addr,
		.port = t->dcs[t->dc].port ? t->dcs[t->dc].port : LDAP_PORT,
		.realm = realm,
		.principal = principal,
		.user = who,
		.timeout_usec = KERBEROS_TIMEOUT_USEC,
	};
	int ret;

	if (!id) {
		discovery_over(t, false);
		return;
	}
	principal_name(t, id, realm, sizeof(realm), principal, sizeof(principal));
	bind_name(t, id, who, sizeof(who));
	snprintf(req.host, sizeof(req.host), "%s", t->dcs[t->dc].target);
	req.password = id->password;
	t->phase = PHASE_LDAP;
	t->ldap_tls = false;
	t->ldap_binds++;
	ret = ca_fetch_start(t->d->event, t->log, &req, on_fetch_done, t,
			     &t->fetch);
	if (ret < 0) {
		log_warning(t->log, SUBSYS, "cannot run the Kerberos lookup; LDAPS if its certificate validates",
			    LOG_STR("helper", t->helper), LOG_ERRNO(ret));
		start_ldaps(t);
	}
}

static void on_dc_addr(void *ctx, int status, const uint32_t *addrs,
		       unsigned int n)
{
	struct trust *t = ctx;
	char why[DHCP_NAME_MAX + 64];

	if (status < 0 || !n) {
		snprintf(why, sizeof(why), "domain controller %s does not resolve",
			 t->dcs[t->dc].target);
		next_dc(t, why);
		return;
	}
	t->dc_addr = addrs[0];
	start_kerberos(t);
}

static void try_dc(struct trust *t)
{
	t->phase = PHASE_DC_ADDR;
	if (resolver_lookup_a(t->d->resolver, t->dcs[t->dc].target, on_dc_addr,
			      t) < 0)
		next_dc(t, "cannot resolve the domain controller");
}

static void on_dc_srv(void *ctx, int status, const struct srv_record *recs,
		      unsigned int n)
{
	struct trust *t = ctx;

	if (status < 0 || !n) {
		discovery_failed(t, true, "no domain controller: SRV _ldap._tcp.%s %s",
				 t->domain, status < 0 ? "failed" : "names no server");
		return;
	}
	t->n_dcs = n > DCS_MAX ? DCS_MAX : n;
	memcpy(t->dcs, recs, t->n_dcs * sizeof(recs[0]));
	t->dc = 0;
	try_dc(t);
}

/* A retry runs behind a DONE state; a new lease or identity starts over. */
static void start_discovery(struct trust *t, bool retry)
{
	char name[DHCP_NAME_MAX + 16];

	cancel_discovery(t);
	if (!t->have_lease || !signed_in(t)) {
		set_state(t, TRUST_WAITING);
		return;
	}
	if (t->credentials_refused)
		return;		/* until the identity changes */
	t->discoveries++;
	t->discovery_started_usec = now_usec();
	/* Learned roots already count: sign-in need not wait for us. */
	if (!retry || t->state != TRUST_DONE)
		set_state(t, t->n_learned ? TRUST_DONE : TRUST_DISCOVERING);
	if (!t->domain[0])
		snprintf(t->domain, sizeof(t->domain), "%s",
			 identity_domain(t->d->identity));
	if (!t->domain[0]) {
		discovery_failed(t, true,
				 "no DHCP domain (option 15) to find a domain controller in");
		return;
	}
	snprintf(name, sizeof(name), "_ldap._tcp.%s", t->domain);
	t->phase = PHASE_DC_SRV;
	log_info(t->log, SUBSYS, "root CA discovery started",
		 LOG_STR("srv", name));
	if (resolver_lookup_srv(t->d->resolver, name, on_dc_srv, t) < 0)
		discovery_failed(t, true, "cannot look up %s", name);
}

static void on_identity_changed(void *ctx)
{
	struct trust *t = ctx;

	t->credentials_refused = false;
	t->failures = 0;
	t->last_error[0] = '\0';
	start_discovery(t, false);
}

void trust_set_lease(struct trust *t, const struct dhcp_reply *lease)
{
	if (lease && t->have_lease && !strcmp(lease->domain, t->domain))
		return;		/* a renewal: nothing to rediscover */
	t->have_lease = lease != NULL;
	snprintf(t->domain, sizeof(t->domain), "%s", lease ? lease->domain : "");
	t->failures = 0;
	start_discovery(t, false);
}

/* ucphone-ca-fetch is installed next to ucphoned (and built next to it). */
static void helper_path(struct trust *t)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0) {
		snprintf(t->helper, sizeof(t->helper), "/usr/sbin/" HELPER_NAME);
		return;
	}
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	snprintf(t->helper, sizeof(t->helper), "%.*s/" HELPER_NAME,
		 (int)(sizeof(t->helper) - sizeof("/" HELPER_NAME)), exe);
}

/* ---- the API ---- */

int trust_new(struct ucphoned *d, struct trust **out)
{
	struct trust *t = calloc(1, sizeof(*t));
	int ret;

	if (!t)
		return -ENOMEM;
	*out = t;
	t->d = d;
	t->log = &d->log;
	t->last_discovery_ms = -1;
	helper_path(t);
	check_public_bundle(t, d->options.ca_bundle);
	load_persisted(t);
	ret = rebuild_store(t);
	if (ret < 0)
		return ret;
	if (t->n_learned)
		t->state = TRUST_DONE;
	if (d->sntp) {
		ret = sntp_watch(d->sntp, on_first_time_sample, t);
		if (ret < 0)
			return ret;
	}
	if (d->identity)
		return identity_watch(d->identity, on_identity_changed, t);
	return 0;
}

void trust_free(struct trust *t)
{
	unsigned int i;

	if (!t)
		return;
	if (t->d->identity)
		identity_unwatch(t->d->identity, t);
	if (t->d->sntp)
		sntp_unwatch(t->d->sntp, t);
	cancel_discovery(t);
	for (i = 0; i < t->n_learned; i++)
		X509_free(t->learned[i].cert);
	X509_STORE_free(t->store);
	X509_free(t->dc_cert);
	sk_X509_pop_free(t->dc_chain, X509_free);
	free(t);
}

enum trust_state trust_get_state(const struct trust *t)
{
	return t->state;
}

X509_STORE *trust_store(struct trust *t)
{
	X509_STORE_up_ref(t->store);
	return t->store;
}

int trust_watch(struct trust *t, trust_changed_cb cb, void *ctx)
{
	unsigned int i;

	for (i = 0; i < WATCHERS_MAX; i++) {
		if (!t->watchers[i].cb) {
			t->watchers[i].cb = cb;
			t->watchers[i].ctx = ctx;
			return 0;
		}
	}
	return -ENOSPC;
}

void trust_unwatch(struct trust *t, void *ctx)
{
	unsigned int i;

	for (i = 0; i < WATCHERS_MAX; i++)
		if (t->watchers[i].ctx == ctx)
			t->watchers[i].cb = NULL;
}

struct json_object *trust_status(const struct trust *t)
{
	struct json_object *o = json_object_new_object(), *list, *r;
	unsigned int i;

	if (!o)
		return NULL;
	json_object_object_add(o, "state", json_object_new_string(state_names[t->state]));
	json_object_object_add(o, "discovery", json_object_new_string(phase_names[t->phase]));
	if (t->domain[0])
		json_object_object_add(o, "domain", json_object_new_string(t->domain));
	if (t->n_dcs && t->phase >= PHASE_DC_ADDR && t->phase <= PHASE_LDAP)
		json_object_object_add(o, "dc", json_object_new_string(t->dcs[t->dc].target));
	if (t->last_error[0])
		json_object_object_add(o, "error", json_object_new_string(t->last_error));
	if (t->last_result[0])
		json_object_object_add(o, "last_result", json_object_new_string(t->last_result));
	if (t->dc_tls[0])
		json_object_object_add(o, "dc_tls", json_object_new_string(t->dc_tls));
	if (t->retry)
		json_object_object_add(o, "retry_in_s", json_object_new_int((int)t->retry_s));
	json_object_object_add(o, "credentials_refused",
			       json_object_new_boolean(t->credentials_refused));
	json_object_object_add(o, "public_bundle",
			       json_object_new_string(t->d->options.ca_bundle));
	json_object_object_add(o, "public_roots",
			       json_object_new_int((int)t->n_public));
	if (t->bundle_error[0])
		json_object_object_add(o, "public_bundle_error",
				       json_object_new_string(t->bundle_error));
	list = json_object_new_array();
	for (i = 0; i < t->n_learned; i++) {
		const struct trust_root *l = &t->learned[i];

		r = json_object_new_object();
		json_object_object_add(r, "source", json_object_new_string(l->source));
		json_object_object_add(r, "learned_by", json_object_new_string(
			!strncmp(l->source, "certsrv ", 8) ?
				(strstr(l->source, "(Kerberos)") ?
				 "Kerberos-authenticated certsrv" :
				 strstr(l->source, "(NTLM)") ?
				 "NTLM-authenticated certsrv" :
				 "certsrv (unauthenticated HTTP)") :
			strstr(l->source, "(Kerberos)") ? "Kerberos-authenticated LDAP" :
			strstr(l->source, "(NTLM)") ? "NTLM-authenticated LDAP" :
			strstr(l->source, "(verified LDAPS)") ? "verified LDAPS" :
				"unauthenticated LDAP (an earlier phone version)"));
		json_object_object_add(r, "subject", json_object_new_string(l->subject));
		json_object_object_add(r, "sha256", json_object_new_string(l->fingerprint));
		json_object_array_add(list, r);
	}
	json_object_object_add(o, "learned", list);
	if (t->persist_error[0])
		json_object_object_add(o, "persist_error",
				       json_object_new_string(t->persist_error));
	json_object_object_add(o, "discoveries", json_object_new_uint64(t->discoveries));
	json_object_object_add(o, "ldap_binds", json_object_new_uint64(t->ldap_binds));
	json_object_object_add(o, "certsrv_fetches", json_object_new_uint64(t->certsrv_fetches));
	if (t->last_discovery_ms >= 0)
		json_object_object_add(o, "last_discovery_ms",
				       json_object_new_int64(t->last_discovery_ms));
	return o;
}

struct json_object *trust_certificates(const struct trust *t)
{
	struct json_object *o = json_object_new_object(), *roots, *dc;
	unsigned int i;

	roots = json_object_new_array();
	if (!o || !roots) {
		json_object_put(o);
		json_object_put(roots);
		return NULL;
	}
	for (i = 0; i < t->n_learned; i++) {
		struct json_object *r = cert_info_json(t->learned[i].cert);

		if (r)
			json_object_object_add(r, "source", json_object_new_string(
				t->learned[i].source));
		json_object_array_add(roots, r);
	}
	json_object_object_add(o, "learned_roots", roots);
	if (t->dc_cert) {
		dc = json_object_new_object();
		json_object_object_add(dc, "host", json_object_new_string(t->dc_host));
		if (t->dc_tls[0])
			json_object_object_add(dc, "checked", json_object_new_string(t->dc_tls));
		json_object_object_add(dc, "certificate", cert_info_json(t->dc_cert));
		json_object_object_add(dc, "chain", cert_chain_json(t->dc_chain));
		json_object_object_add(o, "dc", dc);
	}
	return o;
}
