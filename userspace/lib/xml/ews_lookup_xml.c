// SPDX-License-Identifier: GPL-2.0-only
/* ResolveNames, GetItem attachments and GetAttachment (see ews_lookup_xml.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "lib/xml/ews_fields.h"
#include "lib/xml/ews_lookup_xml.h"
#include "lib/xml/xml_safe.h"

#define SOAP_HEAD \
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n" \
	"<soap:Envelope xmlns:soap=\"" EWS_NS_SOAP "\"" \
	" xmlns:t=\"" EWS_NS_T "\" xmlns:m=\"" EWS_NS_M "\">" \
	"<soap:Header><t:RequestServerVersion Version=\"Exchange2007_SP1\"/></soap:Header>" \
	"<soap:Body>"
#define SOAP_TAIL "</soap:Body></soap:Envelope>\r\n"

static int fill(size_t size, int n)
{
	return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}

/* EWS ids are base64: nothing in them needs escaping, anything else is refused. */
static int id_ok(const char *id)
{
	size_t len = strlen(id);

	return len && len < EWS_ITEM_ID_MAX &&
	       strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789+/=_-") == len;
}

int ews_request_resolve_names(const char *name, char *buf, size_t size)
{
	char esc[EWS_NAME_MAX * 6 + 1];
	size_t len = strlen(name), o = 0;

	if (!len || len > EWS_NAME_MAX)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		const char *rep = c == '&' ? "&amp;" : c == '<' ? "&lt;" :
				  c == '>' ? "&gt;" : c == '"' ? "&quot;" :
				  c == '\'' ? "&apos;" : NULL;

		if (c < 0x20 || c == 0x7f)
			return -EINVAL;
		if (rep) {
			memcpy(esc + o, rep, strlen(rep));
			o += strlen(rep);
		} else {
			esc[o++] = (char)c;
		}
	}
	esc[o] = '\0';
	return fill(size, snprintf(buf, size, SOAP_HEAD
		"<m:ResolveNames ReturnFullContactData=\"true\">"
		"<m:UnresolvedEntry>%s</m:UnresolvedEntry>"
		"</m:ResolveNames>" SOAP_TAIL, esc));
}

int ews_request_item_attachments(const char *item_id, char *buf, size_t size)
{
	if (!id_ok(item_id))
		return -EINVAL;
	return fill(size, snprintf(buf, size, SOAP_HEAD
		"<m:GetItem>"
		"<m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>"
		"<t:FieldURI FieldURI=\"item:Attachments\"/>"
		"</t:AdditionalProperties></m:ItemShape>"
		"<m:ItemIds><t:ItemId Id=\"%s\"/></m:ItemIds>"
		"</m:GetItem>" SOAP_TAIL, item_id));
}

int ews_request_attachment(const char *attachment_id, char *buf, size_t size)
{
	if (!id_ok(attachment_id))
		return -EINVAL;
	return fill(size, snprintf(buf, size, SOAP_HEAD
		"<m:GetAttachment>"
		"<m:AttachmentIds><t:AttachmentId Id=\"%s\"/></m:AttachmentIds>"
		"</m:GetAttachment>" SOAP_TAIL, attachment_id));
}

int ews_parse_resolutions(const char *xml, size_t len, struct ews_contact *out,
			  unsigned int max, unsigned int *n,
			  char error[EWS_ERROR_MAX])
{
	unsigned int count = 0;
	char code[64];
	xmlNode *msg, *set;
	xmlDoc *doc = NULL;
	int ret;

	*n = 0;
	ret = ews_read_answer(xml, len, "ResolveNames", &doc, &msg, code, error);
	if (ret == -EPROTO && !strcmp(code, "ErrorNameResolutionNoResults")) {
		error[0] = '\0';
		ret = 0;
		goto out;
	}
	if (ret < 0)
		goto out;
	set = xml_child(msg, EWS_NS_M, "ResolutionSet");
	if (!set) {
		ret = -EINVAL;
		goto out;
	}
	for (xmlNode *r = xml_child(set, EWS_NS_T, "Resolution");
	     r && count < max; r = xml_next(r, EWS_NS_T, "Resolution")) {
		xmlNode *box = xml_child(r, EWS_NS_T, "Mailbox");
		struct ews_contact *e = &out[count];

		ews_contact_read(xml_child(r, EWS_NS_T, "Contact"), e);
		if (!e->name[0])
			ews_text_cut(xml_child(box, EWS_NS_T, "Name"), e->name,
				     sizeof(e->name));
		if (!e->email[0])
			ews_text_cut(xml_child(box, EWS_NS_T, "EmailAddress"),
				     e->email, sizeof(e->email));
		/* A resolution with neither a name nor an address shows nothing. */
		if (e->name[0] || e->email[0])
			count++;
	}
	*n = count;
out:
	xmlFreeDoc(doc);
	return ret;
}

static void attachment_meta(const xmlNode *f, struct ews_attachment *a)
{
	memset(a, 0, sizeof(*a));
	if (xml_attr(xml_child(f, EWS_NS_T, "AttachmentId"), "Id", a->id,
		     sizeof(a->id)) < 0 || !id_ok(a->id))
		a->id[0] = '\0';
	ews_text_cut(xml_child(f, EWS_NS_T, "Name"), a->name, sizeof(a->name));
	ews_text_cut(xml_child(f, EWS_NS_T, "ContentType"), a->content_type,
		     sizeof(a->content_type));
}

int ews_parse_item_attachments(const char *xml, size_t len,
			       struct ews_attachment *out, unsigned int max,
			       unsigned int *n, char error[EWS_ERROR_MAX])
{
	unsigned int count = 0;
	xmlNode *msg, *item = NULL, *items;
	xmlDoc *doc = NULL;
	int ret;

	*n = 0;
	ret = ews_read_answer(xml, len, "GetItem", &doc, &msg, NULL, error);
	if (ret < 0)
		goto out;
	items = xml_child(msg, EWS_NS_M, "Items");
	for (xmlNode *i = items ? items->children : NULL; i; i = i->next)
		if (i->type == XML_ELEMENT_NODE) {
			item = i;
			break;
		}
	if (!item) {
		ret = -EINVAL;
		goto out;
	}
	for (xmlNode *f = xml_child(xml_child(item, EWS_NS_T, "Attachments"),
				    EWS_NS_T, "FileAttachment");
	     f && count < max; f = xml_next(f, EWS_NS_T, "FileAttachment")) {
		attachment_meta(f, &out[count]);
		if (out[count].id[0])
			count++;
	}
	*n = count;
out:
	xmlFreeDoc(doc);
	return ret;
}

/* base64 text (line breaks and spaces allowed) into data; -EFBIG, -EBADMSG. */
static int decode(const char *text, unsigned char *data, size_t max,
		  size_t *data_len)
{
	EVP_ENCODE_CTX *ctx = EVP_ENCODE_CTX_new();
	size_t len = strlen(text), done = 0;
	int out, ret = 0;

	if (!ctx)
		return -ENOMEM;
	/* Decoded size is at most 3/4 of the text: refuse early what cannot fit. */
	if (len / 2 > max + 1024) {
		ret = -EFBIG;
		goto out;
	}
	EVP_DecodeInit(ctx);
	while (done < len) {
		size_t chunk = len - done > 4096 ? 4096 : len - done;
		unsigned char tmp[3072 + 64];

		if (EVP_DecodeUpdate(ctx, tmp, &out, (const unsigned char *)text + done,
				     (int)chunk) < 0) {
			ret = -EBADMSG;
			goto out;
		}
		if (*data_len + (size_t)out > max) {
			ret = -EFBIG;
			goto out;
		}
		memcpy(data + *data_len, tmp, (size_t)out);
		*data_len += (size_t)out;
		done += chunk;
	}
	{
		unsigned char tmp[64];

		if (EVP_DecodeFinal(ctx, tmp, &out) < 0) {
			ret = -EBADMSG;
			goto out;
		}
		if (*data_len + (size_t)out > max) {
			ret = -EFBIG;
			goto out;
		}
		memcpy(data + *data_len, tmp, (size_t)out);
		*data_len += (size_t)out;
	}
out:
	EVP_ENCODE_CTX_free(ctx);
	return ret;
}

int ews_parse_attachment(const char *xml, size_t len,
			 struct ews_attachment *meta, unsigned char *data,
			 size_t max, size_t *data_len, char error[EWS_ERROR_MAX])
{
	xmlNode *msg, *f;
	xmlChar *content;
	xmlDoc *doc = NULL;
	int ret;

	*data_len = 0;
	ret = ews_read_answer(xml, len, "GetAttachment", &doc, &msg, NULL, error);
	if (ret < 0)
		goto out;
	f = xml_child(xml_child(msg, EWS_NS_M, "Attachments"), EWS_NS_T,
		      "FileAttachment");
	if (!f || !xml_child(f, EWS_NS_T, "Content")) {
		ret = -EINVAL;
		goto out;
	}
	attachment_meta(f, meta);
	content = xmlNodeGetContent(xml_child(f, EWS_NS_T, "Content"));
	if (!content) {
		ret = -ENOMEM;
		goto out;
	}
	ret = decode((const char *)content, data, max, data_len);
	xmlFree(content);
	if (ret == -EBADMSG)
		snprintf(error, EWS_ERROR_MAX, "attachment content is not base64");
	else if (ret == -EFBIG)
		snprintf(error, EWS_ERROR_MAX, "attachment larger than %u bytes",
			 (unsigned int)max);
out:
	xmlFreeDoc(doc);
	return ret;
}

int ews_attachment_is_audio(const struct ews_attachment *a)
{
	static const char *const ext[] = { ".wav", ".wma", ".mp3" };
	size_t len = strlen(a->name);

	if (!strncasecmp(a->content_type, "audio/", 6))
		return 1;
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (len > 4 && !strcasecmp(a->name + len - 4, ext[i]))
			return 1;
	return 0;
}
