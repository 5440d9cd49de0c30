"""Bringing a body's existing records into dms: its DIP spreadsheet and files."""
