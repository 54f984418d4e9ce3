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

#include "audio.h"
#include "config.h"
#include "control.h"
#include "daemon.h"
#include "dhcp_client.h"
#include "events.h"
#include "curl_zeroing.h"
#include "exchange.h"
#include "identity.h"
#include "kernel_link.h"
#include "reset.h"
#include "resolver.h"
#include "signin.h"
#include "sntp.h"
#include "state_dir.h"
#include "trust.h"
#include "wipe.h"

#define SUBSYS "main"

enum exit_code {
	EXIT_OK = 0,
	EXIT_FAILURE_RUNTIME = 1,
	EXIT_USAGE = 2,
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ucphoned [OPTION]...\n"
		"The ucphone desk phone's control daemon. Runs in the foreground.\n"
		"\n"
		"  -c, --control PATH    control socket (default %s,\n"
		"                        or $UCPHONE_CONTROL)\n"
		"  -S, --state-dir PATH  state directory, created 0700 (default %s)\n"
		"  -v, --verbose         log debug messages too\n"
		"  -q, --quiet           log warnings and errors only; twice: errors\n"
		"      --syslog          log to syslog instead of stderr\n"
		"      --reset-long-press=soft|hard|ignore\n"
		"                        what a reset button press held at least\n"
		"                        --reset-long-press-ms while running does\n"
		"                        (default soft)\n"
		"      --reset-long-press-ms=MS  (default %u)\n"
		"  -i, --interface IFNAME  bring the network up on IFNAME: DHCP,\n"
		"                        DNS, registrar discovery, time (default: off)\n"
		"      --vendor-class STR  DHCP option 60 (default MS-UC-Client)\n"
		"      --sip-domain DOMAIN  SIP domain for discovery (default: the\n"
		"                        DHCP domain, option 15, until sign-in exists)\n"
		"      --ntp-fallback HOST  last time source (default time.windows.com)\n"
		"      --set-clock       step the system clock from NTP (default: off)\n"
		"      --release         send DHCPRELEASE when stopping\n"
		"      --sip-expires S   registration lifetime to ask for (default 3600)\n"
		"      --sip-failback-s S  registered on a lower-priority registrar,\n"
		"                        try the preferred one this often (default 300)\n"
		"      --signin-config FILE  sign in with the identity in FILE\n"
		"                        (address=, user=, password= lines) when\n"
		"                        none is stored by `ucphonectl signin`\n"
		"      --ca-bundle PATH  public CA roots, PEM (default %s)\n"
		"      --time-wait-s S   sign-in waits this long for the first NTP\n"
		"                        answer, then checks certificates against\n"
		"                        the system clock (default 10, 0: no wait)\n"
		"      --exchange-sync-s S  fetch Exchange contacts and voice mail\n"
		"                        this often (default 900, 60-86400)\n"
		"  -f, --foreground      accepted for compatibility; always so\n"
		"      --version         print the version and exit\n"
		"  -h, --help            print this help and exit\n",
		UCPHONE_DEFAULT_CONTROL, UCPHONE_DEFAULT_STATE_DIR,
		RESET_DEFAULT_LONG_PRESS_MS, UCPHONE_DEFAULT_CA_BUNDLE);
}

/* Returns -1 to go on, or the exit code. */
static int parse_options(int argc, char **argv, struct ucphoned_options *opt)
{
	enum { OPT_SYSLOG = 0x100, OPT_VERSION, OPT_LONG_PRESS,
	       OPT_LONG_PRESS_MS, OPT_VENDOR_CLASS, OPT_SIP_DOMAIN,
	       OPT_NTP_FALLBACK, OPT_SET_CLOCK, OPT_RELEASE, OPT_SIP_EXPIRES,
	       OPT_SIP_FAILBACK, OPT_SIGNIN_CONFIG, OPT_CA_BUNDLE,
	       OPT_TIME_WAIT, OPT_EXCHANGE_SYNC };
	static const struct option longopts[] = {
		{ "control", required_argument, NULL, 'c' },
		{ "state-dir", required_argument, NULL, 'S' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "syslog", no_argument, NULL, OPT_SYSLOG },
		{ "reset-long-press", required_argument, NULL, OPT_LONG_PRESS },
		{ "reset-long-press-ms", required_argument, NULL,
		  OPT_LONG_PRESS_MS },
		{ "interface", required_argument, NULL, 'i' },
		{ "vendor-class", required_argument, NULL, OPT_VENDOR_CLASS },
		{ "sip-domain", required_argument, NULL, OPT_SIP_DOMAIN },
		{ "ntp-fallback", required_argument, NULL, OPT_NTP_FALLBACK },
		{ "set-clock", no_argument, NULL, OPT_SET_CLOCK },
		{ "release", no_argument, NULL, OPT_RELEASE },
		{ "sip-expires", required_argument, NULL, OPT_SIP_EXPIRES },
		{ "sip-failback-s", required_argument, NULL, OPT_SIP_FAILBACK },
		{ "signin-config", required_argument, NULL, OPT_SIGNIN_CONFIG },
		{ "ca-bundle", required_argument, NULL, OPT_CA_BUNDLE },
		{ "time-wait-s", required_argument, NULL, OPT_TIME_WAIT },
		{ "exchange-sync-s", required_argument, NULL, OPT_EXCHANGE_SYNC },
		{ "foreground", no_argument, NULL, 'f' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env = getenv("UCPHONE_CONTROL");
	int verbosity = 0, c;

	opt->control_path = env && *env ? env : UCPHONE_DEFAULT_CONTROL;
	opt->state_dir = UCPHONE_DEFAULT_STATE_DIR;
	opt->use_syslog = false;
	opt->reset.long_press = RESET_ACTION_SOFT;
	opt->reset.long_press_ms = RESET_DEFAULT_LONG_PRESS_MS;
	opt->vendor_class = "MS-UC-Client";
	opt->ntp_fallback = "time.windows.com";
	opt->sip_expires_s = 3600;
	opt->sip_failback_s = 300;
	opt->ca_bundle = UCPHONE_DEFAULT_CA_BUNDLE;
	opt->time_wait_s = 10;
	opt->exchange_sync_s = 900;

	while ((c = getopt_long(argc, argv, "c:S:i:vqfh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			opt->control_path = optarg;
			break;
		case 'S':
			opt->state_dir = optarg;
			break;
		case 'v':
			verbosity++;
			break;
		case 'q':
			verbosity--;
			break;
		case OPT_SYSLOG:
			opt->use_syslog = true;
			break;
		case OPT_LONG_PRESS:
			if (reset_parse_action(optarg, &opt->reset.long_press)) {
				fprintf(stderr, "ucphoned: --reset-long-press wants soft, hard or ignore, not '%s'\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_LONG_PRESS_MS: {
			char *end;
			unsigned long ms;

			errno = 0;
			ms = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || ms > UINT32_MAX ||
			    optarg[0] == '-') {
				fprintf(stderr, "ucphoned: --reset-long-press-ms wants milliseconds, not '%s'\n",
					optarg);
				return EXIT_USAGE;
			}
			opt->reset.long_press_ms = (uint32_t)ms;
			break;
		}
		case 'i':
			opt->interface = optarg;
			break;
		case OPT_VENDOR_CLASS:
			opt->vendor_class = optarg;
			break;
		case OPT_SIP_DOMAIN:
			opt->sip_domain = optarg;
			break;
		case OPT_NTP_FALLBACK:
			opt->ntp_fallback = optarg;
			break;
		case OPT_SET_CLOCK:
			opt->set_clock = true;
			break;
		case OPT_RELEASE:
			opt->release_on_exit = true;
			break;
		case OPT_SIP_EXPIRES:
		case OPT_SIP_FAILBACK: {
			char *end;
			unsigned long v;

			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-' ||
			    v < 1 || v > 86400) {
				fprintf(stderr, "ucphoned: --%s wants 1-86400 seconds, not '%s'\n",
					c == OPT_SIP_EXPIRES ? "sip-expires" :
					"sip-failback-s", optarg);
				return EXIT_USAGE;
			}
			if (c == OPT_SIP_EXPIRES)
				opt->sip_expires_s = (uint32_t)v;
			else
				opt->sip_failback_s = (uint32_t)v;
			break;
		}
		case OPT_SIGNIN_CONFIG:
			opt->signin_config = optarg;
			break;
		case OPT_CA_BUNDLE:
			opt->ca_bundle = optarg;
			break;
		case OPT_TIME_WAIT: {
			char *end;
			unsigned long v;

			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-' ||
			    v > 600) {
				fprintf(stderr, "ucphoned: --time-wait-s wants 0-600 seconds, not '%s'\n",
					optarg);
				return EXIT_USAGE;
			}
			opt->time_wait_s = (uint32_t)v;
			break;
		}
		case OPT_EXCHANGE_SYNC: {
			char *end;
			unsigned long v;

			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-' ||
			    v < 60 || v > 86400) {
				fprintf(stderr, "ucphoned: --exchange-sync-s wants 60-86400 seconds, not '%s'\n",
					optarg);
				return EXIT_USAGE;
			}
			opt->exchange_sync_s = (uint32_t)v;
			break;
		}
		case 'f':
			break;
		case OPT_VERSION:
			printf("ucphoned %s (UAPI %d)\n", UCPHONE_VERSION,
			       UCPHONE_GENL_VERSION);
			return EXIT_OK;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ucphoned: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!*opt->control_path || !*opt->state_dir) {
		fprintf(stderr, "ucphoned: empty path\n");
		return EXIT_USAGE;
	}
	if ((opt->interface && !*opt->interface) || !*opt->vendor_class ||
	    strlen(opt->vendor_class) > 255 ||
	    (opt->sip_domain && !*opt->sip_domain) ||
	    (opt->signin_config && !*opt->signin_config)) {
		fprintf(stderr, "ucphoned: empty --interface, --sip-domain or "
			"--signin-config, or --vendor-class empty or over 255 bytes\n");
		return EXIT_USAGE;
	}

	verbosity += LOG_LEVEL_INFO;
	if (verbosity < LOG_LEVEL_ERROR)
		verbosity = LOG_LEVEL_ERROR;
	if (verbosity > LOG_LEVEL_DEBUG)
		verbosity = LOG_LEVEL_DEBUG;
	opt->log_level = (enum log_level)verbosity;
	return -1;
}

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
	/* Reserved for reloading configuration once there is some. */
	log_info(&d->log, SUBSYS, "SIGHUP received; nothing to reload yet");
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

static void daemon_teardown(struct ucphoned *d)
{
	/* Sign-in first: its un-REGISTER leaves while the network stands. */
	signin_free(d->signin);
	d->signin = NULL;
	exchange_free(d->exchange);
	d->exchange = NULL;
	/* DHCP next: it removes the address while the rest still stand. */
	dhcp_client_free(d->dhcp);
	d->dhcp = NULL;
	sntp_free(d->sntp);
	d->sntp = NULL;
	trust_free(d->trust);
	d->trust = NULL;
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
}

static int daemon_setup(struct ucphoned *d)
{
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
	ret = control_new(d, d->options.control_path, &d->control);
	if (ret < 0)
		return ret;

	events_listener_init(d, &listener);
	ret = kernel_link_new(d->event, &d->log, &listener, &d->kernel);
	if (ret < 0)
		return ret;
	ret = audio_new(d->event, &d->log, &d->audio);
	if (ret < 0 || !d->options.interface)
		return ret;

	ret = resolver_new(d, &d->resolver);
	if (ret >= 0)
		ret = sntp_new(d, &d->sntp);
	if (ret >= 0)
		ret = trust_new(d, &d->trust);
	if (ret >= 0)
		ret = dhcp_client_new(d, &d->dhcp);
	if (ret >= 0)
		ret = exchange_new(d, &d->exchange);
	if (ret >= 0)
		ret = signin_new(d, &d->signin);
	if (ret >= 0)
		signin_on_smtp_address(d->signin, on_smtp_address, d);
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

	ret = parse_options(argc, argv, &d.options);
	if (ret >= 0)
		return ret;

	/* Files we create are private unless we widen them on purpose. */
	umask(0077);
	/* Peers that vanish show up as EPIPE, never as a fatal signal. */
	signal(SIGPIPE, SIG_IGN);

	log_init(&d.log, "ucphoned", d.options.log_level, d.options.use_syslog);
	/* Before any libcurl use: what libcurl frees is zeroed (passwords). */
	if (curl_zeroing_init() < 0)
		log_warning(&d.log, SUBSYS, "cannot set libcurl's allocator");

	ret = daemon_setup(&d);
	if (ret < 0) {
		daemon_teardown(&d);
		log_close(&d.log);
		return EXIT_FAILURE_RUNTIME;
	}

	log_info(&d.log, SUBSYS, "started", LOG_STR("version", UCPHONE_VERSION),
		 LOG_UINT("uapi", UCPHONE_GENL_VERSION),
		 LOG_STR("control", d.options.control_path),
		 LOG_STR("state_dir", d.options.state_dir));
	sd_notify(0, "READY=1");

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
	return ret < 0 ? EXIT_FAILURE_RUNTIME : EXIT_OK;
}
