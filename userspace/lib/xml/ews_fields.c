// SPDX-License-Identifier: GPL-2.0-only
/* Fields read the same way in every EWS answer (see ews_fields.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/xml/ews_fields.h"
#include "lib/xml/xml_safe.h"

void ews_text_cut(const xmlNode *node, char *buf, size_t size)
{
	size_t len, i, need;
	xmlChar *content;
	unsigned char lead;

	buf[0] = '\0';
	if (!node || xml_text(node, buf, size) == 0)
		return;
	content = xmlNodeGetContent(node);
	if (!content)
		return;
	snprintf(buf, size, "%s", (const char *)content);
	xmlFree(content);
	len = strlen(buf);
	/* A multi-byte character cut in two goes whole. */
	i = len;
	while (i && ((unsigned char)buf[i - 1] & 0xc0) == 0x80)
		i--;
	if (i) {
		lead = (unsigned char)buf[i - 1];
		need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
		if (len - (i - 1) < need)
			len = i - 1;
	}
	buf[len] = '\0';
}

void ews_entry(const xmlNode *item, const char *list, const char *key,
	       char *buf, size_t size)
{
	char k[32];

	buf[0] = '\0';
	for (xmlNode *e = xml_child(xml_child(item, EWS_NS_T, list), EWS_NS_T,
				    "Entry"); e; e = xml_next(e, EWS_NS_T, "Entry")) {
		if (xml_attr(e, "Key", k, sizeof(k)) == 0 && !strcmp(k, key)) {
			ews_text_cut(e, buf, size);
			return;
		}
	}
}

void ews_contact_read(const xmlNode *c, struct ews_contact *e)
{
	memset(e, 0, sizeof(*e));
	ews_text_cut(xml_child(c, EWS_NS_T, "DisplayName"), e->name, sizeof(e->name));
	ews_text_cut(xml_child(c, EWS_NS_T, "CompanyName"), e->company,
		     sizeof(e->company));
	ews_entry(c, "EmailAddresses", "EmailAddress1", e->email, sizeof(e->email));
	ews_entry(c, "ImAddresses", "ImAddress1", e->sip, sizeof(e->sip));
	ews_entry(c, "PhoneNumbers", "BusinessPhone", e->work, sizeof(e->work));
	ews_entry(c, "PhoneNumbers", "MobilePhone", e->mobile, sizeof(e->mobile));
	ews_entry(c, "PhoneNumbers", "HomePhone", e->home, sizeof(e->home));
}

int ews_read_answer(const char *xml, size_t len, const char *op, xmlDoc **doc,
		    xmlNode **msg, char code[64], char error[EWS_ERROR_MAX])
{
	xmlNode *root, *body, *fault;
	char resp[40], msgname[48], cls[16], rcode[64];
	char text[EWS_ERROR_MAX - 80];
	int ret;

	error[0] = '\0';
	if (code)
		code[0] = '\0';
	*doc = xml_safe_read(xml, len, EWS_XML_MAX, &ret);
	if (!*doc)
		return ret;
	root = xmlDocGetRootElement(*doc);
	if (!xml_is(root, EWS_NS_SOAP, "Envelope"))
		return -EINVAL;
	body = xml_child(root, EWS_NS_SOAP, "Body");
	fault = xml_child(body, EWS_NS_SOAP, "Fault");
	if (fault) {
		/* faultstring is unqualified in SOAP 1.1 */
		text[0] = '\0';
		for (xmlNode *s = fault->children; s; s = s->next)
			if (s->type == XML_ELEMENT_NODE && !s->ns &&
			    !strcmp((const char *)s->name, "faultstring"))
				ews_text_cut(s, text, sizeof(text));
		snprintf(error, EWS_ERROR_MAX, "SOAP fault: %s",
			 text[0] ? text : "(no faultstring)");
		return -EPROTO;
	}
	snprintf(resp, sizeof(resp), "%sResponse", op);
	snprintf(msgname, sizeof(msgname), "%sResponseMessage", op);
	*msg = xml_child(xml_child(xml_child(body, EWS_NS_M, resp),
				   EWS_NS_M, "ResponseMessages"),
			 EWS_NS_M, msgname);
	if (!*msg)
		return -EINVAL;
	if (xml_attr(*msg, "ResponseClass", cls, sizeof(cls)) < 0)
		return -EINVAL;
	if (strcmp(cls, "Success") && strcmp(cls, "Warning")) {
		ews_text_cut(xml_child(*msg, EWS_NS_M, "ResponseCode"), rcode,
			     sizeof(rcode));
		ews_text_cut(xml_child(*msg, EWS_NS_M, "MessageText"), text,
			     sizeof(text));
		if (code)
			snprintf(code, 64, "%s", rcode);
		snprintf(error, EWS_ERROR_MAX, "%s: %s", rcode[0] ? rcode : cls,
			 text);
		return -EPROTO;
	}
	return 0;
}
