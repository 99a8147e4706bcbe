/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <zdict.h>
/* ZSTD_createDDict_byReference (), exported by every libzstd since 1.0 */
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

#include "bulletin-search-index-private.h"

/* compressed text
 *
 * zstd with a dictionary made from the first batch of texts indexed (see
 * writer_make_dictionary ()), kept in meta.  An article is a few
 * kilobytes, too short for a compressor to learn much of its vocabulary
 * from itself; the dictionary takes the text to about 37 % of its size.
 * zstd rather than deflate: it decompresses three to four times faster at
 * the same ratio, and checking candidates is mostly decompressing them.
 * Level 5: on text of real word frequencies (bench-scale) the dictionary
 * does the compressing, and level 5 (greedy matching) makes texts 1.5 %
 * bigger than level 9 for a third of its CPU time (the build spent 17 %
 * of its time in zstd at level 9); level 19 gains little more, level 3
 * costs 9 % of size.  Contexts, digested dictionaries and
 * output buffers are reused from one article to the next.
 *
 * What zstd compresses is the text recoded by character rank
 * (bulletin-search-index-chars.c), and the dictionary is trained on
 * recoded texts: the stored text is 43 % of the UTF-8 in place of 53 %
 * (bench-scale). */

#define ZSTD_LEVEL      5

void
decompressor_clear (Decompressor *z)
{
  g_clear_pointer (&z->dctx, ZSTD_freeDCtx);
  g_clear_pointer (&z->ddict, ZSTD_freeDDict);
  g_clear_pointer (&z->buf, g_free);
  z->cap = 0;
  g_clear_pointer (&z->text, g_free);
  z->text_cap = 0;
  char_table_clear (&z->chars);
  z->bad_chars = FALSE;
}

/* Decompresses a stored text of @text_len bytes (of UTF-8) into a buffer
 * of @z's (valid until the next call), NUL-terminated; NULL when it is
 * damaged.
 *
 * zstd gives the text's code (at most twice its length), decoded into
 * the text by char_table_decode ().  zstd's buffer holds a copy of the
 * dictionary's content right before the code, and the digested
 * dictionary refers to that copy: zstd then sees the dictionary as the
 * code's own prefix and copies a match from it as any other, where a
 * dictionary elsewhere in memory costs a memmove () call for every match
 * into it (a third of the matches of an article of Chinese text;
 * bench-scale: 20 % of the time of decompressing). */
const char *
decompressor_run (Decompressor *z,
                  const guint8 *data,
                  gsize         len,
                  gsize         text_len)
{
  gsize head = z->dictionary_len;
  gsize code_cap;
  size_t r;

  if (z->bad_chars)
    return NULL;
  if (z->dctx == NULL && (z->dctx = ZSTD_createDCtx ()) == NULL)
    return NULL;
  if (text_len > G_MAXUINT32 || len > G_MAXUINT32)
    return NULL;
  code_cap = 2 * text_len + 2;
  if (z->text == NULL || text_len + 4 > z->text_cap)
    {
      z->text_cap = MAX (MAX (text_len + 4, 2 * z->text_cap), 4096);
      z->text = g_realloc (z->text, z->text_cap);
    }
  if (z->buf == NULL || code_cap > z->cap)
    {
      z->cap = MAX (MAX (code_cap, 2 * z->cap), 8192);
      if (z->buf == NULL && head > 0)
        {
          z->buf = g_malloc (head + z->cap);
          memcpy (z->buf, z->dictionary, head);
        }
      else
        z->buf = g_realloc (z->buf, head + z->cap);
      /* the copy of the dictionary moved with the buffer */
      g_clear_pointer (&z->ddict, ZSTD_freeDDict);
    }
  if (z->ddict == NULL && head > 0 &&
      (z->ddict = ZSTD_createDDict_byReference (z->buf, head)) == NULL)
    return NULL;

  /* room for one byte more than a text of @text_len can have */
  if (z->ddict != NULL)
    r = ZSTD_decompress_usingDDict (z->dctx, z->buf + head, code_cap, data, len, z->ddict);
  else
    r = ZSTD_decompressDCtx (z->dctx, z->buf + head, code_cap, data, len);
  if (ZSTD_isError (r) || r >= code_cap)
    return NULL;
  if (!char_table_decode (&z->chars, (const guint8 *)z->buf + head, r, z->text, text_len))
    return NULL;
  return z->text;
}

void
compressor_clear (Compressor *z)
{
  g_clear_pointer (&z->cctx, ZSTD_freeCCtx);
  g_clear_pointer (&z->cdict, ZSTD_freeCDict);
  g_clear_pointer (&z->buf, g_free);
  z->cap = 0;
  g_clear_pointer (&z->code, g_byte_array_unref);
  char_table_clear (&z->chars);
}

/* Compresses @text (recoded) into a buffer of @z's, valid until the next
 * call. */
const guint8 *
compressor_run (Compressor *z,
                const char *text,
                gsize       len,
                gsize      *out_len)
{
  gsize bound;
  size_t r;

  if (z->cctx == NULL && (z->cctx = ZSTD_createCCtx ()) == NULL)
    g_error ("zstd: cannot start");
  if (z->cdict == NULL && z->dictionary_len > 0 &&
      (z->cdict = ZSTD_createCDict (z->dictionary, z->dictionary_len, ZSTD_LEVEL)) == NULL)
    g_error ("zstd: cannot digest the dictionary");

  g_assert (len <= G_MAXUINT32);
  if (z->code == NULL)
    z->code = g_byte_array_new ();
  g_byte_array_set_size (z->code, 0);
  char_table_encode (&z->chars, text, len, z->code);
  len = z->code->len;
  bound = ZSTD_compressBound (len);
  if (bound > z->cap)
    {
      z->cap = MAX (bound, 2 * z->cap);
      z->buf = g_realloc (z->buf, z->cap);
    }
  if (z->cdict != NULL)
    r = ZSTD_compress_usingCDict (z->cctx, z->buf, z->cap, z->code->data, len, z->cdict);
  else
    r = ZSTD_compressCCtx (z->cctx, z->buf, z->cap, z->code->data, len, ZSTD_LEVEL);
  if (ZSTD_isError (r))
    g_error ("zstd: %s", ZSTD_getErrorName (r));
  *out_len = r;
  return z->buf;
}

/* Uses @data (kept by the caller) as the dictionary from now on, and
 * @chars (copied) as the character table (NULL for none) */
void
decompressor_set_dictionary (Decompressor *z,
                             const guint8 *data,
                             gsize         len,
                             const guint8 *chars,
                             gsize         chars_len)
{
  /* copied before the text and digested again on first use */
  g_clear_pointer (&z->ddict, ZSTD_freeDDict);
  g_clear_pointer (&z->buf, g_free);
  z->cap = 0;
  z->dictionary = data;
  z->dictionary_len = len;
  char_table_clear (&z->chars);
  z->bad_chars = !char_table_init (&z->chars, chars, chars_len);
}

void
compressor_set_dictionary (Compressor   *z,
                           const guint8 *data,
                           gsize         len,
                           const guint8 *chars,
                           gsize         chars_len)
{
  z->dictionary = data;
  z->dictionary_len = len;
  g_clear_pointer (&z->cdict, ZSTD_freeCDict);
  char_table_clear (&z->chars);
  if (!char_table_init (&z->chars, chars, chars_len))
    g_error ("a damaged character table to write with");
}

/* A dictionary for texts like @texts (@n_sizes texts of @sizes bytes one
 * after the other, recoded): trained by zstd on them (the texts' common
 * strings and entropy tables), or, when there are too few to train on,
 * their last DICTIONARY_SIZE bytes as raw content, the newest last, where
 * the compressor reaches them with the shortest distances (not starting
 * with zstd's dictionary magic, or zstd would not take it as raw
 * content). */
GBytes *
dictionary_train (const char   *texts,
                  gsize         len,
                  const size_t *sizes,
                  guint         n_sizes)
{
  g_autofree guint8 *trained = g_malloc (DICTIONARY_SIZE);
  size_t trained_len;
  gsize start;

  trained_len = ZDICT_trainFromBuffer (trained, DICTIONARY_SIZE, texts, sizes, n_sizes);
  if (!ZDICT_isError (trained_len))
    return g_bytes_new (trained, trained_len);
  start = len > DICTIONARY_SIZE ? len - DICTIONARY_SIZE : 0;
  while (len - start >= 4 && memcmp (texts + start, "\x37\xa4\x30\xec", 4) == 0)
    start++;
  return g_bytes_new (texts + start, len - start);
}
