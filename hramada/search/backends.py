"""The database half of search: find candidate documents for a query, best first. One small class per
database, chosen by ``connection.vendor``; the ranking, the permission re-check and the snippets are the
same for both (selectors.py)."""

from dataclasses import dataclass, field

from django.db import connection, transaction

from .text import key, stem, words

MAX_WORDS = 8
CANDIDATES = 400
FUZZY_THRESHOLD = 0.5  # pg_trgm word similarity of a query word's key to a word of the text


@dataclass
class Query:
    raw: str
    terms: list[tuple[str, str, str]] = field(default_factory=list)  # (word, its key, its stem)

    @classmethod
    def parse(cls, raw: str) -> "Query":
        seen, terms = set(), []
        for w in words(raw[:200]):
            if len(w) < 2 or w in seen:
                continue
            seen.add(w)
            terms.append((w, key(w), stem(w)))
        return cls(raw, terms[:MAX_WORDS])


def _fts5_string(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


class SQLiteBackend:
    """FTS5 with the trigram tokenizer (substring matching): a word, its stem, its Latin key and its
    key's stem match exactly; the key's three-letter pieces bring the candidates for misspellings."""

    def candidates(self, qs, query: Query) -> list[int]:
        parts = []
        for w, k, s in query.terms:
            for term in {w, s}:
                if len(term) >= 3:
                    parts.append("{title text}: " + _fts5_string(term))
            stem_key = key(s)
            for term in {k, stem_key}:
                if len(term) >= 3:
                    parts.append("translit: " + _fts5_string(term))
            parts.extend("translit: " + _fts5_string(k[i : i + 3]) for i in range(len(k) - 2))
        if not parts:
            return []
        expr = " OR ".join(dict.fromkeys(parts))
        rows = qs.extra(  # noqa: S610 (the MATCH expression is a parameter)
            tables=["search_fts"],
            where=["search_fts.rowid = search_searchdocument.id", "search_fts MATCH %s"],
            params=[expr],
            select={"fts_rank": "bm25(search_fts, 10.0, 3.0, 1.0)"},
            order_by=["fts_rank"],
        ).values_list("id", flat=True)[:CANDIDATES]
        return list(rows)


class PostgresBackend:
    """The generated ``tsv`` column (Russian and English stemming, "simple" for Belarusian and the Latin
    keys), with prefix matching of stems, plus pg_trgm word similarity of each word's Latin key for
    misspellings."""

    def candidates(self, qs, query: Query) -> list[int]:
        if not query.terms:
            return []
        tsqueries, params = [], []
        fuzzy, fuzzy_params = [], []
        for w, k, s in query.terms:
            tsqueries += ["plainto_tsquery('russian', %s)", "plainto_tsquery('english', %s)"]
            params += [w, w]
            tsqueries += ["to_tsquery('simple', %s)", "to_tsquery('simple', %s)"]
            params += [f"{s}:*", f"{key(s)}:*"]
            if len(k) >= 3:
                fuzzy.append("%s <%% search_searchdocument.translit")
                fuzzy_params.append(k)
        tsquery = "(" + " || ".join(tsqueries) + ")"
        where = f"(search_searchdocument.tsv @@ {tsquery}"
        where += (" OR " + " OR ".join(fuzzy) + ")") if fuzzy else ")"
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [str(FUZZY_THRESHOLD)]
                )
            rows = qs.extra(  # noqa: S610 (every user word is a parameter; the SQL text is ours)
                where=[where],
                params=params + fuzzy_params,
                select={"fts_rank": f"ts_rank(search_searchdocument.tsv, {tsquery})"},
                select_params=params,
                order_by=["-fts_rank"],
            ).values_list("id", flat=True)[:CANDIDATES]
            return list(rows)


def backend():
    return PostgresBackend() if connection.vendor == "postgresql" else SQLiteBackend()
