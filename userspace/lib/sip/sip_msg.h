/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SIP messages (RFC 3261 section 7 and 20): a parser for what arrives from
 * the network, and a builder for what the phone sends.
 *
 * The parser copies one message into its own buffer, unfolds continuation
 * lines in place (CRLF + white space becomes spaces, so no offset moves)
 * and indexes the start line and the headers; values are views into that
 * buffer (struct sip_str), valid until sip_msg_free(). Compact header
 * names (i f t v m l k c e o s u) are mapped to their long names. Limits
 * are hard: longer messages, more headers or longer lines are refused with
 * an error, never truncated. Nothing recurses on input and nothing reads
 * past the length given.
 *
 * On a stream transport (TLS, TCP) the message boundary is the blank line
 * plus Content-Length (RFC 3261 18.3): sip_msg_frame() finds it.
 */
#ifndef UCPHONE_SIP_MSG_H
#define UCPHONE_SIP_MSG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIP_MSG_MAX 65536	/* whole message, headers and body */
#define SIP_HEAD_MAX 16384	/* start line and headers */
#define SIP_HEADERS_MAX 96
#define SIP_LIST_MAX 32		/* items split out of one header */

struct sip_str {
	const char *p;
	size_t len;
};

enum sip_hdr {
	SIP_HDR_OTHER,
	SIP_HDR_ACCEPT,
	SIP_HDR_ALLOW_EVENTS,
	SIP_HDR_AUTHORIZATION,
	SIP_HDR_CALL_ID,
	SIP_HDR_CONTACT,
	SIP_HDR_CONTENT_ENCODING,
	SIP_HDR_CONTENT_LENGTH,
	SIP_HDR_CONTENT_TYPE,
	SIP_HDR_CSEQ,
	SIP_HDR_EVENT,
	SIP_HDR_EXPIRES,
	SIP_HDR_FROM,
	SIP_HDR_MAX_FORWARDS,
	SIP_HDR_MIN_EXPIRES,
	SIP_HDR_PROXY_AUTHENTICATE,
	SIP_HDR_PROXY_AUTHORIZATION,
	SIP_HDR_RECORD_ROUTE,
	SIP_HDR_ROUTE,
	SIP_HDR_SERVER,
	SIP_HDR_SUBJECT,
	SIP_HDR_SUBSCRIPTION_STATE,
	SIP_HDR_SUPPORTED,
	SIP_HDR_TO,
	SIP_HDR_USER_AGENT,
	SIP_HDR_VIA,
	SIP_HDR_WWW_AUTHENTICATE,
};

struct sip_header {
	enum sip_hdr id;
	struct sip_str name;	/* as sent */
	struct sip_str value;	/* trimmed, continuation lines unfolded */
};

struct sip_msg {
	bool request;
	/* request line */
	struct sip_str method, uri;
	/* status line */
	unsigned int status;	/* 100-699 */
	struct sip_str reason;

	struct sip_header hdr[SIP_HEADERS_MAX];
	unsigned int n_hdr;
	struct sip_str body;	/* Content-Length bytes (or the rest) */

	/* Checked on parse: a request or response without these is refused. */
	struct sip_str call_id;
	uint32_t cseq;
	struct sip_str cseq_method;

	char *buf;		/* the copy every sip_str points into */
	size_t len;
};

/*
 * Parses one whole message of len bytes (a datagram, or what
 * sip_msg_frame() delimited). Returns 0, -EINVAL (malformed: bad start
 * line, header without colon, bad CSeq/Content-Length, missing Call-ID,
 * CSeq, From, To or Via), -EMSGSIZE (over a limit), -ENOMEM. On error
 * msg holds nothing to free.
 */
int sip_msg_parse(const char *data, size_t len, struct sip_msg *msg);
void sip_msg_free(struct sip_msg *msg);

/*
 * Stream framing: the length of the first message in data[0..len) once
 * all of it has arrived. Returns 0 and sets *msg_len, -EAGAIN if more bytes
 * are needed, -EMSGSIZE if the head or the announced body is over the
 * limits, -EINVAL if the head is complete but has no valid Content-Length
 * (mandatory on streams). Leading CRLFs (keep-alive) are the caller's.
 */
int sip_msg_frame(const char *data, size_t len, size_t *msg_len);

/* The index-th header with this id (0 = first), or NULL. */
const struct sip_header *sip_msg_header(const struct sip_msg *msg,
					enum sip_hdr id, unsigned int index);
/* The value of the first header with this id; {NULL, 0} if absent. */
struct sip_str sip_msg_value(const struct sip_msg *msg, enum sip_hdr id);
/* The header id for a name, long or compact, case-insensitive. */
enum sip_hdr sip_hdr_lookup(const char *name, size_t len);

bool sip_str_eq(struct sip_str s, const char *lit);	/* case-sensitive */
bool sip_str_ieq(struct sip_str s, const char *lit);	/* case-insensitive */
/* Copies into out (NUL-terminated); -ENOSPC (out = "") if it does not fit. */
int sip_str_copy(struct sip_str s, char *out, size_t size);

/*
 * Splits a comma-separated header value (Via, Contact, Supported...) into
 * items, ignoring commas inside quotes and <>. Returns the number of items
 * or -EMSGSIZE past max, -EINVAL for an unterminated quote or <.
 */
int sip_split_list(struct sip_str value, struct sip_str *items,
		   unsigned int max);

/* name-addr / addr-spec with header parameters: From, To, Contact, Route. */
struct sip_name_addr {
	struct sip_str display;	/* without quotes; may be empty */
	struct sip_str uri;	/* without <> */
	struct sip_str params;	/* ";tag=x;expires=60", may be empty */
};
int sip_parse_name_addr(struct sip_str value, struct sip_name_addr *out);

/* Via: SIP/2.0/TLS host:port;branch=...;received=...;rport */
struct sip_via {
	struct sip_str transport;	/* "TLS" */
	struct sip_str sent_by;		/* "host:port" */
	struct sip_str params;
};
int sip_parse_via(struct sip_str value, struct sip_via *out);

/*
 * A parameter of a ";a=b;c" list. Returns true if present; *value is the
 * value without quotes (empty for a bare name). value may be NULL.
 */
bool sip_param(struct sip_str params, const char *name, struct sip_str *value);

/* A decimal number of at most 10 digits that fits in uint32_t. */
int sip_parse_uint(struct sip_str s, uint32_t *out);

/* ---- building ---- */

struct sip_out {
	char *buf;
	size_t cap, len;
	int error;		/* first error; later calls do nothing */
};

void sip_out_init(struct sip_out *o, char *buf, size_t cap);
/* "REGISTER sip:corp.test SIP/2.0" */
void sip_out_request_line(struct sip_out *o, const char *method,
			  const char *uri);
void sip_out_status_line(struct sip_out *o, unsigned int status,
			 const char *reason);
/*
 * One header; the formatted value must hold no CR, LF or NUL (a value
 * from the network cannot inject a header): -EINVAL otherwise.
 */
__attribute__((format(printf, 3, 4)))
void sip_out_header(struct sip_out *o, const char *name, const char *fmt, ...);
/* Content-Type (if type), Content-Length, blank line, body. */
void sip_out_body(struct sip_out *o, const char *type, const char *body,
		  size_t len);
/* 0 and the length of the message, or the first error (-EMSGSIZE...). */
int sip_out_finish(struct sip_out *o, size_t *len);

#endif /* UCPHONE_SIP_MSG_H */
