from juggy.ai.testing.fixtures import openai_server, openai_settings  # noqa: F401
