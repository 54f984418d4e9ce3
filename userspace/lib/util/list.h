/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A circular doubly linked list with the node inside its owner, as in the
 * kernel's <linux/list.h>: O(1) removal without searching.
 */
#ifndef UCPHONE_LIST_H
#define UCPHONE_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_node {
	struct list_node *next, *prev;
};

#define LIST_INIT(name) { &(name), &(name) }

static inline void list_init(struct list_node *head)
{
	head->next = head;
	head->prev = head;
}

static inline bool list_empty(const struct list_node *head)
{
	return head->next == head;
}

static inline void list_add_tail(struct list_node *node,
				 struct list_node *head)
{
	node->prev = head->prev;
	node->next = head;
	head->prev->next = node;
	head->prev = node;
}

static inline void list_del(struct list_node *node)
{
	node->prev->next = node->next;
	node->next->prev = node->prev;
	node->next = node;
	node->prev = node;
}

#define list_entry(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* Safe against removing the current entry. */
#define list_for_each_entry_safe(pos, tmp, head, member)		     \
	for (pos = list_entry((head)->next, __typeof__(*pos), member),	     \
	     tmp = list_entry(pos->member.next, __typeof__(*pos), member);   \
	     &pos->member != (head);					     \
	     pos = tmp,							     \
	     tmp = list_entry(tmp->member.next, __typeof__(*pos), member))

#endif /* UCPHONE_LIST_H */
