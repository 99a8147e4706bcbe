/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <math.h>

#include <cairo-pdf.h>
#include <glib/gi18n.h>

#include <glib/gstdio.h>

#include "bulletin-export.h"

#define MAX_IMAGE_SIZE 32767

static gboolean
finish_part (const char     *part,
             const char     *path,
             cairo_status_t  status,
             GError        **error)
{
  int saved;

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_unlink (part);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot write “%s”: %s"),
                   path, cairo_status_to_string (status));
      return FALSE;
    }
  if (g_rename (part, path) != 0)
    {
      saved = errno;
      g_unlink (part);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot write “%s”: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
bulletin_export_pdf (BulletinDisplayText        *display,
                     const BulletinPrintOptions *options,
                     BulletinPaper               paper,
                     const char                 *path,
                     GError                    **error)
{
  double width, height;

  bulletin_paper_get_size (paper, &width, &height);
  return bulletin_export_pdf_sized (display, options, width, height, path, error);
}

gboolean
bulletin_export_pdf_sized (BulletinDisplayText        *display,
                           const BulletinPrintOptions *options,
                           double                      width,
                           double                      height,
                           const char                 *path,
                           GError                    **error)
{
  BulletinArticle *article = bulletin_display_text_get_article (display);
  g_autoptr(GObject) context_object = G_OBJECT (bulletin_paginator_create_context ());
  PangoContext *context = PANGO_CONTEXT (context_object);
  g_autoptr(BulletinPaginator) paginator = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  const char *author;
  g_autofree char *part = NULL;

  g_return_val_if_fail (display != NULL && options != NULL && path != NULL, FALSE);
  g_return_val_if_fail (width > 0 && height > 0, FALSE);

  paginator = bulletin_paginator_new (display, options, context, width, height, 0, G_MAXUINT);

  /* A file beside the target, renamed when complete: never a half
   * written file in its place. */
  part = g_strconcat (path, ".part", NULL);
  surface = cairo_pdf_surface_create (part, width, height);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot write “%s”: %s"),
                   path, cairo_status_to_string (cairo_surface_status (surface)));
      cairo_surface_destroy (surface);
      g_unlink (part);
      return FALSE;
    }

  author = bulletin_article_get_byline (article);
  if (author == NULL || *author == '\0')
    author = options->paper_name;
  if (bulletin_article_get_headline (article) != NULL)
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, bulletin_article_get_headline (article));
  if (author != NULL)
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_AUTHOR, author);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Bulletin Reader");

  cr = cairo_create (surface);
  for (guint page = 0; page < bulletin_paginator_get_n_pages (paginator); page++)
    {
      bulletin_paginator_draw_page (paginator, cr, page);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  return finish_part (part, path, status, error);
}

static BulletinPaginator *
new_image_paginator (BulletinDisplayText        *display,
                     const BulletinPrintOptions *options,
                     int                         width,
                     int                         scale,
                     PangoContext               *context)
{
  BulletinPrintOptions image = *options;

  if (options->font_size <= 0 || options->font_size == 10.5)
    image.font_size = 16;
  return bulletin_paginator_new (display, &image, context, (double)width / MAX (1, scale), 0, 0, G_MAXUINT);
}

double
bulletin_export_png_height (BulletinDisplayText        *display,
                            const BulletinPrintOptions *options,
                            int                         width,
                            int                         scale)
{
  g_autoptr(GObject) context_object = G_OBJECT (bulletin_paginator_create_context ());
  PangoContext *context = PANGO_CONTEXT (context_object);
  g_autoptr(BulletinPaginator) paginator = new_image_paginator (display, options, width, scale, context);

  return bulletin_paginator_get_height (paginator);
}

gboolean
bulletin_export_png (BulletinDisplayText        *display,
                     const BulletinPrintOptions *options,
                     int                         width,
                     int                         scale,
                     const char                 *path,
                     GError                    **error)
{
  g_autoptr(GObject) context_object = G_OBJECT (bulletin_paginator_create_context ());
  PangoContext *context = PANGO_CONTEXT (context_object);
  g_autoptr(BulletinPaginator) paginator = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  double height;
  g_autofree char *part = NULL;

  g_return_val_if_fail (display != NULL && options != NULL && path != NULL, FALSE);
  g_return_val_if_fail (width > 0 && scale > 0, FALSE);

  paginator = new_image_paginator (display, options, width, scale, context);
  height = bulletin_paginator_get_height (paginator) * scale;
  if (height > MAX_IMAGE_SIZE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("The article is too long for an image (%.0f pixels high); export it as a PDF"), height);
      return FALSE;
    }

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, (int)ceil (height));
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  bulletin_paginator_draw_page (paginator, cr, 0);
  cairo_destroy (cr);
  part = g_strconcat (path, ".part", NULL);
  status = cairo_surface_write_to_png (surface, part);
  cairo_surface_destroy (surface);
  return finish_part (part, path, status, error);
}
