/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "bulletin-text-decoder.h"
#include "bulletin-text-han.h"
#include "bulletin-text-import.h"

/* How much of a file without a byte-order mark is decoded in each
 * candidate encoding to choose among them; the winner then decodes all. */
#define SAMPLE_BYTES (64 * 1024)

/* Below this plausibility a decoding is garbage: real Chinese text is
 * 95 % and more common characters, a wrong decoding scatters over the
 * whole table and lands near 50 %. */
#define MIN_SCORE       0.75
#define MIN_SCORE_SHORT 0.5
#define SHORT_SAMPLE    40

/* Memory for a whole decoded file.  Its pages are all written once, and a
 * fault per 4 KiB page cost more than the decoding itself (7,700 faults
 * for 20 MB of GB18030, each dear in a virtual machine): huge pages, where
 * the system gives them on request, make that a few dozen.  Plain memory
 * otherwise; g_free () frees it either way. */
static char *
alloc_text (gsize size)
{
  char *mem = g_malloc (size);

#ifdef MADV_HUGEPAGE
  if (size >= 4 * 1024 * 1024)
    {
      const guintptr huge = 2 * 1024 * 1024;
      guintptr a = ((guintptr)mem + huge - 1) & ~(huge - 1);
      guintptr b = ((guintptr)mem + size) & ~(huge - 1);

      /* a hint: without transparent huge pages it fails, and nothing
       * changes */
      if (b > a)
        (void) madvise ((void *)a, b - a, MADV_HUGEPAGE);
    }
#endif
  return mem;
}

static char *
copy_text (const char *data,
           gsize       len)
{
  char *text = alloc_text (len + 1);

  memcpy (text, data, len);
  text[len] = 0;
  return text;
}

void
bulletin_decoded_text_free (BulletinDecodedText *decoded)
{
  if (decoded == NULL)
    return;
  g_free (decoded->text);
  g_free (decoded);
}

gsize
bulletin_text_normalize_newlines (char  *text,
                                  gsize  len)
{
  char *cr = memchr (text, '\r', len);
  char *w, *end = text + len;

  if (cr == NULL)
    return len;

  w = cr;
  for (const char *r = cr; r < end; r++)
    {
      if (*r == '\r')
        {
          *w++ = '\n';
          if (r + 1 < end && r[1] == '\n')
            r++;
        }
      else
        *w++ = *r;
    }
  *w = 0;
  return w - text;
}

double
bulletin_text_score_chinese (const char *text,
                             gsize       len,
                             guint      *n_counted)
{
  const char *p = text, *end = text + len;
  guint good = 0, counted = 0;

  while (p < end)
    {
      gunichar c;

      if ((guchar)*p < 0x80)
        {
          p++;
          continue;
        }
      c = g_utf8_get_char (p);
      p = g_utf8_next_char (p);

      if (c >= 0x2000 && c <= 0x206F)          /* general punctuation: “”—… */
        continue;
      if (c >= 0x3000 && c <= 0x303F)          /* CJK punctuation */
        continue;
      if (c >= 0xFF01 && c <= 0xFF5E)          /* full-width forms */
        continue;
      if (c == 0xFFFD)
        {
          counted++;
          continue;
        }

      switch (c < 0x3400 ? BULLETIN_HAN_NONE : (guint)bulletin_han_classify (c))
        {
        case BULLETIN_HAN_NONE:
          /* Letters with accents, Greek, box drawing and the like are
           * neutral; what no Chinese text has counts against. */
          if ((c >= 0x80 && c <= 0x9F) ||                 /* C1 controls */
              (c >= 0x3040 && c <= 0x30FF) ||             /* kana */
              (c >= 0xAC00 && c <= 0xD7AF) ||             /* Hangul */
              (c >= 0xE000 && c <= 0xF8FF) ||             /* private use */
              (c >= 0xFF61 && c <= 0xFFEF) ||             /* half-width forms */
              (c >= 0x4DC0 && c <= 0x4DFF) ||             /* Yijing hexagrams */
              !g_unichar_isdefined (c))
            counted++;
          break;
        default:
          counted++;
          if (bulletin_han_classify (c) & BULLETIN_HAN_COMMON)
            good++;
          break;
        }
    }

  if (n_counted != NULL)
    *n_counted = counted;
  return counted == 0 ? 0.5 : (double)good / counted;
}

/* Decodes @len bytes of @charset into UTF-8.  With @partial, an incomplete
 * character at the end is dropped (a sample cut in the middle); without,
 * it becomes U+FFFD and counts in @n_replaced.  NULL when a byte sequence
 * is invalid; @bad_offset receives its offset. */
static char *
iconv_decode (const char *data,
              gsize       len,
              const char *charset,
              gboolean    partial,
              gsize      *out_len,
              guint      *n_replaced,
              gsize      *bad_offset)
{
  GIConv conv = g_iconv_open ("UTF-8", charset);
  gsize cap, used = 0;
  char *out;
  char *inp = (char *)data;
  gsize in_left = len;

  if (conv == (GIConv)-1)
    {
      *bad_offset = 0;
      return NULL;
    }

  /* Two bytes of GB18030 or Big5 make at most three of UTF-8, four make
   * four; UTF-16 two make three. */
  cap = len + len / 2 + 16;
  out = alloc_text (cap);

  while (in_left > 0)
    {
      char *outp = out + used;
      gsize out_left = cap - used - 4;   /* room for U+FFFD and NUL */
      gsize r = g_iconv (conv, &inp, &in_left, &outp, &out_left);

      used = outp - out;
      if (r != (gsize)-1)
        break;
      if (errno == E2BIG)
        {
          cap = cap * 2 + 16;
          out = g_realloc (out, cap);
          continue;
        }
      if (errno == EINVAL)
        {
          if (!partial)
            {
              memcpy (out + used, "\xEF\xBF\xBD", 3);
              used += 3;
              (*n_replaced)++;
            }
          break;
        }
      *bad_offset = inp - data;
      g_iconv_close (conv);
      g_free (out);
      return NULL;
    }

  g_iconv_close (conv);
  out[used] = 0;
  *out_len = used;
  return out;
}

/* GB18030 by table: every two-byte code (lead 81-FE, trail 40-FE but 7F)
 * maps to one character, whose UTF-8 the table holds, learnt from
 * iconv once; the rare four-byte codes go through iconv one by one.  Three
 * times faster than iconv, which goes through UCS-4. */
typedef struct {
  guint8 len;
  char   utf8[4];   /* six codes (FE51 ...) map outside the BMP */
} GbEntry;

#define GB_TRAILS 191   /* 0x40..0xFE */

static GbEntry *gb_table;

static void
build_gb_table (void)
{
  GIConv conv = g_iconv_open ("UTF-8", "GB18030");

  gb_table = g_new0 (GbEntry, 126 * GB_TRAILS);
  if (conv == (GIConv)-1)
    return;

  for (guint lead = 0x81; lead <= 0xFE; lead++)
    for (guint trail = 0x40; trail <= 0xFE; trail++)
      {
        char in[2] = { (char)lead, (char)trail };
        char out[8];
        char *inp = in, *outp = out;
        gsize in_left = 2, out_left = sizeof out;
        GbEntry *e = &gb_table[(lead - 0x81) * GB_TRAILS + (trail - 0x40)];

        if (trail == 0x7F)
          continue;
        g_iconv (conv, NULL, NULL, NULL, NULL);
        if (g_iconv (conv, &inp, &in_left, &outp, &out_left) == (gsize)-1 || in_left != 0)
          continue;
        if (outp - out > 4 || outp == out)
          continue;
        e->len = outp - out;
        memcpy (e->utf8, out, e->len);
      }
  g_iconv_close (conv);
}

/* NULL when the bytes are not valid GB18030 or end in the middle of a
 * character: the caller then asks iconv, which says where.  @has_nul and
 * @has_cr say whether a NUL or a carriage return was among the bytes (as
 * ASCII: no other GB18030 character has them in its UTF-8), so that the
 * caller need not read the whole file again for them. */
static char *
gb18030_decode (const char *data,
                gsize       len,
                gsize      *out_len,
                gboolean   *has_nul,
                gboolean   *has_cr)
{
  static gsize once;
  const guchar *p = (const guchar *)data, *end = p + len;
  GIConv conv = (GIConv)-1;
  char *out, *o;
  gboolean nul = FALSE, cr = FALSE;

  if (g_once_init_enter (&once))
    {
      build_gb_table ();
      g_once_init_leave (&once, 1);
    }

  /* ASCII stays one byte, two bytes make at most four, four make four */
  out = alloc_text (len * 2 + 8);
  o = out;

  while (p < end)
    {
      guchar b = *p;

      if (b < 0x80)
        {
          if (G_UNLIKELY (b <= '\r'))
            {
              nul |= b == 0;
              cr |= b == '\r';
            }
          *o++ = b;
          p++;
          continue;
        }
      if (b == 0x80 || b == 0xFF || p + 1 >= end)
        goto fail;

      if (p[1] >= 0x40 && p[1] != 0x7F && p[1] != 0xFF)
        {
          const GbEntry *e = &gb_table[(b - 0x81) * GB_TRAILS + (p[1] - 0x40)];

          if (e->len == 0)
            goto fail;
          memcpy (o, e->utf8, 4);
          o += e->len;
          p += 2;
        }
      else if (p[1] >= 0x30 && p[1] <= 0x39 && p + 3 < end)
        {
          char *inp = (char *)p, *outp = o;
          gsize in_left = 4, out_left = 4;

          if (conv == (GIConv)-1 && (conv = g_iconv_open ("UTF-8", "GB18030")) == (GIConv)-1)
            goto fail;
          if (g_iconv (conv, &inp, &in_left, &outp, &out_left) == (gsize)-1 || in_left != 0)
            goto fail;
          o = outp;
          p += 4;
        }
      else
        goto fail;
    }

  if (conv != (GIConv)-1)
    g_iconv_close (conv);
  *o = 0;
  *out_len = o - out;
  *has_nul = nul;
  *has_cr = cr;
  return out;

fail:
  if (conv != (GIConv)-1)
    g_iconv_close (conv);
  g_free (out);
  return NULL;
}

/* UTF-8 with every invalid byte replaced by U+FFFD. */
static char *
utf8_decode_lossy (const char *data,
                   gsize       len,
                   gsize      *out_len,
                   guint      *n_replaced)
{
  GString *s = g_string_sized_new (len + 16);
  const char *p = data, *end = data + len;

  while (p < end)
    {
      const char *valid_end;

      g_utf8_validate_len (p, end - p, &valid_end);
      g_string_append_len (s, p, valid_end - p);
      p = valid_end;
      if (p < end)
        {
          g_string_append (s, "\xEF\xBF\xBD");
          (*n_replaced)++;
          p++;
        }
    }
  *out_len = s->len;
  return g_string_free (s, FALSE);
}

static const struct {
  const char *magic;
  gsize       len;
  const char *what;
} magics[] = {
  { "%PDF-", 5, "PDF" },
  { "\x89PNG", 4, "PNG" },
  { "\xFF\xD8\xFF", 3, "JPEG" },
  { "GIF8", 4, "GIF" },
  { "PK\x03\x04", 4, "ZIP" },
  { "\x1F\x8B", 2, "gzip" },
  { "\xD0\xCF\x11\xE0", 4, "OLE" },
  { "\x7F" "ELF", 4, "ELF" },
  { "{\\rtf", 5, "RTF" },
};

/* Magic numbers and control characters.  A NUL anywhere makes binary
 * data too, but that is left to the caller, who may find it while
 * decoding rather than in a pass of its own. */
static gboolean
looks_binary (const char *data,
              gsize       len)
{
  gsize sample = MIN (len, SAMPLE_BYTES);
  guint controls = 0;

  for (guint i = 0; i < G_N_ELEMENTS (magics); i++)
    if (len >= magics[i].len && memcmp (data, magics[i].magic, magics[i].len) == 0)
      return TRUE;

  for (gsize i = 0; i < sample; i++)
    {
      guchar b;

      /* eight bytes at a time while none is below 0x20, as in most text
       * (the test is exact: a byte below 0x20 is never missed) */
      if (i % 8 == 0 && i + 8 <= sample)
        {
          guint64 x;

          memcpy (&x, data + i, 8);
          if (((x - G_GUINT64_CONSTANT (0x2020202020202020)) & ~x &
               G_GUINT64_CONSTANT (0x8080808080808080)) == 0)
            {
              i += 7;
              continue;
            }
        }
      b = data[i];
      if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' &&
          b != '\v' && b != 0x1A && b != 0x1B)
        controls++;
    }
  return controls > 2 && controls * 100 > sample;
}

static BulletinDecodedText *
decoded_new_full (char       *text,
                  gsize       len,
                  const char *encoding,
                  guint       n_replaced,
                  gboolean    maybe_cr)
{
  BulletinDecodedText *decoded = g_new0 (BulletinDecodedText, 1);

  decoded->len = maybe_cr ? bulletin_text_normalize_newlines (text, len) : len;
  decoded->text = text;
  decoded->encoding = encoding;
  decoded->n_replaced = n_replaced;
  return decoded;
}

static BulletinDecodedText *
decoded_new (char       *text,
             gsize       len,
             const char *encoding,
             guint       n_replaced)
{
  return decoded_new_full (text, len, encoding, n_replaced, TRUE);
}

typedef struct {
  const char *charset;   /* for iconv */
  const char *name;      /* for people */
  double      score;
  guint       n_counted;
} Candidate;

static int
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const Candidate *ca = a, *cb = b;

  if (ca->score != cb->score)
    return ca->score < cb->score ? 1 : -1;
  return 0;
}

/**
 * bulletin_text_decode_gb18030:
 *
 * Decodes GB18030 by table (see gb18030_decode ()).
 *
 * Returns: (transfer full) (nullable): the UTF-8 text, or NULL when @data
 *   is not valid GB18030
 */
char *
bulletin_text_decode_gb18030 (const char *data,
                              gsize       len,
                              gsize      *out_len)
{
  gboolean has_nul, has_cr;

  return gb18030_decode (data, len, out_len, &has_nul, &has_cr);
}

/**
 * bulletin_text_decode_as:
 *
 * Decodes @data from @encoding (a name iconv knows), as a reader asks
 * when the file was read in the wrong encoding.  A byte-order mark of
 * that encoding is dropped; line ends become LF.  Bytes that are not
 * valid in @encoding are an error naming the first.
 *
 * Returns: (transfer full) (nullable): the decoded text
 */
BulletinDecodedText *
bulletin_text_decode_as (const char  *data,
                         gsize        len,
                         const char  *display_name,
                         const char  *encoding,
                         GError     **error)
{
  g_autofree char *upper = NULL;
  gsize out_len = 0, bad = 0;
  guint n_replaced = 0;
  char *text;
  GIConv conv;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (encoding != NULL, NULL);

  if (display_name == NULL)
    display_name = "?";

  conv = g_iconv_open ("UTF-8", encoding);
  if (conv == (GIConv) -1)
    {
      g_set_error (error, BULLETIN_TEXT_ERROR, BULLETIN_TEXT_ERROR_ENCODING,
                   _("%s: the encoding %s is not known on this system"), display_name, encoding);
      return NULL;
    }
  g_iconv_close (conv);

  upper = g_ascii_strup (encoding, -1);
  if (g_str_has_prefix (upper, "UTF-8") || g_str_equal (upper, "UTF8"))
    {
      if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
        {
          data += 3;
          len -= 3;
        }
    }
  else if (g_str_has_prefix (upper, "UTF-16") && len >= 2 &&
           ((((guchar) data[0] == 0xFF && (guchar) data[1] == 0xFE) && !g_str_has_suffix (upper, "BE")) ||
            (((guchar) data[0] == 0xFE && (guchar) data[1] == 0xFF) && !g_str_has_suffix (upper, "LE"))))
    {
      data += 2;
      len -= 2;
    }
  if (len == 0)
    {
      g_set_error (error, BULLETIN_TEXT_ERROR, BULLETIN_TEXT_ERROR_EMPTY,
                   _("%s: the file is empty"), display_name);
      return NULL;
    }

  text = iconv_decode (data, len, encoding, FALSE, &out_len, &n_replaced, &bad);
  if (text == NULL)
    {
      g_set_error (error, BULLETIN_TEXT_ERROR, BULLETIN_TEXT_ERROR_ENCODING,
                   /* a plain %lu: xgettext cannot see through G_GSIZE_FORMAT */
                   _("%s: not %s: byte %lu is not valid in it"),
                   display_name, encoding, (gulong) bad);
      return NULL;
    }
  if (memchr (text, 0, out_len) != NULL)
    {
      g_free (text);
      g_set_error (error, BULLETIN_TEXT_ERROR, BULLETIN_TEXT_ERROR_BINARY,
                   _("%s: not a text file (it contains binary data)"), display_name);
      return NULL;
    }
  return decoded_new (text, out_len, g_intern_string (encoding), n_replaced);
}

/* The names of the character sets of the gconv modules in @dir */
static void
add_gconv_names (const char *dir,
                 GHashTable *seen,
                 GPtrArray  *names)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *conf_dir = g_build_filename (dir, "gconv-modules.d", NULL);
  g_autoptr(GDir) d = g_dir_open (conf_dir, 0, NULL);
  const char *entry;

  g_ptr_array_add (files, g_build_filename (dir, "gconv-modules", NULL));
  while (d != NULL && (entry = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (entry, ".conf"))
      g_ptr_array_add (files, g_build_filename (conf_dir, entry, NULL));

  for (guint f = 0; f < files->len; f++)
    {
      g_autofree char *contents = NULL;
      g_auto(GStrv) lines = NULL;

      if (!g_file_get_contents (g_ptr_array_index (files, f), &contents, NULL, NULL))
        continue;
      lines = g_strsplit (contents, "\n", -1);
      for (guint l = 0; lines[l] != NULL; l++)
        {
          g_auto(GStrv) words = NULL;
          char *name;
          gsize n;

          if (!g_str_has_prefix (lines[l], "module"))
            continue;
          words = g_strsplit_set (lines[l], " \t", -1);
          /* module FROM// INTERNAL FILE COST: FROM is readable */
          for (n = 1; words[n] != NULL && *words[n] == 0; n++)
            ;
          if (words[n] == NULL || g_str_equal (words[n], "INTERNAL"))
            continue;
          name = words[n];
          if (g_str_has_suffix (name, "//"))
            name[strlen (name) - 2] = 0;
          if (*name == 0 || g_hash_table_contains (seen, name))
            continue;
          g_hash_table_add (seen, g_strdup (name));
          g_ptr_array_add (names, g_strdup (name));
        }
    }
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_ascii_strcasecmp (*(char * const *) a, *(char * const *) b);
}

/**
 * bulletin_text_dup_encoding_names:
 *
 * The encodings a reader may choose for a plain-text file: first those
 * of Chinese bulletins (UTF-8, GB18030, Big5, Big5-HKSCS, UTF-16LE/BE ...)
 * that iconv knows here, then every other one iconv has a module for
 * (read from the gconv-modules files), by name.
 *
 * Returns: (transfer full) (element-type utf8): the names
 */
GPtrArray *
bulletin_text_dup_encoding_names (void)
{
  static const char * const first[] = {
    "UTF-8", "GB18030", "GBK", "GB2312", "BIG5", "BIG5-HKSCS", "UTF-16LE", "UTF-16BE",
    "UTF-16", "UTF-32LE", "UTF-32BE", "EUC-TW", "CP950", "CP936", "ISO-2022-CN",
    "ISO-2022-CN-EXT", "SHIFT_JIS", "EUC-JP", "EUC-KR", "ISO-8859-1", "WINDOWS-1252",
  };
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) rest = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *gconv_path = g_getenv ("GCONV_PATH");
  const char * const dirs[] = {
    "/usr/lib/x86_64-linux-gnu/gconv", "/usr/lib/aarch64-linux-gnu/gconv",
    "/usr/lib/i386-linux-gnu/gconv", "/usr/lib64/gconv", "/usr/lib/gconv",
  };

  for (guint i = 0; i < G_N_ELEMENTS (first); i++)
    {
      GIConv conv = g_iconv_open ("UTF-8", first[i]);

      if (conv == (GIConv) -1)
        continue;
      g_iconv_close (conv);
      g_hash_table_add (seen, g_strdup (first[i]));
      g_ptr_array_add (names, g_strdup (first[i]));
    }
  /* the modules' own names for those already listed */
  g_hash_table_add (seen, g_strdup ("BIG5HKSCS"));
  g_hash_table_add (seen, g_strdup ("UNICODE"));

  if (gconv_path != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (gconv_path, ":", -1);

      for (guint i = 0; parts[i] != NULL; i++)
        if (*parts[i] != 0)
          add_gconv_names (parts[i], seen, rest);
    }
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    add_gconv_names (dirs[i], seen, rest);

  g_ptr_array_sort (rest, compare_names);
  /* a module's name is one iconv knows: not opened here (each open
   * loads the module) */
  for (guint i = 0; i < rest->len; i++)
    g_ptr_array_add (names, g_strdup (g_ptr_array_index (rest, i)));
  return names;
}

static BulletinDecodedText *
empty_error (const char  *display_name,
             GError     **error)
{
  g_set_error (error, BULLETIN_TEXT_ERROR, BULLETIN_TEXT_ERROR_EMPTY,
               _("%s: the file is empty"), display_name);
  return NULL;
}

static BulletinDecodedText *
binary_error (const char  *display_name,
              GError     **error)
{
  g_set_error (error, BULLETIN_TEXT_ERROR, BULLETIN_TEXT_ERROR_BINARY,
               _("%s: not a text file (it contains binary data)"), display_name);
  return NULL;
}

/* A UTF-8 file after its byte-order mark. */
static BulletinDecodedText *
decode_utf8_bom (const char  *data,
                 gsize        len,
                 const char  *display_name,
                 GError     **error)
{
  gsize out_len = 0;
  guint n_replaced = 0;
  char *text;

  if (len == 0)
    return empty_error (display_name, error);
  if (memchr (data, 0, len) != NULL)
    return binary_error (display_name, error);
  if (g_utf8_validate_len (data, len, NULL))
    return decoded_new (copy_text (data, len), len, "UTF-8", 0);
  text = utf8_decode_lossy (data, len, &out_len, &n_replaced);
  return decoded_new (text, out_len, "UTF-8", n_replaced);
}

/* A UTF-16 file, its byte-order mark (2 bytes) included. */
static BulletinDecodedText *
decode_utf16_bom (const char  *data,
                  gsize        len,
                  const char  *display_name,
                  GError     **error)
{
  const char *charset = (guchar)data[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
  gsize out_len = 0, bad = 0;
  guint n_replaced = 0;
  char *text;

  if (len == 2)
    return empty_error (display_name, error);
  text = iconv_decode (data + 2, len - 2, charset, FALSE, &out_len, &n_replaced, &bad);
  if (text == NULL)
    {
      g_set_error (error, BULLETIN_TEXT_ERROR, BULLETIN_TEXT_ERROR_ENCODING,
                   /* a plain %lu: xgettext cannot see through G_GSIZE_FORMAT */
                   _("%s: the file says it is %s, but byte %lu is not"),
                   display_name, charset, (gulong) (bad + 2));
      return NULL;
    }
  if (memchr (text, 0, out_len) != NULL)
    {
      g_free (text);
      return binary_error (display_name, error);
    }
  return decoded_new (text, out_len, charset, n_replaced);
}

/* Scores a sample of @data read in each candidate encoding. */
static void
score_candidates (Candidate  *candidates,
                  guint       n_candidates,
                  const char *data,
                  gsize       len)
{
  gsize sample_len = MIN (len, SAMPLE_BYTES), bad = 0;

  for (guint i = 0; i < n_candidates; i++)
    {
      g_autofree char *sample = NULL;
      gsize sample_out = 0;
      guint replaced = 0;

      if (g_str_equal (candidates[i].charset, "UTF-8"))
        sample = utf8_decode_lossy (data, sample_len, &sample_out, &replaced);
      else
        sample = iconv_decode (data, sample_len, candidates[i].charset, TRUE,
                               &sample_out, &replaced, &bad);
      if (sample == NULL && g_str_equal (candidates[i].charset, "BIG5"))
        {
          /* Hong Kong characters are outside plain Big5. */
          candidates[i].charset = "BIG5-HKSCS";
          candidates[i].name = "Big5-HKSCS";
          sample = iconv_decode (data, sample_len, candidates[i].charset, TRUE,
                                 &sample_out, &replaced, &bad);
        }
      if (sample == NULL)
        continue;
      candidates[i].score = bulletin_text_score_chinese (sample, sample_out,
                                                         &candidates[i].n_counted);
    }
}

/* Legacy encodings: the whole file in the most plausible one whose
 * sample scores well enough. */
static BulletinDecodedText *
decode_legacy (const char  *data,
               gsize        len,
               const char  *display_name,
               GError     **error)
{
  Candidate candidates[] = {
    { "GB18030", "GB18030", -1, 0 },
    { "BIG5", "Big5", -1, 0 },
    { "UTF-8", "UTF-8", -1, 0 },         /* damaged UTF-8, replaced bytes */
  };
  gboolean nul_checked = FALSE;

  score_candidates (candidates, G_N_ELEMENTS (candidates), data, len);
  qsort (candidates, G_N_ELEMENTS (candidates), sizeof (Candidate), compare_candidates);

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      double min = candidates[i].n_counted < SHORT_SAMPLE ? MIN_SCORE_SHORT : MIN_SCORE;
      gsize out_len = 0, bad = 0;
      guint n_replaced = 0;
      char *text = NULL;

      if (candidates[i].score < min)
        break;

      if (g_str_equal (candidates[i].charset, "GB18030"))
        {
          gboolean has_nul, has_cr;

          text = gb18030_decode (data, len, &out_len, &has_nul, &has_cr);
          if (text != NULL && has_nul)
            {
              g_free (text);
              return binary_error (display_name, error);
            }
          if (text != NULL)
            return decoded_new_full (text, out_len, candidates[i].name, 0, has_cr);
        }
      if (!nul_checked)
        {
          if (memchr (data, 0, len) != NULL)
            return binary_error (display_name, error);
          nul_checked = TRUE;
        }
      if (g_str_equal (candidates[i].charset, "UTF-8"))
        text = utf8_decode_lossy (data, len, &out_len, &n_replaced);
      if (text == NULL && !g_str_equal (candidates[i].charset, "UTF-8"))
        text = iconv_decode (data, len, candidates[i].charset, FALSE,
                             &out_len, &n_replaced, &bad);
      if (text != NULL)
        return decoded_new (text, out_len, candidates[i].name, n_replaced);
    }

  if (!nul_checked && memchr (data, 0, len) != NULL)
    return binary_error (display_name, error);
  g_set_error (error, BULLETIN_TEXT_ERROR, BULLETIN_TEXT_ERROR_ENCODING,
               _("%s: unknown text encoding: it is not UTF-8, and neither GB18030 "
                 "nor Big5 reads it as Chinese text"),
               display_name);
  return NULL;
}

/* bulletin_text_decode () of @data; with @utf8, @data is known to be
 * valid UTF-8 (which cannot start with a UTF-16 mark) and is not
 * validated again, unless it has a NUL, which bulletin_text_decode ()
 * does not take for UTF-8 */
static BulletinDecodedText *
decode_text (const char  *data,
             gsize        len,
             const char  *display_name,
             gboolean     utf8,
             GError     **error)
{
  if (display_name == NULL)
    display_name = "?";

  /* Byte-order marks. */
  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    return decode_utf8_bom (data + 3, len - 3, display_name, error);
  if (len == 0)
    return empty_error (display_name, error);
  if (utf8 && memchr (data, 0, len) != NULL)
    utf8 = FALSE;
  if (!utf8 && len >= 2 && (((guchar)data[0] == 0xFF && (guchar)data[1] == 0xFE) ||
                            ((guchar)data[0] == 0xFE && (guchar)data[1] == 0xFF)))
    return decode_utf16_bom (data, len, display_name, error);

  if (looks_binary (data, len))
    return binary_error (display_name, error);

  /* valid UTF-8 has no NUL (g_utf8_validate_len () refuses it) */
  if (utf8 || g_utf8_validate_len (data, len, NULL))
    return decoded_new (copy_text (data, len), len, "UTF-8", 0);

  return decode_legacy (data, len, display_name, error);
}

/**
 * bulletin_text_decode_utf8:
 *
 * bulletin_text_decode () of @data that the caller knows to be valid
 * UTF-8 (as it validated it, or converted it), without validating it
 * again: the same result, for a listing that decodes the first few KB
 * of thousands of files.
 *
 * Returns: (transfer full) (nullable): the text
 */
BulletinDecodedText *
bulletin_text_decode_utf8 (const char  *data,
                           gsize        len,
                           const char  *display_name,
                           GError     **error)
{
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  return decode_text (data, len, display_name, TRUE, error);
}

/**
 * bulletin_text_decode:
 *
 * Finds the encoding of a plain-text file and decodes it: a byte-order
 * mark (UTF-8, UTF-16LE, UTF-16BE) decides; else valid UTF-8 is UTF-8;
 * else GB18030 and Big5 each decode a sample, and the one whose reading is
 * the most plausible Chinese (see bulletin_text_score_chinese ()) decodes
 * the whole file.  Binary data is refused.
 *
 * Returns: (transfer full) (nullable): the decoded text
 */
BulletinDecodedText *
bulletin_text_decode (const char  *data,
                      gsize        len,
                      const char  *display_name,
                      GError     **error)
{
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  return decode_text (data, len, display_name, FALSE, error);
}
