"""Run moto's ThreadedMotoServer in its own process; print `PORT` once it listens.

Its own process, so the S3 server does not share the benchmark's interpreter
(and its GIL) with the storage reads being timed. Stops on SIGTERM or SIGINT.
"""

from __future__ import annotations

import signal
import sys
import threading

from moto.server import ThreadedMotoServer


def main() -> None:
    """Serve on 127.0.0.1 and a free port until told to stop."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    print(server.get_host_and_port()[1], flush=True)
    stop.wait()
    server.stop()


if __name__ == "__main__":
    sys.exit(main())
