// SPDX-License-Identifier: GPL-2.0-only
/*
 * ucphone-ui: the phone's screen. It shows what ucphoned reports over the
 * control socket (status each second, events as they come) and the keys
 * pressed on the keypad, read from its evdev device (--input) or, without
 * one, from the daemon's key events. The daemon acts on the keys; the
 * screen only shows them, and sends the sign-in the user typed, asks for the
 * lists it shows and dials the entry chosen with OK.
 *
 *   ucphone-ui [--control PATH] [--input /dev/input/eventN]
 *              [--renderer terminal|drm|png] [--size WxH]
 *              [--card /dev/dri/card0] [--png-dir DIR] [--repaint SEC]
 *
 * On a terminal, Ctrl-L typed on it (a console host sends it when it
 * attaches: scripts/phone-keys.sh) redraws the whole screen.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/input.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-event.h>

#include "config.h"
#include "lib/control/control_proto.h"
#include "lib/util/secret.h"
#include "ui/draw.h"
#include "ui/feed.h"
#include "ui/feed_lists.h"
#include "ui/link.h"
#include "ui/model.h"
#include "ui/render.h"
#include "ui/reset_watch.h"
#include "ui/view.h"

#define TICK_USEC 200000ULL

struct ui {
	sd_event *loop;
	struct ui_model model;
	struct ui_link *link;
	struct ui_renderer *render;
	sd_event_source *tick, *input_io;
	sd_event_source *term_out;	/* the terminal writable again */
	sd_event_source *term_in;	/* Ctrl-L typed on the terminal */
	int input_fd;
	bool verbose;		/* a line on stderr per screen drawn */
	/* the reset button's hard-reset window (sysfs) */
	char hold_path[512];
	struct ui_hold_state hold;
	unsigned int ticks;
	unsigned int repaint_ticks;	/* terminal: redraw all this often, 0 never */
	unsigned int repaint_count;
	bool draw_failed;
	/* asked for, waiting for the link to be free */
	char wanted_dial[UI_ENTRY_TARGET];
	enum ui_list_kind wanted_list;
	struct ui_list scratch;	/* a list being read from a reply */
};

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

static void wall(struct ui *ui, uint64_t now)
{
	time_t t = time(NULL);
	struct tm tm;
	bool valid = localtime_r(&t, &tm) != NULL;

	ui_model_tick(&ui->model, now,
		      valid ? tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec : 0, valid);
}

/* Requests tagged with what they were for. */
enum {
	TAG_DIAL = 0,	/* then one per list kind */
};

static const char *const list_command[] = {
	[UI_LIST_CONTACTS] = "contacts",
	[UI_LIST_CALLLOG] = "calllog",
	[UI_LIST_VOICEMAIL] = "voicemail",
};

/*
 * What the screen asks of the daemon, one request at a time beside the
 * status: the number OK chose (dial), then a list to show or match.
 */
static void ask(struct ui *ui)
{
	char target[UI_ENTRY_TARGET];
	int ret;

	if (ui->wanted_dial[0]) {
		ret = ui_link_request(ui->link, "dial", ui->wanted_dial, TAG_DIAL);
		if (ret == -EBUSY)
			return;
		if (ret < 0)
			fprintf(stderr, "ucphone-ui: cannot dial: %s\n", strerror(-ret));
		ui->wanted_dial[0] = '\0';
	}
	if (ui_model_take_dial(&ui->model, target, sizeof(target))) {
		snprintf(ui->wanted_dial, sizeof(ui->wanted_dial), "%s", target);
		ask(ui);
		return;
	}
	if (ui->wanted_list == UI_LIST_NONE)
		ui->wanted_list = ui_model_take_fetch(&ui->model);
	if (ui->wanted_list == UI_LIST_NONE)
		return;
	ret = ui_link_request(ui->link, list_command[ui->wanted_list], NULL,
			      (int)ui->wanted_list);
	if (ret == -EBUSY)
		return;
	if (ret < 0)
		ui_model_list_result(&ui->model, ui->wanted_list, NULL,
				     "Phone service not reachable", now_usec());
	ui->wanted_list = UI_LIST_NONE;
}

/* Sends a sign-in the user finished typing and what the screen asks, then draws. */
static void refresh(struct ui *ui)
{
	char address[MULTITAP_MAX], user[MULTITAP_MAX], pw[MULTITAP_MAX];
	struct ui_view v;
	int ret;

	ask(ui);
	if (ui_model_take_signin(&ui->model, address, user, pw, sizeof(pw))) {
		ret = ui_link_signin(ui->link, address, user, pw);
		secret_zero(pw, sizeof(pw));
		if (ret < 0)
			ui_model_signin_result(&ui->model, "Phone service not reachable",
					       now_usec());
	}
	ui_view_build(&ui->model, &v);
	ret = ui->render->draw(ui->render, &v);
	if (ret < 0 && !ui->draw_failed)
		fprintf(stderr, "ucphone-ui: cannot draw on the %s: %s\n",
			ui->render->name, strerror(-ret));
	ui->draw_failed = ret < 0;
	if (ret > 0 && ui->verbose)
		fprintf(stderr, "ucphone-ui: drew %s progress %d\n",
			ui_screen_name(v.screen), v.progress);
	secret_zero(&v, sizeof(v));
	/* a terminal that took nothing: wait until it can take the screen */
	if (ui->term_out)
		sd_event_source_set_enabled(ui->term_out, ui_term_waiting(ui->render) ?
					    SD_EVENT_ON : SD_EVENT_OFF);
}

static int on_term_writable(sd_event_source *s, int fd, uint32_t revents,
			    void *userdata)
{
	struct ui *ui = userdata;
	int ret = ui_term_writable(ui->render);

	(void)fd;
	(void)revents;
	if (ret < 0) {
		if (!ui->draw_failed)
			fprintf(stderr, "ucphone-ui: cannot draw on the terminal: %s\n",
				strerror(-ret));
		ui->draw_failed = true;
		/* the terminal is gone: the repaint timer or a key tries again */
		return sd_event_source_set_enabled(s, SD_EVENT_OFF);
	}
	if (ret > 0) {
		if (ui->verbose)
			fprintf(stderr, "ucphone-ui: the terminal takes frames again (%lu dropped)\n",
				ui_term_dropped(ui->render));
		ui_term_repaint(ui->render);
	}
	refresh(ui);
	return 0;
}

/* What is typed on the terminal: Ctrl-L redraws the whole screen. */
static int on_term_input(sd_event_source *s, int fd, uint32_t revents,
			 void *userdata)
{
	struct ui *ui = userdata;
	char buf[64];
	ssize_t n = read(fd, buf, sizeof(buf));

	(void)revents;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		sd_event_source_disable_unref(s);
		ui->term_in = NULL;
		return 0;
	}
	if (memchr(buf, '\f', (size_t)n)) {
		ui_term_repaint(ui->render);
		refresh(ui);
	}
	return 0;
}

static void on_up(void *ctx, bool up)
{
	struct ui *ui = ctx;

	ui_model_daemon(&ui->model, up, now_usec());
	refresh(ui);
}

static void on_status(void *ctx, struct json_object *result)
{
	struct ui *ui = ctx;
	struct ui_status st;

	ui_feed_status(result, &st);
	ui_model_status(&ui->model, &st, now_usec());
	refresh(ui);
}

static void on_event(void *ctx, struct json_object *event)
{
	struct ui *ui = ctx;

	ui_feed_event(&ui->model, event, ui->input_fd < 0, now_usec());
	refresh(ui);
}

static void on_signin(void *ctx, const char *error)
{
	struct ui *ui = ctx;

	ui_model_signin_result(&ui->model, error, now_usec());
	refresh(ui);
}

static void on_reply(void *ctx, int tag, struct json_object *result, const char *error)
{
	struct ui *ui = ctx;

	if (tag == TAG_DIAL) {
		if (error)
			fprintf(stderr, "ucphone-ui: the daemon did not dial: %s\n", error);
	} else if (!result) {
		ui_model_list_result(&ui->model, (enum ui_list_kind)tag, NULL, error,
				     now_usec());
	} else if (ui_feed_list((enum ui_list_kind)tag, result, &ui->scratch)) {
		ui_model_list_result(&ui->model, (enum ui_list_kind)tag, &ui->scratch,
				     NULL, now_usec());
	} else {
		ui_model_list_result(&ui->model, (enum ui_list_kind)tag, NULL,
				     "The phone service sent no list", now_usec());
	}
	refresh(ui);
}

static const struct ui_link_ops link_ops = {
	.up = on_up,
	.status = on_status,
	.event = on_event,
	.signin = on_signin,
	.reply = on_reply,
};

/* The reset button held since power-on fills the boot bar over its window. */
static void watch_reset(struct ui *ui)
{
	struct ui_hold_state st = { .hold = UI_HOLD_NONE };

	if (!ui->hold_path[0] && ui->ticks++ % 5 == 0)
		ui_hold_find(ui->hold_path, sizeof(ui->hold_path));
	if (!ui->hold_path[0])
		return;
	/* unbound or unreadable: the button is nobody's now */
	if (ui_hold_read(ui->hold_path, &st) < 0) {
		ui->hold_path[0] = '\0';
		st.hold = UI_HOLD_NONE;
	}
	ui_hold_feed(&ui->model, &ui->hold, &st, now_usec());
}

static int on_tick(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct ui *ui = userdata;

	watch_reset(ui);
	if (ui->repaint_ticks && ++ui->repaint_count >= ui->repaint_ticks) {
		ui->repaint_count = 0;
		ui_term_repaint(ui->render);
	}
	wall(ui, now_usec());
	refresh(ui);
	sd_event_source_set_time(s, usec + TICK_USEC);
	return sd_event_source_set_enabled(s, SD_EVENT_ON);
}

static int on_input(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct ui *ui = userdata;
	struct input_event ev[16];
	ssize_t n = read(fd, ev, sizeof(ev));
	enum ui_key key;

	(void)revents;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		/* the keypad went away: its keys come from events now */
		fprintf(stderr, "ucphone-ui: keypad input lost: %s\n",
			n < 0 ? strerror(errno) : "end of file");
		sd_event_source_disable_unref(s);
		ui->input_io = NULL;
		close(ui->input_fd);
		ui->input_fd = -1;
		return 0;
	}
	for (size_t i = 0; i < (size_t)n / sizeof(ev[0]); i++) {
		if (ev[i].type != EV_KEY || ev[i].value != 1)
			continue;
		key = ui_feed_keycode(ev[i].code);
		if (key != UI_KEY_NONE)
			ui_model_key(&ui->model, key, now_usec());
	}
	refresh(ui);
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ucphone-ui [OPTIONS]\n"
		"The desk phone's screen: shows what ucphoned reports and the keys pressed.\n"
		"\n"
		"  -c, --control PATH   ucphoned's control socket (default %s,\n"
		"                       or $UCPHONE_CONTROL)\n"
		"  -i, --input DEV      the keypad's evdev device; without it, keys\n"
		"                       come from the daemon's key events\n"
		"  -r, --renderer NAME  terminal (default), drm (a KMS display) or png\n"
		"  -s, --size WxH       terminal: columns x rows (default: the terminal's);\n"
		"                       drm: pixels (default: the display's preferred mode);\n"
		"                       png: pixels (default 320x240)\n"
		"  -d, --card DEV       the display for drm (default /dev/dri/card0)\n"
		"  -p, --png-dir DIR    where png writes SCREEN.png (default .)\n"
		"  -R, --repaint SEC    terminal: redraw the whole screen every SEC seconds\n"
		"                       (a console someone may attach to later); Ctrl-L\n"
		"                       on the terminal (standard input) redraws it now\n"
		"  -v, --verbose        a line on stderr for each screen drawn\n"
		"  -h, --help           print this help\n",
		UCPHONE_DEFAULT_CONTROL);
}

static int parse_size(const char *s, unsigned int *w, unsigned int *h)
{
	char *end;
	unsigned long a = strtoul(s, &end, 10), b;

	if (end == s || *end != 'x')
		return -EINVAL;
	s = end + 1;
	b = strtoul(s, &end, 10);
	if (end == s || *end || a < 32 || a > 4096 || b < 10 || b > 4096)
		return -EINVAL;
	*w = (unsigned int)a;
	*h = (unsigned int)b;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "control", required_argument, NULL, 'c' },
		{ "input", required_argument, NULL, 'i' },
		{ "renderer", required_argument, NULL, 'r' },
		{ "size", required_argument, NULL, 's' },
		{ "card", required_argument, NULL, 'd' },
		{ "png-dir", required_argument, NULL, 'p' },
		{ "repaint", required_argument, NULL, 'R' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *control = getenv("UCPHONE_CONTROL");
	const char *input = NULL, *renderer = "terminal";
	const char *card = "/dev/dri/card0", *png_dir = ".";
	unsigned int cols = 40, rows = 12;
	char why[256];
	bool sized = false;
	struct winsize ws;
	struct ui ui = { .input_fd = -1 };
	int c, ret;

	while ((c = getopt_long(argc, argv, "c:i:r:s:d:p:R:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			control = optarg;
			break;
		case 'i':
			input = optarg;
			break;
		case 'r':
			renderer = optarg;
			break;
		case 's':
			if (parse_size(optarg, &cols, &rows) < 0) {
				fprintf(stderr, "ucphone-ui: --size %s: want WxH\n",
					optarg);
				return 2;
			}
			sized = true;
			break;
		case 'd':
			card = optarg;
			break;
		case 'p':
			png_dir = optarg;
			break;
		case 'v':
			ui.verbose = true;
			break;
		case 'R': {
			char *end;
			unsigned long sec = strtoul(optarg, &end, 10);

			if (end == optarg || *end || sec < 1 || sec > 3600) {
				fprintf(stderr, "ucphone-ui: --repaint %s: want 1-3600 seconds\n",
					optarg);
				return 2;
			}
			ui.repaint_ticks = (unsigned int)(sec * 1000000ULL / TICK_USEC);
			break;
		}
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	if (!control || !*control)
		control = UCPHONE_DEFAULT_CONTROL;
	if (strcmp(renderer, "terminal") && strcmp(renderer, "drm") &&
	    strcmp(renderer, "png")) {
		fprintf(stderr, "ucphone-ui: unknown renderer %s (terminal, drm, png)\n",
			renderer);
		return 2;
	}
	if (!strcmp(renderer, "terminal") &&
	    (cols > 200 || rows > 100)) {
		fprintf(stderr, "ucphone-ui: a terminal screen is 32x10 to 200x100\n");
		return 2;
	}
	if (!strcmp(renderer, "png") && !sized) {
		cols = 320;
		rows = 240;
	}
	if (strcmp(renderer, "terminal") && sized && (cols < 160 || rows < 120)) {
		fprintf(stderr, "ucphone-ui: a display is at least 160x120 pixels\n");
		return 2;
	}
	if (!strcmp(renderer, "terminal") && !sized &&
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col >= 32 && ws.ws_row >= 10) {
		cols = ws.ws_col > 200 ? 200 : ws.ws_col;
		rows = ws.ws_row > 100 ? 100 : ws.ws_row;
	}
	if (input) {
		ui.input_fd = open(input, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (ui.input_fd < 0) {
			fprintf(stderr, "ucphone-ui: %s: %s\n", input, strerror(errno));
			return 1;
		}
	}
	ui_model_init(&ui.model, now_usec());
	if (!strcmp(renderer, "drm")) {
		ui.render = ui_drm_new(card, sized ? cols : 0, sized ? rows : 0, why,
				       sizeof(why));
		if (!ui.render) {
			fprintf(stderr, "ucphone-ui: %s\n", why);
			return 1;
		}
		cols = ui_drm_size(ui.render, &rows);
		fprintf(stderr, "ucphone-ui: drm %ux%u on %s\n", cols, rows, card);
	} else if (!strcmp(renderer, "png")) {
		ui.render = ui_png_new(png_dir, cols, rows);
	} else {
		ui.render = ui_term_new(STDOUT_FILENO, cols, rows);
	}
	if (strcmp(renderer, "terminal"))
		ui.repaint_ticks = 0;
	if (!ui.render || sd_event_default(&ui.loop) < 0) {
		fprintf(stderr, "ucphone-ui: out of memory\n");
		return 1;
	}
	{
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGTERM);
		sigaddset(&set, SIGINT);
		sigprocmask(SIG_BLOCK, &set, NULL);
	}
	ret = sd_event_add_signal(ui.loop, NULL, SIGTERM, NULL, NULL);
	if (ret >= 0)
		ret = sd_event_add_signal(ui.loop, NULL, SIGINT, NULL, NULL);
	if (ret >= 0)
		ret = sd_event_add_time_relative(ui.loop, &ui.tick, CLOCK_MONOTONIC, 0, 0,
						 on_tick, &ui);
	if (ret >= 0 && ui.input_fd >= 0)
		ret = sd_event_add_io(ui.loop, &ui.input_io, ui.input_fd, EPOLLIN,
				      on_input, &ui);
	if (ret >= 0 && !strcmp(renderer, "terminal")) {
		ret = sd_event_add_io(ui.loop, &ui.term_out, ui_term_fd(ui.render),
				      EPOLLOUT, on_term_writable, &ui);
		if (ret >= 0)
			ret = sd_event_source_set_enabled(ui.term_out, SD_EVENT_OFF);
		else if (ret == -EPERM)
			ret = 0;	/* a regular file: it never makes us wait */
		if (ret >= 0 && isatty(STDIN_FILENO))
			ret = sd_event_add_io(ui.loop, &ui.term_in, STDIN_FILENO, EPOLLIN,
					      on_term_input, &ui);
	}
	ui.link = ret >= 0 ? ui_link_new(ui.loop, control, &link_ops, &ui) : NULL;
	if (!ui.link) {
		fprintf(stderr, "ucphone-ui: cannot start: %s\n",
			strerror(ret < 0 ? -ret : ENOMEM));
		return 1;
	}
	refresh(&ui);
	ret = sd_event_loop(ui.loop);
	ui_link_free(ui.link);
	sd_event_source_disable_unref(ui.tick);
	sd_event_source_disable_unref(ui.input_io);
	sd_event_source_disable_unref(ui.term_out);
	sd_event_source_disable_unref(ui.term_in);
	if (ui.input_fd >= 0)
		close(ui.input_fd);
	ui.render->free(ui.render);
	ui_draw_shutdown();
	ui_model_clear(&ui.model);
	sd_event_unref(ui.loop);
	return ret < 0 ? 1 : 0;
}
