"""Text helpers shared by both search backends (pure, no database): words, a light Belarusian and
Russian ending stripper, the Latin "search key" every word is folded to (one scheme for Cyrillic and
Latin, so "Bashni" meets "Башні"), trigram similarity for misspellings, and highlighted snippets."""

import re
import unicodedata

from django.utils.html import escape

WORD_RE = re.compile(r"\w+", re.UNICODE)
CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")

# One Cyrillic -> Latin scheme for Belarusian and Russian, written for matching rather than reading:
# it folds sounds the two languages and their usual romanisations spell differently (г is "h" in
# Belarusian and "g" in Russian, х is "kh" or "h" or "ch") onto the same letters.
CYR = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "h", "д": "d", "е": "e", "ё": "io", "ж": "z", "з": "z",
    "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ў": "u", "ф": "f", "х": "h", "ц": "c", "ч": "c", "ш": "s",
    "щ": "s", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia", "є": "ie", "'": "", "’": "",
}  # fmt: skip
# Latin spellings folded the same way (applied after diacritics are removed and in this order).
LATIN_FOLDS = (
    ("shch", "s"), ("sch", "s"), ("kh", "h"), ("zh", "z"), ("sh", "s"), ("ch", "c"), ("ts", "c"),
    ("tz", "c"), ("g", "h"), ("w", "v"), ("y", "i"), ("j", "i"), ("x", "ks"), ("q", "k"),
)  # fmt: skip

# Endings stripped from Belarusian and Russian words (longest first); the stem keeps at least 3 letters.
ENDINGS = sorted(
    [
        "ямі",
        "ями",
        "амі",
        "ами",
        "ому",
        "ему",
        "ого",
        "его",
        "ага",
        "яга",
        "ымі",
        "ыми",
        "імі",
        "ими",
        "ых",
        "их",
        "ай",
        "ой",
        "ей",
        "эй",
        "ый",
        "ий",
        "ая",
        "яя",
        "ое",
        "ее",
        "ае",
        "яе",
        "ую",
        "юю",
        "ам",
        "ям",
        "ом",
        "ем",
        "ах",
        "ях",
        "ов",
        "ев",
        "оў",
        "еў",
        "ы",
        "і",
        "и",
        "а",
        "я",
        "о",
        "е",
        "э",
        "у",
        "ю",
        "ь",
        "ў",
    ],
    key=len,
    reverse=True,
)
EN_ENDINGS = ("ing", "es", "ed", "s")


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD_RE.findall(text or "")]


def is_cyrillic(text: str) -> bool:
    return bool(CYRILLIC_RE.search(text or ""))


def key(word: str) -> str:
    """The Latin search key of one word ("Башні" -> "basni", "Bashni" -> "basni", "Ходосы" -> "hodosi")."""
    word = word.lower()
    if is_cyrillic(word):
        word = "".join(CYR.get(ch, ch) for ch in word)
    word = "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))
    for a, b in LATIN_FOLDS:
        word = word.replace(a, b)
    return word


def keys_text(text: str) -> str:
    """Every word of ``text`` as its search key, space-separated (the "transliterated" column)."""
    return " ".join(key(w) for w in words(text))


def stem(word: str) -> str:
    """A light ending stripper for be/ru (and a few English endings): "форуме" -> "форум",
    "башнях" -> "башн". Not a real stemmer: it only helps prefix matching."""
    word = word.lower()
    endings = ENDINGS if is_cyrillic(word) else EN_ENDINGS
    for ending in endings:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def language_of(text: str) -> str:
    """A guess for texts stored without a language: Belarusian letters, else Cyrillic is Russian."""
    if not is_cyrillic(text):
        return "en"
    return "be" if re.search(r"[іўІЎ]", text) else "ru"


def trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity of two words: shared trigrams over all trigrams."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def highlight(text: str, marked: set[str]) -> str:
    """``text`` escaped, with the words in ``marked`` (lower case) wrapped in <mark>. The result is safe
    HTML because every piece of the text is escaped before any tag is added."""
    out, pos = [], 0
    for m in WORD_RE.finditer(text):
        out.append(escape(text[pos : m.start()]))
        word = m.group(0)
        out.append(f"<mark>{escape(word)}</mark>" if word.lower() in marked else escape(word))
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def snippet_window(text: str, marked: set[str], size: int = 220) -> str:
    """The part of ``text`` around the first marked word, at most about ``size`` characters, with "…"
    where it was cut."""
    text = " ".join((text or "").split())
    if len(text) <= size:
        return text
    start = 0
    for m in WORD_RE.finditer(text):
        if m.group(0).lower() in marked:
            start = max(0, m.start() - size // 3)
            break
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return ("… " if start else "") + text[start:end] + (" …" if end < len(text) else "")


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance of two words, or ``limit + 1`` as soon as it is known to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def closeness(a: str, b: str) -> float:
    """How close two search keys are (0..1): the better of pg_trgm's trigram similarity and one minus
    the share of letters a typo changed (one typo allowed in words of up to 6 letters, two beyond)."""
    sim = similarity(a, b)
    allowed = 1 if len(b) <= 6 else 2
    d = edit_distance(a, b, allowed)
    return max(sim, 1 - d / max(len(b), 1)) if d <= allowed else sim
