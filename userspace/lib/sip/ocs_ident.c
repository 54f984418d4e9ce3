// SPDX-License-Identifier: GPL-2.0-only
/* epid and +sip.instance (see ocs_ident.h). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "lib/sip/ocs_ident.h"
#include "lib/util/random_hex.h"

int ocs_epid_new(char out[11])
{
	return random_hex(out, 5);
}

static int parse_uuid(const char *text, uint8_t uuid[16])
{
	size_t j = 0;

	for (size_t i = 0; text[i] && j < 32; i++) {
		char c = text[i];
		int v;

		if (c == '-')
			continue;
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else
			return -EINVAL;
		if (j % 2)
			uuid[j / 2] |= (uint8_t)v;
		else
			uuid[j / 2] = (uint8_t)(v << 4);
		j++;
	}
	return j == 32 ? 0 : -EINVAL;
}

int ocs_instance_uuid(const char *epid, char out[37])
{
	uint8_t ns[16], hash[EVP_MAX_MD_SIZE];
	unsigned int hash_len = 0;
	EVP_MD_CTX *ctx;
	int ok;

	if (!epid || !*epid)
		return -EINVAL;
	if (parse_uuid(OCS_INSTANCE_NAMESPACE, ns))
		return -EINVAL;
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return -ENOMEM;
	ok = EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) &&
	     EVP_DigestUpdate(ctx, ns, sizeof(ns)) &&
	     EVP_DigestUpdate(ctx, epid, strlen(epid)) &&
	     EVP_DigestFinal_ex(ctx, hash, &hash_len);
	EVP_MD_CTX_free(ctx);
	if (!ok || hash_len < 16)
		return -EIO;
	/* RFC 4122 4.3: version 5 in the high nibble of octet 6, variant 10. */
	hash[6] = (hash[6] & 0x0f) | 0x50;
	hash[8] = (hash[8] & 0x3f) | 0x80;
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 hash[0], hash[1], hash[2], hash[3], hash[4], hash[5], hash[6],
		 hash[7], hash[8], hash[9], hash[10], hash[11], hash[12],
		 hash[13], hash[14], hash[15]);
	return 0;
}
