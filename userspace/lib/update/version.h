/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The phone's software version, four decimal parts (1.0.199.123,
 * 3.5.6907.35), and which offered version an update may install: the
 * seed's stepping stones are a table (version_policy.c), so a new step is
 * a new row, not new code.
 *
 *	installed 1.0.199.123 (anything before 1.0.522.101)
 *		-> only 1.0.522.101
 *	installed 1.0.522.101 (or a later 1.0 build)
 *		-> 3.5.x
 *	installed 3.5.x -> a later 3.5.x
 *
 * An offer lower than the installed version is a downgrade: refused
 * unless the user asked for it (ucphonectl update --allow-downgrade),
 * and then taken whatever the table says. The same version is never
 * installed again.
 */
#ifndef UCPHONE_LIB_UPDATE_VERSION_H
#define UCPHONE_LIB_UPDATE_VERSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VERSION_PARTS 4
/* "4294967295.4294967295.4294967295.4294967295" and its NUL */
#define VERSION_STR_MAX 44

struct version {
	uint32_t part[VERSION_PARTS];
};

/*
 * Parses exactly four dot-separated decimal parts, each 0..4294967295,
 * digits only (no sign, no space, no empty part, at most 10 digits).
 * Returns 0, or -EINVAL leaving *v untouched.
 */
int version_parse(const char *s, struct version *v);
/* Numerically, part by part: <0, 0 or >0 like strcmp. */
int version_cmp(const struct version *a, const struct version *b);
/* "1.0.522.101"; buf holds at least VERSION_STR_MAX bytes. */
char *version_format(const struct version *v, char *buf, size_t len);

enum version_verdict {
	VERSION_TAKE,		/* on the allowed path: install it */
	VERSION_TAKE_DOWNGRADE,	/* lower, and a downgrade was allowed */
	VERSION_SAME,		/* already installed */
	VERSION_DOWNGRADE,	/* lower than installed, not allowed */
	VERSION_NOT_ON_PATH,	/* higher, but not a step the table allows */
};

/* What the policy says about installing `offered` over `installed`. */
enum version_verdict version_policy_check(const struct version *installed,
					  const struct version *offered,
					  bool allow_downgrade);
/* A sentence for `ucphonectl update status` ("not on the upgrade path"). */
const char *version_verdict_reason(enum version_verdict v);

/*
 * Of n offered versions, the index of the one to install: the highest
 * the policy takes (a downgrade only when allowed and nothing higher is
 * taken), or -1 when none is. Offers a server lists together (the final
 * version beside the stepping stone) thus lead one step at a time.
 */
int version_policy_pick(const struct version *installed,
			const struct version *offered, size_t n,
			bool allow_downgrade);

#endif /* UCPHONE_LIB_UPDATE_VERSION_H */
