// SPDX-License-Identifier: GPL-2.0-only
/* One EWS synchronisation: contacts, then voice mail and missed calls. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exchange/ews.h"
#include "lib/xml/ews_xml.h"
#include "exchange/ews_post.h"
#include "exchange/http.h"

#define SUBSYS "exchange"
#define REQUEST_MAX 4096

enum phase { PHASE_CONTACTS, PHASE_MESSAGES, PHASE_FOLDER, PHASE_CALLS };

struct ews_sync {
	struct ucphoned *d;
	struct log *log;
	ews_sync_done_cb cb;
	void *ctx;
	char url[EX_URL_MAX];
	enum phase phase;
	unsigned int offset;
	unsigned int requests;
	struct ex_http *http;
	struct json_object *contacts, *voicemail, *missed, *calls;
	bool truncated;
	char folder_id[EWS_FOLDER_ID_MAX];
	/* The call log is optional: a mailbox without it still synchronises. */
	char calls_error[EWS_ERROR_MAX + 64];
	/* One page's worth, parsed into; kept off the stack. */
	struct ews_contact page_c[EWS_PAGE_SIZE];
	struct ews_message page_m[EWS_PAGE_SIZE];
};

static void add(struct json_object *o, const char *key, const char *v)
{
	if (v[0])
		json_object_object_add(o, key, json_object_new_string(v));
}

static void finish(struct ews_sync *s, int status, const char *error,
		   bool refused)
{
	struct json_object *data = NULL;

	if (!status) {
		data = json_object_new_object();
		json_object_object_add(data, "contacts", json_object_get(s->contacts));
		json_object_object_add(data, "voicemail", json_object_get(s->voicemail));
		json_object_object_add(data, "missed_calls", json_object_get(s->missed));
		json_object_object_add(data, "calls", json_object_get(s->calls));
		if (s->calls_error[0])
			json_object_object_add(data, "calls_error",
					       json_object_new_string(s->calls_error));
		if (s->truncated)
			json_object_object_add(data, "truncated", json_object_new_boolean(1));
	}
	s->cb(s->ctx, status, data, error, refused);
}

static void send_page(struct ews_sync *s);

static void take_contacts(struct ews_sync *s, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		const struct ews_contact *c = &s->page_c[i];
		struct json_object *o;

		if (json_object_array_length(s->contacts) >= EWS_CONTACTS_MAX) {
			s->truncated = true;
			return;
		}
		o = json_object_new_object();
		add(o, "name", c->name);
		add(o, "company", c->company);
		add(o, "email", c->email);
		add(o, "sip", c->sip);
		add(o, "work", c->work);
		add(o, "mobile", c->mobile);
		add(o, "home", c->home);
		json_object_array_add(s->contacts, o);
	}
}

static void take_messages(struct ews_sync *s, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		const struct ews_message *m = &s->page_m[i];
		struct json_object *list = m->kind == EWS_VOICEMAIL ? s->voicemail :
					   m->kind == EWS_CALL ? s->calls : s->missed, *o;

		if (json_object_array_length(list) >= EWS_MESSAGES_MAX) {
			s->truncated = true;
			return;
		}
		o = json_object_new_object();
		add(o, "from", m->sender);
		add(o, "from_address", m->sender_address);
		add(o, "subject", m->subject);
		add(o, "received", m->received);
		if (m->kind == EWS_VOICEMAIL) {
			json_object_object_add(o, "duration_s",
					       json_object_new_int((int)m->duration_s));
			/* What fetches the recording later (ews_lookup.h). */
			add(o, "id", m->id);
		}
		json_object_object_add(o, "read", json_object_new_boolean(m->read));
		json_object_array_add(list, o);
	}
}

static void done(struct ews_sync *s)
{
	log_info(s->log, SUBSYS, "EWS synchronised",
		 LOG_UINT("contacts", json_object_array_length(s->contacts)),
		 LOG_UINT("voicemail", json_object_array_length(s->voicemail)),
		 LOG_UINT("missed_calls", json_object_array_length(s->missed)),
		 LOG_UINT("calls", json_object_array_length(s->calls)),
		 LOG_UINT("requests", s->requests));
	finish(s, 0, NULL, false);
}

static void on_page(void *ctx, const struct ex_http_result *r)
{
	struct ews_sync *s = ctx;
	struct ex_http *h = s->http;
	char error[EWS_ERROR_MAX + 128], why[EWS_ERROR_MAX];
	struct ews_paging pg;
	unsigned int n = 0;
	bool refused;
	int ret;

	s->http = NULL;
	ret = ews_answer_check(r, error, sizeof(error), &refused);
	if (ret < 0) {
		finish(s, ret, error, refused);
		goto out;
	}
	if (s->phase == PHASE_FOLDER) {
		ret = ews_parse_folder_id(r->body, r->body_len, s->folder_id, why);
		if (ret == 0) {
			s->phase = PHASE_CALLS;
			s->offset = 0;
			s->truncated = false;
			send_page(s);
		} else {
			snprintf(s->calls_error, sizeof(s->calls_error), "%s",
				 ret == -ENOENT ? "no \"" EWS_CONVERSATION_HISTORY "\" folder" :
				 ret == -EPROTO ? why : "FindFolder answer refused");
			done(s);
		}
		goto out;
	}
	if (s->phase == PHASE_CONTACTS)
		ret = ews_parse_contacts(r->body, r->body_len, s->page_c,
					 EWS_PAGE_SIZE, &n, &pg, why);
	else
		ret = ews_parse_messages(r->body, r->body_len, s->page_m,
					 EWS_PAGE_SIZE, &n, &pg, why);
	if (ret < 0 && s->phase == PHASE_CALLS) {
		snprintf(s->calls_error, sizeof(s->calls_error), "%s",
			 ret == -EPROTO ? why : "call log answer refused");
		done(s);
		goto out;
	}
	if (ret < 0) {
		snprintf(error, sizeof(error), "EWS %s: %s",
			 s->phase == PHASE_CONTACTS ? "contacts" : "voice mail",
			 ret == -EPROTO ? why : "answer refused (not a FindItem answer)");
		finish(s, ret, error, false);
		goto out;
	}
	if (s->phase == PHASE_CONTACTS)
		take_contacts(s, n);
	else
		take_messages(s, n);
	/* The server says where the next page starts; it must move forward. */
	if (!pg.last && n && pg.next_offset > s->offset && !s->truncated) {
		s->offset = pg.next_offset;
		send_page(s);
	} else if (s->phase == PHASE_CONTACTS || s->phase == PHASE_MESSAGES) {
		s->phase++;
		s->offset = 0;
		s->truncated = false;
		send_page(s);
	} else {
		done(s);
	}
out:
	ex_http_free(h);
}

static void send_page(struct ews_sync *s)
{
	char body[REQUEST_MAX];
	int n, ret;

	switch (s->phase) {
	case PHASE_CONTACTS:
		n = ews_request_contacts(s->offset, body, sizeof(body));
		break;
	case PHASE_MESSAGES:
		n = ews_request_messages(s->offset, body, sizeof(body));
		break;
	case PHASE_FOLDER:
		n = ews_request_find_folder(body, sizeof(body));
		break;
	default:
		n = ews_request_calls(s->folder_id, s->offset, body, sizeof(body));
		break;
	}
	if (n < 0 && s->phase == PHASE_CALLS) {
		snprintf(s->calls_error, sizeof(s->calls_error),
			 "unusable Conversation History folder id");
		done(s);
		return;
	}
	if (n < 0) {
		finish(s, n, "cannot build the EWS request", false);
		return;
	}
	ret = ews_post(s->d, s->url, body, (size_t)n, on_page, s, &s->http);
	if (ret == -EACCES) {
		finish(s, -EACCES, "signed out", false);
		return;
	}
	if (ret < 0) {
		finish(s, ret, "the EWS URL is not a usable https URL", false);
		return;
	}
	s->requests++;
}

int ews_sync_start(struct ucphoned *d, const char *url, ews_sync_done_cb cb,
		   void *ctx, struct ews_sync **out)
{
	struct ews_sync *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->d = d;
	s->log = &d->log;
	s->cb = cb;
	s->ctx = ctx;
	snprintf(s->url, sizeof(s->url), "%s", url);
	s->contacts = json_object_new_array();
	s->voicemail = json_object_new_array();
	s->missed = json_object_new_array();
	s->calls = json_object_new_array();
	if (!s->contacts || !s->voicemail || !s->missed || !s->calls) {
		ews_sync_free(s);
		return -ENOMEM;
	}
	*out = s;
	send_page(s);
	return 0;
}

void ews_sync_free(struct ews_sync *s)
{
	if (!s)
		return;
	ex_http_free(s->http);
	json_object_put(s->contacts);
	json_object_put(s->voicemail);
	json_object_put(s->missed);
	json_object_put(s->calls);
	free(s);
}

unsigned int ews_sync_requests(const struct ews_sync *s)
{
	return s->requests;
}
