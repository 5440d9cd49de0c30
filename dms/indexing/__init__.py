"""Full-text search: text extraction (extract.py, ocr.py), the Indonesian analyzer
(analysis.py) and the index (index.py). Not wired into the app yet: the API answers
`q` with a clear 400 until it is."""
