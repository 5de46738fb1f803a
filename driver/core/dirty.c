// SPDX-License-Identifier: GPL-2.0-only
/*
 * Software DMA dirty tracking (see include/vfmig/dirty.h and
 * docs/dirty-tracking.md).
 *
 * Two B+trees keyed by page number hold the state:
 *
 *   marks  key: page >> 6, value: bitmap of those 64 pages (never 0)
 *   holds  key: page,      value: hold count (never 0)
 *
 * so memory follows the pages marked or held and a read over a window visits
 * only the entries inside it. Entries whose value drops to zero are removed
 * and nodes below half full are merged or refilled, so memory also shrinks
 * when reports clear marks.
 */
#include <vfmig/osdep.h>
#include <vfmig/dirty.h>

/* ---- B+tree of u64 -> u64 --------------------------------------------- */

#define DBT_ORDER	31	/* slots per node: a node is 504 bytes */
#define DBT_MIN		(DBT_ORDER / 2)
/*
 * Every node off the rightmost path is at least half full, so a tree of
 * this height would hold more than 10^16 entries: the bound is never reached
 * before memory runs out, and it bounds the path arrays below.
 */
#define DBT_MAX_DEPTH	16

union dbt_slot {
	u64 val;			/* leaf */
	struct dbt_node *child;		/* inner node */
};

/*
 * In a leaf keys[] are the entries' keys, ascending. In an inner node
 * keys[i] is a lower bound of every key under child[i] and child[i]'s keys
 * are below keys[i + 1]; keys[0] is not used for routing.
 */
struct dbt_node {
	u32 nr;
	bool leaf;
	u64 keys[DBT_ORDER];
	union dbt_slot slot[DBT_ORDER];
};

/* Node accounting shared by the trees of one tracker. */
struct dbt_pool {
	u64 nr_nodes;
	u64 limit_bytes;	/* 0: no limit */
};

struct dbt {
	struct dbt_pool *pool;
	struct dbt_node *root;
	u32 height;		/* 0: empty; 1: the root is a leaf */
	u64 nr_entries;
	/* Last leaf slot found: the same page is marked again and again. */
	struct dbt_node *hint;
	u32 hint_idx;
};

/* Root-to-leaf path; idx[] is the child taken, or the leaf slot. */
struct dbt_path {
	struct dbt_node *node[DBT_MAX_DEPTH];
	u32 idx[DBT_MAX_DEPTH];
	u32 depth;		/* 0 when not filled in */
};

/* First index in keys[0..nr) whose key is >= @key (nr if none). */
static u32 dbt_lower_bound(const struct dbt_node *n, u64 key)
{
	u32 lo = 0, hi = n->nr;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (n->keys[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The child of inner node @n whose subtree may hold @key. */
static u32 dbt_route(const struct dbt_node *n, u64 key)
{
	u32 lo = 1, hi = n->nr;

	/* Last index whose key is <= @key; keys[0] is -infinity. */
	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (n->keys[mid] <= key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1;
}

/*
 * Walks from the root to the leaf where @key is or would be inserted and
 * records the way in @path. Returns the leaf, NULL for an empty tree.
 */
static struct dbt_node *dbt_descend(const struct dbt *bt, u64 key,
				    struct dbt_path *path)
{
	struct dbt_node *n = bt->root;
	u32 level;

	path->depth = bt->height;
	for (level = 0; level < bt->height; level++) {
		path->node[level] = n;
		if (n->leaf) {
			path->idx[level] = dbt_lower_bound(n, key);
			return n;
		}
		path->idx[level] = dbt_route(n, key);
		n = n->slot[path->idx[level]].child;
	}
	return NULL;
}

/*
 * Returns the value slot of @key, or NULL. When the answer comes from a full
 * descent, @path is filled in (an insert position on a miss); when it comes
 * from the hint, path->depth is 0.
 */
static u64 *dbt_find(struct dbt *bt, u64 key, struct dbt_path *path)
{
	struct dbt_node *leaf = bt->hint;
	u32 idx = bt->hint_idx;

	if (leaf && idx < leaf->nr && leaf->keys[idx] == key) {
		path->depth = 0;
		return &leaf->slot[idx].val;
	}
	leaf = dbt_descend(bt, key, path);
	if (!leaf)
		return NULL;
	idx = path->idx[path->depth - 1];
	if (idx >= leaf->nr || leaf->keys[idx] != key)
		return NULL;
	bt->hint = leaf;
	bt->hint_idx = idx;
	return &leaf->slot[idx].val;
}

static struct dbt_node *dbt_node_alloc(struct dbt *bt, bool leaf)
{
	struct dbt_pool *pool = bt->pool;
	struct dbt_node *n;

	if (pool->limit_bytes &&
	    (pool->nr_nodes + 1) * sizeof(*n) > pool->limit_bytes)
		return NULL;
	n = vfmig_alloc(sizeof(*n));
	if (!n)
		return NULL;
	n->nr = 0;
	n->leaf = leaf;
	pool->nr_nodes++;
	return n;
}

static void dbt_node_free(struct dbt *bt, struct dbt_node *n)
{
	bt->pool->nr_nodes--;
	vfmig_free(n);
}

/* Moves @count slots (keys and values) from @src[@si] to @dst[@di]. */
static void dbt_move(struct dbt_node *dst, u32 di, struct dbt_node *src,
		     u32 si, u32 count)
{
	memmove(&dst->keys[di], &src->keys[si], count * sizeof(dst->keys[0]));
	memmove(&dst->slot[di], &src->slot[si], count * sizeof(dst->slot[0]));
}

static void dbt_node_insert(struct dbt_node *n, u32 pos, u64 key,
			    union dbt_slot s)
{
	dbt_move(n, pos + 1, n, pos, n->nr - pos);
	n->keys[pos] = key;
	n->slot[pos] = s;
	n->nr++;
}

static void dbt_node_remove(struct dbt_node *n, u32 pos)
{
	dbt_move(n, pos, n, pos + 1, n->nr - pos - 1);
	n->nr--;
}

/*
 * Inserts (@key, @s) at @pos of the full node @n, moving the upper part to
 * the empty node @r. An append at the right edge of the tree leaves @n full
 * and starts @r with the new slot alone, so ascending inserts pack nodes
 * full instead of half full.
 */
static void dbt_node_split_insert(struct dbt_node *n, struct dbt_node *r,
				  u32 pos, u64 key, union dbt_slot s,
				  bool append)
{
	u32 keep = append ? DBT_ORDER : (DBT_ORDER + 1) / 2;

	if (pos < keep) {
		dbt_move(r, 0, n, keep - 1, DBT_ORDER - keep + 1);
		r->nr = DBT_ORDER - keep + 1;
		n->nr = keep - 1;
		dbt_node_insert(n, pos, key, s);
	} else {
		dbt_move(r, 0, n, keep, DBT_ORDER - keep);
		r->nr = DBT_ORDER - keep;
		n->nr = keep;
		dbt_node_insert(r, pos - keep, key, s);
	}
}

/* Whether every node above @level on @path was entered by its last child. */
static bool dbt_path_rightmost(const struct dbt_path *path, u32 level)
{
	u32 l;

	for (l = 0; l < level; l++)
		if (path->idx[l] != path->node[l]->nr - 1)
			return false;
	return true;
}

/*
 * Inserts @key (absent) with @val at the position a dbt_descend() for @key
 * recorded in @path. Nodes for every split are allocated before the tree is
 * touched, so -ENOMEM leaves it unchanged.
 */
static int dbt_insert(struct dbt *bt, const struct dbt_path *path, u64 key,
		      u64 val)
{
	struct dbt_node *spare[DBT_MAX_DEPTH + 1];
	union dbt_slot s = { .val = val };
	u32 need = 0, level, pos;
	struct dbt_node *n, *r;
	int l;

	bt->hint = NULL;
	if (!bt->root) {
		n = dbt_node_alloc(bt, true);
		if (!n)
			return -ENOMEM;
		dbt_node_insert(n, 0, key, s);
		bt->root = n;
		bt->height = 1;
		bt->nr_entries = 1;
		return 0;
	}
	if (WARN_ON(path->depth != bt->height))
		return -EINVAL;

	for (l = bt->height - 1; l >= 0 && path->node[l]->nr == DBT_ORDER; l--)
		need++;
	if (l < 0) {
		if (bt->height == DBT_MAX_DEPTH)
			return -ENOMEM;
		need++;			/* a new root */
	}
	for (level = 0; level < need; level++) {
		/* Nodes of the split levels and the new root: same leafness below. */
		spare[level] = dbt_node_alloc(bt, false);
		if (!spare[level])
			goto err_free_spare;
	}

	level = bt->height - 1;
	pos = path->idx[level];
	for (;;) {
		n = path->node[level];
		if (n->nr < DBT_ORDER) {
			dbt_node_insert(n, pos, key, s);
			break;
		}
		r = spare[--need];
		r->leaf = n->leaf;
		dbt_node_split_insert(n, r, pos, key, s,
				      pos == DBT_ORDER &&
				      dbt_path_rightmost(path, level));
		key = r->keys[0];
		s.child = r;
		if (level == 0) {
			struct dbt_node *root = spare[--need];

			root->keys[0] = n->keys[0];
			root->slot[0].child = n;
			root->keys[1] = key;
			root->slot[1].child = r;
			root->nr = 2;
			bt->root = root;
			bt->height++;
			break;
		}
		level--;
		pos = path->idx[level] + 1;
	}
	bt->nr_entries++;
	return 0;

err_free_spare:
	while (level--)
		dbt_node_free(bt, spare[level]);
	return -ENOMEM;
}

/* Frees an emptied root and roots with a single child. */
static void dbt_shrink_root(struct dbt *bt)
{
	struct dbt_node *root = bt->root;

	while (root && !root->leaf && root->nr <= 1) {
		bt->root = root->nr ? root->slot[0].child : NULL;
		bt->height = bt->root ? bt->height - 1 : 0;
		dbt_node_free(bt, root);
		root = bt->root;
	}
	if (root && root->nr == 0) {
		dbt_node_free(bt, root);
		bt->root = NULL;
		bt->height = 0;
	}
}

/*
 * Restores the fill invariant after the node at @level of @path lost
 * slots: an underfull node is merged with a sibling when both fit in one
 * node, else the two share their slots evenly. Merging removes a slot from
 * the parent, which may underflow in turn. @path stays valid only up to the
 * first changed level, so callers descend again afterwards.
 */
static void dbt_rebalance(struct dbt *bt, const struct dbt_path *path,
			  u32 level)
{
	struct dbt_node *n, *p, *left, *right;
	u32 i, j, total, want;

	bt->hint = NULL;
	for (; level > 0; level--) {
		n = path->node[level];
		if (n->nr >= DBT_MIN)
			break;
		p = path->node[level - 1];
		i = path->idx[level - 1];
		if (p->nr == 1) {
			/* Only child: nothing to merge with at this level. */
			if (n->nr)
				break;
			dbt_node_free(bt, n);
			p->nr = 0;
			continue;
		}
		j = i ? i : 1;		/* slot of the right node of the pair */
		left = p->slot[j - 1].child;
		right = p->slot[j].child;
		/* Inner keys[0] is not maintained; moved slots need a true bound. */
		if (!right->leaf)
			right->keys[0] = p->keys[j];
		if (left->nr + right->nr <= DBT_ORDER) {
			dbt_move(left, left->nr, right, 0, right->nr);
			left->nr += right->nr;
			dbt_node_free(bt, right);
			dbt_node_remove(p, j);
			continue;
		}
		total = left->nr + right->nr;
		want = total / 2;
		if (left->nr < want) {
			dbt_move(left, left->nr, right, 0, want - left->nr);
			dbt_move(right, 0, right, want - left->nr,
				 total - want);
		} else {
			dbt_move(right, left->nr - want, right, 0, right->nr);
			dbt_move(right, 0, left, want, left->nr - want);
		}
		left->nr = want;
		right->nr = total - want;
		p->keys[j] = right->keys[0];
		break;
	}
	dbt_shrink_root(bt);
}

/* Removes the entry at the leaf slot of @path (from a full descent). */
static void dbt_delete(struct dbt *bt, const struct dbt_path *path)
{
	u32 leaf = path->depth - 1;

	dbt_node_remove(path->node[leaf], path->idx[leaf]);
	bt->nr_entries--;
	dbt_rebalance(bt, path, leaf);
}

/* Frees every node; iterative, the path depth bounds the stack. */
static void dbt_destroy(struct dbt *bt)
{
	struct dbt_node *stack[DBT_MAX_DEPTH];
	u32 next[DBT_MAX_DEPTH];
	struct dbt_node *n;
	int top = 0;

	if (bt->root) {
		stack[0] = bt->root;
		next[0] = 0;
		while (top >= 0) {
			n = stack[top];
			if (!n->leaf && next[top] < n->nr) {
				stack[top + 1] = n->slot[next[top]++].child;
				next[top + 1] = 0;
				top++;
				continue;
			}
			dbt_node_free(bt, n);
			top--;
		}
	}
	bt->root = NULL;
	bt->height = 0;
	bt->nr_entries = 0;
	bt->hint = NULL;
}

/*
 * Moves @path to the first slot of the leaf after its current one; false
 * at the right edge. Separators are only lower bounds, so a descent for
 * "just past this leaf" may land in the same leaf again: walk the path.
 */
static bool dbt_next_leaf(struct dbt_path *path)
{
	struct dbt_node *n;
	int l;

	for (l = (int)path->depth - 2; l >= 0; l--)
		if (path->idx[l] + 1 < path->node[l]->nr)
			break;
	if (l < 0)
		return false;
	path->idx[l]++;
	n = path->node[l]->slot[path->idx[l]].child;
	for (l++; l < (int)path->depth; l++) {
		path->node[l] = n;
		path->idx[l] = 0;
		if (!n->leaf)
			n = n->slot[0].child;
	}
	return true;
}

/* Positions @path at the first entry whose key is >= @key; false if none. */
static bool dbt_seek(const struct dbt *bt, u64 key, struct dbt_path *path)
{
	struct dbt_node *leaf = dbt_descend(bt, key, path);

	if (!leaf)
		return false;
	if (path->idx[path->depth - 1] < leaf->nr)
		return true;
	return dbt_next_leaf(path);
}

/* Steps @path to the next entry; false at the end of the tree. */
static bool dbt_next(struct dbt_path *path)
{
	u32 l = path->depth - 1;

	if (++path->idx[l] < path->node[l]->nr)
		return true;
	return dbt_next_leaf(path);
}

static struct dbt_node *dbt_path_leaf(const struct dbt_path *path)
{
	return path->node[path->depth - 1];
}

static u64 dbt_path_key(const struct dbt_path *path)
{
	return dbt_path_leaf(path)->keys[path->idx[path->depth - 1]];
}

static u64 *dbt_path_val(const struct dbt_path *path)
{
	return &dbt_path_leaf(path)->slot[path->idx[path->depth - 1]].val;
}

/* ---- The tracker ------------------------------------------------------- */

/* A logged range in pages, inclusive. */
struct dirty_range {
	u64 first;
	u64 last;
};

struct vfmig_dirty {
	struct vfmig_mutex lock;
	u32 max_ranges;
	bool logging;
	bool lost;
	u32 page_shift;
	u32 nr_ranges;
	struct dirty_range *ranges;	/* ascending, disjoint */
	struct dbt_pool pool;		/* nodes of both trees */
	struct dbt marks;
	struct dbt holds;
	struct vfmig_dirty_stats stats;	/* counters; live values computed */
};

/* Sort key pair for the start-time scratch arrays. */
struct dirty_pair {
	u64 a;
	u64 b;
};

/* Bits @first..@last of group @group (pages group * 64 .. group * 64 + 63). */
static u64 dirty_group_mask(u64 group, u64 first, u64 last)
{
	u32 lo = group == first >> 6 ? first & 63 : 0;
	u32 hi = group == last >> 6 ? last & 63 : 63;

	return (~0ULL << lo) & (~0ULL >> (63 - hi));
}

/* Inclusive last byte of [iova, iova + len), stopping at 2^64; len != 0. */
static u64 dirty_last_byte(u64 iova, u64 len)
{
	u64 last;

	if (check_add_overflow(iova, len - 1, &last))
		return U64_MAX;
	return last;
}

/* Index of the first range whose last page is >= @page (nr_ranges if none). */
static u32 dirty_first_range_locked(struct vfmig_dirty *d, u64 page)
{
	u32 lo = 0, hi = d->nr_ranges;

	lockdep_assert_held(&d->lock);
	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (d->ranges[mid].last < page)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ORs @mask into the mark word of @group. */
static int dirty_mark_word_locked(struct vfmig_dirty *d, u64 group, u64 mask)
{
	struct dbt_path path;
	u64 *word, added;
	int ret;

	lockdep_assert_held(&d->lock);
	word = dbt_find(&d->marks, group, &path);
	if (word) {
		added = mask & ~*word;
		*word |= mask;
	} else {
		ret = dbt_insert(&d->marks, &path, group, mask);
		if (ret)
			return ret;
		added = mask;
	}
	d->stats.pages_marked_now += hweight64(added);
	return 0;
}

/* Marks pages @first..@last, all inside one logged range. */
static int dirty_mark_pages_locked(struct vfmig_dirty *d, u64 first, u64 last)
{
	u64 group;
	int ret;

	lockdep_assert_held(&d->lock);
	for (group = first >> 6; group <= last >> 6; group++) {
		ret = dirty_mark_word_locked(d, group,
					     dirty_group_mask(group, first, last));
		if (ret)
			return ret;
	}
	return 0;
}

static void dirty_set_lost_locked(struct vfmig_dirty *d)
{
	lockdep_assert_held(&d->lock);
	if (!d->lost)
		vfmig_err("dirty: out of memory, a dirty page was not recorded; reports fail until the log is restarted");
	d->lost = true;
}

/*
 * The part @a..@b of pages @first..@last inside range @r, for walks
 * starting at dirty_first_range_locked(@first); false past the last part.
 */
static bool dirty_part_locked(struct vfmig_dirty *d, u32 r, u64 first,
			      u64 last, u64 *a, u64 *b)
{
	lockdep_assert_held(&d->lock);
	if (r >= d->nr_ranges || d->ranges[r].first > last)
		return false;
	*a = max(first, d->ranges[r].first);
	*b = min(last, d->ranges[r].last);
	return true;
}

#define for_each_logged_part(d, r, first, last, a, b)			\
	for (r = dirty_first_range_locked(d, first);			\
	     dirty_part_locked(d, r, first, last, &(a), &(b)); r++)

/*
 * Pages [@iova, @iova + @len) touches as @first..@last; false for an empty
 * span. Adds the pages outside every range to marks_outside when @count.
 */
static bool dirty_span_locked(struct vfmig_dirty *d, u64 iova, u64 len,
			      u64 *first, u64 *last, bool count)
{
	u64 inside = 0, a, b;
	u32 r;

	lockdep_assert_held(&d->lock);
	if (!len)
		return false;
	*first = iova >> d->page_shift;
	*last = dirty_last_byte(iova, len) >> d->page_shift;
	if (!count)
		return true;
	for_each_logged_part(d, r, *first, *last, a, b)
		inside += b - a + 1;
	d->stats.marks_outside += *last - *first + 1 - inside;
	return true;
}

/* Drops one hold from pages @first..@last, which all have one. */
static void dirty_unhold_pages_locked(struct vfmig_dirty *d, u64 first,
				      u64 last)
{
	struct dbt_path path;
	u64 page, *count;

	lockdep_assert_held(&d->lock);
	for (page = first; ; page++) {
		count = dbt_find(&d->holds, page, &path);
		if (WARN_ON(!count))
			return;
		if (*count > 1) {
			--*count;
		} else {
			if (!path.depth)
				dbt_descend(&d->holds, page, &path);
			dbt_delete(&d->holds, &path);
		}
		if (page == last)
			return;
	}
}

/*
 * Adds one hold to pages @first..@last. On -ENOMEM, *@done is the first
 * page that did not get one.
 */
static int dirty_hold_pages_locked(struct vfmig_dirty *d, u64 first, u64 last,
				   u64 *done)
{
	struct dbt_path path;
	u64 page, *count;
	int ret;

	lockdep_assert_held(&d->lock);
	for (page = first; ; page++) {
		count = dbt_find(&d->holds, page, &path);
		if (count) {
			++*count;
		} else {
			ret = dbt_insert(&d->holds, &path, page, 1);
			if (ret) {
				*done = page;
				return ret;
			}
		}
		if (page == last)
			return 0;
	}
}

/* Whether each of pages @first..@last has a hold; stops at the first gap. */
static bool dirty_all_held_locked(struct vfmig_dirty *d, u64 first, u64 last)
{
	struct dbt_path it;
	u64 page;

	lockdep_assert_held(&d->lock);
	if (!dbt_seek(&d->holds, first, &it))
		return false;
	for (page = first; ; page++) {
		if (dbt_path_key(&it) != page)
			return false;
		if (page == last)
			return true;
		if (!dbt_next(&it))
			return false;
	}
}

/* ---- Reports ----------------------------------------------------------- */

/* A run of dirty pages waiting to be passed to out->set(). */
struct dirty_report {
	const struct vfmig_dirty_out *out;
	u64 win_first;		/* window bytes, inclusive */
	u64 win_last;
	u32 page_shift;
	bool open;
	u64 run_first;		/* pages, inclusive */
	u64 run_last;
	u64 pages;
};

static void dirty_report_flush(struct dirty_report *rep)
{
	u64 first, last;

	if (!rep->open)
		return;
	rep->open = false;
	rep->pages += rep->run_last - rep->run_first + 1;
	first = max(rep->run_first << rep->page_shift, rep->win_first);
	/* Wraps to U64_MAX for the top page, which is the right answer. */
	last = ((rep->run_last + 1) << rep->page_shift) - 1;
	last = min(last, rep->win_last);
	rep->out->set(rep->out->ctx, first, last - first + 1);
}

/* Adds the dirty pages @word of @group, coalescing with the open run. */
static void dirty_report_word(struct dirty_report *rep, u64 group, u64 word)
{
	u32 bit, len;
	u64 page;

	while (word) {
		bit = __ffs64(word);
		len = ~(word >> bit) ? __ffs64(~(word >> bit)) : 64;
		page = (group << 6) + bit;
		if (rep->open && page == rep->run_last + 1) {
			rep->run_last += len;
		} else {
			dirty_report_flush(rep);
			rep->open = true;
			rep->run_first = page;
			rep->run_last = page + len - 1;
		}
		word = bit + len >= 64 ? 0 : word & (~0ULL << (bit + len));
	}
}

/* Drops the emptied entries of the marks leaf on @path and rebalances. */
static void dirty_compact_leaf_locked(struct vfmig_dirty *d,
				      const struct dbt_path *path)
{
	struct dbt_node *leaf = path->node[path->depth - 1];
	u32 i, kept = 0;

	lockdep_assert_held(&d->lock);
	for (i = 0; i < leaf->nr; i++) {
		if (!leaf->slot[i].val)
			continue;
		leaf->keys[kept] = leaf->keys[i];
		leaf->slot[kept++] = leaf->slot[i];
	}
	d->marks.nr_entries -= leaf->nr - kept;
	leaf->nr = kept;
	dbt_rebalance(&d->marks, path, path->depth - 1);
}

/*
 * Cursor over the marks tree that clears as it goes: values are zeroed in
 * place while a leaf is walked and the leaf is compacted when the cursor
 * leaves it, so the walk never restructures the leaf it stands on.
 */
struct dirty_mark_cursor {
	struct dbt_path path;
	bool valid;		/* false at the end */
	bool emptied;		/* the current leaf has zeroed values */
};

static void dirty_mark_cursor_seek_locked(struct vfmig_dirty *d,
					  struct dirty_mark_cursor *c, u64 key)
{
	lockdep_assert_held(&d->lock);
	c->valid = dbt_seek(&d->marks, key, &c->path);
	c->emptied = false;
}

/* Compacts the current leaf if needed and stops the cursor. */
static void dirty_mark_cursor_finish_locked(struct vfmig_dirty *d,
					    struct dirty_mark_cursor *c)
{
	lockdep_assert_held(&d->lock);
	if (c->valid && c->emptied)
		dirty_compact_leaf_locked(d, &c->path);
	c->valid = false;
	c->emptied = false;
}

static void dirty_mark_cursor_next_locked(struct vfmig_dirty *d,
					  struct dirty_mark_cursor *c)
{
	u32 leaf = c->path.depth - 1;
	u64 key = dbt_path_key(&c->path);

	lockdep_assert_held(&d->lock);
	if (++c->path.idx[leaf] < c->path.node[leaf]->nr)
		return;
	if (!c->emptied) {
		c->valid = dbt_next_leaf(&c->path);
		return;
	}
	/* Compaction may reshape the tree: find the way again. */
	dirty_mark_cursor_finish_locked(d, c);
	dirty_mark_cursor_seek_locked(d, c, key + 1);
}

static int dirty_read_and_clear_locked(struct vfmig_dirty *d, u64 iova,
				       u64 length,
				       const struct vfmig_dirty_out *out)
{
	struct dirty_report rep = { .out = out, .page_shift = d->page_shift };
	u64 first, last, group, word, mask, *val;
	struct dirty_mark_cursor mc;
	struct dbt_path hc;
	bool held;

	lockdep_assert_held(&d->lock);
	if (!length)
		return 0;
	rep.win_first = iova;
	rep.win_last = dirty_last_byte(iova, length);
	first = iova >> d->page_shift;
	last = rep.win_last >> d->page_shift;

	/* Merge-walk the marks (by group) and the holds (by page) of the window. */
	dirty_mark_cursor_seek_locked(d, &mc, first >> 6);
	held = dbt_seek(&d->holds, first, &hc) && dbt_path_key(&hc) <= last;
	for (;;) {
		if (mc.valid && dbt_path_key(&mc.path) > last >> 6)
			dirty_mark_cursor_finish_locked(d, &mc);
		if (mc.valid && held)
			group = min(dbt_path_key(&mc.path),
				    dbt_path_key(&hc) >> 6);
		else if (mc.valid)
			group = dbt_path_key(&mc.path);
		else if (held)
			group = dbt_path_key(&hc) >> 6;
		else
			break;

		word = 0;
		if (mc.valid && dbt_path_key(&mc.path) == group) {
			val = dbt_path_val(&mc.path);
			mask = dirty_group_mask(group, first, last);
			word = *val & mask;
			*val &= ~mask;
			d->stats.pages_marked_now -= hweight64(word);
			if (!*val)
				mc.emptied = true;
			dirty_mark_cursor_next_locked(d, &mc);
		}
		while (held && dbt_path_key(&hc) >> 6 == group) {
			word |= BIT_ULL(dbt_path_key(&hc) & 63);
			held = dbt_next(&hc) && dbt_path_key(&hc) <= last;
		}
		dirty_report_word(&rep, group, word);
	}
	dirty_report_flush(&rep);
	d->stats.reports++;
	d->stats.pages_reported += rep.pages;
	return 0;
}

/* ---- Starting a log ---------------------------------------------------- */

static bool dirty_pair_less(const struct dirty_pair *x,
			    const struct dirty_pair *y)
{
	return x->a < y->a || (x->a == y->a && x->b < y->b);
}

static void dirty_sift_down(struct dirty_pair *v, u32 root, u32 n)
{
	struct dirty_pair tmp;
	u32 child;

	while ((child = 2 * root + 1) < n) {
		if (child + 1 < n && dirty_pair_less(&v[child], &v[child + 1]))
			child++;
		if (!dirty_pair_less(&v[root], &v[child]))
			return;
		tmp = v[root];
		v[root] = v[child];
		v[child] = tmp;
		root = child;
	}
}

/* Heapsort: no recursion, no scratch memory, O(n log n). */
static void dirty_sort_pairs(struct dirty_pair *v, u32 n)
{
	struct dirty_pair tmp;
	u32 i;

	for (i = n / 2; i > 0; i--)
		dirty_sift_down(v, i - 1, n);
	for (i = n; i > 1; i--) {
		tmp = v[0];
		v[0] = v[i - 1];
		v[i - 1] = tmp;
		dirty_sift_down(v, 0, i - 1);
	}
}

/*
 * Merges the @n sorted, disjoint ranges @v ({start, end}, end exclusive)
 * down to @max the way vfio_combine_iova_ranges() does. That function
 * merges the adjacent pair with the smallest gap, the lowest such pair on
 * ties, until @max remain. Merging a pair leaves every other gap as it was,
 * so it ends up merging exactly the n - max smallest gaps, ordered by (gap,
 * position): sort the gaps once instead of rescanning per merge.
 * Returns the new count, or -ENOMEM.
 */
static int dirty_combine_ranges(struct dirty_pair *v, u32 n, u32 max)
{
	struct dirty_pair *gaps, limit, gap;
	u64 prev_end;
	u32 i, out;

	if (n <= max)
		return n;
	if (max == 1) {
		v[0].b = v[n - 1].b;
		return 1;
	}
	gaps = vfmig_alloc((n - 1) * sizeof(*gaps));
	if (!gaps)
		return -ENOMEM;
	for (i = 0; i + 1 < n; i++) {
		gaps[i].a = v[i + 1].a - v[i].b;
		gaps[i].b = i;
	}
	dirty_sort_pairs(gaps, n - 1);
	limit = gaps[n - max - 1];	/* the largest gap that is merged */
	vfmig_free(gaps);

	prev_end = v[0].b;
	out = 1;
	for (i = 1; i < n; i++) {
		gap.a = v[i].a - prev_end;
		gap.b = i - 1;
		prev_end = v[i].b;
		if (!dirty_pair_less(&limit, &gap))
			v[out - 1].b = v[i].b;
		else
			v[out++] = v[i];
	}
	WARN_ON(out != max);
	return out;
}

/* Validates @ranges into @v ({start, end} sorted by start). */
static int dirty_check_ranges(const struct vfmig_dirty_range *ranges, u32 nr,
			      u64 page_size, struct dirty_pair *v)
{
	u32 i;

	for (i = 0; i < nr; i++) {
		const struct vfmig_dirty_range *r = &ranges[i];

		if (!r->length) {
			vfmig_dbg("dirty: range %u at 0x%llx is empty", i, r->iova);
			return -EINVAL;
		}
		if (!IS_ALIGNED(r->iova, page_size) ||
		    !IS_ALIGNED(r->length, page_size)) {
			vfmig_dbg("dirty: range %u [0x%llx, +0x%llx) is not aligned to the page size 0x%llx",
				  i, r->iova, r->length, page_size);
			return -EINVAL;
		}
		if (check_add_overflow(r->iova, r->length, &v[i].b)) {
			vfmig_dbg("dirty: range %u [0x%llx, +0x%llx) runs past the end of the IOVA space",
				  i, r->iova, r->length);
			return -EOVERFLOW;
		}
		v[i].a = r->iova;
	}
	dirty_sort_pairs(v, nr);
	for (i = 1; i < nr; i++) {
		if (v[i].a < v[i - 1].b) {
			vfmig_dbg("dirty: ranges [0x%llx, 0x%llx) and [0x%llx, 0x%llx) overlap",
				  v[i - 1].a, v[i - 1].b, v[i].a, v[i].b);
			return -EINVAL;
		}
	}
	return 0;
}

static int dirty_start_locked(struct vfmig_dirty *d,
			      const struct vfmig_dirty_range *ranges, u32 nr,
			      u64 page_size)
{
	struct dirty_range *tracked;
	struct dirty_pair *v;
	u32 shift = ilog2(page_size);
	int ret, i;

	lockdep_assert_held(&d->lock);
	v = vfmig_alloc(nr * sizeof(*v));
	if (!v)
		return -ENOMEM;
	ret = dirty_check_ranges(ranges, nr, page_size, v);
	if (ret)
		goto out_free_scratch;
	ret = dirty_combine_ranges(v, nr, d->max_ranges);
	if (ret < 0)
		goto out_free_scratch;
	tracked = vfmig_alloc(ret * sizeof(*tracked));
	if (!tracked) {
		ret = -ENOMEM;
		goto out_free_scratch;
	}
	for (i = 0; i < ret; i++) {
		tracked[i].first = v[i].a >> shift;
		tracked[i].last = (v[i].b >> shift) - 1;
	}
	d->ranges = tracked;
	d->nr_ranges = ret;
	d->page_shift = shift;
	d->lost = false;
	d->logging = true;
	ret = 0;

out_free_scratch:
	vfmig_free(v);
	return ret;
}

static void dirty_stop_locked(struct vfmig_dirty *d)
{
	lockdep_assert_held(&d->lock);
	dbt_destroy(&d->marks);
	dbt_destroy(&d->holds);
	vfmig_free(d->ranges);
	d->ranges = NULL;
	d->nr_ranges = 0;
	d->stats.pages_marked_now = 0;
	d->logging = false;
	d->lost = false;
}

/* ---- API --------------------------------------------------------------- */

struct vfmig_dirty *vfmig_dirty_new(u32 max_ranges)
{
	struct vfmig_dirty *d;

	if (!max_ranges)
		return ERR_PTR(-EINVAL);
	d = vfmig_zalloc(sizeof(*d));
	if (!d)
		return ERR_PTR(-ENOMEM);
	vfmig_mutex_init(&d->lock);
	d->max_ranges = max_ranges;
	d->marks.pool = &d->pool;
	d->holds.pool = &d->pool;
	return d;
}

void vfmig_dirty_free(struct vfmig_dirty *d)
{
	if (IS_ERR_OR_NULL(d))
		return;
	vfmig_dirty_stop(d);
	vfmig_mutex_destroy(&d->lock);
	vfmig_free(d);
}

/* The checks of a start request that need no tracker state. */
static int dirty_check_request(u32 nr, u64 page_size)
{
	/* u64 throughout: is_power_of_2() takes an unsigned long. */
	if ((page_size & (page_size - 1)) ||
	    page_size < VFMIG_DIRTY_MIN_PAGE_SIZE ||
	    page_size > VFMIG_DIRTY_MAX_PAGE_SIZE) {
		vfmig_dbg("dirty: page size 0x%llx is not a power of two in 4 KiB..2 MiB",
			  page_size);
		return -EINVAL;
	}
	if (!nr) {
		vfmig_dbg("dirty: no ranges to log");
		return -EINVAL;
	}
	if (nr > VFMIG_DIRTY_MAX_INPUT_RANGES) {
		vfmig_dbg("dirty: %u ranges, at most %u accepted", nr,
			  VFMIG_DIRTY_MAX_INPUT_RANGES);
		return -E2BIG;
	}
	return 0;
}

int vfmig_dirty_start(struct vfmig_dirty *d,
		      const struct vfmig_dirty_range *ranges, u32 nr,
		      u64 *page_size)
{
	int ret;

	vfmig_mutex_lock(&d->lock);
	/* Busy first: a second start must not be judged on its content. */
	if (d->logging) {
		vfmig_dbg("dirty: logging already started");
		ret = -EBUSY;
	} else {
		ret = dirty_check_request(nr, *page_size);
		if (!ret)
			ret = dirty_start_locked(d, ranges, nr, *page_size);
	}
	vfmig_mutex_unlock(&d->lock);
	return ret;
}

int vfmig_dirty_stop(struct vfmig_dirty *d)
{
	vfmig_mutex_lock(&d->lock);
	dirty_stop_locked(d);
	vfmig_mutex_unlock(&d->lock);
	return 0;
}

int vfmig_dirty_mark(struct vfmig_dirty *d, u64 iova, u64 len)
{
	u64 first, last, a, b;
	int ret = 0;
	u32 r;

	vfmig_trace("dirty.mark", iova, len);
	vfmig_mutex_lock(&d->lock);
	if (!d->logging) {
		d->stats.marks_not_logging++;
		goto out_unlock;
	}
	d->stats.marks++;
	if (!dirty_span_locked(d, iova, len, &first, &last, true))
		goto out_unlock;
	for_each_logged_part(d, r, first, last, a, b) {
		ret = dirty_mark_pages_locked(d, a, b);
		if (ret) {
			dirty_set_lost_locked(d);
			break;
		}
	}
out_unlock:
	vfmig_mutex_unlock(&d->lock);
	return ret;
}

int vfmig_dirty_hold(struct vfmig_dirty *d, u64 iova, u64 len)
{
	u64 first, last, a, b, done = 0;
	u32 r, failed;
	int ret = 0;

	vfmig_mutex_lock(&d->lock);
	if (!d->logging) {
		d->stats.marks_not_logging++;
		goto out_unlock;
	}
	if (!dirty_span_locked(d, iova, len, &first, &last, true))
		goto out_unlock;
	for_each_logged_part(d, r, first, last, a, b) {
		ret = dirty_hold_pages_locked(d, a, b, &done);
		if (ret)
			goto err_unhold;
	}
	goto out_unlock;

err_unhold:
	/* Take back the holds added before the failure: all or nothing. */
	failed = r;
	for_each_logged_part(d, r, first, last, a, b) {
		if (r == failed) {
			if (done > a)
				dirty_unhold_pages_locked(d, a, done - 1);
			break;
		}
		dirty_unhold_pages_locked(d, a, b);
	}
	dirty_set_lost_locked(d);
out_unlock:
	vfmig_mutex_unlock(&d->lock);
	return ret;
}

int vfmig_dirty_release(struct vfmig_dirty *d, u64 iova, u64 len)
{
	u64 first, last, a, b;
	int ret = 0;
	u32 r;

	vfmig_mutex_lock(&d->lock);
	if (!d->logging ||
	    !dirty_span_locked(d, iova, len, &first, &last, false))
		goto out_unlock;
	for_each_logged_part(d, r, first, last, a, b) {
		if (!dirty_all_held_locked(d, a, b)) {
			vfmig_warn("dirty: release of [0x%llx, +0x%llx) names a page without a hold",
				   iova, len);
			ret = -EINVAL;
			goto out_unlock;
		}
	}
	/* Mark first: that can fail, and then nothing is released. */
	for_each_logged_part(d, r, first, last, a, b) {
		ret = dirty_mark_pages_locked(d, a, b);
		if (ret) {
			dirty_set_lost_locked(d);
			goto out_unlock;
		}
	}
	for_each_logged_part(d, r, first, last, a, b)
		dirty_unhold_pages_locked(d, a, b);
out_unlock:
	vfmig_mutex_unlock(&d->lock);
	return ret;
}

int vfmig_dirty_release_all(struct vfmig_dirty *d)
{
	u64 group = 0, word = 0, page;
	struct dbt_path it;
	bool more;
	int ret = 0;

	vfmig_mutex_lock(&d->lock);
	for (more = dbt_seek(&d->holds, 0, &it); more && !ret;
	     more = dbt_next(&it)) {
		page = dbt_path_key(&it);
		if (word && page >> 6 != group) {
			ret = dirty_mark_word_locked(d, group, word);
			word = 0;
		}
		group = page >> 6;
		word |= BIT_ULL(page & 63);
	}
	if (word && !ret)
		ret = dirty_mark_word_locked(d, group, word);
	if (ret)
		dirty_set_lost_locked(d);
	dbt_destroy(&d->holds);
	vfmig_mutex_unlock(&d->lock);
	return ret;
}

int vfmig_dirty_read_and_clear(struct vfmig_dirty *d, u64 iova, u64 length,
			       const struct vfmig_dirty_out *out)
{
	int ret;

	if (!out || !out->set)
		return -EINVAL;
	vfmig_mutex_lock(&d->lock);
	if (!d->logging) {
		vfmig_dbg("dirty: read_and_clear while not logging");
		ret = -EINVAL;
	} else if (d->lost) {
		ret = -EIO;
	} else {
		ret = dirty_read_and_clear_locked(d, iova, length, out);
	}
	vfmig_mutex_unlock(&d->lock);
	return ret;
}

int vfmig_dirty_bitmap_init(struct vfmig_dirty_bitmap *bm, u64 *bits,
			    u64 iova, u64 page_size, u64 nbits)
{
	u64 bytes, last;

	if (!page_size || (page_size & (page_size - 1)))
		return -EINVAL;
	if (nbits && (check_mul_overflow(nbits, page_size, &bytes) ||
		      check_add_overflow(iova, bytes - 1, &last)))
		return -EOVERFLOW;
	bm->bits = bits;
	bm->iova = iova;
	bm->nbits = nbits;
	bm->page_shift = ilog2(page_size);
	return 0;
}

void vfmig_dirty_bitmap_set(void *ctx, u64 iova, u64 length)
{
	struct vfmig_dirty_bitmap *bm = ctx;
	u64 last, first_bit, last_bit, w, wlast;

	if (!length || !bm->nbits)
		return;
	last = dirty_last_byte(iova, length);
	if (last < bm->iova)
		return;
	iova = max(iova, bm->iova);
	first_bit = (iova - bm->iova) >> bm->page_shift;
	last_bit = (last - bm->iova) >> bm->page_shift;
	if (first_bit >= bm->nbits)
		return;
	last_bit = min(last_bit, bm->nbits - 1);

	w = first_bit >> 6;
	wlast = last_bit >> 6;
	if (w == wlast) {
		bm->bits[w] |= dirty_group_mask(w, first_bit, last_bit);
		return;
	}
	bm->bits[w++] |= ~0ULL << (first_bit & 63);
	while (w < wlast)
		bm->bits[w++] = ~0ULL;
	bm->bits[wlast] |= ~0ULL >> (63 - (last_bit & 63));
}

int vfmig_dirty_read_and_clear_bitmap(struct vfmig_dirty *d, u64 iova,
				      u64 page_size, u64 nbits, u64 *bits)
{
	struct vfmig_dirty_bitmap bm;
	struct vfmig_dirty_out out = { .set = vfmig_dirty_bitmap_set, .ctx = &bm };
	int ret;

	ret = vfmig_dirty_bitmap_init(&bm, bits, iova, page_size, nbits);
	if (ret)
		return ret;
	if (!nbits)
		return 0;
	return vfmig_dirty_read_and_clear(d, iova, nbits << bm.page_shift,
					  &out);
}

void vfmig_dirty_get_stats(struct vfmig_dirty *d,
			   struct vfmig_dirty_stats *stats)
{
	vfmig_mutex_lock(&d->lock);
	*stats = d->stats;
	stats->pages_held = d->holds.nr_entries;
	stats->memory_bytes = sizeof(*d) +
			      d->nr_ranges * sizeof(d->ranges[0]) +
			      d->pool.nr_nodes * sizeof(struct dbt_node);
	stats->page_size = d->logging ? 1ULL << d->page_shift : 0;
	stats->nr_ranges = d->nr_ranges;
	stats->logging = d->logging;
	stats->lost = d->lost;
	vfmig_mutex_unlock(&d->lock);
}

void vfmig_dirty_set_mem_limit(struct vfmig_dirty *d, u64 bytes)
{
	vfmig_mutex_lock(&d->lock);
	d->pool.limit_bytes = bytes;
	vfmig_mutex_unlock(&d->lock);
}

u32 vfmig_dirty_get_ranges(struct vfmig_dirty *d,
			   struct vfmig_dirty_range *ranges, u32 max)
{
	u32 i, nr;

	vfmig_mutex_lock(&d->lock);
	nr = d->nr_ranges;
	for (i = 0; i < nr && i < max; i++) {
		ranges[i].iova = d->ranges[i].first << d->page_shift;
		ranges[i].length = (d->ranges[i].last - d->ranges[i].first + 1)
				   << d->page_shift;
	}
	vfmig_mutex_unlock(&d->lock);
	return nr;
}
