// SPDX-License-Identifier: GPL-2.0-only
/* The daemon's audio mode machine (userspace/daemon/device/audio_mode.c). */
#include "device/audio_mode.h"
#include "kselftest_harness.h"

static void fresh(struct audio_mode *m)
{
	audio_mode_init(m, 0, 255, 191, 6);
}

TEST(starts_on_the_handset_at_the_default_volume)
{
	struct audio_mode m;

	fresh(&m);
	EXPECT_EQ(AUDIO_ROUTE_HANDSET, m.route);
	EXPECT_EQ(191, audio_mode_volume(&m));
}

TEST(lifting_the_handset_takes_the_call_to_it)
{
	struct audio_mode m;

	fresh(&m);
	EXPECT_TRUE(audio_mode_input(&m, AUDIO_IN_SPEAKER_KEY));
	EXPECT_EQ(AUDIO_ROUTE_SPEAKERPHONE, m.route);
	EXPECT_TRUE(audio_mode_input(&m, AUDIO_IN_OFF_HOOK));
	EXPECT_EQ(AUDIO_ROUTE_HANDSET, m.route);
	/* Already there: no change to apply. */
	EXPECT_FALSE(audio_mode_input(&m, AUDIO_IN_OFF_HOOK));
}

TEST(hanging_up_leaves_the_route)
{
	struct audio_mode m;

	fresh(&m);
	audio_mode_input(&m, AUDIO_IN_HEADSET_KEY);
	EXPECT_FALSE(audio_mode_input(&m, AUDIO_IN_ON_HOOK));
	EXPECT_EQ(AUDIO_ROUTE_HEADSET, m.route);
}

TEST(speaker_key_toggles_back_to_a_lifted_handset_only)
{
	struct audio_mode m;

	fresh(&m);
	audio_mode_input(&m, AUDIO_IN_OFF_HOOK);
	audio_mode_input(&m, AUDIO_IN_SPEAKER_KEY);
	EXPECT_TRUE(audio_mode_input(&m, AUDIO_IN_SPEAKER_KEY));
	EXPECT_EQ(AUDIO_ROUTE_HANDSET, m.route);

	audio_mode_input(&m, AUDIO_IN_ON_HOOK);
	audio_mode_input(&m, AUDIO_IN_SPEAKER_KEY);
	/* Handset in its cradle: hands-free stays. */
	EXPECT_FALSE(audio_mode_input(&m, AUDIO_IN_SPEAKER_KEY));
	EXPECT_EQ(AUDIO_ROUTE_SPEAKERPHONE, m.route);
}

TEST(headset_key_toggles_to_handset_or_speakerphone)
{
	struct audio_mode m;

	fresh(&m);
	EXPECT_TRUE(audio_mode_input(&m, AUDIO_IN_HEADSET_KEY));
	EXPECT_EQ(AUDIO_ROUTE_HEADSET, m.route);
	EXPECT_TRUE(audio_mode_input(&m, AUDIO_IN_HEADSET_KEY));
	EXPECT_EQ(AUDIO_ROUTE_SPEAKERPHONE, m.route);
	audio_mode_input(&m, AUDIO_IN_OFF_HOOK);
	audio_mode_input(&m, AUDIO_IN_HEADSET_KEY);
	EXPECT_TRUE(audio_mode_input(&m, AUDIO_IN_HEADSET_KEY));
	EXPECT_EQ(AUDIO_ROUTE_HANDSET, m.route);
}

TEST(each_route_remembers_its_volume_within_range)
{
	struct audio_mode m;
	int i;

	fresh(&m);
	EXPECT_TRUE(audio_mode_input(&m, AUDIO_IN_VOLUME_DOWN));
	EXPECT_EQ(185, audio_mode_volume(&m));
	audio_mode_input(&m, AUDIO_IN_SPEAKER_KEY);
	EXPECT_EQ(191, audio_mode_volume(&m));
	for (i = 0; i < 20; i++)
		audio_mode_input(&m, AUDIO_IN_VOLUME_UP);
	EXPECT_EQ(255, audio_mode_volume(&m));
	EXPECT_FALSE(audio_mode_input(&m, AUDIO_IN_VOLUME_UP));
	audio_mode_input(&m, AUDIO_IN_OFF_HOOK);
	EXPECT_EQ(185, audio_mode_volume(&m));
	for (i = 0; i < 40; i++)
		audio_mode_input(&m, AUDIO_IN_VOLUME_DOWN);
	EXPECT_EQ(0, audio_mode_volume(&m));
}

TEST(a_route_set_elsewhere_is_adopted_and_bad_ones_ignored)
{
	struct audio_mode m;

	fresh(&m);
	EXPECT_TRUE(audio_mode_adopt_route(&m, AUDIO_ROUTE_HEADSET));
	EXPECT_FALSE(audio_mode_adopt_route(&m, AUDIO_ROUTE_HEADSET));
	EXPECT_FALSE(audio_mode_adopt_route(&m, AUDIO_ROUTE_COUNT));
	EXPECT_EQ(AUDIO_ROUTE_HEADSET, m.route);
}

TEST(volume_in_percent_per_route)
{
	struct audio_mode m;

	audio_mode_init(&m, 0, 255, 191, 6);
	EXPECT_EQ(75, audio_mode_percent(&m, AUDIO_ROUTE_HANDSET));
	EXPECT_TRUE(audio_mode_set_percent(&m, AUDIO_ROUTE_SPEAKERPHONE, 40));
	EXPECT_EQ(102, m.volume[AUDIO_ROUTE_SPEAKERPHONE]);
	EXPECT_EQ(40, audio_mode_percent(&m, AUDIO_ROUTE_SPEAKERPHONE));
	EXPECT_FALSE(audio_mode_set_percent(&m, AUDIO_ROUTE_SPEAKERPHONE, 40));
	EXPECT_EQ(191, m.volume[AUDIO_ROUTE_HANDSET]);	/* the others keep theirs */
	EXPECT_TRUE(audio_mode_set_percent(&m, AUDIO_ROUTE_HEADSET, 250));
	EXPECT_EQ(255, m.volume[AUDIO_ROUTE_HEADSET]);	/* clamped */
	EXPECT_TRUE(audio_mode_set_percent(&m, AUDIO_ROUTE_HEADSET, -3));
	EXPECT_EQ(0, m.volume[AUDIO_ROUTE_HEADSET]);
	EXPECT_TRUE(audio_mode_set_percent(&m, AUDIO_VOLUME_RINGER, 20));
	EXPECT_EQ(20, audio_mode_percent(&m, AUDIO_VOLUME_RINGER));
	EXPECT_FALSE(audio_mode_set_percent(&m, AUDIO_VOLUME_SLOTS, 50));
	EXPECT_EQ(0, audio_mode_percent(&m, AUDIO_VOLUME_SLOTS));
	/* a card whose range is not 0-based */
	audio_mode_init(&m, -100, 100, 0, 1);
	EXPECT_EQ(50, audio_mode_percent(&m, AUDIO_ROUTE_HANDSET));
	audio_mode_set_percent(&m, AUDIO_ROUTE_HANDSET, 100);
	EXPECT_EQ(100, audio_mode_volume(&m));
}

/* What the volume file keeps (0.1 %) gives back the very control value. */
TEST(every_value_goes_to_permille_and_back)
{
	struct audio_mode m, back;

	fresh(&m);
	fresh(&back);
	for (long v = 0; v <= 255; v++) {
		m.volume[AUDIO_ROUTE_HEADSET] = v;
		audio_mode_set_permille(&back, AUDIO_ROUTE_HEADSET,
					audio_mode_permille(&m, AUDIO_ROUTE_HEADSET));
		EXPECT_EQ(v, back.volume[AUDIO_ROUTE_HEADSET]);
	}
	m.volume[AUDIO_ROUTE_HEADSET] = 197;
	EXPECT_EQ(773, audio_mode_permille(&m, AUDIO_ROUTE_HEADSET));
	EXPECT_EQ(77, audio_mode_percent(&m, AUDIO_ROUTE_HEADSET));
}

TEST(the_ringer_has_its_own_volume_while_the_phone_rings)
{
	struct audio_mode m;

	fresh(&m);
	audio_mode_input(&m, AUDIO_IN_SPEAKER_KEY);
	audio_mode_input(&m, AUDIO_IN_VOLUME_UP);
	EXPECT_EQ(197, audio_mode_volume(&m));		/* the speakerphone's */
	EXPECT_TRUE(audio_mode_set_ringing(&m, true));
	EXPECT_FALSE(audio_mode_set_ringing(&m, true));
	EXPECT_EQ(AUDIO_VOLUME_RINGER, audio_mode_slot(&m));
	EXPECT_EQ(191, audio_mode_volume(&m));		/* the ringer's */
	/* the volume keys while it rings step the ringer only */
	EXPECT_TRUE(audio_mode_input(&m, AUDIO_IN_VOLUME_DOWN));
	EXPECT_TRUE(audio_mode_input(&m, AUDIO_IN_VOLUME_DOWN));
	EXPECT_EQ(179, audio_mode_volume(&m));
	EXPECT_EQ(197, m.volume[AUDIO_ROUTE_SPEAKERPHONE]);
	/* answered: the route's volume comes back, the ringer keeps its own */
	EXPECT_TRUE(audio_mode_set_ringing(&m, false));
	EXPECT_EQ(AUDIO_ROUTE_SPEAKERPHONE, audio_mode_slot(&m));
	EXPECT_EQ(197, audio_mode_volume(&m));
	EXPECT_EQ(179, m.volume[AUDIO_VOLUME_RINGER]);
	/* lifting the handset to answer: the handset's volume */
	audio_mode_set_ringing(&m, true);
	audio_mode_input(&m, AUDIO_IN_OFF_HOOK);
	audio_mode_set_ringing(&m, false);
	EXPECT_EQ(191, audio_mode_volume(&m));
	EXPECT_STREQ("Ringer", audio_volume_name(AUDIO_VOLUME_RINGER));
	EXPECT_STREQ("Speakerphone", audio_volume_name(AUDIO_ROUTE_SPEAKERPHONE));
}

TEST_HARNESS_MAIN
