"""A real HTTP server on 127.0.0.1 serving images, redirects and oversize bodies."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01"
    b"\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
BIG = 64 * 1024


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _redirect(self, location: str | None, status: int = 302) -> None:
        self.send_response(status)
        if location is not None:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):  # noqa: N802 (http.server's naming)
        path = self.path
        self.server.hits.append(path)
        if path == "/image.png":
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(PNG)))
            self.end_headers()
            self.wfile.write(PNG)
        elif path == "/hop":
            self._redirect("/image.png")
        elif path.startswith("/chain/"):
            left = int(path.rsplit("/", 1)[1])
            self._redirect(f"/chain/{left - 1}" if left > 0 else "/image.png")
        elif path.startswith("/status/"):
            self._redirect("/image.png", int(path.rsplit("/", 1)[1]))
        elif path == "/no-location":
            self._redirect(None)
        elif path == "/elsewhere":
            self._redirect("https://evil.example.com/image.png")
        elif path == "/to-http-localhost":
            self._redirect(f"http://localhost:{self.server.server_port}/image.png")
        elif path == "/declared-big":
            self.send_response(200)
            self.send_header("Content-Length", str(BIG * 4))
            self.end_headers()
            self.wfile.write(b"\0" * (BIG * 4))
        elif path == "/undeclared-big":
            self.send_response(200)
            self.end_headers()  # HTTP/1.0: the body runs until the connection closes
            for _ in range(8):
                self.wfile.write(b"\0" * BIG)
        elif path == "/missing":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()


class ImageServer:
    """Start with `with ImageServer() as server:`; `server.url(path)` builds URLs."""

    def __enter__(self) -> ImageServer:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.hits = []
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}{path}"

    @property
    def hits(self) -> list[str]:
        return self.httpd.hits

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
