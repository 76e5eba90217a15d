"""GNU gettext's table of known Plural-Forms (gettext-tools/src/plural-table.c, "Plural forms" node of
the gettext manual): what msginit writes and msgfmt suggests, one of the two references `check` accepts."""

GNU_PLURAL_FORMS = {
    "ja": "nplurals=1; plural=0;",
    "vi": "nplurals=1; plural=0;",
    "ko": "nplurals=1; plural=0;",
    **dict.fromkeys(("en", "de", "nl", "sv", "da", "no", "nb", "nn", "fo", "es", "pt", "it", "bg", "el", "fi",
                     "et", "he", "eo", "hu", "tr", "ca"), "nplurals=2; plural=(n != 1);"),
    "pt_BR": "nplurals=2; plural=(n > 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "lv": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);",
    "ga": "nplurals=3; plural=n==1 ? 0 : n==2 ? 1 : 2;",
    "ro": "nplurals=3; plural=n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2;",
    "lt": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && (n%100<10 || n%100>=20) ? 1 : 2);",
    **dict.fromkeys(("ru", "uk", "be", "sr", "hr"),
                    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
                    "(n%100<10 || n%100>=20) ? 1 : 2);"),
    **dict.fromkeys(("cs", "sk"), "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;"),
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "sl": "nplurals=4; plural=(n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3);",
}


def gnu_plural_forms(locale: str) -> str | None:
    """GNU's Plural-Forms for a locale ("pt_BR" has its own, "de_AT" is "de"'s), or None if not listed."""
    locale = locale.replace("-", "_")
    return GNU_PLURAL_FORMS.get(locale) or GNU_PLURAL_FORMS.get(locale.split("_")[0])
