/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A single-producer single-consumer ring of fixed-size slots, lock-free
 * (C11 acquire/release atomics): how the daemon's main loop and the media
 * thread hand each other commands and events without a lock either side
 * could block on. The storage is the caller's (preallocated); push and pop
 * copy one slot and never allocate. Capacity is a power of two.
 */
#ifndef UCPHONE_SPSC_RING_H
#define UCPHONE_SPSC_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct spsc_ring {
	_Atomic size_t head;	/* next slot to write (producer) */
	_Atomic size_t tail;	/* next slot to read (consumer) */
	size_t mask;		/* capacity - 1 */
	size_t slot;		/* bytes per slot */
	unsigned char *mem;	/* capacity * slot bytes */
};

static inline void spsc_ring_init(struct spsc_ring *r, void *mem, size_t capacity,
				  size_t slot)
{
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	r->mask = capacity - 1;
	r->slot = slot;
	r->mem = mem;
}

/* Producer side: false when full (nothing written). */
static inline bool spsc_ring_push(struct spsc_ring *r, const void *item)
{
	size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);

	if (head - tail > r->mask)
		return false;
	memcpy(r->mem + (head & r->mask) * r->slot, item, r->slot);
	atomic_store_explicit(&r->head, head + 1, memory_order_release);
	return true;
}

/* Consumer side: false when empty. */
static inline bool spsc_ring_pop(struct spsc_ring *r, void *item)
{
	size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	size_t head = atomic_load_explicit(&r->head, memory_order_acquire);

	if (tail == head)
		return false;
	memcpy(item, r->mem + (tail & r->mask) * r->slot, r->slot);
	atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
	return true;
}

#endif /* UCPHONE_SPSC_RING_H */
