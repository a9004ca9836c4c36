import pytest

from testsupport.twirp_server import FakeLiveKitServer


@pytest.fixture
def livekit_server(settings):
    """A loopback LiveKit (Twirp) server, and settings pointing Juggy at it."""
    server = FakeLiveKitServer(api_key="APItestkey", api_secret="test-secret-for-the-loopback-server").start()
    settings.LIVEKIT_URL = server.url
    settings.LIVEKIT_API_KEY = server.api_key
    settings.LIVEKIT_API_SECRET = server.api_secret
    settings.LIVEKIT_API_TIMEOUT_SECONDS = 2.0
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def no_livekit(settings):
    """Embedded mode unless a test asks for `livekit_server`, whatever the environment says."""
    settings.LIVEKIT_URL = settings.LIVEKIT_API_KEY = settings.LIVEKIT_API_SECRET = ""
