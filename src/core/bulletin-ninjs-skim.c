/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bulletin-date.h"
#include "bulletin-html-body.h"
#include "bulletin-ninjs-keys.h"
#include "bulletin-ninjs-reader.h"
#include "bulletin-ninjs-skim.h"

/*
 * A small JSON tokenizer that walks a ninjs file once, keeps the few
 * top-level fields the archive lists and counts the associations, and skips
 * everything else (string contents above all: that is where the bytes are)
 * without allocating.  json-glib would build the whole tree, which is what
 * the lazy issue load does later.
 *
 * It checks the syntax as it goes (brackets, commas, strings, escapes), so
 * a broken file shows up as an error entry at scan time rather than when
 * someone opens it.  Containers that are skipped are walked with an explicit
 * stack, so no input can exhaust the C stack.
 */

#define MAX_DEPTH 512

typedef struct {
  const char  *start;
  const char  *p;
  const char  *end;
  const char  *name;
  GString     *value;
  GError     **error;
} Skimmer;

/* as the reader's collect(): composites inside composites deeper than this
 * are not read as articles */
#define MAX_ASSOCIATION_DEPTH 8

typedef struct {
  guint       depth;            /* of associations, 0 for an issue's item */
  const char *start;            /* its '{', to read its bodies when needed */
  gboolean    check_item;       /* tell whether it is a ninjs item at all */
  gboolean    is_item;
  char       *headline;
  gboolean    headline_is_main;
  char       *version_created;
  char       *first_created;
  char       *uri;
  char       *type;             /* as the file spells it, "" included */
  gboolean    type_seen;
  gboolean    type_exact;
  gboolean    has_text;
  gboolean    assoc_exact;
  guint       n_article_assoc;  /* embedded items that are articles */
  guint       n_assoc_articles; /* the articles they make */
  char       *first_assoc_date; /* the date of the first of those */
  char       *assoc_date;       /* the first embedded item's own date */
} Item;

static void
item_clear (Item *item)
{
  g_free (item->headline);
  g_free (item->version_created);
  g_free (item->first_created);
  g_free (item->uri);
  g_free (item->type);
  g_free (item->first_assoc_date);
  g_free (item->assoc_date);
  memset (item, 0, sizeof *item);
}

/* bytes that end a run of plain string content */
static const guchar string_stop[256] = {
  [0x00 ... 0x1f] = 1,
  ['"'] = 1,
  ['\\'] = 1,
};

static gboolean
fail (Skimmer    *s,
      const char *problem)
{
  guint line = 1, column = 1;

  for (const char *q = s->start; q < s->p && q < s->end; q++)
    {
      if (*q == '\n')
        {
          line++;
          column = 1;
        }
      else if (((guchar)*q & 0xc0) != 0x80)
        column++;
    }

  /* Translators: file name, line, column, then what is wrong */
  g_set_error (s->error, BULLETIN_NINJS_ERROR, BULLETIN_NINJS_ERROR_SYNTAX,
               _("%s: line %u, column %u: %s"), s->name, line, column, problem);
  return FALSE;
}

static inline void
skip_ws (Skimmer *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
    s->p++;
}

static inline gboolean
at (Skimmer *s,
    char     c)
{
  return s->p < s->end && *s->p == c;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (Skimmer  *s,
           gunichar *out)
{
  gunichar v = 0;

  if (s->end - s->p < 4)
    return fail (s, _("truncated \\u escape"));
  for (int i = 0; i < 4; i++)
    {
      int h = hex_value (s->p[i]);
      if (h < 0)
        return fail (s, _("invalid \\u escape"));
      v = v * 16 + h;
    }
  s->p += 4;
  *out = v;
  return TRUE;
}

/* At a '"': reads the string, decoding it into @out unless that is NULL. */
static gboolean
parse_string (Skimmer *s,
              GString *out)
{
  s->p++;
  for (;;)
    {
      const char *run = s->p;
      char c;

      while (s->p < s->end && !string_stop[(guchar)*s->p])
        s->p++;
      if (out != NULL && s->p > run)
        g_string_append_len (out, run, s->p - run);
      if (s->p >= s->end)
        return fail (s, _("unterminated string"));

      c = *s->p;
      if (c == '"')
        {
          s->p++;
          return TRUE;
        }
      if (c != '\\')
        return fail (s, _("control character in a string"));

      s->p++;
      if (s->p >= s->end)
        return fail (s, _("unterminated string"));
      c = *s->p++;
      switch (c)
        {
        case '"': case '\\': case '/':
          if (out)
            g_string_append_c (out, c);
          break;
        case 'b': if (out) g_string_append_c (out, '\b'); break;
        case 'f': if (out) g_string_append_c (out, '\f'); break;
        case 'n': if (out) g_string_append_c (out, '\n'); break;
        case 'r': if (out) g_string_append_c (out, '\r'); break;
        case 't': if (out) g_string_append_c (out, '\t'); break;
        case 'u':
          {
            gunichar u, low;

            if (!read_hex4 (s, &u))
              return FALSE;
            if (u >= 0xd800 && u < 0xdc00 && s->end - s->p >= 6 &&
                s->p[0] == '\\' && s->p[1] == 'u')
              {
                const char *save = s->p;

                s->p += 2;
                if (!read_hex4 (s, &low))
                  return FALSE;
                if (low >= 0xdc00 && low < 0xe000)
                  u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
                else
                  s->p = save;
              }
            if (u >= 0xd800 && u < 0xe000)
              u = 0xfffd;
            if (out && u != 0)
              g_string_append_unichar (out, u);
          }
          break;
        default:
          s->p--;
          return fail (s, _("invalid escape in a string"));
        }
    }
}

static gboolean
skip_scalar (Skimmer *s)
{
  char c = *s->p;

  if (c == '-' || (c >= '0' && c <= '9'))
    {
      s->p++;
      while (s->p < s->end &&
             ((*s->p >= '0' && *s->p <= '9') || *s->p == '.' || *s->p == 'e' ||
              *s->p == 'E' || *s->p == '+' || *s->p == '-'))
        s->p++;
      return TRUE;
    }

  for (guint i = 0; i < 3; i++)
    {
      static const char * const literals[] = { "true", "false", "null" };
      gsize n = strlen (literals[i]);

      if ((gsize)(s->end - s->p) >= n && memcmp (s->p, literals[i], n) == 0)
        {
          s->p += n;
          return TRUE;
        }
    }

  return fail (s, _("unexpected character"));
}

/* At a member name: reads it (into @key unless NULL) and the colon. */
static gboolean
parse_member_name (Skimmer *s,
                   GString *key)
{
  if (!at (s, '"'))
    return fail (s, _("expected a member name in quotes"));
  if (key != NULL)
    g_string_truncate (key, 0);
  if (!parse_string (s, key))
    return FALSE;
  skip_ws (s);
  if (!at (s, ':'))
    return fail (s, _("expected ':' after a member name"));
  s->p++;
  skip_ws (s);
  return TRUE;
}

/* Skips any value, however deep, with its own stack. */
static gboolean
skip_value (Skimmer *s)
{
  char stack[MAX_DEPTH];
  guint depth = 0;

  for (;;)
    {
      skip_ws (s);
      if (s->p >= s->end)
        return fail (s, _("unexpected end of data"));

      /* one value */
      switch (*s->p)
        {
        case '{':
        case '[':
          {
            char open = *s->p++;

            skip_ws (s);
            if (at (s, open == '{' ? '}' : ']'))
              {
                s->p++;
                break;
              }
            if (depth >= MAX_DEPTH)
              return fail (s, _("nested too deeply"));
            stack[depth++] = open;
            if (open == '{' && !parse_member_name (s, NULL))
              return FALSE;
            continue;
          }
        case '"':
          if (!parse_string (s, NULL))
            return FALSE;
          break;
        default:
          if (!skip_scalar (s))
            return FALSE;
          break;
        }

      /* after a value: commas and closing brackets */
      for (;;)
        {
          if (depth == 0)
            return TRUE;
          skip_ws (s);
          if (s->p >= s->end)
            return fail (s, _("unexpected end of data"));
          if (*s->p == ',')
            {
              s->p++;
              skip_ws (s);
              if (stack[depth - 1] == '{' && !parse_member_name (s, NULL))
                return FALSE;
              break;
            }
          if ((*s->p == '}' && stack[depth - 1] == '{') ||
              (*s->p == ']' && stack[depth - 1] == '['))
            {
              s->p++;
              depth--;
              continue;
            }
          return fail (s, _("expected ',' or a closing bracket"));
        }
    }
}

/* Reads a string value into *@dest (when still empty), or skips whatever
 * else is there. */
static gboolean
take_string (Skimmer  *s,
             char    **dest)
{
  if (!at (s, '"'))
    return skip_value (s);
  g_string_truncate (s->value, 0);
  if (!parse_string (s, s->value))
    return FALSE;
  if (*dest == NULL && s->value->len > 0)
    *dest = g_utf8_make_valid (s->value->str, s->value->len);
  return TRUE;
}

typedef gboolean (*MemberFunc) (Skimmer    *s,
                                const char *key,
                                gpointer    data);
typedef gboolean (*ElementFunc) (Skimmer  *s,
                                 gpointer  data);

/* At a '{': calls @func for each member, positioned at its value; @func
 * must consume the value. */
static gboolean
each_member (Skimmer    *s,
             MemberFunc  func,
             gpointer    data)
{
  g_autoptr(GString) key = g_string_new (NULL);

  s->p++;
  skip_ws (s);
  if (at (s, '}'))
    {
      s->p++;
      return TRUE;
    }
  for (;;)
    {
      if (!parse_member_name (s, key))
        return FALSE;
      if (!func (s, key->str, data))
        return FALSE;
      skip_ws (s);
      if (at (s, ','))
        {
          s->p++;
          skip_ws (s);
          continue;
        }
      if (at (s, '}'))
        {
          s->p++;
          return TRUE;
        }
      return fail (s, _("expected ',' or '}'"));
    }
}

/* At a '[': calls @func for each element, positioned at it. */
static gboolean
each_element (Skimmer     *s,
              ElementFunc  func,
              gpointer     data)
{
  s->p++;
  skip_ws (s);
  if (at (s, ']'))
    {
      s->p++;
      return TRUE;
    }
  for (;;)
    {
      if (s->p >= s->end)
        return fail (s, _("unexpected end of data"));
      if (!func (s, data))
        return FALSE;
      skip_ws (s);
      if (at (s, ','))
        {
          s->p++;
          skip_ws (s);
          continue;
        }
      if (at (s, ']'))
        {
          s->p++;
          return TRUE;
        }
      return fail (s, _("expected ',' or ']'"));
    }
}

/* headlines: [{ "value": ..., "role": "main" }, ...] */
typedef struct {
  char *value;
  char *role;
} Headline;

static gboolean
headline_member (Skimmer    *s,
                 const char *key,
                 gpointer    data)
{
  Headline *h = data;

  if (strcmp (key, "value") == 0)
    return take_string (s, &h->value);
  if (strcmp (key, "role") == 0)
    return take_string (s, &h->role);
  return skip_value (s);
}

static gboolean
headline_element (Skimmer  *s,
                  gpointer  data)
{
  Item *item = data;
  Headline h = { NULL, NULL };
  gboolean ok;

  if (!at (s, '{'))
    return skip_value (s);
  ok = each_member (s, headline_member, &h);
  if (ok && h.value != NULL && !item->headline_is_main)
    {
      gboolean is_main = h.role == NULL || g_ascii_strcasecmp (h.role, "main") == 0;

      if (item->headline == NULL || is_main)
        {
          g_free (item->headline);
          item->headline = g_steal_pointer (&h.value);
          item->headline_is_main = is_main;
        }
    }
  g_free (h.value);
  g_free (h.role);
  return ok;
}

static gboolean skim_item (Skimmer *s,
                           Item    *item);

/* ------------------------------------------------ what the reader counts */

static gboolean
has_prefix_ci (const char *key,
               const char *prefix)
{
  return g_ascii_strncasecmp (key, prefix, strlen (prefix)) == 0;
}

static gboolean
has_alnum (const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x80 ? g_ascii_isalnum (c) : g_unichar_isalnum (c))
        return TRUE;
    }
  return FALSE;
}

/* the reader's looks_like_markup() */
static gboolean
looks_like_markup (const char *text)
{
  while (g_ascii_isspace (*text))
    text++;
  return *text == '<' && (strstr (text, "</") != NULL || strstr (text, "/>") != NULL ||
                          strstr (text, "<br") != NULL || strstr (text, "<p") != NULL);
}

typedef enum {
  BODY_SNIFF,
  BODY_PLAIN,
  BODY_MARKUP,
} BodyKind;

/* Whether a body holds any letter or digit once read as the reader reads
 * it (a placeholder such as "[ ... ]" is no body). */
static gboolean
body_has_text (GString  *value,
               BodyKind  kind)
{
  g_autofree char *text = g_utf8_make_valid (value->str, value->len);
  g_autoptr(GPtrArray) blocks = NULL;

  if (kind == BODY_SNIFF)
    kind = looks_like_markup (text) ? BODY_MARKUP : BODY_PLAIN;
  if (kind == BODY_PLAIN)
    return has_alnum (text);

  blocks = bulletin_html_body_parse (text, -1);
  for (guint i = 0; i < blocks->len; i++)
    {
      BulletinHtmlBlock *block = g_ptr_array_index (blocks, i);

      if (block->text != NULL && has_alnum (block->text))
        return TRUE;
    }
  return FALSE;
}

typedef struct {
  gboolean  prefixed;       /* a body_<kind> with text */
  gboolean  exact_seen;     /* "bodies" spelt so: the reader reads that one */
  gboolean  exact;          /* ... and it has text */
  gboolean  other;          /* another spelling has text */
  gboolean  current;
} BodyScan;

typedef struct {
  GString  *value;
  gboolean  value_exact;
  GString  *content_type;
  gboolean  content_type_exact;
} BodyObject;

/* Reads a string into @into when @exact or nothing was there yet; skips
 * anything else. */
static gboolean
take_member_string (Skimmer   *s,
                    gboolean   exact,
                    GString  **into,
                    gboolean  *into_exact)
{
  if (*into_exact && !exact)
    return skip_value (s);
  if (!at (s, '"'))
    {
      if (exact)
        {
          if (*into != NULL)
            g_string_free (*into, TRUE);
          *into = NULL;
          *into_exact = TRUE;
        }
      return skip_value (s);
    }
  if (*into != NULL && !exact)
    return skip_value (s);
  if (*into == NULL)
    *into = g_string_new (NULL);
  g_string_truncate (*into, 0);
  *into_exact = exact;
  return parse_string (s, *into);
}

static gboolean
body_object_member (Skimmer    *s,
                    const char *key,
                    gpointer    data)
{
  BodyObject *o = data;

  if (g_ascii_strcasecmp (key, "value") == 0)
    return take_member_string (s, strcmp (key, "value") == 0, &o->value, &o->value_exact);
  if (g_ascii_strcasecmp (key, "contentType") == 0)
    return take_member_string (s, strcmp (key, "contentType") == 0, &o->content_type,
                               &o->content_type_exact);
  return skip_value (s);
}

static gboolean
body_element (Skimmer  *s,
              gpointer  data)
{
  BodyScan *scan = data;

  if (at (s, '"'))
    {
      g_autoptr(GString) value = g_string_new (NULL);

      if (!parse_string (s, value))
        return FALSE;
      scan->current = scan->current || body_has_text (value, BODY_SNIFF);
      return TRUE;
    }
  if (at (s, '{'))
    {
      BodyObject o = { NULL, FALSE, NULL, FALSE };
      gboolean ok = each_member (s, body_object_member, &o);

      if (ok && o.value != NULL && o.value->len > 0 && !scan->current)
        {
          const char *type = o.content_type != NULL ? o.content_type->str : NULL;
          BodyKind kind;

          if (type != NULL && (strstr (type, "html") != NULL || strstr (type, "xml") != NULL))
            kind = BODY_MARKUP;
          else if (type != NULL && g_str_has_prefix (type, "text/"))
            kind = BODY_PLAIN;
          else
            kind = BODY_SNIFF;
          scan->current = body_has_text (o.value, kind);
        }
      if (o.value != NULL)
        g_string_free (o.value, TRUE);
      if (o.content_type != NULL)
        g_string_free (o.content_type, TRUE);
      return ok;
    }
  return skip_value (s);
}

static gboolean
body_member (Skimmer    *s,
             const char *key,
             gpointer    data)
{
  BodyScan *scan = data;

  if (g_ascii_strcasecmp (key, "bodies") == 0)
    {
      gboolean exact = strcmp (key, "bodies") == 0;
      gboolean ok = TRUE;

      if (!exact && scan->exact_seen)
        return skip_value (s);
      scan->current = FALSE;
      if (at (s, '['))
        ok = each_element (s, body_element, scan);
      else
        ok = skip_value (s);
      if (exact)
        {
          scan->exact_seen = TRUE;
          scan->exact = scan->current;
        }
      else
        scan->other = scan->current;
      return ok;
    }
  if (has_prefix_ci (key, "body_") && at (s, '"'))
    {
      const char *kind = key + strlen ("body_");
      g_autoptr(GString) value = g_string_new (NULL);

      if (!parse_string (s, value))
        return FALSE;
      if (value->len > 0 && !scan->prefixed)
        scan->prefixed = body_has_text (value,
                                        g_ascii_strcasecmp (kind, "text") == 0 ? BODY_PLAIN
                                        : (strstr (kind, "html") != NULL ||
                                           strstr (kind, "xml") != NULL) ? BODY_MARKUP
                                        : BODY_SNIFF);
      return TRUE;
    }
  return skip_value (s);
}

/* Whether @item has a body of its own, as the reader's has_own_body()
 * sees it.  Only asked of items whose associations are articles, so the
 * bodies are read again here rather than kept on every item. */
static gboolean
item_has_own_body (Skimmer  *s,
                   Item     *item,
                   gboolean *has_body)
{
  Skimmer again = *s;
  BodyScan scan = { FALSE, };

  again.p = item->start;
  if (!each_member (&again, body_member, &scan))
    return FALSE;
  *has_body = scan.prefixed || (scan.exact_seen ? scan.exact : scan.other);
  return TRUE;
}

/* An embedded item that is an article: the reader's is_article_item() */
static gboolean
item_is_article (Item *item)
{
  if (item->type != NULL && g_ascii_strcasecmp (item->type, "text") == 0)
    return TRUE;
  if (item->type != NULL && g_ascii_strcasecmp (item->type, "composite") != 0)
    return FALSE;
  return item->has_text;
}

/* The articles the reader's collect() makes of @item, and the date of the
 * first of them (owned by @item). */
static gboolean
item_count (Skimmer     *s,
            Item        *item,
            guint       *n_articles,
            const char **first_date)
{
  const char *own_date = item->version_created ? item->version_created : item->first_created;
  gboolean has_body = FALSE;

  if (item->n_article_assoc == 0)
    {
      *n_articles = 1;
      *first_date = own_date;
      return TRUE;
    }
  if (!item_has_own_body (s, item, &has_body))
    return FALSE;
  *n_articles = item->n_assoc_articles + (has_body ? 1 : 0);
  *first_date = has_body ? own_date : item->first_assoc_date;
  return TRUE;
}

static gboolean
association (Skimmer  *s,
             gpointer  data)
{
  Item *item = data;
  Item sub = { 0, };
  gboolean ok;

  if (!at (s, '{'))
    return skip_value (s);

  sub.depth = item->depth + 1;
  ok = skim_item (s, &sub);
  if (ok && item_is_article (&sub))
    {
      guint n = 0;
      const char *date = NULL;

      ok = item_count (s, &sub, &n, &date);
      if (ok)
        {
          if (item->n_article_assoc == 0)
            item->first_assoc_date = g_strdup (date);
          item->n_article_assoc++;
          item->n_assoc_articles += n;
        }
    }
  if (ok && item->depth == 0 && item->assoc_date == NULL)
    item->assoc_date = g_strdup (sub.version_created != NULL ? sub.version_created
                                                             : sub.first_created);
  item_clear (&sub);
  return ok;
}

static gboolean
association_member (Skimmer    *s,
                    const char *key,
                    gpointer    data)
{
  return association (s, data);
}

/* "type": the reader takes the one spelt so, else another spelling; a
 * value that is not a string is no type, "" is one. */
static gboolean
take_type (Skimmer    *s,
           const char *key,
           Item       *item)
{
  gboolean exact = strcmp (key, "type") == 0;
  char *value = NULL;

  if (!exact && (item->type_exact || item->type_seen))
    return skip_value (s);
  if (at (s, '"'))
    {
      g_string_truncate (s->value, 0);
      if (!parse_string (s, s->value))
        return FALSE;
      value = g_utf8_make_valid (s->value->str, s->value->len);
    }
  else if (!skip_value (s))
    return FALSE;
  g_free (item->type);
  item->type = value;
  item->type_seen = TRUE;
  item->type_exact = item->type_exact || exact;
  return TRUE;
}

/* Member names are compared without regard to case, as the reader does
 * (1.x files in the wild mix both). */
static gboolean
item_member (Skimmer    *s,
             const char *key,
             gpointer    data)
{
  Item *item = data;

  if (item->check_item && !item->is_item)
    item->is_item = bulletin_ninjs_key_is_item (key);

  switch (g_ascii_tolower (key[0]))
    {
    case 'a':
      /* deeper than the reader looks, an item is one article whatever
       * it embeds */
      if (item->depth < MAX_ASSOCIATION_DEPTH && g_ascii_strcasecmp (key, "associations") == 0)
        {
          gboolean exact = strcmp (key, "associations") == 0;

          if (!exact && item->assoc_exact)
            break;
          item->assoc_exact = item->assoc_exact || exact;
          item->n_article_assoc = item->n_assoc_articles = 0;
          g_clear_pointer (&item->first_assoc_date, g_free);
          if (at (s, '{'))
            return each_member (s, association_member, item);
          if (at (s, '['))
            return each_element (s, association, item);
        }
      break;
    case 'b':
      if (g_ascii_strcasecmp (key, "bodies") == 0 || has_prefix_ci (key, "body_"))
        item->has_text = TRUE;
      break;
    case 'f':
      if (g_ascii_strcasecmp (key, "firstCreated") == 0)
        return take_string (s, &item->first_created);
      break;
    case 'h':
      if (g_ascii_strcasecmp (key, "headline") == 0)
        {
          item->has_text = TRUE;
          if (item->headline_is_main)
            break;
          g_clear_pointer (&item->headline, g_free);
          return take_string (s, &item->headline);
        }
      if (g_ascii_strcasecmp (key, "headlines") == 0)
        {
          item->has_text = TRUE;
          if (at (s, '['))
            return each_element (s, headline_element, item);
        }
      else if (has_prefix_ci (key, "headline_"))
        item->has_text = TRUE;
      break;
    case 't':
      if (g_ascii_strcasecmp (key, "type") == 0)
        return take_type (s, key, item);
      break;
    case 'u':
      if (g_ascii_strcasecmp (key, "uri") == 0)
        return take_string (s, &item->uri);
      break;
    case 'v':
      if (g_ascii_strcasecmp (key, "versionCreated") == 0)
        return take_string (s, &item->version_created);
      break;
    default:
      break;
    }
  return skip_value (s);
}

/* At a '{': an item.  Associations are looked into down to
 * MAX_ASSOCIATION_DEPTH only, so the nesting of C calls is bounded. */
static gboolean
skim_item (Skimmer *s,
           Item    *item)
{
  item->start = s->p;
  return each_member (s, item_member, item);
}

static gboolean
array_element (Skimmer  *s,
               gpointer  data)
{
  BulletinNinjsSkim *skim = data;
  Item item = { 0, };
  gboolean ok;

  if (!at (s, '{'))
    return skip_value (s);

  item.check_item = TRUE;
  ok = skim_item (s, &item);
  if (ok && item.is_item)
    {
      guint n = 0;
      const char *date = NULL;

      ok = item_count (s, &item, &n, &date);
      /* the reader dates the issue by its first article */
      if (ok && skim->n_articles == 0)
        skim->date = bulletin_date_from_string (date);
      skim->n_articles += n;
    }
  item_clear (&item);
  return ok;
}

gboolean
bulletin_ninjs_skim (const char         *data,
                     gsize               len,
                     const char         *display_name,
                     BulletinNinjsSkim  *skim,
                     GError            **error)
{
  g_autoptr(GString) value = g_string_new (NULL);
  Skimmer s = { data, data, data + len, display_name, value, error };
  gboolean not_item = FALSE;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (skim != NULL, FALSE);

  memset (skim, 0, sizeof *skim);

  if (len >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    s.p += 3;
  skip_ws (&s);

  if (s.p >= s.end)
    {
      g_set_error (error, BULLETIN_NINJS_ERROR, BULLETIN_NINJS_ERROR_SYNTAX,
                   _("%s: the file is empty"), display_name);
      return FALSE;
    }

  if (at (&s, '['))
    {
      skim->is_array = TRUE;
      if (!each_element (&s, array_element, skim))
        goto failed;
      if (skim->n_articles == 0)
        {
          g_set_error (error, BULLETIN_NINJS_ERROR, BULLETIN_NINJS_ERROR_NOT_NINJS,
                       _("%s: the array holds no ninjs item"), display_name);
          goto failed;
        }
    }
  else if (at (&s, '{'))
    {
      Item item = { 0, };
      const char *date, *first_date = NULL;
      guint n = 0;

      item.check_item = TRUE;
      if (!skim_item (&s, &item) || (item.is_item && !item_count (&s, &item, &n, &first_date)))
        {
          item_clear (&item);
          goto failed;
        }
      not_item = !item.is_item;

      date = item.version_created ? item.version_created
           : item.first_created ? item.first_created
           : item.assoc_date;
      skim->date = bulletin_date_from_string (date);
      skim->headline = g_steal_pointer (&item.headline);
      skim->uri = g_steal_pointer (&item.uri);
      /* "" is a type to the reader, but none to show */
      if (item.type != NULL && *item.type != 0)
        skim->type = g_steal_pointer (&item.type);
      /* the embedded articles (and the item itself when it has a body of
       * its own), else the item is the one article: the reader's collect() */
      skim->n_articles = n;
      item_clear (&item);
    }
  else
    {
      g_set_error (error, BULLETIN_NINJS_ERROR, BULLETIN_NINJS_ERROR_NOT_NINJS,
                   _("%s: not a ninjs item (the file holds no JSON object or array)"),
                   display_name);
      goto failed;
    }

  skip_ws (&s);
  if (s.p < s.end)
    {
      fail (&s, _("unexpected data after the JSON value"));
      goto failed;
    }
  if (not_item)
    {
      /* Translators: %s is a file name */
      g_set_error (error, BULLETIN_NINJS_ERROR, BULLETIN_NINJS_ERROR_NOT_NINJS,
                   _("%s: this JSON holds no ninjs item (an object with a uri, headlines or a body)"),
                   display_name);
      goto failed;
    }
  return TRUE;

failed:
  bulletin_ninjs_skim_clear (skim);
  return FALSE;
}

void
bulletin_ninjs_skim_clear (BulletinNinjsSkim *skim)
{
  g_return_if_fail (skim != NULL);

  g_clear_pointer (&skim->headline, g_free);
  g_clear_pointer (&skim->date, g_free);
  g_clear_pointer (&skim->uri, g_free);
  g_clear_pointer (&skim->type, g_free);
  skim->n_articles = 0;
  skim->is_array = FALSE;
}

gboolean
bulletin_ninjs_format_skim (const char          *data,
                            gsize                len,
                            GFile               *file,
                            const char          *display_name,
                            BulletinFormatSkim  *skim,
                            GError             **error)
{
  BulletinNinjsSkim ninjs;

  (void)file;
  if (!bulletin_ninjs_skim (data, len, display_name, &ninjs, error))
    return FALSE;
  skim->number = bulletin_number_from_string (ninjs.headline);
  skim->title = ninjs.is_array ? NULL : g_steal_pointer (&ninjs.headline);
  skim->date = g_steal_pointer (&ninjs.date);
  skim->n_articles = ninjs.n_articles;
  bulletin_ninjs_skim_clear (&ninjs);
  return TRUE;
}
