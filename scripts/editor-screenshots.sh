#!/bin/sh
# Remake docs/screenshots/ (the editor's entry, review and users pages, linked from TRANSLATING.md) from the
# Chromium tests that open those pages.
set -eu
cd "$(dirname "$0")/.."
EDITOR_SCREENSHOTS=docs/screenshots .venv/bin/pytest -q -p no:cacheprovider \
  "tests/browser/test_editor_tools.py::test_placeholders_and_tags_are_highlighted_and_checked_as_you_type" \
  "tests/browser/test_editor_tools.py::test_an_admin_adds_a_user_who_can_then_sign_in" \
  "tests/browser/test_editor_tools.py::test_axe_finds_no_violation_on_any_editor_page[review]"
