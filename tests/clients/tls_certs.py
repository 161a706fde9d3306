"""A throw-away CA, a server certificate for 127.0.0.1/localhost and a client certificate,
made at test time: with the openssl command line when it is installed, else with the
`cryptography` package (already in the venv: authlib needs it). Both write the same files."""

import datetime
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

CLIENT_SUBJECT = (("O", "Payments"), ("CN", "alice"))


@dataclass(frozen=True)
class Pki:
    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


def make_pki(folder: Path) -> Pki:
    folder.mkdir(parents=True, exist_ok=True)
    if shutil.which("openssl"):
        _with_openssl(folder)
    else:
        _with_cryptography(folder)
    return Pki(
        ca=folder / "ca.pem",
        server_cert=folder / "server.pem",
        server_key=folder / "server.key",
        client_cert=folder / "client.pem",
        client_key=folder / "client.key",
    )


def _openssl(folder, *args):
    subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)


def _with_openssl(folder):
    subject = "/" + "/".join(f"{k}={v}" for k, v in CLIENT_SUBJECT)
    _openssl(folder, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Herald test CA",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    # The server key in SEC1 form ("EC PRIVATE KEY"), the client's RSA in PKCS#8: Herald reads both.
    _openssl(folder, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "server.key")
    _openssl(folder, "req", "-new", "-key", "server.key", "-out", "server.csr", "-subj", "/CN=localhost")
    (folder / "server.ext").write_text(
        "basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"
    )
    _openssl(folder, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-days", "2", "-extfile", "server.ext", "-out", "server.pem")
    _openssl(folder, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr",
             "-subj", subject)
    (folder / "client.ext").write_text("basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n")
    _openssl(folder, "x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-days", "2", "-extfile", "client.ext", "-out", "client.pem")


def _with_cryptography(folder):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    import ipaddress

    oids = {"O": NameOID.ORGANIZATION_NAME, "CN": NameOID.COMMON_NAME}
    now = datetime.datetime.now(datetime.timezone.utc)

    def name(*parts):
        return x509.Name([x509.NameAttribute(oids[k], v) for k, v in parts])

    def build(subject, key, issuer_name, issuer_key, extensions):
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=2))
        )
        for extension, critical in extensions:
            builder = builder.add_extension(extension, critical=critical)
        return builder.sign(issuer_key, hashes.SHA256())

    def write_key(path, key, form):
        path.write_bytes(key.private_bytes(serialization.Encoding.PEM, form, serialization.NoEncryption()))

    def write_cert(path, cert):
        path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = name(("CN", "Herald test CA"))
    ca = build(ca_name, ca_key, ca_name, ca_key, [
        (x509.BasicConstraints(ca=True, path_length=None), True),
        (x509.KeyUsage(False, False, False, False, False, True, True, False, False), True),
    ])
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = build(name(("CN", "localhost")), server_key, ca_name, ca_key, [
        (x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                      x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False),
    ])
    client_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    client = build(name(*CLIENT_SUBJECT), client_key, ca_name, ca_key, [
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), False),
    ])
    write_cert(folder / "ca.pem", ca)
    write_cert(folder / "server.pem", server)
    write_key(folder / "server.key", server_key, serialization.PrivateFormat.TraditionalOpenSSL)
    write_cert(folder / "client.pem", client)
    write_key(folder / "client.key", client_key, serialization.PrivateFormat.PKCS8)
