"""In-process HTTP requests to the whole ASGI application (`juggy.asgi`), routes served ahead of Django's
handler included (VAPI's chat completions), for tests that need no socket. Django's test clients only
reach Django's handler."""

from __future__ import annotations

import json
from dataclasses import dataclass

from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator


@dataclass
class AsgiResponse:
    status_code: int
    headers: dict[str, str]
    content: bytes

    def __getitem__(self, name: str) -> str:
        return self.headers[name.lower()]

    def json(self):
        return json.loads(self.content)


def asgi_request(method: str, path: str, body: bytes | str = b"", headers: dict[str, str] | None = None,
                 timeout: float = 10) -> AsgiResponse:
    from juggy.asgi import application

    body = body.encode() if isinstance(body, str) else body
    sent = {"host": "127.0.0.1", "content-type": "application/json", "content-length": str(len(body)), **(headers or {})}
    wire = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in sent.items()]

    async def call():
        communicator = HttpCommunicator(application, method, path, body, wire)
        try:
            response = await communicator.get_response(timeout)
        finally:
            await communicator.wait(timeout)
        return response

    response = async_to_sync(call)()
    return AsgiResponse(response["status"], {k.decode("latin-1"): v.decode("latin-1") for k, v in response["headers"]},
                        response["body"])
