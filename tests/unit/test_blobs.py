"""Blob clean-up must see every table that refers to a blob: dms.blobs finds them by
their `blob_sha256` column, so a version, a request's identity or proxy file and an
answer's attachment all keep their blob from being deleted."""

from __future__ import annotations

from dms import blobs, schema  # noqa: F401  (schema registers every table)


def test_every_table_holding_a_blob_is_found():
    tables = {column.table.name for column in blobs.blob_columns()}
    assert tables == {"document_versions", "request_files", "request_attachments"}
