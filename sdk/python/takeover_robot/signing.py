"""Signed policy snapshots: the bytes a learner signs, the keys a robot trusts, and the check.

A learner signs every ``PolicySnapshot`` it publishes with its Ed25519 key; a robot runs a
snapshot only if a key it trusts signed exactly that snapshot. The SHA-256 in a snapshot only
catches corruption (anyone can recompute it); the signature is what catches tampering and
forgery. This module computes the same signed bytes as Java's
``io.takeover.schemas.policy.PolicySignature``, byte for byte, without Avro:

``b"takeover-policy-v1\\0"``, key id, task, version (i64), parent version (i64), creation time
(i64 epoch ms), obs_dim (i32), act_dim (i32), action_low, action_high, architecture, the u32
tensor count, per tensor its name, u32 rank, each dimension (i32) and data; then obs_mean and
obs_std. Big-endian; a string or a byte array is its u32 length then its bytes (UTF-8); a float
array its u32 count then each float32's IEEE-754 bits.

A key is named by its id: the first 16 hex digits of the SHA-256 of its raw 32-byte public key.
Public keys travel as X.509 PEM files (``NAME.pub``, written by ``takeover keys generate``).
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import os
import re
import struct
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Union

import nacl.exceptions
import nacl.signing

from .errors import RefusedPolicyError, TrustedKeysError

DOMAIN = b"takeover-policy-v1\0"
ALGORITHM = "Ed25519"
# X.509 SubjectPublicKeyInfo of an Ed25519 key: these 12 bytes, then the raw 32-byte key (RFC 8410)
X509_PREFIX = bytes.fromhex("302a300506032b6570032100")
SIGNATURE_BYTES = 64
_PEM = re.compile(r"-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----")
_HOW = "make a key pair with `takeover keys generate` and give robots its NAME.pub"


class Refusal(str, enum.Enum):
    """Why a robot refused a policy snapshot; the values are the labels of Java's ``PolicyRefusal``."""

    UNDECODABLE = "undecodable"
    """Not a ``PolicySnapshot`` of a schema this SDK knows."""
    UNSIGNED = "unsigned"
    """No signature, or no key id."""
    UNKNOWN_KEY = "unknown_key"
    """Signed by a key the robot does not trust."""
    BAD_SIGNATURE = "bad_signature"
    """The signature does not match the snapshot: changed after signing, or forged."""
    REPLAYED = "replayed"
    """A version no newer than one already verified: an old snapshot published again."""
    INVALID = "invalid"
    """Signed, but unfit for the robot's task: dimensions, architecture, checksum, tensors."""

    def __str__(self) -> str:
        return self.value


REASONS: tuple[str, ...] = tuple(r.value for r in Refusal)
"""Every refusal label, in Java's order."""

PathLike = Union[str, "os.PathLike[str]"]


def raw_public_key(key: nacl.signing.VerifyKey | bytes) -> bytes:
    """The raw 32-byte public key (RFC 8032, as libsodium holds it)."""
    raw = bytes(key)
    if len(raw) != 32:
        raise TrustedKeysError(f"an {ALGORITHM} public key has 32 bytes, not {len(raw)}")
    return raw


def key_id(key: nacl.signing.VerifyKey | nacl.signing.SigningKey | bytes) -> str:
    """The id a snapshot names its signer by: the first 16 hex digits of the SHA-256 of the raw
    public key. Takes a public key (``VerifyKey`` or its 32 bytes) or a ``SigningKey``."""
    if isinstance(key, nacl.signing.SigningKey):
        key = key.verify_key
    return hashlib.sha256(raw_public_key(key)).hexdigest()[:16]


def public_pem(key: nacl.signing.VerifyKey | nacl.signing.SigningKey | bytes) -> str:
    """The public key as robots trust it: an X.509 PEM block, as Java's ``SigningKey.publicPem()``."""
    if isinstance(key, nacl.signing.SigningKey):
        key = key.verify_key
    der = X509_PREFIX + raw_public_key(key)
    body = base64.b64encode(der).decode("ascii")
    lines = "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
    return f"-----BEGIN PUBLIC KEY-----\n{lines}\n-----END PUBLIC KEY-----\n"


def parse_public_pem(pem: str, source: str = "the PEM text") -> nacl.signing.VerifyKey:
    """The Ed25519 public key of the first ``PUBLIC KEY`` block in ``pem``.

    Raises :class:`TrustedKeysError` saying what is wrong with it.
    """
    match = _PEM.search(pem)
    if match is None:
        raise TrustedKeysError(f"{source} is not an {ALGORITHM} public key: it holds no 'PUBLIC KEY' PEM block "
                               f"({_HOW})")
    try:
        der = base64.b64decode("".join(match.group(1).split()), validate=True)
    except (binascii.Error, ValueError) as e:
        raise TrustedKeysError(f"{source} is not an {ALGORITHM} public key: its PEM block is not base64 ({e})") from e
    if len(der) != len(X509_PREFIX) + 32 or not der.startswith(X509_PREFIX):
        raise TrustedKeysError(f"{source} is not an {ALGORITHM} public key: its {len(der)}-byte key is of another "
                               f"algorithm or malformed ({_HOW})")
    return nacl.signing.VerifyKey(der[len(X509_PREFIX):])


class TrustedKeys:
    """The public keys a robot accepts policy snapshots from, by key id. Immutable.

    Trusting two at once is how keys rotate: trust the new key beside the old, switch the
    learner to the new one, then drop the old.
    """

    def __init__(self, keys: Iterable[nacl.signing.VerifyKey | bytes] = ()):
        """Trusts ``keys`` (``VerifyKey`` objects or raw 32-byte public keys). Empty is allowed
        here; :class:`~takeover_robot.policy.PolicySubscriber` refuses an empty set."""
        by_id: dict[str, nacl.signing.VerifyKey] = {}
        for key in keys:
            verify_key = key if isinstance(key, nacl.signing.VerifyKey) else nacl.signing.VerifyKey(raw_public_key(key))
            by_id[key_id(verify_key)] = verify_key
        self._by_id = dict(sorted(by_id.items()))

    @classmethod
    def of(cls, *keys: nacl.signing.VerifyKey | nacl.signing.SigningKey | bytes) -> "TrustedKeys":
        """Trusts these keys; a ``SigningKey`` stands for its public half."""
        return cls(k.verify_key if isinstance(k, nacl.signing.SigningKey) else k for k in keys)

    @classmethod
    def from_pem(cls, *pems: str) -> "TrustedKeys":
        """Trusts the key of each X.509 PEM text (``-----BEGIN PUBLIC KEY-----``)."""
        return cls(parse_public_pem(pem, f"PEM text #{i + 1}") for i, pem in enumerate(pems))

    @classmethod
    def read(cls, *paths: PathLike | Iterable[PathLike]) -> "TrustedKeys":
        """Reads public keys (``*.pub``, X.509 PEM): each path is a key file, or a directory whose
        ``*.pub`` files are all read. An argument may also be a list of paths.

        Raises :class:`TrustedKeysError` if no key is found, or a file cannot be read or is not
        an Ed25519 public key.
        """
        given = list(_flatten(paths))
        files: list[Path] = []
        for path in given:
            if not path.exists():
                raise TrustedKeysError(f"no trusted policy keys at {path}: no such file or directory (give the "
                                       "learner's NAME.pub from `takeover keys generate`, or a directory of them)")
            if path.is_dir():
                try:
                    files.extend(sorted(f for f in path.iterdir() if f.name.endswith(".pub")))
                except OSError as e:
                    raise TrustedKeysError(f"cannot list trusted keys in {path}: {e}") from e
            else:
                files.append(path)
        if not files:
            where = ", ".join(str(p) for p in given) or "(no path given)"
            raise TrustedKeysError(f"no trusted policy keys in {where}: give the learner's public key (NAME.pub from "
                                   "`takeover keys generate`), or a directory of them")
        keys = []
        for file in files:
            try:
                pem = file.read_text(encoding="ascii", errors="replace")
            except OSError as e:
                raise TrustedKeysError(f"cannot read trusted key {file}: {e.strerror or e}") from e
            keys.append(parse_public_pem(pem, str(file)))
        return cls(keys)

    def get(self, key_id: str) -> nacl.signing.VerifyKey | None:
        """The trusted key of this id, or None."""
        return self._by_id.get(key_id)

    def ids(self) -> list[str]:
        """The ids trusted, sorted: for messages and logs."""
        return list(self._by_id)

    def __contains__(self, key_id: object) -> bool:
        return key_id in self._by_id

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TrustedKeys) and self.ids() == other.ids()

    def __hash__(self) -> int:
        return hash(tuple(self._by_id))

    def __repr__(self) -> str:
        return f"TrustedKeys({self.ids()})"


def trusted_keys(source: TrustedKeys | PathLike | Iterable[PathLike] | None) -> TrustedKeys:
    """``source`` as :class:`TrustedKeys`: kept as it is, or read from a path or paths (a string
    may list several, comma-separated). Raises :class:`TrustedKeysError` when there are none."""
    if isinstance(source, TrustedKeys):
        keys = source
    elif source is None:
        keys = TrustedKeys()
    else:
        keys = TrustedKeys.read(*split_paths(source))
    if not len(keys):
        raise TrustedKeysError("robots run only policies signed by a key they trust, and none was given: pass the "
                               "learner's public key (NAME.pub from `takeover keys generate`, or a directory of them; "
                               "`takeover local` keeps its in .takeover/local/keys) as trusted keys")
    return keys


def split_paths(source: PathLike | Iterable[PathLike]) -> list[Path]:
    """Paths from a path, a comma-separated string of them, or a list of either; blanks dropped."""
    items = [source] if isinstance(source, (str, os.PathLike)) else list(source)
    paths: list[Path] = []
    for item in items:
        parts = item.split(",") if isinstance(item, str) else [item]
        paths.extend(Path(os.path.expanduser(os.fspath(p).strip())) for p in parts if os.fspath(p).strip())
    return paths


def _flatten(paths: Iterable[Any]) -> Iterator[Path]:
    for path in paths:
        if isinstance(path, (str, os.PathLike)):
            yield Path(os.path.expanduser(os.fspath(path)))
        else:
            yield from _flatten(path)


def signed_bytes(snapshot: Mapping[str, Any]) -> bytes:
    """The bytes a learner signs for ``snapshot`` (a ``PolicySnapshot`` dict, as :mod:`wire`
    decodes it): every field a robot acts on, in the fixed layout of Java's ``PolicySignature``.
    The key id is the snapshot's ``signing_key_id`` ("" when it has none); the signature itself
    and ``weights_sha256`` and ``learner_stats`` are not covered."""
    out = bytearray(DOMAIN)
    _string(out, snapshot.get("signing_key_id") or "")
    _string(out, snapshot["task"])
    out += struct.pack(">qqqii", snapshot["version"], snapshot["parent_version"], _millis(snapshot["created_at"]),
                       snapshot["obs_dim"], snapshot["act_dim"])
    _floats(out, snapshot["action_low"])
    _floats(out, snapshot["action_high"])
    _string(out, snapshot["architecture"])
    tensors = snapshot["weights"]
    out += struct.pack(">I", len(tensors))
    for tensor in tensors:
        _string(out, tensor["name"])
        shape = list(tensor["shape"])
        out += struct.pack(f">I{len(shape)}i", len(shape), *shape)
        _bytes(out, bytes(tensor["data"]))
    _floats(out, snapshot["obs_mean"])
    _floats(out, snapshot["obs_std"])
    return bytes(out)


def sign(snapshot: Mapping[str, Any], key: nacl.signing.SigningKey) -> dict[str, Any]:
    """A copy of ``snapshot`` signed by ``key``: its ``signing_key_id`` set, then its
    ``signature`` over the signed bytes (as Java's ``PolicySignature.sign``). For tests and
    tools; learners sign in Java."""
    signed = dict(snapshot)
    signed["signing_key_id"] = key_id(key)
    signed["signature"] = None
    signed["signature"] = key.sign(signed_bytes(signed)).signature
    return signed


def verify(snapshot: Mapping[str, Any], trusted: TrustedKeys) -> str:
    """Checks that a key of ``trusted`` signed exactly this snapshot; returns that key's id.

    Raises :class:`~takeover_robot.errors.RefusedPolicyError` with reason ``unsigned``,
    ``unknown_key`` or ``bad_signature``. It checks only the signature: the version
    (``replayed``) and the fit to the task (``invalid``) are the subscriber's and
    :class:`~takeover_robot.policy.Policy`'s checks.
    """
    where = f"policy {snapshot.get('task')} v{snapshot.get('version')}: "
    signature = snapshot.get("signature")
    signer = snapshot.get("signing_key_id")
    if signature is None or signer is None:
        raise RefusedPolicyError(Refusal.UNSIGNED, where + "is not signed; robots run only snapshots signed by a "
                                 "trusted learner key")
    key = trusted.get(signer)
    if key is None:
        raise RefusedPolicyError(Refusal.UNKNOWN_KEY, where + f"is signed by key {signer}, which this robot does not "
                                 f"trust (it trusts {trusted.ids()})")
    try:
        key.verify(signed_bytes(snapshot), bytes(signature))
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError, ValueError, TypeError):
        # a forged or changed snapshot, or a malformed signature (e.g. of the wrong length)
        raise RefusedPolicyError(Refusal.BAD_SIGNATURE, where + f"signature does not match key {signer}: the "
                                 "snapshot was changed after signing, or forged") from None
    return signer


def _millis(value: Any) -> int:
    if hasattr(value, "timestamp"):  # a datetime, as python3-avro may give for timestamp-millis
        return int(round(value.timestamp() * 1000))
    return int(value)


def _string(out: bytearray, value: str) -> None:
    _bytes(out, value.encode("utf-8"))


def _bytes(out: bytearray, value: bytes) -> None:
    out += struct.pack(">I", len(value))
    out += value


def _floats(out: bytearray, values: Iterable[float]) -> None:
    values = list(values)
    out += struct.pack(f">I{len(values)}f", len(values), *values)
