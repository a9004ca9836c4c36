def test_health_ok(anon_client, transactional_db, live_worker):
    response = anon_client.get("/health")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["components"]) == {"database", "channelLayer", "celery", "storage", "ai"}
