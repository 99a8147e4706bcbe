/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

#include "bulletin-article.h"

G_BEGIN_DECLS

/* What the NewsML readers share: a safe libxml2 parse and small tree
 * helpers that match elements by local name (namespaces vary between
 * producers and versions). */

#define BULLETIN_NEWSML_ERROR (bulletin_newsml_error_quark ())

typedef enum {
  BULLETIN_NEWSML_ERROR_SYNTAX,       /* not well-formed XML: the message names the line */
  BULLETIN_NEWSML_ERROR_NOT_NEWSML,   /* XML, but not the format's root element */
  BULLETIN_NEWSML_ERROR_UNSUPPORTED,  /* a NewsML item that is not news (a concept, a plan) */
  BULLETIN_NEWSML_ERROR_TOO_LARGE,
  BULLETIN_NEWSML_ERROR_UNSAFE,       /* declares entities */
} BulletinNewsmlError;

/* Larger files are refused rather than read into memory. */
#define BULLETIN_NEWSML_MAX_BYTES (64 * 1024 * 1024)

GQuark    bulletin_newsml_error_quark    (void);

/* the formats' table's words for an .xml file that is no NewsML, and for
 * one too large to list */
void      bulletin_newsml_unrecognised   (const char  *display_name,
                                          GError     **error);
void      bulletin_newsml_too_large      (const char  *display_name,
                                          guint64      max_bytes,
                                          GError     **error);

xmlDoc   *bulletin_newsml_read_xml       (const char  *data,
                                          gsize        len,
                                          const char  *display_name,
                                          GError     **error);
gboolean  bulletin_newsml_is_named       (xmlNode     *node,
                                          const char  *local_name);
xmlNode  *bulletin_newsml_child          (xmlNode     *node,
                                          const char  *local_name);
xmlNode  *bulletin_newsml_next           (xmlNode     *after,
                                          const char  *local_name);
xmlNode  *bulletin_newsml_path           (xmlNode     *node,
                                          ...) G_GNUC_NULL_TERMINATED;
xmlNode  *bulletin_newsml_descendant     (xmlNode     *node,
                                          const char  *local_name,
                                          guint        max_depth);
char     *bulletin_newsml_text           (xmlNode     *node);
char     *bulletin_newsml_attr           (xmlNode     *node,
                                          const char  *name);
char     *bulletin_newsml_lang           (xmlNode     *node);
char     *bulletin_newsml_dup_markup     (xmlNode     *node);
gboolean  bulletin_newsml_head_has_root  (const char  *head,
                                          gsize        len,
                                          const char * const *roots);
void      bulletin_newsml_append_plain   (BulletinArticle *article,
                                          const char      *text);
void      bulletin_newsml_append_markup  (BulletinArticle *article,
                                          xmlNode         *container);
/* The head of an article, each block when it is there: the NewsLines of
 * NewsML 1, the itemMeta and contentMeta of NewsML-G2. */
void      bulletin_newsml_append_lines   (BulletinArticle *article,
                                          const char      *headline,
                                          const char      *subtitle,
                                          const char      *byline,
                                          const char      *dateline,
                                          const char      *credit);

G_END_DECLS
