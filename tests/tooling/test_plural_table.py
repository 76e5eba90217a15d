"""plural_table.py: GNU gettext's table of Plural-Forms."""
from __future__ import annotations

from app.tooling.plural_table import gnu_plural_forms


def test_a_regional_locale_falls_back_to_its_language_unless_listed():
    assert gnu_plural_forms("ja") == "nplurals=1; plural=0;"
    assert gnu_plural_forms("de_AT") == gnu_plural_forms("de-AT") == gnu_plural_forms("de")
    assert gnu_plural_forms("pt_BR") == "nplurals=2; plural=(n > 1);" != gnu_plural_forms("pt")
    assert gnu_plural_forms("ru").startswith("nplurals=3;")
    assert gnu_plural_forms("tlh") is None
