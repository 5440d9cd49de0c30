"""A minimal HTTP sender of one file, for the loopback ceiling of this host.

`python -m bench.ceiling PATH` listens on 127.0.0.1 and a free port, prints the
port, and answers every request with the whole file via sendfile(2): about the
fastest any server can hand bytes to the same client. Stops on SIGTERM.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import sys
from pathlib import Path

HEADER = (
    "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
    "Content-Length: {size}\r\nConnection: close\r\n\r\n"
)


def serve(path: Path) -> None:
    """Answer connections one at a time until killed."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        print(server.getsockname()[1], flush=True)
        while True:
            connection, _ = server.accept()
            with connection, contextlib.suppress(OSError):
                answer(connection, path)


def answer(connection: socket.socket, path: Path) -> None:
    """Read the request head, send the headers, then the file."""
    request = b""
    while b"\r\n\r\n" not in request:
        data = connection.recv(65536)
        if not data:
            return
        request += data
    with path.open("rb") as file:
        size = path.stat().st_size
        connection.sendall(HEADER.format(size=size).encode())
        connection.sendfile(file)


def main() -> None:
    """Serve the file named on the command line."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    serve(Path(sys.argv[1]))


if __name__ == "__main__":
    main()
