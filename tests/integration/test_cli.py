"""The `dms` command, driven for real: the CLI in-process through click's CliRunner,
the installed console script in a subprocess, the same database (SQLite, or
PostgreSQL with DMS_TEST_DATABASE_URL), a filesystem store and real files."""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func
from sqlalchemy import select as sql_select

from dms.accounts.models import ApiToken, Organisation, User
from dms.audit import AuditEvent
from dms.cli import main
from dms.db import make_engine, schema_is_current
from dms.documents.models import DamagedBlob, Document, DocumentVersion
from dms.storage import FilesystemStorage, StorageBusy
from tests.helpers import a_pdf

ROLES = {"admin", "ppid_utama", "ppid_pelaksana", "atasan_ppid"}
CATEGORIES = {"berkala", "serta_merta", "setiap_saat", "dikecualikan"}
COUNTED = (Organisation, User, ApiToken, Document, DocumentVersion, AuditEvent)
TIMESTAMP_TITLE = re.compile(r"^\d{10}\D")
DMS_SCRIPT = Path(sys.executable).with_name("dms")
AN_HOUR_AND_A_BIT = 3700
TO_DINKES = ("--org", "dinkes", "--category", "berkala")


# --- the harness ---------------------------------------------------------------------


@dataclass
class Instance:
    """A dms instance in a temp folder, configured only through DMS_* variables."""

    root: Path
    env: dict[str, str]

    @property
    def storage_root(self) -> Path:
        return Path(self.env["DMS_STORAGE_URL"].removeprefix("file://"))

    @property
    def database_url(self) -> str:
        return self.env["DMS_DATABASE_URL"]

    def run(self, *args, input: str | None = None, **extra_env: str) -> Result:
        """`dms ARGS...` in-process; extra_env adds or overrides DMS_* variables."""
        return CliRunner().invoke(
            main,
            [str(a) for a in args],
            input=input,
            env={**self.env, **extra_env},
            prog_name="dms",
        )

    def ok(self, *args, input: str | None = None) -> Result:
        """`dms ARGS...`, which must succeed."""
        result = self.run(*args, input=input)
        assert result.exit_code == 0, explain(result)
        return result

    def script(self, *args, timeout: float = 60) -> subprocess.CompletedProcess:
        """The installed `dms` console script in a subprocess."""
        return subprocess.run(
            [str(DMS_SCRIPT), *map(str, args)],
            env=self.process_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def process_env(self) -> dict[str, str]:
        outer = {k: v for k, v in os.environ.items() if not k.startswith("DMS_")}
        return {**outer, **self.env}

    @contextmanager
    def api(self) -> Iterator:
        """A Flask test client on the same settings as the command line."""
        from dms.web import create_app

        overrides = {k[4:].lower(): v for k, v in self.env.items()}
        app = create_app(overrides)
        try:
            yield app.test_client()
        finally:
            app.extensions["dms"].close()

    @contextmanager
    def database(self) -> Iterator:
        engine = make_engine(self.database_url)
        try:
            with engine.connect() as connection:
                yield connection
        finally:
            engine.dispose()

    def counts(self) -> dict[str, int]:
        """How many rows each table holds."""
        with self.database() as db:
            return {
                model.__tablename__: db.scalar(
                    sql_select(func.count()).select_from(model)
                )
                for model in COUNTED
            }

    def documents(self) -> list:
        """Every document's title, category, status, year and current version."""
        with self.database() as db:
            return db.execute(
                sql_select(
                    Document.title,
                    Document.category,
                    Document.status,
                    Document.year,
                    Document.current_version,
                ).order_by(Document.id)
            ).all()

    def blob_path(self, content: bytes) -> Path:
        return FilesystemStorage(self.storage_root).path_for(sha256(content))

    def temp_files(self) -> list[Path]:
        temp = self.storage_root / ".tmp"
        return sorted(temp.iterdir()) if temp.is_dir() else []


def explain(result: Result) -> str:
    """Everything a failed assertion on a CLI run needs to be understood."""
    text = (
        f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    if result.exc_info and not isinstance(result.exception, SystemExit):
        text += "".join(traceback.format_exception(*result.exc_info))
    return text


def assert_fails_in_one_line(result: Result, fragment: str) -> None:
    """Non-zero exit, no traceback, one `dms: ...` line on stderr naming the problem."""
    assert result.exit_code != 0, explain(result)
    assert isinstance(result.exception, SystemExit), explain(result)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, explain(result)
    assert lines[0].startswith("dms: "), explain(result)
    assert fragment in lines[0], explain(result)


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@pytest.fixture
def clean_environment(monkeypatch) -> None:
    """No DMS_* setting of the machine running the tests reaches the command."""
    for name in list(os.environ):
        if name.startswith("DMS_") and not name.startswith("DMS_TEST_"):
            monkeypatch.delenv(name)


@pytest.fixture
def instance(tmp_path, database_url, clean_environment) -> Instance:
    """An instance not yet initialised: storage and index folders do not exist."""
    return Instance(
        root=tmp_path,
        env={
            "DMS_INSTANCE_DIR": str(tmp_path / "instance"),
            "DMS_DATABASE_URL": database_url,
            "DMS_STORAGE_URL": f"file://{tmp_path}/objects",
            "DMS_INDEX_DIR": str(tmp_path / "index"),
            "DMS_PUBLIC_URL": "https://ppid.kota-mandiri.go.id",
        },
    )


@pytest.fixture
def ready(instance) -> Instance:
    """An initialised instance with a PPID Utama and one Pelaksana."""
    instance.ok("init")
    instance.ok("org", "add", "ppid-utama", "--name", "PPID Utama", "--utama")
    instance.ok(
        "org", "add", "dinkes", "--name", "Dinas Kesehatan", "--parent", "ppid-utama"
    )
    return instance


def write_pdfs(folder: Path, *names: str) -> dict[str, bytes]:
    """Distinct small PDFs under those names; returns their bytes by name."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name in names:
        written[name] = a_pdf(f"Isi dokumen {name}")
        (folder / name).write_bytes(written[name])
    return written


# --- init ----------------------------------------------------------------------------


def test_init_creates_the_schema_storage_folder_index_folder_and_secret_key(instance):
    result = instance.ok("init")

    assert "dms: ready" in result.stdout
    assert (instance.storage_root / ".tmp").is_dir()
    assert (instance.root / "index").is_dir()
    secret = instance.root / "instance" / "secret_key"
    assert re.fullmatch(r"[0-9a-f]{64}", secret.read_text())
    assert secret.stat().st_mode & 0o077 == 0
    engine = make_engine(instance.database_url)
    try:
        assert schema_is_current(engine)
    finally:
        engine.dispose()


def test_init_with_only_an_instance_folder_creates_an_embedded_sqlite_archive(
    tmp_path, clean_environment
):
    embedded = Instance(tmp_path, {"DMS_INSTANCE_DIR": str(tmp_path / "instance")})

    embedded.ok("init")

    folder = tmp_path / "instance"
    assert {p.name for p in folder.iterdir()} >= {"dms.sqlite3", "objects", "index"}
    engine = make_engine(f"sqlite:///{folder / 'dms.sqlite3'}")
    try:
        assert schema_is_current(engine)
    finally:
        engine.dispose()


def test_init_twice_is_harmless_and_keeps_the_data_and_the_secret_key(instance):
    instance.ok("init")
    instance.ok("org", "add", "ppid-utama", "--name", "PPID Utama", "--utama")
    secret = (instance.root / "instance" / "secret_key").read_text()
    before = instance.counts()

    instance.ok("init")

    assert instance.counts() == before
    assert (instance.root / "instance" / "secret_key").read_text() == secret


# --- organisations, users, tokens ----------------------------------------------------


def test_org_user_and_token_commands_give_a_token_that_authenticates_to_the_api(ready):
    ready.ok(
        "user", "add", "budi", "--role", "ppid_pelaksana", "--org", "dinkes",
        "--password-stdin", input="kata-sandi-budi\n",
    )  # fmt: skip
    token = ready.ok("token", "create", "budi").stdout.strip()

    with ready.api() as client:
        upload = client.post(
            "/api/v1/documents",
            data={
                "title": "Profil Dinas",
                "category": "berkala",
                "file": (io.BytesIO(a_pdf()), "profil.pdf"),
            },
            headers={"Authorization": f"Bearer {token}"},
            content_type="multipart/form-data",
        )
        forged = client.get(
            "/api/v1/documents", headers={"Authorization": f"Bearer {token}x"}
        )
        login = client.post(
            "/api/v1/auth/token",
            json={"username": "budi", "password": "kata-sandi-budi"},
        )

    assert upload.status_code == 201, upload.get_json()
    assert upload.get_json()["org"]["slug"] == "dinkes"
    assert forged.status_code == 401
    assert login.status_code == 201
    assert login.get_json()["role"] == "ppid_pelaksana"


@pytest.mark.parametrize(
    ("args", "stdin", "fragment"),
    [
        (["org", "add", "x", "--name", "X", "--parent", "nope"], None, "'nope'"),
        (["org", "add", "dinkes", "--name", "Lagi"], None, "sudah ada"),
        (["org", "add", "Bukan Slug", "--name", "X"], None, "Slug"),
        (["user", "add", "eve", "--role", "boss"], None, "'boss'"),
        (["user", "add", "eve", "--role", "ppid_pelaksana"], None, "organisasi"),
        (["user", "add", "eve", "--role", "admin", "--org", "nope"], None, "'nope'"),
        (
            ["user", "add", "eve", "--role", "admin", "--password-stdin"],
            "pendek\n",
            "minimal 8",
        ),
        (["token", "create", "nobody"], None, "'nobody'"),
    ],
    ids=[
        "unknown-parent",
        "duplicate-slug",
        "bad-slug",
        "bad-role",
        "pelaksana-without-org",
        "unknown-org",
        "short-password",
        "unknown-user",
    ],
)
def test_a_refused_account_command_fails_in_one_line_and_leaves_nothing_behind(
    ready, args, stdin, fragment
):
    before = ready.counts()

    result = ready.run(*args, input=stdin)

    assert_fails_in_one_line(result, fragment)
    assert ready.counts() == before


# --- import --------------------------------------------------------------------------


@pytest.mark.corpus
def test_importing_the_corpus_adds_every_file_titled_and_fsck_finds_them_intact(
    ready, corpus, tmp_path
):
    # Every file in real/ is a format public bodies publish, so all of it goes in.
    folder = corpus / "real"
    expected = len([path for path in folder.iterdir() if path.is_file()])
    assert expected >= 29

    # --no-index: extracting (and OCR-ing) the whole corpus takes minutes; the
    # extraction tests and the search bench cover that.
    result = ready.ok(
        "import",
        folder,
        "--org",
        "ppid-utama",
        "--category",
        "setiap_saat",
        "--no-index",
    )

    summary = f"dms: {expected} added, 0 skipped (already present), 0 failed"
    assert summary in result.stdout
    documents = ready.documents()
    assert len(documents) == expected
    titles = {d.title for d in documents}
    assert "Informasi tentang peraturan" in titles
    assert not [t for t in titles if TIMESTAMP_TITLE.match(t)]
    assert {d.category for d in documents} == {"setiap_saat"}
    fsck = ready.ok("fsck")
    checked = f"{expected} version(s), {expected} blob(s) checked"
    assert f"{checked}; 0 damaged, 0 orphan(s)" in fsck.stdout


def test_a_second_import_of_the_same_folder_skips_every_file(ready, tmp_path):
    write_pdfs(tmp_path / "in", "a.pdf", "b.pdf", "c.pdf")
    ready.ok("import", tmp_path / "in", *TO_DINKES)
    before = ready.counts()

    again = ready.ok("import", tmp_path / "in", *TO_DINKES)

    assert "dms: 0 added, 3 skipped (already present), 0 failed" in again.stdout
    assert ready.counts() == before


def test_the_same_bytes_twice_in_one_import_are_added_once(ready, tmp_path):
    written = write_pdfs(tmp_path / "in", "laporan.pdf")
    (tmp_path / "in" / "salinan-laporan.pdf").write_bytes(written["laporan.pdf"])

    result = ready.ok("import", tmp_path / "in", *TO_DINKES)

    assert "dms: 1 added, 1 skipped (already present), 0 failed" in result.stdout


def test_import_leaves_out_hidden_files_and_folders(ready, tmp_path):
    write_pdfs(tmp_path / "in", "terlihat.pdf", ".tersembunyi.pdf")
    write_pdfs(tmp_path / "in" / ".git", "objek.pdf")

    result = ready.ok("import", tmp_path / "in", *TO_DINKES)

    assert "dms: 1 added, 0 skipped (already present), 0 failed" in result.stdout
    assert [d.title for d in ready.documents()] == ["Terlihat"]


def test_import_takes_titles_from_file_names_without_the_timestamp_prefix(
    ready, tmp_path
):
    write_pdfs(
        tmp_path / "in",
        "1728360418Informasi-tentang-peraturan.pdf",
        "SOP_Uji_Konsekuensi.pdf",
        "240819013748.pdf",
    )

    ready.ok("import", tmp_path / "in", *TO_DINKES)

    assert sorted(d.title for d in ready.documents()) == [
        "240819013748",
        "Informasi tentang peraturan",
        "SOP Uji Konsekuensi",
    ]


def test_a_file_name_that_is_not_utf8_is_imported_with_a_replacement_character(
    ready, tmp_path
):
    folder = tmp_path / "in"
    write_pdfs(folder, "ok.pdf")
    try:  # "é" in cp1252, as names arrive from ZIP files made on Windows
        with open(os.path.join(os.fsencode(folder), b"laporan-\xe9.pdf"), "wb") as fh:
            fh.write(a_pdf("nama berkas cp1252"))
    except OSError:
        pytest.skip("this filesystem only accepts UTF-8 file names")

    result = ready.ok("import", folder, *TO_DINKES)

    assert "dms: 2 added, 0 skipped (already present), 0 failed" in result.stdout
    assert sorted(d.title for d in ready.documents()) == ["Laporan \ufffd", "Ok"]


@pytest.mark.parametrize(
    ("category", "flags", "status"),
    [
        ("berkala", [], "draft"),
        ("berkala", ["--publish"], "published"),
        ("serta_merta", [], "published"),
        ("serta_merta", ["--no-publish"], "draft"),
    ],
)
def test_import_publishes_when_asked_and_serta_merta_by_default(
    ready, tmp_path, category, flags, status
):
    write_pdfs(tmp_path / "in", "a.pdf", "b.pdf")

    ready.ok(
        "import", tmp_path / "in", "--org", "dinkes", "--category", category, *flags
    )

    assert {d.status for d in ready.documents()} == {status}


def test_published_imports_are_visible_to_anonymous_citizens(ready, tmp_path):
    write_pdfs(tmp_path / "in", "a.pdf")
    ready.ok("import", tmp_path / "in", *TO_DINKES, "--publish")

    with ready.api() as client:
        listing = client.get("/api/v1/documents").get_json()

    assert [d["title"] for d in listing["items"]] == ["A"]


def test_import_year_option_sets_the_year_of_every_document(ready, tmp_path):
    write_pdfs(tmp_path / "in", "a.pdf", "b.pdf")

    ready.ok("import", tmp_path / "in", *TO_DINKES, "--year", 2024)

    assert {d.year for d in ready.documents()} == {2024}


def test_import_of_a_single_file_argument_works_like_a_folder(ready, tmp_path):
    write_pdfs(tmp_path / "in", "a.pdf", "b.pdf")

    result = ready.ok("import", tmp_path / "in" / "b.pdf", *TO_DINKES)

    assert "dms: 1 added, 0 skipped (already present), 0 failed" in result.stdout
    assert [d.title for d in ready.documents()] == ["B"]


@pytest.mark.corpus
def test_import_reports_files_libmagic_refuses_imports_the_rest_and_leaves_no_orphan(
    ready, corpus, tmp_path
):
    write_pdfs(tmp_path / "in", "laporan.pdf")
    for hostile in ("testzipbomb.zip", "lzw_decoder_table_overflow.bin"):
        shutil.copyfile(corpus / "hostile" / hostile, tmp_path / "in" / hostile)

    result = ready.run("import", tmp_path / "in", *TO_DINKES)

    assert result.exit_code == 1, explain(result)
    assert "dms: 1 added, 0 skipped (already present), 2 failed" in result.stdout
    failures = [
        line for line in result.stderr.splitlines() if line.startswith("failed:")
    ]
    assert len(failures) == 2, explain(result)
    assert "testzipbomb.zip: Arsip ZIP tidak diterima" in failures[1]
    refused = "lzw_decoder_table_overflow.bin: Jenis berkas application/octet-stream"
    assert refused in failures[0]
    assert [d.title for d in ready.documents()] == ["Laporan"]
    fsck = ready.ok("fsck")
    assert "1 blob(s) checked; 0 damaged, 0 orphan(s)" in fsck.stdout
    assert ready.temp_files() == []


def test_a_file_over_the_upload_limit_fails_without_leaving_a_blob_or_temp_file(
    ready, tmp_path
):
    write_pdfs(tmp_path / "in", "kecil.pdf")
    (tmp_path / "in" / "besar.txt").write_bytes(b"data terbuka\n" * 200_000)

    result = ready.run(
        "import", tmp_path / "in", *TO_DINKES,
        DMS_MAX_UPLOAD_MB="1",
    )  # fmt: skip

    assert result.exit_code == 1, explain(result)
    assert "besar.txt: Berkas melebihi batas unggah 1 MB." in result.stderr
    assert "dms: 1 added, 0 skipped (already present), 1 failed" in result.stdout
    assert "0 damaged, 0 orphan(s)" in ready.ok("fsck").stdout
    assert ready.temp_files() == []


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--org", "nope", "--category", "berkala"], "Organisasi 'nope' tidak dikenal"),
        (["--org", "dinkes", "--category", "rahasia"], "'rahasia'"),
        (["--org", "dinkes"], "--category"),
    ],
    ids=["unknown-org", "unknown-category", "no-category"],
)
def test_an_import_with_bad_options_fails_in_one_line_before_adding_anything(
    ready, tmp_path, args, fragment
):
    write_pdfs(tmp_path / "in", "a.pdf")
    before = ready.counts()

    result = ready.run("import", tmp_path / "in", *args)

    assert_fails_in_one_line(result, fragment)
    assert ready.counts() == before
    assert ready.temp_files() == []


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--year", "1800"], "Tahun di luar rentang 1945-2100: 1800."),
        (
            ["--category", "dikecualikan", "--publish"],
            "Dokumen tidak dapat diunggah langsung sebagai dikecualikan",
        ),
    ],
    ids=["year-out-of-range", "exempt-without-a-test"],
)
def test_an_import_the_domain_refuses_reports_every_file_failed_and_adds_nothing(
    ready, tmp_path, args, reason
):
    write_pdfs(tmp_path / "in", "a.pdf", "b.pdf")
    before = ready.counts()
    arguments = [*TO_DINKES, *args]

    result = ready.run("import", tmp_path / "in", *arguments)

    assert result.exit_code == 1, explain(result)
    assert "dms: 0 added, 0 skipped (already present), 2 failed" in result.stdout
    assert result.stderr.count(reason) == 2, explain(result)
    assert ready.counts() == before
    assert ready.temp_files() == []
    assert list(ready.storage_root.glob("??/??/*")) == []


def test_an_import_of_a_path_that_does_not_exist_fails_in_one_line(ready, tmp_path):
    result = ready.run("import", tmp_path / "hilang", *TO_DINKES)

    assert_fails_in_one_line(result, "hilang")


def test_the_console_script_draws_a_progress_bar_on_a_terminal(ready, tmp_path):
    write_pdfs(tmp_path / "in", "a.pdf", "b.pdf", "c.pdf")

    status, stdout, terminal = run_with_stderr_on_a_terminal(
        [DMS_SCRIPT, "import", tmp_path / "in", *TO_DINKES], env=ready.process_env()
    )

    assert status == 0, terminal
    assert "dms: 3 added, 0 skipped (already present), 0 failed" in stdout
    assert "import:" in terminal
    assert "100%" in terminal
    assert "3/3" in terminal


def test_import_keeps_the_progress_bar_out_of_a_stderr_that_is_not_a_terminal(
    ready, tmp_path
):
    write_pdfs(tmp_path / "in", "a.pdf")

    result = ready.ok("import", tmp_path / "in", *TO_DINKES)

    assert result.stderr == ""


def run_with_stderr_on_a_terminal(
    args, env: dict[str, str], timeout: float = 60
) -> tuple[int | None, str, str]:
    """Run a command whose stderr is a pseudo-terminal; (status, stdout, terminal)."""
    controller, terminal = pty.openpty()
    # A new pseudo-terminal is 0 columns wide, and tqdm draws nothing in no room.
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    try:
        process = subprocess.Popen(
            [str(a) for a in args],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=terminal,
        )
    finally:
        os.close(terminal)
    with process:
        try:
            shown = read_until_closed(controller, time.monotonic() + timeout)
        finally:
            os.close(controller)
            if process.poll() is None:
                process.kill()
        stdout = process.stdout.read().decode()
    return process.wait(), stdout, shown.decode(errors="replace")


def read_until_closed(fd: int, deadline: float) -> bytes:
    """Everything written to the terminal until every writer has closed it."""
    shown = bytearray()
    while time.monotonic() < deadline:
        readable, _, _ = select.select([fd], [], [], 0.2)
        if not readable:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO on Linux: the command has exited
            break
        if not chunk:
            break
        shown += chunk
    return bytes(shown)


# --- fsck ----------------------------------------------------------------------------


@pytest.fixture
def imported(ready, tmp_path) -> tuple[Instance, dict[str, bytes]]:
    """An instance holding three imported PDFs; returns it and their bytes."""
    written = write_pdfs(tmp_path / "in", "a.pdf", "b.pdf", "c.pdf")
    ready.ok("import", tmp_path / "in", *TO_DINKES)
    return ready, written


def test_fsck_after_an_import_finds_every_blob_intact(imported):
    archive, _ = imported

    result = archive.ok("fsck")

    assert (
        "dms: 3 version(s), 3 blob(s) checked; 0 damaged, 0 orphan(s)" in result.stdout
    )
    assert result.stderr == ""


def test_fsck_reports_a_deleted_blob_as_missing_and_fails_even_with_repair(imported):
    archive, written = imported
    lost = written["b.pdf"]
    archive.blob_path(lost).unlink()

    for args in (["fsck"], ["fsck", "--repair"]):
        result = archive.run(*args)

        assert result.exit_code == 1, explain(result)
        assert f"blob {sha256(lost)[:12]}… is missing from storage" in result.stderr
        assert "version 1" in result.stderr
        assert "3 blob(s) checked; 1 damaged, 0 orphan(s)" in result.stdout


def test_fsck_reports_altered_bytes_of_the_same_size_as_a_checksum_problem(imported):
    archive, written = imported
    path = archive.blob_path(written["a.pdf"])
    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    path.write_bytes(bytes(damaged))

    result = archive.run("fsck")

    assert result.exit_code == 1, explain(result)
    assert f"{sha256(written['a.pdf'])[:12]}… does not match its SHA-256" in (
        result.stderr
    )
    assert "1 damaged" in result.stdout


def test_fsck_marks_a_damaged_blob_so_downloads_refuse_it_until_it_is_whole_again(
    imported,
):
    archive, written = imported
    path = archive.blob_path(written["a.pdf"])
    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    path.write_bytes(bytes(damaged))

    assert archive.run("fsck").exit_code == 1
    with archive.database() as db:
        marks = db.execute(sql_select(DamagedBlob.sha256, DamagedBlob.problem)).all()
    assert marks == [(sha256(written["a.pdf"]), "checksum")]

    path.write_bytes(written["a.pdf"])  # restored from a backup
    archive.ok("fsck")
    with archive.database() as db:
        assert db.execute(sql_select(DamagedBlob.sha256)).all() == []


def test_fsck_reports_a_truncated_blob_as_the_wrong_size(imported):
    archive, written = imported
    path = archive.blob_path(written["c.pdf"])
    path.write_bytes(written["c.pdf"][:100])

    result = archive.run("fsck")

    assert result.exit_code == 1, explain(result)
    assert f"{sha256(written['c.pdf'])[:12]}… has the wrong size" in result.stderr


def test_fsck_reports_an_orphan_blob_with_its_size_and_fails(imported):
    archive, _ = imported
    orphan = FilesystemStorage(archive.storage_root).put(io.BytesIO(b"sisa unggahan"))

    result = archive.run("fsck")

    # A crashed upload's 200 MB blob used to pass as healthy (exit 0).
    assert result.exit_code == 1, explain(result)
    assert f"orphan: orphan blob {orphan.key} (13 B) is referenced" in result.stderr
    assert "3 blob(s) checked; 0 damaged, 1 orphan(s), 0 temp file(s)" in (
        result.stdout
    )
    assert archive.blob_path(b"sisa unggahan").exists()


def _age(path, seconds: float) -> None:
    old = time.time() - seconds
    os.utime(path, (old, old))


def test_fsck_repair_removes_leftovers_of_any_age_and_keeps_referenced_blobs(
    imported,
):
    archive, written = imported
    orphan = FilesystemStorage(archive.storage_root).put(io.BytesIO(b"sisa unggahan"))
    temp = archive.storage_root / ".tmp" / "put-crashed"
    temp.write_bytes(b"separuh" * 1000)

    repaired = archive.ok("fsck", "--repair")

    # No upload holds the storage's write lease: nothing can be in flight.
    assert f"repaired: removed orphan blob {orphan.key} (13 B)" in repaired.stdout
    assert f"repaired: removed temp file {temp} (6.8 KB)" in repaired.stdout
    assert not archive.blob_path(b"sisa unggahan").exists()
    assert archive.temp_files() == []
    assert all(archive.blob_path(content).exists() for content in written.values())
    assert "0 damaged, 0 orphan(s), 0 temp file(s)" in archive.ok("fsck").stdout


def test_fsck_reports_a_temp_file_with_its_size_and_fails(imported):
    archive, _ = imported
    temp = archive.storage_root / ".tmp" / "put-crashed"
    temp.write_bytes(b"x" * (3 * 1024 * 1024))

    result = archive.run("fsck")

    assert result.exit_code == 1
    assert f"temp: temp file {temp} (3.0 MB) left by an interrupted upload" in (
        result.stderr
    )


def test_fsck_leaves_what_an_upload_in_progress_may_be_writing(imported):
    archive, _ = imported
    storage = FilesystemStorage(archive.storage_root)
    fresh = storage.put(io.BytesIO(b"baru diunggah"))
    old = storage.put(io.BytesIO(b"sisa lama"))
    _age(archive.blob_path(b"sisa lama"), 2 * 3600)
    writing = archive.storage_root / ".tmp" / "put-running"
    writing.write_bytes(b"sedang ditulis")

    # Another process's upload: between writing its blob and committing its row.
    with storage.write_lease():
        checked = archive.run("fsck")
        repaired = archive.run("fsck", "--repair")

    assert f"orphan blob {old.key}" in checked.stderr
    assert fresh.key not in checked.stderr and str(writing) not in checked.stderr
    assert "uploads were in progress" in checked.stderr
    assert "nothing removed: uploads are in progress" in repaired.stdout
    assert repaired.exit_code == 1
    assert archive.blob_path(b"baru diunggah").exists()
    assert archive.blob_path(b"sisa lama").exists()
    assert writing.exists()
    # Once it has finished (here: left), the clean-up goes through.
    assert "removed orphan blob" in archive.ok("fsck", "--repair").stdout
    assert not writing.exists()


def test_a_killed_uploads_lease_is_released_with_its_process(imported, tmp_path):
    archive, _ = imported
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from dms.storage import FilesystemStorage; "
            f"s = FilesystemStorage({str(archive.storage_root)!r}); "
            "l = s.write_lease(); l.__enter__(); print('held', flush=True); "
            "time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        storage = FilesystemStorage(archive.storage_root)
        with pytest.raises(StorageBusy), storage.write_lease(exclusive=True):
            pass
    finally:
        holder.kill()
        holder.wait(timeout=10)
        holder.stdout.close()
    with storage.write_lease(exclusive=True):
        pass  # kill -9 leaves no lock behind


# --- demo ----------------------------------------------------------------------------

DEMO_LINE = re.compile(
    r"users (?P<users>[\w, .-]+) with password '(?P<password>[^']+)'"
)


@pytest.fixture
def demo(instance) -> tuple[Instance, list[str], str]:
    """An initialised instance with the demo loaded; its users and password."""
    instance.ok("init")
    found = DEMO_LINE.search(instance.ok("demo").stdout)
    assert found, "dms demo prints its users and their password"
    return instance, found["users"].split(", "), found["password"]


def log_in(client, username: str, password: str) -> dict:
    response = client.post(
        "/api/v1/auth/token", json={"username": username, "password": password}
    )
    assert response.status_code == 201, (username, response.get_json())
    return response.get_json()


def test_demo_users_of_every_role_get_a_token_with_the_printed_password(demo):
    archive, users, password = demo

    with archive.api() as client:
        roles = {log_in(client, username, password)["role"] for username in users}

    assert roles == ROLES


def test_demo_loads_all_four_categories_two_versions_and_a_pending_document(demo):
    archive, _, _ = demo

    documents = archive.documents()

    assert {d.category for d in documents} == CATEGORIES
    assert max(d.current_version for d in documents) == 2
    assert {"draft", "pending", "published"} <= {d.status for d in documents}
    assert archive.counts()["organisations"] >= 2


def test_demo_twice_adds_nothing(demo):
    archive, _, _ = demo
    before = archive.counts()

    again = archive.ok("demo")

    assert "demo: 0 document(s), 0 consequence test(s) and 0 request(s)" in again.stdout
    assert archive.counts() == before
    assert "0 damaged, 0 orphan(s)" in archive.ok("fsck").stdout


def test_anonymous_listing_of_the_demo_shows_no_exempt_draft_or_pending_document(demo):
    archive, _, _ = demo
    public = {
        d.title
        for d in archive.documents()
        if d.status == "published" and d.category != "dikecualikan"
    }

    with archive.api() as client:
        listing = client.get("/api/v1/documents?per_page=100").get_json()

    assert {d["title"] for d in listing["items"]} == public
    assert listing["total"] == len(public) > 0
    assert {d["status"] for d in listing["items"]} == {"published"}
    assert "dikecualikan" not in listing["facets"]["category"]


# --- configuration and the entry point -----------------------------------------------

EVERY_COMMAND = [
    ["init"],
    ["org", "add", "xx", "--name", "X"],
    ["user", "add", "xx", "--role", "admin"],
    ["token", "create", "xx"],
    ["import", ".", "--org", "xx", "--category", "berkala"],
    ["fsck"],
    ["demo"],
]


@pytest.mark.parametrize("command", EVERY_COMMAND, ids=lambda c: c[0])
@pytest.mark.parametrize(
    ("variable", "value", "fragment"),
    [
        ("DMS_MAX_UPLOAD_MB", "abc", "max_upload_mb must be a whole number"),
        ("DMS_FOO", "1", "unknown setting(s)"),
        ("DMS_STORAGE_URL", "ftp://arsip/dms", "unsupported storage URL"),
        ("DMS_DATABASE_URL", "arsip", "DMS_DATABASE_URL"),
    ],
    ids=["not-a-number", "unknown-setting", "unknown-storage", "bad-database-url"],
)
def test_invalid_configuration_makes_any_command_fail_in_one_line(
    instance, command, variable, value, fragment
):
    command = [str(instance.root) if arg == "." else arg for arg in command]

    result = instance.run(*command, **{variable: value})

    assert_fails_in_one_line(result, fragment)


@pytest.mark.parametrize("command", EVERY_COMMAND[1:], ids=lambda c: c[0])
def test_a_database_that_was_never_initialised_makes_a_command_fail_in_one_line(
    instance, tmp_path, command
):
    command = [str(instance.root) if arg == "." else arg for arg in command]

    result = instance.run(*command, DMS_DATABASE_URL=f"sqlite:///{tmp_path}/baru.db")

    assert_fails_in_one_line(result, "dms init")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--bogus"], "No such option '--bogus'. (see 'dms --help')"),
        (["nosuch"], "No such command 'nosuch'. (see 'dms --help')"),
        (["import"], "Missing argument 'PATHS...'. (see 'dms import --help')"),
        (["import", ".", "--org", "xx"], "Choose from: berkala, serta_merta,"),
    ],
    ids=["unknown-option", "unknown-command", "no-path", "no-category"],
)
def test_a_usage_error_is_one_line_that_names_the_help_to_read(
    instance, args, fragment
):
    result = instance.run(*args)

    assert_fails_in_one_line(result, fragment)
    assert result.exit_code == 2


def test_a_command_group_without_a_subcommand_shows_its_help(instance):
    result = instance.run("user")

    assert "Usage: dms user [OPTIONS] COMMAND" in result.output
    assert "add" in result.output


def test_an_unreachable_database_makes_a_command_fail_in_one_line(instance):
    result = instance.run(
        "fsck", DMS_DATABASE_URL="postgresql+psycopg://dms@127.0.0.1:1/dms"
    )

    assert_fails_in_one_line(result, "database")


def test_the_console_script_initialises_an_instance(instance):
    init = instance.script("init")

    assert init.returncode == 0, init.stderr
    assert init.stdout.startswith("dms: ready")
    assert (instance.storage_root / ".tmp").is_dir()


def test_help_lists_every_command(instance):
    help_text = instance.ok("--help").stdout

    for command in ("init", "serve", "org", "user", "token", "import", "fsck", "demo"):
        assert re.search(rf"^\s+{command}\s", help_text, re.MULTILINE), command


def test_the_console_script_refuses_to_serve_with_an_unknown_setting(instance):
    instance.env["DMS_FOO"] = "1"

    # A subprocess with a timeout: a server that wrongly starts cannot hang the suite.
    refused = instance.script("serve", "--port", "0", timeout=30)

    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        "dms: unknown setting(s) in the environment: DMS_FOO"
    ]
    assert "Traceback" not in refused.stderr


# --- the registers of the demo (issue 4's acceptance) ---------------------------------

DIP_HEADERS = [
    "No",
    "Badan publik",
    "Judul",
    "Ringkasan isi",
    "Pejabat/unit yang menguasai informasi",
    "Penanggung jawab pembuatan informasi",
    "Waktu dan tempat pembuatan",
    "Bentuk informasi yang tersedia",
    "Jangka waktu penyimpanan",
    "Kategori",
]
# Content of the demo's exempt documents that no register may show.
EXEMPT_CONTENT = [
    "Hendra Gunawan",
    "Maya Lestari",
    "Nama saksi dan bab 4",
    "Hasil pemeriksaan kesehatan setiap pegawai",
    "Hasil pemeriksaan kesehatan berkala pegawai",
    "Hasil audit investigatif Inspektorat",
    "LHA investigatif Inspektorat",
    "tidak ada kepentingan publik",
    "rekam-medis-pegawai-2026.pdf",
]


def test_the_demo_dip_opens_as_a_spreadsheet_and_a_pdf_with_the_right_columns(
    demo, tmp_path
):
    from openpyxl import load_workbook
    from pdfminer.high_level import extract_text

    archive, _, _ = demo
    public = {
        d.title
        for d in archive.documents()
        if d.status == "published" and d.category != "dikecualikan"
    }
    archive.ok("dip", "--output", tmp_path / "dip.xlsx")
    archive.ok("dip", "--output", tmp_path / "dip.pdf")

    sheet = load_workbook(tmp_path / "dip.xlsx").active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header_at = next(i for i, row in enumerate(rows) if row[0] == "No")
    assert rows[header_at][: len(DIP_HEADERS)] == DIP_HEADERS
    titles = {row[2] for row in rows[header_at + 1 :] if row[2]}
    assert titles == public
    assert any(title.endswith("(versi publik)") for title in titles)
    pdf_text = " ".join(extract_text(tmp_path / "dip.pdf").split())
    assert "Daftar Informasi Publik" in pdf_text
    assert "Ringkasan isi" in pdf_text and "Profil Dinas Kesehatan" in pdf_text


def test_the_demo_dik_gives_basis_and_period_of_each_exemption_and_no_content(
    demo, tmp_path
):
    from openpyxl import load_workbook
    from pdfminer.high_level import extract_text

    archive, _, _ = demo
    for name in ("dik.xlsx", "dik.pdf", "dik.json"):
        archive.ok("dik", "--output", tmp_path / name)
    items = json.loads((tmp_path / "dik.json").read_text())["items"]
    by_title = {item["title"]: item for item in items}
    assert set(by_title) == {
        "Rekam Medis Pemeriksaan Kesehatan Pegawai 2026",
        "Laporan Hasil Audit Investigatif Pengadaan Alat Kesehatan 2025",
    }
    medical = by_title["Rekam Medis Pemeriksaan Kesehatan Pegawai 2026"]
    assert "Pasal 17 huruf h angka 2" in medical["legal_basis"]
    assert medical["period"]["label"] == "tanpa batas waktu"
    audit = by_title["Laporan Hasil Audit Investigatif Pengadaan Alat Kesehatan 2025"]
    assert "Pasal 17 huruf a angka 1" in audit["legal_basis"]
    assert audit["period"]["label"].startswith("sampai ")

    sheet = load_workbook(tmp_path / "dik.xlsx").active
    workbook_text = " ".join(
        str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value
    )
    pdf_text = " ".join(extract_text(tmp_path / "dik.pdf").split())
    for output in (workbook_text, pdf_text, json.dumps(items)):
        assert "Dasar hukum" in output or "legal_basis" in output
        for secret in EXEMPT_CONTENT:
            assert secret.lower() not in output.lower(), secret


# --- officials: the NIP and position a penetapan is signed with ----------------------

OFFICIAL_NIP = "197001011990031001"


def official(ready, username: str) -> tuple[str, str]:
    with ready.database() as db:
        query = sql_select(User.nip, User.position).where(User.username == username)
        return tuple(db.execute(query).one())


def test_user_add_and_user_official_keep_the_nip_and_position(ready):
    ready.ok(
        "user", "add", "sekda", "--role", "atasan_ppid", "--org", "ppid-utama",
        "--nip", "19700101 199003 1 001", "--position", "Sekretaris Daerah",
    )  # fmt: skip
    assert official(ready, "sekda") == (OFFICIAL_NIP, "Sekretaris Daerah")

    ready.ok("user", "official", "sekda", "--nip", "", "--position", "Plh. Sekda")

    assert official(ready, "sekda") == ("", "Plh. Sekda")


def test_a_bad_nip_fails_with_a_message_and_adds_no_user(ready):
    result = ready.run("user", "add", "sekda", "--role", "atasan_ppid", "--nip", "1")

    assert result.exit_code != 0
    assert "18 angka" in result.output
    failed = ready.run("user", "official", "nobody", "--nip", OFFICIAL_NIP)
    assert failed.exit_code != 0 and "'nobody'" in failed.output
