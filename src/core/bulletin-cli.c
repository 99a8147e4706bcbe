/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "bulletin-cli.h"
#include "bulletin-cli-display.h"
#include "bulletin-cli-export.h"
#include "bulletin-search-cli.h"

typedef int (*CommandFunc) (const char * const *args);

typedef struct {
  const char  *option;
  CommandFunc  func;
} Command;

static const Command commands[] = {
  /* commands */
  { "--export-ninjs", bulletin_cli_export_ninjs },
  { "--search", bulletin_search_cli_run },
  { "--display-text", bulletin_cli_display_text },
  { NULL, NULL },
};

gboolean
bulletin_cli_handle (int    argc,
                     char **argv,
                     int   *exit_status)
{
  for (int i = 1; i < argc; i++)
    for (guint c = 0; commands[c].option != NULL; c++)
      if (strcmp (argv[i], commands[c].option) == 0)
        {
          g_autoptr(GPtrArray) args = g_ptr_array_new ();

          for (int j = 1; j < argc; j++)
            if (j != i)
              g_ptr_array_add (args, argv[j]);
          g_ptr_array_add (args, NULL);

          *exit_status = commands[c].func ((const char * const *)args->pdata);
          return TRUE;
        }

  return FALSE;
}
