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
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 500
MAX_QUERY_TERMS = 30
MAX_EXPANSIONS = 8
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
    """At least one of the options: ``a OR b``, a regulation type's names, an
    acronym and its words, a sequence number in digits or Roman numerals.
    ``typed``: the words as the user typed them (for "no document has ...")."""

    options: tuple[Word | Phrase, ...]
    typed: str | None = field(default=None, compare=False)


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
    "kepres": "keputusan presiden",
    "perba": "peraturan badan",
    "perkaban": "peraturan kepala badan",
    "pergub": "peraturan gubernur",
    "kepgub": "keputusan gubernur",
    "kepbup": "keputusan bupati",
    "perdes": "peraturan desa",
    "sk": "surat keputusan",
    "se": "surat edaran",
}
# Each full name and every short form people write for it ("keppres", "kepres").
_SHORT_NAMES: dict[str, tuple[str, ...]] = {}
for _short, _full in REGULATION_ABBREVIATIONS.items():
    _SHORT_NAMES[_full] = (*_SHORT_NAMES.get(_full, ()), _short)
_FULL_NAMES = {full: shorts[0] for full, shorts in _SHORT_NAMES.items()}

# Acronyms of Indonesian government bodies, plans, reports and terms: a typed
# acronym also finds the words it stands for (a procurement record says "Bahan
# Bakar Minyak", a report "Monitoring dan Evaluasi", a letter "Badan Keamanan
# Laut"). General terms of public administration, not a list of one archive's
# documents; a regional archive may name its own OPD's short forms in their
# profiles (searchable through the document's metadata).
ACRONYMS = {
    "apbd": "anggaran pendapatan dan belanja daerah",
    "apbn": "anggaran pendapatan dan belanja negara",
    "apip": "aparat pengawasan intern pemerintah",
    "asn": "aparatur sipil negara",
    "bakamla": "badan keamanan laut",
    "bapeten": "badan pengawas tenaga nuklir",
    "bappeda": "badan perencanaan pembangunan daerah",
    "bappenas": "badan perencanaan pembangunan nasional",
    "bbm": "bahan bakar minyak",
    "bkpm": "badan koordinasi penanaman modal",
    "bmd": "barang milik daerah",
    "bmn": "barang milik negara",
    "bpbd": "badan penanggulangan bencana daerah",
    "bpk": "badan pemeriksa keuangan",
    "bpkp": "badan pengawasan keuangan dan pembangunan",
    "bpjs": "badan penyelenggara jaminan sosial",
    "bumd": "badan usaha milik daerah",
    "bumn": "badan usaha milik negara",
    "dip": "daftar informasi publik",
    "dpa": "dokumen pelaksanaan anggaran",
    "dprd": "dewan perwakilan rakyat daerah",
    "dukcapil": "kependudukan dan pencatatan sipil",
    "hps": "harga perkiraan sendiri",
    "jdih": "jaringan dokumentasi dan informasi hukum",
    "kak": "kerangka acuan kerja",
    "kip": "keterbukaan informasi publik",
    "ktp": "kartu tanda penduduk",
    "lakip": "laporan akuntabilitas kinerja instansi pemerintah",
    "lhkpn": "laporan harta kekayaan penyelenggara negara",
    "lkjip": "laporan kinerja instansi pemerintah",
    "lkm": "lembaga keuangan mikro",
    "lppd": "laporan penyelenggaraan pemerintahan daerah",
    "monev": "monitoring dan evaluasi",
    "nib": "nomor induk berusaha",
    "ojk": "otoritas jasa keuangan",
    "opd": "organisasi perangkat daerah",
    "pad": "pendapatan asli daerah",
    "pbj": "pengadaan barang dan jasa",
    "pnbp": "penerimaan negara bukan pajak",
    "pns": "pegawai negeri sipil",
    "ppid": "pejabat pengelola informasi dan dokumentasi",
    "ptsp": "pelayanan terpadu satu pintu",
    "renja": "rencana kerja",
    "renstra": "rencana strategis",
    "rka": "rencana kerja dan anggaran",
    "rkpd": "rencana kerja pemerintah daerah",
    "rpjmd": "rencana pembangunan jangka menengah daerah",
    "rpjmn": "rencana pembangunan jangka menengah nasional",
    "sakip": "sistem akuntabilitas kinerja instansi pemerintah",
    "sop": "standar operasional prosedur",
    "sp2d": "surat perintah pencairan dana",
    "spbe": "sistem pemerintahan berbasis elektronik",
    "tw": "triwulan",
    "umkm": "usaha mikro kecil dan menengah",
}
# Words after which a number counts parts of a sequence, written either way:
# "semester 1" finds "Semester I", "triwulan IV" finds "triwulan 4".
SEQUENCE_WORDS = frozenset(
    [
        "semester",
        "triwulan",
        "tw",
        "kuartal",
        "tahap",
        "termin",
        "bab",
        "bagian",
        "jilid",
        "buku",
        "lampiran",
        "periode",
        "gelombang",
        "angkatan",
        "seri",
    ]
)
ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii")
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
# "tahun" as people shorten it: "thn 2008", "th. 2008".
_YEAR_WORD = r"(?:tahun|thn\.?|th\.?)"
TYPED_NUMBER = re.compile(
    _REGULATION_NAMES
    + r"\s+(?:(?:no|nomor)\b\.?:?\s*)?(\d[\w.\-]*?)"
    + rf"(?:(?:\s+{_YEAR_WORD})?\s+((?:19|20)\d\d)\b(?![./\-]\d)|(?=[\s/]|$))",
    re.IGNORECASE,
)
NUMBER_CITATION = re.compile(
    rf"\b(?:(?:no|nomor)\b\.?:?\s*)?(\d[\w./\-]*)\s+{_YEAR_WORD}\s+(\d{{4}})\b",
    re.IGNORECASE,
)
_PADDING = re.compile(r"^0+(?=\d)")
# A number and its year with leading zeros ("05/2010"), indexed also without.
PADDED_NUMBER = r"0+\d+[a-z]?/(?:19|20)\d\d"
_PADDED_NUMBER = re.compile(PADDED_NUMBER, re.IGNORECASE)
# "13/POJK.05/2014", "01/Ka-BAPETEN/V-99": a number, the issuer's code, then the
# year (or a Roman month and a two-digit year). The index also holds such a
# number as "13/2014" (dms.indexing.analysis), which is how most people type it.
CODED_NUMBER = (
    r"(\d+[a-z]?)\s?/\s?[a-z][\w.\-]*(?:/[a-z][\w.\-]*)*/"
    r"(?:((?:19|20)\d\d)|[ivxlc]+-(\d\d))"
)
_CODED_WORD = re.compile(CODED_NUMBER, re.IGNORECASE)
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
    pieces = _capped(_sequences(list(_pieces(_normalize_citations(text)))))
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
            full = REGULATION_ABBREVIATIONS.get(name, name)
            names = (*(Word(short) for short in _SHORT_NAMES[full]), Phrase(full))
            yield AnyOf(names, typed=match["regulation"])
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
    if not prefix and _PADDED_NUMBER.fullmatch(stem):
        stem = unpadded(stem)  # "05/2010": the index holds "5/2010" for every form
    word = Word(stem, prefix=prefix)
    key = stem.lower()
    coded = None if prefix else _CODED_WORD.fullmatch(stem)
    if coded:
        # Typed with the issuer's code: also the number and year, as indexed from
        # a heading that puts a space before the code ("13 /POJK.05/2014").
        word = AnyOf((word, Word(number_and_year(coded))), typed=stem)
    elif not prefix and key in ACRONYMS:
        word = AnyOf((word, Phrase(ACRONYMS[key])), typed=stem)
    elif not prefix and key in REGULATION_ABBREVIATIONS and key != "se":
        # A regulation type without its number ("kepka bapeten 01 tahun 1999",
        # "perda parkir"); "se" alone is more often a word than a circular.
        full = REGULATION_ABBREVIATIONS[key]
        names = (*(Word(short) for short in _SHORT_NAMES[full]), Phrase(full))
        word = AnyOf(names, typed=stem)
    yield _Excluded(word) if excluded else word


def _capped(pieces: list) -> list:
    """At most MAX_EXPANSIONS words read in their other forms (acronyms, regulation
    names, sequence numbers): the rest stay as typed. An expansion adds a phrase
    of up to six words to the query, which the word count does not see."""
    expanded = 0
    for number, piece in enumerate(pieces):
        clause = piece.clause if isinstance(piece, _Excluded) else piece
        if not (isinstance(clause, AnyOf) and clause.typed):
            continue
        expanded += 1
        if expanded > MAX_EXPANSIONS:
            plain = Word(clause.options[0].text)
            pieces[number] = _Excluded(plain) if isinstance(piece, _Excluded) else plain
    return pieces


def _sequences(pieces: list) -> list:
    """A number after a sequence word ("semester 1", "semester 1 OR 2") also as a
    Roman numeral, and a Roman numeral there also as a number."""
    sequence_word = numeral_or = last_converted = False
    for i, piece in enumerate(pieces):
        if piece == "OR":
            numeral_or, last_converted, sequence_word = last_converted, False, False
            continue
        other = _other_numeral(piece) if sequence_word or numeral_or else None
        if other:
            pieces[i] = AnyOf((piece, Word(other)), typed=piece.text)
        last_converted, numeral_or = bool(other), False
        said = piece.typed if isinstance(piece, AnyOf) else getattr(piece, "text", "")
        sequence_word = isinstance(piece, Word | AnyOf) and (
            (said or "").lower() in SEQUENCE_WORDS
        )
    return pieces


def _other_numeral(piece) -> str | None:
    """1 to 12 as its Roman numeral, a Roman numeral up to XII as its number."""
    if not isinstance(piece, Word) or piece.prefix:
        return None
    typed = piece.text.lower()
    if typed.isascii() and typed.isdigit() and 1 <= int(typed) <= len(ROMAN):
        return ROMAN[int(typed) - 1]
    if typed in ROMAN:
        return str(ROMAN.index(typed) + 1)
    return None


def _either(left: Clause, right: Clause) -> AnyOf:
    options: list[Word | Phrase] = []
    for clause in (left, right):
        options.extend(clause.options if isinstance(clause, AnyOf) else [clause])
    return AnyOf(tuple(options), typed=f"{clause_text(left)} OR {clause_text(right)}")


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
        segments[i] = NUMBER_CITATION.sub(_cited, typed)
    return '"'.join(segments)


def _cited(match: re.Match) -> str:
    return f"{unpadded(match.group(1))}/{match.group(2)}"


def number_and_year(coded: re.Match) -> str:
    """ "13/2014" of a CODED_NUMBER match; a two-digit year gets its century."""
    year = coded.group(2)
    if year is None:
        two = coded.group(3)
        year = ("19" if int(two) >= 50 else "20") + two
    return f"{unpadded(coded.group(1))}/{year}"


def unpadded(number: str) -> str:
    """A number without leading zeros ("01" is "1"); the index holds both forms."""
    return _PADDING.sub("", number)


def typed_number(match: re.Match) -> str:
    text = match.group()
    name = text[: match.start(1) - match.start()].split()
    number = match.group(1)
    if match.group(2):
        number = f"{unpadded(number)}/{match.group(2)}"
    return " ".join([*_leading_name(name), number])


def _leading_name(words: list[str]) -> list[str]:
    """The regulation type's words, without a trailing "no"/"nomor"."""
    while words and words[-1].lower().rstrip(".:") in ("no", "nomor"):
        words.pop()
    return words


def clause_text(clause: Clause) -> str:
    """A clause as the user would read it back ("banjir", "peraturan pemerintah")."""
    if isinstance(clause, AnyOf):
        if clause.typed:
            return clause.typed
        return " OR ".join(clause_text(option) for option in clause.options)
    return clause.text + ("*" if isinstance(clause, Word) and clause.prefix else "")
