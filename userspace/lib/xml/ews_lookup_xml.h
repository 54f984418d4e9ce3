/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * EWS requests the phone sends when the user asks, and their answers:
 *
 * ResolveNames (directory search by name, [MS-OXWSRSLNM]): the Global
 *   Address List and the user's contacts searched for an ambiguous name,
 *   ReturnFullContactData so each resolution carries its phone numbers.
 *   "No results" is an Error class with ErrorNameResolutionNoResults: read
 *   as an empty list, not as a failure; several results come with a
 *   Warning class (ErrorNameResolutionMultipleResults).
 * A voice message's recording ([MS-OXWSATT]): GetItem with the item's
 *   attachments, then GetAttachment of the first audio attachment; its
 *   base64 Content decoded, never more than EWS_ATTACHMENT_MAX bytes.
 *
 * Names and ids go into requests escaped or checked: a name with control
 * characters or over EWS_NAME_MAX, an id with characters no EWS id has,
 * are refused with -EINVAL.
 */
#ifndef UCPHONE_EWS_LOOKUP_XML_H
#define UCPHONE_EWS_LOOKUP_XML_H

#include <stddef.h>

#include "lib/xml/ews_xml.h"

#define EWS_NAME_MAX 64
#define EWS_RESOLUTIONS_MAX 100		/* Exchange returns at most 100 */
#define EWS_ATTACHMENT_MAX (3 * 1024 * 1024)
#define EWS_ATTACHMENTS_MAX 8

struct ews_attachment {
	char id[EWS_ITEM_ID_MAX];
	char name[128];
	char content_type[64];
};

int ews_request_resolve_names(const char *name, char *buf, size_t size);
int ews_request_item_attachments(const char *item_id, char *buf, size_t size);
int ews_request_attachment(const char *attachment_id, char *buf, size_t size);

/*
 * A ResolveNames answer: up to max resolutions into out (*n), each the
 * contact's fields, the mailbox's name and address filling what the
 * contact data lacks. Errors as the FindItem parsers (ews_xml.h).
 */
int ews_parse_resolutions(const char *xml, size_t len, struct ews_contact *out,
			  unsigned int max, unsigned int *n,
			  char error[EWS_ERROR_MAX]);

/* A GetItem answer: the item's file attachments (*n of them, up to max). */
int ews_parse_item_attachments(const char *xml, size_t len,
			       struct ews_attachment *out, unsigned int max,
			       unsigned int *n, char error[EWS_ERROR_MAX]);

/*
 * A GetAttachment answer: the file attachment's metadata into meta and its
 * decoded content into data[0..*data_len), data holding max bytes.
 * -EFBIG when the content is larger, -EBADMSG when it is not base64, else
 * as above.
 */
int ews_parse_attachment(const char *xml, size_t len,
			 struct ews_attachment *meta, unsigned char *data,
			 size_t max, size_t *data_len, char error[EWS_ERROR_MAX]);

/* Does content_type or the file name say audio the phone can store? */
int ews_attachment_is_audio(const struct ews_attachment *a);

#endif /* UCPHONE_EWS_LOOKUP_XML_H */
