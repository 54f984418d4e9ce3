// SPDX-License-Identifier: GPL-2.0-only
/*
 * The screen on a KMS display: one dumb buffer (32 bpp) in the first
 * connected connector's preferred mode (or a requested size), drawn with
 * cairo, shown with one mode set. Only the parts that changed are
 * redrawn, and only those rectangles are flushed (drmModeDirtyFB, which
 * virtio-gpu needs and bochs ignores). The process stays DRM master while
 * it runs; the kernel console gets the display back when it exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>
#include <xf86drmMode.h>

#include "ui/draw.h"
#include "ui/render.h"

struct drm {
	struct ui_renderer r;
	int fd;
	uint32_t connector, crtc, fb, handle, pitch;
	drmModeModeInfo mode;
	drmModeCrtc *saved;
	void *map;
	size_t size;
	cairo_surface_t *surface;
	bool drawn;
	struct ui_view last;
};

static drmModeConnector *find_connector(int fd, drmModeRes *res)
{
	for (int i = 0; i < res->count_connectors; i++) {
		drmModeConnector *c = drmModeGetConnector(fd, res->connectors[i]);

		if (c && c->connection == DRM_MODE_CONNECTED && c->count_modes > 0)
			return c;
		drmModeFreeConnector(c);
	}
	return NULL;
}

static uint32_t find_crtc(int fd, drmModeRes *res, drmModeConnector *c)
{
	drmModeEncoder *e;
	uint32_t crtc = 0;

	if (c->encoder_id) {
		e = drmModeGetEncoder(fd, c->encoder_id);
		if (e && e->crtc_id)
			crtc = e->crtc_id;
		drmModeFreeEncoder(e);
		if (crtc)
			return crtc;
	}
	for (int i = 0; i < c->count_encoders && !crtc; i++) {
		e = drmModeGetEncoder(fd, c->encoders[i]);
		for (int j = 0; e && j < res->count_crtcs && !crtc; j++)
			if (e->possible_crtcs & (1u << j))
				crtc = res->crtcs[j];
		drmModeFreeEncoder(e);
	}
	return crtc;
}

/* The preferred mode, or the first with its size changed to width x height. */
static void pick_mode(struct drm *d, drmModeConnector *c, unsigned int width,
		      unsigned int height)
{
	d->mode = c->modes[0];
	for (int i = 0; i < c->count_modes && !width; i++)
		if (c->modes[i].type & DRM_MODE_TYPE_PREFERRED) {
			d->mode = c->modes[i];
			break;
		}
	if (width && height) {
		d->mode.hdisplay = (uint16_t)width;
		d->mode.vdisplay = (uint16_t)height;
		snprintf(d->mode.name, sizeof(d->mode.name), "%ux%u", width, height);
	}
}

static int create_buffer(struct drm *d)
{
	struct drm_mode_create_dumb create = {
		.width = d->mode.hdisplay, .height = d->mode.vdisplay, .bpp = 32,
	};
	struct drm_mode_map_dumb map = { 0 };

	if (drmIoctl(d->fd, DRM_IOCTL_MODE_CREATE_DUMB, &create) < 0)
		return -errno;
	d->handle = create.handle;
	d->pitch = create.pitch;
	d->size = create.size;
	if (drmModeAddFB(d->fd, d->mode.hdisplay, d->mode.vdisplay, 24, 32, d->pitch,
			 d->handle, &d->fb) < 0)
		return -errno;
	map.handle = d->handle;
	if (drmIoctl(d->fd, DRM_IOCTL_MODE_MAP_DUMB, &map) < 0)
		return -errno;
	d->map = mmap(NULL, d->size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd,
		      (off_t)map.offset);
	if (d->map == MAP_FAILED) {
		d->map = NULL;
		return -errno;
	}
	d->surface = cairo_image_surface_create_for_data(d->map, CAIRO_FORMAT_RGB24,
							 d->mode.hdisplay, d->mode.vdisplay,
							 (int)d->pitch);
	return cairo_surface_status(d->surface) == CAIRO_STATUS_SUCCESS ? 0 : -ENOMEM;
}

static int drm_draw(struct ui_renderer *r, const struct ui_view *v)
{
	struct drm *d = (struct drm *)r;
	unsigned int parts = d->drawn ? ui_view_diff(&d->last, v) : UI_PART_ALL;
	int w = d->mode.hdisplay, h = d->mode.vdisplay;
	drmModeClip clips[3];
	unsigned int n = 0;
	cairo_t *cr;
	int ret = 0;

	if (!parts)
		return 0;
	cr = cairo_create(d->surface);
	for (unsigned int part = 1; part < UI_PART_ALL; part <<= 1) {
		struct ui_rect rc = ui_draw_part_rect(part, w, h);

		if (!(parts & part))
			continue;
		cairo_save(cr);
		cairo_rectangle(cr, rc.x, rc.y, rc.w, rc.h);
		cairo_clip(cr);
		ui_draw(cr, w, h, v, part);
		cairo_restore(cr);
		clips[n++] = (drmModeClip){ (uint16_t)rc.x, (uint16_t)rc.y,
					    (uint16_t)(rc.x + rc.w), (uint16_t)(rc.y + rc.h) };
	}
	cairo_destroy(cr);
	cairo_surface_flush(d->surface);
	if (!d->drawn) {
		if (drmModeSetCrtc(d->fd, d->crtc, d->fb, 0, 0, &d->connector, 1,
				   &d->mode) < 0)
			ret = -errno;
	}
	/* bochs has no dirty hook (-ENOSYS); virtio-gpu shows nothing without */
	if (ret == 0 && drmModeDirtyFB(d->fd, d->fb, clips, n) < 0 &&
	    errno != ENOSYS && errno != EINVAL)
		ret = -errno;
	if (ret < 0)
		return ret;
	d->last = *v;
	d->drawn = true;
	return 1;
}

static void drm_free(struct ui_renderer *r)
{
	struct drm *d = (struct drm *)r;
	struct drm_mode_destroy_dumb destroy = { 0 };

	if (!d)
		return;
	if (d->saved) {
		drmModeSetCrtc(d->fd, d->saved->crtc_id, d->saved->buffer_id,
			       d->saved->x, d->saved->y, &d->connector, 1,
			       &d->saved->mode);
		drmModeFreeCrtc(d->saved);
	}
	if (d->surface)
		cairo_surface_destroy(d->surface);
	if (d->map)
		munmap(d->map, d->size);
	if (d->fb)
		drmModeRmFB(d->fd, d->fb);
	if (d->handle) {
		destroy.handle = d->handle;
		drmIoctl(d->fd, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy);
	}
	if (d->fd >= 0)
		close(d->fd);
	memset(&d->last, 0, sizeof(d->last));
	free(d);
}

struct ui_renderer *ui_drm_new(const char *card, unsigned int width,
			       unsigned int height, char *why, size_t why_size)
{
	struct drm *d = calloc(1, sizeof(*d));
	drmModeConnector *c = NULL;
	drmModeRes *res = NULL;
	int ret = -ENODEV;

	if (!d) {
		snprintf(why, why_size, "out of memory");
		return NULL;
	}
	d->r.name = "drm";
	d->r.draw = drm_draw;
	d->r.free = drm_free;
	d->fd = open(card, O_RDWR | O_CLOEXEC);
	if (d->fd < 0) {
		snprintf(why, why_size, "%s: %s", card, strerror(errno));
		free(d);
		return NULL;
	}
	res = drmModeGetResources(d->fd);
	c = res ? find_connector(d->fd, res) : NULL;
	if (!c) {
		snprintf(why, why_size, "%s: no connected display", card);
		goto fail;
	}
	d->connector = c->connector_id;
	d->crtc = find_crtc(d->fd, res, c);
	if (!d->crtc) {
		snprintf(why, why_size, "%s: no CRTC for the display", card);
		goto fail;
	}
	pick_mode(d, c, width, height);
	d->saved = drmModeGetCrtc(d->fd, d->crtc);
	ret = create_buffer(d);
	if (ret < 0) {
		snprintf(why, why_size, "%s: no %ux%u buffer: %s", card, d->mode.hdisplay,
			 d->mode.vdisplay, strerror(-ret));
		goto fail;
	}
	drmModeFreeConnector(c);
	drmModeFreeResources(res);
	return &d->r;
fail:
	drmModeFreeConnector(c);
	drmModeFreeResources(res);
	drm_free(&d->r);
	return NULL;
}

unsigned int ui_drm_size(const struct ui_renderer *r, unsigned int *height)
{
	const struct drm *d = (const struct drm *)r;

	*height = d->mode.vdisplay;
	return d->mode.hdisplay;
}
