/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "bulletin-cli.h"
#include "bulletin-cli-private.h"
#include "bulletin-cli-display.h"
#include "bulletin-cli-export.h"
#include "bulletin-cli-index.h"
#include "bulletin-cli-search.h"
#include "bulletin-corrections.h"
#include "bulletin-search-index.h"
#ifdef BULLETIN_CLI_PRINT
#include "bulletin-cli-print.h"
#endif

/*
 * The commands: one row each.  A command is a long option (--name, with
 * an argument of its own when arg_description is set: --search QUERY),
 * the PATHs after it, and a function that returns the exit status.
 * --help lists them from this table; adding a command is adding a row
 * and its file (src/cli/bulletin-cli-NAME.c), and its paragraph in
 * docs/bulletin-reader.1 and the README.
 */
typedef struct {
  const char             *name;             /* the long option, without -- */
  const char             *arg_description;  /* its own argument; NULL for none */
  gboolean                arg_is_text;      /* TRUE: text (QUERY), FALSE: a file name */
  const char             *description;      /* for --help */
  guint                   min_paths;
  guint                   max_paths;        /* 0: any number */
  BulletinCliCommandFunc  run;
} BulletinCliCommand;

static const BulletinCliCommand commands[] = {
  { "export-ninjs", NULL, FALSE,
    N_("Write the issues of each PATH to standard output as ninjs 3.1 JSON"),
    1, 0, bulletin_cli_export_ninjs },
  { "search", N_("QUERY"), TRUE,
    N_("Print the articles of PATH that contain QUERY, one JSON object a line"),
    1, 1, bulletin_cli_search },
  { "display-text", NULL, FALSE,
    N_("Print every article of PATH as the reader displays it, one JSON object a line"),
    1, 1, bulletin_cli_display_text },
  { "index", NULL, FALSE,
    N_("Build or update the shared search index and listing cache in the archive folder PATH"),
    1, 1, bulletin_cli_index },
#ifdef BULLETIN_CLI_PRINT
  { "export-pdf", N_("FILE"), FALSE,
    N_("Write one article of PATH (see --article) to FILE as a PDF, set as the reader sets it"),
    1, 1, bulletin_cli_export_pdf },
  { "export-image", N_("FILE"), FALSE,
    N_("Write one article of PATH (see --article) to FILE as a PNG image 1080 pixels wide"),
    1, 1, bulletin_cli_export_image },
#endif
};

typedef struct {
  const BulletinCliCommand *command;
  char                     *value;
} Parsed;

static const BulletinCliCommand *
find_command (const char *option_name)
{
  if (g_str_has_prefix (option_name, "--"))
    option_name += 2;
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i].name, option_name) == 0)
      return &commands[i];
  return NULL;
}

/* Arguments arrive as the bytes typed (G_OPTION_FLAG_FILENAME), so that a
 * file name is taken as it is; text (a query, an article's headline) is
 * UTF-8 as it comes from any terminal today, else in the locale's charset.
 * GOption's own conversion would refuse Chinese under the C locale (cron
 * jobs, build sandboxes) although the bytes are valid UTF-8. */
char *
bulletin_cli_arg_to_utf8 (const char  *value,
                          GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *text;

  if (g_utf8_validate (value, -1, NULL))
    return g_strdup (value);
  text = g_locale_to_utf8 (value, -1, NULL, NULL, &local_error);
  if (text == NULL)
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 /* Translators: %s is the reason, e.g. "Invalid byte sequence in conversion input" */
                 _("the text is neither UTF-8 nor in the locale's character set: %s"),
                 local_error->message);
  return text;
}

/* Each command's option lands here */
static gboolean
command_chosen (const char  *option_name,
                const char  *value,
                gpointer     data,
                GError     **error)
{
  Parsed *parsed = data;
  const BulletinCliCommand *command = find_command (option_name);

  g_assert (command != NULL);
  if (parsed->command != NULL && parsed->command != command)
    {
      /* Translators: two command-line options, e.g. --search and --export-ninjs */
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, _("--%s and --%s cannot be used together"),
                   parsed->command->name, command->name);
      return FALSE;
    }
  parsed->command = command;
  g_free (parsed->value);
  if (value == NULL || !command->arg_is_text)
    parsed->value = g_strdup (value);
  else if ((parsed->value = bulletin_cli_arg_to_utf8 (value, error)) == NULL)
    return FALSE;
  return TRUE;
}

void
bulletin_cli_print_error (GFile      *file,
                          const char *message)
{
  g_autofree char *path = g_file_get_parse_name (file);
  g_autofree char *base = g_file_get_basename (file);

  if (base != NULL && g_str_has_prefix (message, base) &&
      g_str_has_prefix (message + strlen (base), ": "))
    message += strlen (base) + 2;

  /* Translators: a path and what is wrong with it */
  g_printerr (_("%s: %s\n"), path, message);
}

static void
print_usage_error (const char *message)
{
  /* Translators: the program's name and what is wrong with the command line */
  g_printerr (_("%s: %s (see --help)\n"), g_get_prgname (), message);
}

/* Every PATH there, or one line for the first that is not */
static gboolean
check_paths (const char * const *paths)
{
  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (paths[i]);
      g_autoptr(GFileInfo) info = NULL;
      g_autoptr(GError) error = NULL;

      if (g_file_is_native (file))
        {
          g_autofree char *local = g_file_get_path (file);
          GStatBuf st;

          if (g_stat (local, &st) != 0)
            {
              int saved = errno;

              /* Translators: a path and what is wrong with it */
              g_printerr (_("%s: %s\n"), paths[i], g_strerror (saved));
              return FALSE;
            }
          continue;
        }

      info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                                NULL, &error);
      if (info == NULL)
        {
          /* Translators: a path and what is wrong with it */
          g_printerr (_("%s: %s\n"), paths[i], error->message);
          return FALSE;
        }
    }
  return TRUE;
}

/* --search's filters, as typed */
typedef struct {
  char *from;
  char *to;
  char *page;
  char *section;
  char *order;
} SearchOptions;

static void
search_options_clear (SearchOptions *o)
{
  g_free (o->from);
  g_free (o->to);
  g_free (o->page);
  g_free (o->section);
  g_free (o->order);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SearchOptions, search_options_clear)

static gboolean
search_options_given (const SearchOptions *o)
{
  return o->from != NULL || o->to != NULL || o->page != NULL || o->section != NULL || o->order != NULL;
}

/* A date as YYYY-MM-DD, a real one */
static gboolean
valid_date (const char *text)
{
  guint y, m, d;
  char end;

  if (strlen (text) != 10 || sscanf (text, "%4u-%2u-%2u%c", &y, &m, &d, &end) != 3 ||
      text[4] != '-' || text[7] != '-' || !g_ascii_isdigit (text[0]) ||
      !g_ascii_isdigit (text[5]) || !g_ascii_isdigit (text[8]))
    return FALSE;
  return g_date_valid_dmy (d, m, y);
}

/* Checks @o into @args; the usage error when it does not fit */
static gboolean
search_options_check (SearchOptions   *o,
                      BulletinCliArgs *args)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  char **fields[] = { &o->page, &o->section };

  if (o->from != NULL && !valid_date (o->from))
    /* Translators: %s is what was typed after --from; keep YYYY-MM-DD as it is */
    message = g_strdup_printf (_("--from takes a date as YYYY-MM-DD, not “%s”"), o->from);
  else if (o->to != NULL && !valid_date (o->to))
    /* Translators: %s is what was typed after --to; keep YYYY-MM-DD as it is */
    message = g_strdup_printf (_("--to takes a date as YYYY-MM-DD, not “%s”"), o->to);
  else if (o->order != NULL && g_strcmp0 (o->order, "newest") != 0 &&
           g_strcmp0 (o->order, "oldest") != 0 && g_strcmp0 (o->order, "hits") != 0)
    /* Translators: %s is what was typed after --order; keep newest, oldest and hits as they are */
    message = g_strdup_printf (_("--order takes newest, oldest or hits, not “%s”"), o->order);
  if (message != NULL)
    {
      print_usage_error (message);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      char **field = fields[i];
      char *text;

      if (*field == NULL)
        continue;
      text = bulletin_cli_arg_to_utf8 (*field, &error);
      if (text == NULL)
        {
          print_usage_error (error->message);
          return FALSE;
        }
      g_free (*field);
      *field = text;
    }
  args->date_from = o->from;
  args->date_to = o->to;
  args->page = o->page;
  args->section = o->section;
  args->order = g_strcmp0 (o->order, "oldest") == 0 ? BULLETIN_SEARCH_ORDER_OLDEST :
                g_strcmp0 (o->order, "hits") == 0 ? BULLETIN_SEARCH_ORDER_HITS :
                BULLETIN_SEARCH_ORDER_NEWEST;
  return TRUE;
}

static GOptionContext *
make_context (Parsed    *parsed,
              gboolean  *help,
              gboolean  *narrow,
              gboolean  *no_corrections,
              char     **article,
              char     **paper,
              SearchOptions *search,
              gboolean  *version,
              char    ***paths)
{
  GOptionContext *context = g_option_context_new (NULL);
  GOptionGroup *group = g_option_group_new (NULL, NULL, NULL, parsed, NULL);
  g_autoptr(GArray) entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  const GOptionEntry others[] = {
    /* GOption's own --help would exit () from inside the parser */
    { "help", 'h', 0, G_OPTION_ARG_NONE, help,
      N_("Show this help and exit"), NULL },
    { "narrow-punctuation", 0, 0, G_OPTION_ARG_NONE, narrow,
      N_("With --display-text: the text without full-width punctuation"), NULL },
    { "no-corrections", 0, 0, G_OPTION_ARG_NONE, no_corrections,
      N_("Read plain-text issues as the rules read them, without the corrections made in the reader"), NULL },
#ifdef BULLETIN_CLI_PRINT
    { "article", 0, 0, G_OPTION_ARG_FILENAME, article,
      N_("With --export-pdf, --export-image: the article, by its id or its headline "
         "(as --display-text prints them); needed when PATH has more than one"), N_("ARTICLE") },
    { "paper", 0, 0, G_OPTION_ARG_STRING, paper,
      N_("With --export-pdf: a4 (the default), a5, b5 or letter, portrait"), N_("SIZE") },
#endif
    /* the dates' form and the orders' names are typed as they are: not
     * translated */
    { "from", 0, 0, G_OPTION_ARG_FILENAME, &search->from,
      N_("With --search: only issues of this date or later"), "YYYY-MM-DD" },
    { "to", 0, 0, G_OPTION_ARG_FILENAME, &search->to,
      N_("With --search: only issues of this date or earlier"), "YYYY-MM-DD" },
    { "section", 0, 0, G_OPTION_ARG_FILENAME, &search->section,
      N_("With --search: only articles of this section (exact match)"), N_("NAME") },
    { "page", 0, 0, G_OPTION_ARG_FILENAME, &search->page,
      N_("With --search: only articles of this page (exact match)"), N_("N") },
    { "order", 0, 0, G_OPTION_ARG_FILENAME, &search->order,
      N_("With --search: newest issue first (the default), oldest first, or most hits first"),
      "newest|oldest|hits" },
    { "version", 0, 0, G_OPTION_ARG_NONE, version,
      N_("Print the version and exit"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, paths,
      NULL, N_("[PATH…]") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      GOptionEntry entry = {
        commands[i].name, 0,
        commands[i].arg_description == NULL ? G_OPTION_FLAG_NO_ARG : G_OPTION_FLAG_FILENAME,
        G_OPTION_ARG_CALLBACK, (gpointer)command_chosen,
        commands[i].description, commands[i].arg_description,
      };

      g_array_append_val (entries, entry);
    }
  g_array_append_vals (entries, others, G_N_ELEMENTS (others));

  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_group_add_entries (group, (const GOptionEntry *)(void *)entries->data);
  g_option_context_set_main_group (context, group);
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Reads newspaper archives: IPTC ninjs, IPTC NewsML and plain-text bulletins.  Without a command, "
      "opens PATH (an archive folder or one issue file) in a window; with a command, "
      "prints to standard output and opens no window."));
  g_option_context_set_description (context,
    _("Exit status: 0 when done (for --search: something was found), 1 when --search "
      "found nothing, 2 on an error (a PATH or an issue in it that cannot be read, even "
      "when the rest was printed).\n\nSee bulletin-reader(1)."));
  return context;
}

/* Whether @command takes @n_paths PATHs; the usage error when not. */
static gboolean
n_paths_fit (const BulletinCliCommand *command,
             guint                     n_paths)
{
  g_autofree char *message = NULL;

  if (n_paths >= command->min_paths && (command->max_paths == 0 || n_paths <= command->max_paths))
    return TRUE;
  if (command->max_paths == 1)
    /* Translators: %s is a command-line option, e.g. --search */
    message = g_strdup_printf (_("--%s takes one PATH"), command->name);
  else
    /* Translators: %s is a command-line option, e.g. --export-ninjs */
    message = g_strdup_printf (_("--%s needs a PATH"), command->name);
  print_usage_error (message);
  return FALSE;
}

/**
 * bulletin_cli_handle:
 *
 * Reads the command line.  A command, --help, --version or a mistake on
 * the command line is handled here (@exit_status set, TRUE returned);
 * without a command, FALSE: the window opens, on the PATHs of @argv.
 */
gboolean
bulletin_cli_handle (int    argc,
                     char **argv,
                     int   *exit_status)
{
  g_auto(GStrv) args = g_new0 (char *, argc + 1);
  g_auto(GStrv) paths = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  Parsed parsed = { NULL, NULL };
  g_auto(SearchOptions) search = { NULL };
  gboolean help = FALSE, narrow = FALSE, no_corrections = FALSE, version = FALSE;
  g_autofree char *article = NULL;
  g_autofree char *paper = NULL;
  const char * const no_paths[] = { NULL };
  BulletinCliArgs command_args = { NULL };
  guint n_paths;

  /* started by D-Bus activation (the search provider): GApplication's */
  if (argc == 2 && g_str_equal (argv[1], "--gapplication-service"))
    return FALSE;

  for (int i = 0; i < argc; i++)
    args[i] = g_strdup (argv[i]);

  context = make_context (&parsed, &help, &narrow, &no_corrections, &article, &paper, &search, &version, &paths);
  if (!g_option_context_parse_strv (context, &args, &error))
    {
      print_usage_error (error->message);
      g_free (parsed.value);
      *exit_status = BULLETIN_CLI_ERROR;
      return TRUE;
    }

  if (help)
    {
      g_autofree char *text = g_option_context_get_help (context, TRUE, NULL);

      g_print ("%s", text);
      g_free (parsed.value);
      *exit_status = BULLETIN_CLI_OK;
      return TRUE;
    }

  if (version)
    {
      g_print ("bulletin-reader %s\n", PACKAGE_VERSION);
      g_free (parsed.value);
      *exit_status = BULLETIN_CLI_OK;
      return TRUE;
    }

  if ((article != NULL || paper != NULL) &&
      (parsed.command == NULL || !g_str_has_prefix (parsed.command->name, "export-") ||
       g_str_equal (parsed.command->name, "export-ninjs")))
    {
      print_usage_error (_("--article and --paper go with --export-pdf or --export-image"));
      g_free (parsed.value);
      *exit_status = BULLETIN_CLI_ERROR;
      return TRUE;
    }

  if (search_options_given (&search) &&
      (parsed.command == NULL || !g_str_equal (parsed.command->name, "search")))
    {
      print_usage_error (_("--from, --to, --section, --page and --order go with --search"));
      g_free (parsed.value);
      *exit_status = BULLETIN_CLI_ERROR;
      return TRUE;
    }
  if (search_options_given (&search) && !search_options_check (&search, &command_args))
    {
      g_free (parsed.value);
      *exit_status = BULLETIN_CLI_ERROR;
      return TRUE;
    }

  if (parsed.command == NULL)
    {
      if (!narrow)
        return FALSE;
      print_usage_error (_("--narrow-punctuation goes with --display-text"));
      *exit_status = BULLETIN_CLI_ERROR;
      return TRUE;
    }

  n_paths = paths != NULL ? g_strv_length (paths) : 0;
  if (!n_paths_fit (parsed.command, n_paths))
    {
      g_free (parsed.value);
      *exit_status = BULLETIN_CLI_ERROR;
      return TRUE;
    }

  if (article != NULL)
    {
      char *text = bulletin_cli_arg_to_utf8 (article, &error);

      if (text == NULL)
        {
          print_usage_error (error->message);
          g_free (parsed.value);
          *exit_status = BULLETIN_CLI_ERROR;
          return TRUE;
        }
      g_free (article);
      article = text;
    }

  /* the user's corrections apply unless asked not to */
  if (no_corrections)
    bulletin_corrections_set_default (NULL);

  command_args.value = parsed.value;
  command_args.paths = paths != NULL ? (const char * const *)paths : no_paths;
  command_args.narrow_punctuation = narrow;
  command_args.article = article;
  command_args.paper = paper;

  if (!check_paths (command_args.paths))
    *exit_status = BULLETIN_CLI_ERROR;
  else
    *exit_status = parsed.command->run (&command_args);
  g_free (parsed.value);
  return TRUE;
}
