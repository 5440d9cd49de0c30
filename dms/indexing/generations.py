"""Index generations on disk, the same for both engines.

A rebuild writes a new ``gen-*`` folder beside the live one, records the schema
version it was built with in ``dms-index.json``, and swaps the ``current``
symlink atomically: readers see the old generation or the new one, never half.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from pathlib import Path

META_FILE = "dms-index.json"
CURRENT = "current"
GENERATION_PREFIX = "gen-"


class GenerationFolders:
    """The folder handling of an index at ``self.path``; the engine supplies
    ``_create_index_in(folder)`` and ``_generation_meta()``."""

    path: Path

    def _create_index_in(self, folder: Path) -> None:
        raise NotImplementedError

    def _generation_meta(self) -> dict:
        raise NotImplementedError

    @property
    def _current(self) -> Path:
        return self.path / CURRENT

    def _create_generation(self) -> Path:
        stamp = time.strftime("%Y%m%dT%H%M%S")
        generation = self.path / f"{GENERATION_PREFIX}{stamp}-{uuid.uuid4().hex[:8]}"
        generation.mkdir()
        self._create_index_in(generation)
        meta = json.dumps(self._generation_meta())
        (generation / META_FILE).write_text(meta, encoding="utf-8")
        return generation

    @staticmethod
    def _stored_version(folder: Path) -> int | None:
        try:
            meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
            return int(meta["schema_version"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _point_current_to(self, generation: Path) -> None:
        temporary = self.path / f".{CURRENT}-{uuid.uuid4().hex}"
        os.symlink(generation.name, temporary)
        os.replace(temporary, self._current)  # atomic: readers see old or new

    def _remove_generations(self, keep: set[Path | None]) -> None:
        for folder in self.path.glob(f"{GENERATION_PREFIX}*"):
            if folder.resolve() not in keep:
                shutil.rmtree(folder, ignore_errors=True)
