"""An organisation's PPID profile: what its standard PPID page shows."""
