/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdarg.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>

#include "bulletin-html-body.h"
#include "bulletin-newsml-xml.h"

G_DEFINE_QUARK (bulletin-newsml-error-quark, bulletin_newsml_error)

void
bulletin_newsml_unrecognised (const char  *display_name,
                              GError     **error)
{
  /* Translators: %s is a file name */
  g_set_error (error, BULLETIN_NEWSML_ERROR, BULLETIN_NEWSML_ERROR_NOT_NEWSML,
               _("%s: neither NewsML-G2 nor NewsML 1 (no newsItem, packageItem, newsMessage or NewsML element at its start)"),
               display_name);
}

void
bulletin_newsml_too_large (const char  *display_name,
                           guint64      max_bytes,
                           GError     **error)
{
  /* Translators: %s is a file name, %u a size in megabytes */
  g_set_error (error, BULLETIN_NEWSML_ERROR, BULLETIN_NEWSML_ERROR_TOO_LARGE,
               _("%s: too large for an XML news file (over %u MB)"), display_name,
               (guint)(max_bytes / (1024 * 1024)));
}

static void
init_libxml (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      xmlInitParser ();
      g_once_init_leave (&done, 1);
    }
}

/**
 * bulletin_newsml_read_xml:
 *
 * Parses @data as XML the safe way: no network (XML_PARSE_NONET), no
 * external DTD or entity loaded, entities not substituted, and a document
 * that declares entities at all is refused (entity expansion is how a
 * small file becomes gigabytes).  Files over BULLETIN_NEWSML_MAX_BYTES are
 * refused.  Errors are one line: "name: problem".
 *
 * Returns: (transfer full) (nullable): the document, free with xmlFreeDoc()
 */
xmlDoc *
bulletin_newsml_read_xml (const char  *data,
                          gsize        len,
                          const char  *display_name,
                          GError     **error)
{
  xmlParserCtxt *ctxt;
  xmlDoc *doc;

  if (len > BULLETIN_NEWSML_MAX_BYTES)
    {
      bulletin_newsml_too_large (display_name, BULLETIN_NEWSML_MAX_BYTES, error);
      return NULL;
    }

  init_libxml ();
  ctxt = xmlNewParserCtxt ();
  if (ctxt == NULL)
    {
      g_set_error (error, BULLETIN_NEWSML_ERROR, BULLETIN_NEWSML_ERROR_SYNTAX,
                   _("%s: out of memory"), display_name);
      return NULL;
    }
  doc = xmlCtxtReadMemory (ctxt, data, (int)len, NULL, NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == NULL || xmlDocGetRootElement (doc) == NULL)
    {
      const xmlError *e = xmlCtxtGetLastError (ctxt);
      g_autofree char *message = g_strdup (e != NULL && e->message != NULL ? e->message : "");

      g_strstrip (message);
      if (*message == 0)
        /* Translators: %s is a file name */
        g_set_error (error, BULLETIN_NEWSML_ERROR, BULLETIN_NEWSML_ERROR_SYNTAX,
                     _("%s: not an XML document"), display_name);
      else
        /* Translators: %s is a file name, %d a line number, the last %s libxml2's message (English) */
        g_set_error (error, BULLETIN_NEWSML_ERROR, BULLETIN_NEWSML_ERROR_SYNTAX,
                     _("%s: line %d: not well-formed XML: %s"), display_name,
                     e != NULL ? e->line : 0, message);
      if (doc != NULL)
        xmlFreeDoc (doc);
      xmlFreeParserCtxt (ctxt);
      return NULL;
    }
  xmlFreeParserCtxt (ctxt);

  if (doc->intSubset != NULL &&
      (doc->intSubset->entities != NULL || doc->intSubset->pentities != NULL))
    {
      /* Translators: %s is a file name */
      g_set_error (error, BULLETIN_NEWSML_ERROR, BULLETIN_NEWSML_ERROR_UNSAFE,
                   _("%s: declares XML entities, which are not read"), display_name);
      xmlFreeDoc (doc);
      return NULL;
    }
  return doc;
}

gboolean
bulletin_newsml_is_named (xmlNode    *node,
                          const char *local_name)
{
  return node != NULL && node->type == XML_ELEMENT_NODE &&
         strcmp ((const char *)node->name, local_name) == 0;
}

/* the first element after @after (exclusive) named @local_name */
xmlNode *
bulletin_newsml_next (xmlNode    *after,
                      const char *local_name)
{
  for (xmlNode *n = after != NULL ? after->next : NULL; n != NULL; n = n->next)
    if (bulletin_newsml_is_named (n, local_name))
      return n;
  return NULL;
}

xmlNode *
bulletin_newsml_child (xmlNode    *node,
                       const char *local_name)
{
  if (node == NULL)
    return NULL;
  for (xmlNode *n = node->children; n != NULL; n = n->next)
    if (bulletin_newsml_is_named (n, local_name))
      return n;
  return NULL;
}

/* bulletin_newsml_path (item, "contentMeta", "headline", NULL) */
xmlNode *
bulletin_newsml_path (xmlNode *node,
                      ...)
{
  va_list args;
  const char *name;

  va_start (args, node);
  while (node != NULL && (name = va_arg (args, const char *)) != NULL)
    node = bulletin_newsml_child (node, name);
  va_end (args);
  return node;
}

xmlNode *
bulletin_newsml_descendant (xmlNode    *node,
                            const char *local_name,
                            guint       max_depth)
{
  if (node == NULL || max_depth == 0)
    return NULL;
  for (xmlNode *n = node->children; n != NULL; n = n->next)
    {
      xmlNode *found;

      if (bulletin_newsml_is_named (n, local_name))
        return n;
      found = bulletin_newsml_descendant (n, local_name, max_depth - 1);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static char *
collapse (const char *text)
{
  GString *s = g_string_new (NULL);
  gboolean space = FALSE;

  for (const char *p = text; *p; p++)
    {
      if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        space = s->len > 0;
      else
        {
          if (space)
            g_string_append_c (s, ' ');
          space = FALSE;
          g_string_append_c (s, *p);
        }
    }
  if (s->len == 0)
    {
      g_string_free (s, TRUE);
      return NULL;
    }
  return g_string_free (s, FALSE);
}

/* The text content of @node, white space collapsed; NULL when empty. */
char *
bulletin_newsml_text (xmlNode *node)
{
  xmlChar *content;
  char *text;

  if (node == NULL)
    return NULL;
  content = xmlNodeGetContent (node);
  if (content == NULL)
    return NULL;
  text = collapse ((const char *)content);
  xmlFree (content);
  return text;
}

char *
bulletin_newsml_attr (xmlNode    *node,
                      const char *name)
{
  xmlChar *value;
  char *text;

  if (node == NULL)
    return NULL;
  value = xmlGetProp (node, (const xmlChar *)name);
  if (value == NULL)
    return NULL;
  text = collapse ((const char *)value);
  xmlFree (value);
  return text;
}

/* xml:lang in force at @node */
char *
bulletin_newsml_lang (xmlNode *node)
{
  xmlChar *lang = node != NULL ? xmlNodeGetLang (node) : NULL;
  char *text;

  if (lang == NULL)
    return NULL;
  text = collapse ((const char *)lang);
  xmlFree (lang);
  return text;
}

/* @node's children as markup */
char *
bulletin_newsml_dup_markup (xmlNode *node)
{
  /* an output buffer, not the old xmlBuffer that libxml2 is retiring */
  xmlOutputBuffer *out = xmlAllocOutputBuffer (NULL);
  char *markup;

  if (out == NULL)
    return g_strdup ("");
  for (xmlNode *n = node->children; n != NULL; n = n->next)
    xmlNodeDumpOutput (out, node->doc, n, 0, 0, NULL);
  xmlOutputBufferFlush (out);
  markup = g_strndup ((const char *)xmlOutputBufferGetContent (out), xmlOutputBufferGetSize (out));
  xmlOutputBufferClose (out);
  return markup;
}

/* TRUE when the root element of the XML in @head (the first bytes of a
 * file) has one of the local names @roots. */
gboolean
bulletin_newsml_head_has_root (const char         *head,
                               gsize               len,
                               const char * const *roots)
{
  const char *p = head;
  const char *end = head + len;

  if (len >= 3 && memcmp (p, "\xef\xbb\xbf", 3) == 0)
    p += 3;
  while (p < end)
    {
      const char *name;
      const char *colon = NULL;
      gsize n;

      if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        {
          p++;
          continue;
        }
      if (*p != '<' || p + 1 >= end)
        return FALSE;
      if (p[1] == '?')
        {
          p = g_strstr_len (p, end - p, "?>");
          if (p == NULL)
            return FALSE;
          p += 2;
          continue;
        }
      if (end - p >= 4 && memcmp (p, "<!--", 4) == 0)
        {
          p = g_strstr_len (p, end - p, "-->");
          if (p == NULL)
            return FALSE;
          p += 3;
          continue;
        }
      if (p[1] == '!')
        {
          /* a DOCTYPE, perhaps with an internal subset in brackets */
          guint depth = 0;

          for (p += 2; p < end; p++)
            {
              if (*p == '[')
                depth++;
              else if (*p == ']' && depth > 0)
                depth--;
              else if (*p == '>' && depth == 0)
                break;
            }
          if (p >= end)
            return FALSE;
          p++;
          continue;
        }
      name = ++p;
      while (p < end && (g_ascii_isalnum (*p) || *p == '_' || *p == '-' || *p == '.' || *p == ':'))
        {
          if (*p == ':')
            colon = p;
          p++;
        }
      if (colon != NULL)
        name = colon + 1;
      n = p - name;
      for (guint i = 0; roots[i] != NULL; i++)
        if (strlen (roots[i]) == n && memcmp (roots[i], name, n) == 0)
          return TRUE;
      return FALSE;
    }
  return FALSE;
}

/* Plain text as paragraphs: blank lines part them; without any blank
 * line, each line is one. */
void
bulletin_newsml_append_plain (BulletinArticle *article,
                              const char      *text)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *normal = NULL;

  if (text == NULL)
    return;
  normal = g_strdup (text);
  for (char *p = normal; *p; p++)
    if (*p == '\r')
      *p = '\n';
  parts = g_regex_split_simple ("\\n[ \\t]*\\n", normal, 0, 0);
  if (g_strv_length (parts) <= 1)
    {
      g_strfreev (parts);
      parts = g_strsplit (normal, "\n", -1);
    }
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *para = collapse (parts[i]);

      if (para != NULL)
        bulletin_article_append_block (article, BULLETIN_BLOCK_PARAGRAPH, para, -1);
    }
}

/* XHTML (or NITF, or any markup) inside @container as blocks, through
 * the HTML body reader: the <body> (NITF: <body.content>) when there is
 * one, else everything. */
void
bulletin_newsml_append_markup (BulletinArticle *article,
                               xmlNode         *container)
{
  xmlNode *body = bulletin_newsml_descendant (container, "body.content", 8);
  g_autofree char *markup = NULL;
  g_autoptr(GPtrArray) blocks = NULL;

  if (body == NULL)
    body = bulletin_newsml_descendant (container, "body", 8);
  if (body == NULL)
    body = container;
  markup = bulletin_newsml_dup_markup (body);
  blocks = bulletin_html_body_parse (markup, -1);
  bulletin_html_body_append (article, blocks);
}

void
bulletin_newsml_append_lines (BulletinArticle *article,
                              const char      *headline,
                              const char      *subtitle,
                              const char      *byline,
                              const char      *dateline,
                              const char      *credit)
{
  const struct {
    BulletinBlockKind  kind;
    const char        *text;
  } lines[] = {
    { BULLETIN_BLOCK_HEADLINE, headline },
    { BULLETIN_BLOCK_SUBTITLE, subtitle },
    { BULLETIN_BLOCK_BYLINE, byline },
    { BULLETIN_BLOCK_DATELINE, dateline },
    { BULLETIN_BLOCK_SOURCE, credit },
  };

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    if (lines[i].text != NULL)
      bulletin_article_append_block (article, lines[i].kind, lines[i].text, -1);
}
