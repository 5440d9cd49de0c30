"""Deterministic synthetic Indonesian public-sector documents for the search bench.

`generate(count, seed)` yields `Synthetic` documents: a title, a summary and a
body of a few hundred to a few thousand words, with a category, a status, a year
and an organisation. The same (count, seed) always gives the same documents.

Word frequencies follow a Zipf law over a vocabulary in rank order: function
words, then the common words of Indonesian administration and their inflected
forms (anggaran, menganggarkan, penganggaran...), then rarer words. Some entries
are fixed phrases ("informasi publik", "laporan keuangan") so phrase queries find
something. Bodies are built from a pool of such sentences, for speed, mixed with
templated sentences that carry each document's own facts: its region, village,
officials, amounts, letter numbers and the regulations it cites ("Undang-Undang
Nomor 14 Tahun 2008", "PP 61/2010", "188.4/705/2013"). A few rare markers are
planted at known rates (`PLANTED`), so the bench's rare-word and official-number
queries have a predictable number of hits at every size.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

# -- vocabulary, most frequent first ------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


FUNCTION_WORDS = _words(
    """
yang dan di dalam untuk dengan dari pada ini ke oleh sebagai tersebut serta atau
akan telah dapat tidak lebih setiap bagi terhadap sesuai melalui antara adalah
juga agar karena bahwa sudah masih harus perlu belum tentang hal para semua
beberapa secara yaitu kepada maupun sehingga apabila
"""
)

# Common administrative words; a line is one root, its forms from the most used.
COMMON_FORMS = """
anggaran menganggarkan penganggaran dianggarkan
laporan melaporkan pelaporan dilaporkan pelapor
keuangan uang
daerah
informasi
publik
pelayanan layanan melayani dilayani
peraturan mengatur pengaturan diatur
pemerintah pemerintahan
kabupaten
dinas
kegiatan
program
pelaksanaan melaksanakan pelaksana dilaksanakan
penyelenggaraan menyelenggarakan penyelenggara diselenggarakan
pembangunan membangun bangunan dibangun
kesehatan sehat
pendidikan pendidik
pengadaan mengadakan diadakan
keputusan memutuskan diputuskan
pengelolaan mengelola pengelola dikelola
bencana kebencanaan
masyarakat
tahun
perencanaan merencanakan rencana direncanakan
kinerja pekerjaan bekerja
penetapan menetapkan ditetapkan ketetapan
pengawasan mengawasi pengawas diawasi
pemeriksaan memeriksa pemeriksa diperiksa
penggunaan menggunakan pengguna digunakan
penerimaan menerima penerima diterima
pembayaran membayar dibayarkan
belanja pembelanjaan
barang
jasa
pejabat jabatan
pegawai kepegawaian
kepala
bupati
wali
kota
provinsi
kecamatan
desa
kelurahan
sekretariat sekretaris
badan
perangkat
unit
bidang
seksi
urusan
kewenangan berwenang
tugas bertugas penugasan ditugaskan
fungsi berfungsi
tanggung jawab bertanggung
dokumen pendokumentasian
data pendataan
sistem
prosedur
standar
pedoman
petunjuk teknis
ketentuan
pasal
ayat
huruf
lampiran
nomor
tanggal
bulan
semester
triwulan
realisasi merealisasikan direalisasikan
pendapatan
pembiayaan membiayai dibiayai
alokasi mengalokasikan dialokasikan
transfer
hibah
bantuan membantu dibantu
sosial
penduduk kependudukan
wilayah
lokasi
kawasan
lingkungan
infrastruktur
jalan
jembatan
air
sungai
irigasi
pertanian petani
perikanan nelayan
peternakan
perkebunan
kehutanan hutan
pariwisata wisata
perdagangan pedagang
perindustrian industri
koperasi
usaha berusaha pengusaha
perizinan izin mengizinkan diizinkan
pajak perpajakan
retribusi
aset
inventaris
kendaraan
gedung
tanah
sekolah
siswa
guru
puskesmas
rumah sakit
pasien
penyakit
imunisasi
gizi
stunting
posyandu
banjir
longsor
kebakaran
gempa
kekeringan
pengungsi mengungsi
evakuasi
logistik
penanggulangan menanggulangi
pencegahan mencegah dicegah
penanganan menangani ditangani
pemulihan memulihkan
rehabilitasi
rekonstruksi
kesiapsiagaan
mitigasi
evaluasi mengevaluasi dievaluasi
monitoring pemantauan memantau
pembinaan membina pembina dibina
pemberdayaan memberdayakan
peningkatan meningkatkan ditingkatkan meningkat
penurunan menurunkan menurun
percepatan mempercepat
penyediaan menyediakan disediakan
penyusunan menyusun disusun
pengembangan mengembangkan dikembangkan
penataan menata ditata
pemeliharaan memelihara dipelihara
perbaikan memperbaiki diperbaiki
pengujian menguji diuji
penilaian menilai dinilai
pemberian memberikan diberikan
penyampaian menyampaikan disampaikan
pengumuman mengumumkan diumumkan
permohonan memohon pemohon
keberatan
sengketa
komisi
keterbukaan terbuka
transparansi
akuntabilitas akuntabel
integritas
korupsi
gratifikasi
inspektorat
audit
temuan
rekomendasi
tindak lanjut
opini
neraca
kas
utang
piutang
surplus
defisit
tender
lelang
kontrak
penyedia
swakelola
spesifikasi
harga
satuan
paket
rapat
notulen
undangan mengundang
surat
edaran
nota dinas
instruksi
pemilihan memilih dipilih
pemilu
partai
organisasi
kemasyarakatan
ketertiban tertib
keamanan aman
perlindungan melindungi dilindungi
perempuan
anak
disabilitas
lansia
kemiskinan miskin
bantuan sosial
tenaga kerja
pengangguran
pelatihan melatih dilatih
sertifikasi
beasiswa
perpustakaan
kearsipan arsip
statistik
komunikasi
informatika
aplikasi
website
persandian
""".strip().splitlines()

# Fixed phrases, drawn as one entry so phrase queries find them.
PHRASES = [
    "informasi publik",
    "laporan keuangan",
    "tahun anggaran",
    "perangkat daerah",
    "pemerintah daerah",
    "pelayanan publik",
    "barang dan jasa",
    "keterbukaan informasi",
    "rencana kerja",
    "rencana strategis",
    "dana desa",
    "badan publik",
    "pejabat pengelola informasi dan dokumentasi",
    "standar operasional prosedur",
    "sumber daya manusia",
    "aparatur sipil negara",
    "kepala daerah",
    "penanggulangan bencana",
    "pelayanan kesehatan",
    "pendidikan dasar",
    "belanja modal",
    "belanja pegawai",
    "pendapatan asli daerah",
    "rencana pembangunan jangka menengah daerah",
]

# Rarer words: the Zipf tail (some appear in a handful of documents only).
RARE_WORDS = _words(
    """
akreditasi ambulans amdal anemia apotek asuransi bantaran bendungan biogas
bioskop budidaya cagar cetak dermaga diare drainase ekowisata embung etalase
fasilitator gambut geotermal hidroponik higienis homestay hortikultura imigrasi
jamban jentik kalibrasi kampung kapasitas karantina kelautan kemitraan kerajinan
kesenian kompos konservasi kopi kuliner laboratorium lumbung mangrove manuskrip
margasatwa meteorologi minyak museum obat organik padi palawija pasar pemakaman
perahu perumahan pestisida pupuk rabies reboisasi rempah sanggar sanitasi sawah
sembako serikat sumur talud tambak tembakau terminal transmigrasi tuberkulosis
vaksinasi waduk zakat abrasi batik cengkeh gotong royong kakao karet keramba
lada nilam pala rotan sagu tenun tsunami vulkanologi
"""
)

# -- names and facts ------------------------------------------------------------

REGIONS = [
    "Batang Hari",
    "Banyuwangi",
    "Sleman",
    "Bantul",
    "Garut",
    "Lima Puluh Kota",
    "Kutai Kartanegara",
    "Gunungkidul",
    "Sumedang",
    "Bojonegoro",
    "Sinjai",
    "Minahasa Utara",
    "Lombok Timur",
    "Tanah Datar",
    "Muaro Jambi",
    "Hulu Sungai Selatan",
]
VILLAGE_HEADS = _words(
    """
Suka Karang Tanjung Sumber Mekar Sido Cipta Harja Tegal Kali
"""
)
VILLAGE_TAILS = _words(
    """
maju mulya jaya makmur rejo asri sari wangi harja indah
"""
)
FIRST_NAMES = _words(
    """
Bambang Siti Agus Dewi Hendra Rina Joko Sri Budi Nur Eko Wahyu Ahmad Lestari
Yusuf Fitri Rudi Ratna Dedi Maria Hadi Indah Slamet Ani Teguh Wulan
"""
)
LAST_NAMES = _words(
    """
Sutrisno Rahayu Wibowo Lestari Hidayat Susanti Saputra Kurniawan Nugroho Pratama
Siregar Nasution Simanjuntak Harahap Lubis Wijaya Setiawan Gunawan Hasibuan
Tanjung Situmorang Manurung Purba Sinaga
"""
)
LETTER_CLASSES = ["188.4", "900", "027", "050", "800", "440", "360", "045.2", "500"]
REGULATIONS = [
    ("Undang-Undang Nomor 14 Tahun 2008", "UU 14/2008", "Keterbukaan Informasi Publik"),
    (
        "Peraturan Pemerintah Nomor 61 Tahun 2010",
        "PP 61/2010",
        "Pelaksanaan Undang-Undang Nomor 14 Tahun 2008",
    ),
    (
        "Peraturan Komisi Informasi Nomor 1 Tahun 2021",
        "Perki 1/2021",
        "Standar Layanan Informasi Publik",
    ),
    ("Undang-Undang Nomor 25 Tahun 2009", "UU 25/2009", "Pelayanan Publik"),
    (
        "Peraturan Presiden Nomor 16 Tahun 2018",
        "Perpres 16/2018",
        "Pengadaan Barang/Jasa Pemerintah",
    ),
    ("Undang-Undang Nomor 24 Tahun 2007", "UU 24/2007", "Penanggulangan Bencana"),
    (
        "Peraturan Pemerintah Nomor 12 Tahun 2019",
        "PP 12/2019",
        "Pengelolaan Keuangan Daerah",
    ),
    ("Undang-Undang Nomor 23 Tahun 2014", "UU 23/2014", "Pemerintahan Daerah"),
    ("Undang-Undang Nomor 36 Tahun 2009", "UU 36/2009", "Kesehatan"),
    (
        "Undang-Undang Nomor 20 Tahun 2003",
        "UU 20/2003",
        "Sistem Pendidikan Nasional",
    ),
    (
        "Peraturan Menteri Dalam Negeri Nomor 77 Tahun 2020",
        "Permendagri 77/2020",
        "Pedoman Teknis Pengelolaan Keuangan Daerah",
    ),
]

# (slug, name, weight): the PPID Pelaksana the documents belong to.
ORGANISATIONS = [
    ("dinkes", "Dinas Kesehatan", 16),
    ("disdik", "Dinas Pendidikan dan Kebudayaan", 14),
    ("bpbd", "Badan Penanggulangan Bencana Daerah", 10),
    ("bappeda", "Badan Perencanaan Pembangunan Daerah", 10),
    ("bpkad", "Badan Pengelolaan Keuangan dan Aset Daerah", 14),
    ("pupr", "Dinas Pekerjaan Umum dan Penataan Ruang", 10),
    ("dinsos", "Dinas Sosial", 8),
    ("diskominfo", "Dinas Komunikasi dan Informatika", 8),
    ("setda", "Sekretariat Daerah", 10),
]
CATEGORIES = [("berkala", 35), ("setiap_saat", 35), ("serta_merta", 15)]
CATEGORIES += [("dikecualikan", 15)]
STATUSES = [("published", 80), ("draft", 20)]
YEARS = range(2015, 2026)

TOPICS = [
    "Penanggulangan Bencana Banjir dan Tanah Longsor",
    "Pengadaan Barang/Jasa Pemerintah",
    "Pelayanan Kesehatan Masyarakat",
    "Penyelenggaraan Pendidikan Dasar",
    "Pengelolaan Keuangan Daerah",
    "Penganggaran Belanja Daerah",
    "Pelayanan Informasi Publik",
    "Percepatan Penurunan Stunting",
    "Pembangunan Jalan dan Jembatan",
    "Penyaluran Bantuan Sosial",
    "Pengelolaan Aset Daerah",
    "Pemungutan Pajak dan Retribusi Daerah",
    "Penataan Kawasan Permukiman",
    "Pemberdayaan Masyarakat Desa",
    "Pengelolaan Dana Desa",
    "Pencegahan Korupsi dan Gratifikasi",
    "Kesiapsiagaan Menghadapi Bencana",
    "Pengelolaan Arsip Dinamis",
    "Penerimaan Peserta Didik Baru",
    "Imunisasi Dasar Lengkap",
]
TITLE_TEMPLATES = [
    ("Laporan", "Laporan {kind} {unit} Kabupaten {region} Tahun {year}"),
    ("Laporan", "Laporan Realisasi Anggaran {unit} Semester {semester} Tahun {year}"),
    ("Keputusan", "Keputusan Bupati {region} Nomor {letter} tentang {topic}"),
    (
        "Peraturan",
        "Peraturan Bupati {region} Nomor {number} Tahun {year} tentang {topic}",
    ),
    ("Rencana", "Rencana Strategis {unit} Tahun {year}-{year_end}"),
    ("SOP", "Standar Operasional Prosedur {topic}"),
    ("DIP", "Daftar Informasi Publik {unit} Tahun {year}"),
    ("Pengumuman", "Pengumuman Hasil Pemilihan Penyedia Paket {topic} Tahun {year}"),
    ("Surat Edaran", "Surat Edaran Sekretaris Daerah Nomor {letter} tentang {topic}"),
    ("Notulen", "Notulen Rapat Koordinasi {topic} Desa {village}"),
]
REPORT_KINDS = [
    "Keuangan",
    "Kinerja Instansi Pemerintah",
    "Penyelenggaraan Pemerintahan Daerah",
    "Tahunan",
    "Pelaksanaan Kegiatan",
    "Hasil Pemeriksaan",
]

# Rare markers planted at fixed rates: (text, probability per document).
PLANTED = {
    "letter": ("Nomor 188.4/705/2013", 0.002),
    "rare_word": ("tera ulang timbangan pasar", 0.001),
}

WORDS_MEDIAN = 300
WORDS_SIGMA = 0.7
WORDS_MIN, WORDS_MAX = 120, 4000
ZIPF_EXPONENT = 1.1
ZIPF_OFFSET = 10
# Each tail word's chance per word written: about 1 document in 200 holds it.
TAIL_WORD_CHANCE = 1.25e-5
POOL_SENTENCES = 20_000
TEMPLATED_SHARE = 0.15


@dataclass(frozen=True)
class Synthetic:
    """One generated document, before it becomes database rows."""

    title: str
    summary: str
    body: str
    words: int
    info_type: str
    category: str
    status: str
    year: int
    org: str
    day_of_year: int


def vocabulary() -> tuple[list[str], list[str]]:
    """The head (rank order, most frequent first) and the tail (equally rare)."""
    roots = [line.split() for line in COMMON_FORMS if line.strip()]
    # Most used form of every root first, then the second forms, and so on, so
    # "anggaran" is common and "dianggarkan" rarer, but both occur.
    forms = [word for rank in itertools.zip_longest(*roots) for word in rank if word]
    interleaved = []
    for i, word in enumerate(forms):
        interleaved.append(word)
        if i % 8 == 3 and i // 8 < len(PHRASES):
            interleaved.append(PHRASES[i // 8])
    villages = [head + tail for head in VILLAGE_HEADS for tail in VILLAGE_TAILS]
    head = [*FUNCTION_WORDS, *dict.fromkeys(interleaved)]
    return head, [*RARE_WORDS, *villages]


class ZipfSampler:
    """Draws head words with probability proportional to 1 / (rank + offset) **
    exponent (Zipf-Mandelbrot), and each tail word with a fixed small chance."""

    def __init__(self, head: list[str], tail: list[str]):
        self.words = [*head, *tail]
        weights = [
            1.0 / (rank + 1 + ZIPF_OFFSET) ** ZIPF_EXPONENT for rank in range(len(head))
        ]
        head_total = sum(weights)
        tail_weight = head_total * TAIL_WORD_CHANCE / (1 - TAIL_WORD_CHANCE * len(tail))
        weights += [tail_weight] * len(tail)
        self.cumulative = list(itertools.accumulate(weights))

    def sample(self, rng: random.Random, count: int) -> list[str]:
        """`count` words."""
        total, words, cumulative = self.cumulative[-1], self.words, self.cumulative
        last = len(words) - 1
        return [
            words[min(bisect.bisect(cumulative, rng.random() * total), last)]
            for _ in range(count)
        ]


class Generator:
    """Builds documents; one instance per (seed), documents in a fixed order."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.sampler = ZipfSampler(*vocabulary())
        self.pool = [self._filler_sentence() for _ in range(POOL_SENTENCES)]
        self.org_slugs = [slug for slug, _name, _weight in ORGANISATIONS]
        self.org_weights = [weight for _slug, _name, weight in ORGANISATIONS]
        self.org_names = {slug: name for slug, name, _weight in ORGANISATIONS}

    def documents(self, count: int) -> Iterator[Synthetic]:
        """`count` documents, always the same for the same seed."""
        for _ in range(count):
            yield self._document()

    # -- one document -----------------------------------------------------------

    def _document(self) -> Synthetic:
        rng = self.rng
        org = rng.choices(self.org_slugs, self.org_weights)[0]
        facts = self._facts(org)
        info_type, template = rng.choice(TITLE_TEMPLATES)
        title = template.format(**facts)
        words = self._length()
        body, written = self._body(facts, words)
        summary = "" if rng.random() < 0.3 else self._templated(facts)
        return Synthetic(
            title=title,
            summary=summary,
            body=body,
            words=written,
            info_type=info_type,
            category=_weighted(rng, CATEGORIES),
            status=_weighted(rng, STATUSES),
            year=facts["year"],
            org=org,
            day_of_year=rng.randrange(365),
        )

    def _facts(self, org: str) -> dict:
        rng = self.rng
        year = rng.choice(YEARS)
        return {
            "unit": self.org_names[org],
            "region": rng.choice(REGIONS),
            "village": rng.choice(VILLAGE_HEADS) + rng.choice(VILLAGE_TAILS),
            "year": year,
            "year_end": year + 5,
            "semester": rng.choice(("I", "II")),
            "number": rng.randint(1, 60),
            "letter": f"{rng.choice(LETTER_CLASSES)}/{rng.randint(1, 999)}/{year}",
            "topic": rng.choice(TOPICS),
            "kind": rng.choice(REPORT_KINDS),
            "official": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            "amount": _rupiah(rng.randint(5, 9_000) * 1_000_000 + rng.randint(0, 999)),
            "regulation": rng.choice(REGULATIONS),
        }

    def _length(self) -> int:
        drawn = math.exp(self.rng.gauss(math.log(WORDS_MEDIAN), WORDS_SIGMA))
        return max(WORDS_MIN, min(WORDS_MAX, int(drawn)))

    def _body(self, facts: dict, target: int) -> tuple[str, int]:
        rng, sentences, written = self.rng, [], 0
        for text, chance in PLANTED.values():
            if rng.random() < chance:
                sentences.append(f"Sesuai {text} yang berlaku.")
        while written < target:
            if rng.random() < TEMPLATED_SHARE:
                sentence = self._templated(facts)
            else:
                sentence = rng.choice(self.pool)
            sentences.append(sentence)
            written += sentence.count(" ") + 1
        paragraphs = [
            " ".join(sentences[start : start + 6])
            for start in range(0, len(sentences), 6)
        ]
        return "\n\n".join(paragraphs), written

    def _filler_sentence(self) -> str:
        words = self.sampler.sample(self.rng, self.rng.randint(7, 20))
        text = " ".join(words)
        return text[:1].upper() + text[1:] + "."

    def _templated(self, facts: dict) -> str:
        rng = self.rng
        full, short, about = facts["regulation"]
        cited = full if rng.random() < 0.6 else short
        templates = (
            f"Berdasarkan {cited} tentang {about}, {facts['unit']} Kabupaten "
            f"{facts['region']} menyelenggarakan {rng.choice(TOPICS).lower()}.",
            f"Kegiatan di Desa {facts['village']} Kecamatan "
            f"{rng.choice(VILLAGE_HEADS)}{rng.choice(VILLAGE_TAILS)} dianggarkan "
            f"sebesar {facts['amount']} pada tahun anggaran {facts['year']}.",
            f"Surat Nomor {facts['letter']} ditandatangani oleh {facts['official']} "
            f"selaku kepala {facts['unit'].lower()}.",
            f"Realisasi pendapatan asli daerah mencapai {facts['amount']} atau "
            f"{rng.randint(40, 99)},{rng.randint(0, 9)} persen dari target.",
            f"Laporan keuangan tahun {facts['year']} telah diperiksa oleh BPK "
            f"dengan opini {rng.choice(('WTP', 'WDP', 'TMP'))}.",
            f"Permohonan informasi publik dilayani paling lambat "
            f"{rng.choice((10, 7, 17))} hari kerja sesuai {cited}.",
        )
        return rng.choice(templates)


def _weighted(rng: random.Random, choices: list[tuple[str, int]]) -> str:
    return rng.choices([name for name, _ in choices], [w for _, w in choices])[0]


def _rupiah(amount: int) -> str:
    """ "Rp1.245.300.000" as Indonesian documents write it."""
    return "Rp" + f"{amount:,}".replace(",", ".")


def generate(count: int, seed: int) -> Iterator[Synthetic]:
    """`count` documents for `seed`; the same arguments give the same documents."""
    return Generator(seed).documents(count)
