"""Test doubles and helpers, for the tests and the benchmarks only: never imported by product code.

- ``openai_server``: a loopback OpenAI-compatible server (chat completions, audio speech and
  transcriptions) that the real ``openai`` client talks to;
- ``twirp_server``: a loopback LiveKit (Twirp RoomService and AgentDispatchService) and ``sign_webhook``;
- ``live_server``: daphne serving ``juggy.asgi`` in a thread of the test process (``daphne_url``);
- ``asgi``: in-process requests to the whole ASGI application (``asgi_request``), no socket;
- ``audio``: synthetic PCM (``tone_pcm``) for speech tests;
- ``wer``: word error rate, for checking speech recognition quality;
- ``fixtures``: the pytest fixtures built on them, registered for every test by the root conftest.py.
"""
