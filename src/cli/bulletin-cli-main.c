/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "bulletin-cli.h"

/* The core-only build (-Dui=false): the command line without a window. */
int
main (int    argc,
      char **argv)
{
  int status = 0;

  setlocale (LC_ALL, "");
  /* uninstalled (build-aux/run.sh, the tests): the build tree's translations */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("BULLETIN_LOCALEDIR") != NULL ? g_getenv ("BULLETIN_LOCALEDIR")
                                                                          : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (bulletin_cli_handle (argc, argv, &status))
    return status;

  g_printerr ("%s\n", _("This build has no window; see --help of the full build."));
  return 2;
}
