"""A throw-away certificate authority for the signature tests: made in the test, never a real
key in the repository. A root CA (may sign certificates only) and a signer certificate (digital
signature and non-repudiation), as a PKCS#12 file with a password."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PASSWORD = "mat-khau-thu"


@dataclass
class ThrowawayCA:
    root_pem: bytes  # the trusted root, PEM
    p12: bytes  # the signer's key, certificate and chain
    password: str
    signer_name: str

    def write(self, folder: Path, stem: str) -> tuple[Path, Path]:
        """The key as <stem>.p12 and the root as ca.pem in `folder`."""
        key, root = folder / f"{stem}.p12", folder / "ca.pem"
        key.write_bytes(self.p12)
        root.write_bytes(self.root_pem)
        return key, root


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Thử nghiệm baocao"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _usage(*, signs_documents: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signs_documents,
        content_commitment=signs_documents,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signs_documents,
        crl_sign=not signs_documents,
        encipher_only=False,
        decipher_only=False,
    )


def make_ca(
    signer_name: str = "LIÊN ĐOÀN LAO ĐỘNG TỈNH KON TUM",
    *,
    root_name: str = "CA thử nghiệm baocao",
    valid_days: int = 30,
) -> ThrowawayCA:
    now = datetime.datetime.now(datetime.UTC)
    start = now - datetime.timedelta(days=1)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = (
        x509.CertificateBuilder()
        .subject_name(_name(root_name))
        .issuer_name(_name(root_name))
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(signs_documents=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), False)
        .sign(root_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(signer_name))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(now + datetime.timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(signs_documents=True), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), False
        )
        .sign(root_key, hashes.SHA256())
    )
    p12 = pkcs12.serialize_key_and_certificates(
        b"signer",
        key,
        cert,
        [root],
        serialization.BestAvailableEncryption(PASSWORD.encode()),
    )
    return ThrowawayCA(root.public_bytes(serialization.Encoding.PEM), p12, PASSWORD, signer_name)
