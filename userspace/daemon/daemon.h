/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's context: everything ucphoned owns hangs off one struct
 * ucphoned, created in main() and passed by pointer. There is no other
 * mutable global state. A new job (DHCP, SIP...) adds its own file and one
 * pointer here, and plugs its sockets and timers into the same loop.
 */
#ifndef UCPHONED_DAEMON_H
#define UCPHONED_DAEMON_H

#include <stdint.h>

#include <systemd/sd-event.h>

#include "log.h"
#include "reset_policy.h"

struct audio;
struct control;
struct dhcp_client;
struct exchange;
struct identity;
struct kernel_link;
struct resolver;
struct signin;
struct sntp;
struct trust;

struct ucphoned_options {
	const char *control_path;
	const char *state_dir;
	enum log_level log_level;
	bool use_syslog;
	struct reset_policy reset;
	/* network bring-up (issue 6); only with --interface */
	const char *interface;
	const char *vendor_class;	/* DHCP option 60 */
	const char *sip_domain;		/* NULL: the DHCP domain (option 15) */
	const char *ntp_fallback;
	bool set_clock;
	bool release_on_exit;
	/* sign-in (issue 7) */
	uint32_t sip_expires_s;		/* REGISTER Expires asked for */
	uint32_t sip_failback_s;	/* retry the preferred registrar */
	/* sign-in (issue 7): identity file read when none is stored */
	const char *signin_config;
	const char *ca_bundle;		/* public roots (PEM), issue 7 */
	uint32_t time_wait_s;		/* sign-in waits for NTP at most this */
	uint32_t exchange_sync_s;	/* EWS contacts/voice mail refresh period */
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
	struct sntp *sntp;
	struct dhcp_client *dhcp;
	struct audio *audio;		/* the sound card (audio.c) */
	struct identity *identity;	/* sign-in address, user, password */
	struct trust *trust;		/* root CAs (trust.c) */
	struct signin *signin;		/* registration + provisioning (signin.c) */
	struct exchange *exchange;	/* Autodiscover + EWS (exchange/) */

	sd_event_source *sigterm, *sigint, *sighup;
	/* Set by reset.c when the loop stops for a reset. */
	enum reset_action reset_pending;
};

#endif /* UCPHONED_DAEMON_H */
