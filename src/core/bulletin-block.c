/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "bulletin-block.h"

G_DEFINE_BOXED_TYPE (BulletinBlock, bulletin_block, bulletin_block_copy, bulletin_block_free)

/**
 * bulletin_block_new:
 *
 * Returns: (transfer full): a block of @kind covering [@start, @end)
 */
BulletinBlock *
bulletin_block_new (BulletinBlockKind kind,
                    guint             start,
                    guint             end)
{
  BulletinBlock *block;

  g_return_val_if_fail (kind < BULLETIN_N_BLOCK_KINDS, NULL);
  g_return_val_if_fail (start <= end, NULL);

  block = g_new0 (BulletinBlock, 1);
  block->kind = kind;
  bulletin_block_add_range (block, start, end);
  return block;
}

/**
 * bulletin_block_copy:
 *
 * Returns: (transfer full): a deep copy
 */
BulletinBlock *
bulletin_block_copy (const BulletinBlock *block)
{
  BulletinBlock *copy;

  g_return_val_if_fail (block != NULL, NULL);

  copy = g_new0 (BulletinBlock, 1);
  *copy = *block;
  copy->ranges = g_memdup2 (block->ranges, sizeof (BulletinRange) * block->n_ranges);
  copy->image = g_strdup (block->image);
  copy->image_alt = g_strdup (block->image_alt);
  return copy;
}

void
bulletin_block_free (BulletinBlock *block)
{
  if (block == NULL)
    return;
  g_free (block->ranges);
  g_free (block->image);
  g_free (block->image_alt);
  g_free (block);
}

/* Ranges must be appended in source order and must not overlap; an empty
 * range is dropped unless it is the only one (an empty caption, say). */
void
bulletin_block_add_range (BulletinBlock *block,
                          guint          start,
                          guint          end)
{
  g_return_if_fail (block != NULL);
  g_return_if_fail (start <= end);
  g_return_if_fail (block->n_ranges == 0 || block->ranges[block->n_ranges - 1].end <= start);

  if (start == end && block->n_ranges > 0)
    return;

  if (block->n_ranges == 1 && block->ranges[0].start == block->ranges[0].end)
    block->n_ranges = 0;

  block->ranges = g_renew (BulletinRange, block->ranges, block->n_ranges + 1);
  block->ranges[block->n_ranges].start = start;
  block->ranges[block->n_ranges].end = end;
  block->n_ranges++;
}

guint
bulletin_block_get_start (const BulletinBlock *block)
{
  g_return_val_if_fail (block != NULL && block->n_ranges > 0, 0);
  return block->ranges[0].start;
}

guint
bulletin_block_get_end (const BulletinBlock *block)
{
  g_return_val_if_fail (block != NULL && block->n_ranges > 0, 0);
  return block->ranges[block->n_ranges - 1].end;
}

/* Number of characters of the block's own text (debris excluded). */
guint
bulletin_block_get_length (const BulletinBlock *block)
{
  guint len = 0;

  g_return_val_if_fail (block != NULL, 0);

  for (guint i = 0; i < block->n_ranges; i++)
    len += block->ranges[i].end - block->ranges[i].start;
  return len;
}

const char *
bulletin_block_kind_to_string (BulletinBlockKind kind)
{
  static const char * const names[] = {
    "kicker", "headline", "subtitle", "byline", "dateline", "source",
    "heading", "paragraph", "quote", "list-item", "figure", "section-label",
  };
  G_STATIC_ASSERT (G_N_ELEMENTS (names) == BULLETIN_N_BLOCK_KINDS);

  g_return_val_if_fail (kind < BULLETIN_N_BLOCK_KINDS, NULL);
  return names[kind];
}

gboolean
bulletin_block_kind_is_headline_block (BulletinBlockKind kind)
{
  return kind == BULLETIN_BLOCK_KICKER ||
         kind == BULLETIN_BLOCK_HEADLINE ||
         kind == BULLETIN_BLOCK_SUBTITLE ||
         kind == BULLETIN_BLOCK_SECTION_LABEL;
}
