"""Per-record encryption keyed by the secret link: deleted health data stays unreadable.

An assessment's id (128 random bits, the secret in its link) is never stored. The database keeps

* ``lookup``: HMAC-SHA256 of the id, to find the row when someone presents the id, and
* ``sealed``: the input and answers, encrypted with AES-256-GCM under a key derived from the id
  with HKDF-SHA256.

So a deleted row's leftovers (free pages, PostgreSQL's WAL and table files until they are
overwritten, backups) are ciphertext whose key nobody has: not the server, not an attacker with
a copy of the database. Whoever holds the link can read the record; that is the design of links.

``PAINTRACE_DATA_PEPPER`` (optional) mixes a server secret into both derivations, so a copy of
the database plus a leaked link is still not enough without the server's configuration. Keep it
forever once set: changing it makes every saved assessment unreadable.
"""

from __future__ import annotations

import functools
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = b"\x01"  # first byte of every sealed value: the scheme, so it can change later
_NONCE = 12


class Unreadable(Exception):
    """The sealed value does not open with this id (wrong id, or the data was tampered with)."""


def _pepper() -> bytes:
    from django.conf import settings

    return str(getattr(settings, "DATA_PEPPER", "") or "").encode()


def _lookup_hash(label: bytes, secret: str) -> str:
    """HMAC-SHA256 of a secret from a link, keyed by its label and the pepper, in hex."""
    return hmac.digest(label + _pepper(), secret.encode(), "sha256").hex()


def lookup_key(aid: str) -> str:
    """What the database stores to find a record: 64 hex characters, one-way from the id."""
    return _lookup_hash(b"paintrace lookup v1", aid)


def hkdf_sha256(salt: bytes, ikm: bytes, info: bytes) -> bytes:
    """HKDF-SHA256 (RFC 5869) for one 32-byte key: extract, then expand's first block.

    The same bytes as cryptography's HKDF with length 32 (tests/web/test_crypto.py checks it),
    computed with the standard library's HMAC, which lookup_key uses as well. Measured inside
    the write path, building cryptography's HKDF object took about 20 µs of a request's CPU
    (cold code the request touched only there); these two HMAC calls take under 5.
    """
    prk = hmac.digest(salt, ikm, "sha256")
    return hmac.digest(prk, info + b"\x01", "sha256")


def _key(aid: str) -> bytes:
    return hkdf_sha256(b"paintrace assessment v1" + _pepper(), aid.encode(), b"sealed record")


def seal(aid: str, plaintext: bytes, context: bytes = b"") -> bytes:
    """AES-256-GCM under the id's key; `context` (e.g. the field name) is authenticated too."""
    nonce = os.urandom(_NONCE)
    return VERSION + nonce + AESGCM(_key(aid)).encrypt(nonce, plaintext, VERSION + context)


def open_sealed(aid: str, sealed: bytes, context: bytes = b"") -> bytes:
    sealed = bytes(sealed)
    if len(sealed) < 1 + _NONCE + 16 or sealed[:1] != VERSION:
        raise Unreadable("not a sealed value of a known version")
    nonce, body = sealed[1 : 1 + _NONCE], sealed[1 + _NONCE :]
    try:
        return AESGCM(_key(aid)).decrypt(nonce, body, VERSION + context)
    except Exception as exc:  # cryptography's InvalidTag
        raise Unreadable("the record does not open with this id") from exc


# ------------------------------------------------------------------ links saved to an account
# An account keeps the link ids of the assessments saved to it, so that the person can open them
# after logging in, and its check-ins' details (note, regions, muscles, warning signs). Each is
# encrypted under a key derived from the server's secret key (and the pepper) and the account's
# number: the database alone does not reveal them. Deleting the account deletes these rows and
# the assessments they point to.


@functools.lru_cache(maxsize=1024)
def _derived_account_key(user_id: int, secret: str, pepper: bytes) -> bytes:
    return hkdf_sha256(b"paintrace account v1" + pepper, secret.encode(), b"account %d" % user_id)


def _account_key(user_id: int) -> bytes:
    from django.conf import settings

    return _derived_account_key(int(user_id), str(settings.SECRET_KEY), _pepper())


def seal_for_account(user_id: int, plaintext: bytes, context: bytes = b"link") -> bytes:
    """AES-256-GCM under the account's key; `context` (what the value is) is authenticated."""
    nonce = os.urandom(_NONCE)
    return (
        VERSION + nonce + AESGCM(_account_key(user_id)).encrypt(nonce, plaintext, VERSION + context)
    )


def open_for_account(user_id: int, sealed: bytes, context: bytes = b"link") -> bytes:
    sealed = bytes(sealed)
    if len(sealed) < 1 + _NONCE + 16 or sealed[:1] != VERSION:
        raise Unreadable("not a sealed value of a known version")
    nonce, body = sealed[1 : 1 + _NONCE], sealed[1 + _NONCE :]
    try:
        return AESGCM(_account_key(user_id)).decrypt(nonce, body, VERSION + context)
    except Exception as exc:
        raise Unreadable("the link does not open with this account's key") from exc


# ------------------------------------------------------------------ view-only links
# A view-only link (/v/<token>/) shows one assessment without its secret id. Its row keeps
# HMAC(token) to find it and the assessment's id sealed under a key derived from the token, so
# neither the database alone nor the row's owner-side data reveal the id: only whoever holds the
# view token can open it (and the server only while that token is presented).


def view_lookup(token: str) -> str:
    """What a view link's row stores to be found: 64 hex characters, one-way from the token."""
    return _lookup_hash(b"paintrace view lookup v1", token)


def _view_key(token: str) -> bytes:
    return hkdf_sha256(
        b"paintrace view link v1" + _pepper(), token.encode(), b"wrapped assessment id"
    )


def wrap_for_view(token: str, aid: str) -> bytes:
    """The assessment id, AES-256-GCM under the view token's key."""
    nonce = os.urandom(_NONCE)
    return (
        VERSION + nonce + AESGCM(_view_key(token)).encrypt(nonce, aid.encode(), VERSION + b"view")
    )


def unwrap_for_view(token: str, wrapped: bytes) -> str:
    wrapped = bytes(wrapped)
    if len(wrapped) < 1 + _NONCE + 16 or wrapped[:1] != VERSION:
        raise Unreadable("not a sealed value of a known version")
    nonce, body = wrapped[1 : 1 + _NONCE], wrapped[1 + _NONCE :]
    try:
        return AESGCM(_view_key(token)).decrypt(nonce, body, VERSION + b"view").decode()
    except Exception as exc:
        raise Unreadable("the view link does not open with this token") from exc
