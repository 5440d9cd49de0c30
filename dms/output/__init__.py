"""What the archive hands out: Indonesian dates, CSV and XLSX cells behind one
formula guard, and one reportlab page kit for letters."""
