// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Autodiscover state machine (daemon/exchange/autodiscover.c) against a
 * fake HTTP layer: every exchange it starts is captured (method, URL, the
 * address in the body, credentials or not) and answered by the test. The
 * seed's order, each redirect kind, the limit of 10, loops, http without a
 * redirect, an https step whose certificate fails, and a refused password.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exchange/autodiscover.h"
#include "exchange/http.h"
#include "trust/identity.h"
#include "kselftest_harness.h"
#include "trust/trust.h"

#define SENT_MAX 64

/* What the state machine sent, and the pending exchange's callback. */
static struct sent {
	char method[8];
	char url[EX_URL_MAX];
	char email[128];
	bool credentials;
} sent[SENT_MAX];
static unsigned int n_sent;
static ex_http_cb pending_cb;
static void *pending_ctx;
static int live;	/* exchanges started and not freed */
static struct ex_http { int unused; } the_http;
static const struct signin_identity alice = {
	.address = "alice@corp.test", .user = "CORP\\alice", .password = "Alice!Pass1",
};

int ex_http_start(struct ucphoned *d, const struct ex_http_request *req,
		  ex_http_cb cb, void *ctx, struct ex_http **out)
{
	struct sent *s = &sent[n_sent < SENT_MAX ? n_sent++ : SENT_MAX - 1];
	const char *e;

	(void)d;
	memset(s, 0, sizeof(*s));
	snprintf(s->method, sizeof(s->method), "%s", req->body ? "POST" : "GET");
	snprintf(s->url, sizeof(s->url), "%s", req->url);
	s->credentials = req->user && req->password;
	if (req->body && (e = strstr(req->body, "<EMailAddress>")))
		snprintf(s->email, sizeof(s->email), "%.*s",
			 (int)(strstr(e, "</") - e - 14), e + 14);
	if (strncmp(req->url, "http://", 7) && strncmp(req->url, "https://", 8))
		return -EINVAL;
	if (s->credentials && strncmp(req->url, "https://", 8))
		return -EINVAL;
	pending_cb = cb;
	pending_ctx = ctx;
	live++;
	*out = &the_http;
	return 0;
}

void ex_http_free(struct ex_http *h)
{
	if (h)
		live--;
}

const struct signin_identity *identity_get(const struct identity *id)
{
	(void)id;
	return &alice;
}

X509_STORE *trust_store(struct trust *t)
{
	(void)t;
	return NULL;
}

static int done_calls;
static void on_done(void *ctx)
{
	(void)ctx;
	done_calls++;
}

static const char settings[] =
	"<Autodiscover xmlns=\"" AD_NS_RESPONSE "\"><Response xmlns=\"" AD_NS_OUTLOOK "\">"
	"<User><DisplayName>Alice</DisplayName></User><Account><Action>settings</Action>"
	"<Protocol><Type>EXCH</Type><EwsUrl>https://cas.corp.test/EWS/Exchange.asmx</EwsUrl></Protocol>"
	"</Account></Response></Autodiscover>";

static char redirect_doc[1024];
static const char *redirect(const char *kind, const char *target)
{
	snprintf(redirect_doc, sizeof(redirect_doc),
		 "<Autodiscover xmlns=\"" AD_NS_RESPONSE "\"><Response xmlns=\"" AD_NS_OUTLOOK "\">"
		 "<Account><Action>%s</Action><%s>%s</%s></Account></Response></Autodiscover>",
		 kind, !strcmp(kind, "redirectAddr") ? "RedirectAddr" : "RedirectUrl", target,
		 !strcmp(kind, "redirectAddr") ? "RedirectAddr" : "RedirectUrl");
	return redirect_doc;
}

/* Answers the pending exchange. */
static void answer(int status, long code, const char *body, const char *location,
		   bool cert_error)
{
	struct ex_http_result r = { .status = status, .code = code, .cert_error = cert_error };
	ex_http_cb cb = pending_cb;

	r.body = body ? body : "";
	r.body_len = strlen(r.body);
	snprintf(r.location, sizeof(r.location), "%s", location ? location : "");
	snprintf(r.error, sizeof(r.error), "%s", cert_error ? "SSL certificate problem: unable to get local issuer certificate" :
		 status ? "Could not connect" : "");
	pending_cb = NULL;
	cb(pending_ctx, &r);
}

#define AD "/autodiscover/autodiscover.xml"

FIXTURE(ad) {
	struct ucphoned d;
	struct autodiscover *a;
};

FIXTURE_SETUP(ad)
{
	memset(&self->d, 0, sizeof(self->d));
	log_init(&self->d.log, "test", LOG_LEVEL_ERROR, false);
	n_sent = 0;
	live = 0;
	done_calls = 0;
	pending_cb = NULL;
	ASSERT_EQ(0, autodiscover_new(&self->d, on_done, NULL, &self->a));
}

FIXTURE_TEARDOWN(ad)
{
	autodiscover_free(self->a);
	EXPECT_EQ(0, live);
}

TEST_F(ad, seed_order_then_settings)
{
	autodiscover_start(self->a, "alice@corp.test");
	ASSERT_EQ(1, n_sent);
	EXPECT_STREQ("POST", sent[0].method);
	EXPECT_STREQ("https://corp.test" AD, sent[0].url);
	EXPECT_STREQ("alice@corp.test", sent[0].email);
	EXPECT_TRUE(sent[0].credentials);
	answer(-EIO, 0, NULL, NULL, false);		/* nothing there */
	ASSERT_EQ(2, n_sent);
	EXPECT_STREQ("https://autodiscover.corp.test" AD, sent[1].url);
	answer(0, 404, "", NULL, false);
	ASSERT_EQ(3, n_sent);
	EXPECT_STREQ("GET", sent[2].method);
	EXPECT_STREQ("http://autodiscover.corp.test" AD, sent[2].url);
	EXPECT_FALSE(sent[2].credentials);		/* never in clear */
	answer(0, 302, "", "https://cas.corp.test" AD, false);
	ASSERT_EQ(4, n_sent);
	EXPECT_STREQ("POST", sent[3].method);
	EXPECT_STREQ("https://cas.corp.test" AD, sent[3].url);
	EXPECT_TRUE(sent[3].credentials);
	answer(0, 200, settings, NULL, false);
	EXPECT_EQ(1, done_calls);
	ASSERT_EQ(AD_FOUND, autodiscover_state(self->a));
	EXPECT_STREQ("https://cas.corp.test/EWS/Exchange.asmx",
		     autodiscover_result(self->a)->ews_internal);
}

TEST_F(ad, http_without_redirect_refused)
{
	autodiscover_start(self->a, "alice@corp.test");
	answer(0, 404, "", NULL, false);
	answer(0, 404, "", NULL, false);
	answer(0, 200, settings, NULL, false);		/* settings over http: not taken */
	EXPECT_EQ(3, n_sent);
	EXPECT_EQ(AD_FAILED, autodiscover_state(self->a));
	/* nor a redirect to another http URL */
	autodiscover_start(self->a, "alice@corp.test");
	answer(0, 404, "", NULL, false);
	answer(0, 404, "", NULL, false);
	answer(0, 301, "", "http://cas.corp.test" AD, false);
	EXPECT_EQ(6, n_sent);
	EXPECT_EQ(AD_FAILED, autodiscover_state(self->a));
}

TEST_F(ad, redirect_addr_starts_over)
{
	autodiscover_start(self->a, "alice@corp.test");
	answer(0, 200, redirect("redirectAddr", "alice@mail.example"), NULL, false);
	ASSERT_EQ(2, n_sent);
	EXPECT_STREQ("https://mail.example" AD, sent[1].url);
	EXPECT_STREQ("alice@mail.example", sent[1].email);
	answer(0, 200, settings, NULL, false);
	EXPECT_EQ(AD_FOUND, autodiscover_state(self->a));
}

TEST_F(ad, redirect_url_https_only)
{
	autodiscover_start(self->a, "alice@corp.test");
	answer(0, 200, redirect("redirectUrl", "http://evil.example" AD), NULL, false);
	EXPECT_EQ(1, n_sent);
	EXPECT_EQ(AD_FAILED, autodiscover_state(self->a));
}

TEST_F(ad, redirect_loop_and_limit)
{
	char url[128];

	autodiscover_start(self->a, "alice@corp.test");
	answer(0, 200, redirect("redirectUrl", "https://a.corp.test" AD), NULL, false);
	answer(0, 200, redirect("redirectUrl", "https://b.corp.test" AD), NULL, false);
	answer(0, 200, redirect("redirectUrl", "https://a.corp.test" AD), NULL, false);
	EXPECT_EQ(3, n_sent);			/* a, b, then a again is a loop */
	EXPECT_EQ(AD_FAILED, autodiscover_state(self->a));
	EXPECT_EQ(1, done_calls);

	n_sent = 0;
	autodiscover_start(self->a, "alice@corp.test");
	for (int i = 1; i <= 11; i++) {
		snprintf(url, sizeof(url), "https://r%d.corp.test" AD, i);
		answer(0, 200, redirect("redirectUrl", url), NULL, false);
	}
	EXPECT_EQ(11, n_sent);			/* the first URL + 10 redirects followed */
	EXPECT_EQ(AD_FAILED, autodiscover_state(self->a));
	EXPECT_TRUE(pending_cb == NULL);
}

TEST_F(ad, certificate_error_named)
{
	struct json_object *st, *v;

	autodiscover_start(self->a, "alice@corp.test");
	answer(-EIO, 0, NULL, NULL, true);
	answer(0, 404, "", NULL, false);
	answer(0, 404, "", NULL, false);
	EXPECT_EQ(AD_FAILED, autodiscover_state(self->a));
	st = autodiscover_status(self->a);
	ASSERT_TRUE(json_object_object_get_ex(st, "error", &v));
	EXPECT_STREQ("Cannot validate server certificate (https://corp.test" AD ")",
		     json_object_get_string(v));
	json_object_put(st);
}

TEST_F(ad, refused_password_ends_at_once)
{
	autodiscover_start(self->a, "alice@corp.test");
	answer(0, 404, "", NULL, false);
	answer(0, 401, "", NULL, false);
	EXPECT_EQ(2, n_sent);			/* no third URL, no retry */
	EXPECT_EQ(AD_FAILED, autodiscover_state(self->a));
	EXPECT_TRUE(autodiscover_credentials_refused(self->a));
	EXPECT_TRUE(pending_cb == NULL);
}

TEST_F(ad, hostile_answer_is_a_failed_step)
{
	static const char laughs[] = "<!DOCTYPE a [<!ENTITY x \"xx\">]><Autodiscover xmlns=\""
		AD_NS_RESPONSE "\"/>";

	autodiscover_start(self->a, "alice@corp.test");
	answer(0, 200, laughs, NULL, false);
	ASSERT_EQ(2, n_sent);			/* on to the next URL */
	answer(0, 200, settings, NULL, false);
	EXPECT_EQ(AD_FOUND, autodiscover_state(self->a));
}

TEST_HARNESS_MAIN
