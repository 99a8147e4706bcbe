/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-ninjs-keys.h"

/* The properties of a ninjs news item in every version of the standard
 * (1.x and 2.x in lower case, 3.x in camelCase: compared without case). */
static gboolean
has_prefix_ci (const char *key,
               const char *prefix)
{
  return g_ascii_strncasecmp (key, prefix, strlen (prefix)) == 0;
}

/**
 * bulletin_ninjs_key_is_item:
 *
 * Whether an object with the key @key is a ninjs item: the reader (which
 * looks at a whole object) and the skim (which sees one key at a time)
 * tell items from other objects with this one list.
 */
gboolean
bulletin_ninjs_key_is_item (const char *key)
{
  static const char * const keys[] = {
    "uri", "type", "headline", "headlines", "bodies", "title", "by", "byline",
    "located", "language", "versioncreated", "firstcreated", "contentcreated",
    "associations", "renditions", "descriptions", "slugline", "profile", "version",
    "standard", "$standard", "altids", "subject", "subjects", "genre", "genres",
    "pubstatus", "urgency", "copyrightholder", "copyrightnotice", "usageterms", "ednote",
    "place", "places", "person", "people", "organisation", "organisations", "event",
    "events", "object", "objects", "mimetype", "representationtype", "embargoed",
    "embargoeduntil", "expires", "infosource", "infosources", "rightsinfo",
    "trustindicator", "trustindicators", "digitalsourcetype", "eventdetails",
    "plannedcoverage", "credit", "dateline", NULL
  };

  g_return_val_if_fail (key != NULL, FALSE);

  if (has_prefix_ci (key, "headline_") || has_prefix_ci (key, "body_") ||
      has_prefix_ci (key, "description_"))
    return TRUE;
  for (guint i = 0; keys[i] != NULL; i++)
    if (g_ascii_strcasecmp (key, keys[i]) == 0)
      return TRUE;
  return FALSE;
}
