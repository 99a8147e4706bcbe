# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by build-aux/run.sh (and tests/check-run-l10n.sh) with $build set:
# the environment that runs the app from the build tree, uninstalled.
export GSETTINGS_SCHEMA_DIR="$build/data"
# the translations compiled in the build tree (LANGUAGE=zh_CN build-aux/run.sh)
export BULLETIN_LOCALEDIR="$build/po"
