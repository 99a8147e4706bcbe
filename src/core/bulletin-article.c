/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-article-private.h"
#include "bulletin-unicode.h"
#include "bulletin-utf8-private.h"

/* Every CHECKPOINT characters we remember the byte offset, so that turning
 * a character offset into a pointer costs at most CHECKPOINT steps even in
 * a 10 MB article. */
#define CHECKPOINT 256

struct _BulletinArticle
{
  GObject    parent_instance;

  char      *id;
  char      *base_id;         /* the id without its suffix */
  char      *id_suffix;
  char      *uri;
  char      *headline;
  char      *kicker;
  char      *subtitle;
  char      *byline;
  char      *dateline;
  char      *located;
  char      *credit;
  char      *language;
  char      *date;
  char      *page;            /* the printed page ("2" of 第2版), not in the id */
  char      *section;         /* the page's section (要闻), not in the id */

  GString   *source;          /* the text, unless it lies in @shared */
  GBytes    *shared;          /* a decoded file that articles share */
  const char *shared_str;     /* the text in it, NUL-terminated */
  gsize      shared_len;
  guint      source_length;   /* characters */
  GPtrArray *blocks;
  GArray    *checkpoints;     /* guint byte offset of every CHECKPOINT-th character */

  guint      finished : 1;
};

G_DEFINE_FINAL_TYPE (BulletinArticle, bulletin_article, G_TYPE_OBJECT)

/* set_str () is GLib 2.76; Debian 12 has 2.74. */
static void
set_str (char       **field,
         const char  *value)
{
  if (*field == value)
    return;
  g_free (*field);
  *field = g_strdup (value);
}

static void
bulletin_article_finalize (GObject *object)
{
  BulletinArticle *self = (BulletinArticle *)object;

  g_free (self->id);
  g_free (self->id_suffix);
  g_free (self->base_id);
  g_free (self->uri);
  g_free (self->headline);
  g_free (self->kicker);
  g_free (self->subtitle);
  g_free (self->byline);
  g_free (self->dateline);
  g_free (self->located);
  g_free (self->credit);
  g_free (self->language);
  g_free (self->date);
  g_free (self->page);
  g_free (self->section);
  g_string_free (self->source, TRUE);
  g_clear_pointer (&self->shared, g_bytes_unref);
  g_ptr_array_unref (self->blocks);
  g_clear_pointer (&self->checkpoints, g_array_unref);

  G_OBJECT_CLASS (bulletin_article_parent_class)->finalize (object);
}

static void
bulletin_article_class_init (BulletinArticleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bulletin_article_finalize;
}

static void
bulletin_article_init (BulletinArticle *self)
{
  self->source = g_string_new (NULL);
  self->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify)bulletin_block_free);
}

/**
 * bulletin_article_new:
 *
 * Returns: (transfer full): an empty article to be built
 */
BulletinArticle *
bulletin_article_new (void)
{
  return g_object_new (BULLETIN_TYPE_ARTICLE, NULL);
}

static guint
count_chars (const char *text,
             gsize       len)
{
  return count_utf8_chars (text, len);
}

static inline const char *
source_str (BulletinArticle *self)
{
  return self->shared != NULL ? self->shared_str : self->source->str;
}

static inline gsize
source_len (BulletinArticle *self)
{
  return self->shared != NULL ? self->shared_len : self->source->len;
}

/* Copies @text with CRLF and CR turned into LF. */
void
bulletin_article_set_source (BulletinArticle *self,
                             const char      *text,
                             gssize           len)
{
  g_return_if_fail (BULLETIN_IS_ARTICLE (self));
  g_return_if_fail (!self->finished);
  g_return_if_fail (text != NULL || len == 0);

  if (len < 0)
    len = strlen (text);

  g_clear_pointer (&self->shared, g_bytes_unref);
  g_string_truncate (self->source, 0);
  if (memchr (text, '\r', len) == NULL)
    {
      /* allocated to the byte: GString would round up to a power of two,
       * new memory for a large part of an imported issue's articles */
      g_free (self->source->str);
      self->source->str = g_malloc (len + 1);
      memcpy (self->source->str, text, len);
      self->source->str[len] = 0;
      self->source->len = len;
      self->source->allocated_len = len + 1;
    }
  else
    for (gssize i = 0; i < len; i++)
      {
        if (text[i] == '\r')
          {
            g_string_append_c (self->source, '\n');
            if (i + 1 < len && text[i + 1] == '\n')
              i++;
          }
        else
          g_string_append_c (self->source, text[i]);
      }
  self->source_length = count_chars (self->source->str, self->source->len);
}

/* The source is @len bytes at @offset in @owner, which must be followed
 * by a NUL and have LF line ends: the plain-text importer's decoded file,
 * which its articles share rather than each copying its part.  The
 * importer has counted its @n_chars characters already: they are not
 * counted again. */
void
bulletin_article_set_source_shared (BulletinArticle *self,
                                    GBytes          *owner,
                                    gsize            offset,
                                    gsize            len,
                                    guint            n_chars)
{
  gsize owner_len;
  const char *data = g_bytes_get_data (owner, &owner_len);

  g_return_if_fail (BULLETIN_IS_ARTICLE (self));
  g_return_if_fail (!self->finished);
  g_return_if_fail (offset + len < owner_len && data[offset + len] == 0);
  g_return_if_fail (n_chars <= len);

  g_string_truncate (self->source, 0);
  g_clear_pointer (&self->shared, g_bytes_unref);
  self->shared = g_bytes_ref (owner);
  self->shared_str = data + offset;
  self->shared_len = len;
  self->source_length = n_chars;
}

/* Takes ownership of @block; its ranges must lie inside the source. */
void
bulletin_article_add_block (BulletinArticle *self,
                            BulletinBlock   *block)
{
  g_return_if_fail (BULLETIN_IS_ARTICLE (self));
  g_return_if_fail (!self->finished);
  g_return_if_fail (block != NULL);

  if (block->n_ranges > 0 && bulletin_block_get_end (block) > self->source_length)
    {
      g_critical ("Block [%u, %u) lies outside the article's %u characters",
                  bulletin_block_get_start (block), bulletin_block_get_end (block),
                  self->source_length);
      bulletin_block_free (block);
      return;
    }

  g_ptr_array_add (self->blocks, block);
}

/**
 * bulletin_article_append_block:
 *
 * Appends @text (line ends normalised) to the source, separated from what
 * is there by a blank line, and adds a block of @kind covering it.
 *
 * Returns: (transfer none): the new block, to set its level or image
 */
BulletinBlock *
bulletin_article_append_block (BulletinArticle   *self,
                               BulletinBlockKind  kind,
                               const char        *text,
                               gssize             len)
{
  BulletinBlock *block;
  guint start;
  gsize old_len;

  g_return_val_if_fail (BULLETIN_IS_ARTICLE (self), NULL);
  g_return_val_if_fail (!self->finished, NULL);

  if (text == NULL)
    text = "";
  if (len < 0)
    len = strlen (text);

  if (self->shared != NULL)
    {
      g_string_append_len (self->source, self->shared_str, self->shared_len);
      g_clear_pointer (&self->shared, g_bytes_unref);
    }
  if (self->source->len > 0)
    {
      g_string_append (self->source, "\n\n");
      self->source_length += 2;
    }

  start = self->source_length;
  old_len = self->source->len;
  for (gssize i = 0; i < len; i++)
    {
      if (text[i] == '\r')
        {
          g_string_append_c (self->source, '\n');
          if (i + 1 < len && text[i + 1] == '\n')
            i++;
        }
      else
        g_string_append_c (self->source, text[i]);
    }
  self->source_length += g_utf8_strlen (self->source->str + old_len, self->source->len - old_len);

  block = bulletin_block_new (kind, start, self->source_length);
  g_ptr_array_add (self->blocks, block);
  return block;
}

#define DEFINE_STRING_SETTER(field)                                        \
void                                                                       \
bulletin_article_set_##field (BulletinArticle *self, const char *value)    \
{                                                                          \
  g_return_if_fail (BULLETIN_IS_ARTICLE (self));                           \
  g_return_if_fail (!self->finished);                                      \
  set_str (&self->field, value != NULL && *value != 0 ? value : NULL);   \
}                                                                          \
const char *                                                               \
bulletin_article_get_##field (BulletinArticle *self)                       \
{                                                                          \
  g_return_val_if_fail (BULLETIN_IS_ARTICLE (self), NULL);                 \
  return self->field;                                                      \
}

DEFINE_STRING_SETTER (uri)
DEFINE_STRING_SETTER (headline)
DEFINE_STRING_SETTER (kicker)
DEFINE_STRING_SETTER (subtitle)
DEFINE_STRING_SETTER (byline)
DEFINE_STRING_SETTER (dateline)
DEFINE_STRING_SETTER (located)
DEFINE_STRING_SETTER (credit)
DEFINE_STRING_SETTER (language)
DEFINE_STRING_SETTER (date)
DEFINE_STRING_SETTER (page)
DEFINE_STRING_SETTER (section)

#undef DEFINE_STRING_SETTER

/* A suffix appended to the id, for the archive to tell apart two items
 * that carry the same uri (IPTC's own samples do). */
void
bulletin_article_set_id_suffix (BulletinArticle *self,
                                const char      *suffix)
{
  g_return_if_fail (BULLETIN_IS_ARTICLE (self));

  set_str (&self->id_suffix, suffix);
  if (self->finished)
    {
      /* the content has not changed: only the suffix */
      g_free (self->id);
      self->id = g_strconcat (self->base_id, self->id_suffix, NULL);
    }
}

/**
 * bulletin_normalize_for_identity:
 *
 * Folds @text so that what does not change an article's identity does not
 * change the result: compatibility forms (NFKC: full-width letters and
 * punctuation), case, and everything but letters and digits, so that
 * white space, line breaks, page-break debris and punctuation width drop
 * out.  At most @max_chars characters are kept (0: all).
 *
 * This is not the search's folding (bulletin-text-fold.h) and must not
 * become it: ids are computed from this result (tests/test-ids.c pins
 * them), and the search's Traditional to Simplified folding, its second
 * NFKC and its punctuation would change every id.  Only the class of
 * characters that need no normalisation is shared
 * (bulletin_unichar_is_unified_ideograph_bmp ()).
 *
 * Returns: (transfer full): the folded text
 */
/* Normalisation leaves some characters alone whatever surrounds them: they
 * never join one before them, and their folded form is known.  Those take
 * a fast path: Han (kept), ASCII and full-width letters and digits (kept,
 * in lower case), and Chinese and general punctuation (dropped, as no
 * letter or digit comes of them).  Only the stretches between them go
 * through g_utf8_normalize (), each with the fast character before it,
 * which it may combine with.  The result is that of normalising the whole
 * text at once (the tests check it). */
typedef enum {
  FOLD_SLOW,
  FOLD_KEEP,
  FOLD_ASCII,
  FOLD_DROP,
  FOLD_FULLWIDTH,
} FoldClass;

static inline FoldClass
fold_class (gunichar c)
{
  if (c < 0x80)
    return FOLD_ASCII;
  /* only these: the ids depend on this class (tests/test-ids.c) */
  if (bulletin_unichar_is_unified_ideograph_bmp (c))
    return FOLD_KEEP;
  if ((c >= 0x2010 && c <= 0x2027) || (c >= 0x2030 && c <= 0x205E) ||
      (c >= 0x3000 && c <= 0x3004) || (c >= 0x3008 && c <= 0x3020) ||
      (c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
      (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65))
    return FOLD_DROP;
  if ((c >= 0xFF10 && c <= 0xFF19) || (c >= 0xFF21 && c <= 0xFF3A) ||
      (c >= 0xFF41 && c <= 0xFF5A))
    return FOLD_FULLWIDTH;
  return FOLD_SLOW;
}

static void
append_folded (GString    *out,
               const char *p,
               gssize      len,
               guint      *n,
               guint       max_chars)
{
  g_autofree char *nfkc = g_utf8_normalize (p, len, G_NORMALIZE_NFKC);
  g_autofree char *folded = NULL;

  if (nfkc == NULL)
    return;
  folded = g_utf8_casefold (nfkc, -1);
  for (const char *f = folded; *f && (max_chars == 0 || *n < max_chars); f = g_utf8_next_char (f))
    {
      gunichar c = g_utf8_get_char (f);

      if (!g_unichar_isalnum (c))
        continue;
      g_string_append_unichar (out, c);
      (*n)++;
    }
}

/* The character at @p, valid UTF-8 */
static inline gunichar
get_char (const char *p)
{
  const guchar *u = (const guchar *)p;

  if (u[0] < 0x80)
    return u[0];
  if ((u[0] & 0xF0) == 0xE0)
    return ((u[0] & 0x0F) << 12) | ((u[1] & 0x3F) << 6) | (u[2] & 0x3F);
  return g_utf8_get_char (p);
}

static char *normalize_for_identity (const char *text,
                                     guint       max_chars,
                                     gboolean    valid,
                                     guint      *n_chars);

char *
bulletin_normalize_for_identity (const char *text,
                                 guint       max_chars)
{
  return normalize_for_identity (text, max_chars, FALSE, NULL);
}

/* bulletin_normalize_for_identity (), and in @n_chars the number of
 * characters of the result.  @valid: @text is known to be valid UTF-8
 * (a decoder's output), and is not validated again; it is read in the
 * same pieces all the same. */
static char *
normalize_for_identity (const char *text,
                        guint       max_chars,
                        gboolean    valid,
                        guint      *n_chars)
{
  GString *out;
  const char *p, *segment = NULL, *validated;
  guint n = 0;

  if (n_chars != NULL)
    *n_chars = 0;
  if (text == NULL)
    return g_strdup ("");

  /* validated as far as it is read, in pieces: a 10 MB body is not read
   * past its first letters */
  validated = text;

  out = g_string_sized_new (max_chars > 0 ? max_chars * 3 + 1 : 64);
  for (p = text; *p && (max_chars == 0 || n < max_chars); )
    {
      const char *next;
      gunichar c;
      FoldClass fold;

      if (p >= validated)
        {
          const char *end;
          gsize avail = strnlen (validated, 256);

          if (valid)
            {
              /* where validation would stop: before a character the
               * piece cuts */
              end = validated + avail;
              while (end > validated && (*(const guchar *)end & 0xC0) == 0x80)
                end--;
            }
          else
            g_utf8_validate_len (validated, avail, &end);
          if (end == validated)   /* invalid, or a character cut by the piece */
            g_utf8_validate_len (validated, strnlen (validated, 256 + 4), &end);
          if (end == validated)
            {
              g_string_free (out, TRUE);
              return g_strdup ("");
            }
          validated = end;
        }

      next = g_utf8_next_char (p);
      c = get_char (p);
      fold = fold_class (c);

      if (fold == FOLD_SLOW)
        {
          if (segment == NULL)
            segment = p;
          p = next;
          continue;
        }

      if (segment != NULL)
        {
          append_folded (out, segment, p - segment, &n, max_chars);
          segment = NULL;
          if (max_chars > 0 && n >= max_chars)
            break;
        }

      if (*next != 0 && (next >= validated || fold_class (get_char (next)) == FOLD_SLOW))
        {
          /* what follows may combine with this character */
          segment = p;
          p = next;
          continue;
        }

      switch (fold)
        {
        case FOLD_ASCII:
          if (g_ascii_isalnum (c))
            {
              g_string_append_c (out, g_ascii_tolower (c));
              n++;
            }
          break;
        case FOLD_FULLWIDTH:
          g_string_append_c (out, g_ascii_tolower (c - 0xFEE0));
          n++;
          break;
        case FOLD_KEEP:
          /* every code point of both blocks is an assigned letter */
          if (out->len + 4 < out->allocated_len)
            {
              memcpy (out->str + out->len, p, 3);
              out->len += 3;
              out->str[out->len] = 0;
            }
          else
            g_string_append_len (out, p, next - p);
          n++;
          break;
        case FOLD_DROP:
        case FOLD_SLOW:
        default:
          break;
        }
      p = next;
    }
  if (segment != NULL && (max_chars == 0 || n < max_chars))
    append_folded (out, segment, p - segment, &n, max_chars);

  if (n_chars != NULL)
    *n_chars = n;
  return g_string_free (out, FALSE);
}

/* The id from the headline and the body already folded (at most 200
 * characters). */
static char *
content_id_from_folded_body (const char *headline,
                             const char *folded_body)
{
  static const char hex[] = "0123456789abcdef";
  g_autofree char *h = bulletin_normalize_for_identity (headline, 0);
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  char id[sizeof "urn:bulletin:article:" + 32];
  char *o = id + sizeof "urn:bulletin:article:" - 1;

  /* SHA-256, the first 32 hex digits (tests/test-ids.c pins them) */
  g_checksum_update (sum, (const guchar *)h, strlen (h));
  g_checksum_update (sum, (const guchar *)"\x1f", 1);
  g_checksum_update (sum, (const guchar *)folded_body, strlen (folded_body));
  g_checksum_get_digest (sum, digest, &digest_len);
  g_checksum_free (sum);
  memcpy (id, "urn:bulletin:article:", sizeof "urn:bulletin:article:" - 1);
  for (guint i = 0; i < 16; i++)
    {
      *o++ = hex[digest[i] >> 4];
      *o++ = hex[digest[i] & 0xF];
    }
  *o = 0;
  return g_strdup (id);
}

/**
 * bulletin_article_compute_content_id:
 *
 * The id of an article without a usable uri: a hash of its normalised
 * headline and the first 200 letters and digits of its body.
 *
 * Returns: (transfer full): `urn:bulletin:article:` and 32 hex digits
 */
char *
bulletin_article_compute_content_id (const char *headline,
                                     const char *body)
{
  g_autofree char *b = bulletin_normalize_for_identity (body, 200);

  return content_id_from_folded_body (headline, b);
}

static gboolean
block_is_body (const BulletinBlock *block)
{
  switch (block->kind)
    {
    case BULLETIN_BLOCK_HEADING:
    case BULLETIN_BLOCK_PARAGRAPH:
    case BULLETIN_BLOCK_QUOTE:
    case BULLETIN_BLOCK_LIST_ITEM:
    case BULLETIN_BLOCK_FIGURE:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Enough of the body for its identity (the first 200 letters and digits
 * of bulletin_article_dup_body_text ()), without copying all of a long
 * article: whole blocks until 2 KiB, or all when that has too few
 * letters. */
static void
free_scratch (gpointer data)
{
  g_string_free (data, TRUE);
}

static GPrivate scratch_key = G_PRIVATE_INIT (free_scratch);

/* Fills @s with the body prefix; FALSE when all of the body is needed
 * (the prefix has too few letters). */
static gboolean
body_prefix (BulletinArticle *self,
             GString         *s)
{
  gboolean all = TRUE;
  const char *cur = source_str (self);
  guint cur_offset = 0;

  g_string_truncate (s, 0);
  for (guint i = 0; i < self->blocks->len; i++)
    {
      const BulletinBlock *block = g_ptr_array_index (self->blocks, i);

      if (!block_is_body (block))
        continue;
      if (s->len >= 2048)
        {
          all = FALSE;
          break;
        }
      if (s->len > 0)
        g_string_append_c (s, '\n');
      for (guint r = 0; r < block->n_ranges; r++)
        {
          guint start = block->ranges[r].start;
          const char *a, *b;

          /* ranges come in order and close together: walk on from the
           * last one; walk to the end, as a block is short or the loop
           * stops after it */
          if (start >= cur_offset && start - cur_offset <= 512)
            a = skip_utf8_chars (cur, start - cur_offset);
          else
            a = bulletin_article_offset_to_pointer (self, start);
          b = skip_utf8_chars (a, MAX (block->ranges[r].end, start) - start);
          g_string_append_len (s, a, b - a);
          cur = b;
          cur_offset = MAX (block->ranges[r].end, start);
        }
    }
  return all;
}

/* The id of an article without a uri, from its headline and enough of
 * its body (the first 200 letters and digits of
 * bulletin_article_dup_body_text ()), without copying all of a long
 * article: whole blocks until 2 KiB, into a buffer kept for the next
 * article, or all when that has too few letters. */
static char *
compute_id (BulletinArticle *self)
{
  GString *s = g_private_get (&scratch_key);

  if (s == NULL)
    {
      s = g_string_sized_new (8192);
      g_private_set (&scratch_key, s);
    }

  gboolean all = body_prefix (self, s);
  guint n = 0;
  /* a shared source is a decoder's output, valid UTF-8 */
  g_autofree char *folded = normalize_for_identity (s->str, 200, self->shared != NULL, &n);

  /* the prefix folds to the same first 200 characters as all of the
   * body, when it has that many */
  if (!all && n < 200)
    {
      g_autofree char *body = bulletin_article_dup_body_text (self);
      return bulletin_article_compute_content_id (self->headline, body);
    }
  return content_id_from_folded_body (self->headline, folded);
}

/* Makes the article immutable: builds the offset checkpoints, fills the
 * headline from the first headline block if unset, and derives the id. */
void
bulletin_article_finish (BulletinArticle *self)
{
  g_return_if_fail (BULLETIN_IS_ARTICLE (self));

  if (self->finished)
    return;

  if (self->checkpoints == NULL)
    {
      const guchar *str = (const guchar *)source_str (self);
      guint i = 0;

      self->checkpoints = g_array_sized_new (FALSE, FALSE, sizeof (guint),
                                             self->source_length / CHECKPOINT + 1);
      gsize len = source_len (self), off = 0;

      /* a character starts at every byte that does not continue one;
       * eight bytes at a time while no checkpoint falls among them */
      while (off < len)
        {
          if (i % CHECKPOINT != 0 && off + 8 <= len &&
              CHECKPOINT - i % CHECKPOINT > 8)
            {
              i += count_utf8_chars ((const char *)str + off, 8);
              off += 8;
              /* a character cut by the word: go on byte by byte until the
               * next one starts */
              while (off < len && (str[off] & 0xC0) == 0x80)
                off++;
              continue;
            }
          if ((str[off] & 0xC0) != 0x80)
            {
              if (i % CHECKPOINT == 0)
                {
                  guint o = off;
                  g_array_append_val (self->checkpoints, o);
                }
              i++;
            }
          off++;
        }
      self->source_length = i;
    }

  if (self->headline == NULL)
    {
      for (guint i = 0; i < self->blocks->len; i++)
        {
          const BulletinBlock *block = g_ptr_array_index (self->blocks, i);

          if (block->kind == BULLETIN_BLOCK_HEADLINE || block->kind == BULLETIN_BLOCK_SECTION_LABEL)
            {
              self->headline = bulletin_article_dup_block_text (self, i);
              break;
            }
        }
    }

  self->finished = TRUE;

  if (self->uri != NULL)
    {
      self->id = g_strdup (self->uri);
    }
  else
    {
      self->id = compute_id (self);
    }

  self->base_id = g_strdup (self->id);
  if (self->id_suffix != NULL)
    {
      char *tmp = g_strconcat (self->id, self->id_suffix, NULL);
      g_free (self->id);
      self->id = tmp;
    }
}

const char *
bulletin_article_get_id (BulletinArticle *self)
{
  g_return_val_if_fail (BULLETIN_IS_ARTICLE (self), NULL);
  g_return_val_if_fail (self->finished, NULL);
  return self->id;
}

const char *
bulletin_article_get_source (BulletinArticle *self)
{
  g_return_val_if_fail (BULLETIN_IS_ARTICLE (self), NULL);
  return source_str (self);
}

gsize
bulletin_article_get_source_bytes (BulletinArticle *self)
{
  g_return_val_if_fail (BULLETIN_IS_ARTICLE (self), 0);
  return source_len (self);
}

guint
bulletin_article_get_source_length (BulletinArticle *self)
{
  g_return_val_if_fail (BULLETIN_IS_ARTICLE (self), 0);
  return self->source_length;
}

guint
bulletin_article_get_n_blocks (BulletinArticle *self)
{
  g_return_val_if_fail (BULLETIN_IS_ARTICLE (self), 0);
  return self->blocks->len;
}

/**
 * bulletin_article_get_block:
 *
 * Returns: (transfer none): the block at @index
 */
const BulletinBlock *
bulletin_article_get_block (BulletinArticle *self,
                            guint            index)
{
  g_return_val_if_fail (BULLETIN_IS_ARTICLE (self), NULL);
  g_return_val_if_fail (index < self->blocks->len, NULL);
  return g_ptr_array_index (self->blocks, index);
}

/**
 * bulletin_article_offset_to_pointer:
 *
 * Returns: (transfer none): the position of character @offset in the
 * source (the terminating NUL for the source length)
 */
const char *
bulletin_article_offset_to_pointer (BulletinArticle *self,
                                    guint            offset)
{
  const char *p;
  guint i;

  g_return_val_if_fail (BULLETIN_IS_ARTICLE (self), NULL);

  if (offset >= self->source_length)
    return source_str (self) + source_len (self);

  if (self->checkpoints != NULL && self->checkpoints->len > 0)
    {
      guint cp = offset / CHECKPOINT;

      p = source_str (self) + g_array_index (self->checkpoints, guint, cp);
      i = cp * CHECKPOINT;
    }
  else
    {
      p = source_str (self);
      i = 0;
    }

  return skip_utf8_chars (p, offset - i);
}

/**
 * bulletin_article_dup_source_range:
 *
 * Returns: (transfer full): the source text of [@start, @end)
 */
char *
bulletin_article_dup_source_range (BulletinArticle *self,
                                   guint            start,
                                   guint            end)
{
  const char *a, *b;

  g_return_val_if_fail (BULLETIN_IS_ARTICLE (self), NULL);
  g_return_val_if_fail (start <= end, NULL);

  a = bulletin_article_offset_to_pointer (self, start);
  b = bulletin_article_offset_to_pointer (self, end);
  return g_strndup (a, b - a);
}

/**
 * bulletin_article_dup_block_text:
 *
 * Returns: (transfer full): the block's text, its ranges joined
 */
char *
bulletin_article_dup_block_text (BulletinArticle *self,
                                 guint            index)
{
  const BulletinBlock *block;
  GString *s;

  g_return_val_if_fail (BULLETIN_IS_ARTICLE (self), NULL);
  g_return_val_if_fail (index < self->blocks->len, NULL);

  block = g_ptr_array_index (self->blocks, index);
  s = g_string_new (NULL);
  for (guint i = 0; i < block->n_ranges; i++)
    {
      const char *a = bulletin_article_offset_to_pointer (self, block->ranges[i].start);
      const char *b = bulletin_article_offset_to_pointer (self, block->ranges[i].end);
      g_string_append_len (s, a, b - a);
    }
  return g_string_free (s, FALSE);
}

/**
 * bulletin_article_dup_body_text:
 *
 * Returns: (transfer full): the text of the body blocks (not the headline
 * block, byline, dateline or source), joined by newlines
 */
char *
bulletin_article_dup_body_text (BulletinArticle *self)
{
  GString *s;

  g_return_val_if_fail (BULLETIN_IS_ARTICLE (self), NULL);

  s = g_string_new (NULL);
  for (guint i = 0; i < self->blocks->len; i++)
    {
      const BulletinBlock *block = g_ptr_array_index (self->blocks, i);
      g_autofree char *text = NULL;

      if (!block_is_body (block))
        continue;
      text = bulletin_article_dup_block_text (self, i);
      if (s->len > 0)
        g_string_append_c (s, '\n');
      g_string_append (s, text);
    }
  return g_string_free (s, FALSE);
}
