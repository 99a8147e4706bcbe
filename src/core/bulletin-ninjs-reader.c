/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "bulletin-date.h"
#include "bulletin-html-body.h"
#include "bulletin-ninjs-keys.h"
#include "bulletin-ninjs-reader.h"

/* json-glib's parser recurses once per level and has no limit of its own:
 * deeper files are refused before it sees them. */
#define MAX_JSON_DEPTH 256
/* composites inside composites: deeper ones are not read as articles */
#define MAX_ASSOCIATION_DEPTH 8
/* bodies of one item compared to drop alternative forms of one text */
#define MAX_COMPARED_BODIES 16

G_DEFINE_QUARK (bulletin-ninjs-error-quark, bulletin_ninjs_error)

typedef struct {
  const char          *name;
  BulletinParsedIssue *parsed;
} Reader;

/* ------------------------------------------------------------------ URIs */

static gboolean
is_unreserved (guchar c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static gboolean
is_sub_delim (guchar c)
{
  return c != 0 && strchr ("!$&'()*+,;=", c) != NULL;
}

/* Advances over characters allowed by @extra plus unreserved, sub-delims
 * and percent-encodings; FALSE on a malformed percent-encoding. */
static gboolean
skip_chars (const char **p,
            const char  *extra)
{
  const char *s = *p;

  for (;;)
    {
      guchar c = *s;

      if (c == '%')
        {
          if (!g_ascii_isxdigit (s[1]) || !g_ascii_isxdigit (s[2]))
            return FALSE;
          s += 3;
        }
      else if (is_unreserved (c) || is_sub_delim (c) || (c != 0 && strchr (extra, c) != NULL))
        s++;
      else
        break;
    }
  *p = s;
  return TRUE;
}

/**
 * bulletin_ninjs_uri_is_valid:
 *
 * Whether @uri is an absolute URI by RFC 3986 (what the ninjs 3.1 schema's
 * `format: uri` asks for): a scheme, then only the characters the grammar
 * allows in each part, non-ASCII percent-encoded.
 */
gboolean
bulletin_ninjs_uri_is_valid (const char *uri)
{
  const char *p = uri;

  if (uri == NULL || !g_ascii_isalpha (*p))
    return FALSE;
  while (g_ascii_isalnum (*p) || *p == '+' || *p == '-' || *p == '.')
    p++;
  if (*p++ != ':')
    return FALSE;

  if (p[0] == '/' && p[1] == '/')
    {
      const char *auth = p + 2, *end = auth, *at = NULL, *host;

      while (*end && *end != '/' && *end != '?' && *end != '#')
        {
          if (*end == '@')
            at = end;
          end++;
        }
      if (at != NULL)
        {
          const char *u = auth;
          if (!skip_chars (&u, ":") || u != at)
            return FALSE;
          host = at + 1;
        }
      else
        host = auth;

      if (*host == '[')
        {
          const char *h = host + 1;
          while (g_ascii_isxdigit (*h) || *h == ':' || *h == '.' ||
                 is_unreserved (*h) || is_sub_delim (*h))
            h++;
          if (*h != ']')
            return FALSE;
          host = h + 1;
        }
      else if (!skip_chars (&host, ""))
        return FALSE;

      if (*host == ':')
        for (host++; g_ascii_isdigit (*host); host++)
          ;
      if (host != end)
        return FALSE;
      p = end;
    }

  if (!skip_chars (&p, ":@/"))
    return FALSE;
  if (*p == '?')
    {
      p++;
      if (!skip_chars (&p, ":@/?"))
        return FALSE;
    }
  if (*p == '#')
    {
      p++;
      if (!skip_chars (&p, ":@/?"))
        return FALSE;
    }
  return *p == 0;
}

/**
 * bulletin_ninjs_dup_valid_uri:
 *
 * @uri when it is a valid URI; else a URN that keeps it readable and maps
 * it always to the same result (`urn:bulletin:ref:` and @uri
 * percent-encoded), so that ids built from it survive an export and a
 * new reading.
 *
 * Returns: (transfer full) (nullable): a valid URI, %NULL for a %NULL or
 *   empty @uri
 */
char *
bulletin_ninjs_dup_valid_uri (const char *uri)
{
  GString *s;

  if (uri == NULL || *uri == 0)
    return NULL;
  if (bulletin_ninjs_uri_is_valid (uri))
    return g_strdup (uri);

  s = g_string_new ("urn:bulletin:ref:");
  for (const guchar *p = (const guchar *)uri; *p; p++)
    {
      if (is_unreserved (*p) || is_sub_delim (*p) || *p == ':' || *p == '@' || *p == '/')
        g_string_append_c (s, *p);
      else
        g_string_append_printf (s, "%%%02X", *p);
    }
  return g_string_free (s, FALSE);
}

/* ----------------------------------------------------------------- dates */

/**
 * bulletin_ninjs_normalize_date:
 *
 * Returns: (transfer full) (nullable): @text as an RFC 3339 date-time, or
 *   as YYYY-MM-DD when it only holds a date
 */
char *
bulletin_ninjs_normalize_date (const char *text)
{
  g_autoptr(GTimeZone) utc = NULL;
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL || *text == 0)
    return NULL;

  utc = g_time_zone_new_utc ();
  dt = g_date_time_new_from_iso8601 (text, utc);
  if (dt != NULL)
    {
      if (g_date_time_get_utc_offset (dt) == 0)
        return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
      return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S%:z");
    }
  return bulletin_date_from_string (text);
}

/* ------------------------------------------------------------ JSON access */

/* ninjs 1.x and 2.x spell keys in lower case, 3.x in camelCase.  @key,
 * when given, is set to the key as the file spells it. */
static JsonNode *
member_full (JsonObject  *object,
             const char  *name,
             const char **key_out)
{
  JsonObjectIter iter;
  const char *key;
  JsonNode *node;

  node = json_object_get_member (object, name);
  if (node != NULL)
    {
      if (key_out != NULL)
        *key_out = name;
      return node;
    }

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &key, &node))
    if (g_ascii_strcasecmp (key, name) == 0)
      {
        if (key_out != NULL)
          *key_out = key;
        return node;
      }
  return NULL;
}

static JsonNode *
member (JsonObject *object,
        const char *name)
{
  return member_full (object, name, NULL);
}

static const char *
node_string (Reader     *r,
             JsonNode   *node,
             const char *what)
{
  const char *value;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      /* Translators: %s are a file name and a ninjs property */
      bulletin_parsed_issue_add_warning (r->parsed, _("%s: “%s” is not text; it is ignored"),
                                         r->name, what);
      return NULL;
    }
  value = json_node_get_string (node);
  return (value != NULL && *value != 0) ? value : NULL;
}

static const char *
get_string (Reader     *r,
            JsonObject *object,
            const char *name)
{
  const char *key = name;
  JsonNode *node = member_full (object, name, &key);

  return node_string (r, node, key);
}

/* A string that is metadata only (type, role, contentType): no warning. */
static const char *
peek_string (JsonObject *object,
             const char *name)
{
  JsonNode *node = member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonArray *
get_array (Reader     *r,
           JsonObject *object,
           const char *name)
{
  const char *key = name;
  JsonNode *node = member_full (object, name, &key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      /* Translators: %s are a file name and a ninjs property */
      bulletin_parsed_issue_add_warning (r->parsed, _("%s: “%s” is not a list; it is ignored"),
                                         r->name, key);
      return NULL;
    }
  return json_node_get_array (node);
}

static gboolean
has_prefix_ci (const char *key,
               const char *prefix)
{
  return g_ascii_strncasecmp (key, prefix, strlen (prefix)) == 0;
}

static gboolean
is_item (JsonObject *object)
{
  JsonObjectIter iter;
  const char *key;
  JsonNode *node;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &key, &node))
    if (bulletin_ninjs_key_is_item (key))
      return TRUE;
  return FALSE;
}

static gboolean
is_media_type (const char *type)
{
  return type != NULL &&
         (g_ascii_strcasecmp (type, "picture") == 0 || g_ascii_strcasecmp (type, "graphic") == 0 ||
          g_ascii_strcasecmp (type, "video") == 0 || g_ascii_strcasecmp (type, "audio") == 0);
}

static gboolean
has_text_content (JsonObject *object)
{
  JsonObjectIter iter;
  const char *key;
  JsonNode *node;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &key, &node))
    if (g_ascii_strcasecmp (key, "headline") == 0 || g_ascii_strcasecmp (key, "headlines") == 0 ||
        g_ascii_strcasecmp (key, "bodies") == 0 || has_prefix_ci (key, "headline_") ||
        has_prefix_ci (key, "body_"))
      return TRUE;
  return FALSE;
}

/* An embedded item that is an article of the issue: a text item, or an
 * untyped one or a composite with headlines or a body. */
static gboolean
is_article_item (JsonObject *object)
{
  const char *type = peek_string (object, "type");

  if (type != NULL && g_ascii_strcasecmp (type, "text") == 0)
    return TRUE;
  if (type != NULL && g_ascii_strcasecmp (type, "composite") != 0)
    return FALSE;
  return has_text_content (object);
}

/* ------------------------------------------------------------- headlines */

typedef struct {
  const char *main;
  const char *kicker;
  const char *subtitle;
  const char *section;
  const char *other;
  char       *owned[5];
} Headlines;

static void
headlines_clear (Headlines *h)
{
  for (guint i = 0; i < G_N_ELEMENTS (h->owned); i++)
    g_free (h->owned[i]);
}

static void
headlines_take (Headlines  *h,
                const char *role,
                const char *value,
                char       *owned)
{
  const char **slot;
  guint index;

  if (value == NULL || *value == 0)
    {
      g_free (owned);
      return;
    }

  if (role == NULL || *role == 0 || g_ascii_strcasecmp (role, "main") == 0 ||
      g_ascii_strcasecmp (role, "headline") == 0 || strcmp (role, "主题") == 0)
    slot = &h->main, index = 0;
  else if (g_ascii_strcasecmp (role, "kicker") == 0 || g_ascii_strcasecmp (role, "overline") == 0 ||
           g_ascii_strcasecmp (role, "pre") == 0 || g_ascii_strcasecmp (role, "pretitle") == 0 ||
           g_ascii_strcasecmp (role, "supertitle") == 0 || strcmp (role, "引题") == 0 ||
           strcmp (role, "肩题") == 0 || strcmp (role, "眉题") == 0)
    slot = &h->kicker, index = 1;
  else if (g_ascii_strcasecmp (role, "subtitle") == 0 || g_ascii_strcasecmp (role, "sub") == 0 ||
           g_ascii_strcasecmp (role, "subhead") == 0 || g_ascii_strcasecmp (role, "subheadline") == 0 ||
           g_ascii_strcasecmp (role, "sub-headline") == 0 || g_ascii_strcasecmp (role, "deck") == 0 ||
           strcmp (role, "副题") == 0)
    slot = &h->subtitle, index = 2;
  else if (g_ascii_strcasecmp (role, "section") == 0 || g_ascii_strcasecmp (role, "label") == 0)
    slot = &h->section, index = 3;
  else
    slot = &h->other, index = 4;

  if (*slot != NULL)
    {
      g_free (owned);
      return;
    }
  *slot = value;
  h->owned[index] = owned;
}

static gboolean
content_type_is_markup (const char *content_type)
{
  return content_type != NULL &&
         (strstr (content_type, "html") != NULL || strstr (content_type, "xml") != NULL);
}

static void
read_headlines (Reader     *r,
                JsonObject *item,
                Headlines  *h)
{
  JsonArray *array = get_array (r, item, "headlines");
  JsonObjectIter iter;
  const char *key;
  JsonNode *node;

  if (array != NULL)
    for (guint i = 0; i < json_array_get_length (array); i++)
      {
        JsonNode *element = json_array_get_element (array, i);
        JsonObject *object;
        const char *value, *type;

        if (!JSON_NODE_HOLDS_OBJECT (element))
          {
            headlines_take (h, NULL, node_string (r, element, "headlines"), NULL);
            continue;
          }
        object = json_node_get_object (element);
        value = get_string (r, object, "value");
        type = peek_string (object, "contentType");
        if (value != NULL && content_type_is_markup (type))
          {
            char *text = bulletin_html_body_dup_text (value, -1);
            headlines_take (h, peek_string (object, "role"), text, text);
          }
        else
          headlines_take (h, peek_string (object, "role"), value, NULL);
      }

  /* 1.x: headline, headline_<role> */
  json_object_iter_init_ordered (&iter, item);
  while (json_object_iter_next_ordered (&iter, &key, &node))
    {
      if (g_ascii_strcasecmp (key, "headline") == 0)
        headlines_take (h, "main", node_string (r, node, key), NULL);
      else if (has_prefix_ci (key, "headline_"))
        headlines_take (h, key + strlen ("headline_"), node_string (r, node, key), NULL);
    }
}

/* ---------------------------------------------------------------- bodies */

typedef struct {
  gboolean   markup;
  GPtrArray *blocks;   /* BulletinHtmlBlock */
  char      *folded;   /* for comparing bodies, made on demand */
} Body;

static void
body_free (Body *body)
{
  g_ptr_array_unref (body->blocks);
  g_free (body->folded);
  g_free (body);
}

/* Plain text: each non-empty line is a paragraph. */
static GPtrArray *
split_plain (const char *text)
{
  GPtrArray *blocks = g_ptr_array_new_with_free_func ((GDestroyNotify)bulletin_html_block_free);
  const char *p = text;

  while (*p)
    {
      const char *e = p, *next;

      while (*e && *e != '\n' && *e != '\r')
        e++;
      next = *e ? e + 1 : e;
      while (p < e && (*p == ' ' || *p == '\t'))
        p++;
      while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
      if (e > p)
        {
          BulletinHtmlBlock *block = g_new0 (BulletinHtmlBlock, 1);
          block->kind = BULLETIN_BLOCK_PARAGRAPH;
          block->text = g_strndup (p, e - p);
          g_ptr_array_add (blocks, block);
        }
      p = next;
    }
  return blocks;
}

static gboolean
looks_like_markup (const char *text)
{
  while (g_ascii_isspace (*text))
    text++;
  return *text == '<' && (strstr (text, "</") != NULL || strstr (text, "/>") != NULL ||
                          strstr (text, "<br") != NULL || strstr (text, "<p") != NULL);
}

static void
add_body (Reader     *r,
          GPtrArray  *bodies,
          const char *value,
          const char *content_type,
          gboolean    plain_by_name)
{
  Body *body;

  if (value == NULL)
    return;

  body = g_new0 (Body, 1);
  if (content_type_is_markup (content_type))
    body->markup = TRUE;
  else if (content_type != NULL && !g_str_has_prefix (content_type, "text/"))
    {
      /* Translators: %s are a file name and a media type */
      bulletin_parsed_issue_add_warning (r->parsed,
                                         _("%s: a body of type “%s” is read as plain text"),
                                         r->name, content_type);
      body->markup = looks_like_markup (value);
    }
  else if (content_type == NULL && !plain_by_name)
    body->markup = looks_like_markup (value);

  body->blocks = body->markup ? bulletin_html_body_parse (value, -1) : split_plain (value);
  g_ptr_array_add (bodies, body);
}

/* bodies[] (2.x, 3.x) or body_<kind> (1.x); with @prefix "description"
 * the descriptions instead. */
static GPtrArray *
read_bodies (Reader     *r,
             JsonObject *item,
             const char *array_name,
             const char *prefix)
{
  GPtrArray *bodies = g_ptr_array_new_with_free_func ((GDestroyNotify)body_free);
  JsonArray *array = get_array (r, item, array_name);
  g_autofree char *prefix_ = g_strconcat (prefix, "_", NULL);
  JsonObjectIter iter;
  const char *key;
  JsonNode *node;

  if (array != NULL)
    for (guint i = 0; i < json_array_get_length (array); i++)
      {
        JsonNode *element = json_array_get_element (array, i);
        JsonObject *object;

        if (!JSON_NODE_HOLDS_OBJECT (element))
          {
            add_body (r, bodies, node_string (r, element, array_name), NULL, FALSE);
            continue;
          }
        object = json_node_get_object (element);
        add_body (r, bodies, get_string (r, object, "value"),
                  peek_string (object, "contentType"), FALSE);
      }

  json_object_iter_init_ordered (&iter, item);
  while (json_object_iter_next_ordered (&iter, &key, &node))
    if (has_prefix_ci (key, prefix_))
      {
        const char *kind = key + strlen (prefix_);
        const char *value = node_string (r, node, key);

        if (g_ascii_strcasecmp (kind, "text") == 0)
          add_body (r, bodies, value, "text/plain", TRUE);
        else if (strstr (kind, "html") != NULL || strstr (kind, "xml") != NULL)
          add_body (r, bodies, value, "text/html", FALSE);
        else
          add_body (r, bodies, value, NULL, FALSE);
      }

  return bodies;
}

/* Letters and digits, lower case: enough to tell whether two forms of a
 * body hold the same text, and much cheaper than NFKC. */
static char *
fold_letters (const char *text)
{
  GString *out = g_string_sized_new (strlen (text));

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x80)
        {
          if (g_ascii_isalnum (c))
            g_string_append_c (out, g_ascii_tolower (c));
        }
      else if (g_unichar_isalnum (c))
        {
          gunichar lower = g_unichar_tolower (c);

          if (lower == c)
            g_string_append_len (out, p, g_utf8_next_char (p) - p);
          else
            g_string_append_unichar (out, lower);
        }
    }
  return g_string_free (out, FALSE);
}

static const char *
body_folded (Body *body)
{
  if (body->folded == NULL)
    {
      GString *s = g_string_new (NULL);

      for (guint i = 0; i < body->blocks->len; i++)
        {
          BulletinHtmlBlock *block = g_ptr_array_index (body->blocks, i);
          g_string_append (s, block->text);
          g_string_append_c (s, ' ');
        }
      body->folded = fold_letters (s->str);
      g_string_free (s, TRUE);
    }
  return body->folded;
}

static int
compare_bodies (gconstpointer a,
                gconstpointer b)
{
  const Body *x = *(Body * const *)a;
  const Body *y = *(Body * const *)b;

  return (int)y->markup - (int)x->markup;
}

/* The bodies to show: the richest one (markup before plain text), and any
 * other that holds text the chosen ones do not, so that a placeholder
 * HTML body beside a full plain one loses nothing. */
static GPtrArray *
choose_bodies (GPtrArray *bodies)
{
  GPtrArray *chosen = g_ptr_array_new ();

  /* One body, or more than any real item has (the comparisons grow with
   * the square of their number): all of them, in order. */
  if (bodies->len <= 1 || bodies->len > MAX_COMPARED_BODIES)
    {
      for (guint i = 0; i < bodies->len; i++)
        g_ptr_array_add (chosen, g_ptr_array_index (bodies, i));
      return chosen;
    }

  g_ptr_array_sort (bodies, compare_bodies);
  for (guint i = 0; i < bodies->len; i++)
    {
      Body *body = g_ptr_array_index (bodies, i);
      const char *text = body_folded (body);
      gboolean covered = FALSE;

      for (guint j = 0; j < chosen->len && !covered; j++)
        {
          Body *other = g_ptr_array_index (chosen, j);
          const char *other_text = body_folded (other);

          if (strstr (other_text, text) != NULL)
            covered = TRUE;
          else if (strstr (text, other_text) != NULL)
            {
              g_ptr_array_index (chosen, j) = body;
              covered = TRUE;
            }
        }
      if (!covered)
        g_ptr_array_add (chosen, body);
    }
  return chosen;
}

static char *
bodies_dup_text (GPtrArray *bodies)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < bodies->len; i++)
    {
      Body *body = g_ptr_array_index (bodies, i);

      for (guint j = 0; j < body->blocks->len; j++)
        {
          BulletinHtmlBlock *block = g_ptr_array_index (body->blocks, j);

          if (*block->text == 0)
            continue;
          if (s->len > 0)
            g_string_append_c (s, ' ');
          g_string_append (s, block->text);
        }
    }
  return g_string_free (s, FALSE);
}

/* ----------------------------------------------------------------- media */

static const char *
rendition_href (JsonObject *item)
{
  JsonNode *node = member (item, "renditions");

  if (node == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          const char *href;

          if (JSON_NODE_HOLDS_OBJECT (element) &&
              (href = peek_string (json_node_get_object (element), "href")) != NULL && *href)
            return href;
        }
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *key;
      JsonNode *value;
      const char *href;

      json_object_iter_init_ordered (&iter, json_node_get_object (node));
      while (json_object_iter_next_ordered (&iter, &key, &value))
        if (JSON_NODE_HOLDS_OBJECT (value) &&
            (href = peek_string (json_node_get_object (value), "href")) != NULL && *href)
          return href;
    }
  return NULL;
}

/* A picture, graphic, video or audio item as a figure: its rendition as
 * the image reference (never fetched), its description as the caption. */
static void
append_media (Reader          *r,
              BulletinArticle *article,
              JsonObject      *item,
              const char      *headline)
{
  g_autoptr(GPtrArray) descriptions = read_bodies (r, item, "descriptions", "description");
  g_autoptr(GPtrArray) chosen = choose_bodies (descriptions);
  g_autofree char *caption = bodies_dup_text (chosen);
  BulletinBlock *block;

  const char *href = rendition_href (item);

  if (*caption == 0 && headline != NULL)
    {
      g_free (caption);
      caption = g_strdup (headline);
    }
  if (*caption == 0 && href == NULL)
    return; /* nothing to show */

  block = bulletin_article_append_block (article, BULLETIN_BLOCK_FIGURE, caption, -1);
  block->image = g_strdup (href);
  block->image_alt = g_strdup (headline);
}

static void
headlines_of (Reader     *r,
              JsonObject *item,
              Headlines  *h)
{
  read_headlines (r, item, h);
  if (h->main == NULL)
    h->main = h->other;
  if (h->main == NULL)
    h->main = get_string (r, item, "title");
}

/* ------------------------------------------------------------- articles */

/* The name of the infoSource whose role is a source (Bulletin's export
 * writes the credit line so). */
static const char *
info_source (JsonObject *item)
{
  JsonNode *node = member (item, "infoSources");
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *role, *name;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      role = peek_string (json_node_get_object (element), "role");
      name = peek_string (json_node_get_object (element), "name");
      if (role != NULL && g_ascii_strcasecmp (role, "source") == 0 && name != NULL && *name != 0)
        return name;
    }
  return NULL;
}

/* ------------------------------------------------------ page, section */

/* Whether a scheme, a uri's scheme or a rel names a page or a section
 * ("section", "http://example.com/sections/", "printsection:A",
 * "page:2", "x-paper-page"). */
static gboolean
names_place (const char *text,
             const char *what)
{
  g_autofree char *lower = NULL;
  const char *p;
  gsize n = strlen (what);

  if (text == NULL)
    return FALSE;
  lower = g_ascii_strdown (text, -1);
  for (p = strstr (lower, what); p != NULL; p = strstr (p + 1, what))
    {
      /* a word of its own, or after print/paper/news ("printsection") */
      gboolean start_ok = p == lower || !g_ascii_isalpha (p[-1]) ||
                          (p - lower >= 5 && (strncmp (p - 5, "print", 5) == 0 || strncmp (p - 5, "paper", 5) == 0));
      char after = p[n];

      if (after == 's')
        after = p[n + 1];
      if (start_ok && !g_ascii_isalpha (after))
        return TRUE;
    }
  return FALSE;
}

/* The value of a subject or genre: its name, else its literal or code,
 * else the last part of its uri */
static char *
concept_value (JsonObject *object)
{
  const char *keys[] = { "name", "literal", "code" };
  const char *uri;
  const char *last;

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const char *v = peek_string (object, keys[i]);

      /* "section:社会": the literal's scheme is no part of it */
      if (v != NULL && i == 1 && strrchr (v, ':') != NULL)
        v = strrchr (v, ':') + 1;
      if (v != NULL && *v != 0)
        return g_strstrip (g_strdup (v));
    }
  uri = peek_string (object, "uri");
  if (uri == NULL)
    return NULL;
  last = MAX (strrchr (uri, '/'), strrchr (uri, ':'));
  last = last != NULL ? last + 1 : uri;
  return *last != 0 ? g_uri_unescape_string (last, NULL) : NULL;
}

/* The printed page and section of an item, where ninjs carries them:
 * subjects and genres whose rel, scheme or uri says page or section
 * (ninjs 2.x and 3.x spell them "subjects"/"genres", 1.x
 * "subject"/"genre"), else plain "page"/"section" properties. */
static void
read_place (JsonObject  *item,
            char       **page,
            char       **section)
{
  static const char * const lists[] = { "subjects", "subject", "genres", "genre" };

  *page = *section = NULL;
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      JsonNode *node = member (item, lists[l]);
      JsonArray *array;

      if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
        continue;
      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          JsonObject *object;
          const char *hints[4];
          gboolean is_page = FALSE, is_section = FALSE;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;
          object = json_node_get_object (element);
          hints[0] = peek_string (object, "rel");
          hints[1] = peek_string (object, "scheme");
          hints[2] = peek_string (object, "uri");
          hints[3] = peek_string (object, "literal");
          if (hints[2] != NULL && strchr (hints[2], ':') == NULL)
            hints[2] = NULL;   /* a uri without a scheme says nothing of one */
          if (hints[3] != NULL && strchr (hints[3], ':') == NULL)
            hints[3] = NULL;   /* "section:Local" only */
          for (guint h = 0; h < G_N_ELEMENTS (hints); h++)
            {
              g_autofree char *scheme = NULL;

              if (hints[h] == NULL)
                continue;
              /* a uri's path names its scheme, not its last part */
              if (h >= 2)
                {
                  const char *end = MAX (strrchr (hints[h], '/'), strrchr (hints[h], ':'));
                  scheme = g_strndup (hints[h], end - hints[h]);
                }
              else
                scheme = g_strdup (hints[h]);
              is_page = is_page || names_place (scheme, "page");
              is_section = is_section || names_place (scheme, "section") || names_place (scheme, "desk");
            }
          if (is_page && *page == NULL)
            *page = concept_value (object);
          else if (is_section && *section == NULL)
            *section = concept_value (object);
        }
    }

  if (*section == NULL)
    {
      const char *v = peek_string (item, "section");

      *section = v != NULL && *v != 0 ? g_strdup (v) : NULL;
    }
  if (*page == NULL)
    {
      JsonNode *node = member (item, "page");

      if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
        {
          if (json_node_get_value_type (node) == G_TYPE_STRING && *json_node_get_string (node) != 0)
            *page = g_strdup (json_node_get_string (node));
          else if (json_node_get_value_type (node) == G_TYPE_INT64 && json_node_get_int (node) > 0)
            *page = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
        }
    }
}

static BulletinArticle *
build_article (Reader     *r,
               JsonObject *item,
               GPtrArray  *media)
{
  g_autoptr(BulletinArticle) article = bulletin_article_new ();
  g_autoptr(GPtrArray) bodies = NULL;
  g_autoptr(GPtrArray) chosen = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *date = NULL;
  g_autofree char *page = NULL;
  g_autofree char *section = NULL;
  Headlines h = { 0, };
  const char *type = peek_string (item, "type");
  const char *byline, *located, *dateline, *credit, *language, *created;

  headlines_of (r, item, &h);

  byline = get_string (r, item, "by");
  if (byline == NULL)
    byline = get_string (r, item, "byline");
  located = get_string (r, item, "located");
  dateline = get_string (r, item, "dateline");
  if (dateline == NULL)
    dateline = located;
  credit = get_string (r, item, "credit");
  if (credit == NULL)
    credit = info_source (item);
  if (credit == NULL)
    credit = get_string (r, item, "copyrightHolder");
  language = get_string (r, item, "language");
  created = get_string (r, item, "versionCreated");
  if (created == NULL)
    created = get_string (r, item, "firstCreated");

  if (h.section != NULL)
    bulletin_article_append_block (article, BULLETIN_BLOCK_SECTION_LABEL, h.section, -1);
  if (h.kicker != NULL)
    bulletin_article_append_block (article, BULLETIN_BLOCK_KICKER, h.kicker, -1);
  if (h.main != NULL)
    bulletin_article_append_block (article, BULLETIN_BLOCK_HEADLINE, h.main, -1);
  if (h.subtitle != NULL)
    bulletin_article_append_block (article, BULLETIN_BLOCK_SUBTITLE, h.subtitle, -1);
  if (byline != NULL)
    bulletin_article_append_block (article, BULLETIN_BLOCK_BYLINE, byline, -1);
  if (dateline != NULL)
    bulletin_article_append_block (article, BULLETIN_BLOCK_DATELINE, dateline, -1);
  if (credit != NULL)
    bulletin_article_append_block (article, BULLETIN_BLOCK_SOURCE, credit, -1);

  bodies = read_bodies (r, item, "bodies", "body");
  if (is_media_type (type))
    append_media (r, article, item, h.main);
  else if (bodies->len == 0)
    {
      /* no body: the descriptions are what there is to read */
      g_ptr_array_unref (bodies);
      bodies = read_bodies (r, item, "descriptions", "description");
    }

  chosen = choose_bodies (bodies);
  for (guint i = 0; i < chosen->len; i++)
    bulletin_html_body_append (article, ((Body *)g_ptr_array_index (chosen, i))->blocks);

  for (guint i = 0; media != NULL && i < media->len; i++)
    {
      JsonObject *object = g_ptr_array_index (media, i);
      Headlines mh = { 0, };

      headlines_of (r, object, &mh);
      append_media (r, article, object, mh.main);
      headlines_clear (&mh);
    }

  uri = bulletin_ninjs_dup_valid_uri (get_string (r, item, "uri"));
  date = bulletin_ninjs_normalize_date (created);

  bulletin_article_set_uri (article, uri);
  bulletin_article_set_headline (article, h.main);
  bulletin_article_set_kicker (article, h.kicker);
  bulletin_article_set_subtitle (article, h.subtitle);
  bulletin_article_set_byline (article, byline);
  bulletin_article_set_dateline (article, dateline);
  bulletin_article_set_located (article, located);
  bulletin_article_set_credit (article, credit);
  bulletin_article_set_language (article, language);
  bulletin_article_set_date (article, date);
  read_place (item, &page, &section);
  bulletin_article_set_page (article, page);
  bulletin_article_set_section (article, section);
  bulletin_article_finish (article);

  headlines_clear (&h);
  return g_steal_pointer (&article);
}

/* Sorts the embedded items of @item into articles and media. */
static void
read_associations (Reader     *r,
                   JsonObject *item,
                   GPtrArray  *articles,
                   GPtrArray  *media)
{
  JsonNode *node = member (item, "associations");
  g_autoptr(GPtrArray) all = g_ptr_array_new ();

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          if (JSON_NODE_HOLDS_OBJECT (element))
            g_ptr_array_add (all, json_node_get_object (element));
        }
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      /* 1.x: an object keyed by the association's name, in file order */
      JsonObjectIter iter;
      const char *key;
      JsonNode *value;

      json_object_iter_init_ordered (&iter, json_node_get_object (node));
      while (json_object_iter_next_ordered (&iter, &key, &value))
        if (JSON_NODE_HOLDS_OBJECT (value))
          g_ptr_array_add (all, json_node_get_object (value));
    }
  else
    {
      /* Translators: %s is a file name */
      bulletin_parsed_issue_add_warning (r->parsed, _("%s: “associations” is neither a list nor an object; it is ignored"),
                                         r->name);
      return;
    }

  for (guint i = 0; i < all->len; i++)
    {
      JsonObject *object = g_ptr_array_index (all, i);

      if (is_media_type (peek_string (object, "type")))
        g_ptr_array_add (media, object);
      else if (is_article_item (object))
        g_ptr_array_add (articles, object);
    }
}

static gboolean
has_own_body (Reader     *r,
              JsonObject *item)
{
  g_autoptr(GPtrArray) bodies = read_bodies (r, item, "bodies", "body");
  g_autoptr(GPtrArray) chosen = choose_bodies (bodies);
  g_autofree char *text = bodies_dup_text (chosen);
  g_autofree char *folded = fold_letters (text);

  /* "[ ... ]", a placeholder, is no body */
  return *folded != 0;
}

/* Adds the articles of @item: its embedded text items when it has some
 * (the item itself too when it has a body of its own), else itself.
 * Returns whether the embedded items were the articles. */
static gboolean
collect (Reader     *r,
         JsonObject *item,
         guint       depth)
{
  g_autoptr(GPtrArray) articles = g_ptr_array_new ();
  g_autoptr(GPtrArray) media = g_ptr_array_new ();

  read_associations (r, item, articles, media);

  if (articles->len > 0 && depth >= MAX_ASSOCIATION_DEPTH)
    {
      /* Translators: %s is a file name */
      bulletin_parsed_issue_add_warning (r->parsed, _("%s: associations nested too deeply; the inner ones are ignored"),
                                         r->name);
      g_ptr_array_set_size (articles, 0);
    }

  if (articles->len == 0)
    {
      g_ptr_array_add (r->parsed->articles, build_article (r, item, media));
      return FALSE;
    }

  if (has_own_body (r, item))
    g_ptr_array_add (r->parsed->articles, build_article (r, item, media));
  for (guint i = 0; i < articles->len; i++)
    collect (r, g_ptr_array_index (articles, i), depth + 1);
  return TRUE;
}

static void
issue_metadata (Reader     *r,
                JsonObject *item,
                gboolean    with_title)
{
  const char *created = get_string (r, item, "versionCreated");
  g_autofree char *date = NULL;

  if (created == NULL)
    created = get_string (r, item, "firstCreated");
  date = bulletin_ninjs_normalize_date (created);

  if (with_title)
    {
      Headlines h = { 0, };

      headlines_of (r, item, &h);
      r->parsed->title = g_strdup (h.main);
      headlines_clear (&h);
      r->parsed->uri = bulletin_ninjs_dup_valid_uri (get_string (r, item, "uri"));
    }
  if (date != NULL)
    r->parsed->date = bulletin_date_from_string (date);
  r->parsed->language = g_strdup (get_string (r, item, "language"));
}

static void
read_altids (Reader     *r,
             JsonObject *item)
{
  JsonNode *node = member (item, "altIds");
  JsonArray *array;

  /* Bulletin's own export keeps the issue number and edition here. */
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *role, *value;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      role = peek_string (json_node_get_object (element), "role");
      value = peek_string (json_node_get_object (element), "value");
      if (role == NULL || value == NULL || *value == 0)
        continue;
      if (strcmp (role, "bulletin-number") == 0 && r->parsed->number == NULL)
        r->parsed->number = g_strdup (value);
      else if (strcmp (role, "bulletin-edition") == 0 && r->parsed->edition == NULL)
        r->parsed->edition = g_strdup (value);
    }
}

/* ---------------------------------------------------------------- errors */

static guint
line_of (const char *data,
         const char *pos)
{
  guint line = 1;

  for (const char *p = data; p < pos; p++)
    if (*p == '\n')
      line++;
  return line;
}

/* The value of the four hex digits at @p, or -1. */
static int
hex4 (const char *p,
      const char *end)
{
  int value = 0;

  if (end - p < 4)
    return -1;
  for (int i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (p[i]);

      if (d < 0)
        return -1;
      value = value * 16 + d;
    }
  return value;
}

/* json-glib 1.6 turns an escaped lone surrogate ("\udc00") into bytes that
 * are not UTF-8, and refuses a high surrogate followed by anything but a
 * low one.  Returns a copy of @data with each such escape written as
 * "\ufffd" (the same length, so lines and columns stay right), or %NULL
 * when there is none. */
static char *
repair_surrogates (const char *data,
                   gsize       len)
{
  const char *end = data + len;
  char *copy = NULL;
  gboolean in_string = FALSE;

  for (const char *p = data; p < end; p++)
    {
      int unit, next;

      if (!in_string)
        {
          in_string = *p == '"';
          continue;
        }
      if (*p == '"')
        {
          in_string = FALSE;
          continue;
        }
      if (*p != '\\' || p + 1 >= end)
        continue;
      if (p[1] != 'u' || (unit = hex4 (p + 2, end)) < 0xD800 || unit > 0xDFFF)
        {
          p++;
          continue;
        }
      if (unit < 0xDC00 && end - p >= 12 && p[6] == '\\' && p[7] == 'u' &&
          (next = hex4 (p + 8, end)) >= 0xDC00 && next <= 0xDFFF)
        {
          p += 11;
          continue;
        }
      if (copy == NULL)
        copy = g_memdup2 (data, len);
      memcpy (copy + (p - data), "\\ufffd", 6);
      p += 5;
    }
  return copy;
}

/* Whatever the escapes said, every string is UTF-8: json-glib 1.6 builds
 * the value of a malformed "\\u" escape without checking it, and takes
 * "\\201" for an octal escape of one byte, as GScanner does. */
static void
make_strings_valid (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, NULL, &member))
        make_strings_valid (member);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        make_strings_valid (json_array_get_element (array, i));
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *value = json_node_get_string (node);

      if (value != NULL && !g_utf8_validate (value, -1, NULL))
        {
          g_autofree char *valid = g_utf8_make_valid (value, -1);

          json_node_set_string (node, valid);
        }
    }
}

static gboolean
check_input (const char  *data,
             gsize        len,
             const char  *name,
             GError     **error)
{
  const char *end = NULL;
  gboolean in_string = FALSE;
  guint depth = 0;

  if (!g_utf8_validate_len (data, len, &end))
    {
      g_set_error (error, BULLETIN_NINJS_ERROR, BULLETIN_NINJS_ERROR_SYNTAX,
                   /* Translators: %s is a file name, %u a line number */
                   *end == 0 ? _("%s: line %u: the file contains a NUL byte")
                             : _("%s: line %u: the text is not valid UTF-8"),
                   name, line_of (data, end));
      return FALSE;
    }

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      /* The strings and comments as json-glib's scanner (a GScanner)
       * sees them, so that no bracket it will recurse on escapes the
       * count: "…" with escapes, '…' without, and C comments. */
      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '\'')
        {
          const char *q = memchr (data + i + 1, '\'', len - i - 1);
          i = q != NULL ? (gsize)(q - data) : len;
        }
      else if (c == '/' && i + 1 < len && data[i + 1] == '*')
        {
          const char *q = g_strstr_len (data + i + 2, len - i - 2, "*/");
          i = q != NULL ? (gsize)(q - data) + 1 : len;
        }
      else if (c == '[' || c == '{')
        {
          if (++depth > MAX_JSON_DEPTH)
            {
              g_set_error (error, BULLETIN_NINJS_ERROR, BULLETIN_NINJS_ERROR_SYNTAX,
                           /* Translators: %s is a file name, %u a line number, %d a count */
                           _("%s: line %u: lists and objects are nested more than %d levels deep"),
                           name, line_of (data, data + i), MAX_JSON_DEPTH);
              return FALSE;
            }
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

/* JSON wants control characters in strings escaped; json-glib lets them
 * through, so a file it reads could fail in every other tool.  Run on
 * JSON that json-glib accepted, so that its messages come first. */
static gboolean
check_strings (const char  *data,
               gsize        len,
               const char  *name,
               GError     **error)
{
  gboolean in_string = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (!in_string)
        in_string = c == '"';
      else if (c == '\\')
        i++;
      else if (c == '"')
        in_string = FALSE;
      else if ((guchar)c < 0x20)
        {
          g_set_error (error, BULLETIN_NINJS_ERROR, BULLETIN_NINJS_ERROR_SYNTAX,
                       /* Translators: %s is a file name, %u a line number, then U+XXXX */
                       _("%s: line %u: control character U+%04X inside a string (it must be written as an escape)"),
                       name, line_of (data, data + i), (guint)(guchar)c);
          return FALSE;
        }
    }
  return TRUE;
}

/* json-glib says "<data>:LINE:COLUMN: Parse error: PROBLEM". */
static void
set_parse_error (GError     **error,
                 const char  *name,
                 const char  *message)
{
  guint line = 0, column = 0;
  int consumed = 0;

  if (sscanf (message, "<data>:%u:%u: %n", &line, &column, &consumed) >= 2 && consumed > 0)
    {
      const char *problem = message + consumed;

      if (g_str_has_prefix (problem, "Parse error: "))
        problem += strlen ("Parse error: ");
      g_set_error (error, BULLETIN_NINJS_ERROR, BULLETIN_NINJS_ERROR_SYNTAX,
                   /* Translators: %s is a file name, %u line and column, then the problem */
                   _("%s: line %u, column %u: %s"), name, line, column, problem);
    }
  else
    g_set_error (error, BULLETIN_NINJS_ERROR, BULLETIN_NINJS_ERROR_SYNTAX,
                 "%s: %s", name, message);
}

/* ------------------------------------------------------------------ main */

/* A property read twice (for the issue and for its article) warns once. */
static void
dedup_warnings (BulletinParsedIssue *parsed)
{
  g_autoptr(GHashTable) seen = NULL;
  guint j = 0;

  if (parsed->warnings->len < 2)
    return;

  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < parsed->warnings->len; i++)
    {
      char *warning = g_ptr_array_index (parsed->warnings, i);

      g_ptr_array_index (parsed->warnings, i) = NULL;
      /* not g_hash_table_add(): on a repeat it would keep the repeat as
       * its key, which is freed here, and compare the next with it */
      if (g_hash_table_contains (seen, warning))
        g_free (warning);
      else
        {
          g_hash_table_add (seen, warning);
          g_ptr_array_index (parsed->warnings, j++) = warning;
        }
    }
  g_ptr_array_set_size (parsed->warnings, j);
}

/* bulletin_ninjs_parse () as the formats' table calls it: a ninjs file
 * names no neighbours */
BulletinParsedIssue *
bulletin_ninjs_format_parse (const char  *data,
                             gsize        len,
                             GFile       *file,
                             const char  *display_name,
                             GError     **error)
{
  (void)file;
  return bulletin_ninjs_parse (data, len, display_name, error);
}

/**
 * bulletin_ninjs_parse:
 * @data: the file's contents
 * @len: their length
 * @display_name: the file's name, for messages
 * @error: a #BULLETIN_NINJS_ERROR
 *
 * Reads ninjs 1.x, 2.x or 3.x.  A composite (or any item whose
 * associations embed text items) is an issue: its own headline, date and
 * uri are the issue's, its embedded items its articles, in order.  A
 * single item is an issue of one article; a JSON array, an issue of its
 * items.
 *
 * Returns: (transfer full) (nullable): the issue, or %NULL with @error set
 */
BulletinParsedIssue *
bulletin_ninjs_parse (const char  *data,
                      gsize        len,
                      const char  *display_name,
                      GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *repaired = NULL;
  JsonNode *root;
  Reader r;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (display_name == NULL)
    display_name = "ninjs";
  if (data == NULL)
    data = "";

  if (!check_input (data, len, display_name, error))
    return NULL;

  repaired = repair_surrogates (data, len);
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, repaired != NULL ? repaired : data, len, &local_error))
    {
      set_parse_error (error, display_name, local_error->message);
      return NULL;
    }
  if (json_parser_get_root (parser) != NULL && memchr (data, '\\', len) != NULL)
    make_strings_valid (json_parser_get_root (parser));
  if (!check_strings (data, len, display_name, error))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, BULLETIN_NINJS_ERROR, BULLETIN_NINJS_ERROR_SYNTAX,
                   /* Translators: %s is a file name */
                   _("%s: line 1: the file is empty"), display_name);
      return NULL;
    }

  parsed = bulletin_parsed_issue_new ();
  r.name = display_name;
  r.parsed = parsed;

  if (JSON_NODE_HOLDS_OBJECT (root) && is_item (json_node_get_object (root)))
    {
      JsonObject *item = json_node_get_object (root);
      const char *type = peek_string (item, "type");
      gboolean composite = collect (&r, item, 0);

      composite = composite || (type != NULL && g_ascii_strcasecmp (type, "composite") == 0);
      issue_metadata (&r, item, composite);
      read_altids (&r, item);
    }
  else if (JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_OBJECT (element) && is_item (json_node_get_object (element)))
            collect (&r, json_node_get_object (element), 0);
          else
            /* Translators: %s is a file name, %u a position from 1 */
            bulletin_parsed_issue_add_warning (parsed, _("%s: entry %u of the list is not a ninjs item; it is ignored"),
                                               display_name, i + 1);
        }
      if (parsed->articles->len > 0)
        {
          const char *date = bulletin_article_get_date (g_ptr_array_index (parsed->articles, 0));
          parsed->date = bulletin_date_from_string (date);
        }
    }

  dedup_warnings (parsed);

  if (parsed->articles->len == 0)
    {
      g_set_error (error, BULLETIN_NINJS_ERROR, BULLETIN_NINJS_ERROR_NOT_NINJS,
                   /* Translators: %s is a file name */
                   _("%s: this JSON holds no ninjs item (an object with a uri, headlines or a body)"),
                   display_name);
      return NULL;
    }

  return g_steal_pointer (&parsed);
}
