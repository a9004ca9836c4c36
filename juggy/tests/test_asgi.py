import pytest
from channels.testing import WebsocketCommunicator

from juggy.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True)]


async def _connects(path="/ws/interview", origin=None) -> bool:
    headers = [(b"host", b"127.0.0.1")]
    if origin:
        headers.append((b"origin", origin.encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect()
    await communicator.disconnect()
    return connected


@pytest.mark.parametrize("path", ["/ws/interview", "/ws/interview/", "/"])
async def test_websocket_is_served_at_both_paths(path):
    assert await _connects(path, origin="http://127.0.0.1:8000")


async def test_clients_without_origin_are_not_browsers_and_may_connect():
    assert await _connects(origin=None)


async def test_foreign_browser_origins_are_refused():
    assert not await _connects(origin="https://evil.example")


async def test_unknown_websocket_path_is_refused():
    assert not await _connects("/ws/nothing-here", origin="http://127.0.0.1:8000")
