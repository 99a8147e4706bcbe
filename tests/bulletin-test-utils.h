/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The folder of shared test data (../shared), or NULL when this checkout
 * has none beside it: tests that need it then report SKIP. */
const char *bulletin_test_get_shared_dir (void);

/* Path of @relative under the shared folder, or NULL after marking the
 * current test skipped when it is absent (failed under CI=true). */
char       *bulletin_test_shared_path    (const char *relative);

/* Under CI=true a test whose shared data is missing fails instead of
 * skipping: a CI run must not pass by testing nothing.  The Python tests
 * do the same through tests/bulletin_test_utils.py. */
gboolean    bulletin_test_shared_required (void);

/* Marks the current test skipped, or failed under CI=true, for @message. */
void        bulletin_test_shared_missing (const char *message);

/* Reads a file into memory, failing the test when it cannot. */
char       *bulletin_test_read_file      (const char *path,
                                          gsize      *len);

/* Removes @path and everything below it (a link, not what it points to). */
void        bulletin_test_remove_tree    (const char *path);

/* Runs the main context for @ms milliseconds. */
void        bulletin_test_iterate        (guint ms);

typedef gboolean (*BulletinTestCondition) (gpointer data);

/* Runs the main context until @condition holds or @seconds pass; returns
 * whether it holds. */
gboolean    bulletin_test_wait_for       (BulletinTestCondition condition,
                                          gpointer              data,
                                          guint                 seconds);

/* Keeps the few toolkit warnings that say nothing about this app from
 * aborting a UI test (gtk_test_init() makes every warning fatal): GDK's
 * X11 backend under Xvfb warns "gdk_frame_timings_submitted() called on
 * submitted frame" on GTK 4.24.  Any other warning stays fatal. */
char       *bulletin_test_take_undrawn (void);
char       *bulletin_test_take_logged (void);
void        bulletin_test_tolerate_toolkit_warnings (void);

/* Checks every GListModel's items-changed in the process, from now on,
 * against its contract: it comes after the change (the model then holds
 * what it says), its range lies in the model as it was, and it does not
 * come while another items-changed of the same model is being delivered
 * (a handler that changes the model it is told about leaves the handlers
 * after it a model other than the one they hear of: GTK 4.8's list views
 * abort in gtk_list_item_manager_ensure_items ()).  A breach is fatal
 * at once (g_error), naming the model, with the stack that made it. */
void        bulletin_test_check_list_models (void);

/* A plain-text issue of four articles, each on a page of its own after a
 * page header: printf it with the date, the headers of pages 2, 3 and 4,
 * and what ends the last article (a literal, for the format checks) */
#define BULLETIN_TEST_PAGED_ISSUE \
  "城南日报\n%s 星期二 第123期 第1版\n\n" \
  "春耕备耕正当时\n\n● 记者 王强\n\n" \
  "本报讯 连日来，城南各镇抓住农时，组织农民开展春耕备耕，田间地头一派繁忙景象，各地农技人员深入一线指导农户科学\n" \
  "- 1 -\n%s\n" \
  "施肥、合理灌溉。\n\n" \
  "夜市重开迎客来\n\n● 记者 赵一鸣\n\n" \
  "本报讯 停业三个月的城南夜市昨晚重新开放，一百二十个摊位全部恢复营业。\n\n" \
  "%s\n\n" \
  "学生托管班开班\n\n● 记者 孙晓\n\n" \
  "本报讯 城南区今年开设的暑期托管班昨日开班，首批接收学生四百余名。\n\n" \
  "%s\n\n" \
  "社区书画展开幕\n\n● 记者 钱多多\n\n" \
  "本报讯 城南街道第五届社区书画展昨日开幕，展出居民作品八十余件。%s\n"

G_END_DECLS
