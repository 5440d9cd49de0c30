"""A citizen's search text as the product's own small query model, engine-neutral.

Anyone can search, so the syntax is deliberately small and every query it can
express is cheap to run: words (all required), ``"a phrase"``, ``-word`` and
``-"a phrase"`` (excluded), ``a OR b`` between words or phrases, and a trailing
``*`` on a word of at least ``MIN_PREFIX_CHARS`` letters (``anggar*``). Nothing
else is syntax: ranges (``[a TO z]``), fields (``title:x``), groups, boosts
(``^``), fuzziness (``~``) and ``?`` are plain text, which the engine's analyzer
reduces to the words in it. ``AND`` adds nothing (every word is required) and
``NOT`` is refused with a pointer to ``-word``; a misplaced ``*``, a dangling
``OR``, an ``OR`` next to an excluded word or a quote without its pair is
refused too, with a message for the user (``QueryRefused``). Typographic quotes
(“…”) are phrase quotes.

``parse`` runs once per search; an engine turns the ``CitizenQuery`` into its own
query (``dms.indexing.analysis.build_query`` for Whoosh), so a second engine
reuses these rules and refusals unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_QUERY_CHARS = 500
MAX_QUERY_TERMS = 30
MIN_PREFIX_CHARS = 3


class QueryRefused(Exception):
    """A query too long, too costly or not understood; ``message`` is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Word:
    """One word as typed; ``prefix``: it ends in ``*`` and matches words it starts."""

    text: str
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    """Words that must appear together in this order."""

    text: str


@dataclass(frozen=True)
class AnyOf:
    """At least one of the options: ``a OR b``, or a regulation type's two names."""

    options: tuple[Word | Phrase, ...]


Clause = Word | Phrase | AnyOf


@dataclass(frozen=True)
class CitizenQuery:
    """Documents matching every required clause and none of the excluded ones."""

    required: tuple[Clause, ...] = ()
    excluded: tuple[Clause, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.required and not self.excluded


# Query-time spellings of citations (see dms.indexing.analysis): "No. 14 Tahun
# 2008" is searched as the compound "14/2008"; a regulation type before a number
# matches its abbreviation or its full name.
REGULATION_ABBREVIATIONS = {
    "uu": "undang-undang",
    "perppu": "peraturan pemerintah pengganti undang-undang",
    "pp": "peraturan pemerintah",
    "perpres": "peraturan presiden",
    "keppres": "keputusan presiden",
    "permen": "peraturan menteri",
    "kepmen": "keputusan menteri",
    "perda": "peraturan daerah",
    "perbup": "peraturan bupati",
    "perwali": "peraturan wali kota",
    "perki": "peraturan komisi informasi",
    "permendagri": "peraturan menteri dalam negeri",
    "pojk": "peraturan otoritas jasa keuangan",
    "perka": "peraturan kepala",
    "kepka": "keputusan kepala",
    "sk": "surat keputusan",
    "se": "surat edaran",
}
_FULL_NAMES = {full: short for short, full in REGULATION_ABBREVIATIONS.items()}
# A regulation type written before a number ("PP 61", "Peraturan Pemerintah 61").
REGULATION_PATTERN = (
    r"\b(?:"
    + "|".join(
        re.escape(name).replace(r"\ ", r"\s+")
        for name in sorted([*_FULL_NAMES, *REGULATION_ABBREVIATIONS], key=len)[::-1]
    )
    + r")\b(?=\s+\d)"
)
# A regulation type with its number as people type it: "PP 61 2010", "PP no 61
# tahun 2010", "Permendagri no. 3/2017": the type, then "N/YYYY" (or "N").
_REGULATION_NAMES = REGULATION_PATTERN[: -len(r"(?=\s+\d)")]
TYPED_NUMBER = re.compile(
    _REGULATION_NAMES
    + r"\s+(?:(?:no|nomor)\b\.?:?\s*)?(\d[\w.\-]*?)"
    + r"(?:(?:\s+tahun)?\s+((?:19|20)\d\d)\b(?![./\-]\d)|(?=[\s/]|$))",
    re.IGNORECASE,
)
NUMBER_CITATION = re.compile(
    r"\b(?:(?:no|nomor)\b\.?:?\s*)?(\d[\w./\-]*)\s+tahun\s+(\d{4})\b", re.IGNORECASE
)
# One piece of the text: a regulation type before a number, an (optionally
# excluded) phrase, or anything else up to the next space or quote.
_PIECE = re.compile(
    rf'(?P<regulation>{REGULATION_PATTERN})|(?P<phrase>[-+]?"[^"]*")|(?P<word>[^\s"]+)',
    re.IGNORECASE,
)
_LETTER = re.compile(r"[^\W_]")
# What may precede a trailing "*": one word or official number, no punctuation.
_PREFIXABLE = re.compile(r"[^\W_]+(?:[./\-][^\W_]+)*")

NOT_MESSAGE = (
    "Operator NOT tidak didukung. Untuk mengecualikan kata, tulis tanda minus "
    "di depannya, misalnya: anggaran -draf."
)
OR_MESSAGE = (
    "OR harus berada di antara dua kata atau frasa yang dicari, misalnya: "
    "banjir OR longsor."
)
QUOTE_MESSAGE = (
    "Tanda petik tidak berpasangan. Tutup frasa dengan tanda petik kedua, "
    'misalnya: "laporan keuangan".'
)
# Typographic quotes (pasted from a word processor or typed on a phone) are
# the phrase quote too.
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"'})
WILDCARD_MESSAGE = (
    "Tanda bintang (*) hanya bisa dipakai di akhir kata yang memuat sedikitnya "
    f"{MIN_PREFIX_CHARS} huruf, misalnya: anggar*."
)


def parse(text: str) -> CitizenQuery:
    """The search text as a CitizenQuery; QueryRefused with a message otherwise."""
    text = text.strip().translate(_QUOTES)
    if len(text) > MAX_QUERY_CHARS:
        raise QueryRefused(
            f"Kata kunci terlalu panjang (lebih dari {MAX_QUERY_CHARS} karakter). "
            "Silakan persingkat pencarian Anda."
        )
    if text.count('"') % 2:
        raise QueryRefused(QUOTE_MESSAGE)
    pieces = list(_pieces(_normalize_citations(text)))
    words = sum(_word_count(piece) for piece in pieces if piece not in ("OR", "AND"))
    if words > MAX_QUERY_TERMS:
        raise QueryRefused(
            f"Pencarian memuat terlalu banyak kata (lebih dari {MAX_QUERY_TERMS}). "
            "Silakan gunakan kata kunci yang lebih sedikit."
        )
    required: list[Clause] = []
    excluded: list[Clause] = []
    pending_or = False
    for piece in pieces:
        if piece == "OR":
            if pending_or or not required or isinstance(required[-1], _Excluded):
                raise QueryRefused(OR_MESSAGE)
            pending_or = True
            continue
        if piece == "AND":
            continue
        if piece == "NOT":
            raise QueryRefused(NOT_MESSAGE)
        if isinstance(piece, _Excluded):
            if pending_or:
                raise QueryRefused(OR_MESSAGE)
            excluded.append(piece.clause)
            required.append(piece)  # a marker: no OR may follow it
            continue
        if pending_or:
            required[-1] = _either(required[-1], piece)
            pending_or = False
        else:
            required.append(piece)
    if pending_or:
        raise QueryRefused(OR_MESSAGE)
    return CitizenQuery(
        required=tuple(c for c in required if not isinstance(c, _Excluded)),
        excluded=tuple(excluded),
    )


@dataclass(frozen=True)
class _Excluded:
    clause: Clause


def _pieces(text: str):
    """Clauses, _Excluded clauses and the operator words OR, AND and NOT."""
    for match in _PIECE.finditer(text):
        if match["regulation"]:
            name = " ".join(match["regulation"].lower().split())
            short = _FULL_NAMES.get(name, name)
            yield AnyOf((Word(short), Phrase(REGULATION_ABBREVIATIONS[short])))
        elif match["phrase"]:
            raw = match["phrase"]
            phrase = Phrase(raw.lstrip("+-").strip('"').strip())
            if not phrase.text:
                continue
            yield _Excluded(phrase) if raw.startswith("-") else phrase
        else:
            yield from _word(match["word"])


def _word(raw: str):
    if raw in ("OR", "AND", "NOT"):
        yield raw
        return
    excluded = raw.startswith("-") and len(raw) > 1
    literal = raw[1:] if excluded or (raw.startswith("+") and len(raw) > 1) else raw
    prefix = literal.endswith("*")
    stem = literal[:-1] if prefix else literal
    if "*" in stem or (
        prefix
        and (
            not _PREFIXABLE.fullmatch(stem)
            or len(_LETTER.findall(stem)) < MIN_PREFIX_CHARS
        )
    ):
        raise QueryRefused(WILDCARD_MESSAGE)
    word = Word(stem, prefix=prefix)
    yield _Excluded(word) if excluded else word


def _either(left: Clause, right: Clause) -> AnyOf:
    options: list[Word | Phrase] = []
    for clause in (left, right):
        options.extend(clause.options if isinstance(clause, AnyOf) else [clause])
    return AnyOf(tuple(options))


def _word_count(piece) -> int:
    if isinstance(piece, _Excluded):
        piece = piece.clause
    if isinstance(piece, AnyOf):
        return 1
    if isinstance(piece, Phrase):
        return max(1, len(piece.text.split()))
    return 1


def _normalize_citations(text: str) -> str:
    """ "No. 14 Tahun 2008" becomes "14/2008", and "PP no 61 2010" "PP 61/2010",
    outside quoted phrases."""
    segments = text.split('"')
    for i in range(0, len(segments), 2):
        typed = TYPED_NUMBER.sub(typed_number, segments[i])
        segments[i] = NUMBER_CITATION.sub(r"\1/\2", typed)
    return '"'.join(segments)


def typed_number(match: re.Match) -> str:
    text = match.group()
    name = text[: match.start(1) - match.start()].split()
    number = match.group(1) + (f"/{match.group(2)}" if match.group(2) else "")
    return " ".join([*_leading_name(name), number])


def _leading_name(words: list[str]) -> list[str]:
    """The regulation type's words, without a trailing "no"/"nomor"."""
    while words and words[-1].lower().rstrip(".:") in ("no", "nomor"):
        words.pop()
    return words


def clause_text(clause: Clause) -> str:
    """A clause as the user would read it back ("banjir", "peraturan pemerintah")."""
    if isinstance(clause, AnyOf):
        return " OR ".join(clause_text(option) for option in clause.options)
    return clause.text + ("*" if isinstance(clause, Word) and clause.prefix else "")
