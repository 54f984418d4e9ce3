// SPDX-License-Identifier: GPL-2.0
/*
 * The phone's sound card, seen through alsa-lib inside the test VM: the
 * real ES8311 driver bound to an i2c-stub chip, the real ucphone card, and
 * the timer-driven test I2S controller standing in for the SoC's I2S DMA
 * (tests/kmod). Bytes played reach the simulated bus exactly, bytes the bus
 * feeds are captured exactly, the codec's registers (read back from the
 * stub through i2c-dev) follow rates, routes and volumes, bad parameters
 * are refused at hw_params, and unbinding a driver mid-stream is clean.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/i2c.h>
#include <linux/i2c-dev.h>
#include <alsa/asoundlib.h>

#include "kselftest_harness.h"
#include "ksft_util.h"

#define CARD		"hw:ucphone"
#define CODEC_ADDR	0x18
#define BUS_DIR		"/sys/kernel/debug/ucphone-test-i2s"
#define PERIOD_FRAMES	256
#define CARD_UNBIND	"/sys/bus/platform/drivers/ucphone-sound-card/"
#define CODEC_UNBIND	"/sys/bus/i2c/drivers/ucphone-es8311/"

/* ES8311 registers the tests read back (the public register map). */
#define REG_CLKMGR1	0x01
#define REG_CLKMGR2	0x02
#define REG_CLKMGR5	0x05
#define REG_SDP_IN	0x09
#define REG_SDP_OUT	0x0a
#define REG_SYS3	0x0d
#define REG_SYS8	0x12
#define REG_SYS9	0x13
#define REG_SYS10	0x14
#define REG_ADC_VOL	0x17
#define REG_DAC1	0x31
#define REG_DAC_VOL	0x32

static bool wait_card(bool present)
{
	int i;

	for (i = 0; i < 100; i++) {
		if ((snd_card_get_index("ucphone") >= 0) == present)
			return true;
		usleep(50000);
	}
	return false;
}

/* The VM's audio board: codec on i2c-stub, test I2S, the card. */
static bool board_up(unsigned int mclk_fs)
{
	if (ksft_sh("modprobe i2c-stub chip_addr=0x%x && modprobe i2c-dev && "
	       "modprobe -a ucphone-es8311 ucphone-test-i2s ucphone-card",
	       CODEC_ADDR))
		return false;
	if (access("/sys/module/ucphone_audio_board", F_OK) &&
	    ksft_sh("modprobe ucphone-audio-board mclk_fs=%u", mclk_fs))
		return false;
	return wait_card(true);
}

static int stub_bus(void)
{
	char path[96], name[64];
	int nr;

	for (nr = 0; nr < 64; nr++) {
		FILE *f;

		snprintf(path, sizeof(path), "/sys/bus/i2c/devices/i2c-%d/name", nr);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(name, sizeof(name), f) && !strncmp(name, "SMBus stub driver", 17)) {
			fclose(f);
			return nr;
		}
		fclose(f);
	}
	return -1;
}

static int open_codec_regs(void)
{
	char path[32];
	int fd, bus = stub_bus();

	if (bus < 0)
		return -1;
	snprintf(path, sizeof(path), "/dev/i2c-%d", bus);
	fd = open(path, O_RDWR | O_CLOEXEC);
	/* The codec driver owns the address; reading beside it is the point. */
	if (fd >= 0 && ioctl(fd, I2C_SLAVE_FORCE, CODEC_ADDR) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int reg(int fd, unsigned char addr)
{
	union i2c_smbus_data data;
	struct i2c_smbus_ioctl_data args = {
		.read_write = I2C_SMBUS_READ,
		.command = addr,
		.size = I2C_SMBUS_BYTE_DATA,
		.data = &data,
	};

	if (ioctl(fd, I2C_SMBUS, &args) < 0)
		return -errno;
	return data.byte;
}

static int ctl_write(const char *name, long value, bool enumerated)
{
	snd_ctl_elem_value_t *v;
	snd_ctl_t *ctl;
	int ret;

	ret = snd_ctl_open(&ctl, CARD, 0);
	if (ret < 0)
		return ret;
	snd_ctl_elem_value_alloca(&v);
	snd_ctl_elem_value_set_interface(v, SND_CTL_ELEM_IFACE_MIXER);
	snd_ctl_elem_value_set_name(v, name);
	if (enumerated)
		snd_ctl_elem_value_set_enumerated(v, 0, value);
	else
		snd_ctl_elem_value_set_integer(v, 0, value);
	ret = snd_ctl_elem_write(ctl, v);
	snd_ctl_close(ctl);
	return ret < 0 ? ret : 0;
}

static long ctl_db(const char *name, long value)
{
	snd_ctl_elem_id_t *id;
	snd_ctl_t *ctl;
	long db = -1;

	if (snd_ctl_open(&ctl, CARD, 0) < 0)
		return 1;
	snd_ctl_elem_id_alloca(&id);
	snd_ctl_elem_id_set_interface(id, SND_CTL_ELEM_IFACE_MIXER);
	snd_ctl_elem_id_set_name(id, name);
	if (snd_ctl_convert_to_dB(ctl, id, value, &db) < 0)
		db = 1;
	snd_ctl_close(ctl);
	return db;
}

/* Deterministic bytes, different for every seed. */
static void pattern(unsigned char *buf, size_t n, unsigned int seed)
{
	unsigned int x = seed * 2654435761u + 1;
	size_t i;

	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = x >> 24;
	}
}

static int write_file(const char *path, const void *buf, size_t n)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t done;

	if (fd < 0)
		return -errno;
	done = write(fd, buf, n);
	close(fd);
	return done == (ssize_t)n ? 0 : -EIO;
}

/* Everything the bus carried since the last clear; returns its length. */
static ssize_t bus_played(unsigned char *buf, size_t max)
{
	int fd = open(BUS_DIR "/playback", O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while (len < max && (n = read(fd, buf + len, max - len)) > 0)
		len += n;
	close(fd);
	return len;
}

static int pcm_setup(snd_pcm_t **pcm, snd_pcm_stream_t dir, unsigned int rate,
		     snd_pcm_format_t format, unsigned int channels)
{
	snd_pcm_uframes_t period = PERIOD_FRAMES, buffer = 4 * PERIOD_FRAMES;
	snd_pcm_hw_params_t *hw;
	int ret;

	ret = snd_pcm_open(pcm, CARD, dir, 0);
	if (ret < 0)
		return ret;
	snd_pcm_hw_params_alloca(&hw);
	ret = snd_pcm_hw_params_any(*pcm, hw);
	if (!ret)
		ret = snd_pcm_hw_params_set_access(*pcm, hw,
						   SND_PCM_ACCESS_RW_INTERLEAVED);
	if (!ret)
		ret = snd_pcm_hw_params_set_format(*pcm, hw, format);
	if (!ret)
		ret = snd_pcm_hw_params_set_channels(*pcm, hw, channels);
	if (!ret)
		ret = snd_pcm_hw_params_set_rate(*pcm, hw, rate, 0);
	if (!ret)
		ret = snd_pcm_hw_params_set_period_size_near(*pcm, hw, &period, 0);
	if (!ret)
		ret = snd_pcm_hw_params_set_buffer_size_near(*pcm, hw, &buffer);
	if (!ret)
		ret = snd_pcm_hw_params(*pcm, hw);
	if (ret < 0) {
		snd_pcm_close(*pcm);
		*pcm = NULL;
	}
	return ret;
}

static ssize_t play(snd_pcm_t *pcm, const unsigned char *buf, size_t frames,
		    size_t frame_bytes)
{
	size_t done = 0;

	while (done < frames) {
		snd_pcm_sframes_t n = snd_pcm_writei(pcm, buf + done * frame_bytes,
						     frames - done);
		if (n < 0)
			return n;
		done += n;
	}
	return done;
}

FIXTURE(stream) {
	unsigned char *sent, *got;
	size_t frames, frame_bytes, bytes;
};

FIXTURE_VARIANT(stream) {
	unsigned int rate;
	snd_pcm_format_t format;
	unsigned int channels;
};

FIXTURE_VARIANT_ADD(stream, s16_stereo_8k) { 8000, SND_PCM_FORMAT_S16_LE, 2 };
FIXTURE_VARIANT_ADD(stream, s16_mono_16k) { 16000, SND_PCM_FORMAT_S16_LE, 1 };
FIXTURE_VARIANT_ADD(stream, s16_stereo_48k) { 48000, SND_PCM_FORMAT_S16_LE, 2 };
FIXTURE_VARIANT_ADD(stream, s24_stereo_48k) { 48000, SND_PCM_FORMAT_S24_LE, 2 };

FIXTURE_SETUP(stream)
{
	if (!board_up(256))
		SKIP(return, "the ucphone audio board cannot load here (not the test VM?)");
	self->frame_bytes = snd_pcm_format_physical_width(variant->format) / 8 *
			    variant->channels;
	/* A quarter second, whole periods, so a drain leaves no partial one. */
	self->frames = (variant->rate / 4 + PERIOD_FRAMES - 1) / PERIOD_FRAMES *
		       PERIOD_FRAMES;
	self->bytes = self->frames * self->frame_bytes;
	self->sent = malloc(self->bytes);
	self->got = malloc(self->bytes + (1 << 20));
	ASSERT_TRUE(self->sent && self->got);
	pattern(self->sent, self->bytes, variant->rate + variant->channels);
}

FIXTURE_TEARDOWN(stream)
{
	free(self->sent);
	free(self->got);
}

TEST_F(stream, playback_reaches_the_bus_byte_exact)
{
	snd_pcm_t *pcm;
	ssize_t len;

	ASSERT_EQ(0, write_file(BUS_DIR "/playback", "0", 1));
	ASSERT_EQ(0, pcm_setup(&pcm, SND_PCM_STREAM_PLAYBACK, variant->rate,
			       variant->format, variant->channels));
	ASSERT_EQ((ssize_t)self->frames, play(pcm, self->sent, self->frames,
					      self->frame_bytes));
	ASSERT_EQ(0, snd_pcm_drain(pcm));
	snd_pcm_close(pcm);

	len = bus_played(self->got, self->bytes + (1 << 20));
	ASSERT_EQ((ssize_t)self->bytes, len);
	EXPECT_EQ(0, memcmp(self->sent, self->got, self->bytes));
}

TEST_F(stream, capture_gets_what_the_bus_fed_byte_exact)
{
	snd_pcm_sframes_t n;
	size_t done = 0;
	snd_pcm_t *pcm;

	ASSERT_EQ(0, write_file(BUS_DIR "/capture", self->sent, self->bytes));
	ASSERT_EQ(0, pcm_setup(&pcm, SND_PCM_STREAM_CAPTURE, variant->rate,
			       variant->format, variant->channels));
	while (done < self->frames) {
		n = snd_pcm_readi(pcm, self->got + done * self->frame_bytes,
				  self->frames - done);
		ASSERT_LT(0, n);
		done += n;
	}
	snd_pcm_close(pcm);
	EXPECT_EQ(0, memcmp(self->sent, self->got, self->bytes));
}

FIXTURE(codec) {
	int regs;
	snd_pcm_t *pcm;
	unsigned char *buf;
};

FIXTURE_SETUP(codec)
{
	self->pcm = NULL;
	self->buf = NULL;
	self->regs = -1;
	if (!board_up(256))
		SKIP(return, "the ucphone audio board cannot load here (not the test VM?)");
	self->regs = open_codec_regs();
	ASSERT_LE(0, self->regs);
	self->buf = calloc(1, 1 << 20);
	ASSERT_NE(NULL, self->buf);
}

FIXTURE_TEARDOWN(codec)
{
	if (self->pcm)
		snd_pcm_close(self->pcm);
	if (self->regs >= 0)
		close(self->regs);
	free(self->buf);
}

/* Starts a playback stream that keeps running until the test closes it. */
static int start_playback(snd_pcm_t **pcm, unsigned char *buf, unsigned int rate,
			  snd_pcm_format_t format)
{
	int ret = pcm_setup(pcm, SND_PCM_STREAM_PLAYBACK, rate, format, 2);

	if (ret < 0)
		return ret;
	/* Silence running long enough for the register checks. */
	ret = snd_pcm_writei(*pcm, buf, 4 * PERIOD_FRAMES);
	return ret < 0 ? ret : 0;
}

TEST_F(codec, registers_follow_the_sample_rate_with_mclk)
{
	static const unsigned int rates[] = { 8000, 16000, 32000, 44100, 48000 };
	unsigned int i;

	for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		ASSERT_EQ(0, start_playback(&self->pcm, self->buf, rates[i],
					    SND_PCM_FORMAT_S16_LE));
		/* MCLK pin on, BCLK on, DAC digital and analog clocks on. */
		EXPECT_EQ(0x35, reg(self->regs, REG_CLKMGR1)) TH_LOG("rate %u", rates[i]);
		/* MCLK = 256 fs: no pre-divide, no multiply, ADC/DAC div 1. */
		EXPECT_EQ(0x00, reg(self->regs, REG_CLKMGR2));
		EXPECT_EQ(0x00, reg(self->regs, REG_CLKMGR5));
		/* 16-bit I2S, unmuted while streaming. */
		EXPECT_EQ(0x0c, reg(self->regs, REG_SDP_IN));
		/* DAC powered; analog, bias, vref, DAC vref up; ADC side down. */
		EXPECT_EQ(0x00, reg(self->regs, REG_SYS8));
		EXPECT_EQ(0x32, reg(self->regs, REG_SYS3));
		snd_pcm_drop(self->pcm);
		snd_pcm_close(self->pcm);
		self->pcm = NULL;
	}
	/* 24-bit samples switch the port's word length. */
	ASSERT_EQ(0, start_playback(&self->pcm, self->buf, 48000,
				    SND_PCM_FORMAT_S24_LE));
	EXPECT_EQ(0x00, reg(self->regs, REG_SDP_IN));
}

TEST_F(codec, bclk_clocking_when_the_board_has_no_mclk)
{
	ASSERT_EQ(0, ksft_sh("rmmod ucphone-audio-board"));
	ASSERT_TRUE(wait_card(false));
	ASSERT_TRUE(board_up(0));

	ASSERT_EQ(0, start_playback(&self->pcm, self->buf, 16000,
				    SND_PCM_FORMAT_S16_LE));
	/* Internal clock from BCLK (bit 7), MCLK pin off. */
	EXPECT_EQ(0x95, reg(self->regs, REG_CLKMGR1));
	/* 16-bit stereo BCLK is 32 fs: pre-multiply by 8 to reach 256 fs. */
	EXPECT_EQ(0x18, reg(self->regs, REG_CLKMGR2));
	snd_pcm_close(self->pcm);

	/* S24_LE travels in 32-bit slots: BCLK 64 fs, multiply by 4. */
	ASSERT_EQ(0, start_playback(&self->pcm, self->buf, 8000,
				    SND_PCM_FORMAT_S24_LE));
	EXPECT_EQ(0x10, reg(self->regs, REG_CLKMGR2));
	snd_pcm_close(self->pcm);
	self->pcm = NULL;

	ASSERT_EQ(0, ksft_sh("rmmod ucphone-audio-board"));
	ASSERT_TRUE(wait_card(false));
	ASSERT_TRUE(board_up(256));
}

TEST_F(codec, routes_switch_the_output_stage_and_pins)
{
	ASSERT_EQ(0, start_playback(&self->pcm, self->buf, 16000,
				    SND_PCM_FORMAT_S16_LE));

	ASSERT_EQ(0, ctl_write("Audio Route", 1, true));	/* Headset */
	EXPECT_EQ(0x10, reg(self->regs, REG_SYS9) & 0x10);
	EXPECT_EQ(0x00, reg(self->regs, REG_SYS8));

	ASSERT_EQ(0, ctl_write("Audio Route", 2, true));	/* Speakerphone */
	EXPECT_EQ(0x00, reg(self->regs, REG_SYS9) & 0x10);
	EXPECT_EQ(0x00, reg(self->regs, REG_SYS8));

	ASSERT_EQ(0, ctl_write("Audio Route", 0, true));	/* Handset */
	EXPECT_EQ(0x00, reg(self->regs, REG_SYS9) & 0x10);
	EXPECT_EQ(0x00, reg(self->regs, REG_SYS8));

	/* No enabled output on the route: DAPM powers the DAC down... */
	ASSERT_EQ(0, ctl_write("Earpiece Switch", 0, false));
	EXPECT_EQ(0x02, reg(self->regs, REG_SYS8));
	/* ...and up again with the earpiece. */
	ASSERT_EQ(0, ctl_write("Earpiece Switch", 1, false));
	EXPECT_EQ(0x00, reg(self->regs, REG_SYS8));

	/* An unknown route is refused. */
	EXPECT_GT(0, ctl_write("Audio Route", 3, true));
}

TEST_F(codec, volume_and_mute_controls_write_the_register_map)
{
	ASSERT_EQ(0, ctl_write("DAC Playback Volume", 100, false));
	EXPECT_EQ(100, reg(self->regs, REG_DAC_VOL));
	ASSERT_EQ(0, ctl_write("ADC Capture Volume", 50, false));
	EXPECT_EQ(50, reg(self->regs, REG_ADC_VOL));
	ASSERT_EQ(0, ctl_write("Mic PGA Capture Volume", 7, false));
	EXPECT_EQ(7, reg(self->regs, REG_SYS10) & 0x0f);
	ASSERT_EQ(0, ctl_write("DAC Playback Switch", 0, false));
	EXPECT_EQ(0x60, reg(self->regs, REG_DAC1) & 0x60);
	ASSERT_EQ(0, ctl_write("DAC Playback Switch", 1, false));
	EXPECT_EQ(0x00, reg(self->regs, REG_DAC1) & 0x60);
	ASSERT_EQ(0, ctl_write("ADC Capture Switch", 0, false));
	EXPECT_EQ(0x40, reg(self->regs, REG_SDP_OUT) & 0x40);
	ASSERT_EQ(0, ctl_write("ADC Capture Switch", 1, false));
	EXPECT_EQ(0x00, reg(self->regs, REG_SDP_OUT) & 0x40);
	/* Out of range is refused and changes nothing. */
	EXPECT_GT(0, ctl_write("Mic PGA Capture Volume", 11, false));
	EXPECT_EQ(7, reg(self->regs, REG_SYS10) & 0x0f);

	/* The TLV scales: 0xbf is 0 dB, steps of 0.5 dB, 30 dB PGA top. */
	EXPECT_EQ(0, ctl_db("DAC Playback Volume", 0xbf));
	EXPECT_EQ(-9500, ctl_db("DAC Playback Volume", 1));
	EXPECT_EQ(3200, ctl_db("ADC Capture Volume", 0xff));
	EXPECT_EQ(3000, ctl_db("Mic PGA Capture Volume", 10));

	ASSERT_EQ(0, ctl_write("DAC Playback Volume", 0xbf, false));
	ASSERT_EQ(0, ctl_write("ADC Capture Volume", 0xbf, false));
	ASSERT_EQ(0, ctl_write("Mic PGA Capture Volume", 0, false));
}

TEST_F(codec, unsupported_rate_and_format_are_refused_at_hw_params)
{
	static const unsigned int bad_rates[] = { 11025, 22050, 96000 };
	static const snd_pcm_format_t bad_formats[] = {
		SND_PCM_FORMAT_U8, SND_PCM_FORMAT_S32_LE, SND_PCM_FORMAT_FLOAT_LE,
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad_rates) / sizeof(bad_rates[0]); i++)
		EXPECT_GT(0, pcm_setup(&self->pcm, SND_PCM_STREAM_PLAYBACK,
				       bad_rates[i], SND_PCM_FORMAT_S16_LE, 2))
			TH_LOG("rate %u accepted", bad_rates[i]);
	for (i = 0; i < sizeof(bad_formats) / sizeof(bad_formats[0]); i++)
		EXPECT_GT(0, pcm_setup(&self->pcm, SND_PCM_STREAM_CAPTURE, 16000,
				       bad_formats[i], 2))
			TH_LOG("format %d accepted", bad_formats[i]);
	EXPECT_GT(0, pcm_setup(&self->pcm, SND_PCM_STREAM_PLAYBACK, 16000,
			       SND_PCM_FORMAT_S16_LE, 3));
	/* Nothing was half-configured: a good stream still plays. */
	ASSERT_EQ(0, start_playback(&self->pcm, self->buf, 16000,
				    SND_PCM_FORMAT_S16_LE));
}

/* A player that runs until its device goes away; exits 0 on the error. */
static void player_child(void)
{
	static unsigned char buf[4 * PERIOD_FRAMES * 4];
	snd_pcm_t *pcm;
	time_t end = time(NULL) + 20;

	if (pcm_setup(&pcm, SND_PCM_STREAM_PLAYBACK, 48000,
		      SND_PCM_FORMAT_S16_LE, 2) < 0)
		_exit(2);
	while (time(NULL) < end) {
		if (snd_pcm_writei(pcm, buf, PERIOD_FRAMES) < 0) {
			snd_pcm_close(pcm);
			_exit(0);
		}
	}
	_exit(1);
}

static void unbind_while_streaming(struct __test_metadata *_metadata,
				   const char *driver_dir, const char *device)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		player_child();
	usleep(500000);
	ASSERT_EQ(0, ksft_sh("echo %s > %sunbind", device, driver_dir));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("player status %d", status);
	EXPECT_TRUE(wait_card(false));

	ASSERT_EQ(0, ksft_sh("echo %s > %sbind", device, driver_dir));
	ASSERT_TRUE(wait_card(true));
}

TEST_F(codec, card_unbind_while_streaming_is_clean)
{
	unbind_while_streaming(_metadata, CARD_UNBIND, "ucphone-sound-card");
	ASSERT_EQ(0, start_playback(&self->pcm, self->buf, 8000,
				    SND_PCM_FORMAT_S16_LE));
}

TEST_F(codec, codec_unbind_while_streaming_is_clean)
{
	char device[32];

	snprintf(device, sizeof(device), "%d-%04x", stub_bus(), CODEC_ADDR);
	unbind_while_streaming(_metadata, CODEC_UNBIND, device);
	ASSERT_EQ(0, start_playback(&self->pcm, self->buf, 8000,
				    SND_PCM_FORMAT_S16_LE));
	/* The codec was set up again from scratch: 0 dB, clocks from MCLK. */
	EXPECT_EQ(0xbf, reg(self->regs, REG_DAC_VOL));
	EXPECT_EQ(0x35, reg(self->regs, REG_CLKMGR1));
}

/*
 * Not a timed assertion: how regularly the simulated DMA moves periods on
 * this machine (10 ms periods for 2 s), logged for the note.
 */
TEST_F(codec, period_timing_of_the_simulated_stream)
{
	snd_pcm_uframes_t period = 480, buffer = 4 * 480;
	unsigned char *silence = calloc(96000, 4);
	snd_pcm_hw_params_t *hw;
	char stats[512];
	ssize_t n;
	int fd;

	ASSERT_NE(NULL, silence);
	ASSERT_EQ(0, snd_pcm_open(&self->pcm, CARD, SND_PCM_STREAM_PLAYBACK, 0));
	snd_pcm_hw_params_alloca(&hw);
	snd_pcm_hw_params_any(self->pcm, hw);
	snd_pcm_hw_params_set_access(self->pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED);
	snd_pcm_hw_params_set_format(self->pcm, hw, SND_PCM_FORMAT_S16_LE);
	snd_pcm_hw_params_set_channels(self->pcm, hw, 2);
	snd_pcm_hw_params_set_rate(self->pcm, hw, 48000, 0);
	snd_pcm_hw_params_set_period_size(self->pcm, hw, period, 0);
	snd_pcm_hw_params_set_buffer_size(self->pcm, hw, buffer);
	ASSERT_EQ(0, snd_pcm_hw_params(self->pcm, hw));

	ASSERT_EQ(0, write_file(BUS_DIR "/stats", "0", 1));
	ASSERT_EQ(96000, play(self->pcm, silence, 96000, 4));
	ASSERT_EQ(0, snd_pcm_drain(self->pcm));
	free(silence);

	fd = open(BUS_DIR "/stats", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	n = read(fd, stats, sizeof(stats) - 1);
	close(fd);
	ASSERT_LT(0, n);
	stats[n] = '\0';
	for (char *line = strtok(stats, "\n"); line; line = strtok(NULL, "\n"))
		ksft_print_msg("period timing: %s\n", line);
	/* Every period of the 2 s reached the bus, however late. */
	EXPECT_NE(NULL, strstr(stats, "periods 200"));
}

/*
 * The harness's parent process exits through here once every test ran:
 * leave the VM as the next test program expects it, without our modules
 * holding ucphone.ko.
 */
static void __attribute__((destructor)) board_down(void)
{
	if (!access("/sys/module/ucphone_audio_board", F_OK))
		ksft_sh("rmmod ucphone-audio-board ucphone-card ucphone-es8311 "
		   "ucphone-test-i2s i2c-stub");
}

TEST_HARNESS_MAIN
