"""MLLP over TLS and mutual TLS, with certificates made by openssl for the test."""
import shutil
import ssl
import subprocess

import pytest

from conftest import MLLPConnection, ack_fields, synthetic

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is installed by scripts/setup-debian.sh test")


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_pki(tmp_path):
    """A test CA, a server certificate for 127.0.0.1 and localhost, and a client certificate, under tmp_path/pki."""
    d = tmp_path / "pki"
    d.mkdir()
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=NoteBridge Test CA", cwd=d)
    for name, extension in [("server", "subjectAltName=IP:127.0.0.1,DNS:localhost"), ("client", "extendedKeyUsage=clientAuth")]:
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
                "-subj", f"/CN=notebridge-{name}", cwd=d)
        (d / f"{name}.ext").write_text(extension + "\n")
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext", cwd=d)
    return d


@pytest.fixture
def pki(tmp_path):
    return make_pki(tmp_path)


def tls_env(pki, mutual):
    env = {
        "NOTEBRIDGE_MLLP_TLS_CERTIFICATE": str(pki / "server.pem"),
        "NOTEBRIDGE_MLLP_TLS_PRIVATE_KEY": str(pki / "server.key"),
    }
    if mutual:
        env["NOTEBRIDGE_MLLP_TLS_TRUST_ROOTS"] = str(pki / "ca.pem")
        env["NOTEBRIDGE_MLLP_TLS_REQUIRE_CLIENT_CERTIFICATE"] = "true"
    return env


def client_context(pki, with_certificate):
    context = ssl.create_default_context(cafile=str(pki / "ca.pem"))
    if with_certificate:
        context.load_cert_chain(str(pki / "client.pem"), str(pki / "client.key"))
    return context


def test_tls_listener(gateway_factory, pki):
    gateway = gateway_factory(env=tls_env(pki, mutual=False)).start()
    context = client_context(pki, with_certificate=False)
    connection = MLLPConnection(gateway.mllp_port, wrap=lambda s: context.wrap_socket(s, server_hostname="127.0.0.1"))
    assert ack_fields(connection.send(synthetic("TLS-1")))["code"] == "AA"
    connection.close()
    message = pki / "m.hl7"
    message.write_bytes(synthetic("TLS-2"))
    result = gateway.cli("send", f"127.0.0.1:{gateway.mllp_port}", str(message), "--ca", str(pki / "ca.pem"))
    assert "\tAA\tTLS-2" in result.stdout.decode()
    # A plain-text client gets no acknowledgment.
    plain = MLLPConnection(gateway.mllp_port, timeout=5)
    with pytest.raises((ConnectionError, OSError)):
        plain.send(synthetic("PLAIN-1"))
    plain.close()
    healthy = MLLPConnection(gateway.mllp_port, wrap=lambda s: context.wrap_socket(s, server_hostname="127.0.0.1"))
    assert ack_fields(healthy.send(synthetic("TLS-3")))["code"] == "AA"
    healthy.close()


def test_mutual_tls_requires_a_client_certificate(gateway_factory, pki):
    gateway = gateway_factory(env=tls_env(pki, mutual=True)).start()
    without = client_context(pki, with_certificate=False)
    with pytest.raises((ssl.SSLError, ConnectionError, OSError)):
        connection = MLLPConnection(gateway.mllp_port, wrap=lambda s: without.wrap_socket(s, server_hostname="127.0.0.1"))
        connection.send(synthetic("MTLS-0"))
    with_certificate = client_context(pki, with_certificate=True)
    connection = MLLPConnection(gateway.mllp_port, wrap=lambda s: with_certificate.wrap_socket(s, server_hostname="127.0.0.1"))
    assert ack_fields(connection.send(synthetic("MTLS-1")))["code"] == "AA"
    connection.close()
    message = pki / "m.hl7"
    message.write_bytes(synthetic("MTLS-2"))
    result = gateway.cli("send", f"127.0.0.1:{gateway.mllp_port}", str(message), "--ca", str(pki / "ca.pem"),
                         "--cert", str(pki / "client.pem"), "--key", str(pki / "client.key"))
    assert "\tAA\tMTLS-2" in result.stdout.decode()
    ids = {e["controlId"] for e in gateway.journal()}
    assert {"MTLS-1", "MTLS-2"} <= ids and "MTLS-0" not in ids


def test_https_listener(gateway_factory, pki):
    """The HTTP listener with TLS from configuration: the /v1 API over HTTPS, plain HTTP refused."""
    import http.client
    import json
    gateway = gateway_factory({
        "NOTEBRIDGE_HTTP_TLS_CERTIFICATE": str(pki / "server.pem"),
        "NOTEBRIDGE_HTTP_TLS_PRIVATE_KEY": str(pki / "server.key"),
    }).start()
    assert any("https=" in line for line in gateway.console)
    connection = http.client.HTTPSConnection("127.0.0.1", gateway.http_port, timeout=30,
                                             context=client_context(pki, with_certificate=False))
    connection.request("GET", "/v1/specialties")
    response = connection.getresponse()
    assert response.status == 200
    assert len(json.loads(response.read())["specialties"]) == 24
    connection.close()
    plain = http.client.HTTPConnection("127.0.0.1", gateway.http_port, timeout=10)
    try:
        plain.request("GET", "/v1/specialties")
        status = plain.getresponse().status
    except (ConnectionError, http.client.HTTPException, OSError):
        status = None
    assert status != 200
