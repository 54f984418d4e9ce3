// SPDX-License-Identifier: GPL-2.0-only
/* Exchange Autodiscover (POX) request and answer (see autodiscover_xml.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xml/autodiscover_xml.h"
#include "lib/xml/xml_safe.h"

const char *ad_action_name(enum ad_action a)
{
	switch (a) {
	case AD_ACTION_SETTINGS:
		return "settings";
	case AD_ACTION_REDIRECT_ADDR:
		return "redirectAddr";
	case AD_ACTION_REDIRECT_URL:
		return "redirectUrl";
	case AD_ACTION_ERROR:
		return "error";
	}
	return "?";
}

/* text with XML's five special characters escaped, appended at *at. */
static int put_escaped(char *buf, size_t size, size_t *at, const char *text)
{
	for (const char *p = text; *p; p++) {
		const char *rep = NULL;
		char one[2] = { *p, '\0' };
		size_t n;

		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return -EINVAL;
		switch (*p) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&apos;"; break;
		default: rep = one; break;
		}
		n = strlen(rep);
		if (*at + n >= size)
			return -ENOSPC;
		memcpy(buf + *at, rep, n);
		*at += n;
	}
	buf[*at] = '\0';
	return 0;
}

static int put(char *buf, size_t size, size_t *at, const char *text)
{
	size_t n = strlen(text);

	if (*at + n >= size)
		return -ENOSPC;
	memcpy(buf + *at, text, n + 1);
	*at += n;
	return 0;
}

int ad_xml_request(const char *email, char *buf, size_t size)
{
	size_t at = 0;
	int ret;

	if (!email || !*email)
		return -EINVAL;
	if (!size)
		return -ENOSPC;
	buf[0] = '\0';
	ret = put(buf, size, &at,
		  "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
		  "<Autodiscover xmlns=\"" AD_NS_REQUEST "\">\r\n"
		  "  <Request>\r\n"
		  "    <EMailAddress>");
	if (!ret)
		ret = put_escaped(buf, size, &at, email);
	if (!ret)
		ret = put(buf, size, &at,
			  "</EMailAddress>\r\n"
			  "    <AcceptableResponseSchema>" AD_NS_OUTLOOK
			  "</AcceptableResponseSchema>\r\n"
			  "  </Request>\r\n"
			  "</Autodiscover>\r\n");
	return ret < 0 ? ret : (int)at;
}

/* The first non-empty EwsUrl/UMUrl/OABUrl of one Protocol element. */
static int take_protocol(const xmlNode *proto, struct ad_result *r)
{
	char type[16], url[AD_URL_MAX];
	int ret;

	ret = xml_text(xml_child(proto, AD_NS_OUTLOOK, "Type"), type, sizeof(type));
	if (ret < 0)
		return 0;	/* some other protocol with a long type name */
	ret = xml_text(xml_child(proto, AD_NS_OUTLOOK, "EwsUrl"), url, sizeof(url));
	if (ret < 0)
		return ret;
	if (!strcmp(type, "EXCH") && !r->ews_internal[0])
		memcpy(r->ews_internal, url, sizeof(url));
	else if (!strcmp(type, "EXPR") && !r->ews_external[0])
		memcpy(r->ews_external, url, sizeof(url));
	else if (strcmp(type, "EXCH") && strcmp(type, "EXPR"))
		return 0;	/* WEB, POP3...: not for the phone */
	ret = xml_text(xml_child(proto, AD_NS_OUTLOOK, "UMUrl"), url, sizeof(url));
	if (ret < 0)
		return ret;
	if (!r->um_url[0])
		memcpy(r->um_url, url, sizeof(url));
	ret = xml_text(xml_child(proto, AD_NS_OUTLOOK, "OABUrl"), url, sizeof(url));
	if (ret < 0)
		return ret;
	if (!r->oab_url[0])
		memcpy(r->oab_url, url, sizeof(url));
	return 0;
}

static int take_account(const xmlNode *account, struct ad_result *r)
{
	char action[32];
	int ret;

	ret = xml_text(xml_child(account, AD_NS_OUTLOOK, "Action"), action,
		       sizeof(action));
	if (ret < 0)
		return ret;
	if (!strcmp(action, "redirectAddr")) {
		r->action = AD_ACTION_REDIRECT_ADDR;
		ret = xml_text(xml_child(account, AD_NS_OUTLOOK, "RedirectAddr"),
			       r->redirect, sizeof(r->redirect));
		return ret < 0 ? ret : r->redirect[0] ? 0 : -EINVAL;
	}
	if (!strcmp(action, "redirectUrl")) {
		r->action = AD_ACTION_REDIRECT_URL;
		ret = xml_text(xml_child(account, AD_NS_OUTLOOK, "RedirectUrl"),
			       r->redirect, sizeof(r->redirect));
		return ret < 0 ? ret : r->redirect[0] ? 0 : -EINVAL;
	}
	if (strcmp(action, "settings"))
		return -EINVAL;
	r->action = AD_ACTION_SETTINGS;
	for (xmlNode *p = xml_child(account, AD_NS_OUTLOOK, "Protocol"); p;
	     p = xml_next(p, AD_NS_OUTLOOK, "Protocol")) {
		ret = take_protocol(p, r);
		if (ret < 0)
			return ret;
	}
	return r->ews_internal[0] || r->ews_external[0] ? 0 : -EINVAL;
}

static int take_error(const xmlNode *error, struct ad_result *r)
{
	int ret;

	r->action = AD_ACTION_ERROR;
	ret = xml_text(xml_child(error, AD_NS_RESPONSE, "ErrorCode"),
		       r->error_code, sizeof(r->error_code));
	if (ret < 0)
		return ret;
	/* A long message is cut, not refused: it is only shown. */
	if (xml_text(xml_child(error, AD_NS_RESPONSE, "Message"),
		     r->error_message, sizeof(r->error_message)) < 0)
		snprintf(r->error_message, sizeof(r->error_message),
			 "(message too long)");
	return 0;
}

int ad_xml_parse(const char *xml, size_t len, struct ad_result *out)
{
	struct ad_result *r;
	xmlNode *root, *resp, *node;
	xmlDoc *doc;
	int ret = 0;

	if (!out)
		return -EINVAL;
	doc = xml_safe_read(xml, len, AD_XML_MAX, &ret);
	if (!doc)
		return ret;
	r = calloc(1, sizeof(*r));
	if (!r) {
		xmlFreeDoc(doc);
		return -ENOMEM;
	}
	root = xmlDocGetRootElement(doc);
	ret = -EINVAL;
	if (!xml_is(root, AD_NS_RESPONSE, "Autodiscover"))
		goto out;
	resp = xml_child(root, AD_NS_OUTLOOK, "Response");
	if (!resp) {
		/* An error answer stays in the generic response schema. */
		resp = xml_child(root, AD_NS_RESPONSE, "Response");
		node = xml_child(resp, AD_NS_RESPONSE, "Error");
		if (node)
			ret = take_error(node, r);
		goto out;
	}
	node = xml_child(resp, AD_NS_OUTLOOK, "Error");
	if (node) {
		ret = xml_text(xml_child(node, AD_NS_OUTLOOK, "ErrorCode"),
			       r->error_code, sizeof(r->error_code));
		if (!ret && xml_text(xml_child(node, AD_NS_OUTLOOK, "Message"),
				     r->error_message,
				     sizeof(r->error_message)) < 0)
			snprintf(r->error_message, sizeof(r->error_message),
				 "(message too long)");
		r->action = AD_ACTION_ERROR;
		goto out;
	}
	node = xml_child(resp, AD_NS_OUTLOOK, "User");
	if (node && xml_text(xml_child(node, AD_NS_OUTLOOK, "DisplayName"),
			     r->display_name, sizeof(r->display_name)) < 0)
		goto out;
	node = xml_child(resp, AD_NS_OUTLOOK, "Account");
	if (node)
		ret = take_account(node, r);
out:
	if (!ret)
		*out = *r;
	free(r);
	xmlFreeDoc(doc);
	return ret;
}
