"""Identifiers that stay the same across re-solves, so calendars and conference apps update items in place."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

# The namespace of the calendar UIDs in schedule.ics; frab guids use the same one, so a talk has one identity.
TALK_NAMESPACE = uuid.UUID("6f1d8a52-3c1e-5b7e-9a54-0c0f5c4e2a91")
# Separate namespaces keep a speaker or room from ever sharing a guid with a talk of the same id.
SPEAKER_NAMESPACE = uuid.uuid5(TALK_NAMESPACE, "speaker")
ROOM_NAMESPACE = uuid.uuid5(TALK_NAMESPACE, "room")

_LARGEST_NUMBER = 2**31 - 1  # fits a signed 32-bit int, which Java and Kotlin schedule apps use for ids


def talk_guid(conference: str, talk_id: str) -> uuid.UUID:
    return uuid.uuid5(TALK_NAMESPACE, f"{conference}/{talk_id}")


def speaker_guid(conference: str, speaker_id: str) -> uuid.UUID:
    return uuid.uuid5(SPEAKER_NAMESPACE, f"{conference}/{speaker_id}")


def room_guid(conference: str, room_name: str) -> uuid.UUID:
    return uuid.uuid5(ROOM_NAMESPACE, f"{conference}/{room_name}")


def stable_numbers(guids: Mapping[str, uuid.UUID]) -> dict[str, int]:
    """A distinct positive integer for each key, derived from its guid.

    frab still requires numeric ids; deriving them from the guid (not from list positions) keeps them the same
    when talks are added, removed or reordered. On the rare collision the key later in sorted order takes the
    next free number, which keeps the result deterministic.
    """
    taken: set[int] = set()
    numbers = {}
    for key in sorted(guids):
        number = guids[key].int % _LARGEST_NUMBER + 1
        while number in taken:
            number = number % _LARGEST_NUMBER + 1
        taken.add(number)
        numbers[key] = number
    return numbers
