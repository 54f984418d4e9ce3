/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's context: everything ucphoned owns hangs off one struct
 * ucphoned, created in main() and passed by pointer. There is no other
 * mutable global state. A new job (DHCP, SIP...) adds its own file and one
 * pointer here, and plugs its sockets and timers into the same loop.
 */
#ifndef UCPHONED_DAEMON_H
#define UCPHONED_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "core/log.h"
#include "core/reset_policy.h"

struct audio;
struct calls;
struct calls_starter;
struct control;
struct dhcp_client;
struct discovery;
struct exchange;
struct identity;
struct kernel_link;
struct resolver;
struct signin;
struct slot_health;
struct sntp;
struct trust;
struct update;
struct watchdog;

#define UCPHONED_TRUSTED_DOMAINS_MAX 8

struct ucphoned_options {
	const char *control_path;
	const char *state_dir;
	enum log_level log_level;
	bool use_syslog;
	struct reset_policy reset;
	/* network bring-up; only with --interface */
	const char *interface;
	const char *vendor_class;	/* DHCP option 60 */
	const char *sip_domain;		/* NULL: the DHCP domain (option 15) */
	const char *ntp_fallback;
	bool set_clock;
	bool release_on_exit;
	/* sign-in */
	uint32_t sip_expires_s;		/* REGISTER Expires asked for */
	uint32_t sip_failback_s;	/* retry the preferred registrar */
	/* sign-in: identity file read when none is stored */
	const char *signin_config;
	const char *ca_bundle;		/* public roots (PEM) */
	uint32_t time_wait_s;		/* sign-in waits for NTP at most this */
	/* where these came from (core/options.c) */
	const char *config_path;	/* the file read, or the default */
	bool config_explicit;		/* --config given: the file must exist */
	int argc;			/* main()'s, for a reload */
	char **argv;
	char **file_strings;		/* values the file gave, owned */
	size_t n_file_strings;
	/* calls */
	const char *srtp;		/* "mandatory", "optional", "off" */
	bool call_waiting;		/* false: a second call gets 486 */
	const char *codecs;		/* "opus,G722,PCMU,PCMA": offer order */
	const char *audio_playback;	/* ALSA PCM names */
	const char *audio_capture;
	uint32_t audio_rate;		/* the sound card's rate, Hz */
	/*
	 * Domains whose servers are trusted besides the SIP domain's own,
	 * when DNS names them (--trusted-server-domain, provisioned).
	 */
	const char *trusted_domains[UCPHONED_TRUSTED_DOMAINS_MAX];
	unsigned int n_trusted_domains;
	uint32_t exchange_sync_s;	/* EWS contacts/voice mail refresh period */
	/* updates: an updated slot proves itself within this, or is left */
	uint32_t update_trial_min;
	const char *update_reboot_window;	/* "any" or "HH:MM-HH:MM" */
	/* Device Update (update/) */
	const char *update_installer;	/* command; the image's path is added */
	const char *update_vendor_root;	/* PEM: the roots images are signed under */
	const char *update_version_file;	/* the installed version */
	const char *update_model;
	const char *update_hardware_revision;
	const char *update_serial;	/* NULL: the MAC's 12 hex digits */
	const char *update_locale;
	uint64_t update_max_size;	/* bytes */
	const char *watchdog;		/* NULL: no watchdog to pet */
};

struct ucphoned {
	struct ucphoned_options options;
	struct log log;
	sd_event *event;
	uint64_t started_usec;		/* CLOCK_MONOTONIC */

	int state_dir_fd;		/* open O_DIRECTORY, for *at() calls */
	struct kernel_link *kernel;
	struct control *control;
	struct resolver *resolver;
	struct discovery *discovery;	/* registrars (sip/discovery.c) */
	struct sntp *sntp;
	struct dhcp_client *dhcp;
	struct audio *audio;		/* the sound card (audio.c) */
	struct identity *identity;	/* sign-in address, user, password */
	struct trust *trust;		/* root CAs (trust.c) */
	struct signin *signin;		/* registration + provisioning (signin.c) */
	struct calls *calls;		/* calls (call/calls.c), NULL without media */
	struct calls_starter *calls_starter; /* starts calls once there is sound */
	struct exchange *exchange;	/* Autodiscover + EWS (exchange/) */
	struct slot_health *slots;	/* A/B root slots, update trial */
	struct update *update;		/* Device Update client (update/) */
	struct watchdog *watchdog;	/* petted from the loop (--watchdog) */

	sd_event_source *sigterm, *sigint, *sighup;
	/* Set by reset.c when the loop stops for a reset. */
	enum reset_action reset_pending;
};

#endif /* UCPHONED_DAEMON_H */
