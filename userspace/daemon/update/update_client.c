// SPDX-License-Identifier: GPL-2.0-only
/* The Device Update client's state machine (update_client.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/xml/update_xml.h"
#include "trust/identity.h"
#include "trust/trust.h"
#include "update/update_client.h"
#include "update/update_http.h"
#include "update/update_install.h"
#include "update/update_plan.h"
#include "update/update_verify_job.h"

#define SUBSYS "update"
#define USEC 1000000ull
#define SIGNATURE_MAX (1024 * 1024)
/* A cut download resumes this often without progress before giving up. */
#define RESUMES_MAX 5
#define RESUME_DELAY_USEC (2 * USEC)
/* A check waiting for the gate asks it again this often. */
#define GATE_RETRY_USEC (5 * USEC)
#define UPDATE_DIR "update"
#define IMAGE_NAME "CPE.nbt"

enum update_state {
	ST_IDLE,
	ST_CHECKING,
	ST_DOWNLOADING,
	ST_VERIFYING,
	ST_INSTALLING,
	ST_INSTALLED,
	ST_UP_TO_DATE,
	ST_REFUSED,
	ST_FAILED,
};

static const char *const state_names[] = {
	[ST_IDLE] = "idle",
	[ST_CHECKING] = "checking",
	[ST_DOWNLOADING] = "downloading",
	[ST_VERIFYING] = "verifying",
	[ST_INSTALLING] = "installing",
	[ST_INSTALLED] = "installed",
	[ST_UP_TO_DATE] = "up-to-date",
	[ST_REFUSED] = "refused",
	[ST_FAILED] = "failed",
};

enum step { STEP_IMAGE, STEP_SIGNATURE };

struct update {
	struct ucphoned *d;
	enum update_state state;
	const char *reason;		/* why the last check ran */
	bool have_lease, signed_in, allow_downgrade;
	char dhcp_domain[DHCP_NAME_MAX];
	char mac[18], serial[64];
	char provisioned[UPDATE_URL_MAX];
	struct version installed, pending;
	bool installed_known, pending_set;
	struct update_module offer;
	bool offer_set;
	char check_url[UPDATE_URL_MAX], image_url[UPDATE_URL_MAX],
	     sig_url[UPDATE_URL_MAX];
	char dir[4096 - 64], image_part[4096], sig_part[4096], image[4096];
	/* the transfer under way */
	struct update_http *http;
	enum step step;
	int fd;
	uint64_t have, total, xfer_start_usec, xfer_start_bytes;
	uint64_t speed_bps;
	unsigned int resumes_in_a_row, resumes;
	bool restarted_once;
	sd_event_source *timer, *resume, *gate_retry;
	update_gate_fn gate;
	void *gate_ctx;
	char gate_why[160];
	struct update_install *install;
	struct update_verify_job *verify;
	int install_exit;
	char install_output[UPDATE_INSTALL_OUTPUT_MAX];
	char last_error[320], note[200];
	/* the last offered image that failed after it was taken */
	struct version failed_version;
	const char *failed_stage;	/* NULL: none since the last install */
	char failed_reason[320];
	time_t last_check;		/* wall clock, for the status */
	uint64_t next_check_usec;	/* CLOCK_MONOTONIC */
	void (*event_cb)(void *ctx, struct json_object *ev);
	void *event_ctx;
	uint64_t last_event_usec;
};

static uint64_t now_usec(struct update *u)
{
	uint64_t t = 0;

	sd_event_now(u->d->event, CLOCK_MONOTONIC, &t);
	return t;
}

static void emit(struct update *u, bool progress_only)
{
	struct json_object *ev;
	uint64_t now = now_usec(u);

	if (!u->event_cb)
		return;
	if (progress_only && now - u->last_event_usec < USEC)
		return;
	u->last_event_usec = now;
	ev = update_status(u);
	if (!ev)
		return;
	json_object_object_add(ev, "event", json_object_new_string("update"));
	u->event_cb(u->event_ctx, ev);
	json_object_put(ev);
}

static void set_state(struct update *u, enum update_state s)
{
	if (u->state == s)
		return;
	u->state = s;
	log_info(&u->d->log, SUBSYS, "update state", LOG_STR("state", state_names[s]),
		 LOG_STR("error", u->last_error));
	emit(u, false);
}

static void remove_file(const char *path)
{
	if (path[0] && unlink(path) < 0 && errno != ENOENT)
		return;
}

/* Every file in <state>/update/ but keep (a part file to resume), or all. */
static void clear_dir(struct update *u, const char *keep)
{
	char path[sizeof(u->dir) + 300];
	struct dirent *e;
	DIR *dir = opendir(u->dir);

	if (!dir)
		return;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", u->dir, e->d_name);
		if (keep && !strcmp(path, keep))
			continue;
		unlink(path);
	}
	closedir(dir);
}

static void stop_transfer(struct update *u)
{
	update_http_free(u->http);
	u->http = NULL;
	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
	u->resume = sd_event_source_disable_unref(u->resume);
}

/* An offer or an image refused: no file stays, the reason does. */
__attribute__((format(printf, 3, 4)))
static void refuse(struct update *u, enum update_state s, const char *fmt, ...)
{
	va_list ap;

	stop_transfer(u);
	clear_dir(u, NULL);
	va_start(ap, fmt);
	vsnprintf(u->last_error, sizeof(u->last_error), fmt, ap);
	va_end(ap);
	/* An image taken and then lost: the failed update in the status. */
	if (u->offer_set && (u->state == ST_DOWNLOADING ||
			     u->state == ST_VERIFYING ||
			     u->state == ST_INSTALLING)) {
		u->failed_version = u->offer.version;
		u->failed_stage = u->state == ST_DOWNLOADING ? "download" :
				  u->state == ST_VERIFYING ? "signature" :
				  "installer";
		snprintf(u->failed_reason, sizeof(u->failed_reason), "%s",
			 u->last_error);
	}
	u->have = u->total = u->speed_bps = 0;
	log_warning(&u->d->log, SUBSYS, s == ST_REFUSED ? "update refused" :
		    "update failed", LOG_STR("why", u->last_error));
	set_state(u, s);
}

static int read_installed(struct update *u)
{
	char buf[VERSION_STR_MAX + 2] = "";
	FILE *f = fopen(u->d->options.update_version_file, "re");
	size_t n;

	u->installed_known = false;
	if (!f) {
		snprintf(u->last_error, sizeof(u->last_error),
			 "installed version unknown: cannot read %.200s",
			 u->d->options.update_version_file);
		return -ENOENT;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, " \t\r\n")] = '\0';
	if (version_parse(buf, &u->installed)) {
		snprintf(u->last_error, sizeof(u->last_error),
			 "installed version unknown: %.200s holds no four-part version",
			 u->d->options.update_version_file);
		return -EINVAL;
	}
	u->installed_known = true;
	return 0;
}

static void domains(const struct update *u, struct update_domains *dom)
{
	dom->sip_domain = u->signed_in ? identity_domain(u->d->identity) : "";
	dom->dhcp_domain = u->dhcp_domain;
	dom->trusted = u->d->options.trusted_domains;
	dom->n_trusted = u->d->options.n_trusted_domains;
}

static bool host_ok(struct update *u, const char *url)
{
	struct update_domains dom;
	char host[256], why[200];

	if (update_url_host(url, host, sizeof(host))) {
		snprintf(u->last_error, sizeof(u->last_error),
			 "not an https URL: %.200s", url);
		return false;
	}
	domains(u, &dom);
	if (!update_host_allowed(host, &dom, why, sizeof(why))) {
		snprintf(u->last_error, sizeof(u->last_error), "%s", why);
		return false;
	}
	return true;
}

static void schedule_next(struct update *u);
static void start_file(struct update *u);

/* --- the installer ----------------------------------------------------- */

static void on_installed(void *ctx, const struct update_install_result *r)
{
	struct update *u = ctx;
	char v[VERSION_STR_MAX];

	update_install_free(u->install);
	u->install = NULL;
	u->install_exit = r->exit_code;
	snprintf(u->install_output, sizeof(u->install_output), "%s", r->output);
	remove_file(u->image);
	clear_dir(u, NULL);
	version_format(&u->offer.version, v, sizeof(v));
	if (r->exit_code == 0) {
		u->pending = u->offer.version;
		u->pending_set = true;
		u->last_error[0] = '\0';
		u->failed_stage = NULL;
		log_info(&u->d->log, SUBSYS, "update installed",
			 LOG_STR("version", v));
		set_state(u, ST_INSTALLED);
		return;
	}
	if (r->signal)
		refuse(u, ST_FAILED, "installer killed by signal %d", r->signal);
	else
		refuse(u, ST_FAILED, "installer exited %d", r->exit_code);
}

static void install(struct update *u)
{
	int ret;

	if (rename(u->image_part, u->image) < 0) {
		refuse(u, ST_FAILED, "cannot keep the verified image: %s",
		       strerror(errno));
		return;
	}
	remove_file(u->sig_part);
	u->install_exit = -1;
	u->install_output[0] = '\0';
	set_state(u, ST_INSTALLING);
	ret = update_install_start(u->d->event, u->d->options.update_installer,
				   u->image, on_installed, u, &u->install);
	if (ret < 0)
		refuse(u, ST_FAILED, "cannot start the installer %.100s: %s",
		       u->d->options.update_installer, strerror(-ret));
}

/* The signature check's result, back on the loop. */
static void on_verified(void *ctx, int ret, const char *why)
{
	struct update *u = ctx;

	u->verify = NULL;
	if (ret < 0) {
		refuse(u, ret == -ENOENT || ret == -EIO ? ST_FAILED : ST_REFUSED,
		       "%s", why);
		return;
	}
	log_info(&u->d->log, SUBSYS, "image signature verified");
	install(u);
}

/* The whole image is hashed: in a thread, the loop goes on. */
static void verify(struct update *u)
{
	int ret;

	set_state(u, ST_VERIFYING);
	ret = update_verify_start(u->d->event, u->image_part, u->sig_part,
				  u->d->options.update_vendor_root, on_verified,
				  u, &u->verify);
	if (ret < 0)
		refuse(u, ST_FAILED, "cannot start the signature check: %s",
		       strerror(-ret));
}

/* --- downloads ---------------------------------------------------------- */

static void on_progress(void *ctx, uint64_t have, uint64_t total)
{
	struct update *u = ctx;
	uint64_t el = now_usec(u) - u->xfer_start_usec;

	if (u->step != STEP_IMAGE)
		return;
	u->have = have;
	if (total)
		u->total = total;
	if (el > 200000 && have >= u->xfer_start_bytes)
		u->speed_bps = (have - u->xfer_start_bytes) * USEC / el;
	emit(u, true);
}

static int on_resume(sd_event_source *s, uint64_t usec, void *ud)
{
	struct update *u = ud;

	(void)s;
	(void)usec;
	u->resume = sd_event_source_disable_unref(u->resume);
	start_file(u);
	return 0;
}

/* A cut transfer: resume from what the file holds, unless it goes nowhere. */
static void interrupted(struct update *u, const struct update_http_result *r,
			uint64_t before)
{
	u->have = r->file_size;
	if (r->file_size > before)
		u->resumes_in_a_row = 0;
	if (++u->resumes_in_a_row > RESUMES_MAX) {
		/* The part file stays: the next check resumes it. */
		stop_transfer(u);
		snprintf(u->last_error, sizeof(u->last_error),
			 "download interrupted: %.200s", r->error);
		set_state(u, ST_FAILED);
		return;
	}
	u->resumes++;
	log_info(&u->d->log, SUBSYS, "download cut; resuming",
		 LOG_UINT("have", r->file_size), LOG_STR("why", r->error));
	sd_event_add_time_relative(u->d->event, &u->resume, CLOCK_MONOTONIC,
				   RESUME_DELAY_USEC, 100000, on_resume, u);
}

static void take_file(struct update *u, const struct update_http_result *r)
{
	uint64_t before = u->xfer_start_bytes;

	if (r->too_big) {
		if (u->step == STEP_IMAGE)
			refuse(u, ST_REFUSED, "image larger than %s (%" PRIu64 " bytes)",
			       u->offer.size ? "announced or allowed" : "the size cap",
			       u->offer.size && u->offer.size < u->d->options.update_max_size ?
			       u->offer.size : u->d->options.update_max_size);
		else
			refuse(u, ST_REFUSED, "signature file larger than 1 MiB");
		return;
	}
	if (r->cert_error) {
		refuse(u, ST_FAILED, "cannot validate the update server's certificate: %.200s",
		       r->error);
		return;
	}
	if (r->status == 0 && r->code == 416 && !u->restarted_once) {
		/* The part file is not a prefix the server knows: start over. */
		u->restarted_once = true;
		if (ftruncate(u->fd, 0) < 0) {
			refuse(u, ST_FAILED, "cannot write the image: %s", strerror(errno));
			return;
		}
		start_file(u);
		return;
	}
	if (r->status == 0 && r->code != 200 && r->code != 206) {
		refuse(u, ST_FAILED, "%s download answered HTTP %ld",
		       u->step == STEP_IMAGE ? "image" : "signature", r->code);
		return;
	}
	if (r->status < 0) {
		if (u->step == STEP_IMAGE && u->have < u->d->options.update_max_size) {
			interrupted(u, r, before);
			return;
		}
		refuse(u, ST_FAILED, "signature download failed: %.200s", r->error);
		return;
	}
	if (fsync(u->fd) < 0) {
		refuse(u, ST_FAILED, "cannot write the download: %s", strerror(errno));
		return;
	}
	close(u->fd);
	u->fd = -1;
	if (u->step == STEP_IMAGE) {
		u->have = u->total = r->file_size;
		if (u->offer.size && r->file_size != u->offer.size) {
			refuse(u, ST_REFUSED, "image of %" PRIu64 " bytes, the answer announced %"
			       PRIu64, r->file_size, u->offer.size);
			return;
		}
		log_info(&u->d->log, SUBSYS, "image downloaded",
			 LOG_UINT("bytes", r->file_size), LOG_UINT("resumes", u->resumes));
		u->step = STEP_SIGNATURE;
		start_file(u);
		return;
	}
	verify(u);
}

/* r lives in the exchange: it is freed only once the result is taken. */
static void on_file(void *ctx, const struct update_http_result *r)
{
	struct update *u = ctx;
	struct update_http *h = u->http;

	u->http = NULL;
	take_file(u, r);
	update_http_free(h);
}

static void start_file(struct update *u)
{
	struct update_http_request req = { .fd = -1 };
	const char *path = u->step == STEP_IMAGE ? u->image_part : u->sig_part;
	struct stat st;
	int ret;

	u->fd = u->fd >= 0 ? u->fd :
		open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (u->fd < 0 || fstat(u->fd, &st) < 0) {
		refuse(u, ST_FAILED, "cannot open %s: %s", path, strerror(errno));
		return;
	}
	if (u->step == STEP_SIGNATURE && st.st_size && ftruncate(u->fd, 0) == 0)
		st.st_size = 0;
	req.url = u->step == STEP_IMAGE ? u->image_url : u->sig_url;
	req.store = trust_store(u->d->trust);
	req.fd = u->fd;
	req.resume_from = (uint64_t)st.st_size;
	req.max_bytes = u->step == STEP_IMAGE ? u->d->options.update_max_size :
			SIGNATURE_MAX;
	if (u->step == STEP_IMAGE && u->offer.size && u->offer.size < req.max_bytes)
		req.max_bytes = u->offer.size;
	u->xfer_start_usec = now_usec(u);
	u->xfer_start_bytes = req.resume_from;
	if (u->step == STEP_IMAGE)
		u->have = req.resume_from;
	if (req.resume_from)
		log_info(&u->d->log, SUBSYS, "resuming download",
			 LOG_STR("file", path), LOG_UINT("from", req.resume_from));
	ret = update_http_start(u->d, &req, on_file, on_progress, u, &u->http);
	X509_STORE_free(req.store);
	if (ret < 0)
		refuse(u, ST_FAILED, "cannot start the download: %s", strerror(-ret));
}

static void start_download(struct update *u)
{
	const struct update_module *m = &u->offer;
	char v[VERSION_STR_MAX], keep[sizeof(u->image_part)];

	version_format(&m->version, v, sizeof(v));
	if (update_file_url(u->check_url, m->base_url, m->file_name,
			    u->image_url, sizeof(u->image_url)) ||
	    update_file_url(u->check_url, m->base_url, m->signature_name,
			    u->sig_url, sizeof(u->sig_url))) {
		refuse(u, ST_REFUSED, "cannot make the file URLs from %.200s",
		       m->base_url);
		return;
	}
	if (!host_ok(u, u->image_url)) {
		refuse(u, ST_REFUSED, "%s", u->last_error);
		return;
	}
	snprintf(u->image_part, sizeof(u->image_part), "%s/CPE-%s.nbt.part",
		 u->dir, v);
	snprintf(u->sig_part, sizeof(u->sig_part), "%s/CPE-%s.cat.part",
		 u->dir, v);
	snprintf(u->image, sizeof(u->image), "%s/" IMAGE_NAME, u->dir);
	/* A part of this version resumes; anything else goes. */
	snprintf(keep, sizeof(keep), "%s", u->image_part);
	clear_dir(u, keep);
	u->step = STEP_IMAGE;
	u->have = 0;
	u->total = m->size;
	u->speed_bps = 0;
	u->resumes = u->resumes_in_a_row = 0;
	u->restarted_once = false;
	set_state(u, ST_DOWNLOADING);
	start_file(u);
}

/* --- the check ---------------------------------------------------------- */

static void take_answer(struct update *u, const struct update_http_result *r)
{
	struct update_answer a;
	char why[200], v[VERSION_STR_MAX];
	bool refused;
	int pick;

	if (r->status < 0 || r->code != 200) {
		if (r->cert_error)
			snprintf(u->last_error, sizeof(u->last_error),
				 "cannot validate the update server's certificate: %.200s",
				 r->error);
		else if (r->status < 0)
			snprintf(u->last_error, sizeof(u->last_error),
				 "check failed: %.200s", r->error);
		else
			snprintf(u->last_error, sizeof(u->last_error),
				 "check answered HTTP %ld", r->code);
		log_warning(&u->d->log, SUBSYS, "update check failed",
			    LOG_STR("why", u->last_error));
		set_state(u, ST_FAILED);
		return;
	}
	if (update_xml_parse(r->body, r->body_len, &a, why, sizeof(why)) < 0) {
		refuse(u, ST_REFUSED, "answer refused: %s", why);
		return;
	}
	pick = update_choose(&a, &u->installed, u->d->options.update_model,
			     u->allow_downgrade, u->pending_set ? &u->pending : NULL,
			     &refused, why, sizeof(why));
	if (pick < 0) {
		if (refused) {
			refuse(u, ST_REFUSED, "%s", why);
			return;
		}
		snprintf(u->note, sizeof(u->note), "%s", why);
		u->last_error[0] = '\0';
		set_state(u, u->pending_set ? ST_INSTALLED : ST_UP_TO_DATE);
		return;
	}
	u->offer = a.modules[pick];
	u->offer_set = true;
	version_format(&u->offer.version, v, sizeof(v));
	snprintf(u->note, sizeof(u->note), "%u module(s) offered, %s taken", a.n, v);
	log_info(&u->d->log, SUBSYS, "update offered", LOG_STR("version", v),
		 LOG_UINT("size", u->offer.size));
	if (u->offer.size > u->d->options.update_max_size) {
		refuse(u, ST_REFUSED, "image of %" PRIu64 " bytes exceeds the size cap of %"
		       PRIu64, u->offer.size, u->d->options.update_max_size);
		return;
	}
	start_download(u);
}

/* r lives in the exchange: it is freed only once the answer is taken. */
static void on_answer(void *ctx, const struct update_http_result *r)
{
	struct update *u = ctx;
	struct update_http *h = u->http;

	u->http = NULL;
	take_answer(u, r);
	update_http_free(h);
}

static void mac_strings(struct update *u, const uint8_t mac[6])
{
	snprintf(u->mac, sizeof(u->mac), "%02x-%02x-%02x-%02x-%02x-%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	if (u->d->options.update_serial)
		snprintf(u->serial, sizeof(u->serial), "%s",
			 u->d->options.update_serial);
	else
		snprintf(u->serial, sizeof(u->serial), "%02X%02X%02X%02X%02X%02X",
			 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

static int start_check(struct update *u, const char *reason);

static int on_gate_retry(sd_event_source *s, uint64_t usec, void *ud)
{
	struct update *u = ud;

	(void)s;
	(void)usec;
	u->gate_retry = sd_event_source_disable_unref(u->gate_retry);
	start_check(u, u->reason ? u->reason : "retry");
	return 0;
}

/* Shut: the check waits (note says why) and is tried again later. */
static bool gate_shut(struct update *u, const char *reason)
{
	if (!u->gate || u->gate(u->gate_ctx, u->gate_why, sizeof(u->gate_why)))
		return false;
	u->reason = reason;
	snprintf(u->note, sizeof(u->note), "check waits: %s", u->gate_why);
	if (!u->gate_retry)
		sd_event_add_time_relative(u->d->event, &u->gate_retry,
					   CLOCK_MONOTONIC, GATE_RETRY_USEC,
					   USEC, on_gate_retry, u);
	return true;
}

static int start_check(struct update *u, const char *reason)
{
	struct update_http_request req = { .fd = -1 };
	struct update_request body = {
		.device_type = "UCPhone", .vendor = "Polycom",
		.model = u->d->options.update_model,
		.revision = u->d->options.update_hardware_revision,
		.mac = u->mac, .serial = u->serial,
		.locale = u->d->options.update_locale, .file_name = IMAGE_NAME,
	};
	char buf[2048];
	int len, ret;

	if (u->http || u->install || u->resume || u->verify)
		return -EBUSY;
	if (gate_shut(u, reason))
		return 0;
	u->gate_retry = sd_event_source_disable_unref(u->gate_retry);
	u->reason = reason;
	u->last_check = time(NULL);
	u->note[0] = '\0';
	schedule_next(u);
	if (read_installed(u) < 0) {
		set_state(u, ST_FAILED);
		return 0;
	}
	body.installed = u->installed;
	ret = update_check_url(u->signed_in ? u->provisioned : NULL,
			       u->dhcp_domain, u->check_url, sizeof(u->check_url));
	if (ret < 0) {
		snprintf(u->last_error, sizeof(u->last_error), "%s",
			 ret == -ENOENT ? "no update server (no DHCP domain, none provisioned)" :
			 "the provisioned update URL is not https");
		set_state(u, ST_FAILED);
		return 0;
	}
	if (!host_ok(u, u->check_url)) {
		set_state(u, ST_FAILED);
		return 0;
	}
	len = update_xml_request(&body, buf, sizeof(buf));
	if (len < 0) {
		snprintf(u->last_error, sizeof(u->last_error),
			 "cannot describe the phone (model, revision, serial, locale: 1-63 of A-Z a-z 0-9 . _ : -)");
		set_state(u, ST_FAILED);
		return 0;
	}
	req.url = u->check_url;
	req.body = buf;
	req.body_len = (size_t)len;
	req.store = trust_store(u->d->trust);
	req.max_bytes = UPDATE_XML_MAX;
	ret = update_http_start(u->d, &req, on_answer, NULL, u, &u->http);
	X509_STORE_free(req.store);
	if (ret < 0) {
		snprintf(u->last_error, sizeof(u->last_error), "cannot ask: %s",
			 strerror(-ret));
		set_state(u, ST_FAILED);
		return 0;
	}
	u->last_error[0] = '\0';
	log_info(&u->d->log, SUBSYS, "checking for an update",
		 LOG_STR("url", u->check_url), LOG_STR("reason", reason));
	set_state(u, ST_CHECKING);
	return 0;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *ud)
{
	struct update *u = ud;

	(void)s;
	(void)usec;
	u->timer = sd_event_source_disable_unref(u->timer);
	u->allow_downgrade = false;
	if (start_check(u, "daily") == -EBUSY)
		schedule_next(u);
	return 0;
}

static void schedule_next(struct update *u)
{
	uint32_t rnd = 0;

	if (getrandom(&rnd, sizeof(rnd), 0) < 0)
		rnd = UINT32_MAX / 2;
	u->next_check_usec = update_next_check(now_usec(u), rnd);
	u->timer = sd_event_source_disable_unref(u->timer);
	sd_event_add_time(u->d->event, &u->timer, CLOCK_MONOTONIC,
			  u->next_check_usec, 60 * USEC, on_timer, u);
}

/* --- the daemon's side -------------------------------------------------- */

void update_set_lease(struct update *u, const struct dhcp_reply *lease)
{
	bool first;

	if (!u)
		return;
	if (!lease) {
		u->have_lease = false;
		return;
	}
	first = !u->have_lease && !u->last_check;
	u->have_lease = true;
	snprintf(u->dhcp_domain, sizeof(u->dhcp_domain), "%s", lease->domain);
	mac_strings(u, lease->chaddr);
	if (first) {
		u->allow_downgrade = false;
		start_check(u, "power-on");
	}
}

void update_set_signed_in(struct update *u, bool signed_in, const char *url)
{
	if (!u)
		return;
	u->signed_in = signed_in;
	snprintf(u->provisioned, sizeof(u->provisioned), "%s",
		 signed_in && url ? url : "");
	if (signed_in && u->have_lease) {
		u->allow_downgrade = false;
		start_check(u, "sign-in");
	}
}

int update_check_now(struct update *u, bool allow_downgrade, const char **why)
{
	if (!u->have_lease) {
		*why = "no network yet (no DHCP lease)";
		return -ENETUNREACH;
	}
	if (u->http || u->install || u->resume || u->verify) {
		*why = "an update check or download is under way";
		return -EBUSY;
	}
	if (u->gate && !u->gate(u->gate_ctx, u->gate_why, sizeof(u->gate_why))) {
		*why = u->gate_why;
		return -EBUSY;
	}
	u->allow_downgrade = allow_downgrade;
	return start_check(u, allow_downgrade ? "request (downgrade allowed)" :
			   "request");
}

void update_set_gate(struct update *u, update_gate_fn may_update, void *ctx)
{
	u->gate = may_update;
	u->gate_ctx = ctx;
}

void update_on_event(struct update *u,
		     void (*cb)(void *ctx, struct json_object *ev), void *ctx)
{
	u->event_cb = cb;
	u->event_ctx = ctx;
}

static void add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void add_u64(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

struct json_object *update_status(const struct update *u)
{
	struct json_object *o = json_object_new_object();
	char v[VERSION_STR_MAX], when[32];
	struct tm tm;

	if (!o)
		return NULL;
	add_str(o, "state", state_names[u->state]);
	if (u->installed_known)
		add_str(o, "installed", version_format(&u->installed, v, sizeof(v)));
	if (u->offer_set)
		add_str(o, "offered", version_format(&u->offer.version, v, sizeof(v)));
	if (u->pending_set)
		add_str(o, "pending_restart", version_format(&u->pending, v, sizeof(v)));
	if (u->reason)
		add_str(o, "last_check_reason", u->reason);
	if (u->last_check && gmtime_r(&u->last_check, &tm) &&
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm))
		add_str(o, "last_check", when);
	if (u->next_check_usec > now_usec((struct update *)u))
		add_u64(o, "next_check_s",
			(u->next_check_usec - now_usec((struct update *)u)) / USEC);
	if (u->check_url[0])
		add_str(o, "url", u->check_url);
	if (u->state == ST_DOWNLOADING || u->state == ST_VERIFYING) {
		add_u64(o, "bytes", u->have);
		if (u->total) {
			add_u64(o, "total", u->total);
			add_u64(o, "percent", u->have * 100 / u->total);
		}
		add_u64(o, "speed_bps", u->speed_bps);
		if (u->total && u->speed_bps && u->total > u->have)
			add_u64(o, "eta_s", (u->total - u->have) / u->speed_bps);
	}
	if (u->state == ST_INSTALLED)
		add_u64(o, "percent", 100);
	add_u64(o, "resumes", u->resumes);
	if (u->install_exit != -1 || u->install_output[0]) {
		struct json_object *in = json_object_new_object();

		if (in) {
			json_object_object_add(in, "exit", json_object_new_int(u->install_exit));
			add_str(in, "output", u->install_output);
			json_object_object_add(o, "installer", in);
		}
	}
	if (u->note[0])
		add_str(o, "note", u->note);
	add_str(o, "last_error", u->last_error);
	if (u->failed_stage) {
		struct json_object *f = json_object_new_object();

		if (f) {
			add_str(f, "version", version_format(&u->failed_version,
							     v, sizeof(v)));
			add_str(f, "stage", u->failed_stage);
			add_str(f, "reason", u->failed_reason);
			json_object_object_add(o, "failed_update", f);
		}
	}
	return o;
}

int update_new(struct ucphoned *d, struct update **out)
{
	struct update *u = calloc(1, sizeof(*u));

	if (!u)
		return -ENOMEM;
	u->d = d;
	u->fd = -1;
	u->install_exit = -1;
	u->state = ST_IDLE;
	snprintf(u->dir, sizeof(u->dir), "%s/" UPDATE_DIR, d->options.state_dir);
	if (mkdir(u->dir, 0700) < 0 && errno != EEXIST) {
		log_error(&d->log, SUBSYS, "cannot create the download directory",
			  LOG_STR("dir", u->dir), LOG_ERRNO(-errno));
		free(u);
		return -errno;
	}
	/* A verified image left by a stop during the install is not trusted again. */
	snprintf(u->image, sizeof(u->image), "%s/" IMAGE_NAME, u->dir);
	remove_file(u->image);
	*out = u;
	return 0;
}

void update_free(struct update *u)
{
	if (!u)
		return;
	stop_transfer(u);
	update_verify_cancel(u->verify);
	update_install_free(u->install);
	sd_event_source_disable_unref(u->timer);
	sd_event_source_disable_unref(u->gate_retry);
	free(u);
}
