"""Start the workspace: uvicorn on 127.0.0.1 only, one line with the address and its token,
the browser opened on it; Ctrl-C stops it."""

from __future__ import annotations

import socket
import threading
import webbrowser
from pathlib import Path

HOST = "127.0.0.1"


def free_port(preferred: int) -> int:
    """``preferred`` if nobody listens there, else a free port the system gives."""
    for port in (preferred, 0):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind((HOST, port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise OSError("không còn cổng trống")


def serve(data_dir: Path, out_dir: Path, port: int, open_browser: bool, token: str | None = None,
          say=print) -> None:
    import uvicorn

    from ..app.workspace import Workspace
    from . import security
    from .app import create_app

    token = token or security.new_token()
    workspace = Workspace(data_dir, out_dir)
    app = create_app(workspace, token)
    port = free_port(port)
    address = f"http://{HOST}:{port}/?token={token}"
    say(f"vanban đang chạy tại {address}  (nhấn Ctrl+C để dừng)")
    if open_browser:
        threading.Timer(0.8, lambda: webbrowser.open(address)).start()
    config = uvicorn.Config(app, host=HOST, port=port, log_level="warning", access_log=False,
                            server_header=False, lifespan="off",
                            timeout_graceful_shutdown=STOP_WITHIN)

    class Server(uvicorn.Server):
        def handle_exit(self, sig, frame) -> None:
            workspace.cancel()   # a build under way stops now, writing nothing
            super().handle_exit(sig, frame)

    try:
        Server(config).run()
    except KeyboardInterrupt:  # uvicorn stops gracefully, then passes Ctrl-C on
        pass
    workspace.cancel()
    workspace.idle(STOP_WITHIN)
    say("Đã dừng vanban serve; dữ liệu và văn bản vẫn nguyên vẹn.")


STOP_WITHIN = 1.0   # seconds: Ctrl+C stops the server within about this, whatever runs
