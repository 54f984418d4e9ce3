// SPDX-License-Identifier: GPL-2.0
/*
 * The published SRTP vectors (RFC 3711 B.2/B.3, RFC 6188 7.1/7.2, RFC 7714
 * 16-17) through ucphone-srtp's packet functions: loads the test module
 * tests/kmod/ucphone-srtp-vectors.ko, which runs them at load time, and
 * reads its verdict per vector from debugfs. Runs as root in the test VM.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "ksft_util.h"

#define RESULTS "/sys/kernel/debug/ucphone-srtp-vectors/results"

static const char *const vectors[] = {
	"rfc3711_b2_aes_cm_keystream",
	"rfc3711_b3_key_derivation",
	"rfc6188_7_1_aes_256_cm_keystream",
	"rfc6188_7_2_aes_256_key_derivation",
	"rfc7714_16_1_aead_aes_128_gcm_srtp",
	"rfc7714_16_2_aead_aes_256_gcm_srtp",
	"rfc7714_17_1_aead_aes_128_gcm_srtcp",
	"rfc7714_17_2_aead_aes_256_gcm_srtcp",
	"rfc7714_17_3_aead_aes_128_gcm_srtcp_tag_only",
};

FIXTURE(vectors) {
	bool srtp_was_loaded;
	char results[4096];
};

FIXTURE_SETUP(vectors)
{
	FILE *f;
	size_t n;

	self->srtp_was_loaded = ksft_module_loaded("ucphone_srtp");
	ASSERT_EQ(0, ksft_sh("modprobe ucphone-srtp-vectors"));
	f = fopen(RESULTS, "r");
	ASSERT_NE(NULL, f);
	n = fread(self->results, 1, sizeof(self->results) - 1, f);
	self->results[n] = '\0';
	fclose(f);
}

FIXTURE_TEARDOWN(vectors)
{
	ksft_sh("rmmod ucphone_srtp_vectors");
	/* As found: later tests load and unload the modules themselves. */
	if (!self->srtp_was_loaded)
		ksft_sh("rmmod ucphone_srtp");
}

/* Every vector reported, each with "ok", and no other line. */
TEST_F(vectors, every_published_vector_passes)
{
	char want[128];
	unsigned int i, lines = 0;
	const char *p;

	for (i = 0; i < ARRAY_SIZE(vectors); i++) {
		snprintf(want, sizeof(want), "ok %s\n", vectors[i]);
		p = strstr(self->results, want);
		EXPECT_TRUE(p && (p == self->results || p[-1] == '\n'))
			TH_LOG("%s: not passed", vectors[i]);
	}
	for (p = self->results; *p; p++)
		lines += *p == '\n';
	EXPECT_EQ(ARRAY_SIZE(vectors), lines) TH_LOG("%s", self->results);
}

TEST_HARNESS_MAIN
