/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exchange Web Services, SOAP 1.1, as Exchange 2007 SP1 speaks it
 * (RequestServerVersion Exchange2007_SP1): the FindItem requests the phone
 * sends and the parsers of their answers.
 *
 * Contacts: FindItem on the distinguished folder "contacts", an
 *   IndexedPageItemView of EWS_PAGE_SIZE items from an offset, shape IdOnly
 *   plus the fields the phone shows (display name, company, EmailAddress1,
 *   ImAddress1 = the SIP address Office Communicator files there, business,
 *   mobile and home phone), sorted by display name. The answer's RootFolder
 *   says where the next page starts and whether this was the last one.
 * Messages: FindItem on "inbox" restricted to the item classes Unified
 *   Messaging files: IPM.Note.Microsoft.Voicemail.UM(.CA) (voice mail) and
 *   IPM.Note.Microsoft.Missed.Voice (missed calls, the phone's call
 *   history), newest first, with sender, time, read flag and the voice
 *   message's duration (PidTagVoiceMessageDuration, tag 0x6801).
 * Call log: Office Communicator files each call as an item of class
 *   IPM.Note.Microsoft.Conversation.Voice in the mailbox's "Conversation
 *   History" folder: FindFolder under msgfolderroot by that display name,
 *   then FindItem on the folder's id, same fields as messages.
 *
 * Answers are untrusted network input: see xml_safe.h; above EWS_XML_MAX
 * refused; elements matched by the SOAP, messages and types namespaces.
 */
#ifndef UCPHONE_EWS_XML_H
#define UCPHONE_EWS_XML_H

#include <stdbool.h>
#include <stddef.h>

#define EWS_NS_SOAP "http://schemas.xmlsoap.org/soap/envelope/"
#define EWS_NS_M "http://schemas.microsoft.com/exchange/services/2006/messages"
#define EWS_NS_T "http://schemas.microsoft.com/exchange/services/2006/types"

#define EWS_XML_MAX (4 * 1024 * 1024)
#define EWS_PAGE_SIZE 100
#define EWS_ERROR_MAX 200

struct ews_contact {
	char name[128];
	char company[128];
	char email[256];
	char sip[256];
	char work[64];
	char mobile[64];
	char home[64];
};

enum ews_message_kind {
	EWS_VOICEMAIL,
	EWS_MISSED_CALL,
	EWS_CALL,		/* a call in Conversation History */
};

#define EWS_ITEM_ID_MAX 512

struct ews_message {
	enum ews_message_kind kind;
	char id[EWS_ITEM_ID_MAX];	/* t:ItemId Id, to fetch the item later */
	char sender[128];		/* From/Mailbox/Name */
	char sender_address[256];	/* From/Mailbox/EmailAddress */
	char subject[256];
	char received[32];		/* xs:dateTime as the server sent it */
	unsigned int duration_s;	/* voice mail only; 0 when not given */
	bool read;
};

struct ews_paging {
	unsigned int next_offset;	/* IndexedPagingOffset */
	unsigned int total;		/* TotalItemsInView */
	bool last;			/* IncludesLastItemInRange */
};

#define EWS_CONVERSATION_HISTORY "Conversation History"
#define EWS_FOLDER_ID_MAX 512

/* Request bodies into buf; their length, or -ENOSPC. */
int ews_request_contacts(unsigned int offset, char *buf, size_t size);
int ews_request_messages(unsigned int offset, char *buf, size_t size);
int ews_request_find_folder(char *buf, size_t size);
/* -EINVAL for a folder id with characters no EWS id has. */
int ews_request_calls(const char *folder_id, unsigned int offset, char *buf,
		      size_t size);

/*
 * A FindFolder answer: the first folder's id into id. 0; -ENOENT when the
 * mailbox has no such folder; otherwise as the FindItem parsers.
 */
int ews_parse_folder_id(const char *xml, size_t len, char id[EWS_FOLDER_ID_MAX],
			char error[EWS_ERROR_MAX]);

/*
 * Parse a FindItem answer. Up to max items go to out (*n of them; items
 * whose fields do not fit are cut to fit, never refused: a long company
 * name must not hide a contact). 0, or -EMSGSIZE above EWS_XML_MAX,
 * -EINVAL for what is not a FindItem answer (not well-formed, DOCTYPE,
 * wrong namespaces), -EPROTO for a SOAP Fault or a ResponseClass Error
 * (error says which), -ENOMEM.
 */
int ews_parse_contacts(const char *xml, size_t len, struct ews_contact *out,
		       unsigned int max, unsigned int *n,
		       struct ews_paging *paging, char error[EWS_ERROR_MAX]);
int ews_parse_messages(const char *xml, size_t len, struct ews_message *out,
		       unsigned int max, unsigned int *n,
		       struct ews_paging *paging, char error[EWS_ERROR_MAX]);

#endif /* UCPHONE_EWS_XML_H */
