/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "bulletin-annotations-private.h"

/* What `seen` keeps of a group: a 64-bit hash of its text, not the
 * text (which would double the memory a large file takes).  Only groups
 * changed since are parsed again when another writer's file is merged. */
guint64
bulletin_annotations_text_hash (const char *text,
                                gsize       n)
{
  /* eight bytes at a time, each word mixed in by a multiply and a shift
   * (FNV-1a a byte at a time was a tenth of the load of a large file) */
  const guint64 prime = G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  guint64 h = G_GUINT64_CONSTANT (14695981039346656037) ^ (n * prime);
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    {
      guint64 w;

      memcpy (&w, text + i, 8);
      h = (h ^ w) * prime;
      h ^= h >> 29;
    }
  if (i < n)
    {
      guint64 w = 0;

      memcpy (&w, text + i, n - i);
      h = (h ^ w) * prime;
      h ^= h >> 29;
    }
  h *= G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  return h ^ (h >> 31);
}

/* room for @n groups without growing (a table at most 7/8 full) */
Seen *
bulletin_annotations_seen_new_for (gsize n)
{
  Seen *seen = g_new0 (Seen, 1);
  gsize cap = 256;

  while (n * 8 > cap * 7)
    cap *= 2;
  seen->mask = cap - 1;
  seen->slots = g_new0 (guint64, 2 * cap);
  return seen;
}

Seen *
bulletin_annotations_seen_new (void)
{
  return bulletin_annotations_seen_new_for (0);
}

void
bulletin_annotations_seen_free (Seen *seen)
{
  if (seen == NULL)
    return;
  g_free (seen->slots);
  g_free (seen);
}

void
bulletin_annotations_seen_clear (Seen *seen)
{
  memset (seen->slots, 0, 2 * (seen->mask + 1) * sizeof (guint64));
  seen->n = 0;
}

guint64
bulletin_annotations_group_key (const char *group)
{
  guint64 key = bulletin_annotations_text_hash (group, strlen (group));

  return key != 0 ? key : 1;
}

static gsize
seen_slot (Seen    *seen,
           guint64  key)
{
  gsize i = (gsize) ((key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> 17) & seen->mask;

  while (seen->slots[2 * i] != 0 && seen->slots[2 * i] != key)
    i = (i + 1) & seen->mask;
  return i;
}

void
bulletin_annotations_seen_set (Seen    *seen,
                               guint64  key,
                               guint64  value)
{
  gsize i;

  /* at most 7/8 full (linear probing with a mixed 64-bit key stays short
   * there): a save builds a second table beside the first, and 100,000
   * notes and bookmarks then cost 4 MiB a table rather than 8 */
  if ((seen->n + 1) * 8 > (seen->mask + 1) * 7)
    {
      guint64 *old = seen->slots;
      gsize old_cap = seen->mask + 1;

      seen->mask = 2 * old_cap - 1;
      seen->slots = g_new0 (guint64, 2 * (seen->mask + 1));
      for (gsize j = 0; j < old_cap; j++)
        if (old[2 * j] != 0)
          {
            i = seen_slot (seen, old[2 * j]);
            seen->slots[2 * i] = old[2 * j];
            seen->slots[2 * i + 1] = old[2 * j + 1];
          }
      g_free (old);
    }
  i = seen_slot (seen, key);
  if (seen->slots[2 * i] == 0)
    seen->n++;
  seen->slots[2 * i] = key;
  seen->slots[2 * i + 1] = value;
}

gboolean
bulletin_annotations_seen_get (Seen    *seen,
                               guint64  key,
                               guint64 *value)
{
  gsize i = seen_slot (seen, key);

  if (seen->slots[2 * i] == 0)
    return FALSE;
  *value = seen->slots[2 * i + 1];
  return TRUE;
}

void
bulletin_annotations_seen_put (Seen       *seen,
                               const char *group,
                               const char *text,
                               gsize       n)
{
  guint64 key = bulletin_annotations_group_key (group);

  bulletin_annotations_seen_set (seen, key, bulletin_annotations_text_hash (text, n));
}
