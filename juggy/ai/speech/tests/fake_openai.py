"""A loopback OpenAI-compatible audio server for tests: /v1/audio/speech and /v1/audio/transcriptions.

The openai 3.x client talks through httpx2, which httpx mocking libraries cannot intercept, so the
tests run the real client against this real HTTP server.
"""

import json
import threading
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from juggy.ai.speech.audio import encode
from juggy.ai.speech.base import CONTENT_TYPES

from .conftest import tone_pcm

API_KEY = "sk-loopback-test"


class FakeOpenAI:
    def __init__(self):
        self.requests: list[dict] = []
        self.fail_with: int | None = None  # answer every request with this HTTP status
        self.transcript = "  I led the migration of our billing system.  "
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> "FakeOpenAI":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status: int, body: bytes, content_type: str = "application/json"):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _error(self, status: int, message: str):
                body = {"error": {"message": message, "type": "invalid_request_error", "code": None}}
                self._reply(status, json.dumps(body).encode())

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                record = {"path": self.path, "authorization": self.headers.get("Authorization")}
                fake.requests.append(record)
                if self.headers.get("Authorization") != f"Bearer {API_KEY}":
                    return self._error(401, "Incorrect API key provided.")
                if fake.fail_with:
                    return self._error(fake.fail_with, "The server had an error.")
                if self.path == "/v1/audio/speech":
                    return self._speech(record, json.loads(body))
                if self.path == "/v1/audio/transcriptions":
                    return self._transcription(record, body)
                return self._error(404, f"Unknown path {self.path}")

            def _speech(self, record, payload):
                record["json"] = payload
                fmt = payload.get("response_format", "mp3")
                if payload.get("voice") not in ("alloy", "echo", "fable", "onyx", "nova", "shimmer"):
                    return self._error(400, "Invalid voice.")
                seconds = round(0.06 * len(payload["input"]) / payload.get("speed", 1.0), 2)
                audio = encode(tone_pcm(seconds, rate=24000), sample_rate=24000, fmt=fmt)
                self._reply(200, audio, CONTENT_TYPES[fmt])

            def _transcription(self, record, body):
                message = BytesParser(policy=HTTP).parsebytes(
                    f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + body
                )
                fields = {}
                for part in message.iter_parts():
                    name = part.get_param("name", header="content-disposition")
                    if part.get_filename():
                        fields[name] = {
                            "filename": part.get_filename(),
                            "content_type": part.get_content_type(),
                            "data": part.get_payload(decode=True),
                        }
                    else:
                        fields[name] = part.get_payload(decode=True).decode()
                record["form"] = fields
                if "file" not in fields or "model" not in fields:
                    return self._error(400, "file and model are required.")
                if fields.get("response_format") == "verbose_json":
                    answer = {"task": "transcribe", "language": "english", "duration": 1.0, "text": fake.transcript}
                else:
                    answer = {"text": fake.transcript}
                self._reply(200, json.dumps(answer).encode())

        return Handler
