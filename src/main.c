/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "bulletin-application.h"
#include "bulletin-cli.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(BulletinApplication) app = NULL;
  int status = 0;

  setlocale (LC_ALL, "");
  /* uninstalled (build-aux/run.sh, the tests): the build tree's translations */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("BULLETIN_LOCALEDIR") != NULL ? g_getenv ("BULLETIN_LOCALEDIR")
                                                                          : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* --export-ninjs, --search: no window, no display needed */
  if (bulletin_cli_handle (argc, argv, &status))
    return status;

  app = bulletin_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
