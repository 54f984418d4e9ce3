// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include <linux/ucphone.h>

#include "config.h"
#include "ctl/diag.h"
#include "ctl/kmsg.h"
#include "ctl/redact.h"

#define EXIT_USAGE 2
#define EXIT_FAILED 1
#define MEMBERS_MAX 16

struct member {
	const char *name;
	char *data;		/* malloc()ed */
	size_t len;
};

struct bundle {
	char dir[64];		/* ucphone-diag-<time> */
	time_t now;
	struct member m[MEMBERS_MAX];
	unsigned int n;
};

static void diag_usage(FILE *out)
{
	fprintf(out,
		"Usage: ucphonectl diag [--output FILE]\n"
		"Write the troubleshooting bundle (tar.gz): the daemon's log,\n"
		"status, info and counters, the lease, the registrars, the\n"
		"certificate chains' fingerprints, the ucphone kernel log lines,\n"
		"the software version and uname. Never a password or a key.\n"
		"\n"
		"  -o, --output FILE  where to write it (default:\n"
		"                     $TMPDIR or /tmp, ucphone-diag-<time>.tar.gz)\n"
		"  -h, --help         print this help\n");
}

int ctl_diag_parse(int argc, char **argv, struct diag_args *a)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 0;		/* GNU: start over on this new argv */
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (!*optarg) {
				fprintf(stderr, "ucphonectl: diag: empty --output\n");
				return EXIT_USAGE;
			}
			a->output = optarg;
			break;
		case 'h':
			diag_usage(stdout);
			return -1;
		default:
			diag_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "ucphonectl: diag: unexpected argument \"%s\"\n",
			argv[optind]);
		return EXIT_USAGE;
	}
	return 0;
}

static struct json_object *member_of(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* Adds a member, taking data (freed with the bundle). -ENOMEM. */
static int add_taken(struct bundle *b, const char *name, char *data,
		     size_t len)
{
	if (!data || b->n >= MEMBERS_MAX) {
		free(data);
		return -ENOMEM;
	}
	b->m[b->n++] = (struct member){ .name = name, .data = data, .len = len };
	return 0;
}

__attribute__((format(printf, 3, 4)))
static int add_text(struct bundle *b, const char *name, const char *fmt, ...)
{
	char *data = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&data, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	return add_taken(b, name, data, (size_t)n);
}

/* obj pretty-printed, or a note saying why there is none. */
static int add_json(struct bundle *b, const char *name,
		    struct json_object *obj, const char *missing)
{
	const char *text;

	if (!obj)
		return add_text(b, name, "{\"missing\": \"%s\"}\n", missing);
	text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text)
		return -ENOMEM;
	return add_text(b, name, "%s\n", text);
}

static const char *string_at(struct json_object *o, const char *a,
			     const char *key)
{
	struct json_object *v = member_of(member_of(o, a), key);

	return v ? json_object_get_string(v) : NULL;
}

static int add_version(struct bundle *b, const struct diag_inputs *in)
{
	const char *daemon = string_at(in->info, "daemon", "version");
	const char *release = string_at(in->info, "kernel", "release");
	struct json_object *kuapi = member_of(member_of(in->info, "kernel"),
					      "uapi");
	char module[128] = "not loaded";

	if (kuapi)
		snprintf(module, sizeof(module), "UAPI %d on Linux %s",
			 json_object_get_int(kuapi), release ? release : "?");
	return add_text(b, "version.txt",
			"software version: %s\n"
			"ucphoned: %s\n"
			"ucphonectl: %s (UAPI %d)\n"
			"ucphone.ko: %s\n",
			daemon ? daemon : "unknown (no answer from ucphoned)",
			daemon ? daemon : "not reachable",
			UCPHONE_VERSION, UCPHONE_GENL_VERSION, module);
}

static int add_uname(struct bundle *b)
{
	struct utsname u;

	if (uname(&u) < 0)
		return add_text(b, "uname.txt", "uname: %s\n", strerror(errno));
	return add_text(b, "uname.txt", "%s %s %s %s %s\n", u.sysname,
			u.nodename, u.release, u.version, u.machine);
}

static int add_registrars(struct bundle *b, struct json_object *status)
{
	struct json_object *dns = member_of(status, "dns");
	struct json_object *o = json_object_new_object();
	static const char *const keys[] = {
		"discovery", "discovery_ms", "error", "retry_in_s", "runs",
		"failures", "registrars",
	};
	int ret;

	if (!o)
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct json_object *v = member_of(dns, keys[i]);

		if (v)
			json_object_object_add(o, keys[i], json_object_get(v));
	}
	ret = add_json(b, "registrars.json", dns ? o : NULL,
		       "no DNS status (the daemon does not manage the network)");
	json_object_put(o);
	return ret;
}

static int add_daemon_log(struct bundle *b, struct json_object *diag)
{
	struct json_object *log = member_of(diag, "log");
	struct json_object *lines = member_of(log, "lines");
	size_t n = json_object_is_type(lines, json_type_array) ?
		json_object_array_length(lines) : 0;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (!log)
		return add_text(b, "daemon.log",
				"# no log lines: the daemon did not answer diag\n");
	f = open_memstream(&text, &len);
	if (!f)
		return -ENOMEM;
	fprintf(f, "# the daemon's last %zu log lines of %lld (%lld left out "
		"for room), oldest first\n", n,
		(long long)json_object_get_int64(member_of(log, "total")),
		(long long)json_object_get_int64(member_of(log, "omitted")));
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\n", json_object_get_string(
				json_object_array_get_idx(lines, i)));
	if (fclose(f) != 0) {
		free(text);
		return -ENOMEM;
	}
	return add_taken(b, "daemon.log", text, len);
}

static int add_kernel_log(struct bundle *b)
{
	char *text = NULL;
	size_t len = 0;
	int ret = ctl_kmsg_read("ucphone", &text, &len);

	if (ret < 0)
		return add_text(b, "kernel.log",
				"# kernel log not readable: %s\n", strerror(-ret));
	if (!len) {
		free(text);
		return add_text(b, "kernel.log",
				"# no kernel log line names ucphone\n");
	}
	return add_taken(b, "kernel.log", text, len);
}

static const char readme[] =
	"ucphone troubleshooting bundle, written by ucphonectl diag\n"
	"\n"
	"version.txt        the software version (daemon, ucphonectl, module)\n"
	"uname.txt          the kernel and machine\n"
	"info.json          the daemon's info: drivers, counters\n"
	"counters.json      the counters alone\n"
	"status.json        the daemon's status: lease, DNS, time, trust, SIP\n"
	"lease.json         the DHCP lease\n"
	"registrars.json    the registrar list and how it was found\n"
	"certificates.json  learned roots, the DC's chain, each registrar's\n"
	"                   chain as its last handshake saw it (refused ones\n"
	"                   with why): SHA-256, subject, issuer, validity\n"
	"daemon.log         the daemon's recent log lines\n"
	"kernel.log         the ucphone modules' kernel log lines\n"
	"\n"
	"No password, SRTP key or private key is in it; of the sign-in\n"
	"identity only the address and the user are.\n";

static int build(struct bundle *b, struct diag_inputs *in)
{
	struct json_object *dhcp = member_of(in->status, "dhcp");
	struct tm tm;
	char when[32];
	int ret;

	ctl_redact(in->info);
	ctl_redact(in->status);
	ctl_redact(in->diag);

	gmtime_r(&b->now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	ret = add_text(b, "README.txt", "%s\nwritten %s\n", readme, when);
	if (!ret)
		ret = add_version(b, in);
	if (!ret)
		ret = add_uname(b);
	if (!ret)
		ret = add_json(b, "info.json", in->info, "no answer to info");
	if (!ret)
		ret = add_json(b, "counters.json", member_of(in->info, "counters"),
			       "no answer to info");
	if (!ret)
		ret = add_json(b, "status.json", in->status,
			       "no answer to status");
	if (!ret)
		ret = add_json(b, "lease.json", dhcp,
			       "no lease status (the daemon does not manage the network)");
	if (!ret)
		ret = add_registrars(b, in->status);
	if (!ret)
		ret = add_json(b, "certificates.json",
			       member_of(in->diag, "certificates"),
			       "no answer to diag");
	if (!ret)
		ret = add_daemon_log(b, in->diag);
	if (!ret)
		ret = add_kernel_log(b);
	return ret;
}

static int write_members(struct archive *a, const struct bundle *b)
{
	char path[PATH_MAX];

	for (unsigned int i = 0; i < b->n; i++) {
		struct archive_entry *e = archive_entry_new();
		int ok;

		if (!e)
			return -ENOMEM;
		snprintf(path, sizeof(path), "%s/%s", b->dir, b->m[i].name);
		archive_entry_set_pathname(e, path);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)b->m[i].len);
		archive_entry_set_mtime(e, b->now, 0);
		ok = archive_write_header(a, e) == ARCHIVE_OK &&
		     archive_write_data(a, b->m[i].data, b->m[i].len) ==
			(la_ssize_t)b->m[i].len;
		archive_entry_free(e);
		if (!ok)
			return -EIO;
	}
	return 0;
}

/* The archive into fd. 0, or fills why. */
static int write_archive(int fd, const struct bundle *b, char *why, size_t n)
{
	struct archive *a = archive_write_new();
	int ret = -EIO;

	if (!a) {
		snprintf(why, n, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	if (archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
	    archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK)
		goto out;
	ret = write_members(a, b);
	if (ret == 0 && archive_write_close(a) != ARCHIVE_OK)
		ret = -EIO;
out:
	if (ret < 0)
		snprintf(why, n, "%s", archive_error_string(a) ?
			 archive_error_string(a) : strerror(-ret));
	archive_write_free(a);
	return ret;
}

/* tmp beside path + fsync + rename + fsync(dir): whole or absent. */
static int write_atomic(const char *path, const struct bundle *b)
{
	char tmp[PATH_MAX], dir[PATH_MAX], why[256] = "";
	int fd, dfd, ret;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		fprintf(stderr, "ucphonectl: diag: %s: path too long\n", path);
		return EXIT_FAILED;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		fprintf(stderr, "ucphonectl: diag: cannot create %s: %s\n", tmp,
			strerror(errno));
		return EXIT_FAILED;
	}
	ret = write_archive(fd, b, why, sizeof(why));
	if (ret == 0 && (fchmod(fd, 0600) < 0 || fsync(fd) < 0)) {
		snprintf(why, sizeof(why), "%s", strerror(errno));
		ret = -errno;
	}
	if (close(fd) < 0 && ret == 0) {
		snprintf(why, sizeof(why), "%s", strerror(errno));
		ret = -EIO;
	}
	if (ret == 0 && rename(tmp, path) < 0) {
		snprintf(why, sizeof(why), "%s", strerror(errno));
		ret = -EIO;
	}
	if (ret < 0) {
		unlink(tmp);
		fprintf(stderr, "ucphonectl: diag: cannot write %s: %s\n", path,
			why);
		return EXIT_FAILED;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

int ctl_diag_write(const struct diag_args *a, struct diag_inputs *in)
{
	struct bundle b = { .now = time(NULL) };
	char stamp[32], path[PATH_MAX];
	const char *tmpdir = getenv("TMPDIR");
	struct tm tm;
	int ret;

	gmtime_r(&b.now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(b.dir, sizeof(b.dir), "ucphone-diag-%s", stamp);
	if (a->output)
		snprintf(path, sizeof(path), "%s", a->output);
	else
		snprintf(path, sizeof(path), "%s/%s.tar.gz",
			 tmpdir && *tmpdir ? tmpdir : "/tmp", b.dir);

	ret = build(&b, in);
	if (ret < 0) {
		fprintf(stderr, "ucphonectl: diag: %s\n", strerror(-ret));
		ret = EXIT_FAILED;
	} else {
		ret = write_atomic(path, &b);
	}
	for (unsigned int i = 0; i < b.n; i++)
		free(b.m[i].data);
	if (ret == 0)
		printf("%s\n", path);
	return ret;
}
