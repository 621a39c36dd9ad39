"""paintrace.web.crypto: keys that stay what they were, and sealed values that open only
with their id."""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.test import override_settings

from paintrace.web import crypto


def _library_hkdf(salt: bytes, ikm: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


@pytest.mark.parametrize("size", [0, 1, 22, 43, 64, 65, 200])
def test_hkdf_is_the_libraries_hkdf(size: int) -> None:
    """Saved records were sealed under cryptography's HKDF: the key must not change."""
    for _ in range(20):
        salt = secrets.token_bytes(secrets.randbelow(80) + 1)
        ikm = secrets.token_bytes(size)
        info = secrets.token_bytes(secrets.randbelow(40))
        assert crypto.hkdf_sha256(salt, ikm, info) == _library_hkdf(salt, ikm, info)


@pytest.mark.parametrize("pepper", ["", "a server secret"])
def test_record_view_and_account_keys_are_unchanged(pepper: str) -> None:
    aid = secrets.token_urlsafe(16)
    extra = pepper.encode()
    with override_settings(DATA_PEPPER=pepper, SECRET_KEY="k" * 50):
        assert crypto._key(aid) == _library_hkdf(
            b"paintrace assessment v1" + extra, aid.encode(), b"sealed record"
        )
        assert crypto._view_key(aid) == _library_hkdf(
            b"paintrace view link v1" + extra, aid.encode(), b"wrapped assessment id"
        )
        assert crypto._account_key(7) == _library_hkdf(
            b"paintrace account v1" + extra, b"k" * 50, b"account 7"
        )
        lookup = hmac.new(b"paintrace lookup v1" + extra, aid.encode(), hashlib.sha256)
        assert crypto.lookup_key(aid) == lookup.hexdigest()
        view = hmac.new(b"paintrace view lookup v1" + extra, aid.encode(), hashlib.sha256)
        assert crypto.view_lookup(aid) == view.hexdigest()


def test_a_sealed_record_opens_only_with_its_id_and_context() -> None:
    aid, other = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    sealed = crypto.seal(aid, b'{"input": 1}', b"record")
    assert crypto.open_sealed(aid, sealed, b"record") == b'{"input": 1}'
    with pytest.raises(crypto.Unreadable):
        crypto.open_sealed(other, sealed, b"record")
    with pytest.raises(crypto.Unreadable):
        crypto.open_sealed(aid, sealed, b"pdf")
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(crypto.Unreadable):
        crypto.open_sealed(aid, tampered, b"record")


def test_a_record_sealed_with_the_library_key_still_opens() -> None:
    """A record written before this module derived keys itself."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aid = secrets.token_urlsafe(16)
    key = _library_hkdf(
        b"paintrace assessment v1" + crypto._pepper(), aid.encode(), b"sealed record"
    )
    nonce = secrets.token_bytes(12)
    old = crypto.VERSION + nonce + AESGCM(key).encrypt(nonce, b"kept", crypto.VERSION + b"record")
    assert crypto.open_sealed(aid, old, b"record") == b"kept"
