/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bulletin-archive-links.h"
#include "bulletin-date.h"
#include "bulletin-html-body.h"
#include "bulletin-newsml-g2-reader.h"
#include "bulletin-newsml-xml.h"
#include "bulletin-ninjs-reader.h"

/* Files beside a package read to find its items: more is not an issue
 * folder but an archive. */
#define MAX_NEIGHBOURS 2000

static const char * const g2_roots[] = { "newsItem", "packageItem", "newsMessage",
                                         "conceptItem", "knowledgeItem", "planningItem",
                                         "catalogItem", NULL };

gboolean
bulletin_newsml_g2_sniff (const char *head,
                          gsize       len)
{
  return bulletin_newsml_head_has_root (head, len, g2_roots);
}

typedef struct {
  const char          *name;
  BulletinParsedIssue *parsed;
  GHashTable          *items;     /* guid → xmlNode newsItem, of this file */
  GPtrArray           *docs;      /* xmlDoc of neighbour files, owned */
  GHashTable          *neighbours;/* guid → xmlNode newsItem, of neighbour files */
  GFile               *file;
  gboolean             looked_around;
} Reader;

/* the headline: the first without a role, else the first */
static xmlNode *
main_headline (xmlNode *meta)
{
  xmlNode *first = bulletin_newsml_child (meta, "headline");

  for (xmlNode *h = first; h != NULL; h = bulletin_newsml_next (h, "headline"))
    {
      g_autofree char *role = bulletin_newsml_attr (h, "role");

      if (role == NULL || strstr (role, "main") != NULL)
        return h;
    }
  return first;
}

static char *
sub_headline (xmlNode *meta,
              xmlNode *main)
{
  for (xmlNode *h = bulletin_newsml_child (meta, "headline"); h != NULL;
       h = bulletin_newsml_next (h, "headline"))
    {
      g_autofree char *role = bulletin_newsml_attr (h, "role");

      if (h != main && role != NULL && strstr (role, "sub") != NULL)
        return bulletin_newsml_text (h);
    }
  return NULL;
}

static char *
name_of (xmlNode *node)
{
  xmlNode *name = bulletin_newsml_child (node, "name");

  return bulletin_newsml_text (name != NULL ? name : node);
}

static char *
item_date (xmlNode *item)
{
  xmlNode *meta = bulletin_newsml_child (item, "itemMeta");
  const char *fields[] = { "versionCreated", "firstCreated", NULL };
  g_autofree char *text = NULL;

  for (guint i = 0; fields[i] != NULL && text == NULL; i++)
    text = bulletin_newsml_text (bulletin_newsml_child (meta, fields[i]));
  if (text == NULL)
    text = bulletin_newsml_text (bulletin_newsml_path (item, "contentMeta", "contentCreated", NULL));
  return bulletin_ninjs_normalize_date (text);
}

/* The content of @item: the first inlineXML or inlineData of its
 * contentSet that has text.  FALSE when there is none. */
static gboolean
append_content (BulletinArticle *article,
                xmlNode         *item)
{
  xmlNode *set = bulletin_newsml_child (item, "contentSet");
  guint before = bulletin_article_get_n_blocks (article);

  for (xmlNode *c = set != NULL ? set->children : NULL; c != NULL; c = c->next)
    {
      if (bulletin_newsml_is_named (c, "inlineXML"))
        bulletin_newsml_append_markup (article, c);
      else if (bulletin_newsml_is_named (c, "inlineData"))
        {
          g_autofree char *type = bulletin_newsml_attr (c, "contenttype");
          xmlChar *text = xmlNodeGetContent (c);

          if (type != NULL && (strstr (type, "html") != NULL || strstr (type, "xml") != NULL))
            {
              g_autoptr(GPtrArray) blocks = bulletin_html_body_parse ((const char *)text, -1);
              bulletin_html_body_append (article, blocks);
            }
          else
            bulletin_newsml_append_plain (article, (const char *)text);
          xmlFree (text);
        }
      if (bulletin_article_get_n_blocks (article) > before)
        return TRUE;
    }
  return FALSE;
}

static BulletinArticle *
read_news_item (xmlNode *item)
{
  g_autoptr(BulletinArticle) article = bulletin_article_new ();
  xmlNode *meta = bulletin_newsml_child (item, "contentMeta");
  xmlNode *main = main_headline (meta);
  g_autofree char *headline = bulletin_newsml_text (main);
  g_autofree char *subtitle = sub_headline (meta, main);
  g_autofree char *byline = bulletin_newsml_text (bulletin_newsml_child (meta, "by"));
  g_autofree char *dateline = bulletin_newsml_text (bulletin_newsml_child (meta, "dateline"));
  g_autofree char *located = NULL;
  g_autofree char *credit = bulletin_newsml_text (bulletin_newsml_child (meta, "creditline"));
  g_autofree char *language = bulletin_newsml_attr (bulletin_newsml_child (meta, "language"), "tag");
  g_autofree char *guid = bulletin_newsml_attr (item, "guid");
  g_autofree char *uri = NULL;
  g_autofree char *date = item_date (item);

  if (bulletin_newsml_child (meta, "located") != NULL)
    located = name_of (bulletin_newsml_child (meta, "located"));
  if (byline == NULL && bulletin_newsml_child (meta, "creator") != NULL)
    byline = name_of (bulletin_newsml_child (meta, "creator"));
  if (credit == NULL)
    {
      xmlNode *holder = bulletin_newsml_path (item, "rightsInfo", "copyrightHolder", NULL);
      if (holder != NULL)
        credit = name_of (holder);
    }
  if (language == NULL)
    language = bulletin_newsml_lang (main != NULL ? main : item);

  bulletin_newsml_append_lines (article, headline, subtitle, byline, dateline, credit);

  if (!append_content (article, item))
    {
      /* a photo, or an item without a body: its descriptions are what
       * there is to read */
      for (xmlNode *d = bulletin_newsml_child (meta, "description"); d != NULL;
           d = bulletin_newsml_next (d, "description"))
        {
          g_autofree char *text = bulletin_newsml_text (d);
          if (text != NULL)
            bulletin_article_append_block (article, BULLETIN_BLOCK_PARAGRAPH, text, -1);
        }
    }

  /* the guid names the item across its versions (the version is an
   * attribute of its own): notes stay on it */
  uri = bulletin_ninjs_dup_valid_uri (guid);
  bulletin_article_set_uri (article, uri);
  bulletin_article_set_headline (article, headline);
  bulletin_article_set_subtitle (article, subtitle);
  bulletin_article_set_byline (article, byline);
  bulletin_article_set_dateline (article, dateline != NULL ? dateline : located);
  bulletin_article_set_located (article, located);
  bulletin_article_set_credit (article, credit);
  bulletin_article_set_language (article, language);
  bulletin_article_set_date (article, date);
  bulletin_article_finish (article);
  return g_steal_pointer (&article);
}

/* An item the package names but nobody has: its title and description
 * from the itemRef, so that the issue still lists it. */
static BulletinArticle *
read_item_ref (xmlNode *ref)
{
  g_autoptr(BulletinArticle) article = bulletin_article_new ();
  g_autofree char *title = bulletin_newsml_text (bulletin_newsml_child (ref, "title"));
  g_autofree char *residref = bulletin_newsml_attr (ref, "residref");
  g_autofree char *uri = bulletin_ninjs_dup_valid_uri (residref);

  if (title != NULL)
    bulletin_article_append_block (article, BULLETIN_BLOCK_HEADLINE, title, -1);
  for (xmlNode *d = bulletin_newsml_child (ref, "description"); d != NULL;
       d = bulletin_newsml_next (d, "description"))
    {
      g_autofree char *text = bulletin_newsml_text (d);
      if (text != NULL)
        bulletin_article_append_block (article, BULLETIN_BLOCK_PARAGRAPH, text, -1);
    }
  bulletin_article_set_uri (article, uri);
  bulletin_article_set_headline (article, title);
  bulletin_article_finish (article);
  return g_steal_pointer (&article);
}

static void
collect_items (GHashTable *table,
               xmlNode    *node,
               guint       depth)
{
  if (depth > 4)
    return;
  for (xmlNode *n = node->children; n != NULL; n = n->next)
    {
      if (bulletin_newsml_is_named (n, "newsItem"))
        {
          char *guid = bulletin_newsml_attr (n, "guid");
          if (guid != NULL && !g_hash_table_contains (table, guid))
            g_hash_table_insert (table, guid, n);
          else
            g_free (guid);
        }
      else if (bulletin_newsml_is_named (n, "itemSet"))
        collect_items (table, n, depth + 1);
    }
}

/* The newsItems of the .xml files beside the package, by guid. */
static void
look_around (Reader *r)
{
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GPtrArray) children = NULL;
  guint n = 0;

  r->looked_around = TRUE;
  if (r->file == NULL || (folder = g_file_get_parent (r->file)) == NULL)
    return;
  /* as the archive lists them: a link out of the folder is never read,
   * nor a file twice (see bulletin-archive-links.h) */
  children = bulletin_archive_list_folder (folder, folder, NULL, NULL, NULL);
  if (children == NULL)
    return;
  for (guint i = 0; i < children->len; i++)
    {
      BulletinArchiveEntry *entry = g_ptr_array_index (children, i);
      GFileInfo *info = entry->info;
      GFile *child = entry->file;
      const char *name;
      g_autofree char *data = NULL;
      gsize len = 0;
      xmlDoc *doc;

      name = g_file_info_get_name (info);
      if (entry->link == BULLETIN_LINK_OUTSIDE ||
          g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR || name[0] == '.' ||
          !(g_str_has_suffix (name, ".xml") || g_str_has_suffix (name, ".XML")) ||
          g_file_equal (child, r->file))
        continue;
      if (++n > MAX_NEIGHBOURS)
        break;
      if (!g_file_load_contents (child, NULL, &data, &len, NULL, NULL) ||
          !bulletin_newsml_g2_sniff (data, MIN (len, 4096)))
        continue;
      doc = bulletin_newsml_read_xml (data, len, name, NULL);
      if (doc == NULL)
        continue;
      g_ptr_array_add (r->docs, doc);
      if (bulletin_newsml_is_named (xmlDocGetRootElement (doc), "newsItem"))
        {
          char *guid = bulletin_newsml_attr (xmlDocGetRootElement (doc), "guid");
          if (guid != NULL && !g_hash_table_contains (r->neighbours, guid))
            g_hash_table_insert (r->neighbours, guid, xmlDocGetRootElement (doc));
          else
            g_free (guid);
        }
      else
        collect_items (r->neighbours, xmlDocGetRootElement (doc), 0);
    }
}

static void read_group (Reader *r, xmlNode *group_set, xmlNode *group, GHashTable *seen, guint depth);

static void
read_ref (Reader     *r,
          xmlNode    *ref,
          GHashTable *seen)
{
  g_autofree char *residref = bulletin_newsml_attr (ref, "residref");
  xmlNode *item = NULL;

  if (residref != NULL)
    {
      if (g_hash_table_contains (seen, residref))
        return;
      g_hash_table_add (seen, g_strdup (residref));
      item = g_hash_table_lookup (r->items, residref);
      if (item == NULL && !r->looked_around)
        look_around (r);
      if (item == NULL)
        item = g_hash_table_lookup (r->neighbours, residref);
    }
  if (item != NULL)
    g_ptr_array_add (r->parsed->articles, read_news_item (item));
  else
    {
      /* Translators: the first %s is a file name, the second an item's id */
      bulletin_parsed_issue_add_warning (r->parsed, _("%s: the item %s is neither in the file nor beside it; its title is shown"),
                                         r->name, residref != NULL ? residref : "?");
      g_ptr_array_add (r->parsed->articles, read_item_ref (ref));
    }
}

static xmlNode *
find_group (xmlNode    *group_set,
            const char *id)
{
  if (group_set == NULL)
    return NULL;
  for (xmlNode *g = bulletin_newsml_child (group_set, "group"); g != NULL;
       g = bulletin_newsml_next (g, "group"))
    {
      g_autofree char *gid = bulletin_newsml_attr (g, "id");
      if (g_strcmp0 (gid, id) == 0)
        return g;
    }
  return NULL;
}

/* A group's itemRefs in order, its groupRefs followed (once each). */
static void
read_group (Reader     *r,
            xmlNode    *group_set,
            xmlNode    *group,
            GHashTable *seen,
            guint       depth)
{
  if (group == NULL || depth > 32)
    return;
  for (xmlNode *n = group->children; n != NULL; n = n->next)
    {
      if (bulletin_newsml_is_named (n, "itemRef"))
        read_ref (r, n, seen);
      else if (bulletin_newsml_is_named (n, "groupRef"))
        {
          g_autofree char *idref = bulletin_newsml_attr (n, "idref");
          g_autofree char *key = g_strconcat ("group:", idref, NULL);

          if (idref == NULL || g_hash_table_contains (seen, key))
            continue;
          g_hash_table_add (seen, g_steal_pointer (&key));
          read_group (r, group_set, find_group (group_set, idref), seen, depth + 1);
        }
    }
}

static void
read_package (Reader  *r,
              xmlNode *package)
{
  xmlNode *meta = bulletin_newsml_child (package, "contentMeta");
  xmlNode *group_set = bulletin_newsml_child (package, "groupSet");
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *root = bulletin_newsml_attr (group_set, "root");
  g_autofree char *guid = bulletin_newsml_attr (package, "guid");
  g_autofree char *first = bulletin_newsml_text (bulletin_newsml_path (package, "itemMeta", "firstCreated", NULL));
  xmlNode *root_group;

  r->parsed->title = bulletin_newsml_text (main_headline (meta));
  if (r->parsed->title == NULL)
    r->parsed->title = bulletin_newsml_text (bulletin_newsml_path (package, "itemMeta", "title", NULL));
  r->parsed->uri = bulletin_ninjs_dup_valid_uri (guid);
  r->parsed->language = bulletin_newsml_lang (package);
  r->parsed->date = bulletin_date_from_string (first);

  /* the simplest packages list their itemRefs without groups */
  if (group_set == NULL)
    {
      read_group (r, NULL, package, seen, 0);
      return;
    }

  root_group = root != NULL ? find_group (group_set, root) : NULL;
  if (root_group != NULL)
    read_group (r, group_set, root_group, seen, 0);
  /* groups the root does not reach, in file order */
  for (xmlNode *g = bulletin_newsml_child (group_set, "group"); g != NULL;
       g = bulletin_newsml_next (g, "group"))
    read_group (r, group_set, g, seen, 0);
}

static gboolean
unsupported (Reader    *r,
             xmlNode   *root,
             GError   **error)
{
  /* Translators: the first %s is a file name, the second an element name (conceptItem, planningItem…) */
  g_set_error (error, BULLETIN_NEWSML_ERROR, BULLETIN_NEWSML_ERROR_UNSUPPORTED,
               _("%s: a NewsML-G2 %s, which holds no news to read"), r->name,
               (const char *)root->name);
  return FALSE;
}

static gboolean
package_has_items (Reader  *r,
                   GError **error)
{
  if (r->parsed->articles->len > 0)
    return TRUE;
  /* Translators: %s is a file name */
  g_set_error (error, BULLETIN_NEWSML_ERROR, BULLETIN_NEWSML_ERROR_UNSUPPORTED,
               _("%s: a NewsML-G2 package that names no item"), r->name);
  return FALSE;
}

static gboolean
read_root (Reader   *r,
           xmlNode  *root,
           GError  **error)
{
  if (bulletin_newsml_is_named (root, "newsItem"))
    {
      g_ptr_array_add (r->parsed->articles, read_news_item (root));
      return TRUE;
    }
  if (bulletin_newsml_is_named (root, "packageItem"))
    {
      collect_items (r->items, root->parent != NULL && root->parent->type == XML_ELEMENT_NODE
                               ? root->parent : root, 0);
      read_package (r, root);
      return package_has_items (r, error);
    }
  if (bulletin_newsml_is_named (root, "newsMessage"))
    {
      xmlNode *set = bulletin_newsml_child (root, "itemSet");
      xmlNode *package = bulletin_newsml_child (set, "packageItem");

      collect_items (r->items, set != NULL ? set : root, 0);
      if (package != NULL)
        {
          read_package (r, package);
          return package_has_items (r, error);
        }
      for (xmlNode *n = set != NULL ? set->children : NULL; n != NULL; n = n->next)
        if (bulletin_newsml_is_named (n, "newsItem"))
          g_ptr_array_add (r->parsed->articles, read_news_item (n));
      if (r->parsed->articles->len == 0)
        {
          /* Translators: %s is a file name */
          g_set_error (error, BULLETIN_NEWSML_ERROR, BULLETIN_NEWSML_ERROR_UNSUPPORTED,
                       _("%s: a NewsML-G2 message without a news item"), r->name);
          return FALSE;
        }
      return TRUE;
    }
  if (g_strv_contains ((const char * const *)g2_roots, (const char *)root->name))
    return unsupported (r, root, error);

  /* Translators: the first %s is a file name, the second an element name */
  g_set_error (error, BULLETIN_NEWSML_ERROR, BULLETIN_NEWSML_ERROR_NOT_NEWSML,
               _("%s: not NewsML-G2 (its root element is “%s”)"), r->name, (const char *)root->name);
  return FALSE;
}

BulletinParsedIssue *
bulletin_newsml_g2_parse (const char  *data,
                          gsize        len,
                          GFile       *file,
                          const char  *display_name,
                          GError     **error)
{
  g_autoptr(BulletinParsedIssue) parsed = bulletin_parsed_issue_new ();
  xmlDoc *doc;
  Reader r = { 0, };
  gboolean ok;

  doc = bulletin_newsml_read_xml (data, len, display_name, error);
  if (doc == NULL)
    return NULL;

  r.name = display_name;
  r.parsed = parsed;
  r.file = file;
  r.items = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  r.neighbours = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  r.docs = g_ptr_array_new_with_free_func ((GDestroyNotify)xmlFreeDoc);

  ok = read_root (&r, xmlDocGetRootElement (doc), error);

  g_hash_table_unref (r.items);
  g_hash_table_unref (r.neighbours);
  g_ptr_array_unref (r.docs);
  xmlFreeDoc (doc);
  if (!ok)
    return NULL;

  /* one article: it is the issue, and its headline the title */
  if (parsed->articles->len == 1 && parsed->title == NULL)
    parsed->title = g_strdup (bulletin_article_get_headline (g_ptr_array_index (parsed->articles, 0)));
  return g_steal_pointer (&parsed);
}

gboolean
bulletin_newsml_g2_skim (const char          *data,
                         gsize                len,
                         GFile               *file,
                         const char          *display_name,
                         BulletinFormatSkim  *skim,
                         GError             **error)
{
  /* without the file, a package does not read the files beside it: each
   * itemRef is still one article, and listing a folder of packages does
   * not read every neighbour once per package */
  g_autoptr(BulletinParsedIssue) parsed = bulletin_newsml_g2_parse (data, len, NULL, display_name, error);

  (void)file;
  if (parsed == NULL)
    return FALSE;
  bulletin_format_skim_parsed (parsed, skim);
  return TRUE;
}
