from drf_spectacular.generators import SchemaGenerator


def test_contract_paths_are_documented_under_livekit_tag():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    expected = {
        "/livekit/token": {"get", "post"},
        "/livekit/room": {"post"},
        "/livekit/room/{roomName}": {"get", "delete"},
        "/livekit/rooms": {"get"},
        "/livekit/webhook": {"post"},
    }
    for path, methods in expected.items():
        operations = schema["paths"][path]
        assert methods <= set(operations)
        assert all(operations[m]["tags"] == ["livekit"] for m in methods)
    token_get = schema["paths"]["/livekit/token"]["get"]
    assert {p["name"] for p in token_get["parameters"]} >= {"identity", "room", "name"}
    assert {"bearerAuth": []} in token_get["security"] and {"roomPass": []} in token_get["security"]
    token_body = schema["components"]["schemas"]["LivekitTokenRequestRequest"]["properties"]
    assert set(token_body) == {"identity", "roomName", "name"}
