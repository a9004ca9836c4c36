"""A live ASGI server for tests: daphne serving juggy.asgi in a thread of the current process.

In-process, so Django settings changed by a test (the `settings` fixture) apply to the server too, and
the server's database connections reach the test database. Twisted's reactor cannot be restarted, so
one server is started per test session and stopped at its end.
"""

from __future__ import annotations

import threading

_state: dict = {}
_lock = threading.Lock()


def daphne_url() -> str:
    with _lock:
        if "url" not in _state:
            from daphne.server import Server

            from juggy.asgi import application

            ready = threading.Event()
            server = Server(
                application=application,
                endpoints=["tcp:port=0:interface=127.0.0.1"],
                signal_handlers=False,
                ready_callable=ready.set,
                verbosity=0,
            )
            threading.Thread(target=server.run, name="daphne-live", daemon=True).start()
            if not ready.wait(15):
                raise RuntimeError("daphne did not start listening within 15 s")
            _state.update(server=server, url=f"http://127.0.0.1:{server.listening_addresses[0][1]}")
        return _state["url"]


def daphne_stop() -> None:
    with _lock:
        server = _state.pop("server", None)
        _state.pop("url", None)
    if server is not None:
        from twisted.internet import reactor

        reactor.callFromThread(reactor.stop)
