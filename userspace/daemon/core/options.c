// SPDX-License-Identifier: GPL-2.0-only
/*
 * ucphoned's settings: defaults, then the configuration file, then the
 * command line (options.h). One table names every setting once, so each
 * long option is a file key by construction.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/ucphone.h>

#include "config.h"
#include "core/options.h"
#include "lib/dhcp/dhcp_msg.h"
#include "lib/sdp/sdp.h"
#include "lib/update/slot_trial.h"
#include "lib/util/conf_file.h"
#include "lib/xml/update_xml.h"

/* Device Update: the vendor's signing root and the installed version, in the image. */
#define UPDATE_DEFAULT_VENDOR_ROOT "/etc/ucphone/update-vendor-root.pem"
/* (in the read-only root: /etc is an overlay the data partition shadows) */
#define UPDATE_DEFAULT_VERSION_FILE "/usr/lib/ucphone/version"

enum option_id {
	OPT_CONTROL = 'c',
	OPT_STATE_DIR = 'S',
	OPT_VERBOSE = 'v',
	OPT_QUIET = 'q',
	OPT_INTERFACE = 'i',
	OPT_FOREGROUND = 'f',
	OPT_HELP = 'h',
	OPT_CONFIG = 'C',
	OPT_SYSLOG = 0x100,
	OPT_VERSION,
	OPT_LOG_LEVEL,
	OPT_LONG_PRESS,
	OPT_LONG_PRESS_MS,
	OPT_VENDOR_CLASS,
	OPT_SIP_DOMAIN,
	OPT_NTP_FALLBACK,
	OPT_SET_CLOCK,
	OPT_RELEASE,
	OPT_SIP_EXPIRES,
	OPT_SIP_FAILBACK,
	OPT_SIGNIN_CONFIG,
	OPT_CA_BUNDLE,
	OPT_TIME_WAIT,
	OPT_SRTP,
	OPT_CODECS,
	OPT_AUDIO_PLAYBACK,
	OPT_AUDIO_CAPTURE,
	OPT_AUDIO_RATE,
	OPT_TRUSTED_DOMAIN,
	OPT_EXCHANGE_SYNC,
	OPT_CALL_WAITING,
	OPT_UPDATE_TRIAL,
	OPT_UPDATE_WINDOW,
	OPT_UPDATE_INSTALLER,
	OPT_UPDATE_VENDOR_ROOT,
	OPT_UPDATE_VERSION_FILE,
	OPT_UPDATE_MODEL,
	OPT_UPDATE_HW_REVISION,
	OPT_UPDATE_SERIAL,
	OPT_UPDATE_LOCALE,
	OPT_UPDATE_MAX_SIZE,
	OPT_WATCHDOG,
};

/* Where a setting may come from, and whether a reload applies it. */
enum option_flags {
	CMDLINE_ONLY = 1 << 0,	/* not a file key (--config, --help...) */
	LIVE = 1 << 1,		/* a reload changes it in the running daemon */
};

struct option_desc {
	struct option opt;
	unsigned int flags;
};

static const struct option_desc options[] = {
	{ { "config", required_argument, NULL, OPT_CONFIG }, CMDLINE_ONLY },
	{ { "control", required_argument, NULL, OPT_CONTROL }, 0 },
	{ { "state-dir", required_argument, NULL, OPT_STATE_DIR }, 0 },
	{ { "verbose", no_argument, NULL, OPT_VERBOSE }, LIVE },
	{ { "quiet", no_argument, NULL, OPT_QUIET }, LIVE },
	{ { "log-level", required_argument, NULL, OPT_LOG_LEVEL }, LIVE },
	{ { "syslog", no_argument, NULL, OPT_SYSLOG }, 0 },
	{ { "reset-long-press", required_argument, NULL, OPT_LONG_PRESS },
	  LIVE },
	{ { "reset-long-press-ms", required_argument, NULL, OPT_LONG_PRESS_MS },
	  LIVE },
	{ { "interface", required_argument, NULL, OPT_INTERFACE }, 0 },
	{ { "vendor-class", required_argument, NULL, OPT_VENDOR_CLASS }, 0 },
	{ { "sip-domain", required_argument, NULL, OPT_SIP_DOMAIN }, 0 },
	{ { "ntp-fallback", required_argument, NULL, OPT_NTP_FALLBACK }, 0 },
	{ { "set-clock", no_argument, NULL, OPT_SET_CLOCK }, LIVE },
	{ { "release", no_argument, NULL, OPT_RELEASE }, LIVE },
	{ { "sip-expires", required_argument, NULL, OPT_SIP_EXPIRES }, 0 },
	{ { "sip-failback-s", required_argument, NULL, OPT_SIP_FAILBACK }, 0 },
	{ { "signin-config", required_argument, NULL, OPT_SIGNIN_CONFIG }, 0 },
	{ { "ca-bundle", required_argument, NULL, OPT_CA_BUNDLE }, 0 },
	{ { "trusted-server-domain", required_argument, NULL,
	    OPT_TRUSTED_DOMAIN }, 0 },
	{ { "time-wait-s", required_argument, NULL, OPT_TIME_WAIT }, LIVE },
	{ { "exchange-sync-s", required_argument, NULL, OPT_EXCHANGE_SYNC }, 0 },
	{ { "srtp", required_argument, NULL, OPT_SRTP }, 0 },
	{ { "codecs", required_argument, NULL, OPT_CODECS }, 0 },
	{ { "audio-playback", required_argument, NULL, OPT_AUDIO_PLAYBACK }, 0 },
	{ { "audio-capture", required_argument, NULL, OPT_AUDIO_CAPTURE }, 0 },
	{ { "audio-rate", required_argument, NULL, OPT_AUDIO_RATE }, 0 },
	{ { "call-waiting", required_argument, NULL, OPT_CALL_WAITING }, 0 },
	{ { "update-trial-min", required_argument, NULL, OPT_UPDATE_TRIAL }, 0 },
	{ { "update-reboot-window", required_argument, NULL, OPT_UPDATE_WINDOW },
	  0 },
	{ { "update-installer", required_argument, NULL, OPT_UPDATE_INSTALLER }, 0 },
	{ { "update-vendor-root", required_argument, NULL, OPT_UPDATE_VENDOR_ROOT }, 0 },
	{ { "update-version-file", required_argument, NULL, OPT_UPDATE_VERSION_FILE }, 0 },
	{ { "update-model", required_argument, NULL, OPT_UPDATE_MODEL }, 0 },
	{ { "update-hardware-revision", required_argument, NULL, OPT_UPDATE_HW_REVISION }, 0 },
	{ { "update-serial", required_argument, NULL, OPT_UPDATE_SERIAL }, 0 },
	{ { "update-locale", required_argument, NULL, OPT_UPDATE_LOCALE }, 0 },
	{ { "update-max-size", required_argument, NULL, OPT_UPDATE_MAX_SIZE }, 0 },
	{ { "watchdog", required_argument, NULL, OPT_WATCHDOG }, 0 },
	{ { "foreground", no_argument, NULL, OPT_FOREGROUND }, CMDLINE_ONLY },
	{ { "version", no_argument, NULL, OPT_VERSION }, CMDLINE_ONLY },
	{ { "help", no_argument, NULL, OPT_HELP }, CMDLINE_ONLY },
};

#define N_OPTIONS (sizeof(options) / sizeof(options[0]))
#define SHORT_OPTIONS "c:C:S:i:vqfh"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ucphoned [OPTION]...\n"
		"The ucphone desk phone's control daemon. Runs in the foreground.\n"
		"Every long option is also a key of the configuration file\n"
		"(ucphoned.conf(5)); the command line overrides the file.\n"
		"\n"
		"  -C, --config FILE     configuration file (default %s;\n"
		"                        a missing default file is no error)\n"
		"  -c, --control PATH    control socket (default %s,\n"
		"                        or $UCPHONE_CONTROL)\n"
		"  -S, --state-dir PATH  state directory, created 0700 (default %s)\n"
		"  -v, --verbose         log debug messages too\n"
		"  -q, --quiet           log warnings and errors only; twice: errors\n"
		"      --log-level LEVEL  error, warning, info or debug (default info)\n"
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
		"                        sign-in address's domain, else the DHCP\n"
		"                        domain, option 15)\n"
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
		"      --trusted-server-domain DOMAIN  a registrar that DNS names\n"
		"                        is used only inside the SIP domain or a\n"
		"                        DOMAIN given here (up to 8; repeatable)\n"
		"      --time-wait-s S   sign-in waits this long for the first NTP\n"
		"                        answer, then checks certificates against\n"
		"                        the system clock (default 10, 0: no wait)\n"
		"      --exchange-sync-s S  fetch Exchange contacts and voice mail\n"
		"                        this often (default 900, 60-86400)\n"
		"      --srtp POLICY     calls: mandatory (default), optional or off\n"
		"      --call-waiting on|off  a second call during a call rings\n"
		"                        with the call-waiting tone (on, default)\n"
		"                        or is refused 486 Busy Here (off)\n"
		"      --codecs LIST     calls: codecs in preference order (default\n"
		"                        opus,G722,PCMU,PCMA)\n"
		"      --audio-playback PCM  ALSA device calls and tones play on\n"
		"                        (default \"default\")\n"
		"      --audio-capture PCM  ALSA device calls capture from\n"
		"                        (default \"default\")\n"
		"      --audio-rate HZ   the sound card's rate: 8000 (default), 16000,\n"
		"                        32000 or 48000\n"
		"      --update-trial-min N  an updated root slot must register\n"
		"                        (or bring the network up, with no\n"
		"                        sign-in) within N minutes to be kept\n"
		"                        (default 10, 1-1440)\n"
		"      --update-reboot-window any|HH:MM-HH:MM  reboot into an\n"
		"                        installed update only in this local time\n"
		"                        window, and never during a call (any)\n"
		"      --update-installer CMD  Device Update: run CMD IMAGE to install\n"
		"                        a verified image (default \"rauc install\")\n"
		"      --update-vendor-root FILE  PEM roots an image's signature must\n"
		"                        chain to (default %s)\n"
		"      --update-version-file FILE  holds the installed version\n"
		"                        (default %s)\n"
		"      --update-model MODEL  model sent and matched (default CX700)\n"
		"      --update-hardware-revision REV  (default A)\n"
		"      --update-serial SERIAL  (default: the MAC's hex digits)\n"
		"      --update-locale LOCALE  (default en-US)\n"
		"      --update-max-size BYTES  largest image taken (default 536870912)\n"
		"      --watchdog DEVICE  pet this watchdog (/dev/watchdog) from the\n"
		"                        main loop, so a hung or absent daemon reboots\n"
		"                        the phone (default: none)\n"
		"  -f, --foreground      accepted for compatibility; always so\n"
		"      --version         print the version and exit\n"
		"  -h, --help            print this help and exit\n",
		OPTIONS_DEFAULT_CONFIG, UCPHONE_DEFAULT_CONTROL,
		UCPHONE_DEFAULT_STATE_DIR, RESET_DEFAULT_LONG_PRESS_MS,
		UCPHONE_DEFAULT_CA_BUNDLE, UPDATE_DEFAULT_VENDOR_ROOT,
		UPDATE_DEFAULT_VERSION_FILE);
}

static void set_defaults(struct ucphoned_options *opt)
{
	const char *env = getenv("UCPHONE_CONTROL");

	opt->control_path = env && *env ? env : UCPHONE_DEFAULT_CONTROL;
	opt->state_dir = UCPHONE_DEFAULT_STATE_DIR;
	opt->log_level = LOG_LEVEL_INFO;
	opt->use_syslog = false;
	opt->reset.long_press = RESET_ACTION_SOFT;
	opt->reset.long_press_ms = RESET_DEFAULT_LONG_PRESS_MS;
	opt->interface = NULL;
	opt->vendor_class = "MS-UC-Client";
	opt->sip_domain = NULL;
	opt->ntp_fallback = "time.windows.com";
	opt->set_clock = false;
	opt->release_on_exit = false;
	opt->sip_expires_s = 3600;
	opt->sip_failback_s = 300;
	opt->signin_config = NULL;
	opt->ca_bundle = UCPHONE_DEFAULT_CA_BUNDLE;
	opt->time_wait_s = 10;
	opt->exchange_sync_s = 900;
	opt->srtp = "mandatory";
	opt->call_waiting = true;
	opt->codecs = SDP_CODECS_DEFAULT;
	opt->audio_playback = "default";
	opt->audio_capture = "default";
	opt->audio_rate = 8000;
	opt->update_trial_min = 10;
	opt->update_reboot_window = "any";
	opt->update_installer = "rauc install";
	opt->update_vendor_root = UPDATE_DEFAULT_VENDOR_ROOT;
	opt->update_version_file = UPDATE_DEFAULT_VERSION_FILE;
	opt->update_model = "CX700";
	opt->update_hardware_revision = "A";
	opt->update_serial = NULL;
	opt->update_locale = "en-US";
	opt->update_max_size = 512ull * 1024 * 1024;
}

static const struct option_desc *find_by_id(int id)
{
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (options[i].opt.val == id)
			return &options[i];
	return NULL;
}

static const struct option_desc *find_by_name(const char *name)
{
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (!strcmp(options[i].opt.name, name))
			return &options[i];
	return NULL;
}

/* Whole decimal number in [min, max]; 0 or -EINVAL. */
static int parse_uint(const char *s, unsigned long min, unsigned long max,
		      uint32_t *out)
{
	unsigned long v;
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static int parse_log_level(const char *s, enum log_level *out)
{
	static const struct { const char *name; enum log_level level; } map[] = {
		{ "error", LOG_LEVEL_ERROR }, { "warning", LOG_LEVEL_WARNING },
		{ "info", LOG_LEVEL_INFO }, { "debug", LOG_LEVEL_DEBUG },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (!strcmp(s, map[i].name)) {
			*out = map[i].level;
			return 0;
		}
	}
	return -EINVAL;
}

static enum log_level level_step(enum log_level level, int step)
{
	int v = (int)level + step;

	if (v < LOG_LEVEL_ERROR)
		v = LOG_LEVEL_ERROR;
	if (v > LOG_LEVEL_DEBUG)
		v = LOG_LEVEL_DEBUG;
	return (enum log_level)v;
}

/* A non-empty string of at most max bytes; 0 or -EINVAL. */
static int check_string(const char *s, size_t max)
{
	return *s && strlen(s) <= max ? 0 : -EINVAL;
}

/*
 * Applies one setting. arg is NULL for a switch. On error writes what the
 * setting wants to why (without the setting's name) and returns -EINVAL.
 */
static int apply(struct ucphoned_options *opt, int id, const char *arg,
		 char *why, size_t why_len)
{
	const char *want = NULL;

	switch (id) {
	case OPT_CONTROL:
	case OPT_STATE_DIR:
	case OPT_CA_BUNDLE:
	case OPT_SIGNIN_CONFIG:
		if (check_string(arg, 4095)) {
			want = "a path";
			break;
		}
		if (id == OPT_CONTROL)
			opt->control_path = arg;
		else if (id == OPT_STATE_DIR)
			opt->state_dir = arg;
		else if (id == OPT_CA_BUNDLE)
			opt->ca_bundle = arg;
		else
			opt->signin_config = arg;
		break;
	case OPT_VERBOSE:
		opt->log_level = level_step(opt->log_level, 1);
		break;
	case OPT_QUIET:
		opt->log_level = level_step(opt->log_level, -1);
		break;
	case OPT_LOG_LEVEL:
		if (parse_log_level(arg, &opt->log_level))
			want = "error, warning, info or debug";
		break;
	case OPT_SYSLOG:
		opt->use_syslog = true;
		break;
	case OPT_LONG_PRESS:
		if (reset_parse_action(arg, &opt->reset.long_press))
			want = "soft, hard or ignore";
		break;
	case OPT_LONG_PRESS_MS:
		if (parse_uint(arg, 0, UINT32_MAX, &opt->reset.long_press_ms))
			want = "milliseconds";
		break;
	case OPT_INTERFACE:
		if (check_string(arg, 15) || strchr(arg, '/'))
			want = "an interface name";
		else
			opt->interface = arg;
		break;
	case OPT_VENDOR_CLASS:
		if (check_string(arg, 255))
			want = "1-255 bytes";
		else
			opt->vendor_class = arg;
		break;
	case OPT_SIP_DOMAIN:
		if (check_string(arg, 253))
			want = "a domain name";
		else
			opt->sip_domain = arg;
		break;
	case OPT_NTP_FALLBACK:
		/* "" is allowed: no last-resort time source */
		if (strlen(arg) > 253)
			want = "a host name";
		else
			opt->ntp_fallback = arg;
		break;
	case OPT_SET_CLOCK:
		opt->set_clock = true;
		break;
	case OPT_RELEASE:
		opt->release_on_exit = true;
		break;
	case OPT_SIP_EXPIRES:
		if (parse_uint(arg, 1, 86400, &opt->sip_expires_s))
			want = "1-86400 seconds";
		break;
	case OPT_SIP_FAILBACK:
		if (parse_uint(arg, 1, 86400, &opt->sip_failback_s))
			want = "1-86400 seconds";
		break;
	case OPT_TIME_WAIT:
		if (parse_uint(arg, 0, 600, &opt->time_wait_s))
			want = "0-600 seconds";
		break;
	case OPT_UPDATE_TRIAL:
		if (parse_uint(arg, 1, 1440, &opt->update_trial_min))
			want = "1-1440 minutes";
		break;
	case OPT_UPDATE_WINDOW: {
		struct maint_window w;

		if (maint_window_parse(arg, &w) < 0)
			want = "any or HH:MM-HH:MM";
		else
			opt->update_reboot_window = arg;
		break;
	}
	case OPT_EXCHANGE_SYNC:
		if (parse_uint(arg, 60, 86400, &opt->exchange_sync_s))
			want = "60-86400 seconds";
		break;
	case OPT_SRTP:
		if (strcmp(arg, "mandatory") && strcmp(arg, "optional") &&
		    strcmp(arg, "off"))
			want = "mandatory, optional or off";
		else
			opt->srtp = arg;
		break;
	case OPT_CALL_WAITING:
		if (strcmp(arg, "on") && strcmp(arg, "off"))
			want = "on or off";
		else
			opt->call_waiting = !strcmp(arg, "on");
		break;
	case OPT_CODECS: {
		enum media_codec list[MEDIA_CODEC_MAX];
		unsigned int n;

		if (sdp_codec_list_parse(arg, list, &n) < 0)
			want = "codec names (opus, G722, PCMU, PCMA) separated by commas, each once";
		else
			opt->codecs = arg;
		break;
	}
	case OPT_AUDIO_PLAYBACK:
	case OPT_AUDIO_CAPTURE:
		if (check_string(arg, 63))
			want = "an ALSA device name of 1-63 bytes";
		else if (id == OPT_AUDIO_PLAYBACK)
			opt->audio_playback = arg;
		else
			opt->audio_capture = arg;
		break;
	case OPT_AUDIO_RATE:
		if (parse_uint(arg, 8000, 48000, &opt->audio_rate) ||
		    (opt->audio_rate != 8000 && opt->audio_rate != 16000 &&
		     opt->audio_rate != 32000 && opt->audio_rate != 48000))
			want = "8000, 16000, 32000 or 48000 Hz";
		break;
	case OPT_TRUSTED_DOMAIN: {
		const char *bad = NULL;

		if (dns_name_check(arg, strlen(arg), &bad) < 0)
			want = "a domain name";
		else if (opt->n_trusted_domains == UCPHONED_TRUSTED_DOMAINS_MAX)
			want = "at most 8 domains";
		else
			opt->trusted_domains[opt->n_trusted_domains++] = arg;
		break;
	}
	case OPT_UPDATE_INSTALLER:
		if (check_string(arg, 255))
			want = "a command of 1-255 bytes";
		else
			opt->update_installer = arg;
		break;
	case OPT_UPDATE_VENDOR_ROOT:
	case OPT_UPDATE_VERSION_FILE:
		if (check_string(arg, 4095))
			want = "a path";
		else if (id == OPT_UPDATE_VENDOR_ROOT)
			opt->update_vendor_root = arg;
		else
			opt->update_version_file = arg;
		break;
	case OPT_UPDATE_MODEL:
	case OPT_UPDATE_HW_REVISION:
	case OPT_UPDATE_SERIAL:
	case OPT_UPDATE_LOCALE:
		if (update_xml_token_ok(arg))
			want = "1-63 of A-Z a-z 0-9 . _ : -";
		else if (id == OPT_UPDATE_MODEL)
			opt->update_model = arg;
		else if (id == OPT_UPDATE_HW_REVISION)
			opt->update_hardware_revision = arg;
		else if (id == OPT_UPDATE_SERIAL)
			opt->update_serial = arg;
		else
			opt->update_locale = arg;
		break;
	case OPT_UPDATE_MAX_SIZE: {
		char *end;
		unsigned long long v;

		errno = 0;
		v = *arg >= '0' && *arg <= '9' ? strtoull(arg, &end, 10) : 0;
		if (errno || !v || *end || v < 4096 || v > (1ull << 34))
			want = "4096 to 17179869184 bytes";
		else
			opt->update_max_size = v;
		break;
	}
	case OPT_WATCHDOG:
		if (check_string(arg, 4095))
			want = "a device path";
		else
			opt->watchdog = arg;
		break;
	case OPT_FOREGROUND:
		break;
	default:
		want = "nothing: not a setting";
		break;
	}
	if (!want)
		return 0;
	snprintf(why, why_len, "wants %s, not '%s'", want, arg ? arg : "");
	return -EINVAL;
}

struct file_ctx {
	struct ucphoned_options *opt;
};

static int keep_string(struct ucphoned_options *opt, const char *value,
		       const char **out)
{
	char **grown;
	char *copy = strdup(value);

	if (!copy)
		return -ENOMEM;
	grown = realloc(opt->file_strings,
			(opt->n_file_strings + 1) * sizeof(*grown));
	if (!grown) {
		free(copy);
		return -ENOMEM;
	}
	opt->file_strings = grown;
	opt->file_strings[opt->n_file_strings++] = copy;
	*out = copy;
	return 0;
}

static int on_pair(const char *key, const char *value, struct conf_error *err,
		   void *userdata)
{
	struct file_ctx *ctx = userdata;
	const struct option_desc *desc = find_by_name(key);
	const char *kept = NULL;
	char why[CONF_REASON_MAX - 80];
	bool on;

	if (!desc || (desc->flags & CMDLINE_ONLY)) {
		snprintf(err->reason, sizeof(err->reason),
			 "unknown key '%s'", key);
		return -EINVAL;
	}
	if (desc->opt.has_arg == no_argument) {
		if (conf_parse_bool(value, &on)) {
			snprintf(err->reason, sizeof(err->reason),
				 "%s wants yes or no, not '%.60s'", key, value);
			return -EINVAL;
		}
		if (!on)
			return 0;
		return apply(ctx->opt, desc->opt.val, NULL, why, sizeof(why)) ?
			-EINVAL : 0;
	}
	if (keep_string(ctx->opt, value, &kept)) {
		snprintf(err->reason, sizeof(err->reason), "out of memory");
		return -EINVAL;
	}
	if (apply(ctx->opt, desc->opt.val, kept, why, sizeof(why))) {
		snprintf(err->reason, sizeof(err->reason), "%s %s", key, why);
		return -EINVAL;
	}
	return 0;
}

/* Reads the whole file; -ENOENT, -EFBIG or another -errno. */
static int read_file(const char *path, char **text, size_t *len)
{
	size_t cap = CONF_SIZE_MAX + 1, n = 0;
	char *buf;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (n < cap) {
		ssize_t r = read(fd, buf + n, cap - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			break;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (!ret && n > CONF_SIZE_MAX)
		ret = -EFBIG;
	if (ret) {
		free(buf);
		return ret;
	}
	*text = buf;
	*len = n;
	return 0;
}

/* 0, or -EINVAL with the reason (file:line: ...) in err. */
static int load_file(struct ucphoned_options *opt, char *err, size_t err_len)
{
	struct file_ctx ctx = { .opt = opt };
	struct conf_error cerr;
	char *text = NULL;
	size_t len = 0;
	int ret;

	ret = read_file(opt->config_path, &text, &len);
	if (ret == -ENOENT && !opt->config_explicit)
		return 0;
	if (ret == -EFBIG) {
		snprintf(err, err_len, "%s: larger than 64 KiB",
			 opt->config_path);
		return -EINVAL;
	}
	if (ret < 0) {
		snprintf(err, err_len, "%s: %s", opt->config_path,
			 strerror(-ret));
		return -EINVAL;
	}
	ret = conf_parse(text, len, on_pair, &ctx, &cerr);
	free(text);
	if (ret < 0) {
		if (cerr.line)
			snprintf(err, err_len, "%s:%u: %s", opt->config_path,
				 cerr.line, cerr.reason);
		else
			snprintf(err, err_len, "%s: %s", opt->config_path,
				 cerr.reason);
		return -EINVAL;
	}
	return 0;
}

static void build_longopts(struct option *out)
{
	for (size_t i = 0; i < N_OPTIONS; i++)
		out[i] = options[i].opt;
	memset(&out[N_OPTIONS], 0, sizeof(out[N_OPTIONS]));
}

/* First pass: only --config, so that the file goes under the command line. */
static void find_config(int argc, char **argv, struct ucphoned_options *opt,
			const struct option *longopts)
{
	int c;

	opterr = 0;
	optind = 0;
	opt->config_path = OPTIONS_DEFAULT_CONFIG;
	opt->config_explicit = false;
	while ((c = getopt_long(argc, argv, SHORT_OPTIONS, longopts,
				NULL)) != -1) {
		if (c == OPT_CONFIG) {
			opt->config_path = optarg;
			opt->config_explicit = true;
		}
	}
	opterr = 1;
	optind = 0;
}

/* Defaults, file, argv. 0, or -EINVAL with err filled in; *exit for help. */
static int build(struct ucphoned_options *opt, bool quiet_cmdline,
		 enum options_result *exit, char *err, size_t err_len)
{
	struct option longopts[N_OPTIONS + 1];
	char why[160];
	int c, ret;

	*exit = OPTIONS_RUN;
	build_longopts(longopts);
	set_defaults(opt);
	find_config(opt->argc, opt->argv, opt, longopts);
	if (!*opt->config_path) {
		snprintf(err, err_len, "--config wants a path");
		return -EINVAL;
	}
	ret = load_file(opt, err, err_len);
	if (ret < 0)
		return ret;

	opterr = !quiet_cmdline;
	while ((c = getopt_long(opt->argc, opt->argv, SHORT_OPTIONS, longopts,
				NULL)) != -1) {
		const struct option_desc *desc = find_by_id(c);

		if (c == OPT_CONFIG)
			continue;
		if (c == OPT_HELP || c == OPT_VERSION) {
			if (quiet_cmdline)
				continue;
			if (c == OPT_HELP)
				usage(stdout);
			else
				printf("ucphoned %s (UAPI %d)\n",
				       UCPHONE_VERSION, UCPHONE_GENL_VERSION);
			*exit = OPTIONS_EXIT_OK;
			return 0;
		}
		if (!desc) {
			snprintf(err, err_len, "unknown option (see --help)");
			opterr = 1;
			return -EINVAL;
		}
		if (apply(opt, c, optarg, why, sizeof(why))) {
			snprintf(err, err_len, "--%s %s", desc->opt.name, why);
			opterr = 1;
			return -EINVAL;
		}
	}
	opterr = 1;
	if (optind < opt->argc) {
		snprintf(err, err_len, "unexpected argument '%s'",
			 opt->argv[optind]);
		return -EINVAL;
	}
	return 0;
}

enum options_result options_parse(int argc, char **argv,
				  struct ucphoned_options *opt)
{
	enum options_result exit;
	char err[OPTIONS_ERROR_MAX];

	memset(opt, 0, sizeof(*opt));
	opt->argc = argc;
	opt->argv = argv;
	if (build(opt, false, &exit, err, sizeof(err)) < 0) {
		fprintf(stderr, "ucphoned: %s\n", err);
		if (!strncmp(err, "unknown option", 14) ||
		    !strncmp(err, "unexpected", 10))
			usage(stderr);
		options_release(opt);
		return OPTIONS_EXIT_USAGE;
	}
	if (exit == OPTIONS_EXIT_OK) {
		options_release(opt);
		return OPTIONS_EXIT_OK;
	}
	return OPTIONS_RUN;
}

void options_release(struct ucphoned_options *opt)
{
	for (size_t i = 0; i < opt->n_file_strings; i++)
		free(opt->file_strings[i]);
	free(opt->file_strings);
	opt->file_strings = NULL;
	opt->n_file_strings = 0;
}

static void add_key(char *list, size_t len, unsigned int *count,
		    const char *key)
{
	size_t used = strlen(list);

	snprintf(list + used, len - used, "%s%s", used ? " " : "", key);
	(*count)++;
}

static bool str_differs(const char *a, const char *b)
{
	if (!a || !b)
		return a != b;
	return strcmp(a, b) != 0;
}

static bool same_domains(const struct ucphoned_options *a,
			 const struct ucphoned_options *b)
{
	if (a->n_trusted_domains != b->n_trusted_domains)
		return false;
	for (unsigned int i = 0; i < a->n_trusted_domains; i++)
		if (str_differs(a->trusted_domains[i], b->trusted_domains[i]))
			return false;
	return true;
}

int options_reload(struct ucphoned_options *cur,
		   struct options_reload_result *result)
{
	struct ucphoned_options next = { .argc = cur->argc, .argv = cur->argv };
	enum options_result exit;
	int ret;

	memset(result, 0, sizeof(*result));
	ret = build(&next, true, &exit, result->error, sizeof(result->error));
	if (ret < 0) {
		options_release(&next);
		return ret;
	}

#define LIVE_FIELD(field, key) do {					\
	if (cur->field != next.field) {					\
		cur->field = next.field;				\
		add_key(result->applied_keys,				\
			sizeof(result->applied_keys), &result->applied, key); \
	}								\
} while (0)
#define RESTART_FIELD(differs, key) do {				\
	if (differs)							\
		add_key(result->restart_keys,				\
			sizeof(result->restart_keys), &result->restart, key); \
} while (0)

	LIVE_FIELD(log_level, "log-level");
	LIVE_FIELD(reset.long_press, "reset-long-press");
	LIVE_FIELD(reset.long_press_ms, "reset-long-press-ms");
	LIVE_FIELD(set_clock, "set-clock");
	LIVE_FIELD(release_on_exit, "release");
	LIVE_FIELD(time_wait_s, "time-wait-s");

	RESTART_FIELD(str_differs(cur->control_path, next.control_path),
		      "control");
	RESTART_FIELD(str_differs(cur->state_dir, next.state_dir), "state-dir");
	RESTART_FIELD(cur->use_syslog != next.use_syslog, "syslog");
	RESTART_FIELD(str_differs(cur->interface, next.interface), "interface");
	RESTART_FIELD(str_differs(cur->vendor_class, next.vendor_class),
		      "vendor-class");
	RESTART_FIELD(str_differs(cur->sip_domain, next.sip_domain),
		      "sip-domain");
	RESTART_FIELD(str_differs(cur->ntp_fallback, next.ntp_fallback),
		      "ntp-fallback");
	RESTART_FIELD(cur->sip_expires_s != next.sip_expires_s, "sip-expires");
	RESTART_FIELD(cur->sip_failback_s != next.sip_failback_s,
		      "sip-failback-s");
	RESTART_FIELD(str_differs(cur->signin_config, next.signin_config),
		      "signin-config");
	RESTART_FIELD(str_differs(cur->ca_bundle, next.ca_bundle), "ca-bundle");
	RESTART_FIELD(!same_domains(cur, &next), "trusted-server-domain");
	RESTART_FIELD(cur->exchange_sync_s != next.exchange_sync_s,
		      "exchange-sync-s");
	RESTART_FIELD(cur->update_trial_min != next.update_trial_min,
		      "update-trial-min");
	RESTART_FIELD(str_differs(cur->update_reboot_window,
				  next.update_reboot_window),
		      "update-reboot-window");
	RESTART_FIELD(str_differs(cur->srtp, next.srtp), "srtp");
	RESTART_FIELD(cur->call_waiting != next.call_waiting, "call-waiting");
	RESTART_FIELD(str_differs(cur->codecs, next.codecs), "codecs");
	RESTART_FIELD(str_differs(cur->audio_playback, next.audio_playback),
		      "audio-playback");
	RESTART_FIELD(str_differs(cur->audio_capture, next.audio_capture),
		      "audio-capture");
	RESTART_FIELD(cur->audio_rate != next.audio_rate, "audio-rate");
	RESTART_FIELD(str_differs(cur->update_installer, next.update_installer),
		      "update-installer");
	RESTART_FIELD(str_differs(cur->update_vendor_root, next.update_vendor_root),
		      "update-vendor-root");
	RESTART_FIELD(str_differs(cur->update_version_file, next.update_version_file),
		      "update-version-file");
	RESTART_FIELD(str_differs(cur->update_model, next.update_model),
		      "update-model");
	RESTART_FIELD(str_differs(cur->update_hardware_revision,
				  next.update_hardware_revision),
		      "update-hardware-revision");
	RESTART_FIELD(str_differs(cur->update_serial, next.update_serial),
		      "update-serial");
	RESTART_FIELD(str_differs(cur->update_locale, next.update_locale),
		      "update-locale");
	RESTART_FIELD(cur->update_max_size != next.update_max_size,
		      "update-max-size");
	RESTART_FIELD(str_differs(cur->watchdog, next.watchdog), "watchdog");
#undef LIVE_FIELD
#undef RESTART_FIELD

	/*
	 * The running daemon's strings stay where they are (other jobs hold
	 * pointers into them); the new file's copies are dropped.
	 */
	options_release(&next);
	return 0;
}
