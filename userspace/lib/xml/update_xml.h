/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Device Update (protocols brief 8): the body the phone POSTs to
 * /RequestHandler/ucdevice.upx and the parser of the answer. The element
 * names of the real service are not public, so the answer's are matched
 * without regard to case or namespace and with the spellings listed in
 * userspace/lib/update/README.md (FileName / ImageFileName, BaseURL /
 * BaseUrl / DownloadUrl...); the values are strict: a version that is not
 * four decimal parts, a size that is not a decimal number, a file name
 * with a '/' or a URL that is neither https://... nor /... refuses the
 * whole answer, naming the element, rather than guess.
 *
 * Untrusted network input: read through xml_safe.c (no DOCTYPE, no
 * entities, no network, a size cap).
 */
#ifndef UCPHONE_UPDATE_XML_H
#define UCPHONE_UPDATE_XML_H

#include <stddef.h>
#include <stdint.h>

#include "lib/update/version.h"

#define UPDATE_REQUEST_PATH "/RequestHandler/ucdevice.upx"
#define UPDATE_XML_MAX (64 * 1024)
#define UPDATE_MODULES_MAX 8
#define UPDATE_NAME_MAX 64
#define UPDATE_URL_MAX 512
#define UPDATE_WHY_MAX 160

struct update_module {
	struct version version;
	char file_name[UPDATE_NAME_MAX];	/* CPE.nbt: the image */
	char signature_name[UPDATE_NAME_MAX];	/* CPE.cat: its signature */
	char descript_name[UPDATE_NAME_MAX];	/* CPE_desc.xml, "" if none */
	char base_url[UPDATE_URL_MAX];	/* https://host/dir/ or /dir/ */
	char model[UPDATE_NAME_MAX];	/* "" when the answer names none */
	uint64_t size;			/* the image's bytes, 0 if not said */
};

struct update_answer {
	struct update_module modules[UPDATE_MODULES_MAX];
	unsigned int n;		/* 0: no update offered */
	unsigned int skipped;	/* modules beyond UPDATE_MODULES_MAX */
};

/*
 * Parses an answer. 0 with out filled; -EINVAL (why says which element),
 * -EMSGSIZE above UPDATE_XML_MAX, -ENOMEM. out is untouched on error.
 */
int update_xml_parse(const char *xml, size_t len, struct update_answer *out,
		     char *why, size_t why_len);

struct update_request {
	const char *device_type;	/* "UCPhone" */
	const char *vendor;
	const char *model;
	const char *revision;		/* hardware revision */
	const char *mac;		/* "00-15-5d-01-02-03" */
	const char *serial;
	const char *locale;		/* "en-US" */
	const char *file_name;		/* the installed module: CPE.nbt */
	struct version installed;
};

/*
 * The request body into buf. Every string must be 1-63 bytes of
 * [A-Za-z0-9._:-] (no escaping needed, nothing smuggled in): -EINVAL
 * otherwise, -ENOSPC when buf is short. Returns the body's length.
 */
int update_xml_request(const struct update_request *r, char *buf, size_t len);

/* A value fit for the request: 1-63 bytes of [A-Za-z0-9._:-]. */
int update_xml_token_ok(const char *s);

#endif /* UCPHONE_UPDATE_XML_H */
