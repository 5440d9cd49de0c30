"""Full-text search: text extraction, the Indonesian analyzer and the index.

Arrives with the search issue; the API answers `q` with a clear 400 until then.
"""
