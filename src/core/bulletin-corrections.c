/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "bulletin-corrections.h"

/*
 * The reader's corrections of plain-text issues.  The store keeps every
 * key file of its folder in memory (they are small: a few lines per
 * corrected issue); a change rewrites the key file of the current
 * archive at once, atomically (g_file_set_contents_full (): a temporary
 * file with a unique name, renamed over the old one).  An issue's group
 * found in another archive's file (the archive moved) moves into the
 * current one's when it next changes.  See docs/corrections-format.md.
 */

G_DEFINE_QUARK (bulletin-corrections-error-quark, bulletin_corrections_error)

#define GROUP_PREFIX "Issue "
#define MAX_CONTEXT  80   /* characters of a line kept as context */

static const char * const kind_names[] = {
  [BULLETIN_CORRECTION_NONE] = "none",
  [BULLETIN_CORRECTION_NEW_ARTICLE] = "new-article",
  [BULLETIN_CORRECTION_JOIN_PREVIOUS] = "join-previous",
  [BULLETIN_CORRECTION_HEADLINE] = "headline",
  [BULLETIN_CORRECTION_SUBTITLE] = "subtitle",
  [BULLETIN_CORRECTION_BYLINE] = "byline",
  [BULLETIN_CORRECTION_DATELINE] = "dateline",
  [BULLETIN_CORRECTION_SUBHEAD] = "subhead",
  [BULLETIN_CORRECTION_BODY] = "body",
};

const char *
bulletin_correction_kind_to_string (BulletinCorrectionKind kind)
{
  if (kind > BULLETIN_CORRECTION_LAST)
    return "none";
  return kind_names[kind];
}

BulletinCorrectionKind
bulletin_correction_kind_from_string (const char *text)
{
  for (guint k = 1; text != NULL && k < G_N_ELEMENTS (kind_names); k++)
    if (g_str_equal (text, kind_names[k]))
      return k;
  return BULLETIN_CORRECTION_NONE;
}

const char *
bulletin_correction_kind_get_label (BulletinCorrectionKind kind)
{
  switch (kind)
    {
    case BULLETIN_CORRECTION_NEW_ARTICLE: return _("Start a New Article Here");
    case BULLETIN_CORRECTION_JOIN_PREVIOUS: return _("Join with the Previous Article");
    case BULLETIN_CORRECTION_HEADLINE: return _("This Line Is a Headline");
    case BULLETIN_CORRECTION_SUBTITLE: return _("This Line Is a Subtitle");
    case BULLETIN_CORRECTION_BYLINE: return _("This Line Is a Byline");
    case BULLETIN_CORRECTION_DATELINE: return _("This Line Is a Dateline");
    case BULLETIN_CORRECTION_SUBHEAD: return _("This Line Is a Subhead");
    case BULLETIN_CORRECTION_BODY: return _("This Line Is Body Text");
    case BULLETIN_CORRECTION_NONE:
    default:
      return "";
    }
}

/* Lines */

static gsize
space_at (const char *p,
          const char *end)
{
  guchar b = *p;

  if (b == ' ' || b == '\t' || b == '\r' || b == '\f' || b == '\v')
    return 1;
  if (b == 0xC2 && end - p >= 2 && (guchar) p[1] == 0xA0)
    return 2;
  if (b == 0xE3 && end - p >= 3 && (guchar) p[1] == 0x80 && (guchar) p[2] == 0x80)
    return 3;
  if (b == 0xEF && end - p >= 3 && (guchar) p[1] == 0xBB && (guchar) p[2] == 0xBF)
    return 3;
  if (b == 0xE2 && end - p >= 3 && (guchar) p[1] == 0x80 &&
      ((guchar) p[2] <= 0x8B || (guchar) p[2] == 0xAF))
    return 3;
  return 0;
}

/* Trims white space at both ends of [*s, *e). */
static void
trim (const char **s,
      const char **e)
{
  gsize n;

  while (*s < *e && (n = space_at (*s, *e)) > 0)
    *s += n;
  while (*e > *s)
    {
      const char *p = g_utf8_find_prev_char (*s, *e);

      if (p == NULL || space_at (p, *e) != (gsize) (*e - p))
        break;
      *e = p;
    }
}

typedef struct {
  gsize raw;        /* the line's first byte (after the LF before it) */
  const char *s, *e; /* its text, trimmed */
} RawLine;

/* The non-blank lines of @text. */
static GArray *
raw_lines (const char *text,
           gsize       len)
{
  GArray *lines = g_array_new (FALSE, FALSE, sizeof (RawLine));
  const char *p = text, *end = text + len;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *le = nl != NULL ? nl : end;
      RawLine line = { p - text, p, le };

      trim (&line.s, &line.e);
      if (line.s < line.e)
        g_array_append_val (lines, line);
      p = nl != NULL ? nl + 1 : end;
    }
  return lines;
}

static char *
context_text (const char *s,
              const char *e)
{
  const char *p = s;

  for (guint i = 0; i < MAX_CONTEXT && p < e; i++)
    p = g_utf8_next_char (p);
  return g_strndup (s, MIN (p, e) - s);
}

BulletinCorrection *
bulletin_correction_new (BulletinCorrectionKind  kind,
                         const char             *line,
                         const char             *before,
                         const char             *after)
{
  BulletinCorrection *c = g_new0 (BulletinCorrection, 1);

  g_return_val_if_fail (line != NULL, NULL);

  c->kind = kind;
  c->line = g_strdup (line);
  c->before = g_strdup (before != NULL ? before : "");
  c->after = g_strdup (after != NULL ? after : "");
  c->created = g_get_real_time ();
  return c;
}

BulletinCorrection *
bulletin_correction_copy (const BulletinCorrection *correction)
{
  BulletinCorrection *c = bulletin_correction_new (correction->kind, correction->line,
                                                   correction->before, correction->after);

  c->created = correction->created;
  c->found = correction->found;
  return c;
}

void
bulletin_correction_free (BulletinCorrection *correction)
{
  if (correction == NULL)
    return;
  g_free (correction->line);
  g_free (correction->before);
  g_free (correction->after);
  g_free (correction);
}

/* The last (@last) or first non-blank line of an article's source. */
static char *
edge_line (BulletinArticle *article,
           gboolean         last)
{
  const char *src = bulletin_article_get_source (article);
  gsize len = bulletin_article_get_source_bytes (article);
  g_autoptr(GArray) lines = raw_lines (src, len);
  RawLine *l;

  if (lines->len == 0)
    return g_strdup ("");
  l = &g_array_index (lines, RawLine, last ? lines->len - 1 : 0);
  return context_text (l->s, l->e);
}

BulletinCorrection *
bulletin_correction_new_in_article (BulletinCorrectionKind  kind,
                                    GPtrArray              *articles,
                                    guint                   index,
                                    guint                   offset)
{
  BulletinArticle *article;
  const char *src, *at;
  gsize len;
  g_autoptr(GArray) lines = NULL;
  g_autofree char *line = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  guint found = G_MAXUINT;

  g_return_val_if_fail (articles != NULL && index < articles->len, NULL);

  article = g_ptr_array_index (articles, index);
  src = bulletin_article_get_source (article);
  len = bulletin_article_get_source_bytes (article);
  offset = MIN (offset, bulletin_article_get_source_length (article));
  at = bulletin_article_offset_to_pointer (article, offset);
  lines = raw_lines (src, len);
  if (lines->len == 0)
    return NULL;

  /* the line holding @offset, or the next one */
  for (guint l = 0; l < lines->len && found == G_MAXUINT; l++)
    {
      RawLine *r = &g_array_index (lines, RawLine, l);
      const char *line_end = memchr (r->e, '\n', src + len - r->e);

      if (line_end == NULL)
        line_end = src + len;
      if (at <= line_end)
        found = l;
    }
  if (found == G_MAXUINT)
    found = lines->len - 1;

  {
    RawLine *r = &g_array_index (lines, RawLine, found);
    line = g_strndup (r->s, r->e - r->s);
  }
  if (found > 0)
    {
      RawLine *r = &g_array_index (lines, RawLine, found - 1);
      before = context_text (r->s, r->e);
    }
  else if (index > 0)
    before = edge_line (g_ptr_array_index (articles, index - 1), TRUE);
  if (found + 1 < lines->len)
    {
      RawLine *r = &g_array_index (lines, RawLine, found + 1);
      after = context_text (r->s, r->e);
    }
  else if (index + 1 < articles->len)
    after = edge_line (g_ptr_array_index (articles, index + 1), FALSE);

  return bulletin_correction_new (kind, line, before, after);
}

/* Finding the lines again */

static gboolean
same_text (const char *a,
           gsize       a_len,
           const char *b,
           const char *b_norm)
{
  g_autofree char *copy = NULL;
  g_autofree char *norm = NULL;

  if (strlen (b) == a_len && memcmp (a, b, a_len) == 0)
    return TRUE;
  if (b_norm == NULL || *b_norm == 0)
    return FALSE;
  copy = g_strndup (a, a_len);
  norm = bulletin_normalize_for_identity (copy, 0);
  return g_str_equal (norm, b_norm);
}

static int
compare_fixes (gconstpointer a,
               gconstpointer b)
{
  const BulletinLineFix *x = a, *y = b;

  return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/**
 * bulletin_corrections_resolve:
 *
 * Each correction's line is looked for among the lines of @text with the
 * same text (or the same once folded as ids are: punctuation width, white
 * space); several are told apart by the lines beside them, then the first
 * wins.  A correction whose line is not there is left out of the result
 * and its found flag cleared: it stays in the store.
 */
GArray *
bulletin_corrections_resolve (GPtrArray  *corrections,
                              const char *text,
                              gsize       len)
{
  GArray *fixes = g_array_new (FALSE, FALSE, sizeof (BulletinLineFix));
  g_autoptr(GArray) lines = NULL;

  if (corrections == NULL || corrections->len == 0)
    return fixes;
  lines = raw_lines (text, len);

  for (guint c = 0; c < corrections->len; c++)
    {
      BulletinCorrection *corr = g_ptr_array_index (corrections, c);
      g_autofree char *line_norm = bulletin_normalize_for_identity (corr->line, 0);
      g_autofree char *before_norm = bulletin_normalize_for_identity (corr->before, 0);
      g_autofree char *after_norm = bulletin_normalize_for_identity (corr->after, 0);
      int best = -1;
      guint best_line = 0;

      corr->found = FALSE;
      if (corr->kind == BULLETIN_CORRECTION_NONE)
        continue;
      for (guint l = 0; l < lines->len; l++)
        {
          RawLine *r = &g_array_index (lines, RawLine, l);
          int score = 0;

          if (!same_text (r->s, r->e - r->s, corr->line, line_norm))
            continue;
          if (l > 0 && *corr->before != 0)
            {
              RawLine *p = &g_array_index (lines, RawLine, l - 1);
              g_autofree char *ctx = context_text (p->s, p->e);
              score += 2 * same_text (ctx, strlen (ctx), corr->before, before_norm);
            }
          if (l + 1 < lines->len && *corr->after != 0)
            {
              RawLine *n = &g_array_index (lines, RawLine, l + 1);
              g_autofree char *ctx = context_text (n->s, n->e);
              score += same_text (ctx, strlen (ctx), corr->after, after_norm);
            }
          if (score > best)
            {
              best = score;
              best_line = l;
            }
        }
      if (best >= 0)
        {
          BulletinLineFix fix = { g_array_index (lines, RawLine, best_line).raw, corr->kind };
          gboolean replaced = FALSE;

          corr->found = TRUE;
          /* a later correction of the same line wins */
          for (guint f = 0; f < fixes->len; f++)
            if (g_array_index (fixes, BulletinLineFix, f).offset == fix.offset)
              {
                g_array_index (fixes, BulletinLineFix, f).kind = fix.kind;
                replaced = TRUE;
              }
          if (!replaced)
            g_array_append_val (fixes, fix);
        }
    }
  g_array_sort (fixes, compare_fixes);
  return fixes;
}

/* The store */

typedef struct {
  char      *key;
  char      *name;    /* the file's name */
  char      *path;    /* the key file it is in */
  gint64     modified;
  GPtrArray *corrections;
} Group;

static void
group_free (gpointer p)
{
  Group *g = p;

  g_free (g->key);
  g_free (g->name);
  g_free (g->path);
  g_ptr_array_unref (g->corrections);
  g_free (g);
}

/* The encoding a reader chose for a file ("Reopen with Encoding") */
typedef struct {
  char  *key;       /* of the file's bytes */
  char  *name;
  char  *encoding;
  char  *path;
  gint64 modified;
} Choice;

static void
choice_free (gpointer p)
{
  Choice *c = p;

  g_free (c->key);
  g_free (c->name);
  g_free (c->encoding);
  g_free (c->path);
  g_free (c);
}

#define ENCODING_PREFIX "Encoding "

struct _BulletinCorrections {
  GObject     parent_instance;
  GMutex      lock;
  char       *dir;
  char       *archive;
  gboolean    loaded;
  GHashTable *groups;   /* key -> Group */
  GHashTable *choices;  /* key -> Choice */
  GHashTable *archives; /* key file path -> the archive URI it names */
};

G_DEFINE_FINAL_TYPE (BulletinCorrections, bulletin_corrections, G_TYPE_OBJECT)

static void
bulletin_corrections_finalize (GObject *object)
{
  BulletinCorrections *self = BULLETIN_CORRECTIONS (object);

  g_mutex_clear (&self->lock);
  g_free (self->dir);
  g_free (self->archive);
  g_hash_table_unref (self->groups);
  g_hash_table_unref (self->choices);
  g_hash_table_unref (self->archives);
  G_OBJECT_CLASS (bulletin_corrections_parent_class)->finalize (object);
}

static void
bulletin_corrections_class_init (BulletinCorrectionsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bulletin_corrections_finalize;
}

static void
bulletin_corrections_init (BulletinCorrections *self)
{
  g_mutex_init (&self->lock);
  self->groups = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, group_free);
  self->choices = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, choice_free);
  self->archives = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

BulletinCorrections *
bulletin_corrections_new (const char *dir)
{
  BulletinCorrections *self = g_object_new (BULLETIN_TYPE_CORRECTIONS, NULL);

  self->dir = dir != NULL ? g_strdup (dir)
                          : g_build_filename (g_get_user_data_dir (), "bulletin-reader",
                                              "corrections", NULL);
  return self;
}

const char *
bulletin_corrections_get_dir (BulletinCorrections *self)
{
  g_return_val_if_fail (BULLETIN_IS_CORRECTIONS (self), NULL);
  return self->dir;
}

G_LOCK_DEFINE_STATIC (default_store);
static BulletinCorrections *default_store;
static gboolean default_set;

BulletinCorrections *
bulletin_corrections_get_default (void)
{
  BulletinCorrections *store;

  G_LOCK (default_store);
  if (!default_set)
    {
      default_store = bulletin_corrections_new (NULL);
      default_set = TRUE;
    }
  store = default_store;
  G_UNLOCK (default_store);
  return store;
}

void
bulletin_corrections_set_default (BulletinCorrections *store)
{
  G_LOCK (default_store);
  if (store != NULL)
    g_object_ref (store);
  g_clear_object (&default_store);
  default_store = store;
  default_set = TRUE;
  G_UNLOCK (default_store);
}

static char *
path_for_archive (BulletinCorrections *self,
                  const char          *archive)
{
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                                        archive != NULL ? archive : "", -1);
  g_autofree char *base = g_strdup_printf ("%.32s.ini", sum);

  return g_build_filename (self->dir, base, NULL);
}

void
bulletin_corrections_set_archive (BulletinCorrections *self,
                                  const char          *archive_uri)
{
  g_return_if_fail (BULLETIN_IS_CORRECTIONS (self));

  g_mutex_lock (&self->lock);
  g_free (self->archive);
  self->archive = g_strdup (archive_uri);
  g_mutex_unlock (&self->lock);
}

char *
bulletin_corrections_dup_path (BulletinCorrections *self)
{
  char *path;

  g_return_val_if_fail (BULLETIN_IS_CORRECTIONS (self), NULL);

  g_mutex_lock (&self->lock);
  path = path_for_archive (self, self->archive);
  g_mutex_unlock (&self->lock);
  return path;
}

char *
bulletin_corrections_issue_key (const char *text,
                                gsize       len)
{
  g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text, len);

  return g_strndup (sum, 32);
}

/* The group @gname of @kf: an issue's corrections, kept in @path */
static Group *
read_group (GKeyFile   *kf,
            const char *gname,
            const char *key,
            const char *path)
{
  Group *g = g_new0 (Group, 1);
  gint n;

  g->key = g_strdup (key);
  g->name = g_key_file_get_string (kf, gname, "file", NULL);
  g->path = g_strdup (path);
  g->corrections = g_ptr_array_new_with_free_func ((GDestroyNotify) bulletin_correction_free);
  {
    g_autofree char *m = g_key_file_get_string (kf, gname, "modified", NULL);
    g_autoptr(GDateTime) dt = m != NULL ? g_date_time_new_from_iso8601 (m, NULL) : NULL;
    g->modified = dt != NULL ? g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt) : 0;
  }
  n = g_key_file_get_integer (kf, gname, "count", NULL);
  for (gint c = 1; c <= n && c < 100000; c++)
    {
      g_autofree char *k_kind = g_strdup_printf ("kind-%d", c);
      g_autofree char *k_line = g_strdup_printf ("line-%d", c);
      g_autofree char *k_before = g_strdup_printf ("before-%d", c);
      g_autofree char *k_after = g_strdup_printf ("after-%d", c);
      g_autofree char *kind = g_key_file_get_string (kf, gname, k_kind, NULL);
      g_autofree char *line = g_key_file_get_string (kf, gname, k_line, NULL);
      g_autofree char *before = g_key_file_get_string (kf, gname, k_before, NULL);
      g_autofree char *after = g_key_file_get_string (kf, gname, k_after, NULL);
      BulletinCorrectionKind k = bulletin_correction_kind_from_string (kind);

      if (line == NULL || k == BULLETIN_CORRECTION_NONE)
        continue;
      g_ptr_array_add (g->corrections, bulletin_correction_new (k, line, before, after));
    }
  return g;
}

/* Writes @g as the group @gname of @kf */
static void
set_group (GKeyFile    *kf,
           const char  *gname,
           const Group *g)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *modified = NULL;

  if (g->name != NULL)
    g_key_file_set_string (kf, gname, "file", g->name);
  {
    g_autoptr(GDateTime) secs = g_date_time_new_from_unix_utc (g->modified / G_USEC_PER_SEC);
    dt = secs != NULL ? g_date_time_add (secs, g->modified % G_USEC_PER_SEC) : NULL;
  }
  modified = dt != NULL ? g_date_time_format_iso8601 (dt) : NULL;
  if (modified != NULL)
    g_key_file_set_string (kf, gname, "modified", modified);
  g_key_file_set_integer (kf, gname, "count", g->corrections->len);
  for (guint c = 0; c < g->corrections->len; c++)
    {
      BulletinCorrection *corr = g_ptr_array_index (g->corrections, c);
      g_autofree char *k_kind = g_strdup_printf ("kind-%u", c + 1);
      g_autofree char *k_line = g_strdup_printf ("line-%u", c + 1);
      g_autofree char *k_before = g_strdup_printf ("before-%u", c + 1);
      g_autofree char *k_after = g_strdup_printf ("after-%u", c + 1);

      g_key_file_set_string (kf, gname, k_kind, bulletin_correction_kind_to_string (corr->kind));
      g_key_file_set_string (kf, gname, k_line, corr->line);
      g_key_file_set_string (kf, gname, k_before, corr->before);
      g_key_file_set_string (kf, gname, k_after, corr->after);
    }
}

static void
load_file (BulletinCorrections *self,
           const char          *path)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_auto(GStrv) groups = NULL;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL))
    return;
  {
    char *archive = g_key_file_get_string (kf, "Bulletin Reader", "archive", NULL);

    if (archive != NULL)
      g_hash_table_replace (self->archives, g_strdup (path), archive);
  }
  groups = g_key_file_get_groups (kf, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      const char *gname = groups[i];
      Group *g;

      if (g_str_has_prefix (gname, ENCODING_PREFIX) && gname[strlen (ENCODING_PREFIX)] != 0)
        {
          Choice *c = g_new0 (Choice, 1);

          c->key = g_strdup (gname + strlen (ENCODING_PREFIX));
          c->name = g_key_file_get_string (kf, gname, "file", NULL);
          c->encoding = g_key_file_get_string (kf, gname, "encoding", NULL);
          c->path = g_strdup (path);
          if (c->encoding == NULL || *c->encoding == 0)
            choice_free (c);
          else
            g_hash_table_replace (self->choices, c->key, c);
          continue;
        }
      if (!g_str_has_prefix (gname, GROUP_PREFIX) || gname[strlen (GROUP_PREFIX)] == 0)
        continue;
      g = read_group (kf, gname, gname + strlen (GROUP_PREFIX), path);
      {
        Group *old = g_hash_table_lookup (self->groups, g->key);

        /* the same issue in two files: the newer wins */
        if (old != NULL && old->modified > g->modified)
          group_free (g);
        else
          g_hash_table_replace (self->groups, g->key, g);
      }
    }
}

static void
ensure_loaded (BulletinCorrections *self)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (self->loaded)
    return;
  self->loaded = TRUE;
  dir = g_dir_open (self->dir, 0, NULL);
  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".ini"))
      {
        g_autofree char *path = g_build_filename (self->dir, name, NULL);
        load_file (self, path);
      }
}

void
bulletin_corrections_reload (BulletinCorrections *self)
{
  g_return_if_fail (BULLETIN_IS_CORRECTIONS (self));

  g_mutex_lock (&self->lock);
  g_hash_table_remove_all (self->groups);
  g_hash_table_remove_all (self->choices);
  g_hash_table_remove_all (self->archives);
  self->loaded = FALSE;
  ensure_loaded (self);
  g_mutex_unlock (&self->lock);
}

gboolean
bulletin_corrections_is_empty (BulletinCorrections *self)
{
  gboolean empty;

  g_return_val_if_fail (BULLETIN_IS_CORRECTIONS (self), TRUE);

  g_mutex_lock (&self->lock);
  ensure_loaded (self);
  empty = g_hash_table_size (self->groups) == 0 && g_hash_table_size (self->choices) == 0;
  g_mutex_unlock (&self->lock);
  return empty;
}

static Group *
find_group (BulletinCorrections *self,
            const char          *key,
            const char          *name)
{
  Group *g = key != NULL ? g_hash_table_lookup (self->groups, key) : NULL;
  GHashTableIter iter;
  gpointer value;

  g_autofree char *own = NULL;

  if (g != NULL || name == NULL)
    return g;
  /* an issue edited since: the newest group of the same file name in
   * this archive's file (another archive's issue of that name is
   * another issue) */
  own = path_for_archive (self, self->archive);
  g_hash_table_iter_init (&iter, self->groups);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Group *c = value;

      if (c->name != NULL && g_str_equal (c->name, name) && g_strcmp0 (c->path, own) == 0 &&
          (g == NULL || c->modified > g->modified))
        g = c;
    }
  return g;
}

GPtrArray *
bulletin_corrections_lookup (BulletinCorrections *self,
                             const char          *key,
                             const char          *name)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) bulletin_correction_free);
  Group *g;

  g_return_val_if_fail (BULLETIN_IS_CORRECTIONS (self), out);

  g_mutex_lock (&self->lock);
  ensure_loaded (self);
  g = find_group (self, key, name);
  for (guint i = 0; g != NULL && i < g->corrections->len; i++)
    g_ptr_array_add (out, bulletin_correction_copy (g_ptr_array_index (g->corrections, i)));
  g_mutex_unlock (&self->lock);
  return out;
}

/* Writes every group that lives in @path. */
static gboolean
write_file (BulletinCorrections *self,
            const char          *path,
            GError             **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  g_autoptr(GList) keys = NULL;
  gsize length;

  g_key_file_set_integer (kf, "Bulletin Reader", "version", 1);
  {
    g_autofree char *own = path_for_archive (self, self->archive);
    const char *named;

    if (self->archive != NULL && g_str_equal (own, path))
      g_hash_table_replace (self->archives, g_strdup (path), g_strdup (self->archive));
    named = g_hash_table_lookup (self->archives, path);
    if (named != NULL)
      g_key_file_set_string (kf, "Bulletin Reader", "archive", named);
  }
  g_key_file_set_comment (kf, NULL, NULL,
                          " Bulletin Reader: corrections of how plain-text issues are read.\n"
                          " The format is described in docs/corrections-format.md.", NULL);

  keys = g_hash_table_get_keys (self->groups);
  keys = g_list_sort (keys, (GCompareFunc) g_strcmp0);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      Group *g = g_hash_table_lookup (self->groups, l->data);
      g_autofree char *gname = NULL;

      if (g_strcmp0 (g->path, path) != 0)
        continue;
      gname = g_strconcat (GROUP_PREFIX, g->key, NULL);
      set_group (kf, gname, g);
    }

  {
    g_autoptr(GList) ckeys = g_list_sort (g_hash_table_get_keys (self->choices), (GCompareFunc) g_strcmp0);

    for (GList *l = ckeys; l != NULL; l = l->next)
      {
        Choice *c = g_hash_table_lookup (self->choices, l->data);
        g_autofree char *gname = NULL;

        if (g_strcmp0 (c->path, path) != 0)
          continue;
        gname = g_strconcat (ENCODING_PREFIX, c->key, NULL);
        if (c->name != NULL)
          g_key_file_set_string (kf, gname, "file", c->name);
        g_key_file_set_string (kf, gname, "encoding", c->encoding);
      }
  }

  data = g_key_file_to_data (kf, &length, NULL);
  if (g_mkdir_with_parents (self->dir, 0700) != 0 ||
      !g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 &local_error))
    {
      g_set_error (error, BULLETIN_CORRECTIONS_ERROR, BULLETIN_CORRECTIONS_ERROR_WRITE,
                   _("Could not save corrections to %s: %s"), path,
                   local_error != NULL ? local_error->message : g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

/* Moves @g into the current archive's file, and writes the files it
 * left and joined. */
static gboolean
save_group (BulletinCorrections *self,
            Group               *g,
            GError             **error)
{
  g_autofree char *path = path_for_archive (self, self->archive);
  g_autofree char *old = g->path;

  g->path = g_strdup (path);
  g->modified = g_get_real_time ();
  if (!write_file (self, path, error))
    return FALSE;
  if (old != NULL && !g_str_equal (old, path))
    return write_file (self, old, error);
  return TRUE;
}

static Group *
ensure_group (BulletinCorrections *self,
              const char          *key,
              const char          *name)
{
  Group *g = find_group (self, key, name);

  if (g != NULL && g_strcmp0 (g->key, key) != 0)
    {
      /* the issue was edited: its group takes the new identity */
      g_hash_table_steal (self->groups, g->key);
      g_free (g->key);
      g->key = g_strdup (key);
      g_hash_table_replace (self->groups, g->key, g);
    }
  if (g == NULL)
    {
      g = g_new0 (Group, 1);
      g->key = g_strdup (key);
      g->corrections = g_ptr_array_new_with_free_func ((GDestroyNotify) bulletin_correction_free);
      g_hash_table_replace (self->groups, g->key, g);
    }
  if (name != NULL && g_strcmp0 (g->name, name) != 0)
    {
      g_free (g->name);
      g->name = g_strdup (name);
    }
  return g;
}

gboolean
bulletin_corrections_add (BulletinCorrections      *self,
                          const char               *key,
                          const char               *name,
                          const BulletinCorrection *correction,
                          GError                  **error)
{
  Group *g;
  gboolean ok;

  g_return_val_if_fail (BULLETIN_IS_CORRECTIONS (self), FALSE);
  g_return_val_if_fail (key != NULL && correction != NULL, FALSE);

  g_mutex_lock (&self->lock);
  ensure_loaded (self);
  g = ensure_group (self, key, name);
  for (guint c = 0; c < g->corrections->len; c++)
    {
      BulletinCorrection *old = g_ptr_array_index (g->corrections, c);

      if (g_str_equal (old->line, correction->line) && g_str_equal (old->before, correction->before) &&
          g_str_equal (old->after, correction->after))
        {
          g_ptr_array_remove_index (g->corrections, c);
          break;
        }
    }
  if (correction->kind != BULLETIN_CORRECTION_NONE)
    g_ptr_array_add (g->corrections, bulletin_correction_copy (correction));
  ok = save_group (self, g, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

gboolean
bulletin_corrections_reset (BulletinCorrections *self,
                            const char          *key,
                            const char          *name,
                            GError             **error)
{
  Group *g;
  gboolean ok = TRUE;

  g_return_val_if_fail (BULLETIN_IS_CORRECTIONS (self), FALSE);

  g_mutex_lock (&self->lock);
  ensure_loaded (self);
  g = find_group (self, key, name);
  if (g != NULL)
    {
      g_autofree char *path = g_strdup (g->path);

      g_hash_table_remove (self->groups, g->key);
      if (path != NULL)
        ok = write_file (self, path, error);
    }
  g_mutex_unlock (&self->lock);
  return ok;
}

char *
bulletin_corrections_file_key (const char *data,
                               gsize       len)
{
  return bulletin_corrections_issue_key (data, len);
}

char *
bulletin_corrections_dup_encoding (BulletinCorrections *self,
                                   const char          *file_key)
{
  Choice *c;
  char *encoding;

  g_return_val_if_fail (BULLETIN_IS_CORRECTIONS (self), NULL);

  g_mutex_lock (&self->lock);
  ensure_loaded (self);
  c = file_key != NULL ? g_hash_table_lookup (self->choices, file_key) : NULL;
  encoding = c != NULL ? g_strdup (c->encoding) : NULL;
  g_mutex_unlock (&self->lock);
  return encoding;
}

gboolean
bulletin_corrections_set_encoding (BulletinCorrections *self,
                                   const char          *file_key,
                                   const char          *name,
                                   const char          *encoding,
                                   GError             **error)
{
  g_autofree char *path = NULL;
  g_autofree char *old_path = NULL;
  gboolean ok;

  g_return_val_if_fail (BULLETIN_IS_CORRECTIONS (self), FALSE);
  g_return_val_if_fail (file_key != NULL, FALSE);

  g_mutex_lock (&self->lock);
  ensure_loaded (self);
  path = path_for_archive (self, self->archive);
  {
    Choice *old = g_hash_table_lookup (self->choices, file_key);

    if (old != NULL)
      old_path = g_strdup (old->path);
  }
  if (encoding == NULL || *encoding == 0)
    g_hash_table_remove (self->choices, file_key);
  else
    {
      Choice *c = g_new0 (Choice, 1);

      c->key = g_strdup (file_key);
      c->name = g_strdup (name);
      c->encoding = g_strdup (encoding);
      c->path = g_strdup (path);
      c->modified = g_get_real_time ();
      g_hash_table_replace (self->choices, c->key, c);
    }
  ok = write_file (self, path, error);
  if (ok && old_path != NULL && !g_str_equal (old_path, path))
    ok = write_file (self, old_path, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

/* Notes follow their passage */

guint
bulletin_corrections_rehome_notes (BulletinAnnotations *annotations,
                                   GPtrArray           *old_articles,
                                   GPtrArray           *new_articles)
{
  g_autoptr(GHashTable) now = g_hash_table_new (g_str_hash, g_str_equal);
  guint moved = 0;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (annotations), 0);

  for (guint a = 0; a < new_articles->len; a++)
    {
      BulletinArticle *article = g_ptr_array_index (new_articles, a);
      g_hash_table_insert (now, (gpointer) bulletin_article_get_id (article), article);
    }

  for (guint a = 0; a < old_articles->len; a++)
    {
      BulletinArticle *old = g_ptr_array_index (old_articles, a);
      g_autoptr(GPtrArray) notes = bulletin_annotations_dup_notes_for_article (annotations,
                                                                               bulletin_article_get_id (old));

      for (guint n = 0; notes != NULL && n < notes->len; n++)
        {
          BulletinNote *note = g_ptr_array_index (notes, n);
          BulletinArticle *same = g_hash_table_lookup (now, bulletin_note_get_article_id (note));
          g_autoptr(BulletinNote) copy = NULL;
          BulletinArticle *target = NULL;
          guint start = 0, end = 0;

          if (!bulletin_note_has_range (note))
            continue;
          if (same != NULL)
            {
              g_autoptr(BulletinNote) probe = bulletin_note_copy (note);
              BulletinAnchorState st = bulletin_annotations_anchor_note (probe, same, NULL, NULL);

              if (st == BULLETIN_ANCHOR_EXACT || st == BULLETIN_ANCHOR_MOVED)
                continue;   /* still in its article */
            }
          for (guint b = 0; b < new_articles->len && target == NULL; b++)
            {
              BulletinArticle *cand = g_ptr_array_index (new_articles, b);
              g_autoptr(BulletinNote) probe = bulletin_note_copy (note);
              BulletinAnchorState st;

              if (cand == same)
                continue;
              st = bulletin_annotations_anchor_note (probe, cand, &start, &end);
              if (st == BULLETIN_ANCHOR_EXACT || st == BULLETIN_ANCHOR_MOVED)
                target = cand;
            }
          if (target == NULL)
            continue;   /* left detached: kept */

          copy = bulletin_note_new_for_range (target, start, end);
          bulletin_note_set_text (copy, bulletin_note_get_text (note));
          bulletin_note_set_headline (copy, bulletin_article_get_headline (target));
          bulletin_note_set_issue (copy, bulletin_note_get_issue_id (note),
                                   bulletin_note_get_issue_title (note),
                                   bulletin_note_get_issue_date (note));
          bulletin_note_set_times (copy, bulletin_note_get_created (note), g_get_real_time ());
          if (bulletin_annotations_add_note (annotations, copy, NULL))
            {
              bulletin_annotations_remove_note (annotations, bulletin_note_get_uuid (note), NULL);
              moved++;
            }
        }
    }
  return moved;
}

/* Backup and restore, with the bookmarks and notes */

#define BACKUP_ISSUE_PREFIX    BULLETIN_ANNOTATIONS_CORRECTIONS_PREFIX GROUP_PREFIX
#define BACKUP_ENCODING_PREFIX BULLETIN_ANNOTATIONS_CORRECTIONS_PREFIX ENCODING_PREFIX

/**
 * bulletin_corrections_to_data:
 * @self: (nullable): the corrections; NULL: none
 *
 * Every archive's corrections and encoding choices as key-file groups
 * to follow the bookmarks and notes in a backup: `[Corrections Issue
 * KEY]` and `[Corrections Encoding KEY]`, each with the `archive` whose
 * file it was in.  A version that does not know them keeps them as they
 * are, and restores the rest.
 *
 * Returns: (transfer full): the groups' text, "" when there are none
 */
char *
bulletin_corrections_to_data (BulletinCorrections *self,
                              guint               *n_corrections)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GList) keys = NULL;
  g_autoptr(GList) ckeys = NULL;
  guint n = 0;
  char *data;

  if (n_corrections != NULL)
    *n_corrections = 0;
  if (self == NULL)
    return g_strdup ("");
  g_return_val_if_fail (BULLETIN_IS_CORRECTIONS (self), NULL);

  g_mutex_lock (&self->lock);
  ensure_loaded (self);
  keys = g_list_sort (g_hash_table_get_keys (self->groups), (GCompareFunc) g_strcmp0);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      Group *g = g_hash_table_lookup (self->groups, l->data);
      g_autofree char *gname = g_strconcat (BACKUP_ISSUE_PREFIX, g->key, NULL);
      const char *archive = g->path != NULL ? g_hash_table_lookup (self->archives, g->path) : NULL;

      if (g->corrections->len == 0)
        continue;
      if (archive != NULL)
        g_key_file_set_string (kf, gname, "archive", archive);
      set_group (kf, gname, g);
      n += g->corrections->len;
    }
  ckeys = g_list_sort (g_hash_table_get_keys (self->choices), (GCompareFunc) g_strcmp0);
  for (GList *l = ckeys; l != NULL; l = l->next)
    {
      Choice *c = g_hash_table_lookup (self->choices, l->data);
      g_autofree char *gname = g_strconcat (BACKUP_ENCODING_PREFIX, c->key, NULL);
      const char *archive = c->path != NULL ? g_hash_table_lookup (self->archives, c->path) : NULL;

      if (archive != NULL)
        g_key_file_set_string (kf, gname, "archive", archive);
      if (c->name != NULL)
        g_key_file_set_string (kf, gname, "file", c->name);
      g_key_file_set_string (kf, gname, "encoding", c->encoding);
    }
  g_mutex_unlock (&self->lock);
  if (keys == NULL && ckeys == NULL)
    return g_strdup ("");
  g_key_file_set_comment (kf, NULL, NULL,
                          " Corrections of plain-text issues (docs/corrections-format.md)", NULL);
  data = g_key_file_to_data (kf, NULL, NULL);
  if (n_corrections != NULL)
    *n_corrections = n;
  return data;
}

static gboolean
same_line (const BulletinCorrection *a,
           const BulletinCorrection *b)
{
  return g_str_equal (a->line, b->line) && g_str_equal (a->before, b->before) &&
         g_str_equal (a->after, b->after);
}

/* The key file of @archive, named in the files' table */
static char *
path_of_backup_group (BulletinCorrections *self,
                      GKeyFile            *kf,
                      const char          *gname)
{
  g_autofree char *archive = g_key_file_get_string (kf, gname, "archive", NULL);
  const char *uri = archive != NULL && *archive ? archive : self->archive;
  char *path = path_for_archive (self, uri);

  if (uri != NULL && !g_hash_table_contains (self->archives, path))
    g_hash_table_insert (self->archives, g_strdup (path), g_strdup (uri));
  return path;
}

/* Reads the backup @data into @kf; TRUE with @kf empty for an older
 * backup that GKeyFile does not read, since it has no corrections */
static gboolean
load_backup (GKeyFile    *kf,
             const char  *data,
             gsize        length,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (g_key_file_load_from_data (kf, data, length, G_KEY_FILE_NONE, &local_error))
    return TRUE;
  if (g_strstr_len (data, length, "[" BULLETIN_ANNOTATIONS_CORRECTIONS_PREFIX) == NULL)
    return TRUE;
  g_set_error (error, BULLETIN_CORRECTIONS_ERROR, BULLETIN_CORRECTIONS_ERROR_READ,
               _("The corrections in the backup cannot be read: %s"), local_error->message);
  return FALSE;
}

/**
 * bulletin_corrections_restore_data:
 * @n_corrections: (out) (optional): the corrections the backup holds
 *
 * Merges the corrections of a backup (bulletin_corrections_to_data ())
 * into the store, and writes each key file it changed, atomically.
 * Nothing is dropped: a correction only here stays; one only in the
 * backup is added; one of the same line in both takes the kind of the
 * group modified later.  An encoding chosen here stays; one only in the
 * backup is added.  A backup without corrections changes nothing.
 */
gboolean
bulletin_corrections_restore_data (BulletinCorrections  *self,
                                   const char           *data,
                                   gsize                 length,
                                   guint                *n_corrections,
                                   GError              **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GHashTable) dirty = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) groups = NULL;
  GHashTableIter iter;
  gpointer path;
  guint n = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (BULLETIN_IS_CORRECTIONS (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  if (n_corrections != NULL)
    *n_corrections = 0;
  if (!load_backup (kf, data, length, error))
    return FALSE;

  g_mutex_lock (&self->lock);
  ensure_loaded (self);
  groups = g_key_file_get_groups (kf, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      const char *gname = groups[i];

      if (g_str_has_prefix (gname, BACKUP_ISSUE_PREFIX) && gname[strlen (BACKUP_ISSUE_PREFIX)] != 0)
        {
          const char *key = gname + strlen (BACKUP_ISSUE_PREFIX);
          Group *theirs = read_group (kf, gname, key, NULL);
          Group *mine = g_hash_table_lookup (self->groups, key);
          gboolean changed = FALSE;

          n += theirs->corrections->len;
          if (mine == NULL)
            {
              if (theirs->corrections->len > 0)
                {
                  theirs->path = path_of_backup_group (self, kf, gname);
                  g_hash_table_add (dirty, g_strdup (theirs->path));
                  g_hash_table_replace (self->groups, theirs->key, theirs);
                  theirs = NULL;
                }
            }
          else
            {
              for (guint c = 0; c < theirs->corrections->len; c++)
                {
                  BulletinCorrection *t = g_ptr_array_index (theirs->corrections, c);
                  BulletinCorrection *m = NULL;

                  for (guint d = 0; m == NULL && d < mine->corrections->len; d++)
                    if (same_line (g_ptr_array_index (mine->corrections, d), t))
                      m = g_ptr_array_index (mine->corrections, d);
                  if (m == NULL)
                    {
                      g_ptr_array_add (mine->corrections, bulletin_correction_copy (t));
                      changed = TRUE;
                    }
                  else if (m->kind != t->kind && theirs->modified > mine->modified)
                    {
                      m->kind = t->kind;
                      changed = TRUE;
                    }
                }
              if (mine->name == NULL && theirs->name != NULL)
                {
                  mine->name = g_strdup (theirs->name);
                  changed = TRUE;
                }
              if (changed)
                {
                  mine->modified = MAX (mine->modified, theirs->modified);
                  if (mine->path == NULL)
                    mine->path = path_of_backup_group (self, kf, gname);
                  g_hash_table_add (dirty, g_strdup (mine->path));
                }
            }
          if (theirs != NULL)
            group_free (theirs);
        }
      else if (g_str_has_prefix (gname, BACKUP_ENCODING_PREFIX) &&
               gname[strlen (BACKUP_ENCODING_PREFIX)] != 0)
        {
          const char *key = gname + strlen (BACKUP_ENCODING_PREFIX);
          g_autofree char *encoding = g_key_file_get_string (kf, gname, "encoding", NULL);
          Choice *c;

          if (encoding == NULL || *encoding == 0 || g_hash_table_contains (self->choices, key))
            continue;
          c = g_new0 (Choice, 1);
          c->key = g_strdup (key);
          c->name = g_key_file_get_string (kf, gname, "file", NULL);
          c->encoding = g_steal_pointer (&encoding);
          c->path = path_of_backup_group (self, kf, gname);
          g_hash_table_add (dirty, g_strdup (c->path));
          g_hash_table_replace (self->choices, c->key, c);
        }
    }

  g_hash_table_iter_init (&iter, dirty);
  while (g_hash_table_iter_next (&iter, &path, NULL))
    if (!write_file (self, path, ok ? error : NULL))
      ok = FALSE;
  g_mutex_unlock (&self->lock);
  if (n_corrections != NULL)
    *n_corrections = n;
  return ok;
}

/**
 * bulletin_corrections_backup:
 * @self: (nullable): the corrections to include
 *
 * Writes a backup of the bookmarks and notes of @annotations (the
 * annotations key file, docs/annotations-format.md) followed by the
 * groups of bulletin_corrections_to_data ().
 */
gboolean
bulletin_corrections_backup (BulletinCorrections  *self,
                             BulletinAnnotations  *annotations,
                             GFile                *file,
                             GError              **error)
{
  g_autofree char *notes = NULL;
  g_autofree char *corrections = NULL;
  g_autofree char *data = NULL;
  gsize length;

  g_return_val_if_fail (self == NULL || BULLETIN_IS_CORRECTIONS (self), FALSE);
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (annotations), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  notes = bulletin_annotations_to_data (annotations, &length);
  corrections = bulletin_corrections_to_data (self, NULL);
  if (*corrections == 0)
    data = g_steal_pointer (&notes);
  else
    data = g_strconcat (notes, length > 0 && notes[length - 1] != '\n' ? "\n\n" : "\n",
                        corrections, NULL);
  return g_file_replace_contents (file, data, strlen (data), NULL, FALSE,
                                  G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}

/**
 * bulletin_corrections_restore:
 * @self: (nullable): the corrections to restore into
 * @counts: (out) (optional): what the backup held
 *
 * Restores a backup (of this version or an older one, without
 * corrections): its bookmarks and notes are merged into @annotations,
 * then its corrections into @self.  A backup that cannot be read is
 * refused before anything changes.
 */
gboolean
bulletin_corrections_restore (BulletinCorrections   *self,
                              BulletinAnnotations   *annotations,
                              GFile                 *file,
                              BulletinRestoreCounts *counts,
                              GError               **error)
{
  g_autofree char *data = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GError) local_error = NULL;
  BulletinRestoreCounts n = { 0, };
  gsize length;

  g_return_val_if_fail (self == NULL || BULLETIN_IS_CORRECTIONS (self), FALSE);
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (annotations), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (counts != NULL)
    *counts = n;
  if (!g_file_load_contents (file, NULL, &data, &length, NULL, error))
    return FALSE;
  /* corrections that cannot be read refuse the backup before the notes
   * change */
  if (self != NULL)
    {
      g_autoptr(GKeyFile) kf = g_key_file_new ();

      if (!load_backup (kf, data, length, &local_error))
        goto failed;
    }
  if (bulletin_annotations_import_data_counted (annotations, data, length,
                                                &n.bookmarks, &n.notes, &local_error) &&
      (self == NULL ||
       bulletin_corrections_restore_data (self, data, length, &n.corrections, &local_error)))
    {
      if (counts != NULL)
        *counts = n;
      return TRUE;
    }
failed:
  name = g_file_get_parse_name (file);
  g_set_error (error, local_error->domain, local_error->code,
               "%s: %s", name, local_error->message);
  return FALSE;
}
