"""The anonymisation guard: case files hold anonymised facts, never personal data.

Refuses values that look like a Dutch citizen service number (a BSN passing the 11-test), an
immigration V-number, an e-mail address or a phone number, and keys that name personal data
(name, address, …); warns about an exact date of birth (the age in months suffices).
"""

from __future__ import annotations

import re

PERSONAL_KEYS = {
    "name", "naam", "first_name", "firstname", "voornaam", "last_name", "lastname", "surname", "achternaam",
    "family_name", "full_name", "given_name", "initials", "voorletters", "v_number", "vnumber", "v_nummer",
    "vnummer", "bsn", "citizen_service_number", "burgerservicenummer", "email", "e_mail", "mail", "phone",
    "telephone", "telefoon", "telefoonnummer", "mobile", "address", "adres", "street", "straat", "postcode",
    "zip", "passport_number", "paspoortnummer", "document_number", "iban", "client_name", "applicant_name",
}

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"(?<![\w])(?:\+|00)\d[\d \-]{7,15}\d(?![\w])|(?<![\w\d])0[1-9](?:[ \-]?\d){8}(?![\w\d])")
_DIGITS = re.compile(r"(?<![\d])\d(?:[.\- ]?\d){8,9}(?![\d])")


_NAME_CUES = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dhr|Mevr|Mevrouw|Meneer|De heer|Madame|Monsieur|Herr|Frau)\.?\s+[A-Z][a-z]+"
    r"|\b(?:name|naam|named|genaamd|called)\s*[:=]?\s+[A-Z][a-z]+\s+[A-Z][a-z]+")


def looks_like_name(value: str) -> bool:
    """A person's name announced as such ("Mr Ahmadi", "naam: Jan Jansen"): warned about, not refused."""
    return bool(_NAME_CUES.search(value))


def bsn_valid(digits: str) -> bool:
    """The 11-test of the Dutch citizen service number (BSN)."""
    if len(digits) != 9 or not digits.isdigit() or set(digits) == {"0"}:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1))) - int(digits[8])
    return total % 11 == 0


def personal_key(key: str) -> bool:
    k = key.lower().replace("-", "_").replace(" ", "_")
    return k in PERSONAL_KEYS or (k.endswith("_name") and k not in {"rule_name"})


def scan(value: str) -> list[str]:
    """What in `value` looks like personal data, in words (empty when nothing does)."""
    found: list[str] = []
    if _EMAIL.search(value):
        found.append("an e-mail address")
    if _PHONE.search(value):
        found.append("a phone number")
    for m in _DIGITS.finditer(value):
        digits = re.sub(r"\D", "", m.group(0))
        if len(digits) == 9 and bsn_valid(digits):
            found.append("a citizen service number (BSN, it passes the 11-test)")
        elif len(digits) == 10 and not digits.startswith("0"):
            found.append("a V-number (10 digits)")
    return found
