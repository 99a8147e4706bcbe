/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-ninjs-reader.h"
#include "bulletin-ninjs-writer.h"

#define NINJS_SCHEMA "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json"

/* An RFC 3339 date-time (what `format: date-time` asks for), from what the
 * model keeps: an RFC 3339 string or a bare date. */
static char *
dup_date_time (const char *date)
{
  g_autofree char *normal = bulletin_ninjs_normalize_date (date);

  if (normal == NULL)
    return NULL;
  if (strchr (normal, 'T') != NULL)
    return g_steal_pointer (&normal);
  return g_strconcat (normal, "T00:00:00Z", NULL);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  if (value == NULL || *value == 0)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_role_value (JsonBuilder *builder,
                const char  *role,
                const char  *content_type,
                const char  *value)
{
  json_builder_begin_object (builder);
  add_string (builder, "role", role);
  add_string (builder, "contentType", content_type);
  json_builder_set_member_name (builder, "value");
  json_builder_add_string_value (builder, value);
  json_builder_end_object (builder);
}

/* The metadata when set, else the text of the first block of @kind (the
 * plain-text importer finds bylines and datelines as blocks). */
static char *
dup_field (BulletinArticle   *article,
           const char        *value,
           BulletinBlockKind  kind)
{
  if (value != NULL && *value != 0)
    return g_strdup (value);

  for (guint i = 0; i < bulletin_article_get_n_blocks (article); i++)
    if (bulletin_article_get_block (article, i)->kind == kind)
      return bulletin_article_dup_block_text (article, i);
  return NULL;
}

static gboolean
is_body_kind (BulletinBlockKind kind)
{
  return kind == BULLETIN_BLOCK_HEADING || kind == BULLETIN_BLOCK_PARAGRAPH ||
         kind == BULLETIN_BLOCK_QUOTE || kind == BULLETIN_BLOCK_LIST_ITEM ||
         kind == BULLETIN_BLOCK_FIGURE;
}

/**
 * bulletin_ninjs_write_article:
 * @article: a finished article
 * @position: its place in the issue, from 1, for a name when it has no
 *   headline
 *
 * The article as a ninjs 3.1 text item for a composite's associations:
 * `uri` is its id (made valid with bulletin_ninjs_dup_valid_uri()), the
 * headline block's parts are headlines by role, the body blocks are one
 * text/plain body of paragraphs separated by blank lines.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
bulletin_ninjs_write_article (BulletinArticle *article,
                              guint            position)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autofree char *uri = NULL;
  g_autofree char *date = NULL;
  g_autofree char *headline = NULL;
  g_autofree char *kicker = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *section = NULL;
  g_autofree char *byline = NULL;
  g_autofree char *located = NULL;
  g_autofree char *credit = NULL;
  g_autofree char *name = NULL;
  GString *body;

  g_return_val_if_fail (BULLETIN_IS_ARTICLE (article), NULL);

  uri = bulletin_ninjs_dup_valid_uri (bulletin_article_get_id (article));
  date = dup_date_time (bulletin_article_get_date (article));
  headline = dup_field (article, bulletin_article_get_headline (article), BULLETIN_BLOCK_HEADLINE);
  kicker = dup_field (article, bulletin_article_get_kicker (article), BULLETIN_BLOCK_KICKER);
  subtitle = dup_field (article, bulletin_article_get_subtitle (article), BULLETIN_BLOCK_SUBTITLE);
  section = dup_field (article, NULL, BULLETIN_BLOCK_SECTION_LABEL);
  byline = dup_field (article, bulletin_article_get_byline (article), BULLETIN_BLOCK_BYLINE);
  located = bulletin_article_get_located (article) != NULL
            ? g_strdup (bulletin_article_get_located (article))
            : dup_field (article, bulletin_article_get_dateline (article), BULLETIN_BLOCK_DATELINE);
  credit = dup_field (article, bulletin_article_get_credit (article), BULLETIN_BLOCK_SOURCE);
  name = headline != NULL ? g_strdup (headline) : g_strdup_printf ("article %u", position);

  json_builder_begin_object (builder);
  add_string (builder, "name", name);
  add_string (builder, "rel", "article");
  add_string (builder, "uri", uri);
  add_string (builder, "type", "text");
  add_string (builder, "versionCreated", date);
  add_string (builder, "language", bulletin_article_get_language (article));

  if (headline != NULL || kicker != NULL || subtitle != NULL || section != NULL)
    {
      json_builder_set_member_name (builder, "headlines");
      json_builder_begin_array (builder);
      if (headline != NULL)
        add_role_value (builder, "main", "text/plain", headline);
      if (kicker != NULL)
        add_role_value (builder, "kicker", "text/plain", kicker);
      if (subtitle != NULL)
        add_role_value (builder, "subtitle", "text/plain", subtitle);
      if (section != NULL)
        add_role_value (builder, "section", "text/plain", section);
      json_builder_end_array (builder);
    }

  add_string (builder, "by", byline);
  add_string (builder, "located", located);

  /* the printed page and section, as subjects the reader reads back */
  if (bulletin_article_get_page (article) != NULL || bulletin_article_get_section (article) != NULL)
    {
      json_builder_set_member_name (builder, "subjects");
      json_builder_begin_array (builder);
      if (bulletin_article_get_section (article) != NULL)
        {
          json_builder_begin_object (builder);
          add_string (builder, "name", bulletin_article_get_section (article));
          add_string (builder, "rel", "section");
          json_builder_end_object (builder);
        }
      if (bulletin_article_get_page (article) != NULL)
        {
          json_builder_begin_object (builder);
          add_string (builder, "name", bulletin_article_get_page (article));
          add_string (builder, "rel", "page");
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }

  if (credit != NULL)
    {
      json_builder_set_member_name (builder, "infoSources");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      add_string (builder, "name", credit);
      add_string (builder, "role", "source");
      json_builder_end_object (builder);
      json_builder_end_array (builder);
    }

  body = g_string_new (NULL);
  for (guint i = 0; i < bulletin_article_get_n_blocks (article); i++)
    {
      const BulletinBlock *block = bulletin_article_get_block (article, i);
      g_autofree char *text = NULL;

      if (!is_body_kind (block->kind))
        continue;
      text = bulletin_article_dup_block_text (article, i);
      if (*text == 0)
        continue;
      if (body->len > 0)
        g_string_append (body, "\n\n");
      g_string_append (body, text);
    }
  if (body->len > 0)
    {
      json_builder_set_member_name (builder, "bodies");
      json_builder_begin_array (builder);
      add_role_value (builder, "main", "text/plain", body->str);
      json_builder_end_array (builder);
    }
  g_string_free (body, TRUE);

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/**
 * bulletin_ninjs_issue_uri:
 *
 * The issue's uri when it has a usable one, else the id BulletinIssue
 * gives it: `urn:bulletin:issue:` and a hash of its article ids.
 *
 * Returns: (transfer full): a valid URI
 */
char *
bulletin_ninjs_issue_uri (BulletinParsedIssue *issue)
{
  g_autoptr(GChecksum) sum = NULL;

  g_return_val_if_fail (issue != NULL, NULL);

  if (issue->uri != NULL && *issue->uri != 0)
    return bulletin_ninjs_dup_valid_uri (issue->uri);

  sum = g_checksum_new (G_CHECKSUM_SHA256);
  for (guint i = 0; i < issue->articles->len; i++)
    {
      const char *id = bulletin_article_get_id (g_ptr_array_index (issue->articles, i));
      g_checksum_update (sum, (const guchar *)id, -1);
      g_checksum_update (sum, (const guchar *)"\n", 1);
    }
  return g_strdup_printf ("urn:bulletin:issue:%.32s", g_checksum_get_string (sum));
}

static void
add_alt_id (JsonBuilder *builder,
            const char  *role,
            const char  *value)
{
  json_builder_begin_object (builder);
  add_string (builder, "role", role);
  json_builder_set_member_name (builder, "value");
  json_builder_add_string_value (builder, value);
  json_builder_end_object (builder);
}

/**
 * bulletin_ninjs_write_issue:
 *
 * The issue as one ninjs 3.1 composite: its title as the main headline,
 * its date as versionCreated, number and edition as altIds, and each
 * article embedded in associations, in order.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
bulletin_ninjs_write_issue (BulletinParsedIssue *issue)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autofree char *uri = NULL;
  g_autofree char *date = NULL;

  g_return_val_if_fail (issue != NULL, NULL);

  uri = bulletin_ninjs_issue_uri (issue);
  date = dup_date_time (issue->date);

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "standard");
  json_builder_begin_object (builder);
  add_string (builder, "name", "ninjs");
  add_string (builder, "version", "3.1");
  add_string (builder, "schema", NINJS_SCHEMA);
  json_builder_end_object (builder);

  add_string (builder, "uri", uri);
  add_string (builder, "type", "composite");
  add_string (builder, "versionCreated", date);
  add_string (builder, "language", issue->language);
  add_string (builder, "title", issue->title);
  if (issue->title != NULL && *issue->title != 0)
    {
      json_builder_set_member_name (builder, "headlines");
      json_builder_begin_array (builder);
      add_role_value (builder, "main", "text/plain", issue->title);
      json_builder_end_array (builder);
    }

  if ((issue->number != NULL && *issue->number) || (issue->edition != NULL && *issue->edition))
    {
      json_builder_set_member_name (builder, "altIds");
      json_builder_begin_array (builder);
      if (issue->number != NULL && *issue->number)
        add_alt_id (builder, "bulletin-number", issue->number);
      if (issue->edition != NULL && *issue->edition)
        add_alt_id (builder, "bulletin-edition", issue->edition);
      json_builder_end_array (builder);
    }

  json_builder_set_member_name (builder, "associations");
  json_builder_begin_array (builder);
  for (guint i = 0; i < issue->articles->len; i++)
    json_builder_add_value (builder,
                            bulletin_ninjs_write_article (g_ptr_array_index (issue->articles, i),
                                                          i + 1));
  json_builder_end_array (builder);

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/**
 * bulletin_ninjs_to_data:
 *
 * Returns: (transfer full): @node as indented JSON, UTF-8, with a final
 *   newline
 */
char *
bulletin_ninjs_to_data (JsonNode *node,
                        gsize    *length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *data = NULL;
  char *ret;

  g_return_val_if_fail (node != NULL, NULL);

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  data = json_generator_to_data (generator, NULL);
  ret = g_strconcat (data, "\n", NULL);
  if (length != NULL)
    *length = strlen (ret);
  return ret;
}
