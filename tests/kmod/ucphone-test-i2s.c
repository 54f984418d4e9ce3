// SPDX-License-Identifier: GPL-2.0
/*
 * ucphone-test-i2s: a test-only I2S controller for the phone's sound card.
 *
 * It is the CPU DAI and PCM platform of the card in the test VM, and moves
 * PCM the way a DMA engine would: an hrtimer fires once per period, copies
 * that period between the ALSA buffer and the simulated I2S bus, advances
 * the hardware pointer and calls snd_pcm_period_elapsed(). The timer runs
 * in hard interrupt context, as a DMA engine's completion interrupt does:
 * a soft one waits behind the timer softirq (and ksoftirqd on a busy
 * guest), so after a stall of the virtual CPU the reader's wait timeout
 * ran first and alsa-lib returned -EIO although the period was due. A test sees the
 * bus through /sys/kernel/debug/ucphone-test-i2s/:
 *
 *	playback	read: every byte played since the last write (any write
 *			clears it)
 *	capture		write: the bytes the bus feeds to capture, in order
 *			(a write at offset 0 starts a new feed; silence once it
 *			runs out)
 *	stats		read: periods moved, timer lateness and period interval
 *			jitter, overflows and underruns; any write resets them
 *
 * It lives under tests/ and never ships on a phone.
 */
#include <linux/debugfs.h>
#include <linux/hrtimer.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <sound/pcm.h>
#include <sound/soc.h>

#define TEST_I2S_NAME		"ucphone-test-i2s"
#define TEST_I2S_BUS_BYTES	(4 << 20)

struct test_i2s;

struct test_i2s_stream {
	struct test_i2s *i2s;
	struct snd_pcm_substream *substream;
	struct hrtimer timer;
	ktime_t period;
	ktime_t last_tick;
	unsigned int period_bytes;
	unsigned int buffer_bytes;
	unsigned int pos;	/* bytes into the buffer; the hardware pointer */
	bool running;
};

struct test_i2s_stats {
	u64 periods;
	u64 late_sum_ns;
	s64 late_max_ns;
	s64 interval_dev_max_ns;	/* |interval - period|, worst */
	u64 interval_dev_sum_ns;
	u64 intervals;
	u64 overflows;			/* playback bytes the bus could not keep */
	u64 underruns;			/* capture bytes fed as silence */
};

struct test_i2s {
	struct test_i2s_stream streams[2];
	spinlock_t lock;		/* the bus buffers and stats */
	u8 *played;
	size_t played_len;
	u8 *feed;
	size_t feed_len;
	size_t feed_pos;
	struct test_i2s_stats stats;
	struct dentry *dir;
};

static void test_i2s_account(struct test_i2s *i2s, struct test_i2s_stream *s,
			     ktime_t now, ktime_t expires)
{
	struct test_i2s_stats *st = &i2s->stats;
	s64 late = ktime_to_ns(ktime_sub(now, expires));

	st->periods++;
	st->late_sum_ns += max_t(s64, late, 0);
	st->late_max_ns = max(st->late_max_ns, late);
	if (s->last_tick) {
		s64 dev = abs(ktime_to_ns(ktime_sub(now, s->last_tick)) -
			      ktime_to_ns(s->period));

		st->interval_dev_max_ns = max(st->interval_dev_max_ns, dev);
		st->interval_dev_sum_ns += dev;
		st->intervals++;
	}
	s->last_tick = now;
}

/* One period crosses the bus, as the DMA engine would move it. */
static void test_i2s_move_period(struct test_i2s *i2s,
				 struct test_i2s_stream *s, u8 *area)
{
	size_t n = s->period_bytes, room, avail;

	if (s->substream->stream == SNDRV_PCM_STREAM_PLAYBACK) {
		room = TEST_I2S_BUS_BYTES - i2s->played_len;
		memcpy(i2s->played + i2s->played_len, area, min(n, room));
		i2s->played_len += min(n, room);
		i2s->stats.overflows += n - min(n, room);
	} else {
		avail = i2s->feed_len - i2s->feed_pos;
		memcpy(area, i2s->feed + i2s->feed_pos, min(n, avail));
		i2s->feed_pos += min(n, avail);
		if (n > avail) {
			memset(area + avail, 0, n - avail);
			i2s->stats.underruns += n - avail;
		}
	}
}

static enum hrtimer_restart test_i2s_tick(struct hrtimer *timer)
{
	struct test_i2s_stream *s = container_of(timer, struct test_i2s_stream,
						 timer);
	struct test_i2s *i2s = s->i2s;
	struct snd_pcm_runtime *runtime = s->substream->runtime;
	ktime_t expires = hrtimer_get_expires(timer);
	ktime_t now = hrtimer_cb_get_time(timer);

	if (!READ_ONCE(s->running))
		return HRTIMER_NORESTART;

	spin_lock(&i2s->lock);
	test_i2s_account(i2s, s, now, expires);
	test_i2s_move_period(i2s, s, runtime->dma_area + s->pos);
	spin_unlock(&i2s->lock);
	WRITE_ONCE(s->pos, (s->pos + s->period_bytes) % s->buffer_bytes);

	/* Keep the cadence absolute: a late tick does not shift later ones. */
	hrtimer_forward(timer, now, s->period);
	snd_pcm_period_elapsed(s->substream);
	return READ_ONCE(s->running) ? HRTIMER_RESTART : HRTIMER_NORESTART;
}

static const struct snd_pcm_hardware test_i2s_hardware = {
	.info = SNDRV_PCM_INFO_MMAP | SNDRV_PCM_INFO_MMAP_VALID |
		SNDRV_PCM_INFO_INTERLEAVED | SNDRV_PCM_INFO_BLOCK_TRANSFER,
	.formats = SNDRV_PCM_FMTBIT_S16_LE | SNDRV_PCM_FMTBIT_S24_LE,
	.rates = SNDRV_PCM_RATE_8000_48000,
	.rate_min = 8000,
	.rate_max = 48000,
	.channels_min = 1,
	.channels_max = 2,
	.buffer_bytes_max = 256 * 1024,
	.period_bytes_min = 64,
	.period_bytes_max = 64 * 1024,
	.periods_min = 2,
	.periods_max = 1024,
};

static struct test_i2s_stream *test_i2s_stream(struct snd_soc_component *c,
					       struct snd_pcm_substream *sub)
{
	struct test_i2s *i2s = snd_soc_component_get_drvdata(c);

	return &i2s->streams[sub->stream];
}

static int test_i2s_open(struct snd_soc_component *component,
			 struct snd_pcm_substream *substream)
{
	struct test_i2s_stream *s = test_i2s_stream(component, substream);

	s->substream = substream;
	return snd_soc_set_runtime_hwparams(substream, &test_i2s_hardware);
}

static int test_i2s_prepare(struct snd_soc_component *component,
			    struct snd_pcm_substream *substream)
{
	struct test_i2s_stream *s = test_i2s_stream(component, substream);
	struct snd_pcm_runtime *runtime = substream->runtime;

	s->period_bytes = frames_to_bytes(runtime, runtime->period_size);
	s->buffer_bytes = frames_to_bytes(runtime, runtime->buffer_size);
	s->period = ns_to_ktime(div_u64((u64)runtime->period_size *
					NSEC_PER_SEC, runtime->rate));
	s->pos = 0;
	return 0;
}

static int test_i2s_trigger(struct snd_soc_component *component,
			    struct snd_pcm_substream *substream, int cmd)
{
	struct test_i2s_stream *s = test_i2s_stream(component, substream);

	switch (cmd) {
	case SNDRV_PCM_TRIGGER_START:
	case SNDRV_PCM_TRIGGER_RESUME:
	case SNDRV_PCM_TRIGGER_PAUSE_RELEASE:
		s->last_tick = 0;
		WRITE_ONCE(s->running, true);
		hrtimer_start(&s->timer, s->period, HRTIMER_MODE_REL_HARD);
		return 0;
	case SNDRV_PCM_TRIGGER_STOP:
	case SNDRV_PCM_TRIGGER_SUSPEND:
	case SNDRV_PCM_TRIGGER_PAUSE_PUSH:
		/* Atomic context: the callback sees the flag and stops. */
		WRITE_ONCE(s->running, false);
		hrtimer_try_to_cancel(&s->timer);
		return 0;
	default:
		return -EINVAL;
	}
}

static int test_i2s_sync_stop(struct snd_soc_component *component,
			      struct snd_pcm_substream *substream)
{
	hrtimer_cancel(&test_i2s_stream(component, substream)->timer);
	return 0;
}

static int test_i2s_close(struct snd_soc_component *component,
			  struct snd_pcm_substream *substream)
{
	struct test_i2s_stream *s = test_i2s_stream(component, substream);

	hrtimer_cancel(&s->timer);
	s->substream = NULL;
	return 0;
}

static snd_pcm_uframes_t test_i2s_pointer(struct snd_soc_component *component,
					  struct snd_pcm_substream *substream)
{
	struct test_i2s_stream *s = test_i2s_stream(component, substream);

	return bytes_to_frames(substream->runtime, READ_ONCE(s->pos));
}

static int test_i2s_pcm_new(struct snd_soc_component *component,
			    struct snd_soc_pcm_runtime *rtd)
{
	snd_pcm_set_managed_buffer_all(rtd->pcm, SNDRV_DMA_TYPE_VMALLOC, NULL,
				       0, 0);
	return 0;
}

static const struct snd_soc_component_driver test_i2s_component = {
	.name = TEST_I2S_NAME,
	.open = test_i2s_open,
	.close = test_i2s_close,
	.prepare = test_i2s_prepare,
	.trigger = test_i2s_trigger,
	.sync_stop = test_i2s_sync_stop,
	.pointer = test_i2s_pointer,
	.pcm_construct = test_i2s_pcm_new,
	.legacy_dai_naming = 1,
};

static int test_i2s_set_fmt(struct snd_soc_dai *dai, unsigned int fmt)
{
	/*
	 * The controller provides the clocks of a standard I2S bus (ASoC
	 * hands a CPU DAI the link's format with the provider bits flipped).
	 */
	if ((fmt & SND_SOC_DAIFMT_FORMAT_MASK) != SND_SOC_DAIFMT_I2S ||
	    (fmt & SND_SOC_DAIFMT_CLOCK_PROVIDER_MASK) != SND_SOC_DAIFMT_CBP_CFP)
		return -EINVAL;
	return 0;
}

static const struct snd_soc_dai_ops test_i2s_dai_ops = {
	.set_fmt = test_i2s_set_fmt,
};

static struct snd_soc_dai_driver test_i2s_dai = {
	.name = TEST_I2S_NAME,
	.playback = {
		.stream_name = "Playback",
		.channels_min = 1,
		.channels_max = 2,
		.rates = SNDRV_PCM_RATE_8000_48000,
		.formats = SNDRV_PCM_FMTBIT_S16_LE | SNDRV_PCM_FMTBIT_S24_LE,
	},
	.capture = {
		.stream_name = "Capture",
		.channels_min = 1,
		.channels_max = 2,
		.rates = SNDRV_PCM_RATE_8000_48000,
		.formats = SNDRV_PCM_FMTBIT_S16_LE | SNDRV_PCM_FMTBIT_S24_LE,
	},
	.ops = &test_i2s_dai_ops,
};

static ssize_t test_i2s_played_read(struct file *file, char __user *buf,
				    size_t count, loff_t *ppos)
{
	struct test_i2s *i2s = file->private_data;
	size_t len;

	spin_lock_irq(&i2s->lock);
	len = i2s->played_len;
	spin_unlock_irq(&i2s->lock);
	/* Bytes below played_len are never rewritten until a clear. */
	return simple_read_from_buffer(buf, count, ppos, i2s->played, len);
}

static ssize_t test_i2s_played_write(struct file *file, const char __user *buf,
				     size_t count, loff_t *ppos)
{
	struct test_i2s *i2s = file->private_data;

	spin_lock_irq(&i2s->lock);
	i2s->played_len = 0;
	spin_unlock_irq(&i2s->lock);
	return count;
}

static const struct file_operations test_i2s_played_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = test_i2s_played_read,
	.write = test_i2s_played_write,
	.llseek = default_llseek,
};

static ssize_t test_i2s_feed_write(struct file *file, const char __user *buf,
				   size_t count, loff_t *ppos)
{
	struct test_i2s *i2s = file->private_data;
	loff_t pos = *ppos;
	u8 *chunk;

	if (pos < 0 || pos >= TEST_I2S_BUS_BYTES ||
	    count > TEST_I2S_BUS_BYTES - pos)
		return -ENOSPC;
	chunk = memdup_user(buf, count);
	if (IS_ERR(chunk))
		return PTR_ERR(chunk);

	spin_lock_irq(&i2s->lock);
	if (pos == 0) {
		i2s->feed_len = 0;
		i2s->feed_pos = 0;
	}
	memcpy(i2s->feed + pos, chunk, count);
	i2s->feed_len = max_t(size_t, i2s->feed_len, pos + count);
	spin_unlock_irq(&i2s->lock);
	kfree(chunk);
	*ppos = pos + count;
	return count;
}

static const struct file_operations test_i2s_feed_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = test_i2s_feed_write,
	.llseek = default_llseek,
};

static int test_i2s_stats_show(struct seq_file *m, void *unused)
{
	struct test_i2s *i2s = m->private;
	struct test_i2s_stats st;

	spin_lock_irq(&i2s->lock);
	st = i2s->stats;
	spin_unlock_irq(&i2s->lock);
	seq_printf(m, "periods %llu\n", st.periods);
	seq_printf(m, "late_mean_ns %llu\n",
		   st.periods ? div64_u64(st.late_sum_ns, st.periods) : 0);
	seq_printf(m, "late_max_ns %lld\n", st.late_max_ns);
	seq_printf(m, "interval_dev_mean_ns %llu\n",
		   st.intervals ? div64_u64(st.interval_dev_sum_ns,
					    st.intervals) : 0);
	seq_printf(m, "interval_dev_max_ns %lld\n", st.interval_dev_max_ns);
	seq_printf(m, "overflow_bytes %llu\n", st.overflows);
	seq_printf(m, "underrun_bytes %llu\n", st.underruns);
	return 0;
}

static int test_i2s_stats_open(struct inode *inode, struct file *file)
{
	return single_open(file, test_i2s_stats_show, inode->i_private);
}

static ssize_t test_i2s_stats_write(struct file *file, const char __user *buf,
				    size_t count, loff_t *ppos)
{
	struct test_i2s *i2s = ((struct seq_file *)file->private_data)->private;

	spin_lock_irq(&i2s->lock);
	memset(&i2s->stats, 0, sizeof(i2s->stats));
	spin_unlock_irq(&i2s->lock);
	return count;
}

static const struct file_operations test_i2s_stats_fops = {
	.owner = THIS_MODULE,
	.open = test_i2s_stats_open,
	.read = seq_read,
	.write = test_i2s_stats_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static void test_i2s_vfree(void *buf)
{
	vfree(buf);
}

static void test_i2s_remove_debugfs(void *dir)
{
	debugfs_remove_recursive(dir);
}

static int test_i2s_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct test_i2s *i2s;
	unsigned int i;
	int ret;

	i2s = devm_kzalloc(dev, sizeof(*i2s), GFP_KERNEL);
	if (!i2s)
		return -ENOMEM;
	spin_lock_init(&i2s->lock);
	i2s->played = vzalloc(TEST_I2S_BUS_BYTES);
	ret = devm_add_action_or_reset(dev, test_i2s_vfree, i2s->played);
	if (ret)
		return ret;
	i2s->feed = vzalloc(TEST_I2S_BUS_BYTES);
	ret = devm_add_action_or_reset(dev, test_i2s_vfree, i2s->feed);
	if (ret)
		return ret;
	if (!i2s->played || !i2s->feed)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(i2s->streams); i++) {
		i2s->streams[i].i2s = i2s;
		hrtimer_init(&i2s->streams[i].timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_HARD);
		i2s->streams[i].timer.function = test_i2s_tick;
	}
	platform_set_drvdata(pdev, i2s);

	i2s->dir = debugfs_create_dir(TEST_I2S_NAME, NULL);
	debugfs_create_file("playback", 0600, i2s->dir, i2s,
			    &test_i2s_played_fops);
	debugfs_create_file("capture", 0200, i2s->dir, i2s,
			    &test_i2s_feed_fops);
	debugfs_create_file("stats", 0600, i2s->dir, i2s,
			    &test_i2s_stats_fops);
	ret = devm_add_action_or_reset(dev, test_i2s_remove_debugfs, i2s->dir);
	if (ret)
		return ret;

	return devm_snd_soc_register_component(dev, &test_i2s_component,
					       &test_i2s_dai, 1);
}

static struct platform_driver test_i2s_driver = {
	.driver.name = TEST_I2S_NAME,
	.probe = test_i2s_probe,
};
module_platform_driver(test_i2s_driver);

MODULE_DESCRIPTION("ucphone test hardware: timer-driven I2S controller");
MODULE_LICENSE("GPL");
