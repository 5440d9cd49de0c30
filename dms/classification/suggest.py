"""A suggested category for a document, from the words of its title, type and text.

Advice for the officer filling in the upload form, never applied by the system:
the rules below list the typical content of each category (DOMAIN.md §2). A
phrase matches whole words of the lowercased, accent-folded text; affixed forms
are listed as phrases of their own rather than stemmed, because stems conflate
too much ("pengadaan" and "ada", "keputusan" and "putus"). Words in the title
and the information type weigh far more than words in the body text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dms.accounts.models import User
from dms.categories import BERKALA, DIKECUALIKAN, LABELS, SERTA_MERTA, SETIAP_SAAT
from dms.documents.access import get_changeable
from dms.documents.models import Document, DocumentVersion, VersionText

# Only the start of a long text is read: enough to show what it is about.
TEXT_LIMIT = 20_000
TITLE = "title"
INFO_TYPE = "info_type"
TEXT = "text"
WHERE = (TITLE, INFO_TYPE, TEXT)
WHERE_LABELS = {TITLE: "judul", INFO_TYPE: "jenis informasi", TEXT: "isi dokumen"}
# A phrase in the title outweighs any amount of body text.
WEIGHTS = {TITLE: 10, INFO_TYPE: 6, TEXT: 1}
TEXT_PHRASES_COUNTED = 3
CATEGORY_NAMES = LABELS
# Equal scores go to the category listed first: the more cautious advice.
CATEGORY_ORDER = (DIKECUALIKAN, SERTA_MERTA, SETIAP_SAAT, BERKALA)
NO_RULE = "tidak_ada"


@dataclass(frozen=True)
class Rule:
    """Phrases typical of one kind of information, and the category they suggest."""

    code: str
    category: str
    label: str
    phrases: tuple[str, ...]
    legal_note: str


RULES: tuple[Rule, ...] = (
    Rule(
        "data_pribadi",
        DIKECUALIKAN,
        "Data pribadi",
        (
            "nik",
            "nomor induk kependudukan",
            "kartu keluarga",
            "data pribadi",
            "rahasia pribadi",
            "rekam medis",
            "rekam medik",
            "riwayat kesehatan",
            "riwayat penyakit",
            "gaji pegawai",
            "slip gaji",
            "daftar gaji",
            "penilaian kinerja individu",
            "penilaian prestasi kerja",
            "rapor",
            "nilai siswa",
            "nomor rekening",
        ),
        "rahasia pribadi dikecualikan, UU KIP Ps. 17 huruf h; perlu uji konsekuensi",
    ),
    Rule(
        "akta_wasiat",
        DIKECUALIKAN,
        "Akta otentik dan wasiat",
        ("akta otentik", "akta autentik", "wasiat", "surat wasiat"),
        "akta otentik pribadi dan wasiat dikecualikan, UU KIP Ps. 17 huruf g; "
        "perlu uji konsekuensi",
    ),
    Rule(
        "penegakan_hukum",
        DIKECUALIKAN,
        "Berkas penegakan hukum",
        (
            "penyelidikan",
            "penyidikan",
            "berita acara pemeriksaan",
            "bap",
            "laporan intelijen",
            "tersangka",
        ),
        "informasi yang menghambat penegakan hukum dikecualikan, UU KIP Ps. 17 "
        "huruf a; perlu uji konsekuensi",
    ),
    Rule(
        "pertahanan_keamanan",
        DIKECUALIKAN,
        "Pertahanan dan keamanan negara",
        (
            "pertahanan negara",
            "pertahanan dan keamanan",
            "keamanan negara",
            "rahasia negara",
            "intelijen",
            "alutsista",
        ),
        "informasi yang membahayakan pertahanan dan keamanan negara dikecualikan, "
        "UU KIP Ps. 17 huruf c; perlu uji konsekuensi",
    ),
    Rule(
        "memorandum_rahasia",
        DIKECUALIKAN,
        "Memorandum rahasia",
        (
            "memo internal",
            "memorandum internal",
            "nota dinas rahasia",
            "rahasia",
            "sangat rahasia",
            "rahasia dagang",
        ),
        "memorandum antar atau intra badan publik yang dirahasiakan dikecualikan, "
        "UU KIP Ps. 17 huruf i; perlu uji konsekuensi",
    ),
    Rule(
        "bencana",
        SERTA_MERTA,
        "Bencana",
        (
            "bencana",
            "bencana alam",
            "banjir",
            "banjir bandang",
            "kebanjiran",
            "rob",
            "gempa",
            "gempa bumi",
            "longsor",
            "tanah longsor",
            "kebakaran",
            "kebakaran hutan",
            "terbakar",
            "tsunami",
            "erupsi",
            "letusan",
            "gunung meletus",
            "puting beliung",
            "angin kencang",
            "kekeringan",
            "abrasi",
            "tanggap darurat",
            "siaga darurat",
            "status darurat",
            "peringatan dini",
        ),
        "bencana yang mengancam hajat hidup orang banyak wajib diumumkan serta "
        "merta, UU KIP Ps. 10",
    ),
    Rule(
        "wabah",
        SERTA_MERTA,
        "Wabah penyakit",
        (
            "wabah",
            "klb",
            "kejadian luar biasa",
            "epidemi",
            "pandemi",
            "dbd",
            "demam berdarah",
            "difteri",
            "campak",
            "polio",
            "kolera",
            "antraks",
            "rabies",
            "flu burung",
            "covid",
            "mpox",
            "cacar monyet",
        ),
        "wabah penyakit wajib diumumkan serta merta, UU KIP Ps. 10",
    ),
    Rule(
        "pencemaran",
        SERTA_MERTA,
        "Pencemaran lingkungan",
        (
            "pencemaran",
            "tercemar",
            "polusi",
            "limbah berbahaya",
            "limbah b3",
            "kabut asap",
            "kebocoran gas",
        ),
        "pencemaran lingkungan wajib diumumkan serta merta, UU KIP Ps. 10",
    ),
    Rule(
        "keracunan",
        SERTA_MERTA,
        "Keracunan",
        ("keracunan", "keracunan makanan", "keracunan massal", "makanan beracun"),
        "keracunan makanan wajib diumumkan serta merta, UU KIP Ps. 10",
    ),
    Rule(
        "evakuasi",
        SERTA_MERTA,
        "Evakuasi",
        (
            "evakuasi",
            "jalur evakuasi",
            "pengungsian",
            "pengungsi",
            "titik kumpul",
        ),
        "tata cara evakuasi wajib diumumkan serta merta, Perki 1/2021 Ps. 25",
    ),
    Rule(
        "pemadaman",
        SERTA_MERTA,
        "Pemadaman layanan dasar",
        (
            "pemadaman",
            "pemadaman listrik",
            "pemadaman bergilir",
            "pemadaman air",
            "gangguan listrik",
            "gangguan air",
            "gangguan distribusi air",
            "penghentian aliran air",
        ),
        "gangguan layanan yang membahayakan wajib diumumkan serta merta, "
        "Perki 1/2021 Ps. 25",
    ),
    Rule(
        "laporan_keuangan",
        BERKALA,
        "Laporan keuangan",
        (
            "laporan keuangan",
            "lra",
            "laporan realisasi anggaran",
            "realisasi anggaran",
            "realisasi keuangan",
            "neraca",
            "arus kas",
            "laporan arus kas",
            "calk",
            "catatan atas laporan keuangan",
            "laporan operasional",
            "perubahan ekuitas",
            "aset",
            "daftar aset",
            "barang milik daerah",
            "barang milik negara",
            "apbd",
            "apbn",
        ),
        "laporan keuangan wajib diumumkan berkala, UU KIP Ps. 9",
    ),
    Rule(
        "profil",
        BERKALA,
        "Profil badan publik",
        (
            "profil",
            "struktur organisasi",
            "visi misi",
            "visi dan misi",
            "tugas pokok dan fungsi",
            "tupoksi",
            "maklumat pelayanan",
        ),
        "profil badan publik wajib diumumkan berkala, UU KIP Ps. 9",
    ),
    Rule(
        "program_kegiatan",
        BERKALA,
        "Program dan kegiatan",
        (
            "program dan kegiatan",
            "program kegiatan",
            "ringkasan program",
            "realisasi kegiatan",
            "dpa",
            "dokumen pelaksanaan anggaran",
            "rencana kerja",
            "renja",
            "renstra",
            "rencana strategis",
            "rkpd",
            "rpjmd",
        ),
        "ringkasan program dan kegiatan wajib diumumkan berkala, UU KIP Ps. 9",
    ),
    Rule(
        "laporan_kinerja",
        BERKALA,
        "Laporan kinerja",
        (
            "lakip",
            "lkjip",
            "sakip",
            "laporan kinerja",
            "laporan akuntabilitas kinerja",
            "lppd",
            "lkpj",
            "laporan tahunan",
        ),
        "laporan kinerja wajib diumumkan berkala, UU KIP Ps. 9",
    ),
    Rule(
        "pengadaan",
        BERKALA,
        "Pengumuman pengadaan",
        (
            "pengadaan",
            "pengadaan barang dan jasa",
            "pengadaan barang jasa",
            "lelang",
            "tender",
            "rup",
            "rencana umum pengadaan",
            "pemilihan penyedia",
        ),
        "pengumuman pengadaan barang dan jasa wajib diumumkan berkala, "
        "UU KIP Ps. 9; Perki 1/2021",
    ),
    Rule(
        "peraturan",
        BERKALA,
        "Peraturan",
        (
            "peraturan",
            "peraturan daerah",
            "perda",
            "peraturan bupati",
            "perbup",
            "peraturan wali kota",
            "peraturan walikota",
            "perwal",
            "peraturan gubernur",
            "pergub",
            "undang-undang",
        ),
        "peraturan yang berlaku wajib diumumkan berkala, Perki 1/2021",
    ),
    Rule(
        "laporan_akses_informasi",
        BERKALA,
        "Laporan akses informasi",
        (
            "laporan akses informasi",
            "ringkasan akses informasi",
            "laporan layanan informasi",
            "laporan permohonan informasi",
            "laporan pelayanan informasi",
        ),
        "ringkasan laporan akses informasi publik wajib diumumkan berkala, "
        "UU KIP Ps. 9",
    ),
    Rule(
        "perjanjian",
        SETIAP_SAAT,
        "Perjanjian dengan pihak ketiga",
        (
            "perjanjian",
            "perjanjian kerja sama",
            "pks",
            "nota kesepahaman",
            "mou",
            "kontrak",
            "kerja sama",
        ),
        "perjanjian dengan pihak ketiga wajib tersedia setiap saat, UU KIP Ps. 11",
    ),
    Rule(
        "sop",
        SETIAP_SAAT,
        "Standar operasional prosedur",
        (
            "sop",
            "standar operasional prosedur",
            "standar operasional",
            "prosedur operasional standar",
            "standar pelayanan",
        ),
        "prosedur kerja wajib tersedia setiap saat, UU KIP Ps. 11",
    ),
    Rule(
        "keputusan",
        SETIAP_SAAT,
        "Keputusan",
        (
            "keputusan",
            "surat keputusan",
            "sk",
            "kepgub",
            "kepbup",
            "berita acara",
            "notulen",
            "notulensi",
        ),
        "keputusan badan publik dan pertimbangannya wajib tersedia setiap saat, "
        "UU KIP Ps. 11",
    ),
    Rule(
        "kebijakan",
        SETIAP_SAAT,
        "Kebijakan",
        ("kebijakan", "surat edaran", "pedoman", "petunjuk teknis", "juknis"),
        "kebijakan dan dokumen pendukungnya wajib tersedia setiap saat, UU KIP Ps. 11",
    ),
    Rule(
        "agenda",
        SETIAP_SAAT,
        "Agenda pimpinan",
        ("agenda", "agenda pimpinan", "agenda kerja", "jadwal kegiatan pimpinan"),
        "agenda kerja pimpinan wajib tersedia setiap saat, UU KIP Ps. 11",
    ),
    Rule(
        "temuan_audit",
        SETIAP_SAAT,
        "Hasil audit",
        (
            "temuan audit",
            "hasil audit",
            "audit",
            "laporan hasil pemeriksaan",
            "lhp",
            "temuan pemeriksaan",
            "tindak lanjut temuan",
        ),
        "laporan hasil pemeriksaan wajib tersedia setiap saat, UU KIP Ps. 11",
    ),
    Rule(
        "perizinan",
        SETIAP_SAAT,
        "Perizinan",
        (
            "izin",
            "ijin",
            "perizinan",
            "perijinan",
            "imb",
            "pbg",
            "izin usaha",
            "izin lingkungan",
            "amdal",
        ),
        "data perizinan wajib tersedia setiap saat, UU KIP Ps. 11",
    ),
    Rule(
        "rencana_proyek",
        SETIAP_SAAT,
        "Rencana proyek dan anggarannya",
        (
            "rab",
            "rencana anggaran biaya",
            "rencana proyek",
            "rencana anggaran",
            "detail engineering design",
            "ded",
        ),
        "rencana proyek dan anggarannya wajib tersedia setiap saat, UU KIP Ps. 11",
    ),
    Rule(
        "daftar_informasi_publik",
        SETIAP_SAAT,
        "Daftar informasi publik",
        ("daftar informasi publik", "dip"),
        "daftar informasi publik wajib tersedia setiap saat, UU KIP Ps. 11",
    ),
)
_RULES_BY_CODE = {rule.code: rule for rule in RULES}


@dataclass(frozen=True)
class Match:
    """A phrase of a rule, and the field it was found in (title, info_type, text)."""

    phrase: str
    where: str


@dataclass(frozen=True)
class Alternative:
    """Another category that also matched, with its strongest rule."""

    category: str
    rule: str
    label: str


@dataclass(frozen=True)
class Suggestion:
    """Advice on a document's category; nothing applies it."""

    category: str | None
    rule: str
    label: str
    matched: tuple[Match, ...]
    explanation: str
    needs_consequence_test: bool
    alternatives: tuple[Alternative, ...]


@dataclass(frozen=True)
class _Scored:
    category: str
    rule: Rule
    score: int
    matched: tuple[Match, ...]
    in_title: bool


def suggest_category(title: str, info_type: str = "", text: str = "") -> Suggestion:
    """The category the words of a document suggest, with the rule and words why."""
    fields = {
        TITLE: normalize(title),
        INFO_TYPE: normalize(info_type),
        TEXT: normalize(text[:TEXT_LIMIT]),
    }
    ranked = sorted(_score_categories(fields), key=_rank, reverse=True)
    if not ranked:
        return _nothing_matched()
    best, others = ranked[0], ranked[1:]
    return Suggestion(
        category=best.category,
        rule=best.rule.code,
        label=best.rule.label,
        matched=best.matched,
        explanation=_explain(best),
        needs_consequence_test=best.category == DIKECUALIKAN,
        alternatives=tuple(
            Alternative(s.category, s.rule.code, s.rule.label) for s in others
        ),
    )


def normalize(value: str) -> str:
    """Lowercased, accent-folded, whitespace collapsed: the form phrases match."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(folded.split())


def _score_categories(fields: dict[str, str]) -> list[_Scored]:
    by_category: dict[str, list[tuple[Rule, list[Match]]]] = {}
    for rule in RULES:
        found = [
            Match(phrase, where)
            for where in WHERE
            for phrase in _phrases_in(rule, fields[where])
        ]
        if found:
            by_category.setdefault(rule.category, []).append((rule, found))
    return [_scored(category, hits) for category, hits in by_category.items()]


def _scored(category: str, hits: list[tuple[Rule, list[Match]]]) -> _Scored:
    """A category's score sums its rules; its strongest rule speaks for it."""
    scores = [(_rule_score(found), -RULES.index(rule)) for rule, found in hits]
    strongest = hits[scores.index(max(scores))][0]
    matched = sorted(
        (m for _, found in hits for m in found), key=lambda m: WHERE.index(m.where)
    )
    return _Scored(
        category=category,
        rule=strongest,
        score=sum(score for score, _ in scores),
        matched=tuple(matched),
        in_title=any(m.where == TITLE for m in matched),
    )


def _rule_score(found: list[Match]) -> int:
    in_text = sum(1 for m in found if m.where == TEXT)
    heading = sum(WEIGHTS[m.where] for m in found if m.where != TEXT)
    return heading + min(in_text, TEXT_PHRASES_COUNTED) * WEIGHTS[TEXT]


def _rank(scored: _Scored) -> tuple[int, int, int]:
    """Exemption signals in the title win, then serta merta ones; then the score."""
    title_priority = 0
    if scored.in_title and scored.category == DIKECUALIKAN:
        title_priority = 2
    elif scored.in_title and scored.category == SERTA_MERTA:
        title_priority = 1
    order = -CATEGORY_ORDER.index(scored.category)
    return (title_priority, scored.score, order)


def _phrases_in(rule: Rule, text: str) -> list[str]:
    """The rule's phrases found in the text, longest first, each once."""
    if not text:
        return []
    found = (_canonical(m.group()) for m in _pattern(rule.code).finditer(text))
    return list(dict.fromkeys(found))


def _canonical(matched: str) -> str:
    words = matched.split()
    if words[-1].endswith("nya") and words[-1] not in _ALL_WORDS:
        words[-1] = words[-1].removesuffix("nya")
    return " ".join(words)


@lru_cache(maxsize=len(RULES))
def _pattern(code: str) -> re.Pattern[str]:
    """One alternation per rule: whole words, any spacing, an optional "-nya"."""
    phrases = sorted(_RULES_BY_CODE[code].phrases, key=len, reverse=True)
    alternatives = "|".join(
        r"\s+".join(re.escape(word) for word in phrase.split()) for phrase in phrases
    )
    return re.compile(rf"(?<!\w)(?:{alternatives})(?:nya)?(?!\w)")


def _words(rules: Iterable[Rule]) -> frozenset[str]:
    return frozenset(word for rule in rules for p in rule.phrases for word in p.split())


_ALL_WORDS = _words(RULES)


def _explain(best: _Scored) -> str:
    name = CATEGORY_NAMES[best.category]
    places = []
    for where in WHERE:
        phrases = [m.phrase for m in best.matched if m.where == where][:3]
        if phrases:
            quoted = ", ".join(f"'{p}'" for p in phrases)
            places.append(f"{WHERE_LABELS[where]} menyebut {quoted}")
    return f"Disarankan {name}: {'; '.join(places)} ({best.rule.legal_note})."


def _nothing_matched() -> Suggestion:
    return Suggestion(
        category=None,
        rule=NO_RULE,
        label="Tidak ada aturan yang cocok",
        matched=(),
        explanation=(
            "Tidak ada kata pada judul, jenis informasi, atau isi dokumen yang "
            "menunjukkan kategori; tentukan kategori sendiri."
        ),
        needs_consequence_test=False,
        alternatives=(),
    )


@dataclass(frozen=True)
class DocumentSuggestion:
    """The suggestion for a stored document, and whether its text was read."""

    document_id: int
    version: int
    text_used: bool
    text_status: str | None
    suggestion: Suggestion


def suggest_for_document(
    session: Session, *, actor: User, document_id: int
) -> DocumentSuggestion:
    """The suggestion for a document the actor may change, from its current version."""
    document = get_changeable(session, actor, document_id)
    version = _current_version(session, document)
    text = _extracted_text(session, version.id) if version is not None else None
    return DocumentSuggestion(
        document_id=document.id,
        version=document.current_version,
        text_used=bool(text),
        text_status=version.text_status if version is not None else None,
        suggestion=suggest_category(document.title, document.info_type, text or ""),
    )


def _current_version(session: Session, document: Document) -> DocumentVersion | None:
    return session.scalar(
        select(DocumentVersion).where(
            DocumentVersion.document_id == document.id,
            DocumentVersion.number == document.current_version,
        )
    )


def _extracted_text(session: Session, version_id: int) -> str | None:
    """The start of the version's extracted text; None while extraction is pending."""
    return session.scalar(
        select(func.substr(VersionText.body, 1, TEXT_LIMIT)).where(
            VersionText.version_id == version_id
        )
    )
