"""CoSPLib's time-zone labels (GMT-12 ... GMT+12, or an IANA name) as time zones, the way the checker reads them."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

# CoSPLib's template offers these labels; the checker turns GMT+N into the fixed zone Etc/GMT-N
_GMT_LABEL = re.compile(r"^GMT([+-])(\d{1,2})$", re.ASCII)
TIME_ZONE_REFERENCE_DATE = dt.date(2021, 7, 21)  # the checker converts every session's times on this date


def zone_of(label: str) -> dt.tzinfo:
    """The time zone a CoSPLib label names: GMT+N / GMT-N (N up to 12) as that fixed offset from UTC, as the
    checker's mapping to Etc/GMT∓N does; any other label as an IANA zone name."""
    match = _GMT_LABEL.match(label)
    if match and int(match[2]) <= 12 and (match[1] == "+" or int(match[2]) > 0):
        hours = int(match[2]) * (1 if match[1] == "+" else -1)
        return dt.timezone(dt.timedelta(hours=hours))
    try:
        return zoneinfo.ZoneInfo(label)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone '{label}' (expected GMT-12 ... GMT+12 or an IANA zone name)") from None


def has_fixed_offset(zone: dt.tzinfo) -> bool:
    """Whether the zone has had one offset all along (so reading a time in it cannot hit a historical one)."""
    moments = (dt.datetime(1800, 1, 1), dt.datetime(1900, 1, 1), dt.datetime(2021, 1, 15), dt.datetime(2021, 7, 21))
    return len({zone.utcoffset(moment) for moment in moments}) == 1
