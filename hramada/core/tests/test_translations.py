"""Translation catalogues are complete, keep their placeholders, and the compiled .mo matches the .po.

No database and no Django machinery: the .po files are parsed here (stdlib only) and the .mo files are
read with gettext.GNUTranslations, exactly as Django reads them.
"""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PLURAL_3 = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)

# (catalogue, language, every msgstr must be filled)
CATALOGUES = [
    ("locale/be/LC_MESSAGES/django.po", "be", True),
    ("locale/ru/LC_MESSAGES/django.po", "ru", True),
    ("hramada/locale_vendor/be/LC_MESSAGES/django.po", "be", True),
    ("locale/en/LC_MESSAGES/django.po", "en", False),  # English is the source: only plural entries are filled
]
IDS = [path for path, _, _ in CATALOGUES]


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def where(self) -> str:
        return f"line {self.line}: {self.msgid[:60]!r}"


def _unquote(s: str) -> str:
    # PO strings use C escapes (\n, \t, \", \\), which Python string literals share.
    return ast.literal_eval(s)


def parse_po(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    cur: Entry | None = None
    target: str | int | None = None  # the keyword (or msgstr index) that continuation lines extend

    def finish():
        nonlocal cur, target
        if cur is not None and (cur.msgid or cur.msgstr) and not cur.obsolete:
            entries.append(cur)
        cur, target = None, None

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if cur is not None and cur.msgstr and (line.startswith("#") or line.startswith("msgctxt ")):
            finish()  # a new entry begins without a blank line
        if not line:
            finish()
            continue
        if cur is None:
            cur = Entry(line=lineno)
        if line.startswith("#~"):
            cur.obsolete = True
        elif line.startswith("#,"):
            cur.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
        elif line.startswith("#"):
            pass
        elif m := re.match(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$', line):
            keyword, index, value = m.group(1), m.group(2), _unquote(m.group(3))
            if keyword == "msgstr":
                target = int(index or 0)
                cur.msgstr[target] = value
            else:
                target = keyword
                setattr(cur, keyword, value)
        elif line.startswith('"') and target is not None:
            if isinstance(target, int):
                cur.msgstr[target] += _unquote(line)
            else:
                setattr(cur, target, getattr(cur, target) + _unquote(line))
        else:
            raise AssertionError(f"{path}:{lineno}: cannot parse {raw!r}")
    finish()
    return entries


def header(entries: list[Entry]) -> dict[str, str]:
    head = next(e for e in entries if e.msgid == "" and e.msgctxt is None)
    return {
        k.strip(): v.strip() for k, _, v in (ln.partition(":") for ln in head.msgstr[0].splitlines()) if k
    }


_PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0+]*\d*(?:\.\d+)?([sdifrx%])")
_BRACE = re.compile(r"\{(\w*)\}")
_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b")


def placeholders(text: str, entry: Entry) -> tuple:
    named, positional = set(), []
    for name, conv in _PERCENT.findall(text):
        if conv == "%":
            continue
        if name:
            named.add(f"%({name}){conv}")
        else:
            positional.append(f"%{conv}")
    braces = sorted(_BRACE.findall(text)) if "python-brace-format" in entry.flags else []
    return named, positional, braces, sorted(_TAG.findall(text))


@pytest.fixture(scope="module", params=CATALOGUES, ids=IDS)
def catalogue(request):
    rel, lang, complete = request.param
    path = ROOT / rel
    entries = parse_po(path)
    return path, lang, complete, entries, [e for e in entries if e.msgid and not e.obsolete]


def test_header(catalogue):
    path, lang, _, entries, _ = catalogue
    h = header(entries)
    assert h.get("Language") == lang
    assert "charset=UTF-8" in h.get("Content-Type", "")
    if lang in ("be", "ru"):
        assert h.get("Plural-Forms") == PLURAL_3
    else:
        assert h.get("Plural-Forms", "").startswith("nplurals=2;")


def test_no_fuzzy_entries(catalogue):
    _, _, _, entries, _ = catalogue
    fuzzy = [e.where for e in entries if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"


def test_every_message_is_translated(catalogue):
    path, lang, complete, _, messages = catalogue
    nplurals = 3 if lang in ("be", "ru") else 2
    empty = []
    for e in messages:
        if e.msgid_plural is not None:
            forms = [e.msgstr.get(i, "") for i in range(nplurals)]
            if len(e.msgstr) != nplurals or not all(forms):
                empty.append(e.where)
        elif complete and not e.msgstr.get(0):
            empty.append(e.where)
    assert not empty, f"{len(empty)} untranslated in {path.relative_to(ROOT)}: {empty[:20]}"


def test_placeholders_and_markup_are_kept(catalogue):
    _, _, _, _, messages = catalogue
    bad = []
    for e in messages:
        for i, text in e.msgstr.items():
            if not text:
                continue
            source = e.msgid if e.msgid_plural is None else e.msgid_plural
            want, got = placeholders(source, e), placeholders(text, e)
            # Plural forms may drop a number the singular source did not show, but never invent one.
            ok = got == want or (e.msgid_plural is not None and got == placeholders(e.msgid, e))
            if not ok:
                bad.append(f"{e.where} [{i}]: {want} != {got}")
    assert not bad, "\n".join(bad)


def test_compiled_catalogue_matches_the_po(catalogue):
    path, _, _, _, messages = catalogue
    mo = path.with_suffix(".mo")
    assert mo.exists(), f"{mo.relative_to(ROOT)} is missing: run compilemessages"
    with mo.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    stale = []
    for e in messages:
        if e.msgid_plural is None:
            if not e.msgstr.get(0):
                continue
            got = compiled.pgettext(e.msgctxt, e.msgid) if e.msgctxt else compiled.gettext(e.msgid)
            if got != e.msgstr[0]:
                stale.append(e.where)
            continue
        for i, text in e.msgstr.items():
            if not text:
                continue
            n = next(n for n in range(200) if compiled.plural(n) == i)
            got = (
                compiled.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n)
                if e.msgctxt
                else compiled.ngettext(e.msgid, e.msgid_plural, n)
            )
            if got != text:
                stale.append(f"{e.where} [{i}]")
    assert not stale, f"{mo.relative_to(ROOT)} is out of date with the .po ({len(stale)}): {stale[:10]}"
