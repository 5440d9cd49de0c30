"""`python -m dms` runs the `dms` command (how `dms serve` starts its worker)."""

from dms.cli import main

main(prog_name="dms")
