"""API keys on the Subscription hook are held to the /v1 rules: a running `notebridge serve` counts a key's hook
requests against the same per-key rate limit as its /v1 requests (one bucket: /v1 traffic uses up the hook's
allowance and the other way round; over it is a 429 OperationOutcome with Retry-After), writes the same audit record
for each (exported as AuditEvents by `notebridge audit export`), audits failed credentials, leaves requests made with
the route's secret alone, and warns at start about a route with no secret, naming the route; no key, secret or PHI in
the log."""
import json
import urllib.error
import urllib.request

from test_fhir_destination import endpoints, fhir_destination, start  # noqa: F401
from test_subscription_hook import SECRET, notification, post


def v1_note(gateway, key: str):
    """POST /v1/note with an empty body: authenticated (and counted against the key's rate) before it is refused."""
    request = urllib.request.Request(f"http://127.0.0.1:{gateway.http_port}/v1/note", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, dict(reply.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def hook(gateway, route: str, credential: str):
    """A heartbeat to the hook: status, OperationOutcome and headers."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{gateway.http_port}/fhir/subscription-hook/{route}",
        data=json.dumps(notification("heartbeat", None)).encode(), method="POST",
        headers={"Content-Type": "application/fhir+json", "Authorization": f"Bearer {credential}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, json.loads(reply.read()), dict(reply.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), dict(error.headers)


def audit_events(gateway) -> list:
    lines = gateway.cli("audit", "export", "--format", "ndjson").stdout.decode().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def by_key(events: list, key_id: str) -> list:
    return [e for e in events if (e["agent"][0]["who"].get("identifier") or {}).get("value") == key_id]


def test_hook_requests_with_an_api_key_share_the_v1_rate_limit_and_are_audited(gateway_factory, tmp_path,
                                                                               endpoints):  # noqa: F811
    server = endpoints()
    # One request per second, a burst of two: a key's third quick request is over the limit.
    config = ("api:\n  rateLimitPerSecond: 1\n  rateBurst: 2\n"
              "destinations:\n" + fhir_destination("ehr") +
              "subscriptions:\n  visits:\n    source: ehr\n    secret: ${HOOK_SECRET}\n    destinations: [ehr]\n"
              "  keyed:\n    source: ehr\n    destinations: [ehr]\n")
    gateway = start(gateway_factory, tmp_path, config, {"FHIR_BASE": server.base, "HOOK_SECRET": SECRET})
    key = json.loads(gateway.cli("keys", "create", "--name", "hook-caller", "--scopes", "notes:write",
                                 "--format", "json").stdout)

    # The route without a secret is named in a warning at start; the one with a secret is not.
    log = gateway.log_text()
    warnings = [line for line in log.splitlines() if "subscription route has no secret" in line]
    assert len(warnings) == 1, warnings
    assert "keyed" in warnings[0] and "visits" not in warnings[0]

    # A /v1 request takes one of the key's two tokens; the hook gets the other, then is refused with Retry-After.
    status, _ = v1_note(gateway, key["key"])
    assert status == 400
    statuses = []
    for _ in range(4):
        status, outcome, headers = hook(gateway, "keyed", key["key"])
        statuses.append(status)
        if status == 429:
            assert outcome["resourceType"] == "OperationOutcome" and outcome["issue"][0]["code"] == "throttled"
            assert int(headers["Retry-After"]) >= 1
            break
    # At most one token refills (one per second) while these run.
    assert statuses[-1] == 429 and 1 <= statuses.count(200) <= 2, statuses
    # The bucket is the key's, whichever route: /v1 is refused now too.
    status, headers = v1_note(gateway, key["key"])
    assert status == 429 and int(headers["Retry-After"]) >= 1
    # The route's secret is the EHR's own: not limited per key, and not audited.
    before = len(audit_events(gateway))
    for _ in range(4):
        assert hook(gateway, "visits", SECRET)[0] == 200
    assert len(audit_events(gateway)) == before
    # A credential that is neither the secret nor a key is audited as an unauthenticated attempt.
    assert hook(gateway, "visits", "not-the-secret-0123456789")[0] == 401

    events = audit_events(gateway)
    mine = by_key(events, key["id"])
    # Every request the key made, /v1 and hook alike, is one create AuditEvent with its outcome.
    assert len(mine) == 1 + len(statuses) + 1, mine
    assert all(e["action"] == "C" for e in mine)
    descriptions = [e.get("outcomeDesc") for e in mine]
    assert descriptions.count("HTTP 429 RATE_LIMITED") == 2, descriptions
    assert sum(1 for e in mine if e["outcome"] == "0") == statuses.count(200)
    assert all(e["agent"][0]["network"]["address"] == "127.0.0.1" for e in mine)
    unauthenticated = [e for e in events if e["agent"][0]["who"].get("display") == "unauthenticated caller"]
    assert [e.get("outcomeDesc") for e in unauthenticated] == ["HTTP 401 UNAUTHORIZED"]
    # An independent FHIR implementation reads every event.
    from fhir.resources.R4B.auditevent import AuditEvent
    for event in events:
        AuditEvent.parse_obj(event)

    log = gateway.log_text()
    for secret in (SECRET, key["key"], "not-the-secret-0123456789"):
        assert secret not in log
    assert key["id"] in log  # the key is named by its id


def test_a_route_whose_secret_is_empty_takes_api_keys_only_and_is_warned_about(gateway_factory, tmp_path,
                                                                               endpoints):  # noqa: F811
    server = endpoints()
    config = ("destinations:\n" + fhir_destination("ehr") +
              "subscriptions:\n  blank:\n    source: ehr\n    secret: \"\"\n    destinations: [ehr]\n")
    gateway = start(gateway_factory, tmp_path, config, {"FHIR_BASE": server.base})
    warnings = [line for line in gateway.log_text().splitlines() if "subscription route has no secret" in line]
    assert len(warnings) == 1 and "blank" in warnings[0], warnings
    assert post(gateway, "blank", notification("heartbeat", server), secret="")[0] == 401
    assert post(gateway, "blank", notification("heartbeat", server), secret=gateway.api_key)[0] == 200
