"""Indonesian text analysis for the Whoosh index.

Two analyzers share one tokenizer and one stoplist; they differ only in stemming:

* ``exact_analyzer()``: lowercased, accent-folded surface forms ("pengumuman");
* ``stemmed_analyzer()``: the same tokens reduced to their PySastrawi stem ("umum").

Each text is indexed twice (``title_exact`` and ``title``...) and queried through
both fields with the exact field boosted, so a document containing the word the
user typed outranks one that only shares its stem (see ``build_query``).

Official numbers stay searchable. ``188.4/705/2013``, ``61/2010``, ``24-03-2025``
and ``1.245.300.000`` are single tokens; when indexing, a compound also yields its
parts at the same position (``61`` and ``2010``) and ``No. 14 Tahun 2008`` also
yields ``14/2008`` (as ``13/POJK.05/2014`` yields ``13/2014`` and ``01/Ka-BAPETEN/V-99``
``01/1999`` and ``1/1999``), so "UU 14/2008", "No. 14 Tahun 2008" and "2008" all find a
document written either way. At query time a compound yields only itself, so a
phrase containing a number still lines up position by position.

Every filter is a module-level class: Whoosh pickles the analyzers inside the
schema it stores in the index.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache

from whoosh import fields
from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    Filter,
    LowercaseFilter,
    Token,
    Tokenizer,
)
from whoosh.matching import WrappingMatcher
from whoosh.query import (
    And,
    AndNot,
    Every,
    NullQuery,
    Or,
    Prefix,
    Query,
    Term,
)
from whoosh.query import Phrase as WhooshPhrase
from whoosh.query.wrappers import WrappingQuery
from whoosh.support.charset import accent_map

from dms.indexing.query import (
    CODED_NUMBER,
    NUMBER_CITATION,
    PADDED_NUMBER,
    REGULATION_ABBREVIATIONS,
    REGULATION_PATTERN,
    TYPED_NUMBER,
    AnyOf,
    CitizenQuery,
    Clause,
    Phrase,
    Word,
    number_and_year,
    parse,
    typed_number,
)

STEM_CACHE_SIZE = 50_000

# Function words only. PySastrawi's list (~750 words) is not used: it drops words
# that carry meaning in titles and queries, such as "dalam"/"luar" (Kementerian
# Dalam Negeri, Luar Negeri), "hari", "bulan", "dua", "lima" (Lima Puluh Kota),
# "pihak", "masalah", "kasus", "bapak", "ibu", "umumnya" and the single letters
# of "Pasal 5 huruf b". "tahun" is kept: it titles documents ("Tahun Anggaran
# 2024", "Laporan Tahunan") and citations are normalised instead (build_query turns
# "14 Tahun 2008" into "14/2008"). "no" and "nomor" are dropped: they are citation
# boilerplate, and as required query words they would stop "Nomor: 188.4/705/2013"
# from finding a letter headed "No. 188.4/705/2013".
_STOPWORD_TEXT = """
    yang dan atau serta tetapi tapi namun melainkan sedangkan maupun
    di ke dari pada kepada oleh untuk bagi dengan terhadap tentang mengenai
    sebagai secara yaitu yakni ialah adalah merupakan bahwa
    ini itu tersebut
    akan telah sudah sedang masih belum
    jika apabila bila kalau agar supaya sehingga karena meskipun walaupun
    juga pun lah kah nya saja hanya
    saya aku kami kita kamu anda dia ia mereka
    no nomor
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# A word or number: runs of letters or digits joined by inner "." "/" "-", or by
# "," between digits (the Indonesian decimal comma, "2,5 persen").
_TOKEN = re.compile(r"[^\W_]+(?:[./\-][^\W_]+|(?<=\d),\d+)*")
TOKEN_PATTERN = _TOKEN  # what a word is, for the snippet highlighter
# "14 Tahun 2008", "188.4/705 Tahun 2013": a number cited with its year.
_NUMBER_WITH_YEAR = re.compile(
    r"(?<![\w./,\-])(\d[\w./\-]*)\s+tahun\s+(\d{4})(?![\w/])", re.IGNORECASE
)
# "13/POJK.05/2014", "13 /POJK.05/2014", "01/Ka-BAPETEN/V-99": a number, the
# issuer's code, then the year (or a Roman month and a two-digit year). People
# type the number and the year ("POJK 13 tahun 2014"): indexed also as "13/2014".
_CODED_NUMBER = re.compile(rf"(?<![\w./,\-]){CODED_NUMBER}(?![\w/])", re.IGNORECASE)
_PADDING = re.compile(r"^0+(?=\d)")
_PADDED_NUMBER = re.compile(PADDED_NUMBER, re.IGNORECASE)
_PART_SEPARATOR = re.compile(r"[/\-]")
_THOUSANDS = re.compile(r"(\d{1,3}(?:\.\d{3})+)(?:,\d+)?")
_DOTTED_NUMBER = re.compile(r"[\d.,]+")
_STEMMABLE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


_FULL_NAMES = {full: short for short, full in REGULATION_ABBREVIATIONS.items()}
_REGULATION_TYPE = re.compile(REGULATION_PATTERN, re.IGNORECASE)


def _compound_parts(word: str) -> list[str]:
    """The searchable pieces of a compound token, without the compound itself.

    Dotted numbers stay whole (the archive code "188.4", the amount
    "1.245.300.000", which also yields its digits); dotted words split
    ("2008.pasal" from a missing space).
    """
    if thousands := _THOUSANDS.fullmatch(word):
        integer = thousands.group(1)
        return list(
            dict.fromkeys(p for p in (integer, integer.replace(".", "")) if p != word)
        )
    parts = []
    for segment in _PART_SEPARATOR.split(word):
        if _DOTTED_NUMBER.fullmatch(segment):
            parts.append(segment)
        else:
            parts.extend(segment.split("."))
    return list(dict.fromkeys(part for part in parts if part and part != word))


class OfficialNumberTokenizer(Tokenizer):
    """Splits text into words and official numbers (see the module docstring)."""

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            yield from self._whole(token, value, start_pos, start_char, keeporiginal)
            return
        indexing = mode != "query"
        cited = _citations(value) if indexing else {}
        for pos, match in enumerate(_TOKEN.finditer(value), start=start_pos):
            word = match.group()
            extras = _compound_parts(word) if indexing and _is_compound(word) else []
            if indexing and _PADDED_NUMBER.fullmatch(word):
                extras.insert(0, _unpadded(word))
            if match.start() in cited:
                extras[:0] = [c for c in cited[match.start()] if c != word]
            for text in [word, *extras]:
                token.text = text
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = word
                if positions:
                    token.pos = pos
                if chars:
                    token.startchar = start_char + match.start()
                    token.endchar = start_char + match.end()
                yield token

    @staticmethod
    def _whole(token, value, start_pos, start_char, keeporiginal):
        token.text = value
        token.boost = 1.0
        if keeporiginal:
            token.original = value
        if token.positions:
            token.pos = start_pos
        if token.chars:
            token.startchar = start_char
            token.endchar = start_char + len(value)
        yield token


def _is_compound(word: str) -> bool:
    return any(separator in word for separator in "./,-")


def _citations(value: str) -> dict[int, list[str]]:
    """The "N/YYYY" forms of each number cited as "N Tahun YYYY" or with its
    issuer's code ("13/POJK.05/2014"), keyed by N's offset; with and without
    leading zeros ("01/1999" and "1/1999")."""
    cited: dict[int, list[str]] = {}
    for match in _NUMBER_WITH_YEAR.finditer(value):
        word = _TOKEN.match(value, match.start(1)).group()
        cited.setdefault(match.start(1), []).append(f"{word}/{match.group(2)}")
    for match in _CODED_NUMBER.finditer(value):
        year = number_and_year(match).split("/")[1]
        cited.setdefault(match.start(1), []).append(f"{match.group(1)}/{year}")
    return {
        offset: list(dict.fromkeys(f for c in forms for f in (c, _unpadded(c))))
        for offset, forms in cited.items()
    }


def _unpadded(compound: str) -> str:
    return _PADDING.sub("", compound)


class IndonesianStopFilter(Filter):
    """Drops STOPWORDS, closing the gaps while keeping same-position tokens together.

    Whoosh's StopFilter renumbers every surviving token, which would pull the parts
    of a compound apart; this filter renumbers by original position instead.
    """

    def __init__(self, stoplist=STOPWORDS):
        self.stops = frozenset(stoplist)

    def __eq__(self, other):
        return self.__class__ is other.__class__ and self.stops == other.stops

    def __hash__(self):
        return hash((self.__class__, self.stops))

    def __call__(self, tokens):
        original = new = None
        for token in tokens:
            if token.text in self.stops:
                if not token.removestops:
                    token.stopped = True
                    yield token
                continue
            if token.positions:
                if token.pos != original:
                    original = token.pos
                    new = token.pos if new is None else new + 1
                token.pos = new
            token.stopped = False
            yield token


@lru_cache(maxsize=1)
def _stemmer():
    # Built once, lazily: loading the root-word dictionary takes a moment. The
    # factory's own CachedStemmer is bypassed because its cache never evicts.
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
    from Sastrawi.Stemmer.Stemmer import Stemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return Stemmer(ArrayDictionary(StemmerFactory().get_words()))


# Known PySastrawi mis-stems, word -> the right root. PySastrawi strips "ku" as a
# possessive and "-ai" as a suffix, so "dikuasai" became "asai"; the stem decides
# only what a word's inflections match (exact forms still rank first).
STEM_EXCEPTIONS: Mapping[str, str] = {
    "dikuasai": "kuasa",  # PySastrawi: "asai"
    "dikurangi": "kurang",  # "rang"
    "ketenaganukliran": "nuklir",  # left whole
    "ketenagalistrikan": "listrik",
    "ketenagakerjaan": "kerja",
    "menyetujui": "setuju",  # "tuju"
    "disetujui": "setuju",
    "persetujuan": "setuju",
    "setuju": "setuju",  # "tuju" (the root itself)
    "pematangan": "matang",  # "pematang" (a rice-field dike), not "mematangkan"
}


@lru_cache(maxsize=STEM_CACHE_SIZE)
def stem_word(word: str) -> str:
    """The PySastrawi stem of one lowercased word; numbers and codes unchanged.

    STEM_EXCEPTIONS overrides PySastrawi where it is known to be wrong.
    """
    if not _STEMMABLE.fullmatch(word):
        return word
    if word in STEM_EXCEPTIONS:
        return STEM_EXCEPTIONS[word]
    return _stemmer().stem_word(word) or word


class SastrawiStemFilter(Filter):
    """Replaces each token's text with its Indonesian stem (cached by stem_word)."""

    def __call__(self, tokens):
        for token in tokens:
            if not token.stopped:
                token.text = stem_word(token.text)
            yield token


def exact_analyzer() -> Analyzer:
    """Words and official numbers, lowercased, accent-folded, stopwords removed."""
    return (
        OfficialNumberTokenizer()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | IndonesianStopFilter()
    )


def stemmed_analyzer() -> Analyzer:
    """exact_analyzer() followed by PySastrawi stemming."""
    return exact_analyzer() | SastrawiStemFilter()


class Analysed(str):
    """A text (the str itself) with its exact tokens, analysed ONCE.

    ``tokens`` are ``(text, position)`` pairs from ``exact_analyzer()``, a
    compound's parts at the compound's position. A document's title, summary and
    body are analysed once each; every field indexing them (exact, stemmed,
    ``public_terms``) and both engines replay these tokens instead of running the
    analyzer again (the stems come from the cached ``stem_word``).
    """

    tokens: list[tuple[str, int]]

    @classmethod
    def of(cls, text: str) -> Analysed:
        analysed = cls(text)
        analysed.tokens = [
            (token.text, token.pos) for token in exact_analyzer()(text, positions=True)
        ]
        return analysed

    @classmethod
    def joined(cls, parts: list[Analysed]) -> Analysed:
        """The parts as one text (positions restart per part: for fields that
        keep no positions, such as ``public_terms``)."""
        analysed = cls("\n".join(parts))
        analysed.tokens = [token for part in parts for token in part.tokens]
        return analysed


class PreAnalyzed(Analyzer):
    """Indexes an ``Analysed`` text from its tokens; anything else, and every
    query, goes through ``analyzer`` (which gives the same tokens)."""

    def __init__(self, analyzer: Analyzer, stemmed: bool):
        self.analyzer = analyzer
        self.stemmed = stemmed

    def has_morph(self):
        return self.analyzer.has_morph()

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        removestops=True,
        start_pos=0,
        mode="",
        **kwargs,
    ):
        tokens = getattr(value, "tokens", None)
        if tokens is None or chars or mode == "query" or not kwargs.get("tokenize", 1):
            return self.analyzer(
                value,
                positions=positions,
                chars=chars,
                removestops=removestops,
                start_pos=start_pos,
                mode=mode,
                **kwargs,
            )
        return self._replay(tokens, positions, removestops, start_pos, mode, kwargs)

    def _replay(self, tokens, positions, removestops, start_pos, mode, kwargs):
        kwargs.pop("tokenize", None)
        kwargs.pop("keeporiginal", None)
        kwargs.pop("start_char", None)
        token = Token(positions, False, removestops=removestops, mode=mode, **kwargs)
        stemmed = self.stemmed
        for text, pos in tokens:
            token.text = stem_word(text) if stemmed else text
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + pos
            yield token


# Query-time boosts: changing them needs no reindex. An exact field weighs three
# times its stemmed twin, so a word found as typed in the body still outranks its
# stem found in the title ("exact matches rank first"); among matches of the same
# kind, title counts twice the body and summary one and a half times.
# The document's heading (``lead``, the first LEAD_CHARS of its text, where a
# regulation names its own number) and its metadata (``meta``: information type,
# OPD name and short form, category label, year, DIP fields) weigh as the summary,
# so a document that IS "UU 14/2008" outranks the dozens that cite it.
FIELD_BOOSTS: Mapping[str, float] = {
    "title_exact": 6.0,
    "title": 2.0,
    "lead_exact": 4.5,
    "lead": 1.5,
    "summary_exact": 4.5,
    "summary": 1.5,
    "meta_exact": 4.5,
    "meta": 1.5,
    "body_exact": 3.0,
    "body": 1.0,
}


# An official number ("14/2008", "188.4/705/2013") found in a document's title or
# heading weighs this many times more: the regulation itself, not the dozens of
# documents citing it, comes first.
CITATION_FACTOR = 4.0
_CITATION_FIELDS = frozenset({"title_exact", "title", "lead_exact", "lead"})
_CITATION = re.compile(r"\d[\w.\-]*/\d[\w./\-]*")


# In a partial answer, each matched clause adds this much to a document's score
# on top of its relevance: far above what relevance alone reaches, so documents
# matching more of the words come first, relevance ranking those matching as
# many (both engines).
COORDINATION_SCORE = 10_000.0


def field_boost(clause: Word | Phrase, name: str) -> float:
    """The boost of ``clause`` searched in field ``name`` (both engines)."""
    boost = FIELD_BOOSTS[name]
    if name in _CITATION_FIELDS and _CITATION.fullmatch(clause.text):
        boost *= CITATION_FACTOR
    return boost


def text_fields() -> dict[str, fields.FieldType]:
    """The analysed text fields of the document schema, exact and stemmed twins.

    Title and summary are stored (results and highlights show them); the body is
    not, since it can be megabytes, and highlights of the body re-read the text.
    Each twin is fed the same ``Analysed`` text, so the text is analysed once.
    """
    exact = PreAnalyzed(exact_analyzer(), stemmed=False)
    stemmed = PreAnalyzed(stemmed_analyzer(), stemmed=True)
    return {
        "title_exact": fields.TEXT(analyzer=exact),
        "title": fields.TEXT(analyzer=stemmed, stored=True),
        "summary_exact": fields.TEXT(analyzer=exact),
        "summary": fields.TEXT(analyzer=stemmed, stored=True),
        "lead_exact": fields.TEXT(analyzer=exact),
        "lead": fields.TEXT(analyzer=stemmed),
        "meta_exact": fields.TEXT(analyzer=exact),
        "meta": fields.TEXT(analyzer=stemmed),
        "body_exact": fields.TEXT(analyzer=exact),
        "body": fields.TEXT(analyzer=stemmed),
    }


def normalize_citations(text: str) -> str:
    """Rewrites a query's citations to match either way a regulation is written.

    "No. 14 Tahun 2008" becomes "14/2008", the compound indexed for both forms, and
    a regulation type before a number matches its abbreviation or its full name:
    "PP 61/2010" becomes '(pp OR "peraturan pemerintah") 61/2010'. Quoted phrases
    are left as typed. This is the text form of what dms.indexing.query.parse
    builds into its model (same patterns); searches use the parser.
    """
    segments = text.split('"')
    for i in range(0, len(segments), 2):
        typed = TYPED_NUMBER.sub(typed_number, segments[i])
        cited = NUMBER_CITATION.sub(r"\1/\2", typed)
        segments[i] = _REGULATION_TYPE.sub(_either_name, cited)
    return '"'.join(segments)


def _either_name(match: re.Match) -> str:
    name = " ".join(match.group().lower().split())
    abbreviation = _FULL_NAMES.get(name, name)
    return f'({abbreviation} OR "{REGULATION_ABBREVIATIONS[abbreviation]}")'


def build_query(
    query: CitizenQuery | str, schema: fields.Schema, *, match_any: bool = False
) -> Query:
    """The Whoosh form of a citizen's query (see dms.indexing.query).

    Every word becomes an OR over the text fields weighted by FIELD_BOOSTS, so an
    exact match outranks a stem match; required clauses are ANDed, excluded ones
    subtracted. Only terms, phrases and prefixes of MIN_PREFIX_CHARS or more are
    built: never a range, a fuzzy term or a field the user named. Text is
    parsed first (QueryRefused when the parser refuses it). Words that analyse
    to nothing (stopwords only) find nothing; no words at all find everything.
    ``match_any``: any required clause suffices (the partial answer), the
    documents matching more of them first (COORDINATION_SCORE per clause).
    """
    if isinstance(query, str):
        query = parse(query)
    if query.empty:
        return Every()  # no words at all: every document the filters allow
    names = [name for name in FIELD_BOOSTS if name in schema]
    required = _built(query.required, schema, names)
    excluded = _built(query.excluded, schema, names)
    if not required and not excluded:
        return NullQuery
    if match_any:
        required = [_Counted(q) for q in required]
        positive = _joined(Or, required)
    else:
        positive = _joined(And, required) if required else Every()
    if not excluded:
        return positive
    return AndNot(positive, _joined(Or, excluded))


class _Counted(WrappingQuery):
    """A partial answer's clause: its relevance plus COORDINATION_SCORE where it
    matches. One pass over the clause (an Or with a ConstantScoreQuery twin
    matched every clause twice: 35 to 45 % slower, same order)."""

    def _rewrap(self, child):
        return _Counted(child)

    def matcher(self, searcher, context=None):
        return _CountedMatcher(self.child.matcher(searcher, context))


class _CountedMatcher(WrappingMatcher):
    def _replacement(self, newchild):
        return _CountedMatcher(newchild)

    def supports_block_quality(self):
        # The child's quality bounds leave out the constant: no skipping by them.
        return False

    def score(self):
        return self.child.score() + COORDINATION_SCORE


def _built(clauses, schema, names) -> list[Query]:
    built = (_clause(clause, schema, names) for clause in clauses)
    return [query for query in built if query is not None]


def _joined(kind, queries: list[Query]) -> Query:
    return queries[0] if len(queries) == 1 else kind(queries)


def _clause(clause: Clause, schema: fields.Schema, names: list[str]) -> Query | None:
    """One clause over every text field; None when nothing of it is searchable."""
    if isinstance(clause, AnyOf):
        options = _built(clause.options, schema, names)
        return _joined(Or, options) if options else None
    per_field = [
        query
        for name in names
        if (query := _in_field(clause, name, schema[name])) is not None
    ]
    return _joined(Or, per_field) if per_field else None


def _in_field(clause: Word | Phrase, name: str, field) -> Query | None:
    boost = field_boost(clause, name)
    if isinstance(clause, Word) and clause.prefix:
        return Prefix(name, clause.text.lower().translate(accent_map), boost=boost)
    texts = list(field.process_text(clause.text, mode="query"))
    if not texts:
        return None  # a stopword or punctuation only
    if len(texts) == 1:
        return Term(name, texts[0], boost=boost)
    if isinstance(clause, Phrase):
        return WhooshPhrase(name, texts, boost=boost)
    # One typed word the analyzer splits ("[a", "foo,bar"): every piece required.
    return And([Term(name, text, boost=boost) for text in texts])
