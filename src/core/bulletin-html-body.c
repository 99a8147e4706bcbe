/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "bulletin-html-body.h"

/* Deeper than this the tree is read as plain text (libxml2 gathers it
 * without recursion), so a hostile body cannot exhaust the stack. */
#define MAX_DEPTH 128

typedef struct {
  GPtrArray *blocks;
  GString   *text;
  gunichar   last;           /* last character of @text, 0 at its start */
  guint      pending : 1;    /* white space seen, not yet written */
  guint      pending_space : 1; /* ...and not only line breaks */
  guint      pre;            /* inside <pre>: white space kept */
  guint      quote;          /* inside <blockquote> */
  guint      heading;        /* level of the enclosing <hN>, 0 if none */
  guint      li;             /* inside <li> */
  GArray    *lists;          /* gboolean ordered, one per open <ul>/<ol> */
  guint      figure;         /* inside <figure> */
  char      *figure_image;
  char      *figure_alt;
} Walker;

void
bulletin_html_block_free (BulletinHtmlBlock *block)
{
  if (block == NULL)
    return;
  g_free (block->text);
  g_free (block->image);
  g_free (block->image_alt);
  g_free (block);
}

static gboolean
is_html_space (gunichar c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* CSS Text 3: a line break between two East Asian wide characters (other
 * than Hangul) disappears instead of becoming a space, which is what
 * Chinese text wrapped in the HTML source needs. */
static gboolean
is_wide (gunichar c)
{
  return c != 0 && g_unichar_iswide (c) && g_unichar_get_script (c) != G_UNICODE_SCRIPT_HANGUL;
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

static void
append_text (Walker     *w,
             const char *text)
{
  if (w->pre > 0)
    {
      for (const char *p = text; *p; p++)
        if (*p != '\r')
          g_string_append_c (w->text, *p);
      if (w->text->len > 0)
        w->last = g_utf8_get_char (g_utf8_find_prev_char (w->text->str, w->text->str + w->text->len));
      return;
    }

  /* Runs between white space are copied whole; only their first and
   * last characters matter to the spacing. */
  for (const char *p = text; *p;)
    {
      const char *run = p;
      gunichar first;

      if (is_html_space (*p))
        {
          w->pending = TRUE;
          if (*p != '\n' && *p != '\r')
            w->pending_space = TRUE;
          p++;
          continue;
        }

      while (*p && !is_html_space (*p))
        p++;

      first = g_utf8_get_char (run);
      if (w->pending && w->text->len > 0 && w->last != '\n' &&
          (w->pending_space || !is_wide (w->last) || !is_wide (first)))
        g_string_append_c (w->text, ' ');
      w->pending = w->pending_space = FALSE;

      g_string_append_len (w->text, run, p - run);
      w->last = g_utf8_get_char (g_utf8_find_prev_char (run, p));
    }
}

static void
line_break (Walker *w)
{
  g_string_append_c (w->text, '\n');
  w->last = '\n';
  w->pending = w->pending_space = FALSE;
}

static BulletinHtmlBlock *
take_block (Walker            *w,
            BulletinBlockKind  kind)
{
  BulletinHtmlBlock *block = g_new0 (BulletinHtmlBlock, 1);
  gsize end = w->text->len;
  gsize start = 0;

  /* Line breaks at the edges of a block (a <br> before </p>) are not text. */
  while (end > 0 && w->text->str[end - 1] == '\n')
    end--;
  while (start < end && w->text->str[start] == '\n')
    start++;

  block->kind = kind;
  block->text = g_strndup (w->text->str + start, end - start);
  g_string_truncate (w->text, 0);
  w->last = 0;
  w->pending = w->pending_space = FALSE;
  return block;
}

/* Ends the text run being gathered, as a block of the innermost role. */
static void
flush (Walker *w)
{
  BulletinHtmlBlock *block;

  /* A figure's text is its caption, taken when it closes; its inner
   * blocks stay apart by a space. */
  if (w->figure > 0)
    {
      if (w->text->len > 0)
        w->pending = w->pending_space = TRUE;
      return;
    }

  if (w->text->len == 0 || is_blank (w->text->str))
    {
      g_string_truncate (w->text, 0);
      w->last = 0;
      w->pending = w->pending_space = FALSE;
      return;
    }

  if (w->heading > 0)
    {
      block = take_block (w, BULLETIN_BLOCK_HEADING);
      block->level = w->heading;
    }
  else if (w->li > 0 && w->lists->len > 0)
    {
      block = take_block (w, BULLETIN_BLOCK_LIST_ITEM);
      block->level = w->lists->len;
      block->ordered = g_array_index (w->lists, gboolean, w->lists->len - 1);
    }
  else if (w->quote > 0)
    block = take_block (w, BULLETIN_BLOCK_QUOTE);
  else
    block = take_block (w, BULLETIN_BLOCK_PARAGRAPH);

  g_ptr_array_add (w->blocks, block);
}

static char *
dup_attr (xmlNode    *node,
          const char *name)
{
  xmlChar *value = xmlGetProp (node, (const xmlChar *)name);
  char *ret = NULL;

  if (value != NULL)
    {
      ret = g_strstrip (g_strdup ((const char *)value));
      xmlFree (value);
    }
  return ret;
}

static void
add_figure (Walker *w,
            char   *caption,
            char   *image,
            char   *alt)
{
  BulletinHtmlBlock *block;

  if ((caption == NULL || *caption == 0) && image == NULL && alt == NULL)
    {
      g_free (caption);
      return;
    }

  block = g_new0 (BulletinHtmlBlock, 1);
  block->kind = BULLETIN_BLOCK_FIGURE;
  block->text = caption != NULL ? caption : g_strdup ("");
  block->image = image;
  block->image_alt = alt;
  g_ptr_array_add (w->blocks, block);
}

static void
image (Walker  *w,
       xmlNode *node)
{
  char *src = dup_attr (node, "src");
  char *alt = dup_attr (node, "alt");

  if (w->figure > 0 && w->figure_image == NULL && w->figure_alt == NULL)
    {
      w->figure_image = src;
      w->figure_alt = alt;
      return;
    }

  /* An image in running text, or a second one in a figure, becomes a
   * figure of its own; the text around it stays where it was. */
  flush (w);
  add_figure (w, NULL, src, alt);
}

typedef enum {
  ELEMENT_INLINE,
  ELEMENT_BLOCK,
  ELEMENT_DROP,
} ElementClass;

static ElementClass
classify (const char *name)
{
  static const char * const dropped[] = {
    "script", "style", "template", "head", "title", "noembed", "noframes", NULL
  };
  static const char * const blocks[] = {
    "address", "article", "aside", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "footer", "form",
    "header", "hgroup", "hr", "html", "legend", "main", "menu", "nav", "p", "pre",
    "section", "summary", "table", "tbody", "tfoot", "thead", "tr", NULL
  };

  for (guint i = 0; dropped[i] != NULL; i++)
    if (strcmp (name, dropped[i]) == 0)
      return ELEMENT_DROP;
  for (guint i = 0; blocks[i] != NULL; i++)
    if (strcmp (name, blocks[i]) == 0)
      return ELEMENT_BLOCK;
  return ELEMENT_INLINE;
}

static void walk (Walker *w, xmlNode *node, guint depth);

static void
walk_children (Walker  *w,
               xmlNode *node,
               guint    depth)
{
  for (xmlNode *child = node->children; child != NULL; child = child->next)
    walk (w, child, depth + 1);
}

static void
walk_element (Walker  *w,
              xmlNode *node,
              guint    depth)
{
  const char *name = (const char *)node->name;

  if (depth > MAX_DEPTH)
    {
      xmlChar *content = xmlNodeGetContent (node);

      if (content != NULL)
        append_text (w, (const char *)content);
      xmlFree (content);
      return;
    }

  if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && name[2] == 0)
    {
      guint saved = w->heading;

      flush (w);
      w->heading = name[1] - '0';
      walk_children (w, node, depth);
      flush (w);
      w->heading = saved;
    }
  else if (strcmp (name, "ul") == 0 || strcmp (name, "ol") == 0)
    {
      gboolean ordered = name[0] == 'o';

      flush (w);
      g_array_append_val (w->lists, ordered);
      walk_children (w, node, depth);
      flush (w);
      g_array_set_size (w->lists, w->lists->len - 1);
    }
  else if (strcmp (name, "li") == 0)
    {
      flush (w);
      w->li++;
      walk_children (w, node, depth);
      flush (w);
      w->li--;
    }
  else if (strcmp (name, "blockquote") == 0)
    {
      flush (w);
      w->quote++;
      walk_children (w, node, depth);
      flush (w);
      w->quote--;
    }
  else if (strcmp (name, "figure") == 0 && w->figure == 0)
    {
      flush (w);
      w->figure++;
      walk_children (w, node, depth);
      w->figure--;
      {
        BulletinHtmlBlock *caption = take_block (w, BULLETIN_BLOCK_FIGURE);

        add_figure (w, g_steal_pointer (&caption->text),
                    g_steal_pointer (&w->figure_image), g_steal_pointer (&w->figure_alt));
        bulletin_html_block_free (caption);
      }
    }
  else if (strcmp (name, "img") == 0)
    image (w, node);
  else if (strcmp (name, "br") == 0)
    line_break (w);
  else if (strcmp (name, "td") == 0 || strcmp (name, "th") == 0)
    {
      /* cells of a row read as one line, apart */
      w->pending = w->pending_space = TRUE;
      walk_children (w, node, depth);
      w->pending = w->pending_space = TRUE;
    }
  else if (strcmp (name, "pre") == 0)
    {
      flush (w);
      w->pre++;
      walk_children (w, node, depth);
      flush (w);
      w->pre--;
    }
  else
    {
      switch (classify (name))
        {
        case ELEMENT_DROP:
          break;
        case ELEMENT_BLOCK:
          flush (w);
          walk_children (w, node, depth);
          flush (w);
          break;
        case ELEMENT_INLINE:
        default:
          walk_children (w, node, depth);
          break;
        }
    }
}

static void
walk (Walker  *w,
      xmlNode *node,
      guint    depth)
{
  switch (node->type)
    {
    case XML_ELEMENT_NODE:
      walk_element (w, node, depth);
      break;
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
      if (node->content != NULL)
        append_text (w, (const char *)node->content);
      break;
    case XML_DOCUMENT_NODE:
    case XML_HTML_DOCUMENT_NODE:
    case XML_DOCUMENT_FRAG_NODE:
      walk_children (w, node, depth);
      break;
    default:
      break;
    }
}

static gpointer
init_libxml (gpointer data)
{
  xmlInitParser ();
  return NULL;
}

/**
 * bulletin_html_body_parse:
 * @html: an HTML or XHTML body, UTF-8
 * @len: its length in bytes, or -1 when NUL-terminated
 *
 * Parses @html with libxml2's forgiving HTML parser (no network, no error
 * output) into blocks: p, h1-h6, blockquote, ul/ol/li, figure/img/figcaption
 * and br are understood, other elements keep their text, scripts and styles
 * are dropped.  Blocks with no text (other than figures) are left out.
 *
 * Returns: (transfer full) (element-type BulletinHtmlBlock): the blocks,
 *   in order; never %NULL
 */
GPtrArray *
bulletin_html_body_parse (const char *html,
                          gssize      len)
{
  static GOnce xml_once = G_ONCE_INIT;
  GPtrArray *blocks = g_ptr_array_new_with_free_func ((GDestroyNotify)bulletin_html_block_free);
  Walker w = { 0, };
  htmlDocPtr doc;

  g_return_val_if_fail (html != NULL || len == 0, blocks);

  if (len < 0)
    len = strlen (html);
  if (len == 0)
    return blocks;
  if (len > G_MAXINT)
    len = G_MAXINT;

  g_once (&xml_once, init_libxml, NULL);

  doc = htmlReadMemory (html, (int)len, NULL, "UTF-8",
                        HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                        HTML_PARSE_RECOVER | HTML_PARSE_NODEFDTD | HTML_PARSE_IGNORE_ENC);
  if (doc == NULL)
    return blocks;

  w.blocks = blocks;
  w.text = g_string_new (NULL);
  w.lists = g_array_new (FALSE, FALSE, sizeof (gboolean));

  walk (&w, (xmlNode *)doc, 0);
  flush (&w);

  g_string_free (w.text, TRUE);
  g_array_unref (w.lists);
  g_free (w.figure_image);
  g_free (w.figure_alt);
  xmlFreeDoc (doc);
  return blocks;
}

/**
 * bulletin_html_body_dup_text:
 *
 * The text content of @html as bulletin_html_body_parse() reads it, blocks
 * joined by newlines (for headlines and descriptions given as HTML).
 *
 * Returns: (transfer full): the text
 */
char *
bulletin_html_body_dup_text (const char *html,
                             gssize      len)
{
  g_autoptr(GPtrArray) blocks = bulletin_html_body_parse (html, len);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < blocks->len; i++)
    {
      BulletinHtmlBlock *block = g_ptr_array_index (blocks, i);

      if (*block->text == 0)
        continue;
      if (s->len > 0)
        g_string_append_c (s, '\n');
      g_string_append (s, block->text);
    }
  return g_string_free (s, FALSE);
}

/* Appends @blocks to @article, each one through
 * bulletin_article_append_block() so that its offsets are recorded. */
void
bulletin_html_body_append (BulletinArticle *article,
                           GPtrArray       *blocks)
{
  g_return_if_fail (BULLETIN_IS_ARTICLE (article));
  g_return_if_fail (blocks != NULL);

  for (guint i = 0; i < blocks->len; i++)
    {
      BulletinHtmlBlock *hb = g_ptr_array_index (blocks, i);
      BulletinBlock *block = bulletin_article_append_block (article, hb->kind, hb->text, -1);

      if (block == NULL)
        continue;
      block->level = hb->level;
      block->ordered = hb->ordered ? 1 : 0;
      block->image = g_strdup (hb->image);
      block->image_alt = g_strdup (hb->image_alt);
    }
}
