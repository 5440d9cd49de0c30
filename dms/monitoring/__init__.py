"""Monitoring and reporting: what the PPID Utama watches and the annual report."""
