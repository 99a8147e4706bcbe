/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * What the modules of the archive index share (docs/search.md).  One job
 * each:
 *
 *   bulletin-search-index.c            the object: paths, state, the public getters
 *   bulletin-search-index-tokenizer.c  the terms of a text, and the terms of a query
 *   bulletin-search-index-postings.c   the postings of the terms: written, merged, read
 *   bulletin-search-index-chars.c      the stored texts recoded by character rank
 *   bulletin-search-index-zstd.c       compressing the stored texts (zstd, a dictionary)
 *   bulletin-search-index-doc.c        an article as stored: search text, segments, signature
 *   bulletin-search-index-files.c      the archive's issue files, listed and loaded
 *   bulletin-search-index-scan.c       results, and the search without an index
 *   bulletin-search-index-db.c         the database: schema, opening (read-only,
 *                                      immutable), errors, row checksums
 *   bulletin-search-index-lock.c       the writer lock file and how the last writer left
 *   bulletin-search-index-shared.c     the shared index beside the archive (--index)
 *   bulletin-search-index-update.c     bringing the index up to date
 *   bulletin-search-index-verify.c     checking a whole index for damage
 *   bulletin-search-index-query.c      answering a query from the index
 */

#include <sqlite3.h>
#include <sys/types.h>
#include <zstd.h>

#include "bulletin-issue.h"
#include "bulletin-search.h"
#include "bulletin-search-index.h"
#include "bulletin-unicode.h"

G_BEGIN_DECLS

#define SCHEMA_VERSION "15"  /* 10: postings of our own in place of FTS5, with counts;
                              * 11: texts recoded by character rank, 64 KiB pages;
                              * 12: lists coded in bits, blocks that fill pages;
                              * 13: signatures of the triples of common terms only;
                              * 14: exact trigram terms;
                              * 15: exact 4-gram terms */
/* The first rowid of a new index, with room below for a million articles
 * of newer issues added later (beyond that they go negative: still in
 * order).  A rowid is never given twice (meta's rowid_low and
 * rowid_high): the postings of a removed article may stay until the next
 * merge. */
#define ROWID_START    (G_GINT64_CONSTANT (1) << 20)
/* 64 KiB: a docs row (its compressed text, signature, segments) is
 * a few kilobytes, and 16 KiB pages left a part of a row unused in each
 * (4.6 MB of 55 at 1/10 of bench-scale) */
#define PAGE_SIZE      "65536"
#define BATCH_ISSUES   32
#define BULLETIN_SHARED_DIR ".bulletin-reader"   /* in the archive: --index's index */

struct _BulletinSearchIndex
{
  GObject    parent_instance;

  GFile     *root;
  char      *db_path;

  GMutex     query_lock;
  gboolean   index_only;  /* no scan when the index cannot answer */
  sqlite3   *query_db;
  dev_t      query_dev;        /* the file query_db opened: reopened when */
  ino_t      query_ino;        /* another process made a new one */
  gint64     ordered_version;  /* data_version when ordered was computed, -1 never */
  gboolean   ordered;
  gpointer   query_cache;      /* query_db's dictionary, digested: query.c's */

  gint       building;         /* atomic */
  gint       done;             /* atomic, issues indexed in this update */
  gint       total;            /* atomic, issues to index in this update */

  /* the shared index beside the archive (docs/search.md, "One index for
   * the whole office") */
  gboolean   shared_writer;    /* this is it, written by --index */
  gboolean   is_shared;        /* this is it, read by a client: immutable */
  GMutex     shared_lock;
  BulletinSearchIndex *shared; /* a client's: the current shared index, or NULL */
};

/* tokenizer */

/* The bigrams whose terms are exact (the bigram itself, not its bucket):
 * those common in the first batch indexed, kept in meta as pairs of
 * 32-bit code points (little-endian) */
typedef struct {
  guint64 *slots;
  guint    mask;
  guint    n;
  guint64 *filter;        /* a bit per key's hash: most misses at once */
  guint    filter_shift;  /* 64 less the filter's bits (2^k of them) */
} BigramSet;

void      bigram_set_init   (BigramSet    *set,
                             const guint8 *data,
                             gsize         len);
void      bigram_set_clear  (BigramSet    *set);

static inline guint64
bigram_key (gunichar a,
            gunichar b)
{
  return ((guint64)a << 32 | b) + 1;  /* never 0, the empty slot */
}

static inline guint
bigram_slot (guint64 key,
             guint   mask)
{
  return (guint)((key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> 40) & mask;
}

/* The bit of @key in a set's filter */
static inline guint64
bigram_filter_bit (guint64 key,
                   guint   shift)
{
  return (key * G_GUINT64_CONSTANT (0xC2B2AE3D27D4EB4F)) >> shift;
}

/* Whether the bigram @a @b is in @set: inline, as it is asked at every
 * CJK position of every text indexed.  A key whose bit is not set in the
 * filter (a few kilobytes, 4 bits or more per key) is a miss without a
 * look at the slots (hundreds of kilobytes). */
static inline gboolean
bigram_set_has (const BigramSet *set,
                gunichar         a,
                gunichar         b)
{
  guint64 key, bit;
  guint s;

  if (set == NULL || set->n == 0)
    return FALSE;
  key = bigram_key (a, b);
  bit = bigram_filter_bit (key, set->filter_shift);
  if (!(set->filter[bit / 64] & (G_GUINT64_CONSTANT (1) << (bit % 64))))
    return FALSE;
  for (s = bigram_slot (key, set->mask); set->slots[s] != 0; s = (s + 1) & set->mask)
    if (set->slots[s] == key)
      return TRUE;
  return FALSE;
}

/* bulletin_unichar_is_cjk (), its common answers inline */
static inline gboolean
index_is_cjk (gunichar c)
{
  if (c < 0x2E80)
    return FALSE;
  if (bulletin_unichar_is_unified_ideograph_bmp (c))
    return TRUE;
  return bulletin_unichar_is_cjk (c);
}

/* The bucket terms common in the first batch (as the exact bigrams are),
 * kept in meta ('sig_buckets') as pairs of 32-bit first character and
 * SIG_BUCKET + bucket (beyond Unicode): the signatures hold the triples
 * whose two bigram terms are common (bulletin-search-index-doc.c) */
#define SIG_BUCKET 0x110000u
gunichar  bigram_bucket_key  (gunichar         b);
gboolean  bigram_term_common (const BigramSet *exact,
                              const BigramSet *buckets,
                              gunichar         a,
                              gunichar         b);

/* The n-grams (n = 3 or 4) of Han characters with terms of their own
 * (those in 1 % of the first batch's articles, as the exact bigrams), kept
 * in meta ('trigrams', 'quadgrams') as n 32-bit code points each
 * (little-endian), sorted; an n-gram's id is its place there.  Its term is
 * the set's mark (TRIGRAM_MARK or QUADGRAM_MARK: bytes that start no UTF-8
 * character, so no other term and no prefix scan of a character or word)
 * then the id in two bytes, never 0.  A 4-gram is of BMP characters (its
 * key packs four 16-bit ones). */
#define TRIGRAM_MARK  0xFF
#define QUADGRAM_MARK 0xFE
#define TRIGRAM_MAX   (255 * 255)
typedef struct {
  guint64 *keys;
  guint32 *ids;
  guint    mask;
  guint    n;
  guint    size;   /* 3 or 4 characters */
  guint8   mark;
  gboolean by_bigrams;  /* each one's bigrams are exact (ngram_set_check_bigrams ()) */
} NgramSet;

guint64   ngram_key         (guint            size,
                             const gunichar  *chars);
void      ngram_set_init    (NgramSet        *set,
                             guint            size,
                             const guint8    *data,
                             gsize            len);
void      ngram_set_clear   (NgramSet        *set);
void      ngram_set_check_bigrams (NgramSet        *set,
                                   const BigramSet *exact);
int       ngram_set_id      (const NgramSet  *set,
                             const gunichar  *chars);
int       ngram_term        (const NgramSet  *set,
                             guint            id,
                             char            *out);
void      trigram_set_init  (NgramSet        *set,
                             const guint8    *data,
                             gsize            len);
void      quadgram_set_init (NgramSet        *set,
                             const guint8    *data,
                             gsize            len);
#define   trigram_set_clear ngram_set_clear
int       trigram_set_id    (const NgramSet  *set,
                             gunichar         a,
                             gunichar         b,
                             gunichar         c);
int       trigram_term      (guint            id,
                             char            *out);

/* The sets of terms an index keeps in meta, as its writer, its queries
 * and its check use them */
typedef struct {
  BigramSet bigrams;      /* the exact bigrams */
  BigramSet sig_buckets;  /* the common bucket terms */
  NgramSet  trigrams;     /* the exact trigrams */
  NgramSet  quadgrams;    /* the exact 4-grams */
} TermSets;

gboolean  term_sets_load    (TermSets        *sets,
                             sqlite3         *db);
void      term_sets_clear   (TermSets        *sets);

typedef int (*IndexTokenFunc) (void *ctx, const char *token, int n_token);

/* What a folded text's tokenizer and signature ask of each position i
 * (bigram_flags ()): whether chars[i] is CJK, and whether chars[i],
 * chars[i + 1] is a bigram of two CJK characters, exact, common
 * (bigram_term_common ()) */
#define POS_CJK          1u
#define POS_PAIR         2u
#define POS_PAIR_EXACT   4u
#define POS_PAIR_COMMON  8u
void      bigram_flags      (const gunichar  *chars,
                             guint            n,
                             const BigramSet *exact,
                             const BigramSet *buckets,
                             guint8          *flags);
/* index_tokenize () of folded characters, their bigram_flags () given */
int       index_tokenize_chars (const gunichar  *chars,
                                guint            n,
                                const guint8    *flags,
                                const NgramSet  *trigrams,
                                const NgramSet  *quadgrams,
                                void            *ctx,
                                IndexTokenFunc   token);

/* The terms of a folded text, one per CJK position (the bigram that
 * starts there: exact, or its second character's bucket; the character
 * alone at the end of a run) and one per word */
int       index_tokenize    (const char      *text,
                             int              n_text,
                             const BigramSet *exact,
                             const NgramSet  *trigrams,
                             const NgramSet  *quadgrams,
                             void            *ctx,
                             IndexTokenFunc   token);

/* A term of a query: its articles, or those of every term it starts */
typedef struct {
  char     *term;
  gsize     len;
  gboolean  prefix;
} IndexTerm;

GArray   *index_query_terms (const BulletinSearchQuery *q,
                             const BigramSet           *exact,
                             const NgramSet            *trigrams,
                             const NgramSet            *quadgrams);
gboolean  index_query_counted (const BulletinSearchQuery *q,
                               const BigramSet           *exact,
                               const NgramSet            *trigrams,
                               const NgramSet            *quadgrams);

/* postings */

/* A list's entries, read in order (bulletin-search-index-postings.c).
 * The counts of the entries after the first: every one 1, a flag with
 * each entry, or with each entry counted more than once how many entries
 * on the next one is */
enum {
  LIST_COUNTS_NONE,
  LIST_COUNTS_FLAGS,
  LIST_COUNTS_NEXT,
};

typedef struct {
  const guint8 *p, *end;
  guint64       bits;     /* the bit stream's next bits, from the lowest */
  guint         n_bits;   /* how many of them are read from p */
  guint         k;        /* the Rice parameter of the gaps */
  guint         counts;   /* LIST_COUNTS_* */
  guint         k_next;   /* LIST_COUNTS_NEXT: the Rice parameter of ... */
  guint64       until;    /* ... the entries to the next one counted, 0 none */
  gboolean      first;
  gboolean      in_bits;  /* past the first entry, in the bit stream */
  gboolean      bad;
  gint64        rowid;
  guint32       count;
} ListIter;

void      list_iter_init    (ListIter     *it,
                             const guint8 *data,
                             gsize         len);
gboolean  list_iter_next    (ListIter     *it);

/* an entry of a list */
typedef struct {
  gint64  rowid;
  guint32 count;
} ListEntry;

/* Appends the list of @n entries (rowids ascending, counts >= 1) to @out */
void      list_encode       (const ListEntry *entries,
                             gsize            n,
                             GByteArray      *out);

/* A growable buffer of bytes, the postings' own: a GByteArray's append
 * costs a division (g_array_maybe_expand ()), and shrinking it a call of
 * g_array_remove_range (), in loops run for every term and entry */
typedef struct {
  guint8 *data;
  gsize   len;
  gsize   cap;
} ByteBuf;

typedef struct {
  sqlite3      *db;
  gint64        seg;
  sqlite3_stmt *stmt;
  gboolean      started;
  gboolean      past_from;  /* a term at or after from was read */
  ByteBuf       from;
  ByteBuf      *term;
  const guint8 *p, *end;
  const guint8 *list;
  gsize         list_len;
  ByteBuf       whole;      /* a list that continues into the next blocks */
  gboolean      fresh;      /* at a block's start: the term shares nothing */
  guint         rows;       /* blocks read */
  int           rc;
} SegReader;

void      seg_reader_init   (SegReader    *r,
                             sqlite3      *db,
                             gint64        seg,
                             const char   *from,
                             gsize         from_len);
gboolean  seg_reader_next   (SegReader    *r);
void      seg_reader_clear  (SegReader    *r);
int       postings_segments (sqlite3      *db,
                             GArray       *out);

typedef struct _PostingsBuilder PostingsBuilder;

PostingsBuilder *postings_builder_new      (void);
void             postings_builder_free     (PostingsBuilder *b);
void             postings_builder_add      (PostingsBuilder *b,
                                            const char      *term,
                                            gsize            len,
                                            gint64           rowid);
gboolean         postings_builder_is_empty (PostingsBuilder *b);
int              postings_builder_write    (PostingsBuilder *b,
                                            sqlite3         *db);
int              postings_optimize         (sqlite3         *db);

/* the candidates of a query: rowids from base, counts[i] != 0 for those
 * that hold every term, the hits of the first term */
typedef struct {
  gint64   base;
  gint64   n;
  guint32 *counts;
  gint64   n_candidates;
} CandidateSet;

int       candidate_set_read  (CandidateSet    *set,
                               sqlite3         *db,
                               const IndexTerm *terms,
                               guint            n_terms,
                               gint64           base,
                               gint64           n);
void      candidate_set_clear (CandidateSet    *set);

/* texts recoded by character rank (bulletin-search-index-chars.c) */

#define CHARS_ONE_BYTE 192
#define CHARS_MAX      (CHARS_ONE_BYTE + 60 * 256)

typedef struct {
  guint32    *utf8;         /* rank -> its character's UTF-8, the bytes in order */
  guint8     *utf8_len;     /* rank -> their number */
  guint       n;
  guint16    *rank_bmp;     /* for encoding, made on first use: code point */
  GHashTable *rank_astral;  /* -> rank + 1, 0 none */
} CharTable;

gboolean  char_table_init   (CharTable       *t,
                             const guint8    *data,
                             gsize            len);
void      char_table_clear  (CharTable       *t);
void      char_table_encode (CharTable       *t,
                             const char      *text,
                             gsize            len,
                             GByteArray      *out);
gboolean  char_table_decode (const CharTable *t,
                             const guint8    *data,
                             gsize            len,
                             char            *out,
                             gsize            text_len);
GBytes   *char_table_train  (const char      *texts,
                             gsize            len);

/* compressed text */

/* 256 KiB: on bench-scale's text of real word frequencies the stored
 * texts are 51 % of the text with it, 54 % with 64 KiB (trained on the
 * first batch alone either way) */
#define DICTIONARY_SIZE 262144

typedef struct {
  ZSTD_DCtx    *dctx;
  ZSTD_DDict   *ddict;
  const guint8 *dictionary;
  gsize         dictionary_len;
  CharTable     chars;
  gboolean      bad_chars;  /* the table is damaged: so is every text */
  char         *buf;        /* the dictionary's copy, then the code */
  gsize         cap;
  char         *text;       /* the text decoded */
  gsize         text_cap;
} Decompressor;

typedef struct {
  ZSTD_CCtx    *cctx;
  ZSTD_CDict   *cdict;
  const guint8 *dictionary;
  gsize         dictionary_len;
  CharTable     chars;
  GByteArray   *code;
  guint8       *buf;
  gsize         cap;
} Compressor;

void          decompressor_clear          (Decompressor *z);
void          decompressor_set_dictionary (Decompressor *z,
                                           const guint8 *data,
                                           gsize         len,
                                           const guint8 *chars,
                                           gsize         chars_len);
const char   *decompressor_run            (Decompressor *z,
                                           const guint8 *data,
                                           gsize         len,
                                           gsize         text_len);
void          compressor_clear            (Compressor   *z);
void          compressor_set_dictionary   (Compressor   *z,
                                           const guint8 *data,
                                           gsize         len,
                                           const guint8 *chars,
                                           gsize         chars_len);
const guint8 *compressor_run              (Compressor   *z,
                                           const char   *text,
                                           gsize         len,
                                           gsize        *out_len);
GBytes       *dictionary_train            (const char   *texts,
                                           gsize         len,
                                           const size_t *sizes,
                                           guint         n_sizes);

/* an article as stored */

typedef struct {
  guint32 text;
  guint32 source;
  guint32 new_block;
} Segment;

void      sig_build           (const gunichar            *chars,
                               guint                      n,
                               const BigramSet           *exact,
                               const BigramSet           *buckets,
                               GArray                    *hashes,
                               GByteArray                *sig);
void      sig_build_flags     (const gunichar            *chars,
                               guint                      n,
                               const guint8              *flags,
                               GArray                    *hashes,
                               GByteArray                *sig);
GArray   *sig_query_hashes    (const BulletinSearchQuery *q,
                               const BigramSet           *exact,
                               const BigramSet           *buckets);
gboolean  sig_may_match       (const guint8              *sig,
                               gsize                      len,
                               const GArray              *hashes);
void      article_search_text (BulletinArticle           *article,
                               GString                   *text,
                               GArray                    *segs);
void      segs_encode         (const Segment             *segs,
                               guint                      n_segs,
                               GByteArray                *out);
gboolean  segs_decode         (const guint8              *data,
                               gsize                      len,
                               GArray                    *segs);
void      fold_search_text    (BulletinFolded            *folded,
                               const char                *text,
                               gsize                      len,
                               const Segment             *segs,
                               guint                      n_segs);
guint     text_to_source      (const Segment             *segs,
                               guint                      n_segs,
                               guint                      offset,
                               gboolean                   is_end);
/* plain texts: PLAIN_FLAG, and a bit of PLAIN_MASK_BITS for each folded
 * character where the text differs from its folded form */
#define PLAIN_FLAG      (G_GINT64_CONSTANT (1) << 62)
#define PLAIN_MASK_BITS 62
guint64   plain_bit           (gunichar                   c);
gint64    text_plain_mask     (const char                *text,
                               gsize                      len,
                               const Segment             *segs,
                               guint                      n_segs,
                               const gunichar            *folded,
                               guint                      n_folded,
                               const guint8              *flags);
guint     plain_count         (const char                *text,
                               gsize                      len,
                               const Segment             *segs,
                               guint                      n_segs,
                               const char                *term,
                               gsize                      term_len);

/* issue files */

typedef struct {
  GFile             *file;
  char              *path;   /* relative to the root */
  BulletinIssueKind  kind;
  gint64             size;
  gint64             mtime;
} IssueFile;

GPtrArray *list_issue_files (GFile          *root,
                             GCancellable   *cancellable,
                             GError        **error);
gboolean   load_issue       (BulletinIssue  *issue,
                             IssueFile      *f,
                             GCancellable   *cancellable,
                             GError        **error);

/* results, and the scan */

char                  *unreadable_line (const char                *path,
                                        const char                *message);
BulletinSearchResults *results_new     (void);
gboolean               check_query     (const char                *query,
                                        GError                   **error);
BulletinSearchResult  *match_folded    (const BulletinFolded      *folded,
                                        const char                *input,
                                        const Segment             *segs,
                                        guint                      n_segs,
                                        const BulletinSearchQuery *query);
int                    compare_results (gconstpointer              a,
                                        gconstpointer              b);
void                   results_slice   (BulletinSearchResults      *results,
                                        const BulletinSearchResult *after,
                                        BulletinSearchOrder         order,
                                        guint                       max_results);

/* the database */

gboolean  rc_is_corrupt     (int           rc);
void      set_db_error      (GError      **error,
                             sqlite3      *db,
                             const char   *path,
                             int           rc);
int       index_exec        (sqlite3      *db,
                             const char   *sql);
int       index_rollback    (sqlite3      *db,
                             int           rc);
int       step_reset        (sqlite3_stmt *stmt);
gboolean  index_query_int64 (sqlite3      *db,
                             const char   *sql,
                             gint64       *value);
void      db_discard        (const char   *path);
sqlite3  *db_open_read      (const char   *path,
                             gboolean      immutable_only,
                             GError      **error);
GBytes   *load_meta_blob    (sqlite3      *db,
                             const char   *key);
sqlite3  *db_open_write     (const char   *path,
                             int           dir_mode,
                             gboolean     *created,
                             GError      **error);

/* Row checksums: every row of issues and docs keeps a 64-bit FNV-1a hash
 * of its other columns, each with its length. */
#define CRC_START G_GUINT64_CONSTANT (0xcbf29ce484222325)

void      crc_add           (guint64      *h,
                             const void   *data,
                             gsize         len);
void      crc_add_int       (guint64      *h,
                             gint64        v);
void      crc_add_text      (guint64      *h,
                             const char   *text);
void      crc_add_blob      (guint64      *h,
                             const void   *data,
                             gsize         len);
gint64    crc_of_columns    (sqlite3_stmt *stmt,
                             int           first,
                             int           last);

/* the writer lock */

char     *lock_file_path   (BulletinSearchIndex  *self);
int       writer_lock      (BulletinSearchIndex  *self,
                            GCancellable         *cancellable,
                            GError              **error);
char     *lock_read_state  (int                   fd);
void      lock_write_state (int                   fd,
                            const char           *state);
char     *clean_state      (const char           *db_path);
gboolean  writer_active    (BulletinSearchIndex  *self);
gboolean  index_trusted    (BulletinSearchIndex  *self);
void      mark_suspect     (BulletinSearchIndex  *self);
void      query_cache_clear (BulletinSearchIndex *self);

/* the shared index */

/* an issue as indexed */
typedef struct {
  gint64  id;
  gint64  size;
  gint64  mtime;
  gint64  first_doc;
  gint64  n_docs;
  gboolean failed;   /* could not be read: read again */
} IndexedIssue;

BulletinSearchIndex   *dup_shared         (BulletinSearchIndex   *self);
GHashTable            *read_shared_issues (BulletinSearchIndex   *shared);
char                  *shared_state       (BulletinSearchIndex   *shared);
gboolean               shared_covers      (GHashTable            *shared_issues,
                                           const IssueFile       *f);
GHashTable            *hidden_paths       (BulletinSearchIndex   *self,
                                           BulletinSearchIndex   *shared);
BulletinSearchResults *merge_shared       (BulletinSearchResults *own,
                                           BulletinSearchResults *shared,
                                           GHashTable            *hidden,
                                           guint                  max_hits);

/* updating, checking */

gboolean  issue_newer  (gint64         key_a,
                        const char    *path_a,
                        gint64         key_b,
                        const char    *path_b);
gboolean  db_verify    (sqlite3       *db,
                        GCancellable  *cancellable,
                        char         **why);
gboolean  needs_verify (sqlite3       *db,
                        const char    *path,
                        const char    *state);

/* The issue strings of a BulletinSearchResult are GRefStrings, shared by
 * the results of one issue: a new one, or NULL for NULL */
static inline char *
issue_string_new (const char *s)
{
  return s != NULL ? g_ref_string_new (s) : NULL;
}

static inline char *
issue_string_acquire (char *s)
{
  return s != NULL ? g_ref_string_acquire (s) : NULL;
}

G_END_DECLS
