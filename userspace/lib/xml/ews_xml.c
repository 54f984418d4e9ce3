// SPDX-License-Identifier: GPL-2.0-only
/* EWS FindItem requests and answers (see ews_xml.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xml/ews_xml.h"
#include "lib/xml/ews_fields.h"
#include "lib/xml/xml_safe.h"

#define SOAP_HEAD \
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n" \
	"<soap:Envelope xmlns:soap=\"" EWS_NS_SOAP "\"" \
	" xmlns:t=\"" EWS_NS_T "\" xmlns:m=\"" EWS_NS_M "\">" \
	"<soap:Header><t:RequestServerVersion Version=\"Exchange2007_SP1\"/></soap:Header>" \
	"<soap:Body>"
#define SOAP_TAIL "</soap:Body></soap:Envelope>\r\n"

static int fill(char *buf, size_t size, int n)
{
	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	(void)buf;
	return n;
}

int ews_request_contacts(unsigned int offset, char *buf, size_t size)
{
	return fill(buf, size, snprintf(buf, size, SOAP_HEAD
		"<m:FindItem Traversal=\"Shallow\">"
		"<m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>"
		"<t:FieldURI FieldURI=\"contacts:DisplayName\"/>"
		"<t:FieldURI FieldURI=\"contacts:CompanyName\"/>"
		"<t:IndexedFieldURI FieldURI=\"contacts:EmailAddress\" FieldIndex=\"EmailAddress1\"/>"
		"<t:IndexedFieldURI FieldURI=\"contacts:ImAddress\" FieldIndex=\"ImAddress1\"/>"
		"<t:IndexedFieldURI FieldURI=\"contacts:PhoneNumber\" FieldIndex=\"BusinessPhone\"/>"
		"<t:IndexedFieldURI FieldURI=\"contacts:PhoneNumber\" FieldIndex=\"MobilePhone\"/>"
		"<t:IndexedFieldURI FieldURI=\"contacts:PhoneNumber\" FieldIndex=\"HomePhone\"/>"
		"</t:AdditionalProperties></m:ItemShape>"
		"<m:IndexedPageItemView MaxEntriesReturned=\"%u\" Offset=\"%u\" BasePoint=\"Beginning\"/>"
		"<m:SortOrder><t:FieldOrder Order=\"Ascending\">"
		"<t:FieldURI FieldURI=\"contacts:DisplayName\"/></t:FieldOrder></m:SortOrder>"
		"<m:ParentFolderIds><t:DistinguishedFolderId Id=\"contacts\"/></m:ParentFolderIds>"
		"</m:FindItem>" SOAP_TAIL, EWS_PAGE_SIZE, offset));
}

#define CLASS_IS(c) \
	"<t:IsEqualTo><t:FieldURI FieldURI=\"item:ItemClass\"/>" \
	"<t:FieldURIOrConstant><t:Constant Value=\"" c "\"/></t:FieldURIOrConstant></t:IsEqualTo>"

int ews_request_messages(unsigned int offset, char *buf, size_t size)
{
	return fill(buf, size, snprintf(buf, size, SOAP_HEAD
		"<m:FindItem Traversal=\"Shallow\">"
		"<m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>"
		"<t:FieldURI FieldURI=\"item:ItemClass\"/>"
		"<t:FieldURI FieldURI=\"item:Subject\"/>"
		"<t:FieldURI FieldURI=\"item:DateTimeReceived\"/>"
		"<t:FieldURI FieldURI=\"message:From\"/>"
		"<t:FieldURI FieldURI=\"message:IsRead\"/>"
		"<t:ExtendedFieldURI PropertyTag=\"0x6801\" PropertyType=\"Integer\"/>"
		"</t:AdditionalProperties></m:ItemShape>"
		"<m:IndexedPageItemView MaxEntriesReturned=\"%u\" Offset=\"%u\" BasePoint=\"Beginning\"/>"
		"<m:Restriction><t:Or>"
		CLASS_IS("IPM.Note.Microsoft.Voicemail.UM")
		CLASS_IS("IPM.Note.Microsoft.Voicemail.UM.CA")
		CLASS_IS("IPM.Note.Microsoft.Missed.Voice")
		"</t:Or></m:Restriction>"
		"<m:SortOrder><t:FieldOrder Order=\"Descending\">"
		"<t:FieldURI FieldURI=\"item:DateTimeReceived\"/></t:FieldOrder></m:SortOrder>"
		"<m:ParentFolderIds><t:DistinguishedFolderId Id=\"inbox\"/></m:ParentFolderIds>"
		"</m:FindItem>" SOAP_TAIL, EWS_PAGE_SIZE, offset));
}

#define MESSAGE_FIELDS \
	"<m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>" \
	"<t:FieldURI FieldURI=\"item:ItemClass\"/>" \
	"<t:FieldURI FieldURI=\"item:Subject\"/>" \
	"<t:FieldURI FieldURI=\"item:DateTimeReceived\"/>" \
	"<t:FieldURI FieldURI=\"message:From\"/>" \
	"<t:FieldURI FieldURI=\"message:IsRead\"/>" \
	"<t:ExtendedFieldURI PropertyTag=\"0x6801\" PropertyType=\"Integer\"/>" \
	"</t:AdditionalProperties></m:ItemShape>"

int ews_request_find_folder(char *buf, size_t size)
{
	return fill(buf, size, snprintf(buf, size, SOAP_HEAD
		"<m:FindFolder Traversal=\"Shallow\">"
		"<m:FolderShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>"
		"<t:FieldURI FieldURI=\"folder:DisplayName\"/>"
		"</t:AdditionalProperties></m:FolderShape>"
		"<m:Restriction><t:IsEqualTo><t:FieldURI FieldURI=\"folder:DisplayName\"/>"
		"<t:FieldURIOrConstant><t:Constant Value=\"" EWS_CONVERSATION_HISTORY "\"/>"
		"</t:FieldURIOrConstant></t:IsEqualTo></m:Restriction>"
		"<m:ParentFolderIds><t:DistinguishedFolderId Id=\"msgfolderroot\"/></m:ParentFolderIds>"
		"</m:FindFolder>" SOAP_TAIL));
}

int ews_request_calls(const char *folder_id, unsigned int offset, char *buf,
		      size_t size)
{
	/* EWS ids are base64: nothing in them needs escaping, anything else is refused. */
	if (!folder_id[0] || strspn(folder_id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				    "0123456789+/=_-") != strlen(folder_id))
		return -EINVAL;
	return fill(buf, size, snprintf(buf, size, SOAP_HEAD
		"<m:FindItem Traversal=\"Shallow\">" MESSAGE_FIELDS
		"<m:IndexedPageItemView MaxEntriesReturned=\"%u\" Offset=\"%u\" BasePoint=\"Beginning\"/>"
		"<m:Restriction>" CLASS_IS("IPM.Note.Microsoft.Conversation.Voice") "</m:Restriction>"
		"<m:SortOrder><t:FieldOrder Order=\"Descending\">"
		"<t:FieldURI FieldURI=\"item:DateTimeReceived\"/></t:FieldOrder></m:SortOrder>"
		"<m:ParentFolderIds><t:FolderId Id=\"%s\"/></m:ParentFolderIds>"
		"</m:FindItem>" SOAP_TAIL, EWS_PAGE_SIZE, offset, folder_id));
}

static unsigned int attr_uint(const xmlNode *node, const char *name)
{
	char v[16], *end;
	unsigned long n;

	if (xml_attr(node, name, v, sizeof(v)) < 0 || !v[0])
		return 0;
	n = strtoul(v, &end, 10);
	return *end || n > 1000000 ? 0 : (unsigned int)n;
}

/*
 * The answer's m:RootFolder/t:<container>, with the paging attributes, or
 * the reason not; *doc as ews_read_answer() leaves it.
 */
static int find_root(const char *xml, size_t len, const char *op,
		     const char *container, xmlDoc **doc, xmlNode **items,
		     struct ews_paging *pg, char error[EWS_ERROR_MAX])
{
	xmlNode *msg, *folder;
	char last[16];
	int ret;

	ret = ews_read_answer(xml, len, op, doc, &msg, NULL, error);
	if (ret < 0)
		return ret;
	folder = xml_child(msg, EWS_NS_M, "RootFolder");
	*items = xml_child(folder, EWS_NS_T, container);
	if (!*items)
		return -EINVAL;
	pg->next_offset = attr_uint(folder, "IndexedPagingOffset");
	pg->total = attr_uint(folder, "TotalItemsInView");
	if (xml_attr(folder, "IncludesLastItemInRange", last, sizeof(last)) < 0)
		return -EINVAL;
	pg->last = strcmp(last, "false") != 0;
	return 0;
}

int ews_parse_contacts(const char *xml, size_t len, struct ews_contact *out,
		       unsigned int max, unsigned int *n,
		       struct ews_paging *paging, char error[EWS_ERROR_MAX])
{
	struct ews_paging pg = { 0 };
	xmlNode *items;
	unsigned int count = 0;
	xmlDoc *doc = NULL;
	int ret;

	ret = find_root(xml, len, "FindItem", "Items", &doc, &items, &pg, error);
	if (ret < 0)
		goto out;
	for (xmlNode *c = xml_child(items, EWS_NS_T, "Contact");
	     c && count < max; c = xml_next(c, EWS_NS_T, "Contact")) {
		struct ews_contact *e = &out[count++];

		ews_contact_read(c, e);
	}
	*n = count;
	*paging = pg;
out:
	xmlFreeDoc(doc);
	return ret;
}

static void message_fields(const xmlNode *m, struct ews_message *e)
{
	const xmlNode *box = xml_child(xml_child(m, EWS_NS_T, "From"), EWS_NS_T,
				       "Mailbox");
	char v[16];

	/* An id that does not fit stays empty: the message cannot be fetched. */
	if (xml_attr(xml_child(m, EWS_NS_T, "ItemId"), "Id", e->id, sizeof(e->id)) < 0)
		e->id[0] = '\0';
	ews_text_cut(xml_child(m, EWS_NS_T, "Subject"), e->subject, sizeof(e->subject));
	ews_text_cut(xml_child(m, EWS_NS_T, "DateTimeReceived"), e->received,
		 sizeof(e->received));
	ews_text_cut(xml_child(box, EWS_NS_T, "Name"), e->sender, sizeof(e->sender));
	ews_text_cut(xml_child(box, EWS_NS_T, "EmailAddress"), e->sender_address,
		 sizeof(e->sender_address));
	ews_text_cut(xml_child(m, EWS_NS_T, "IsRead"), v, sizeof(v));
	e->read = !strcmp(v, "true") || !strcmp(v, "1");
	for (xmlNode *x = xml_child(m, EWS_NS_T, "ExtendedProperty"); x;
	     x = xml_next(x, EWS_NS_T, "ExtendedProperty")) {
		char tag[16], *end;
		unsigned long s;

		if (xml_attr(xml_child(x, EWS_NS_T, "ExtendedFieldURI"),
			     "PropertyTag", tag, sizeof(tag)) < 0 ||
		    strtoul(tag, NULL, 0) != 0x6801)
			continue;
		ews_text_cut(xml_child(x, EWS_NS_T, "Value"), v, sizeof(v));
		s = strtoul(v, &end, 10);
		if (v[0] && !*end && s < 24 * 3600)
			e->duration_s = (unsigned int)s;
	}
}

int ews_parse_messages(const char *xml, size_t len, struct ews_message *out,
		       unsigned int max, unsigned int *n,
		       struct ews_paging *paging, char error[EWS_ERROR_MAX])
{
	struct ews_paging pg = { 0 };
	unsigned int count = 0;
	xmlNode *items;
	xmlDoc *doc = NULL;
	int ret;

	ret = find_root(xml, len, "FindItem", "Items", &doc, &items, &pg, error);
	if (ret < 0)
		goto out;
	for (xmlNode *m = items->children; m && count < max; m = m->next) {
		struct ews_message *e;
		char cls[64];

		/* Voice mail comes as Message; other kinds of item are skipped. */
		if (!xml_is(m, EWS_NS_T, "Message"))
			continue;
		ews_text_cut(xml_child(m, EWS_NS_T, "ItemClass"), cls, sizeof(cls));
		e = &out[count];
		memset(e, 0, sizeof(*e));
		if (!strncmp(cls, "IPM.Note.Microsoft.Voicemail.UM", 31))
			e->kind = EWS_VOICEMAIL;
		else if (!strcmp(cls, "IPM.Note.Microsoft.Missed.Voice"))
			e->kind = EWS_MISSED_CALL;
		else if (!strcmp(cls, "IPM.Note.Microsoft.Conversation.Voice"))
			e->kind = EWS_CALL;
		else
			continue;
		message_fields(m, e);
		count++;
	}
	*n = count;
	*paging = pg;
out:
	xmlFreeDoc(doc);
	return ret;
}

int ews_parse_folder_id(const char *xml, size_t len, char id[EWS_FOLDER_ID_MAX],
			char error[EWS_ERROR_MAX])
{
	struct ews_paging pg;
	xmlNode *folders, *f;
	xmlDoc *doc = NULL;
	int ret;

	ret = find_root(xml, len, "FindFolder", "Folders", &doc, &folders, &pg, error);
	if (!ret) {
		f = xml_child(folders, EWS_NS_T, "Folder");
		ret = f ? xml_attr(xml_child(f, EWS_NS_T, "FolderId"), "Id", id,
				   EWS_FOLDER_ID_MAX) : -ENOENT;
		if (!ret && !id[0])
			ret = -EINVAL;
	}
	xmlFreeDoc(doc);
	return ret;
}
