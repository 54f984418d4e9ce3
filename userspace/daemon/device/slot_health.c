// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "device/slot_health.h"
#include "lib/update/boot_state.h"
#include "lib/util/atomic_file.h"

#define SUBSYS "slots"
#define TICK_USEC (3 * 1000000ULL)
#define VERSION_MAX 64
#define NOTE_MAX 256

enum child_job { CHILD_NONE, CHILD_MARK_GOOD, CHILD_REBOOT };

struct slot_health {
	sd_event *event;
	struct log *log;
	struct slot_health_config cfg;
	struct slot_health_hooks hooks;
	sd_event_source *timer;
	char version[VERSION_MAX];
	bool ab;			/* booted by the phone's initramfs */
	int booted;			/* slot index */
	int boot_dir_fd;		/* <data>/boot */
	struct boot_state st;
	bool st_ok;			/* the last read parsed */
	struct slot_trial trial;
	unsigned int tries_left;	/* of the booted trial slot, at start */
	pid_t child;
	enum child_job job;
	char what[128];			/* the last health condition seen */
	bool deferred_logged;
	/* the update the selector rolled back from, if any */
	int failed;
	char failed_version[VERSION_MAX];
	char failed_reason[NOTE_MAX];
};

static const char *const default_mark_good[] = {
	"/usr/bin/rauc", "status", "mark-good", NULL
};
static const char *const default_reboot[] = { "/sbin/reboot", NULL };

/* Up to len - 1 bytes of a small file, NUL-terminated; length or -errno. */
static ssize_t read_small(int dirfd, const char *path, char *buf, size_t len)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n, total = 0;

	if (fd < 0)
		return -errno;
	while ((size_t)total < len - 1) {
		n = read(fd, buf + total, len - 1 - (size_t)total);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			total = -errno;
			break;
		}
		if (n == 0)
			break;
		total += n;
	}
	close(fd);
	if (total >= 0)
		buf[total] = '\0';
	return total;
}

/* The first line of buf, without its newline. */
static void first_line(char *buf)
{
	buf[strcspn(buf, "\r\n")] = '\0';
}

static void load_state(struct slot_health *sh)
{
	char buf[512];
	ssize_t n = read_small(sh->boot_dir_fd, "state", buf, sizeof(buf));
	struct boot_state st;

	if (n < 0 || boot_state_parse(buf, (size_t)n, &st) < 0) {
		if (sh->st_ok)
			log_warning(sh->log, SUBSYS,
				    "the boot state cannot be read; the boot selector will start over from the factory order",
				    LOG_ERRNO(n < 0 ? (int)n : -EINVAL));
		sh->st_ok = false;
		return;
	}
	sh->st = st;
	sh->st_ok = true;
}

/* RAUC's recorded version of slot index into out ("" when none). */
static void recorded_version(const struct slot_health *sh, int index,
			     char *out, size_t len)
{
	char buf[8192];
	ssize_t n = read_small(AT_FDCWD, sh->cfg.rauc_status, buf, sizeof(buf));

	out[0] = '\0';
	if (n < 0 || rauc_status_slot_version(buf, (size_t)n, index, out, len) < 0)
		out[0] = '\0';
}

static void note_name(int slot, char *buf, size_t len)
{
	snprintf(buf, len, "trial-%c", boot_slot_name(slot));
}

/* What the slot on trial says about itself, for after a rollback. */
static void write_note(struct slot_health *sh, const char *what, const char *arg)
{
	char name[16], text[NOTE_MAX];
	int n, ret;

	note_name(sh->booted, name, sizeof(name));
	n = snprintf(text, sizeof(text), "%s: %s", what, arg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(text) - 1)
		n = (int)sizeof(text) - 2;
	text[n] = '\n';
	ret = atomic_file_write(sh->boot_dir_fd, name, text, (size_t)n + 1, NULL);
	if (ret < 0)
		log_warning(sh->log, SUBSYS, "cannot note the trial's progress",
			    LOG_ERRNO(ret));
}

static int spawn(struct slot_health *sh, const char *const *argv,
		 enum child_job job)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* The child: only async-signal-safe calls until exec. */
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	sh->child = pid;
	sh->job = job;
	return 0;
}

static void reap(struct slot_health *sh)
{
	int st;
	pid_t r;
	bool ok;

	if (sh->child <= 0)
		return;
	r = waitpid(sh->child, &st, WNOHANG);
	if (r == 0 || (r < 0 && errno == EINTR))
		return;
	ok = r > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
	sh->child = 0;
	if (sh->job == CHILD_MARK_GOOD) {
		char slot[2] = { boot_slot_name(sh->booted), 0 };

		slot_trial_marked(&sh->trial, ok);
		if (ok) {
			log_info(sh->log, SUBSYS, "the updated slot proved itself: marked good",
				 LOG_STR("slot", slot),
				 LOG_STR("version", sh->version),
				 LOG_STR("condition", sh->what));
			write_note(sh, "confirmed", sh->what);
		} else {
			log_warning(sh->log, SUBSYS,
				    "marking the slot good failed; trying again",
				    LOG_INT("status", r > 0 && WIFEXITED(st) ?
					    WEXITSTATUS(st) : -1));
		}
	} else if (sh->job == CHILD_REBOOT && !ok) {
		log_error(sh->log, SUBSYS, "the reboot command failed");
		slot_trial_reboot_failed(&sh->trial);
	}
	sh->job = CHILD_NONE;
}

static bool update_waiting(const struct slot_health *sh, int *slot)
{
	int p;

	if (!sh->st_ok)
		return false;
	p = boot_state_primary(&sh->st);
	*slot = p;
	return p != sh->booted && sh->st.state[p] == BOOT_SLOT_TRIAL;
}

static void act(struct slot_health *sh, enum slot_trial_action a, int next)
{
	char slot[2] = { boot_slot_name(sh->booted), 0 };
	char to[2] = { boot_slot_name(next), 0 };
	int ret = 0;

	switch (a) {
	case SLOT_TRIAL_NOTHING:
		return;
	case SLOT_TRIAL_MARK_GOOD:
		ret = spawn(sh, sh->cfg.mark_good_argv, CHILD_MARK_GOOD);
		if (ret < 0)
			slot_trial_marked(&sh->trial, false);
		break;
	case SLOT_TRIAL_REBOOT_EXPIRED:
		write_note(sh, "did not prove itself within its trial time",
			   sh->what);
		log_warning(sh->log, SUBSYS,
			    "the updated slot did not prove itself in time: rebooting (the boot selector counts the try)",
			    LOG_STR("slot", slot), LOG_STR("version", sh->version),
			    LOG_STR("condition", sh->what));
		ret = spawn(sh, sh->cfg.reboot_argv, CHILD_REBOOT);
		break;
	case SLOT_TRIAL_REBOOT_UPDATE:
		log_info(sh->log, SUBSYS, "rebooting into the installed update",
			 LOG_STR("slot", to));
		ret = spawn(sh, sh->cfg.reboot_argv, CHILD_REBOOT);
		break;
	}
	if (ret < 0) {
		log_error(sh->log, SUBSYS, "cannot start a command", LOG_ERRNO(ret));
		if (a != SLOT_TRIAL_MARK_GOOD)
			slot_trial_reboot_failed(&sh->trial);
	}
}

static int on_tick(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct slot_health *sh = userdata;
	struct slot_trial_input in = { .now_usec = usec };
	char what[sizeof(sh->what)] = "";
	struct tm tm;
	time_t now = time(NULL);
	int next = sh->booted;

	reap(sh);
	load_state(sh);
	if (localtime_r(&now, &tm))
		in.minute_of_day = (unsigned int)(tm.tm_hour * 60 + tm.tm_min);
	in.healthy = sh->hooks.healthy(sh->hooks.ctx, what, sizeof(what));
	in.busy = sh->hooks.busy(sh->hooks.ctx);
	in.update_waiting = update_waiting(sh, &next);
	if (strcmp(what, sh->what)) {
		snprintf(sh->what, sizeof(sh->what), "%s", what);
		if (sh->trial.phase == SLOT_TRIAL_WAITING)
			write_note(sh, "ran ucphoned, never proved itself",
				   sh->what);
	}
	if (sh->child > 0)
		return sd_event_source_set_time_relative(s, TICK_USEC);
	act(sh, slot_trial_step(&sh->trial, &in), next);
	if (in.update_waiting && !sh->trial.rebooting && !sh->deferred_logged &&
	    (sh->trial.phase == SLOT_TRIAL_GOOD ||
	     sh->trial.phase == SLOT_TRIAL_CONFIRMED)) {
		char w[MAINT_WINDOW_STR_MAX];

		maint_window_format(&sh->trial.window, w, sizeof(w));
		log_info(sh->log, SUBSYS,
			 "an installed update waits for a reboot: when no call is up, inside the maintenance window",
			 LOG_BOOL("call_up", in.busy), LOG_STR("window", w));
		sh->deferred_logged = true;
	}
	return sd_event_source_set_time_relative(s, TICK_USEC);
}

/* At start: the selector rolled back from a failed trial slot. */
static void report_failure(struct slot_health *sh)
{
	char name[16], slot[2];
	ssize_t n;

	sh->failed = sh->st_ok ? sh->st.failed : -1;
	if (sh->failed < 0)
		return;
	slot[0] = boot_slot_name(sh->failed);
	slot[1] = '\0';
	recorded_version(sh, sh->failed, sh->failed_version,
			 sizeof(sh->failed_version));
	note_name(sh->failed, name, sizeof(name));
	n = read_small(sh->boot_dir_fd, name, sh->failed_reason,
		       sizeof(sh->failed_reason));
	if (n > 0)
		first_line(sh->failed_reason);
	if (n <= 0 || !sh->failed_reason[0])
		snprintf(sh->failed_reason, sizeof(sh->failed_reason),
			 "ucphoned never ran on it");
	log_warning(sh->log, SUBSYS,
		    "an update failed: its slot did not prove itself in its boots on trial; the phone returned to the other slot",
		    LOG_STR("slot", slot),
		    LOG_STR("version", sh->failed_version[0] ? sh->failed_version :
			    "unknown"),
		    LOG_STR("reason", sh->failed_reason),
		    LOG_STR("running", sh->version));
}

int slot_health_new(sd_event *event, struct log *log,
		    const struct slot_health_config *cfg,
		    const struct slot_health_hooks *hooks,
		    struct slot_health **out)
{
	struct slot_health *sh = calloc(1, sizeof(*sh));
	char buf[VERSION_MAX], path[512];
	uint64_t now;
	ssize_t n;
	int ret;

	if (!sh)
		return -ENOMEM;
	sh->event = event;
	sh->log = log;
	sh->cfg = *cfg;
	sh->hooks = *hooks;
	sh->boot_dir_fd = -1;
	sh->failed = -1;
	if (!sh->cfg.data_dir)
		sh->cfg.data_dir = "/data";
	if (!sh->cfg.version_file)
		sh->cfg.version_file = "/usr/lib/ucphone/version";
	if (!sh->cfg.rauc_status)
		sh->cfg.rauc_status = "/data/rauc/central.raucs";
	if (!sh->cfg.mark_good_argv)
		sh->cfg.mark_good_argv = default_mark_good;
	if (!sh->cfg.reboot_argv)
		sh->cfg.reboot_argv = default_reboot;

	snprintf(sh->version, sizeof(sh->version), "%s", UCPHONE_VERSION);
	n = read_small(AT_FDCWD, sh->cfg.version_file, buf, sizeof(buf));
	if (n > 0) {
		first_line(buf);
		if (buf[0])
			snprintf(sh->version, sizeof(sh->version), "%s", buf);
	}

	snprintf(path, sizeof(path), "%s/.booted-slot", sh->cfg.data_dir);
	n = read_small(AT_FDCWD, path, buf, sizeof(buf));
	sh->booted = n > 0 ? boot_slot_index(buf[0]) : -1;
	snprintf(path, sizeof(path), "%s/boot", sh->cfg.data_dir);
	if (sh->booted >= 0)
		sh->boot_dir_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	sh->ab = sh->booted >= 0 && sh->boot_dir_fd >= 0;
	if (!sh->ab) {
		*out = sh;
		return 0;
	}
	load_state(sh);
	report_failure(sh);
	sd_event_now(event, CLOCK_MONOTONIC, &now);
	slot_trial_init(&sh->trial, sh->cfg.trial_usec, &sh->cfg.window,
			sh->st_ok && sh->st.state[sh->booted] == BOOT_SLOT_TRIAL,
			now);
	if (sh->trial.phase == SLOT_TRIAL_WAITING) {
		char slot[2] = { boot_slot_name(sh->booted), 0 };

		sh->tries_left = sh->st.tries[sh->booted];
		snprintf(sh->what, sizeof(sh->what), "starting");
		write_note(sh, "ran ucphoned, never proved itself", sh->what);
		log_info(sh->log, SUBSYS,
			 "booted an updated slot on trial: it is marked good once the phone registers (or its network is up, with no sign-in)",
			 LOG_STR("slot", slot), LOG_STR("version", sh->version),
			 LOG_UINT("tries_left", sh->tries_left),
			 LOG_UINT("trial_s", sh->cfg.trial_usec / 1000000ULL));
	}
	ret = sd_event_add_time_relative(event, &sh->timer, CLOCK_MONOTONIC,
					 1000000ULL, 100000, on_tick, sh);
	if (ret >= 0)
		ret = sd_event_source_set_enabled(sh->timer, SD_EVENT_ON);
	if (ret < 0) {
		slot_health_free(sh);
		return ret;
	}
	*out = sh;
	return 0;
}

void slot_health_free(struct slot_health *sh)
{
	if (!sh)
		return;
	sd_event_source_disable_unref(sh->timer);
	if (sh->child > 0 && sh->job == CHILD_MARK_GOOD) {
		kill(sh->child, SIGTERM);
		while (waitpid(sh->child, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (sh->boot_dir_fd >= 0)
		close(sh->boot_dir_fd);
	free(sh);
}

const char *slot_health_version(const struct slot_health *sh)
{
	return sh->version;
}

static struct json_object *slot_json(const struct slot_health *sh, int i)
{
	struct json_object *o = json_object_new_object();
	char ver[VERSION_MAX] = "";
	const char *state = boot_slot_state_name(sh->st.state[i]);

	if (!o)
		return NULL;
	json_object_object_add(o, "slot", json_object_new_string(
		(char[]){ boot_slot_name(i), 0 }));
	json_object_object_add(o, "booted", json_object_new_boolean(i == sh->booted));
	if (sh->st.failed == i)
		state = "failed";
	json_object_object_add(o, "state", json_object_new_string(state));
	json_object_object_add(o, "tries_left", json_object_new_int(
		sh->st.state[i] == BOOT_SLOT_TRIAL ? (int)sh->st.tries[i] : 0));
	/*
	 * The version: the booted root's own; another slot's as RAUC recorded
	 * it, which holds only for a slot it activated (good, on trial, or
	 * failed its trial). A bad slot's record may name what it held before
	 * a cut install: no version.
	 */
	if (i == sh->booted) {
		snprintf(ver, sizeof(ver), "%s", sh->version);
	} else if (sh->st.state[i] != BOOT_SLOT_BAD || sh->st.failed == i) {
		recorded_version(sh, i, ver, sizeof(ver));
		if (!ver[0])
			snprintf(ver, sizeof(ver), "factory");
	}
	if (ver[0])
		json_object_object_add(o, "version", json_object_new_string(ver));
	else
		json_object_object_add(o, "note", json_object_new_string(
			"not bootable: an install did not finish, or was not activated"));
	return o;
}

struct json_object *slot_health_status(struct slot_health *sh)
{
	struct json_object *o = json_object_new_object(), *slots, *f;
	char w[MAINT_WINDOW_STR_MAX];
	uint64_t now = 0;
	int next;

	if (!o)
		return NULL;
	json_object_object_add(o, "version", json_object_new_string(sh->version));
	if (!sh->ab) {
		json_object_object_add(o, "slots", json_object_new_string(
			"not booted from an A/B image"));
		return o;
	}
	/* an install may have changed it since the last tick */
	load_state(sh);
	json_object_object_add(o, "booted_slot", json_object_new_string(
		(char[]){ boot_slot_name(sh->booted), 0 }));
	json_object_object_add(o, "trial", json_object_new_string(
		slot_trial_phase_name(sh->trial.phase)));
	if (sh->trial.phase == SLOT_TRIAL_WAITING) {
		sd_event_now(sh->event, CLOCK_MONOTONIC, &now);
		json_object_object_add(o, "trial_left_s", json_object_new_int64(
			(int64_t)(slot_trial_left_usec(&sh->trial, now) / 1000000ULL)));
		json_object_object_add(o, "trial_condition",
				       json_object_new_string(sh->what));
	}
	maint_window_format(&sh->trial.window, w, sizeof(w));
	json_object_object_add(o, "reboot_window", json_object_new_string(w));
	if (!sh->st_ok) {
		json_object_object_add(o, "slots", json_object_new_string(
			"boot state unreadable"));
		return o;
	}
	slots = json_object_new_array();
	for (int i = 0; slots && i < 2; i++)
		json_object_array_add(slots, slot_json(sh, i));
	json_object_object_add(o, "slots", slots);
	next = boot_state_primary(&sh->st);
	json_object_object_add(o, "next_boot", json_object_new_string(
		(char[]){ boot_slot_name(next), 0 }));
	if (update_waiting(sh, &next))
		json_object_object_add(o, "reboot_pending", json_object_new_string(
			sh->trial.rebooting ? "rebooting now" :
			"into the installed update, when no call is up inside the window"));
	f = slot_health_failed_update(sh);
	if (f)
		json_object_object_add(o, "failed_update", f);
	return o;
}

bool slot_health_on_trial(const struct slot_health *sh)
{
	return sh && sh->ab && (sh->trial.phase == SLOT_TRIAL_WAITING ||
				sh->trial.phase == SLOT_TRIAL_CONFIRMING ||
				sh->trial.phase == SLOT_TRIAL_EXPIRED);
}

char slot_health_booted_slot(const struct slot_health *sh)
{
	return sh && sh->ab ? boot_slot_name(sh->booted) : 0;
}

struct json_object *slot_health_failed_update(const struct slot_health *sh)
{
	struct json_object *f;

	if (!sh || !sh->st_ok || sh->failed < 0 || sh->st.failed != sh->failed)
		return NULL;
	f = json_object_new_object();
	if (!f)
		return NULL;
	json_object_object_add(f, "slot", json_object_new_string(
		(char[]){ boot_slot_name(sh->failed), 0 }));
	json_object_object_add(f, "version", json_object_new_string(
		sh->failed_version[0] ? sh->failed_version : "unknown"));
	json_object_object_add(f, "reason",
			       json_object_new_string(sh->failed_reason));
	return f;
}
