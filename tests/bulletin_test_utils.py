# SPDX-License-Identifier: GPL-3.0-or-later
"""What the Python tests share with tests/bulletin-test-utils.c."""

import os
import sys


def shared_required():
    """Under CI=true missing shared test data (../shared) is a failure, not
    a skip: a CI run must not pass by testing nothing."""
    return os.environ.get("CI") == "true"


def shared_missing(message):
    """Reports the whole TAP test as skipped, or failed under CI=true, and
    returns its exit status."""
    if shared_required():
        print(f"Bail out! {message} (CI=true: the shared test data must be there)")
        sys.stdout.flush()
        return 1
    print(f"1..0 # SKIP {message}")
    return 0
