// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Device Update client's state machine (daemon/update/update_client.c)
 * with its HTTPS exchanges, signature check and installer replaced by
 * fakes that capture what the client asks for: the power-on check and
 * what it sends, the stepping stone taken from an answer offering both
 * versions, a cut download resumed from the part file's length, the
 * signature then the installer, and refusals (another model, a bad
 * signature) that leave no file. The loop's clock drives the resume; the
 * signature check's result comes back through the loop (a thread).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "core/daemon.h"
#include "trust/identity.h"
#include "trust/trust.h"
#include "update/update_client.h"
#include "update/update_http.h"
#include "update/update_install.h"
#include "update/update_verify.h"

/* --- fakes: what the client asked for ---------------------------------- */

struct call {
	char url[512], body[2048];
	bool post;
	int fd;
	uint64_t resume_from, max_bytes;
	update_http_cb cb;
	void *ctx;
};

static struct call calls[32];
static unsigned int n_calls;
static int verify_result;
static char installed_image[4096];
static update_install_cb install_cb;
static void *install_ctx;
static unsigned int installs;

int update_http_start(struct ucphoned *d, const struct update_http_request *req,
		      update_http_cb cb, update_http_progress_cb progress,
		      void *ctx, struct update_http **out)
{
	struct call *c = &calls[n_calls++];

	(void)d;
	(void)progress;
	snprintf(c->url, sizeof(c->url), "%s", req->url);
	c->post = req->body != NULL;
	if (req->body)
		snprintf(c->body, sizeof(c->body), "%.*s", (int)req->body_len, req->body);
	c->fd = req->fd;
	c->resume_from = req->resume_from;
	c->max_bytes = req->max_bytes;
	c->cb = cb;
	c->ctx = ctx;
	*out = (struct update_http *)c;
	return 0;
}

void update_http_free(struct update_http *h)
{
	(void)h;
}

X509_STORE *trust_store(struct trust *t)
{
	(void)t;
	return X509_STORE_new();
}

const char *identity_domain(const struct identity *id)
{
	(void)id;
	return "corp.test";
}

int update_verify(const char *image, const char *sig, const char *root,
		  char *why, size_t why_len)
{
	(void)image;
	(void)sig;
	(void)root;
	snprintf(why, why_len, "signature refused: content verify error");
	return verify_result;
}

int update_install_start(sd_event *event, const char *command, const char *image,
			 update_install_cb cb, void *ctx, struct update_install **out)
{
	(void)event;
	(void)command;
	snprintf(installed_image, sizeof(installed_image), "%s", image);
	install_cb = cb;
	install_ctx = ctx;
	installs++;
	*out = (struct update_install *)&install_cb;
	return 0;
}

void update_install_free(struct update_install *in)
{
	(void)in;
}

/* --- helpers ------------------------------------------------------------ */

#define MODULE(v, model) \
	"<Module><Model>" model "</Model><Version>" v "</Version><FileName>CPE.nbt</FileName>" \
	"<SignatureFileName>CPE.cat</SignatureFileName>" \
	"<BaseURL>/DeviceUpdateFiles_Int/" v "/</BaseURL><Size>1000</Size></Module>"

static void answer(struct call *c, long code, const char *body)
{
	struct update_http_result r = { .code = code, .body = body,
					.body_len = strlen(body) };

	c->cb(c->ctx, &r);
}

/* The fake server writes bytes [from, to) of the image into the part file. */
static void serve(struct call *c, uint64_t from, uint64_t to, int status)
{
	struct update_http_result r = { .status = status, .code = 206,
					.file_size = to };
	char buf[1000];

	memset(buf, 'x', sizeof(buf));
	if (pwrite(c->fd, buf, to - from, (off_t)from) != (ssize_t)(to - from))
		abort();
	if (status < 0)
		snprintf(r.error, sizeof(r.error), "transfer closed with bytes remaining");
	c->cb(c->ctx, &r);
}

static const char *state(struct update *u, char *buf)
{
	struct json_object *s = update_status(u), *v;

	buf[0] = '\0';
	if (json_object_object_get_ex(s, "state", &v))
		snprintf(buf, 64, "%s", json_object_get_string(v));
	json_object_put(s);
	return buf;
}

/* The signature check runs in a thread: the loop until its result is in. */
static void settle(sd_event *e, struct update *u)
{
	char s[64];

	for (int i = 0; i < 500 && !strcmp(state(u, s), "verifying"); i++)
		sd_event_run(e, 10000);
}

static const char *field(struct update *u, const char *key, char *buf)
{
	struct json_object *s = update_status(u), *v;

	buf[0] = '\0';
	if (json_object_object_get_ex(s, key, &v))
		snprintf(buf, 320, "%s", json_object_get_string(v));
	json_object_put(s);
	return buf;
}

static int files_in(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A %s)\"", dir);
	return system(cmd) == 0 ? 0 : 1;
}

FIXTURE(client) {
	struct ucphoned d;
	struct update *u;
	char dir[64], version_file[128], update_dir[128];
};

FIXTURE_SETUP(client)
{
	struct dhcp_reply lease = { .chaddr = { 2, 0, 0, 0, 0, 0x64 } };
	FILE *f;

	n_calls = installs = 0;
	verify_result = 0;
	strcpy(self->dir, "/tmp/ucphone-update-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->version_file, sizeof(self->version_file), "%s/version", self->dir);
	snprintf(self->update_dir, sizeof(self->update_dir), "%s/update", self->dir);
	f = fopen(self->version_file, "w");
	ASSERT_NE(NULL, f);
	fputs("1.0.199.123\n", f);
	fclose(f);
	memset(&self->d, 0, sizeof(self->d));
	log_init(&self->d.log, "test", LOG_LEVEL_ERROR, false);
	self->d.options.state_dir = self->dir;
	self->d.options.update_installer = "install-it";
	self->d.options.update_vendor_root = "/nonexistent";
	self->d.options.update_version_file = self->version_file;
	self->d.options.update_model = "CX700";
	self->d.options.update_hardware_revision = "A";
	self->d.options.update_locale = "en-US";
	self->d.options.update_max_size = 1 << 20;
	ASSERT_EQ(0, sd_event_new(&self->d.event));
	ASSERT_EQ(0, update_new(&self->d, &self->u));
	snprintf(lease.domain, sizeof(lease.domain), "corp.test");
	update_set_lease(self->u, &lease);
}

FIXTURE_TEARDOWN(client)
{
	char cmd[128];

	update_free(self->u);
	sd_event_unref(self->d.event);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("cannot remove %s", self->dir);
}

/* Runs the loop until n calls were made or 5 s passed. */
static bool wait_calls(sd_event *e, unsigned int n)
{
	for (int i = 0; i < 50 && n_calls < n; i++)
		sd_event_run(e, 100000);
	return n_calls >= n;
}

TEST_F(client, steps_resumes_verifies_installs)
{
	char s[320];

	/* power-on: the check goes to ucupdates-r2.<DHCP domain> with the device */
	ASSERT_EQ(1, n_calls);
	EXPECT_STREQ("https://ucupdates-r2.corp.test/RequestHandler/ucdevice.upx", calls[0].url);
	EXPECT_TRUE(calls[0].post);
	EXPECT_NE(NULL, strstr(calls[0].body, "<MACAddress>02-00-00-00-00-64</MACAddress>"));
	EXPECT_NE(NULL, strstr(calls[0].body, "<SerialNumber>020000000064</SerialNumber>"));
	EXPECT_NE(NULL, strstr(calls[0].body, "<Version>1.0.199.123</Version>"));
	EXPECT_STREQ("checking", state(self->u, s));
	EXPECT_STREQ("power-on", field(self->u, "last_check_reason", s));

	/* both offered: the stepping stone is downloaded */
	answer(&calls[0], 200, "<U>" MODULE("3.5.6907.35", "CX700")
	       MODULE("1.0.522.101", "CX700") "</U>");
	ASSERT_EQ(2, n_calls);
	EXPECT_STREQ("https://ucupdates-r2.corp.test/DeviceUpdateFiles_Int/1.0.522.101/CPE.nbt",
		     calls[1].url);
	EXPECT_EQ(0, calls[1].resume_from);
	EXPECT_EQ(1000, calls[1].max_bytes);	/* the announced size */
	EXPECT_STREQ("downloading", state(self->u, s));

	/* cut halfway: after the loop's resume delay, a Range from 500 */
	serve(&calls[1], 0, 500, -EIO);
	EXPECT_EQ(2, n_calls);
	EXPECT_STREQ("50", field(self->u, "percent", s));
	ASSERT_TRUE(wait_calls(self->d.event, 3));
	EXPECT_STREQ(calls[1].url, calls[2].url);
	EXPECT_EQ(500, calls[2].resume_from);
	EXPECT_STREQ("1", field(self->u, "resumes", s));

	/* the rest, then the signature, then the installer with CPE.nbt */
	serve(&calls[2], 500, 1000, 0);
	ASSERT_EQ(4, n_calls);
	EXPECT_STREQ("https://ucupdates-r2.corp.test/DeviceUpdateFiles_Int/1.0.522.101/CPE.cat",
		     calls[3].url);
	serve(&calls[3], 0, 10, 0);
	settle(self->d.event, self->u);
	ASSERT_EQ(1, installs);
	snprintf(s, sizeof(s), "%s/CPE.nbt", self->update_dir);
	EXPECT_STREQ(s, installed_image);
	EXPECT_STREQ("installing", state(self->u, s));
	{
		struct update_install_result r = { .exit_code = 0 };

		strcpy(r.output, "Installing ... succeeded");
		install_cb(install_ctx, &r);
	}
	EXPECT_STREQ("installed", state(self->u, s));
	EXPECT_STREQ("1.0.522.101", field(self->u, "pending_restart", s));
	EXPECT_EQ(0, files_in(self->update_dir));
	/* asked again before the restart: nothing taken, nothing refused */
	{
		const char *why;

		ASSERT_EQ(0, update_check_now(self->u, false, &why));
		ASSERT_EQ(5, n_calls);
		answer(&calls[4], 200, "<U>" MODULE("3.5.6907.35", "CX700")
		       MODULE("1.0.522.101", "CX700") "</U>");
		EXPECT_EQ(5, n_calls);
		EXPECT_STREQ("installed", state(self->u, s));
		EXPECT_STREQ("", field(self->u, "last_error", s));
	}
	/* the next check is a day away, give or take two hours */
	field(self->u, "next_check_s", s);
	EXPECT_GE(atol(s), 22 * 3600 - 60);
	EXPECT_LE(atol(s), 26 * 3600);
}

TEST_F(client, refusals_leave_no_file)
{
	const char *why;
	char s[320];

	answer(&calls[0], 200, "<U>" MODULE("1.0.522.101", "CX800") "</U>");
	EXPECT_STREQ("refused", state(self->u, s));
	EXPECT_STREQ("image for another model (CX800, this is CX700)",
		     field(self->u, "last_error", s));
	EXPECT_EQ(1, n_calls);

	ASSERT_EQ(0, update_check_now(self->u, false, &why));
	ASSERT_EQ(2, n_calls);
	EXPECT_EQ(-EBUSY, update_check_now(self->u, false, &why));
	answer(&calls[1], 200, "<U>" MODULE("1.0.522.101", "CX700") "</U>");
	ASSERT_EQ(3, n_calls);
	serve(&calls[2], 0, 1000, 0);
	ASSERT_EQ(4, n_calls);
	verify_result = -EKEYREJECTED;
	serve(&calls[3], 0, 10, 0);
	settle(self->d.event, self->u);
	EXPECT_STREQ("refused", state(self->u, s));
	EXPECT_STREQ("signature refused: content verify error", field(self->u, "last_error", s));
	EXPECT_EQ(0, installs);
	EXPECT_EQ(0, files_in(self->update_dir));

	/* a size other than the one announced */
	ASSERT_EQ(0, update_check_now(self->u, false, &why));
	answer(&calls[4], 200, "<U>" MODULE("1.0.522.101", "CX700") "</U>");
	serve(&calls[5], 0, 900, 0);
	EXPECT_STREQ("refused", state(self->u, s));
	EXPECT_STREQ("image of 900 bytes, the answer announced 1000",
		     field(self->u, "last_error", s));
	EXPECT_EQ(0, files_in(self->update_dir));
}

static bool gate_open;

static bool gate(void *ctx, char *why, size_t len)
{
	(void)ctx;
	if (!gate_open)
		snprintf(why, len, "the running slot is on trial until it is marked good");
	return gate_open;
}

/* A failed update in the status: the version, the stage, why. */
static const char *failed(struct update *u, const char *key, char *buf)
{
	struct json_object *s = update_status(u), *f, *v;

	buf[0] = '\0';
	if (json_object_object_get_ex(s, "failed_update", &f) &&
	    json_object_object_get_ex(f, key, &v))
		snprintf(buf, 320, "%s", json_object_get_string(v));
	json_object_put(s);
	return buf;
}

TEST_F(client, failed_update_names_version_and_stage)
{
	const char *why;
	char s[320];

	/* no failure yet */
	EXPECT_STREQ("", failed(self->u, "stage", s));
	/* another model is an offer refused, not a failed update */
	answer(&calls[0], 200, "<U>" MODULE("1.0.522.101", "CX800") "</U>");
	EXPECT_STREQ("", failed(self->u, "stage", s));

	/* a refused signature */
	ASSERT_EQ(0, update_check_now(self->u, false, &why));
	answer(&calls[1], 200, "<U>" MODULE("1.0.522.101", "CX700") "</U>");
	serve(&calls[2], 0, 1000, 0);
	verify_result = -EKEYREJECTED;
	serve(&calls[3], 0, 10, 0);
	settle(self->d.event, self->u);
	EXPECT_STREQ("signature", failed(self->u, "stage", s));
	EXPECT_STREQ("1.0.522.101", failed(self->u, "version", s));
	EXPECT_STREQ("signature refused: content verify error", failed(self->u, "reason", s));

	/* the installer failing */
	verify_result = 0;
	ASSERT_EQ(0, update_check_now(self->u, false, &why));
	answer(&calls[4], 200, "<U>" MODULE("1.0.522.101", "CX700") "</U>");
	serve(&calls[5], 0, 1000, 0);
	serve(&calls[6], 0, 10, 0);
	settle(self->d.event, self->u);
	ASSERT_EQ(1, installs);
	{
		struct update_install_result r = { .exit_code = 1 };

		strcpy(r.output, "LastError: Installation error: Failed writing slot");
		install_cb(install_ctx, &r);
	}
	EXPECT_STREQ("failed", state(self->u, s));
	EXPECT_STREQ("installer", failed(self->u, "stage", s));
	EXPECT_STREQ("installer exited 1", failed(self->u, "reason", s));

	/* a good install clears it */
	ASSERT_EQ(0, update_check_now(self->u, false, &why));
	answer(&calls[7], 200, "<U>" MODULE("1.0.522.101", "CX700") "</U>");
	serve(&calls[8], 0, 1000, 0);
	serve(&calls[9], 0, 10, 0);
	settle(self->d.event, self->u);
	{
		struct update_install_result r = { .exit_code = 0 };

		install_cb(install_ctx, &r);
	}
	EXPECT_STREQ("installed", state(self->u, s));
	EXPECT_STREQ("", failed(self->u, "stage", s));
}

TEST_F(client, waits_while_the_slot_is_on_trial)
{
	struct dhcp_reply lease = { .chaddr = { 2, 0, 0, 0, 0, 0x64 } };
	const char *why = NULL;
	char s[320];

	/* a fresh client whose booted slot is on trial */
	update_free(self->u);
	n_calls = 0;
	gate_open = false;
	ASSERT_EQ(0, update_new(&self->d, &self->u));
	update_set_gate(self->u, gate, NULL);
	snprintf(lease.domain, sizeof(lease.domain), "corp.test");
	update_set_lease(self->u, &lease);
	/* the power-on check waits, and says why */
	EXPECT_EQ(0, n_calls);
	EXPECT_STREQ("check waits: the running slot is on trial until it is marked good",
		     field(self->u, "note", s));
	EXPECT_EQ(-EBUSY, update_check_now(self->u, false, &why));
	EXPECT_STREQ("the running slot is on trial until it is marked good", why);
	/* still shut at the next retry */
	for (int i = 0; i < 60; i++)
		sd_event_run(self->d.event, 100000);
	EXPECT_EQ(0, n_calls);
	/* marked good: the waiting check goes out at the next retry */
	gate_open = true;
	for (int i = 0; i < 70 && !n_calls; i++)
		sd_event_run(self->d.event, 100000);
	ASSERT_EQ(1, n_calls);
	EXPECT_TRUE(calls[0].post);
	EXPECT_STREQ("power-on", field(self->u, "last_check_reason", s));
}

TEST_HARNESS_MAIN
