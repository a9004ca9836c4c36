"""The failed-login guard (issue 15): forged proxy headers, concurrent guesses, other people's failures."""

import threading

import pytest
from django.db import close_old_connections
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # the factory's


def login(client, username, password, **headers):
    return client.post("/auth/token", {"username": username, "password": password}, format="json", **headers)


def test_forged_x_forwarded_for_is_ignored_without_trusted_proxies(anon_client, settings):
    settings.AUTH_CLIENT_RATE_LIMIT = "20/minute"
    codes = [login(anon_client, f"user{n}", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(30)]
    assert codes[:20] == [401] * 20 and codes[20:] == [429] * 10  # one client, however it names itself


def test_with_a_trusted_proxy_the_address_it_saw_counts(anon_client, user, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    # The proxy appends the address it saw; what the client wrote before it is not believed.
    for _ in range(5):
        assert login(anon_client, "alice", "wrong", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9").status_code == 401
    assert login(anon_client, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.9").status_code == 429
    assert login(anon_client, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.7").status_code == 201


def test_someone_elses_failures_do_not_lock_out_the_real_user(anon_client, user):
    for _ in range(5):
        assert login(anon_client, "alice", "wrong", REMOTE_ADDR="203.0.113.66").status_code == 401
    assert login(anon_client, "alice", PASSWORD, REMOTE_ADDR="203.0.113.66").status_code == 429  # the attacker
    assert login(anon_client, "alice", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 201  # the user


def test_a_softer_cap_per_username_holds_across_clients(anon_client, user, settings):
    settings.AUTH_USERNAME_RATE_LIMIT = "12/minute"
    codes = [login(anon_client, "alice", "wrong", REMOTE_ADDR=f"203.0.113.{n // 4}").status_code for n in range(16)]
    assert codes[:12] == [401] * 12 and codes[12:] == [429] * 4
    assert login(anon_client, "alice", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 429
    assert login(anon_client, "bob-unrelated", "wrong", REMOTE_ADDR="198.51.100.7").status_code == 401


def test_refused_attempts_do_not_extend_the_lock_and_successes_do_not_count(anon_client, user):
    for _ in range(4):
        assert login(anon_client, "alice", "wrong").status_code == 401
    for _ in range(10):
        assert login(anon_client, "alice", PASSWORD).status_code == 201  # give their slot back
    assert login(anon_client, "alice", "wrong").status_code == 401  # the fifth failure
    assert [login(anon_client, "alice", "wrong").status_code for _ in range(3)] == [429] * 3


@pytest.mark.production
@pytest.mark.django_db(transaction=True)
def test_concurrent_wrong_passwords_are_counted_atomically(user):
    results, barrier = [], threading.Barrier(60)

    def guess():
        barrier.wait()
        try:
            results.append(login(APIClient(), "alice", "wrong").status_code)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=guess) for _ in range(60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [401] * 5 + [429] * 55

