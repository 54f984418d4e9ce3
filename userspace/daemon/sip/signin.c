// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/sip/ocs_ident.h"
#include "lib/util/atomic_file.h"
#include "lib/util/secret.h"
#include "net/dhcp_client.h"
#include "net/dns.h"
#include "net/sntp.h"
#include "sip/discovery.h"
#include "sip/mwi.h"
#include "sip/provision.h"
#include "sip/register.h"
#include "sip/signin.h"
#include "sip/transaction.h"
#include "trust/identity.h"
#include "trust/trust.h"

#define SUBSYS "signin"
#define EPID_FILE "sip-epid"
#define USEC 1000000ull

/* A pointer compared by identity: the status tells this wait apart. */
static const char waiting_for_time[] = "time (NTP)";

struct signin {
	struct ucphoned *d;
	struct log *log;
	struct sip_txn_layer *l;
	struct sip_register *reg;
	struct sip_provision *prov;
	struct sip_mwi *mwi;
	enum sip_reg_state last_state;
	const char *waiting;		/* what sign-in waits for, or NULL */
	bool evaluating, again;
	/* The first NTP sample, waited for at most --time-wait-s. */
	sd_event_source *time_timer;
	bool time_given_up;
	uint64_t link_to_registered_usec;	/* the first registration */
};

/* The epid from <state>/sip-epid, or a new one written there atomically. */
static int load_epid(struct signin *s, char epid[11])
{
	int dfd = s->d->state_dir_fd, fd, ret;
	char buf[16] = "";
	ssize_t n;

	fd = openat(dfd, EPID_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n == 10 && strspn(buf, "0123456789abcdef") == 10) {
			memcpy(epid, buf, 10);
			epid[10] = '\0';
			return 0;
		}
		log_warning(s->log, SUBSYS, "stored epid unusable; making a new one");
	}
	ret = ocs_epid_new(epid);
	if (ret < 0)
		return ret;
	ret = atomic_file_write(dfd, EPID_FILE, epid, 10, NULL);
	/* Not fatal: this run uses it, the next makes another. */
	if (ret < 0)
		log_warning(s->log, SUBSYS, "cannot store the epid", LOG_ERRNO(ret));
	return 0;
}

static void evaluate(struct signin *s);

static void on_reg_state(void *ctx, enum sip_reg_state state)
{
	struct signin *s = ctx;
	enum sip_reg_state prev = s->last_state;

	s->last_state = state;
	if (state == SIP_REG_REGISTERED && !s->link_to_registered_usec &&
	    s->d->dhcp) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		s->link_to_registered_usec = (uint64_t)ts.tv_sec * USEC +
					     (uint64_t)ts.tv_nsec / 1000u -
					     dhcp_client_link_up_usec(s->d->dhcp);
	}
	if (state == SIP_REG_REGISTERED && prev != SIP_REG_REFRESHING) {
		sip_provision_start(s->prov);
		sip_mwi_start(s->mwi);
	} else if (state == SIP_REG_IDLE) {
		sip_provision_reset(s->prov);
		sip_mwi_reset(s->mwi);
	}
}

static void on_changed(void *ctx)
{
	evaluate(ctx);
}

static int on_time_wait_over(sd_event_source *src, uint64_t usec, void *ud)
{
	struct signin *s = ud;

	(void)src;
	(void)usec;
	s->time_given_up = true;
	log_warning(s->log, SUBSYS,
		    "no NTP answer; checking certificates against the system clock",
		    LOG_UINT("waited_s", s->d->options.time_wait_s));
	evaluate(s);
	return 0;
}

/*
 * Certificates are only as good as the clock they are checked at: the
 * first NTP sample first, unless it is late, when the system clock will
 * have to do (a phone without NTP must still sign in).
 */
static bool time_ready(struct signin *s)
{
	if (sntp_offset(s->d->sntp, NULL) || !s->d->sntp ||
	    s->time_given_up || !s->d->options.time_wait_s) {
		s->time_timer = sd_event_source_disable_unref(s->time_timer);
		return true;
	}
	if (s->time_timer)
		return false;
	if (sd_event_add_time_relative(s->d->event, &s->time_timer,
				       CLOCK_MONOTONIC,
				       s->d->options.time_wait_s * USEC,
				       100000, on_time_wait_over, s) < 0)
		return true;
	log_info(s->log, SUBSYS, "waiting for the first NTP answer",
		 LOG_UINT("at_most_s", s->d->options.time_wait_s));
	return false;
}

static void evaluate_once(struct signin *s)
{
	const struct signin_identity *id = identity_get(s->d->identity);
	const struct registrar *targets;
	struct sip_account acct;
	X509_STORE *store;
	unsigned int n;
	int ret;

	if (!id) {
		s->waiting = "sign-in (ucphonectl signin)";
		resolver_set_sip_domain(s->d->resolver, NULL);
		if (sip_register_state(s->reg) != SIP_REG_IDLE &&
		    sip_register_state(s->reg) != SIP_REG_UNREGISTERING)
			sip_register_stop(s->reg);
		return;
	}
	/* The sign-in address's domain is the SIP domain (seed). */
	resolver_set_sip_domain(s->d->resolver, identity_domain(s->d->identity));
	targets = discovery_registrars(s->d->discovery, &n);
	store = trust_store(s->d->trust);
	if (sip_register_state(s->reg) != SIP_REG_IDLE &&
	    sip_register_state(s->reg) != SIP_REG_UNREGISTERING) {
		/* Registering already: follow the list and the store as they change. */
		if (n)
			sip_register_set_targets(s->reg, targets, n);
		sip_register_set_store(s->reg, store);
	}
	if (!n) {
		s->waiting = "registrar discovery";
	} else if (trust_get_state(s->d->trust) != TRUST_DONE) {
		s->waiting = "root CA discovery";
	} else if (!time_ready(s)) {
		s->waiting = waiting_for_time;
	} else {
		s->waiting = NULL;
		memset(&acct, 0, sizeof(acct));
		snprintf(acct.address, sizeof(acct.address), "%s", id->address);
		snprintf(acct.domain, sizeof(acct.domain), "%s",
			 identity_domain(s->d->identity));
		snprintf(acct.auth_user, sizeof(acct.auth_user), "%s",
			 identity_username(s->d->identity));
		memcpy(acct.password, id->password, sizeof(acct.password));
		acct.password[sizeof(acct.password) - 1] = '\0';
		ret = sip_register_start(s->reg, &acct, targets, n, store);
		secret_zero(&acct, sizeof(acct));
		if (ret < 0)
			log_error(s->log, SUBSYS, "cannot start registration",
				  LOG_ERRNO(ret));
	}
	X509_STORE_free(store);
}

/* Watches can fire from inside what evaluate calls: run again, not nested. */
static void evaluate(struct signin *s)
{
	if (s->evaluating) {
		s->again = true;
		return;
	}
	s->evaluating = true;
	do {
		s->again = false;
		evaluate_once(s);
	} while (s->again);
	s->evaluating = false;
}

static void verify_time(struct ucphoned *d, X509_VERIFY_PARAM *param)
{
	sntp_set_verify_time(d->sntp, param);
}

int signin_new(struct ucphoned *d, struct signin **out)
{
	static const struct sip_transport_options topt = {
		.connect_timeout_usec = 10 * USEC,
		.keepalive_usec = 30 * USEC,
		.pong_timeout_usec = 10 * USEC,
		.verify_time = verify_time,
	};
	struct sip_register_options ropt = {
		.expires_s = d->options.sip_expires_s,
		.failback_usec = (uint64_t)d->options.sip_failback_s * USEC,
		.auth_retry_usec = 1800 * USEC,
	};
	struct signin *s = calloc(1, sizeof(*s));
	char epid[11];
	int ret;

	if (!s)
		return -ENOMEM;
	s->d = d;
	s->log = &d->log;
	s->waiting = "sign-in (ucphonectl signin)";
	ret = load_epid(s, epid);
	if (ret >= 0)
		ret = sip_txn_layer_new(d, &topt, &s->l);
	if (ret >= 0)
		ret = sip_register_new(d, s->l, &ropt, epid, on_reg_state, s,
				       &s->reg);
	if (ret >= 0)
		ret = sip_provision_new(d, s->l, s->reg, &s->prov);
	if (ret >= 0)
		ret = sip_mwi_new(d, s->l, s->reg, &s->mwi);
	if (ret >= 0)
		ret = identity_watch(d->identity, on_changed, s);
	if (ret >= 0)
		ret = trust_watch(d->trust, on_changed, s);
	if (ret >= 0)
		ret = discovery_watch(d->discovery, on_changed, s);
	if (ret >= 0 && d->sntp)
		ret = sntp_watch(d->sntp, on_changed, s);
	if (ret < 0) {
		log_error(s->log, SUBSYS, "cannot set up sign-in", LOG_ERRNO(ret));
		signin_free(s);
		return ret;
	}
	*out = s;
	evaluate(s);
	return 0;
}

void signin_free(struct signin *s)
{
	if (!s)
		return;
	discovery_unwatch(s->d->discovery, s);
	if (s->d->sntp)
		sntp_unwatch(s->d->sntp, s);
	s->time_timer = sd_event_source_disable_unref(s->time_timer);
	if (s->d->trust)
		trust_unwatch(s->d->trust, s);
	if (s->d->identity)
		identity_unwatch(s->d->identity, s);
	sip_provision_free(s->prov);
	sip_mwi_free(s->mwi);
	sip_register_free(s->reg);
	sip_txn_layer_free(s->l);
	free(s);
}

struct sip_txn_layer *signin_txn_layer(const struct signin *s)
{
	return s->l;
}

struct sip_register *signin_register(const struct signin *s)
{
	return s->reg;
}

void signin_on_smtp_address(struct signin *s,
			    void (*cb)(void *ctx, const char *smtp_address),
			    void *ctx)
{
	sip_provision_on_smtp(s->prov, cb, ctx);
}

struct json_object *signin_status(const struct signin *s)
{
	struct json_object *o = sip_register_status(s->reg);
	enum sip_reg_state st = sip_register_state(s->reg);
	struct json_object *err, *trust, *refused, *tp, *cert_err;
	const char *text;
	char why[480];
	bool directory_refused;

	/* The directory refusing the password says more than any TLS error. */
	trust = trust_status(s->d->trust);
	directory_refused = trust &&
		json_object_object_get_ex(trust, "credentials_refused", &refused) &&
		json_object_get_boolean(refused);
	json_object_put(trust);
	if (s->waiting && (st == SIP_REG_IDLE || st == SIP_REG_UNREGISTERING))
		json_object_object_add(o, "waiting_for", json_object_new_string(s->waiting));
	/* One line for the phone's screen. */
	if (st == SIP_REG_REGISTERED || st == SIP_REG_REFRESHING)
		text = "Registered";
	else if (directory_refused && identity_get(s->d->identity))
		text = "Wrong password or user name (the directory refused the sign-in)";
	else if (st == SIP_REG_FAILED && json_object_object_get_ex(o, "error", &err))
		text = json_object_get_string(err);
	else if (st == SIP_REG_IDLE && s->waiting == waiting_for_time)
		text = "Waiting for time";
	else if (st == SIP_REG_IDLE && s->waiting)
		text = !identity_get(s->d->identity) ? "Signed out" : "Waiting";
	else
		text = "Signing in";
	/*
	 * A certificate outside its validity at the phone's time says so,
	 * even when a later target failed for another reason.
	 */
	tp = sip_txn_status(s->l);
	if (st == SIP_REG_FAILED && !directory_refused &&
	    json_object_object_get_ex(tp, "certificate_time_error", &cert_err)) {
		snprintf(why, sizeof(why), "%s (%s)", SIP_CERT_ERROR_TEXT,
			 json_object_get_string(cert_err));
		text = why;
	}
	json_object_object_add(o, "status_text", json_object_new_string(text));
	json_object_object_add(o, "time", json_object_new_string(
		sntp_offset(s->d->sntp, NULL) ? "ntp" :
		s->time_given_up ? "system clock: no NTP answer in time" :
		s->time_timer ? "waiting for NTP" : "system clock"));
	if (s->link_to_registered_usec)
		json_object_object_add(o, "link_to_registered_ms", json_object_new_uint64(
			s->link_to_registered_usec / 1000));
	json_object_object_add(o, "provisioning", sip_provision_status(s->prov));
	json_object_object_add(o, "voicemail", sip_mwi_status(s->mwi));
	json_object_object_add(o, "transport", tp);
	return o;
}

struct json_object *signin_registrar_chains(struct signin *s)
{
	return sip_transport_peer_chains(sip_txn_transport(s->l));
}

const char *signin_provisioned(const struct signin *s, const char *name)
{
	const struct prov_config *c = s->prov ? sip_provision_config(s->prov) : NULL;

	return c ? prov_config_get(c, name) : NULL;
}

void signin_on_mwi(struct signin *s, void (*cb)(void *ctx, struct json_object *ev),
		   void *ctx)
{
	sip_mwi_on_change(s->mwi, cb, ctx);
}
