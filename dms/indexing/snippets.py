"""Highlighted snippets in one regex pass over the stored text.

Whoosh's highlighter re-runs the field's whole analyzer chain (a Python generator
per filter, per token) over every hit's text: four fifths of a search's time with
20 hits of 20,000 characters. Here each word is found by the analyzer's own token
pattern (C speed) and compared, lowercased and accent-folded, with the query's
exact words, its stems (through the cached stemmer) and its prefixes. Words under
NOT are never marked. The result is HTML-escaped with ``<mark>`` around matches.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate

from whoosh.query import AndNot, Not, Prefix, Query
from whoosh.support.charset import accent_map

from dms.indexing.analysis import FIELD_BOOSTS, TOKEN_PATTERN, stem_word

# Every searched field, exact or stemmed (the lead and metadata fields too).
EXACT_FIELDS = frozenset(name for name in FIELD_BOOSTS if name.endswith("_exact"))
STEMMED_FIELDS = frozenset(FIELD_BOOSTS) - EXACT_FIELDS
SEPARATOR = " … "
_SPACES = re.compile(r"\s+")
_PARTS = re.compile(r"[./\-,]")
# The text cut into [between, word, between, word, ..., between].
_SPLITTER = re.compile(f"({TOKEN_PATTERN.pattern})", TOKEN_PATTERN.flags)
# Distinct words as written whose keys are kept (some 10 MB at most).
KEYS_CACHE_SIZE = 20_000


@dataclass(frozen=True)
class Wanted:
    """The words a query looks for, in the forms the text is compared in."""

    exact: frozenset[str]
    stems: frozenset[str]
    prefixes: tuple[str, ...] = ()
    # Verdicts by word as written: texts repeat their words (one query's hits
    # share a cache; a Wanted lives for one search).
    _seen: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)
    # The exact words and stems as the keys ``_keys`` gives a word.
    _key_set: frozenset[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        keys = [f"={word}" for word in self.exact] + [f"~{word}" for word in self.stems]
        object.__setattr__(self, "_key_set", frozenset(keys))

    def __bool__(self) -> bool:
        return bool(self.exact or self.stems or self.prefixes)

    def matching(self, words: set[str]) -> set[str]:
        """The words among ``words`` (as written) that are marked."""
        if self.prefixes:
            return {word for word in words if self.matches(word)}
        keys = self._key_set
        return {word for word in words if not _keys(word).isdisjoint(keys)}

    def matches(self, word: str) -> bool:
        verdict = self._seen.get(word)
        if verdict is None:
            verdict = self._seen[word] = self._judge(word)
        return verdict

    def _judge(self, word: str) -> bool:
        # An official number is indexed with its parts: "705" finds 188.4/705/2013.
        return any(
            folded in self.exact
            or stem in self.stems
            or (self.prefixes and folded.startswith(self.prefixes))
            for folded, stem in _forms(word)
        )


def _forms(word: str) -> tuple[tuple[str, str], ...]:
    """A word as written: its folded form and stem, then those of its parts when
    it is an official number or a code."""
    folded = word.lower().translate(accent_map)
    forms = [(folded, stem_word(folded))]
    if not folded.isalnum():
        forms += [(part, stem_word(part)) for part in _PARTS.split(folded) if part]
    return tuple(forms)


@lru_cache(maxsize=KEYS_CACHE_SIZE)
def _keys(word: str) -> frozenset[str]:
    """``_forms`` as keys to compare with ``Wanted._key_set``: "=folded", "~stem".
    The same for every query, so cached."""
    return frozenset(
        key for folded, stem in _forms(word) for key in (f"={folded}", f"~{stem}")
    )


def wanted_terms(query: Query) -> Wanted:
    """The positive words of a parsed query (nothing under NOT)."""
    exact: set[str] = set()
    stems: set[str] = set()
    prefixes: set[str] = set()
    for fieldname, text in _positive_terms(query, prefixes):
        word = text.decode("utf-8") if isinstance(text, bytes) else text
        if fieldname in EXACT_FIELDS:
            exact.add(word)
        elif fieldname in STEMMED_FIELDS:
            stems.add(word)
    return Wanted(frozenset(exact), frozenset(stems), tuple(sorted(prefixes)))


def _positive_terms(query: Query, prefixes: set[str]) -> Iterator[tuple[str, str]]:
    if isinstance(query, Not):
        return
    if isinstance(query, AndNot):
        yield from _positive_terms(query.a, prefixes)
        return
    if isinstance(query, Prefix):
        if query.fieldname in EXACT_FIELDS:
            prefixes.add(query.text)
        return
    if query.is_leaf():
        yield from query.terms(phrases=True)
        return
    for child in query.children():
        yield from _positive_terms(child, prefixes)


def _spans(text: str, wanted: Wanted, limit: int | None = None) -> list[tuple]:
    """The (start, end) of the words ``wanted`` matches, in text order.

    One split by the token pattern (C speed) gives the words and, by the lengths
    of the pieces between them, their places; each distinct word is judged once.
    """
    pieces = _SPLITTER.split(text)
    words = pieces[1::2]
    matching = wanted.matching(set(words))
    if not matching:
        return []
    found = [number for number, word in enumerate(words) if word in matching]
    if limit is not None:
        found = found[:limit]
    ends = list(accumulate(map(len, pieces)))
    return [(ends[2 * number], ends[2 * number + 1]) for number in found]


def marked(text: str, wanted: Wanted) -> str:
    """The whole text, escaped, every match marked (titles)."""
    return _mark(text, 0, len(text), _spans(text, wanted) if wanted else [])


def snippet(
    text: str,
    wanted: Wanted,
    *,
    maxchars: int = 200,
    surround: int = 60,
    top: int = 3,
) -> str:
    """Up to ``top`` fragments around matches, best first by match count, shown in
    text order; "" when nothing matches."""
    if not wanted:
        return ""
    fragments: list[list[tuple[int, int]]] = []
    for start, end in _spans(text, wanted, limit=64):
        if fragments and end - fragments[-1][0][0] <= maxchars:
            fragments[-1].append((start, end))
        else:
            fragments.append([(start, end)])
    ranked = sorted(range(len(fragments)), key=lambda i: (-len(fragments[i]), i))
    pieces = []
    for index in sorted(ranked[:top]):
        spans = fragments[index]
        start = _word_start(text, max(0, spans[0][0] - surround))
        end = _word_end(text, min(len(text), spans[-1][1] + surround))
        pieces.append(_mark(text, start, end, spans))
    return SEPARATOR.join(pieces)


def _mark(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    out, position = [], start
    for span_start, span_end in spans:
        out.append(html.escape(text[position:span_start]))
        out.append(f"<mark>{html.escape(text[span_start:span_end])}</mark>")
        position = span_end
    out.append(html.escape(text[position:end]))
    return _SPACES.sub(" ", "".join(out)).strip()


def _word_start(text: str, position: int) -> int:
    if position == 0:
        return 0
    space = text.find(" ", position)
    return position if space == -1 or space - position > 20 else space + 1


def _word_end(text: str, position: int) -> int:
    if position >= len(text):
        return len(text)
    space = text.rfind(" ", 0, position)
    return position if space == -1 or position - space > 20 else space
