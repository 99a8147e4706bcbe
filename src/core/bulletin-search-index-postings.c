/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-search-index-private.h"

/*
 * The index's own postings (docs/search.md, "Postings"), in place of
 * FTS5: for every term, the articles that hold it with how many times.
 *
 * A list is varints: the first rowid zigzag-coded, then the gaps to the
 * next rowids (ascending); each shifted left by one, its low bit set when
 * the count is more than one, which then follows (less two).  Lists are
 * kept in segments, each a run of blocks of about BLOCK_SIZE bytes in
 * `postings (seg, term, data)`, keyed by the block's first term; a block
 * holds its terms in order, each as the bytes it shares with the term
 * before, the rest, and its list.  An update writes a segment per batch
 * (the batch's terms: (key, rowid) pairs radix-sorted, and a hash table
 * of the long ones), merges BLOCK_FANIN segments of a level into one of
 * the next, and ends with one segment.
 */

#define BLOCK_SIZE  4000
#define BLOCK_FANIN 8

/* varints */

static inline void
put_varint (GByteArray *out,
            guint64     v)
{
  guint8 buf[10];
  guint n = 0;

  while (v >= 0x80)
    {
      buf[n++] = (guint8)(v | 0x80);
      v >>= 7;
    }
  buf[n++] = (guint8)v;
  g_byte_array_append (out, buf, n);
}

static inline gboolean
get_varint (const guint8 **p,
            const guint8  *end,
            guint64       *v)
{
  guint64 x = 0;
  guint shift = 0;

  while (*p < end && shift < 64)
    {
      guint8 b = *(*p)++;

      x |= (guint64)(b & 0x7f) << shift;
      if (!(b & 0x80))
        {
          *v = x;
          return TRUE;
        }
      shift += 7;
    }
  return FALSE;
}

static inline guint64
zigzag (gint64 v)
{
  return ((guint64)v << 1) ^ (guint64)(v >> 63);
}

static inline gint64
unzigzag (guint64 v)
{
  return (gint64)(v >> 1) ^ -(gint64)(v & 1);
}

/* lists */

void
list_iter_init (ListIter     *it,
                const guint8 *data,
                gsize         len)
{
  it->p = data;
  it->end = data + len;
  it->first = TRUE;
  it->rowid = 0;
  it->count = 0;
  it->bad = FALSE;
}

/* The next entry of a list: FALSE at its end, or when it is damaged
 * (it->bad) */
gboolean
list_iter_next (ListIter *it)
{
  guint64 v, c = 0;

  if (it->p >= it->end)
    return FALSE;
  if (!get_varint (&it->p, it->end, &v) || ((v & 1) && !get_varint (&it->p, it->end, &c)) ||
      (!it->first && (v >> 1) == 0))
    {
      it->bad = TRUE;
      return FALSE;
    }
  it->rowid = it->first ? unzigzag (v >> 1) + ROWID_START : it->rowid + (gint64)(v >> 1);
  it->count = (v & 1) ? (guint32)MIN (c + 2, G_MAXUINT32) : 1;
  it->first = FALSE;
  return TRUE;
}

/* the terms of a batch */

/* A growable buffer: appending a varint is most of building a batch */
typedef struct {
  guint8  *data;
  guint32  len;
  guint32  cap;
} Buf;

static inline guint8 *
buf_reserve (Buf   *b,
             guint  n)
{
  if (b->len + n > b->cap)
    {
      b->cap = MAX (b->cap * 2, MAX (b->len + n, 16));
      b->data = g_realloc (b->data, b->cap);
    }
  return b->data + b->len;
}

static inline void
buf_varint (Buf     *b,
            guint64  v)
{
  guint8 *p = buf_reserve (b, 10), *start = p;

  while (v >= 0x80)
    {
      *p++ = (guint8)(v | 0x80);
      v >>= 7;
    }
  *p++ = (guint8)v;
  b->len += p - start;
}

typedef struct {
  guint64  key;        /* the term's bytes, big-endian, when 8 or fewer */
  guint32  term_at;    /* in the arena */
  guint32  term_len;
  gint64   last;       /* the rowid being counted */
  gint64   prev;       /* the last rowid in data */
  guint32  count;
  gboolean written;    /* an entry is in data */
  Buf      data;
} BuilderTerm;

/* a slot of the hash table: a short term is its key, a long one its hash
 * (and its length, more than 8) */
typedef struct {
  guint64  key;
  guint32  index;      /* + 1 into terms, 0 empty */
  guint32  len;
} Slot;

/* an occurrence of a term of 8 bytes or fewer (every CJK term) */
typedef struct {
  guint64  key;
  gint64   rowid;
} Pair;

struct _PostingsBuilder {
  GArray   *pairs;     /* of Pair: the short terms, sorted when written */
  GArray   *terms;     /* of BuilderTerm: the long ones, in a hash table */
  Slot     *slots;
  guint     mask;
  GString  *arena;
};

static inline guint64
term_key (const char *term,
          gsize       len)
{
  guint64 h = 0;

  if (len <= 8)
    {
      for (gsize i = 0; i < len; i++)
        h |= (guint64)(guchar)term[i] << (56 - 8 * i);
      return h;
    }
  h = G_GUINT64_CONSTANT (0xcbf29ce484222325);
  for (gsize i = 0; i < len; i++)
    h = (h ^ (guchar)term[i]) * G_GUINT64_CONSTANT (0x100000001b3);
  return h;
}

static inline guint
slot_of (guint64 key,
         guint   mask)
{
  return (guint)((key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> 32) & mask;
}

PostingsBuilder *
postings_builder_new (void)
{
  PostingsBuilder *b = g_new0 (PostingsBuilder, 1);

  b->pairs = g_array_new (FALSE, FALSE, sizeof (Pair));
  b->terms = g_array_new (FALSE, FALSE, sizeof (BuilderTerm));
  b->mask = (1 << 10) - 1;
  b->slots = g_new0 (Slot, b->mask + 1);
  b->arena = g_string_new (NULL);
  return b;
}

static void
postings_builder_reset (PostingsBuilder *b)
{
  for (guint i = 0; i < b->terms->len; i++)
    g_free (g_array_index (b->terms, BuilderTerm, i).data.data);
  g_array_set_size (b->terms, 0);
  g_array_set_size (b->pairs, 0);
  memset (b->slots, 0, (b->mask + 1) * sizeof (Slot));
  g_string_truncate (b->arena, 0);
}

void
postings_builder_free (PostingsBuilder *b)
{
  if (b == NULL)
    return;
  postings_builder_reset (b);
  g_array_unref (b->pairs);
  g_array_unref (b->terms);
  g_free (b->slots);
  g_string_free (b->arena, TRUE);
  g_free (b);
}

static void
builder_grow (PostingsBuilder *b)
{
  guint mask = b->mask * 2 + 1;
  Slot *slots = g_new0 (Slot, mask + 1);

  for (guint i = 0; i <= b->mask; i++)
    if (b->slots[i].index != 0)
      {
        guint s = slot_of (b->slots[i].key, mask);

        while (slots[s].index != 0)
          s = (s + 1) & mask;
        slots[s] = b->slots[i];
      }
  g_free (b->slots);
  b->slots = slots;
  b->mask = mask;
}

static inline void
list_put_buf (Buf      *out,
              gboolean  first,
              gint64    prev,
              gint64    rowid,
              guint32   count)
{
  guint64 v = first ? zigzag (rowid - ROWID_START) : (guint64)(rowid - prev);

  buf_varint (out, v << 1 | (count > 1));
  if (count > 1)
    buf_varint (out, count - 2);
}

static inline void
builder_term_flush (BuilderTerm *t)
{
  if (t->count == 0)
    return;
  list_put_buf (&t->data, !t->written, t->prev, t->last, t->count);
  t->written = TRUE;
  t->prev = t->last;
  t->count = 0;
}

/* One occurrence of @term in the article @rowid; an article's rowids come
 * in ascending order, each article's occurrences together */
void
postings_builder_add (PostingsBuilder *b,
                      const char      *term,
                      gsize            len,
                      gint64           rowid)
{
  guint64 key = term_key (term, len);
  guint s;
  BuilderTerm *t;

  /* appended, sorted at the end of the batch: a hash table's look-ups
   * at random in some megabytes were most of the build's time */
  if (len <= 8)
    {
      Pair pair = { key, rowid };

      g_array_append_val (b->pairs, pair);
      return;
    }
  s = slot_of (key, b->mask);
  for (;;)
    {
      Slot *slot = &b->slots[s];

      if (slot->index == 0)
        break;
      if (slot->key == key && slot->len == len)
        {
          t = &g_array_index (b->terms, BuilderTerm, slot->index - 1);
          if (memcmp (b->arena->str + t->term_at, term, len) == 0)
            {
              if (t->count > 0 && t->last == rowid)
                t->count++;
              else
                {
                  builder_term_flush (t);
                  t->last = rowid;
                  t->count = 1;
                }
              return;
            }
        }
      s = (s + 1) & b->mask;
    }

  {
    BuilderTerm nt = { key, b->arena->len, len, rowid, 0, 1, FALSE, { NULL, 0, 0 } };

    g_string_append_len (b->arena, term, len);
    g_array_append_val (b->terms, nt);
    b->slots[s].key = key;
    b->slots[s].index = b->terms->len;
    b->slots[s].len = len;
    if (b->terms->len * 2 > b->mask)
      builder_grow (b);
  }
}

gboolean
postings_builder_is_empty (PostingsBuilder *b)
{
  return b->terms->len == 0 && b->pairs->len == 0;
}

static int
compare_terms (const char *a,
               gsize       a_len,
               const char *b,
               gsize       b_len)
{
  /* an empty term's bytes may be NULL, which memcmp () must not get */
  int c = MIN (a_len, b_len) > 0 ? memcmp (a, b, MIN (a_len, b_len)) : 0;

  if (c != 0)
    return c;
  return a_len < b_len ? -1 : a_len > b_len;
}

static int
compare_builder_terms (gconstpointer a,
                       gconstpointer b,
                       gpointer      user_data)
{
  const char *arena = user_data;
  const BuilderTerm *ta = *(BuilderTerm * const *)a, *tb = *(BuilderTerm * const *)b;

  /* the keys of terms of 8 bytes or fewer compare as the terms (no term
   * holds a zero byte) */
  if (ta->term_len <= 8 && tb->term_len <= 8)
    return ta->key < tb->key ? -1 : ta->key > tb->key;
  return compare_terms (arena + ta->term_at, ta->term_len, arena + tb->term_at, tb->term_len);
}

/* segments: written block by block */

typedef struct {
  sqlite3      *db;
  sqlite3_stmt *insert;
  gint64        seg;
  GByteArray   *block;
  GByteArray   *first;   /* the block's first term */
  GByteArray   *prev;    /* the term before */
  guint64       n_terms;
} SegWriter;

static int
seg_writer_init (SegWriter *w,
                 sqlite3   *db,
                 gint64     seg)
{
  memset (w, 0, sizeof *w);
  w->db = db;
  w->seg = seg;
  w->block = g_byte_array_new ();
  w->first = g_byte_array_new ();
  w->prev = g_byte_array_new ();
  return sqlite3_prepare_v2 (db, "INSERT INTO postings (seg, term, data) VALUES (?,?,?)", -1, &w->insert, NULL);
}

static int
seg_writer_flush (SegWriter *w)
{
  int rc;

  if (w->block->len == 0)
    return SQLITE_OK;
  sqlite3_bind_int64 (w->insert, 1, w->seg);
  sqlite3_bind_blob (w->insert, 2, w->first->data, w->first->len, SQLITE_STATIC);
  sqlite3_bind_blob (w->insert, 3, w->block->data, w->block->len, SQLITE_STATIC);
  rc = step_reset (w->insert);
  g_byte_array_set_size (w->block, 0);
  return rc;
}

/* Appends @term (after every term before it) and its list */
static int
seg_writer_add (SegWriter    *w,
                const char   *term,
                gsize         len,
                const guint8 *list,
                gsize         list_len)
{
  gsize shared = 0;
  int rc;

  /* a block that this term would take past BLOCK_SIZE is written first:
   * sixteen blocks then fill a 64 KiB page (with 16 KiB pages, blocks
   * of 4,000 bytes and a bit more took three, a quarter of the
   * postings' pages unused) */
  if (w->block->len > 0 && w->block->len + len + list_len + 8 > BLOCK_SIZE &&
      (rc = seg_writer_flush (w)) != SQLITE_OK)
    return rc;
  if (w->block->len == 0)
    {
      g_byte_array_set_size (w->first, 0);
      g_byte_array_append (w->first, (const guint8 *)term, len);
    }
  else
    while (shared < len && shared < w->prev->len && w->prev->data[shared] == (guchar)term[shared])
      shared++;
  put_varint (w->block, shared);
  put_varint (w->block, len - shared);
  g_byte_array_append (w->block, (const guint8 *)term + shared, len - shared);
  put_varint (w->block, list_len);
  g_byte_array_append (w->block, list, list_len);
  g_byte_array_set_size (w->prev, 0);
  g_byte_array_append (w->prev, (const guint8 *)term, len);
  w->n_terms++;
  return SQLITE_OK;
}

static int
seg_writer_finish (SegWriter *w,
                   int        rc)
{
  if (rc == SQLITE_OK)
    rc = seg_writer_flush (w);
  sqlite3_finalize (w->insert);
  g_byte_array_unref (w->block);
  g_byte_array_unref (w->first);
  g_byte_array_unref (w->prev);
  return rc;
}

/* segments: read term by term, from a term on */

void
seg_reader_init (SegReader  *r,
                 sqlite3    *db,
                 gint64      seg,
                 const char *from,
                 gsize       from_len)
{
  memset (r, 0, sizeof *r);
  r->db = db;
  r->seg = seg;
  r->term = g_byte_array_new ();
  r->from = g_byte_array_new ();
  if (from != NULL)
    g_byte_array_append (r->from, (const guint8 *)from, from_len);
  r->rc = SQLITE_OK;
}

void
seg_reader_clear (SegReader *r)
{
  sqlite3_finalize (r->stmt);
  g_clear_pointer (&r->term, g_byte_array_unref);
  g_clear_pointer (&r->from, g_byte_array_unref);
}

/* Starts at the block that holds r->from (the last one whose first term is
 * not after it) */
static gboolean
seg_reader_start (SegReader *r)
{
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GByteArray) start = g_byte_array_new ();

  r->started = TRUE;
  if (r->from->len > 0)
    {
      r->rc = sqlite3_prepare_v2 (r->db, "SELECT term FROM postings WHERE seg = ?1 AND term <= ?2"
                                         " ORDER BY term DESC LIMIT 1", -1, &stmt, NULL);
      if (r->rc != SQLITE_OK)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, r->seg);
      sqlite3_bind_blob (stmt, 2, r->from->data, r->from->len, SQLITE_STATIC);
      r->rc = sqlite3_step (stmt);
      if (r->rc == SQLITE_ROW)
        g_byte_array_append (start, sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
      else
        g_byte_array_append (start, r->from->data, r->from->len);
      sqlite3_finalize (stmt);
      if (r->rc != SQLITE_ROW && r->rc != SQLITE_DONE)
        return FALSE;
    }
  /* (an empty blob would be bound as NULL) */
  r->rc = sqlite3_prepare_v2 (r->db, start->len > 0 ? "SELECT data FROM postings WHERE seg = ?1 AND term >= ?2 ORDER BY term"
                                                    : "SELECT data FROM postings WHERE seg = ?1 ORDER BY term",
                              -1, &r->stmt, NULL);
  if (r->rc != SQLITE_OK)
    return FALSE;
  sqlite3_bind_int64 (r->stmt, 1, r->seg);
  if (start->len > 0)
    sqlite3_bind_blob (r->stmt, 2, start->data, start->len, SQLITE_TRANSIENT);
  r->rc = SQLITE_OK;
  return TRUE;
}

/* The next term of the segment, not before r->from: in r->term, its list
 * at r->list (r->list_len bytes, valid until the next call).  FALSE at
 * the end, or on an error (r->rc, SQLITE_CORRUPT for a damaged block). */
gboolean
seg_reader_next (SegReader *r)
{
  for (;;)
    {
      guint64 shared, rest, list_len;

      if (!r->started && !seg_reader_start (r))
        return FALSE;
      if (r->stmt == NULL)
        return FALSE;
      if (r->p >= r->end)
        {
          int step = sqlite3_step (r->stmt);

          if (step != SQLITE_ROW)
            {
              r->rc = step == SQLITE_DONE ? SQLITE_OK : step;
              sqlite3_finalize (r->stmt);
              r->stmt = NULL;
              return FALSE;
            }
          r->p = sqlite3_column_blob (r->stmt, 0);
          r->end = r->p + sqlite3_column_bytes (r->stmt, 0);
          g_byte_array_set_size (r->term, 0);
          if (r->p >= r->end)
            goto corrupt;
        }
      if (!get_varint (&r->p, r->end, &shared) || !get_varint (&r->p, r->end, &rest) ||
          shared > r->term->len || rest > (guint64)(r->end - r->p))
        goto corrupt;
      g_byte_array_set_size (r->term, shared);
      g_byte_array_append (r->term, r->p, rest);
      r->p += rest;
      if (!get_varint (&r->p, r->end, &list_len) || list_len > (guint64)(r->end - r->p))
        goto corrupt;
      r->list = r->p;
      r->list_len = list_len;
      r->p += list_len;
      if (compare_terms ((const char *)r->term->data, r->term->len, (const char *)r->from->data, r->from->len) >= 0)
        return TRUE;
    }

corrupt:
  r->rc = SQLITE_CORRUPT;
  sqlite3_finalize (r->stmt);
  r->stmt = NULL;
  return FALSE;
}

/* the segments of the index */

static int
segs_list (sqlite3 *db,
           int      level,
           GArray  *out)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_array_set_size (out, 0);
  rc = sqlite3_prepare_v2 (db, level < 0 ? "SELECT seg FROM segs ORDER BY seg"
                                         : "SELECT seg FROM segs WHERE level = ?1 ORDER BY seg", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return rc;
  if (level >= 0)
    sqlite3_bind_int (stmt, 1, level);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 seg = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (out, seg);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Every segment, in order: what a query reads */
int
postings_segments (sqlite3 *db,
                   GArray  *out)
{
  return segs_list (db, -1, out);
}

static gint64
segs_next_id (sqlite3 *db)
{
  gint64 seg = 0;

  index_query_int64 (db, "SELECT max(seg) FROM segs", &seg);
  return seg + 1;
}

static int
segs_add (sqlite3 *db,
          gint64   seg,
          int      level)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "INSERT INTO segs (seg, level) VALUES (?, ?)", -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, seg);
      sqlite3_bind_int (stmt, 2, level);
      rc = step_reset (stmt);
    }
  sqlite3_finalize (stmt);
  return rc;
}

static int
segs_remove (sqlite3 *db,
             gint64   seg)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "DELETE FROM postings WHERE seg = ?1", -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, seg);
      rc = step_reset (stmt);
    }
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "DELETE FROM segs WHERE seg = ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, seg);
      rc = step_reset (stmt);
    }
  sqlite3_finalize (stmt);
  return rc;
}

/* merging */

typedef struct {
  gint64  rowid;
  guint32 count;
} Entry;

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *ea = a, *eb = b;

  return ea->rowid < eb->rowid ? -1 : ea->rowid > eb->rowid;
}

/* Merges the segments @segs into a new one of @level; the entries of an
 * article not in @live (when given: rowids from @live_base) are left
 * out */
static int
merge_segments (sqlite3      *db,
                const GArray *segs,
                int           level,
                const guint8 *live,
                gint64        live_base,
                gint64        live_n)
{
  guint k = segs->len;
  g_autofree SegReader *readers = g_new0 (SegReader, k);
  g_autofree gboolean *more = g_new0 (gboolean, k);
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  Buf list = { NULL, 0, 0 };
  g_autoptr(GByteArray) term = g_byte_array_new ();
  gint64 seg = segs_next_id (db);
  SegWriter w;
  int rc;

  rc = seg_writer_init (&w, db, seg);
  for (guint i = 0; i < k; i++)
    {
      seg_reader_init (&readers[i], db, g_array_index (segs, gint64, i), NULL, 0);
      more[i] = rc == SQLITE_OK && seg_reader_next (&readers[i]);
      if (readers[i].rc != SQLITE_OK)
        rc = readers[i].rc;
    }

  while (rc == SQLITE_OK)
    {
      int least = -1;
      gboolean sorted = TRUE;
      gint64 prev = 0;
      gboolean first = TRUE;

      for (guint i = 0; i < k; i++)
        if (more[i] && (least < 0 ||
                        compare_terms ((const char *)readers[i].term->data, readers[i].term->len,
                                       (const char *)readers[least].term->data, readers[least].term->len) < 0))
          least = i;
      if (least < 0)
        break;
      g_byte_array_set_size (term, 0);
      g_byte_array_append (term, readers[least].term->data, readers[least].term->len);
      g_array_set_size (entries, 0);
      if (live == NULL)
        {
          guint holding = 0;

          for (guint i = 0; i < k; i++)
            holding += more[i] && compare_terms ((const char *)readers[i].term->data, readers[i].term->len,
                                                 (const char *)term->data, term->len) == 0;
          if (holding == 1)
            {
              /* in one segment alone: its list as it is */
              rc = seg_writer_add (&w, (const char *)term->data, term->len, readers[least].list,
                                   readers[least].list_len);
              more[least] = rc == SQLITE_OK && seg_reader_next (&readers[least]);
              if (rc == SQLITE_OK && readers[least].rc != SQLITE_OK)
                rc = readers[least].rc;
              continue;
            }
        }
      for (guint i = 0; i < k && rc == SQLITE_OK; i++)
        {
          ListIter it;

          if (!more[i] || compare_terms ((const char *)readers[i].term->data, readers[i].term->len,
                                         (const char *)term->data, term->len) != 0)
            continue;
          list_iter_init (&it, readers[i].list, readers[i].list_len);
          while (list_iter_next (&it))
            {
              Entry e = { it.rowid, it.count };

              if (live != NULL && (e.rowid < live_base || e.rowid - live_base >= live_n ||
                                   !(live[(e.rowid - live_base) >> 3] & (1 << ((e.rowid - live_base) & 7)))))
                continue;
              if (entries->len > 0 && g_array_index (entries, Entry, entries->len - 1).rowid >= e.rowid)
                sorted = FALSE;
              g_array_append_val (entries, e);
            }
          if (it.bad)
            rc = SQLITE_CORRUPT;
          more[i] = seg_reader_next (&readers[i]);
          if (readers[i].rc != SQLITE_OK)
            rc = readers[i].rc;
        }
      if (rc != SQLITE_OK || entries->len == 0)
        continue;
      if (!sorted)
        g_array_sort (entries, compare_entries);
      list.len = 0;
      for (guint j = 0; j < entries->len; j++)
        {
          Entry *e = &g_array_index (entries, Entry, j);

          if (!first && e->rowid == prev)
            continue;  /* never written twice; kept once */
          list_put_buf (&list, first, prev, e->rowid, e->count);
          prev = e->rowid;
          first = FALSE;
        }
      rc = seg_writer_add (&w, (const char *)term->data, term->len, list.data, list.len);
    }

  for (guint i = 0; i < k; i++)
    seg_reader_clear (&readers[i]);
  g_free (list.data);
  rc = seg_writer_finish (&w, rc);
  for (guint i = 0; i < k && rc == SQLITE_OK; i++)
    rc = segs_remove (db, g_array_index (segs, gint64, i));
  if (rc == SQLITE_OK)
    rc = segs_add (db, seg, level);
  return rc;
}

/* Sorts @n pairs by key, keeping the order of equal keys (their rowids
 * ascend): least significant byte first, skipping the bytes that are
 * the same in every key */
static void
radix_sort (Pair  *a,
            gsize  n)
{
  g_autofree Pair *tmp = g_new (Pair, n);
  g_autofree gsize *counts = g_new0 (gsize, 8 * 256);
  Pair *src = a, *dst = tmp;

  for (gsize i = 0; i < n; i++)
    for (guint byte = 0; byte < 8; byte++)
      counts[byte * 256 + ((a[i].key >> (8 * byte)) & 0xff)]++;
  for (guint byte = 0; byte < 8; byte++)
    {
      gsize *c = counts + byte * 256, sum = 0;
      gboolean same = FALSE;

      for (guint v = 0; v < 256; v++)
        same = same || c[v] == n;
      if (same)
        continue;
      for (guint v = 0; v < 256; v++)
        {
          gsize k = c[v];

          c[v] = sum;
          sum += k;
        }
      for (gsize i = 0; i < n; i++)
        dst[c[(src[i].key >> (8 * byte)) & 0xff]++] = src[i];
      {
        Pair *t = src;

        src = dst;
        dst = t;
      }
    }
  if (src != a)
    memcpy (a, src, n * sizeof (Pair));
}

/* The bytes of a short term's key */
static gsize
key_term (guint64  key,
          char    *out)
{
  gsize len = 0;

  while (len < 8 && ((key >> (56 - 8 * len)) & 0xff) != 0)
    {
      out[len] = (char)((key >> (56 - 8 * len)) & 0xff);
      len++;
    }
  return len;
}

/* Writes the batch's terms as a new segment (in the caller's transaction),
 * then merges BLOCK_FANIN segments of a level into one of the next, as
 * long as a level has that many; empties @b */
int
postings_builder_write (PostingsBuilder *b,
                        sqlite3         *db)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_sized_new (b->terms->len);
  g_autoptr(GArray) segs = g_array_new (FALSE, FALSE, sizeof (gint64));
  Pair *pairs = (Pair *)b->pairs->data;
  gsize n_pairs = b->pairs->len, next = 0;
  guint next_long = 0;
  Buf list = { NULL, 0, 0 };
  SegWriter w;
  int rc;

  if (postings_builder_is_empty (b))
    return SQLITE_OK;
  for (guint i = 0; i < b->terms->len; i++)
    {
      BuilderTerm *t = &g_array_index (b->terms, BuilderTerm, i);

      builder_term_flush (t);
      g_ptr_array_add (sorted, t);
    }
  g_ptr_array_sort_with_data (sorted, compare_builder_terms, b->arena->str);
  radix_sort (pairs, n_pairs);

  /* the short terms and the long ones, in order */
  rc = seg_writer_init (&w, db, segs_next_id (db));
  while (rc == SQLITE_OK && (next < n_pairs || next_long < sorted->len))
    {
      BuilderTerm *t = next_long < sorted->len ? g_ptr_array_index (sorted, next_long) : NULL;
      char term[8];
      gsize len = next < n_pairs ? key_term (pairs[next].key, term) : 0;

      if (next < n_pairs &&
          (t == NULL || compare_terms (term, len, b->arena->str + t->term_at, t->term_len) < 0))
        {
          guint64 key = pairs[next].key;
          gboolean first = TRUE;
          gint64 prev = 0;

          list.len = 0;
          while (next < n_pairs && pairs[next].key == key)
            {
              gint64 rowid = pairs[next].rowid;
              guint32 count = 0;

              while (next < n_pairs && pairs[next].key == key && pairs[next].rowid == rowid)
                {
                  count++;
                  next++;
                }
              list_put_buf (&list, first, prev, rowid, count);
              first = FALSE;
              prev = rowid;
            }
          rc = seg_writer_add (&w, term, len, list.data, list.len);
        }
      else
        {
          rc = seg_writer_add (&w, b->arena->str + t->term_at, t->term_len, t->data.data, t->data.len);
          next_long++;
        }
    }
  g_free (list.data);
  rc = seg_writer_finish (&w, rc);
  if (rc == SQLITE_OK)
    rc = segs_add (db, w.seg, 0);
  postings_builder_reset (b);

  for (int level = 0; rc == SQLITE_OK; level++)
    {
      rc = segs_list (db, level, segs);
      if (rc != SQLITE_OK || segs->len < BLOCK_FANIN)
        break;
      rc = merge_segments (db, segs, level + 1, NULL, 0, 0);
    }
  return rc;
}

/* The rowids of the articles in docs, as a bitmap from *@base */
static guint8 *
live_rowids (sqlite3 *db,
             gint64  *base,
             gint64  *n,
             int     *rc)
{
  sqlite3_stmt *stmt = NULL;
  gint64 lo = 0, hi = -1;
  guint8 *live;

  *base = 0;
  *n = 0;
  if (!index_query_int64 (db, "SELECT min(id) FROM docs", &lo) ||
      !index_query_int64 (db, "SELECT max(id) FROM docs", &hi))
    {
      *rc = SQLITE_OK;
      return g_new0 (guint8, 1);
    }
  *base = lo;
  *n = hi - lo + 1;
  live = g_new0 (guint8, *n / 8 + 1);
  *rc = sqlite3_prepare_v2 (db, "SELECT id FROM docs", -1, &stmt, NULL);
  while (*rc == SQLITE_OK && (*rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 i = sqlite3_column_int64 (stmt, 0) - lo;

      live[i >> 3] |= 1 << (i & 7);
      *rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (*rc == SQLITE_DONE)
    *rc = SQLITE_OK;
  return live;
}

/* At the end of an update: every segment merged into one, leaving out
 * the articles removed since the last time (meta's dead) */
int
postings_optimize (sqlite3 *db)
{
  g_autoptr(GArray) segs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree guint8 *live = NULL;
  gint64 dead = 0, base = 0, n = 0;
  int level = 0;
  int rc;

  index_query_int64 (db, "SELECT value FROM meta WHERE key = 'dead'", &dead);
  rc = segs_list (db, -1, segs);
  if (rc != SQLITE_OK || (segs->len <= 1 && dead == 0) || segs->len == 0)
    return rc;
  if (dead > 0)
    {
      live = live_rowids (db, &base, &n, &rc);
      if (rc != SQLITE_OK)
        return rc;
    }
  {
    gint64 top = 0;

    index_query_int64 (db, "SELECT max(level) FROM segs", &top);
    level = (int)top + 1;
  }
  rc = merge_segments (db, segs, level, live, base, n);
  if (rc == SQLITE_OK)
    rc = index_exec (db, "INSERT OR REPLACE INTO meta VALUES ('dead', 0)");
  return rc;
}

/* candidates */

void
candidate_set_clear (CandidateSet *set)
{
  g_clear_pointer (&set->counts, g_free);
  set->n = 0;
  set->n_candidates = 0;
}

/* Adds the entries of @term (every term it starts, when @prefix) in
 * segment @seg to @counts (from @base, @n of them) */
static int
read_term (sqlite3    *db,
           gint64      seg,
           const char *term,
           gsize       len,
           gboolean    prefix,
           gint64      base,
           gint64      n,
           guint32    *counts)
{
  SegReader r;
  int rc = SQLITE_OK;

  seg_reader_init (&r, db, seg, term, len);
  while (seg_reader_next (&r))
    {
      ListIter it;
      gboolean starts = r.term->len >= len && memcmp (r.term->data, term, len) == 0;

      /* the terms come in order from @term on: past it, or past every
       * term it starts */
      if (!starts || (!prefix && r.term->len != len))
        break;
      list_iter_init (&it, r.list, r.list_len);
      while (list_iter_next (&it))
        if (it.rowid >= base && it.rowid - base < n)
          counts[it.rowid - base] += it.count;
      if (it.bad)
        {
          rc = SQLITE_CORRUPT;
          break;
        }
      if (!prefix)
        break;
    }
  if (rc == SQLITE_OK)
    rc = r.rc;
  seg_reader_clear (&r);
  return rc;
}

/* The articles (rowids from @base, @n of them) that hold every one of
 * @terms; with the hits of the first one (the sum of its entries' counts)
 * in set->counts */
int
candidate_set_read (CandidateSet    *set,
                    sqlite3         *db,
                    const IndexTerm *terms,
                    guint            n_terms,
                    gint64           base,
                    gint64           n)
{
  g_autoptr(GArray) segs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree guint32 *other = NULL;
  int rc;

  candidate_set_clear (set);
  set->base = base;
  set->n = n > 0 ? n : 0;
  set->counts = g_new0 (guint32, set->n + 1);
  rc = postings_segments (db, segs);
  for (guint t = 0; t < n_terms && rc == SQLITE_OK; t++)
    {
      guint32 *into = t == 0 ? set->counts : other;

      if (t == 1)
        other = g_new0 (guint32, set->n + 1);
      else if (t > 1)
        memset (other, 0, (set->n + 1) * sizeof (guint32));
      into = t == 0 ? set->counts : other;
      for (guint s = 0; s < segs->len && rc == SQLITE_OK; s++)
        rc = read_term (db, g_array_index (segs, gint64, s), terms[t].term, terms[t].len, terms[t].prefix,
                        base, set->n, into);
      if (t > 0)
        for (gint64 i = 0; i < set->n; i++)
          if (other[i] == 0)
            set->counts[i] = 0;
    }
  for (gint64 i = 0; i < set->n; i++)
    set->n_candidates += set->counts[i] != 0;
  return rc;
}
