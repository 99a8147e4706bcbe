/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bulletin-date.h"
#include "bulletin-html-body.h"
#include "bulletin-newsml-xml.h"
#include "bulletin-newsml1-reader.h"
#include "bulletin-ninjs-reader.h"

/*
 * NewsML 1.x (IPTC, 2000-2008): <NewsML> holds NewsItems; each has one
 * NewsComponent, whose NewsLines (HeadLine, SubHeadLine, ByLine,
 * DateLine, CreditLine) and ContentItems (DataContent: XHTML or text)
 * make an article.  A component that holds components is a group: each
 * descendant with content of its own is an article, and the outer
 * component's headline is the issue's title.
 */

#define MAX_DEPTH 32

static const char * const roots[] = { "NewsML", "NewsItem", NULL };

gboolean
bulletin_newsml1_sniff (const char *head,
                        gsize       len)
{
  return bulletin_newsml_head_has_root (head, len, roots);
}

typedef struct {
  const char          *name;
  BulletinParsedIssue *parsed;
  char                *item_uri;    /* of the NewsItem being read */
  char                *item_date;
  char                *item_lang;
  guint                n_in_item;
} Reader;

static char *
formal_name (xmlNode *node)
{
  return bulletin_newsml_attr (node, "FormalName");
}

/* "20011024T120000+0100" (the ISO 8601 basic form NewsML 1 uses) */
static char *
normalize_date (const char *text)
{
  g_autofree char *iso = NULL;

  if (text == NULL)
    return NULL;
  if (strlen (text) >= 15 && text[8] == 'T' && g_ascii_isdigit (text[0]) && g_ascii_isdigit (text[9]))
    {
      const char *zone = text + 15;

      iso = g_strdup_printf ("%.4s-%.2s-%.2sT%.2s:%.2s:%.2s%s", text, text + 4, text + 6,
                             text + 9, text + 11, text + 13, *zone ? zone : "Z");
      if (strlen (zone) == 5 && (zone[0] == '+' || zone[0] == '-'))
        {
          g_free (iso);
          iso = g_strdup_printf ("%.4s-%.2s-%.2sT%.2s:%.2s:%.2s%.3s:%.2s", text, text + 4, text + 6,
                                 text + 9, text + 11, text + 13, zone, zone + 3);
        }
      return bulletin_ninjs_normalize_date (iso);
    }
  return bulletin_ninjs_normalize_date (text);
}

/* urn:newsml:Provider:DateId:NewsItemId, without the revision: the id
 * stays when the item is revised */
static char *
item_uri (xmlNode *item)
{
  xmlNode *id = bulletin_newsml_path (item, "Identification", "NewsIdentifier", NULL);
  g_autofree char *provider = bulletin_newsml_text (bulletin_newsml_child (id, "ProviderId"));
  g_autofree char *date_id = bulletin_newsml_text (bulletin_newsml_child (id, "DateId"));
  g_autofree char *item_id = bulletin_newsml_text (bulletin_newsml_child (id, "NewsItemId"));
  g_autofree char *uri = NULL;

  if (provider != NULL && date_id != NULL && item_id != NULL)
    uri = g_strdup_printf ("urn:newsml:%s:%s:%s", provider, date_id, item_id);
  else
    {
      g_autofree char *public_id = bulletin_newsml_text (bulletin_newsml_child (id, "PublicIdentifier"));
      char *last = public_id != NULL ? strrchr (public_id, ':') : NULL;

      /* urn:newsml:Provider:DateId:NewsItemId:RevisionIdSuffix */
      guint n_colons = 0;

      for (const char *p = public_id; p != NULL && *p; p++)
        n_colons += *p == ':';
      if (last != NULL && g_str_has_prefix (public_id, "urn:newsml:") && n_colons >= 5)
        *last = 0;
      uri = g_steal_pointer (&public_id);
    }
  return bulletin_ninjs_dup_valid_uri (uri);
}

static gboolean
has_text_content (xmlNode *component)
{
  for (xmlNode *c = bulletin_newsml_child (component, "ContentItem"); c != NULL;
       c = bulletin_newsml_next (c, "ContentItem"))
    if (bulletin_newsml_child (c, "DataContent") != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
has_components (xmlNode *component)
{
  return bulletin_newsml_child (component, "NewsComponent") != NULL;
}

static gboolean
is_markup (xmlNode *content_item,
           xmlNode *data)
{
  g_autofree char *format = formal_name (bulletin_newsml_child (content_item, "Format"));
  g_autofree char *mime = formal_name (bulletin_newsml_child (content_item, "MimeType"));

  if ((format != NULL && (strstr (format, "HTML") != NULL || strstr (format, "html") != NULL ||
                          strstr (format, "NITF") != NULL)) ||
      (mime != NULL && (strstr (mime, "html") != NULL || strstr (mime, "xml") != NULL)))
    return TRUE;
  for (xmlNode *n = data->children; n != NULL; n = n->next)
    if (n->type == XML_ELEMENT_NODE)
      return TRUE;
  return FALSE;
}

static void
append_contents (BulletinArticle *article,
                 xmlNode         *component)
{
  for (xmlNode *c = bulletin_newsml_child (component, "ContentItem"); c != NULL;
       c = bulletin_newsml_next (c, "ContentItem"))
    {
      xmlNode *data = bulletin_newsml_child (c, "DataContent");

      if (data == NULL)
        continue;
      if (is_markup (c, data))
        {
          gboolean elements = FALSE;

          for (xmlNode *n = data->children; n != NULL; n = n->next)
            elements |= n->type == XML_ELEMENT_NODE;
          if (elements)
            bulletin_newsml_append_markup (article, data);
          else
            {
              /* escaped HTML in the text */
              xmlChar *text = xmlNodeGetContent (data);
              g_autoptr(GPtrArray) blocks = bulletin_html_body_parse ((const char *)text, -1);

              bulletin_html_body_append (article, blocks);
              xmlFree (text);
            }
        }
      else
        {
          xmlChar *text = xmlNodeGetContent (data);
          bulletin_newsml_append_plain (article, (const char *)text);
          xmlFree (text);
        }
    }
}

static char *
component_language (Reader  *r,
                    xmlNode *component)
{
  char *lang = formal_name (bulletin_newsml_path (component, "DescriptiveMetadata", "Language", NULL));

  if (lang == NULL)
    lang = bulletin_newsml_lang (component);
  if (lang == NULL)
    lang = g_strdup (r->item_lang);
  return lang;
}

static BulletinArticle *
read_article (Reader  *r,
              xmlNode *component,
              gboolean alone)
{
  g_autoptr(BulletinArticle) article = bulletin_article_new ();
  xmlNode *lines = bulletin_newsml_child (component, "NewsLines");
  g_autofree char *headline = bulletin_newsml_text (bulletin_newsml_child (lines, "HeadLine"));
  g_autofree char *subtitle = bulletin_newsml_text (bulletin_newsml_child (lines, "SubHeadLine"));
  g_autofree char *byline = bulletin_newsml_text (bulletin_newsml_child (lines, "ByLine"));
  g_autofree char *dateline = bulletin_newsml_text (bulletin_newsml_child (lines, "DateLine"));
  g_autofree char *credit = bulletin_newsml_text (bulletin_newsml_child (lines, "CreditLine"));
  g_autofree char *language = component_language (r, component);
  g_autofree char *duid = bulletin_newsml_attr (component, "Duid");
  g_autofree char *uri = NULL;

  if (credit == NULL)
    credit = bulletin_newsml_text (bulletin_newsml_child (lines, "CopyrightLine"));

  bulletin_newsml_append_lines (article, headline, subtitle, byline, dateline, credit);
  append_contents (article, component);

  /* The item's id names its one article; the articles of a group are
   * told apart by their components' Duid (else their content). */
  if (r->item_uri != NULL && alone)
    uri = g_strdup (r->item_uri);
  else if (r->item_uri != NULL && duid != NULL)
    {
      g_autofree char *part = g_strconcat (r->item_uri, "#", duid, NULL);
      uri = bulletin_ninjs_dup_valid_uri (part);
    }

  bulletin_article_set_uri (article, uri);
  bulletin_article_set_headline (article, headline);
  bulletin_article_set_subtitle (article, subtitle);
  bulletin_article_set_byline (article, byline);
  bulletin_article_set_dateline (article, dateline);
  bulletin_article_set_credit (article, credit);
  bulletin_article_set_language (article, language);
  bulletin_article_set_date (article, r->item_date);
  bulletin_article_finish (article);
  return g_steal_pointer (&article);
}

/* Every component under @component with content of its own, in order. */
static void
read_group (Reader  *r,
            xmlNode *component,
            guint    depth)
{
  if (depth > MAX_DEPTH)
    return;
  if (has_text_content (component))
    g_ptr_array_add (r->parsed->articles, read_article (r, component, FALSE));
  for (xmlNode *c = bulletin_newsml_child (component, "NewsComponent"); c != NULL;
       c = bulletin_newsml_next (c, "NewsComponent"))
    read_group (r, c, depth + 1);
}

static void
read_item (Reader  *r,
           xmlNode *item)
{
  xmlNode *component = bulletin_newsml_child (item, "NewsComponent");
  xmlNode *management = bulletin_newsml_child (item, "NewsManagement");
  g_autofree char *created = formal_name (bulletin_newsml_child (management, "ThisRevisionCreated"));

  if (created == NULL)
    created = bulletin_newsml_text (bulletin_newsml_child (management, "ThisRevisionCreated"));
  if (created == NULL)
    created = bulletin_newsml_text (bulletin_newsml_child (management, "FirstCreated"));

  g_clear_pointer (&r->item_uri, g_free);
  g_clear_pointer (&r->item_date, g_free);
  g_clear_pointer (&r->item_lang, g_free);
  r->item_uri = item_uri (item);
  r->item_date = normalize_date (created);
  r->item_lang = bulletin_newsml_lang (item);

  if (component == NULL)
    return;
  if (!has_components (component))
    {
      g_ptr_array_add (r->parsed->articles, read_article (r, component, TRUE));
      return;
    }

  /* a group: the issue */
  if (r->parsed->title == NULL)
    r->parsed->title = bulletin_newsml_text (bulletin_newsml_path (component, "NewsLines", "HeadLine", NULL));
  if (r->parsed->uri == NULL)
    r->parsed->uri = g_strdup (r->item_uri);
  if (r->parsed->language == NULL)
    r->parsed->language = component_language (r, component);
  if (r->parsed->date == NULL)
    r->parsed->date = bulletin_date_from_string (r->item_date);
  read_group (r, component, 0);
}

BulletinParsedIssue *
bulletin_newsml1_parse (const char  *data,
                        gsize        len,
                        GFile       *file,
                        const char  *display_name,
                        GError     **error)
{
  g_autoptr(BulletinParsedIssue) parsed = bulletin_parsed_issue_new ();
  xmlDoc *doc;
  xmlNode *root;
  Reader r = { 0, };

  (void)file;
  doc = bulletin_newsml_read_xml (data, len, display_name, error);
  if (doc == NULL)
    return NULL;
  root = xmlDocGetRootElement (doc);
  r.name = display_name;
  r.parsed = parsed;

  if (bulletin_newsml_is_named (root, "NewsItem"))
    read_item (&r, root);
  else if (bulletin_newsml_is_named (root, "NewsML"))
    {
      for (xmlNode *item = bulletin_newsml_child (root, "NewsItem"); item != NULL;
           item = bulletin_newsml_next (item, "NewsItem"))
        read_item (&r, item);
    }
  else
    {
      /* Translators: the first %s is a file name, the second an element name */
      g_set_error (error, BULLETIN_NEWSML_ERROR, BULLETIN_NEWSML_ERROR_NOT_NEWSML,
                   _("%s: not NewsML 1 (its root element is “%s”)"), display_name,
                   (const char *)root->name);
      xmlFreeDoc (doc);
      return NULL;
    }

  g_free (r.item_uri);
  g_free (r.item_date);
  g_free (r.item_lang);
  xmlFreeDoc (doc);

  if (parsed->articles->len == 0)
    {
      /* Translators: %s is a file name */
      g_set_error (error, BULLETIN_NEWSML_ERROR, BULLETIN_NEWSML_ERROR_UNSUPPORTED,
                   _("%s: a NewsML 1 document without a news item"), display_name);
      return NULL;
    }
  if (parsed->articles->len == 1 && parsed->title == NULL)
    parsed->title = g_strdup (bulletin_article_get_headline (g_ptr_array_index (parsed->articles, 0)));
  return g_steal_pointer (&parsed);
}
