/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pieces every EWS answer parser reads the same way: an element's text cut
 * to fit at a character boundary, an Entry of an indexed list (phone
 * numbers, e-mail addresses), and the <op>ResponseMessage of an answer with
 * its ResponseClass (a SOAP fault or an Error class said in error).
 */
#ifndef UCPHONE_EWS_FIELDS_H
#define UCPHONE_EWS_FIELDS_H

#include <stddef.h>

#include <libxml/tree.h>

#include "lib/xml/ews_xml.h"

/* node's text into buf, cut to fit at a UTF-8 character boundary; "" for NULL. */
void ews_text_cut(const xmlNode *node, char *buf, size_t size);

/* The text of the Entry with Key=key under t:<list> of item, or "". */
void ews_entry(const xmlNode *item, const char *list, const char *key,
	       char *buf, size_t size);

/* A t:Contact's fields the phone shows (FindItem and ResolveNames alike). */
void ews_contact_read(const xmlNode *contact, struct ews_contact *out);

/*
 * xml read as untrusted (xml_safe.h, at most EWS_XML_MAX) into *doc, and
 * its Envelope/Body/m:<op>Response/m:ResponseMessages/m:<op>ResponseMessage
 * into *msg. 0 for ResponseClass Success or Warning; -EPROTO for a SOAP
 * fault or an Error (error says which, code gets the ResponseCode when
 * code is not NULL); -EINVAL for what is not such an answer; as
 * xml_safe_read() when unreadable. error is "" unless -EPROTO. *doc is
 * the caller's to free whatever the result (NULL when unreadable).
 */
int ews_read_answer(const char *xml, size_t len, const char *op, xmlDoc **doc,
		    xmlNode **msg, char code[64], char error[EWS_ERROR_MAX]);

#endif /* UCPHONE_EWS_FIELDS_H */
