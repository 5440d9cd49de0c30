"""dms: the archive of public information under UU 14/2008 (KIP)."""

__version__ = "0.1.0"
