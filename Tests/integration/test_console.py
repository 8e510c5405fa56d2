"""The operator console in a real browser: headless Chromium (Debian `chromium` and `chromium-driver`) driven by
Selenium against a real `notebridge serve` with a receiving MLLP peer. One gateway and one browser serve the whole
module (the tests run in order and build on each other's data). Every page is checked with axe-core (bundled by the
PyPI package axe-selenium-python) and saved as a screenshot under Tests/integration/artifacts/console/."""
import json
import os
import pathlib
import shutil
import signal
import time
import urllib.error
import urllib.request

import pytest

from conftest import Gateway, REPO, synthetic
from test_pipeline import NAME_MARKER, TRANSCRIPT, TRANSCRIPT_MARKER, Receiver, field, mdm, outbox, send, wait_for
from test_pipeline_hl7 import mllp_send

selenium = pytest.importorskip("selenium", reason="selenium is installed by scripts/setup-debian.sh test")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

# The tests build on each other (in file order, on one gateway and one browser): with pytest-xdist they run on one
# worker (`--dist loadgroup`, as `make test` runs them).
pytestmark = pytest.mark.xdist_group("console")

ARTIFACTS = REPO / "Tests" / "integration" / "artifacts" / "console"
DEAD_MRN, LIVE_MRN = "MRN7001", "MRN7002"


def chromium_paths():
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver") or ("/usr/lib/chromium/chromedriver"
                                              if os.path.exists("/usr/lib/chromium/chromedriver") else None)
    return browser, driver


@pytest.fixture(scope="module")
def peer():
    receiver = Receiver()
    # The EHR refuses the first patient (AE): that delivery goes to the dead letter.
    receiver.answer = lambda message: "AE" if field(message, "PID", 3).startswith(DEAD_MRN + "^") else "AA"
    yield receiver
    receiver.stop()


@pytest.fixture(scope="module")
def console_gateway(tmp_path_factory, peer):
    folder = tmp_path_factory.mktemp("console")
    config = folder / "console.yaml"
    config.write_text(
        "destinations:\n"
        "  ehr:\n"
        "    type: mllp\n"
        "    host: 127.0.0.1\n"
        f"    port: {peer.port}\n"
        "    receivingApplication: EHR\n"
        "    receivingFacility: HOSP\n"
        "    ackTimeoutSeconds: 5\n"
        "    connectTimeoutSeconds: 2\n"
        "    initialBackoffMilliseconds: 200\n"
        "    maxBackoffSeconds: 1\n"
        "    maxAttempts: 1000\n"
        # One route that takes what the implicit one would (MDM^T02 and ORU^R01 from any sender): the dashboard
        # counts by route.
        "routes:\n"
        "  notes:\n"
        "    destinations: [ehr]\n")
    gateway = Gateway(folder / "data")
    gateway.args = ["--config", str(config)]
    gateway.cwd = REPO  # the Mappings page reads mappings/ of the working folder
    gateway.start()
    assert gateway.api_key, "the first API key (every scope) was not printed"
    yield gateway
    gateway.stop(signal.SIGKILL)


@pytest.fixture(scope="module")
def browser():
    path, driver_path = chromium_paths()
    if not path or not driver_path:
        pytest.skip("chromium and chromium-driver are installed by scripts/setup-debian.sh test")
    options = webdriver.ChromeOptions()
    options.binary_location = path
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,1000", "--disable-extensions", "--no-first-run"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def sent(console_gateway, peer, tmp_path_factory):
    """Two MDM^T02 sent with the python hl7 package's mllp_send: one the EHR refuses (dead), one it accepts."""
    folder = tmp_path_factory.mktemp("sent")
    acks = mllp_send(console_gateway, folder, mdm("CONSOLE-DEAD", DEAD_MRN, "V71"), mdm("CONSOLE-LIVE", LIVE_MRN, "V72"))
    assert [a.split("\r")[1].split("|")[1] for a in acks] == ["AA", "AA"]
    wait_for(lambda: sorted(r["state"] for r in outbox(console_gateway)) == ["dead", "delivered"],
             what="one dead and one delivered row")
    return next(row for row in outbox(console_gateway) if row["state"] == "dead")


def base(gateway) -> str:
    return f"http://127.0.0.1:{gateway.http_port}"


def screenshot(driver, name: str):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def sign_in(driver, gateway, key: str):
    if "/console/login" not in driver.current_url:
        driver.get(base(gateway) + "/console/login")
    driver.find_element(By.ID, "api_key").send_keys(key)
    driver.find_element(By.CSS_SELECTOR, "form[action='/console/login'] button[type=submit]").click()
    wait_for(lambda: "/console/login" not in driver.current_url, timeout=15, what="the console after sign-in")


def sign_out(driver):
    driver.find_element(By.CSS_SELECTOR, "form.signout button").click()
    wait_for(lambda: "/console/login" in driver.current_url, timeout=15, what="the sign-in page")


def wait_css(driver, selector: str, timeout: float = 15):
    """The elements matching `selector` once there are any (a click that submits a form loads the next page)."""
    found = []

    def present():
        found[:] = driver.find_elements(By.CSS_SELECTOR, selector)
        return bool(found)

    try:
        wait_for(present, timeout=timeout, what=selector)
    except AssertionError:
        raise AssertionError(f"no {selector} on {driver.current_url}: {driver.find_element(By.TAG_NAME, 'body').text}")
    return found


def journal_id(gateway, control_id: str) -> int:
    out = gateway.cli("journal", "list", "--limit", "0").stdout.decode()
    return next(json.loads(line)["id"] for line in out.splitlines() if f'"{control_id}"' in line)


def test_sign_in_opens_a_session_in_a_strict_http_only_cookie(browser, console_gateway):
    browser.get(base(console_gateway) + "/console/messages?control_id=X-1&state=processed")
    assert "/console/login" in browser.current_url
    screenshot(browser, "login")
    sign_in(browser, console_gateway, console_gateway.api_key)
    # Sign-in returns to the address that was asked for, a bookmarked search included.
    assert browser.current_url.endswith("/console/messages?control_id=X-1&state=processed")
    assert browser.find_element(By.ID, "control_id").get_attribute("value") == "X-1"
    cookie = browser.get_cookie("nb_console")
    assert cookie is not None
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert cookie["secure"] is False  # plain HTTP on 127.0.0.1; Secure is set when http.tls is on
    assert cookie["path"] == "/console"
    assert 0 < cookie["expiry"] - time.time() <= 8 * 3600 + 60
    # The session cookie is not readable from page script.
    assert "nb_console" not in browser.execute_script("return document.cookie")


def test_the_pages_show_the_messages_the_test_sent(browser, console_gateway, sent, tmp_path_factory):
    # The CLI searches the journal with the same filters as the Messages page.
    found = console_gateway.cli("journal", "list", "--control-id", "CONSOLE-DEAD", "--type", "MDM").stdout
    assert [json.loads(line)["controlId"] for line in found.decode().splitlines()] == ["CONSOLE-DEAD"]
    browser.get(base(console_gateway) + "/console/messages?control_id=CONSOLE-DEAD")
    rows = browser.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    assert len(rows) == 1 and "CONSOLE-DEAD" in rows[0].text and "MDM^T02" in rows[0].text
    screenshot(browser, "messages")
    rows[0].find_element(By.TAG_NAME, "a").click()
    text = browser.find_element(By.TAG_NAME, "main").text
    assert "Patient Identification" in text and "Transcription Document Header" in text
    assert "PID-5.1" in text and NAME_MARKER in text  # the first key has phi:read
    assert "Message Control ID" in text
    assert "nil" not in text.split()  # absent values are left out, not printed
    assert "dead" in text and "AE: the receiver refused the message" in text
    screenshot(browser, "message")
    # The dashboard counts the two messages and the dead delivery (and updates over Server-Sent Events).
    browser.get(base(console_gateway) + "/console")
    wait_for(lambda: browser.find_element(By.CSS_SELECTOR, "[data-stat='outbox.ehr.dead']").text == "1",
             timeout=15, what="the dead count")
    assert browser.find_element(By.CSS_SELECTOR, "[data-stat='journal.total']").text == "2"
    assert browser.find_element(By.CSS_SELECTOR, "[data-stat='outbox.ehr.queued-1m']").text == "2"
    assert int(browser.find_element(By.CSS_SELECTOR, "[data-stat='messages.received-1m']").text) >= 1
    # By route, from the counters' `route` label: the configured route, and a row for messages no route takes.
    assert int(browser.find_element(By.CSS_SELECTOR, "[data-stat='route.notes.received-1m']").text) >= 1
    assert browser.find_element(By.CSS_SELECTOR, "[data-stat='route.none.received-1m']").text == "0"
    # The listeners are shown with the ports they are bound to.
    assert f"MLLP: 127.0.0.1:{console_gateway.mllp_port}" in browser.find_element(By.TAG_NAME, "main").text
    errors = browser.find_element(By.ID, "errors").text
    assert "AE: the receiver refused the message" in errors and NAME_MARKER not in errors
    screenshot(browser, "dashboard")
    # Live: a message that arrives while the dashboard is open is counted without a reload (Server-Sent Events).
    mllp_send(console_gateway, tmp_path_factory.mktemp("live"), synthetic("CONSOLE-ADT", sender="REGISTER"))
    wait_for(lambda: browser.find_element(By.CSS_SELECTOR, "[data-stat='journal.total']").text == "3",
             timeout=15, what="the live count of three messages")
    # An ADT^A04 no route takes: counted live under `none`.
    wait_for(lambda: browser.find_element(By.CSS_SELECTOR, "[data-stat='route.none.received-1m']").text == "1",
             timeout=15, what="the live count of the unrouted message")


def test_a_dead_letter_retried_from_the_outbox_page_is_delivered(browser, console_gateway, peer, sent):
    peer.answer = lambda message: "AA"
    browser.get(base(console_gateway) + "/console/outbox")
    retry = browser.find_element(By.CSS_SELECTOR, "a[aria-label^='Retry row']")
    screenshot(browser, "outbox")
    retry.click()
    assert "Retry delivery" in browser.find_element(By.TAG_NAME, "h1").text
    screenshot(browser, "outbox-confirm")
    browser.find_element(By.ID, "confirm").click()
    assert "1 dead delivery was queued again." in wait_css(browser, ".notice")[0].text
    wait_for(lambda: [r["state"] for r in outbox(console_gateway)] == ["delivered", "delivered"],
             what="both rows delivered")
    again = [m for m in peer.accepted() if field(m, "PID", 3).startswith(DEAD_MRN + "^")]
    assert len(again) == 1
    # Sent again with the control ID of the first try.
    assert field(again[0], "MSH", 10) == sent["controlId"]
    assert "console" in console_gateway.log_text() and NAME_MARKER not in console_gateway.log_text()


def test_the_retry_is_an_audit_record_in_the_console_and_in_the_audit_export(browser, console_gateway, sent):
    # The audit page lists the retry (who, what, which row, through what), metadata only.
    browser.get(base(console_gateway) + "/console/audit")
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "main table tbody tr") if "outbox-retry" in r.text)
    assert f"outbox:{sent['id']}" in row.text and "console" in row.text
    first_key_id = browser.find_element(By.CSS_SELECTOR, ".who").text.split("(")[1].split(")")[0]
    assert first_key_id in row.text
    assert NAME_MARKER not in browser.page_source and TRANSCRIPT_MARKER not in browser.page_source
    screenshot(browser, "audit")
    # `notebridge audit export` writes it as a FHIR AuditEvent with NoteBridge's action code and the row.
    lines = console_gateway.cli("audit", "export", "--format", "ndjson").stdout.decode().splitlines()
    events = [json.loads(line) for line in lines]
    retries = [e for e in events
               if any(c.get("code") == "outbox-retry" for c in e["subtype"])]
    assert len(retries) == 1
    event = retries[0]
    assert event["action"] == "U" and event["outcome"] == "0"
    assert event["agent"][0]["who"]["identifier"]["value"] == first_key_id
    assert {"system": "urn:notebridge:outbox", "value": str(sent["id"])} in [
        entity["what"].get("identifier") for entity in event["entity"]]
    # The PHI view of a message (the first key has phi:read) is a read record naming the journal entry.
    reads = [e for e in events if e["action"] == "R"]
    assert any(entity["what"].get("identifier", {}).get("system") == "urn:notebridge:journal"
               for e in reads for entity in e.get("entity", []))


def test_paging_links_move_through_more_rows_than_a_page(browser, console_gateway):
    # Three messages, one a page: the Older links walk through all of them, the Newer links back; each page's
    # address keeps the filters and is bookmarkable.
    browser.get(base(console_gateway) + "/console/messages?limit=1")
    seen = []
    while True:
        rows = browser.find_elements(By.CSS_SELECTOR, "main table tbody tr")
        assert len(rows) == 1
        seen.append(int(rows[0].find_element(By.TAG_NAME, "a").text))
        older = browser.find_elements(By.LINK_TEXT, "Older messages")
        if not older:
            break
        previous = browser.current_url
        older[0].click()
        wait_for(lambda: browser.current_url != previous, timeout=10, what="the older page")
    assert len(seen) == len(console_gateway.journal()) >= 3
    assert seen == sorted(seen, reverse=True)
    bookmarked = browser.current_url
    assert "before=" in bookmarked and "limit=1" in bookmarked
    screenshot(browser, "messages-paged")
    browser.find_element(By.LINK_TEXT, "Newer messages").click()
    wait_for(lambda: "after=" in browser.current_url, timeout=10, what="the newer page")
    assert int(browser.find_element(By.CSS_SELECTOR, "main table tbody tr a").text) == seen[-2]
    browser.get(bookmarked)
    assert int(browser.find_element(By.CSS_SELECTOR, "main table tbody tr a").text) == seen[-1]
    # The outbox pages the same way, with its filters kept.
    browser.get(base(console_gateway) + "/console/outbox?state=delivered&limit=1")
    ids = [int(browser.find_element(By.CSS_SELECTOR, "main table tbody tr td").text)]
    link = browser.find_element(By.LINK_TEXT, "Older rows")
    assert "state=delivered" in link.get_attribute("href")
    link.click()
    wait_for(lambda: "before=" in browser.current_url, timeout=10, what="the older outbox page")
    ids.append(int(browser.find_element(By.CSS_SELECTOR, "main table tbody tr td").text))
    assert ids == sorted({r["id"] for r in outbox(console_gateway) if r["state"] == "delivered"}, reverse=True)


def test_the_playground_shows_a_note_and_highlights_the_evidence_of_a_statement(browser, console_gateway):
    browser.get(base(console_gateway) + "/console/playground")
    browser.find_element(By.ID, "transcript").send_keys("\n".join(TRANSCRIPT))
    browser.find_element(By.CSS_SELECTOR, "form[action='/console/playground'] button[type=submit]").click()
    statements = wait_css(browser, "button.statement")
    assert len(statements) >= 3
    target = next(s for s in statements if "knee" in s.text.lower())
    # Keyboard: moving to a statement with Tab highlights its evidence as a click does.
    statements[0].click()
    position = statements.index(target)
    for _ in range(position):
        browser.switch_to.active_element.send_keys(Keys.TAB)
    assert browser.switch_to.active_element == target
    assert target.get_attribute("aria-pressed") == "true"
    target.send_keys(Keys.SPACE)
    assert target.get_attribute("aria-pressed") == "true"
    highlighted = browser.find_elements(By.CSS_SELECTOR, "#transcript-text .piece.highlight")
    assert highlighted, "selecting a statement highlights its transcript span"
    spans = " ".join(piece.text for piece in highlighted)
    assert "knee" in spans.lower()
    assert spans.strip() in browser.find_element(By.ID, "transcript-text").text
    # Selecting transcript text marks the statements it supports.
    piece = highlighted[0]
    browser.execute_script(
        "const range = document.createRange(); range.selectNodeContents(arguments[0]);"
        "const selection = window.getSelection(); selection.removeAllRanges(); selection.addRange(range);", piece)
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "button.statement.supported"), timeout=5,
             what="the statements the selected text supports")
    assert "supports" in browser.find_element(By.ID, "supports").text
    # The FHIR and HL7 v2 renderings side by side.
    renderings = browser.find_elements(By.CSS_SELECTOR, "pre.rendering")
    assert '"resourceType": "Bundle"' in renderings[0].text or '"resourceType":"Bundle"' in renderings[0].text
    assert renderings[1].text.startswith("MSH|") and "ORU^R01" in renderings[1].text
    screenshot(browser, "playground")


def test_keys_are_shown_once_and_a_key_without_phi_read_sees_metadata_only(browser, console_gateway, sent):
    browser.get(base(console_gateway) + "/console/keys")
    browser.find_element(By.ID, "name").send_keys("auditor")
    for box in browser.find_elements(By.CSS_SELECTOR, "input[name=scopes]"):
        if box.is_selected() != (box.get_attribute("value") == "admin"):
            box.click()
    browser.find_element(By.CSS_SELECTOR, "form[action='/console/keys'] button[type=submit]").click()
    key = wait_css(browser, "#new-key")[0].text
    assert key.startswith("nb_live_")
    screenshot(browser, "keys")
    browser.get(base(console_gateway) + "/console/keys")
    assert key not in browser.page_source and "auditor" in browser.page_source
    sign_out(browser)
    sign_in(browser, console_gateway, key)
    browser.get(base(console_gateway) + f"/console/messages/{journal_id(console_gateway, 'CONSOLE-LIVE')}")
    page = browser.page_source
    assert "CONSOLE-LIVE" in page and "Patient Identification" in page
    for marker in (NAME_MARKER, TRANSCRIPT_MARKER, LIVE_MRN):
        assert marker not in page
    assert "phi:read" in page
    assert "metadata only" in browser.find_element(By.CSS_SELECTOR, ".who").text
    screenshot(browser, "message-metadata-only")
    sign_out(browser)
    sign_in(browser, console_gateway, console_gateway.api_key)


def test_a_post_without_the_csrf_token_is_refused(browser, console_gateway):
    browser.get(base(console_gateway) + "/console")
    session = browser.get_cookie("nb_console")["value"]
    request = urllib.request.Request(
        base(console_gateway) + "/console/outbox/retry-dead", data=b"destination=ehr", method="POST",
        headers={"Cookie": f"nb_console={session}", "Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
    assert "CSRF" in refused.value.read().decode()
    # With the page's token the same request is accepted (303 to the outbox page).
    token = browser.find_element(By.CSS_SELECTOR, "form.signout input[name=csrf]").get_attribute("value")
    accepted = urllib.request.Request(
        base(console_gateway) + "/console/outbox/retry-dead", data=f"csrf={token}".encode(), method="POST",
        headers={"Cookie": f"nb_console={session}", "Content-Type": "application/x-www-form-urlencoded"})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    with pytest.raises(urllib.error.HTTPError) as redirected:
        urllib.request.build_opener(NoRedirect).open(accepted, timeout=10)
    assert redirected.value.code == 303
    # Every page is served under a strict Content-Security-Policy, without inline script.
    with urllib.request.urlopen(base(console_gateway) + "/console/login", timeout=10) as answer:
        policy = answer.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "script-src 'self'" in policy
        assert "<script>" not in answer.read().decode()


def test_the_mappings_page_checks_every_file_and_previews_one(browser, console_gateway):
    browser.get(base(console_gateway) + "/console/mappings")
    rows = browser.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    names = [row.find_element(By.TAG_NAME, "code").text for row in rows]
    assert "hl7-out/default.yaml" in names and "fhir-note.yaml" in names
    assert all(" ok " in f" {row.text} " for row in rows)
    browser.find_element(By.CSS_SELECTOR, "a[aria-label='Preview hl7-out/default.yaml']").click()
    preview = wait_css(browser, "pre.rendering")[0].text
    assert preview.startswith("MSH|") and "TESTPATIENT^ALEX" in preview
    screenshot(browser, "mappings")
    # A path that is not one of the listed files is refused, not read.
    browser.get(base(console_gateway) + "/console/mappings?preview=../Package.swift")
    assert "Not found" in browser.find_element(By.TAG_NAME, "h1").text


PAGES = ["/console", "/console/messages", "/console/messages?limit=1&before=999999", "MESSAGE", "/console/outbox", "/console/outbox/confirm?action=retry-dead",
         "/console/playground", "PLAYGROUND-NOTE", "/console/mappings", "/console/mappings?preview=hl7-out/default.yaml",
         "/console/keys", "/console/audit", "/console/settings", "/console/messages/999999", "/console/nowhere", "/console/login"]


def test_every_page_passes_axe_core_and_is_saved_as_a_screenshot(browser, console_gateway):
    from axe_selenium_python import Axe
    failures = []
    for page in PAGES:
        address = (f"/console/messages/{journal_id(console_gateway, 'CONSOLE-DEAD')}" if page == "MESSAGE" else page)
        if page == "PLAYGROUND-NOTE":  # the playground with a note, its evidence and renderings
            address = "/console/playground-note"
            browser.get(base(console_gateway) + "/console/playground")
            browser.find_element(By.ID, "billing").click()
            browser.find_element(By.ID, "transcript").send_keys("\n".join(TRANSCRIPT))
            browser.find_element(By.CSS_SELECTOR, "form[action='/console/playground'] button[type=submit]").click()
            wait_css(browser, "pre.rendering")
        else:
            browser.get(base(console_gateway) + address)
        axe = Axe(browser)
        axe.inject()
        results = axe.run()
        serious = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
        if serious:
            failures.append(f"{address}: " + "; ".join(f"{v['id']} ({v['impact']}): {v['help']}" for v in serious))
        name = address.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "console"
        screenshot(browser, f"axe-{name}")
    assert not failures, "\n".join(failures)
    # The settings page redacts nothing it should show and shows no secret.
    browser.get(base(console_gateway) + "/console/settings")
    assert "destinations.ehr.address" in browser.page_source


def test_purging_delivered_rows_asks_first_and_keeps_the_others(browser, console_gateway):
    browser.get(base(console_gateway) + "/console/outbox")
    browser.find_element(By.PARTIAL_LINK_TEXT, "Purge delivered rows").click()
    cutoff = browser.find_element(By.ID, "delivered_before")
    cutoff.clear()
    cutoff.send_keys("2999-01-01T00:00:00Z")
    browser.find_element(By.ID, "confirm").click()
    assert "2 delivered rows were purged." in wait_css(browser, ".notice")[0].text
    assert outbox(console_gateway) == []
    # A cutoff that is not a time is refused with a page that says why.
    browser.get(base(console_gateway) + "/console/outbox/confirm?action=purge")
    cutoff = browser.find_element(By.ID, "delivered_before")
    cutoff.clear()
    cutoff.send_keys("yesterday")
    browser.find_element(By.ID, "confirm").click()
    assert "delivered_before must be an ISO 8601 time" in wait_css(browser, "p.error")[0].text


def metric_values(gateway) -> dict:
    """The counters of `/metrics`: {(name, frozenset of labels): value}."""
    values = {}
    with urllib.request.urlopen(base(gateway) + "/metrics", timeout=10) as answer:
        for line in answer.read().decode().splitlines():
            if not line or line.startswith("#"):
                continue
            series, value = line.rsplit(" ", 1)
            name, _, labels = series.partition("{")
            pairs = frozenset(tuple(p.split("=", 1)) for p in labels.rstrip("}").replace('"', "").split(",") if p)
            values[(name, pairs)] = float(value)
    return values


def metric_sum(values: dict, name: str, **labels) -> int:
    return int(sum(v for (n, pairs), v in values.items()
                   if n == name and all((k, w) in pairs for k, w in labels.items())))


def test_a_second_gateway_counts_from_its_metrics_and_keeps_sessions_across_a_restart(browser, tmp_path_factory):
    """A fresh gateway (its own data folder and EHR, one route): the dashboard's per-minute counts, by message type,
    destination and route, equal the growth of the counters /metrics exports (the gateway is younger than a minute,
    so the growth is since its start); then the
    gateway restarts on the same SQLite database and the browser's session is still accepted; signing out ends it
    for good. Last in the module: the browser's cookie is then this gateway's."""
    receiver = Receiver()
    receiver.answer = lambda message: "AE" if field(message, "PID", 3).startswith("MRN7101^") else "AA"
    folder = tmp_path_factory.mktemp("console-second")
    config = folder / "second.yaml"
    config.write_text(
        "destinations:\n  ehr:\n    type: mllp\n    host: 127.0.0.1\n"
        f"    port: {receiver.port}\n    ackTimeoutSeconds: 5\n    connectTimeoutSeconds: 2\n"
        "    initialBackoffMilliseconds: 200\n    maxBackoffSeconds: 1\n"
        "routes:\n  dictation:\n    sendingApplication: DICTATE\n    destinations: [ehr]\n")
    gateway = Gateway(folder / "data")
    gateway.args = ["--config", str(config)]
    try:
        gateway.start()
        before = metric_values(gateway)
        for control, mrn in (("SECOND-1", "MRN7101"), ("SECOND-2", "MRN7102")):
            assert send(gateway, mdm(control, mrn, "V81")) == "AA"
        # A sender no route takes: received and failed with the route label `none`.
        unrouted = mdm("SECOND-3", "MRN7103", "V82").replace(b"|DICTATE|", b"|OTHER|", 1)
        assert send(gateway, unrouted) == "AA"
        wait_for(lambda: sorted(r["state"] for r in outbox(gateway)) == ["dead", "delivered"],
                 what="one dead and one delivered row")
        processed = "notebridge_messages_processed_total"
        wait_for(lambda: metric_sum(metric_values(gateway), processed, route="none", outcome="failed") == 1,
                 what="the unrouted message failed")
        browser.get(base(gateway) + "/console/login")
        sign_in(browser, gateway, gateway.api_key)
        browser.get(base(gateway) + "/console")
        after = metric_values(gateway)

        def shown(name):
            return int(browser.find_element(By.CSS_SELECTOR, f"[data-stat='{name}']").text)

        received = "notebridge_messages_received_total"
        expected = {
            "messages.received-1m": metric_sum(after, received) - metric_sum(before, received),
            "messages.processed-1m": metric_sum(after, processed, outcome="processed")
            - metric_sum(before, processed, outcome="processed"),
        }
        for label in {dict(pairs)["message_type"] for (name, pairs) in after if name == received}:
            expected[f"type.{label}.received-1m"] = (metric_sum(after, received, message_type=label)
                                                     - metric_sum(before, received, message_type=label))
        for kind in ("delivered", "retried", "dead"):
            name = f"notebridge_messages_{kind}_total"
            expected[f"outbox.ehr.{kind}-1m"] = (metric_sum(after, name, destination="ehr")
                                                 - metric_sum(before, name, destination="ehr"))
        for route in ("dictation", "none"):
            for kind, counter, outcome in (("received", received, None), ("processed", processed, "processed"),
                                           ("failed", processed, "failed")):
                labels = {"route": route} | ({"outcome": outcome} if outcome else {})
                expected[f"route.{route}.{kind}-1m"] = (metric_sum(after, counter, **labels)
                                                        - metric_sum(before, counter, **labels))
        assert expected["messages.received-1m"] == 3 and expected["outbox.ehr.delivered-1m"] == 1
        assert expected["route.dictation.received-1m"] == 2 and expected["route.dictation.processed-1m"] == 2
        assert expected["route.none.received-1m"] == 1 and expected["route.none.failed-1m"] == 1
        assert expected["outbox.ehr.dead-1m"] == 1
        assert {name: shown(name) for name in expected} == expected
        screenshot(browser, "dashboard-counters")
        # The session outlives a restart on the same database (any instance accepts it).
        session = browser.get_cookie("nb_console")["value"]
        gateway.stop()
        gateway.start()
        browser.get(base(gateway) + "/console/audit")
        assert "/console/login" not in browser.current_url
        assert "Audit trail" in browser.find_element(By.TAG_NAME, "h1").text
        # Signing out deletes it: the old cookie no longer opens a page.
        sign_out(browser)
        request = urllib.request.Request(base(gateway) + "/console", headers={"Cookie": f"nb_console={session}"})

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        with pytest.raises(urllib.error.HTTPError) as redirected:
            urllib.request.build_opener(NoRedirect).open(request, timeout=10)
        assert redirected.value.code == 303
        assert redirected.value.headers["Location"].startswith("/console/login")
    finally:
        gateway.stop(signal.SIGKILL)
        receiver.stop()
