// SPDX-License-Identifier: GPL-2.0-only
/*
 * The upgrade path as data. A row says: a phone whose installed version
 * lies in [from_lo, from_hi] may install an offered version in
 * [to_lo, to_hi]. Several rows may share a "from" range. An offer no row
 * allows is not on the path, however new it is (the seed: "it is not
 * possible to upgrade directly from 1.0.199.123 to 3.5.6907.35").
 */
#include <stddef.h>

#include "lib/update/version.h"

#define V(a, b, c, d) { .part = { a, b, c, d } }
#define ANY UINT32_MAX

struct version_step {
	struct version from_lo, from_hi;
	struct version to_lo, to_hi;
};

static const struct version_step steps[] = {
	/* Before the stepping stone: only the stepping stone. */
	{ V(0, 0, 0, 0), V(1, 0, 522, 100),
	  V(1, 0, 522, 101), V(1, 0, 522, 101) },
	/* The stepping stone (or a later 1.0 build): 3.5.x. */
	{ V(1, 0, 522, 101), V(1, 0, ANY, ANY),
	  V(3, 5, 0, 0), V(3, 5, ANY, ANY) },
	/* 3.5.x: a later 3.5 build. */
	{ V(3, 5, 0, 0), V(3, 5, ANY, ANY),
	  V(3, 5, 0, 0), V(3, 5, ANY, ANY) },
};

static bool within(const struct version *v, const struct version *lo,
		   const struct version *hi)
{
	return version_cmp(v, lo) >= 0 && version_cmp(v, hi) <= 0;
}

enum version_verdict version_policy_check(const struct version *installed,
					  const struct version *offered,
					  bool allow_downgrade)
{
	int c = version_cmp(offered, installed);

	if (!c)
		return VERSION_SAME;
	if (c < 0)
		return allow_downgrade ? VERSION_TAKE_DOWNGRADE :
					 VERSION_DOWNGRADE;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (within(installed, &steps[i].from_lo, &steps[i].from_hi) &&
		    within(offered, &steps[i].to_lo, &steps[i].to_hi))
			return VERSION_TAKE;
	}
	return VERSION_NOT_ON_PATH;
}

const char *version_verdict_reason(enum version_verdict v)
{
	switch (v) {
	case VERSION_TAKE:
		return "on the upgrade path";
	case VERSION_TAKE_DOWNGRADE:
		return "a downgrade, allowed";
	case VERSION_SAME:
		return "already installed";
	case VERSION_DOWNGRADE:
		return "a downgrade (allow it with --allow-downgrade)";
	case VERSION_NOT_ON_PATH:
		return "not on the upgrade path from the installed version";
	}
	return "unknown";
}

int version_policy_pick(const struct version *installed,
			const struct version *offered, size_t n,
			bool allow_downgrade)
{
	int best = -1;
	bool best_up = false;

	for (size_t i = 0; i < n; i++) {
		enum version_verdict v = version_policy_check(installed,
							      &offered[i],
							      allow_downgrade);
		bool up = v == VERSION_TAKE;

		if (v != VERSION_TAKE && v != VERSION_TAKE_DOWNGRADE)
			continue;
		/* An upgrade beats any downgrade; then the highest wins. */
		if (best < 0 || (up && !best_up) ||
		    (up == best_up && version_cmp(&offered[i], &offered[best]) > 0)) {
			best = (int)i;
			best_up = up;
		}
	}
	return best;
}
