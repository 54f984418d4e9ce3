/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DHCPv4 messages (RFC 2131/2132): building the client's messages and
 * parsing the server's, with every option ucphone uses decoded into plain
 * fixed-size fields (no allocation, so the parser is easy to fuzz).
 *
 * Options split over several instances are concatenated first (RFC 3396),
 * across the options field, then file, then sname when option 52 overloads
 * them. Option 119 (RFC 3397) and 120 (RFC 3361) names may use RFC 1035
 * compression pointers into the reassembled option; a pointer must point
 * strictly before every earlier jump of the same name, so forward, looping
 * and out-of-range pointers are refused. Option 43 for MS-UC-Client is a
 * list of TLVs in any order, with or without a 0xFF terminator.
 */
#ifndef UCPHONE_DHCP_MSG_H
#define UCPHONE_DHCP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum dhcp_msg_type {
	DHCP_DISCOVER = 1,
	DHCP_OFFER = 2,
	DHCP_REQUEST = 3,
	DHCP_DECLINE = 4,
	DHCP_ACK = 5,
	DHCP_NAK = 6,
	DHCP_RELEASE = 7,
	DHCP_INFORM = 8,
};

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
#define DHCP_FIXED_LEN 236		/* up to and without the magic cookie */
#define DHCP_MIN_LEN 300		/* BOOTP minimum, some relays insist */
#define DHCP_MAX_LEN 1500
#define DHCP_NAME_MAX 256		/* dotted name with its NUL */
#define DHCP_LIST_MAX 8
#define DHCP_SEARCH_MAX 16
#define DHCP_URL_MAX 512
#define DHCP_VENDOR_CLASS_MAX 64

/* The options ucphone asks for (option 55), in this order. */
extern const uint8_t dhcp_requested_options[];
extern const size_t dhcp_requested_options_len;

struct dhcp_build {
	enum dhcp_msg_type type;
	uint32_t xid;
	uint16_t secs;
	uint8_t mac[6];
	uint32_t ciaddr;		/* network order; 0 unless bound */
	uint32_t requested_ip;		/* option 50 when non-zero */
	uint32_t server_id;		/* option 54 when non-zero */
	const char *vendor_class;	/* option 60 when non-NULL */
	bool broadcast;			/* the BROADCAST flag */
};

/* Builds a client message into buf; returns its length or -ENOBUFS. */
int dhcp_build(const struct dhcp_build *b, uint8_t *buf, size_t cap);

struct dhcp_sip_servers {
	bool present;
	bool are_addresses;		/* RFC 3361 encoding 1 */
	unsigned int count;
	char names[DHCP_LIST_MAX][DHCP_NAME_MAX];
	uint32_t addrs[DHCP_LIST_MAX];	/* network order */
};

/* Option 43 for MS-UC-Client, every sub-option as sent. */
struct dhcp_ms_uc {
	bool present;
	char identifier[DHCP_NAME_MAX];	/* 1 */
	char scheme[16];		/* 2 */
	char fqdn[DHCP_NAME_MAX];	/* 3 */
	char port[8];			/* 4, ASCII digits */
	char path[DHCP_NAME_MAX];	/* 5 */
	char url[DHCP_URL_MAX];		/* scheme://fqdn:port/path */
};

/* One server message; addresses in network order. */
struct dhcp_reply {
	enum dhcp_msg_type type;
	uint32_t xid;
	uint8_t chaddr[6];
	uint32_t yiaddr, siaddr;
	uint32_t server_id;		/* 54 */
	bool has_subnet;
	uint32_t subnet_mask;		/* 1 */
	uint8_t prefix_len;
	unsigned int n_routers, n_dns, n_ntp;
	uint32_t routers[DHCP_LIST_MAX];	/* 3 */
	uint32_t dns[DHCP_LIST_MAX];		/* 6 */
	uint32_t ntp[DHCP_LIST_MAX];		/* 42 */
	char domain[DHCP_NAME_MAX];		/* 15 */
	unsigned int n_search;
	char search[DHCP_SEARCH_MAX][DHCP_NAME_MAX];	/* 119 */
	struct dhcp_sip_servers sip;			/* 120 */
	struct dhcp_ms_uc ms_uc;			/* 43 */
	uint16_t mtu;				/* 26, 0 when absent */
	uint32_t lease_time, t1, t2;		/* 51, 58, 59; 0 when absent */
	/* Options that were present but refused, for the log. */
	uint32_t bad_options;			/* bit per enum dhcp_bad */
	const char *domain_why;			/* why 15 was refused (static) */
};

enum dhcp_bad {
	DHCP_BAD_SEARCH = 1u << 0,
	DHCP_BAD_SIP = 1u << 1,
	DHCP_BAD_VENDOR = 1u << 2,
	DHCP_BAD_DOMAIN = 1u << 3,
	DHCP_BAD_LIST = 1u << 4,
};

/*
 * Parses a BOOTREPLY. Returns 0, or -EINVAL with a reason in *why (a
 * static string) when the message itself is unusable: bad framing, no
 * cookie, no or unknown message type. A bad optional option is dropped
 * and noted in bad_options; the rest of the message is kept.
 */
int dhcp_parse(const uint8_t *buf, size_t len, struct dhcp_reply *r,
	       const char **why);

/*
 * Decoders for option payloads (already reassembled), exposed for tests
 * and fuzzing. Each returns 0 or -EINVAL and never writes past its arrays.
 */
int dhcp_decode_search(const uint8_t *opt, size_t len,
		       char out[][DHCP_NAME_MAX], unsigned int max,
		       unsigned int *count);
int dhcp_decode_sip(const uint8_t *opt, size_t len,
		    struct dhcp_sip_servers *sip);
int dhcp_decode_ms_uc(const uint8_t *opt, size_t len, struct dhcp_ms_uc *uc);

/*
 * Checks a dotted name (RFC 1035 s2.3.4 and the host-name rules of
 * RFC 1123 s2.1): labels of 1-63 letters, digits, '-' or '_', no label
 * beginning or ending with '-', at most 253 characters; one final '.'
 * (the root) is allowed. Returns the length without that dot, or -EINVAL
 * with the reason in *why (a static string).
 */
int dns_name_check(const char *name, size_t len, const char **why);

/*
 * Reads the RFC 1035 name at *pos of data[0..len); compression pointers
 * may only go backwards. On success *pos is just past the name's end in
 * the original stream.
 */
int dns_name_decode(const uint8_t *data, size_t len, size_t *pos,
		    char out[DHCP_NAME_MAX]);

/* When a lease's timers fire, in seconds after its ACK. */
struct dhcp_lease_times {
	uint32_t renew;		/* T1: RENEWING, unicast to the server */
	uint32_t rebind;	/* T2: REBINDING, broadcast */
	uint32_t expiry;	/* the address is given up */
};

/*
 * The timers of the lease an ACK grants (RFC 2131 4.4.5): options 58 and 59
 * as sent when they fall inside the lease, else 0.5 and 0.875 of it; T2
 * never before T1. RFC 2131 requires option 51 in an ACK; [U] an hour
 * without it.
 */
void dhcp_lease_times(const struct dhcp_reply *ack, struct dhcp_lease_times *t);

/* Prefix length of a contiguous netmask, or -1. */
int dhcp_mask_prefix(uint32_t mask_be);

#endif /* UCPHONE_DHCP_MSG_H */
