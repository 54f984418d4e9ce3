// SPDX-License-Identifier: GPL-2.0-only
/*
 * ucphoned: the phone's control daemon. main() only parses options, builds
 * the context, runs the loop and takes everything down in reverse order.
 * It never forks: a supervisor or the image's init runs it.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include <linux/ucphone.h>

#include "call/calls.h"
#include "config.h"
#include "core/calls_start.h"
#include "core/control.h"
#include "core/daemon.h"
#include "core/events.h"
#include "core/info.h"
#include "core/network.h"
#include "core/options.h"
#include "core/reload.h"
#include "core/reset.h"
#include "core/slots.h"
#include "core/state_dir.h"
#include "core/status.h"
#include "core/wipe.h"
#include "net/curl_zeroing.h"
#include "exchange/exchange.h"
#include "device/audio.h"
#include "device/kernel_link.h"
#include "device/slot_health.h"
#include "device/watchdog.h"
#include "lib/control/control_proto.h"
#include "net/dhcp_client.h"
#include "net/dns.h"
#include "net/sntp.h"
#include "sip/discovery.h"
#include "sip/signin.h"
#include "trust/identity.h"
#include "trust/trust.h"
#include "update/update_client.h"

#define SUBSYS "main"

enum exit_code {
	EXIT_OK = 0,
	EXIT_FAILURE_RUNTIME = 1,
};

static int on_exit_signal(sd_event_source *source,
			  const struct signalfd_siginfo *si, void *userdata)
{
	struct ucphoned *d = userdata;

	log_info(&d->log, SUBSYS, "signal received; shutting down",
		 LOG_STR("signal", strsignal((int)si->ssi_signo)));
	return sd_event_exit(sd_event_source_get_event(source), 0);
}

static int on_sighup(sd_event_source *source,
		     const struct signalfd_siginfo *si, void *userdata)
{
	struct ucphoned *d = userdata;

	(void)source;
	(void)si;
	char error[CONTROL_ERROR_MAX];

	json_object_put(daemon_reload(d, error));
	return 0;
}

static int add_signals(struct ucphoned *d)
{
	int ret;

	/* SD_EVENT_SIGNAL_PROCMASK: sd-event blocks each signal it takes. */
	ret = sd_event_add_signal(d->event, &d->sigterm,
				  SIGTERM | SD_EVENT_SIGNAL_PROCMASK,
				  on_exit_signal, d);
	if (ret >= 0)
		ret = sd_event_add_signal(d->event, &d->sigint,
					  SIGINT | SD_EVENT_SIGNAL_PROCMASK,
					  on_exit_signal, d);
	if (ret >= 0)
		ret = sd_event_add_signal(d->event, &d->sighup,
					  SIGHUP | SD_EVENT_SIGNAL_PROCMASK,
					  on_sighup, d);
	return ret;
}

static uint64_t monotonic_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static struct json_object *info_view(void *userdata)
{
	return info_build(userdata);
}

static struct json_object *status_view(void *userdata)
{
	return status_build(userdata);
}

static void daemon_teardown(struct ucphoned *d)
{
	/* Stop petting (the watchdog stays armed for the next daemon). */
	watchdog_free(d->watchdog);
	d->watchdog = NULL;
	/* A call first: its BYE leaves on the registration's connection. */
	slot_health_free(d->slots);
	d->slots = NULL;
	calls_start_free(d);
	calls_free(d->calls);
	d->calls = NULL;
	/* Sign-in next: its un-REGISTER leaves while the network stands. */
	signin_free(d->signin);
	d->signin = NULL;
	exchange_free(d->exchange);
	d->exchange = NULL;
	update_free(d->update);
	d->update = NULL;
	/* DHCP next: it removes the address while the rest still stand. */
	dhcp_client_free(d->dhcp);
	d->dhcp = NULL;
	sntp_free(d->sntp);
	d->sntp = NULL;
	trust_free(d->trust);
	d->trust = NULL;
	discovery_free(d->discovery);
	d->discovery = NULL;
	resolver_free(d->resolver);
	d->resolver = NULL;
	audio_free(d->audio);
	d->audio = NULL;
	kernel_link_free(d->kernel);
	d->kernel = NULL;
	control_free(d->control);
	d->control = NULL;
	identity_free(d->identity);
	d->identity = NULL;
	if (d->state_dir_fd >= 0)
		close(d->state_dir_fd);
	d->state_dir_fd = -1;
	d->sighup = sd_event_source_disable_unref(d->sighup);
	d->sigint = sd_event_source_disable_unref(d->sigint);
	d->sigterm = sd_event_source_disable_unref(d->sigterm);
	d->event = sd_event_unref(d->event);
}

/* Provisioning's primary SMTP address is where Exchange is found (seed). */
static void on_smtp_address(void *ctx, const char *smtp_address)
{
	struct ucphoned *d = ctx;

	exchange_set_address(d->exchange, smtp_address);
	/* Provisioning arrived (or was forgotten): the sign-in update check. */
	update_set_signed_in(d->update, smtp_address != NULL,
			     signin_provisioned(d->signin, "updatesServerInternalUrl"));
}

/* The update client's progress: the screen (and every events client) hears it. */
static void on_update_event(void *ctx, struct json_object *event)
{
	struct ucphoned *d = ctx;

	control_broadcast_event(d->control, event);
}

/* The voice-mail light changed: every events client hears it. */
static void on_mwi(void *ctx, struct json_object *event)
{
	struct ucphoned *d = ctx;

	control_broadcast_event(d->control, event);
}

/* A call's state changed: every events client hears it; the ringer's volume while it rings. */
static void on_call_changed(void *userdata, struct json_object *event)
{
	struct ucphoned *d = userdata;

	audio_set_ringing(d->audio, calls_ringing(d->calls));
	control_broadcast_event(d->control, event);
}

static int daemon_setup(struct ucphoned *d)
{
	struct dhcp_client_listener lease_listener;
	struct calls_listener calls_listener = {
		.changed = on_call_changed,
		.userdata = d,
	};
	struct control_views views = {
		.info = info_view,
		.status = status_view,
		.userdata = d,
	};
	struct kernel_link_listener listener;
	int ret;

	d->started_usec = monotonic_usec();
	ret = sd_event_new(&d->event);
	if (ret < 0) {
		log_error(&d->log, SUBSYS, "cannot create the event loop",
			  LOG_ERRNO(ret));
		return ret;
	}
	ret = add_signals(d);
	if (ret < 0) {
		log_error(&d->log, SUBSYS, "cannot handle signals",
			  LOG_ERRNO(ret));
		return ret;
	}

	/* A wipe cut short by a power loss is finished before anything reads. */
	ret = wipe_recover(d->options.state_dir, &d->log);
	if (ret < 0)
		return ret;
	d->state_dir_fd = state_dir_open(d->options.state_dir, &d->log);
	if (d->state_dir_fd < 0)
		return d->state_dir_fd;
	/* The identity before anything that signs in with it (trust, SIP). */
	ret = identity_new(d, &d->identity);
	if (ret < 0)
		return ret;

	/* The socket first: a second daemon stops here, before the kernel. */
	ret = control_new(d, d->options.control_path, &views, &d->control);
	if (ret < 0)
		return ret;

	events_listener_init(d, &listener);
	ret = kernel_link_new(d->event, &d->log, &listener, &d->kernel);
	if (ret < 0)
		return ret;
	ret = audio_new(d->event, &d->log, &d->audio);
	if (ret >= 0)
		audio_keep_volumes(d->audio, d->state_dir_fd);
	/* The root slots: an updated slot on trial, a failed update. */
	if (ret >= 0 && slots_start(d) < 0)
		log_warning(&d->log, SUBSYS, "cannot watch the root slots");
	if (ret < 0 || !d->options.interface)
		return ret;

	network_listener_init(d, &lease_listener);
	ret = resolver_new(d, &d->resolver);
	if (ret >= 0)
		ret = discovery_new(d->event, &d->log, d->resolver,
				    d->options.trusted_domains,
				    d->options.n_trusted_domains,
				    &d->discovery);
	if (ret >= 0)
		ret = sntp_new(d, &d->sntp);
	if (ret >= 0)
		ret = trust_new(d, &d->trust);
	if (ret >= 0)
		ret = dhcp_client_new(d, &lease_listener, &d->dhcp);
	if (ret >= 0)
		ret = exchange_new(d, &d->exchange);
	if (ret >= 0)
		ret = update_new(d, &d->update);
	if (ret >= 0)
		update_on_event(d->update, on_update_event, d);
	if (ret >= 0)
		update_set_gate(d->update, slots_may_update, d);
	if (ret >= 0)
		ret = signin_new(d, &d->signin);
	if (ret >= 0)
		signin_on_smtp_address(d->signin, on_smtp_address, d);
	if (ret >= 0)
		signin_on_mwi(d->signin, on_mwi, d);
	/* No sound path yet: the phone signs in; calls start with the card. */
	if (ret >= 0)
		calls_start(d, &calls_listener);
	if (ret < 0)
		log_error(&d->log, SUBSYS, "cannot bring the network up",
			  LOG_STR("interface", d->options.interface),
			  LOG_ERRNO(ret));
	return ret;
}

int main(int argc, char **argv)
{
	struct ucphoned d = { .state_dir_fd = -1 };
	int ret;

	ret = options_parse(argc, argv, &d.options);
	if (ret != OPTIONS_RUN)
		return ret;

	/* Files we create are private unless we widen them on purpose. */
	umask(0077);
	/* Peers that vanish show up as EPIPE, never as a fatal signal. */
	signal(SIGPIPE, SIG_IGN);

	log_init(&d.log, "ucphoned", d.options.log_level, d.options.use_syslog);
	/* Before any libcurl use: what libcurl frees is zeroed (passwords). */
	if (curl_zeroing_init() < 0)
		log_warning(&d.log, SUBSYS, "cannot set libcurl's allocator");
	/* The recent lines, for the troubleshooting bundle. */
	if (log_ring_enable(&d.log) < 0)
		log_warning(&d.log, SUBSYS,
			    "no memory for the recent log lines; diag has none");

	ret = daemon_setup(&d);
	if (ret < 0) {
		daemon_teardown(&d);
		log_close(&d.log);
		return EXIT_FAILURE_RUNTIME;
	}

	log_info(&d.log, SUBSYS, "started", LOG_STR("version", UCPHONE_VERSION),
		 LOG_UINT("uapi", UCPHONE_GENL_VERSION),
		 LOG_STR("control", d.options.control_path),
		 LOG_STR("state_dir", d.options.state_dir),
		 LOG_STR("config", d.options.config_path));
	sd_notify(0, "READY=1");
	/* Only a daemon that came up pets the watchdog the boot armed. */
	if (d.options.watchdog &&
	    watchdog_new(d.event, &d.log, d.options.watchdog, 0, &d.watchdog) < 0)
		log_warning(&d.log, SUBSYS, "running without the watchdog");

	ret = sd_event_loop(d.event);
	if (ret < 0)
		log_error(&d.log, SUBSYS, "event loop failed", LOG_ERRNO(ret));

	if (d.reset_pending != RESET_ACTION_NONE) {
		daemon_teardown(&d);
		reset_restart(&d, argv);
		log_close(&d.log);
		return EXIT_FAILURE_RUNTIME;
	}
	sd_notify(0, "STOPPING=1");
	daemon_teardown(&d);
	curl_zeroing_cleanup();
	log_info(&d.log, SUBSYS, "stopped");
	log_close(&d.log);
	options_release(&d.options);
	return ret < 0 ? EXIT_FAILURE_RUNTIME : EXIT_OK;
}
