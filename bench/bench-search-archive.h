/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A synthetic Chinese archive whose vocabulary follows Zipf's law, with
 * bursty topic words per article, so that rare terms are rare and common
 * ones common.  Deterministic for a seed. */
typedef struct _SearchCorpus SearchCorpus;

SearchCorpus *search_corpus_new            (guint32       seed);
/* The same, with the words and frequencies of a real word list (one
 * "word frequency [tag]" a line, as jieba's dict.txt): each word of the
 * text is drawn with probability proportional to its frequency in the
 * list.  Only words of Han characters are kept. */
SearchCorpus *search_corpus_new_from_word_list (const char *path,
                                                guint32     seed,
                                                GError    **error);
void          search_corpus_free           (SearchCorpus *corpus);
/* one article: a headline line, a blank line, paragraphs separated by
 * blank lines; about @chars characters */
void          search_corpus_append_article (SearchCorpus *corpus,
                                            GRand        *rand,
                                            guint         chars,
                                            GString      *out);
/* a line after each article, such as the end mark "（完）" that lets the
 * text importer split an issue file into its articles; NULL for none */
void          search_corpus_set_article_end (SearchCorpus *corpus,
                                             const char   *line);
/* the vocabulary, most common first */
guint         search_corpus_get_n_words    (SearchCorpus *corpus);
const char   *search_corpus_get_word       (SearchCorpus *corpus,
                                            guint         rank);

/* Writes @n_issues issues of @per_issue articles under @dir.  With
 * @one_file_per_article, each article is a file of its own
 * (YYYY-MM-DD-NN.txt), which the placeholder text importer reads as one
 * article; otherwise one file per issue (YYYY-MM-DD.txt).  Returns the
 * bytes written. */
guint64       search_corpus_write_archive  (SearchCorpus *corpus,
                                            const char   *dir,
                                            guint         n_issues,
                                            guint         per_issue,
                                            gboolean      one_file_per_article,
                                            GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SearchCorpus, search_corpus_free)

G_END_DECLS
