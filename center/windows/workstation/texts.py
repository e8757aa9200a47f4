"""User-visible names and formats of the workstation (English source, zh_CN translation
in ``resources/i18n/workstation_zh_CN.ts``; context ``Workstation``).

Tables hold ``QT_TRANSLATE_NOOP`` strings that are translated when shown, so the
language chosen at start-up applies everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, QDateTime, QLocale
from PySide6.QtGui import QColor

from center.accounts.service import UserLabel
from center.core.access import ROLE_PRECEDENCE
from db.types import CST

translate = QCoreApplication.translate

STATUS_NAMES = {
    "received": QT_TRANSLATE_NOOP("Workstation", "Received"),
    "assigned": QT_TRANSLATE_NOOP("Workstation", "Assigned"),
    "accepted": QT_TRANSLATE_NOOP("Workstation", "In progress"),
    "resolved": QT_TRANSLATE_NOOP("Workstation", "Resolved"),
    "confirmed": QT_TRANSLATE_NOOP("Workstation", "Confirmed on site"),
    "rated": QT_TRANSLATE_NOOP("Workstation", "Rated"),
    "spot_checked": QT_TRANSLATE_NOOP("Workstation", "Spot-checked"),
    "escalated": QT_TRANSLATE_NOOP("Workstation", "At joint meeting"),
    "not_our_remit": QT_TRANSLATE_NOOP("Workstation", "Not our remit"),
    "no_action_needed": QT_TRANSLATE_NOOP("Workstation", "No action needed"),
}
ACTION_NAMES = {
    "respond": QT_TRANSLATE_NOOP("Workstation", "&Responded"),
    "assign": QT_TRANSLATE_NOOP("Workstation", "&Assign…"),
    "accept": QT_TRANSLATE_NOOP("Workstation", "A&ccept"),
    "resolve": QT_TRANSLATE_NOOP("Workstation", "Re&solve"),
    "confirm": QT_TRANSLATE_NOOP("Workstation", "Con&firm on site"),
    "rate": QT_TRANSLATE_NOOP("Workstation", "Ra&te…"),
    "spot_check": QT_TRANSLATE_NOOP("Workstation", "Spot chec&k…"),
    "escalate": QT_TRANSLATE_NOOP("Workstation", "&Escalate…"),
    "not_our_remit": QT_TRANSLATE_NOOP("Workstation", "&Not our remit…"),
    "no_action_needed": QT_TRANSLATE_NOOP("Workstation", "No action nee&ded…"),
    "reopen": QT_TRANSLATE_NOOP("Workstation", "Re&open…"),
    "edit": QT_TRANSLATE_NOOP("Workstation", "Edit"),
    "intake": QT_TRANSLATE_NOOP("Workstation", "Received"),
}
EVENT_NAMES = {
    "intake": QT_TRANSLATE_NOOP("Workstation", "Case received"),
    "receive": QT_TRANSLATE_NOOP("Workstation", "Case received"),
    "close": QT_TRANSLATE_NOOP("Workstation", "Closed"),
    "respond": QT_TRANSLATE_NOOP("Workstation", "Resident contacted"),
    "assign": QT_TRANSLATE_NOOP("Workstation", "Assigned"),
    "accept": QT_TRANSLATE_NOOP("Workstation", "Accepted by the department"),
    "resolve": QT_TRANSLATE_NOOP("Workstation", "Resolved"),
    "confirm": QT_TRANSLATE_NOOP("Workstation", "Confirmed on site"),
    "rate": QT_TRANSLATE_NOOP("Workstation", "Rated by the resident"),
    "spot_check": QT_TRANSLATE_NOOP("Workstation", "Spot-checked"),
    "escalate": QT_TRANSLATE_NOOP("Workstation", "Escalated to the joint meeting"),
    "not_our_remit": QT_TRANSLATE_NOOP("Workstation", "Closed: not our remit"),
    "no_action_needed": QT_TRANSLATE_NOOP("Workstation", "Closed: no action needed"),
    "reopen": QT_TRANSLATE_NOOP("Workstation", "Reopened"),
    "edit": QT_TRANSLATE_NOOP("Workstation", "Edited"),
}
SOURCE_NAMES = {
    "visit": QT_TRANSLATE_NOOP("Workstation", "Visit"),
    "hotline": QT_TRANSLATE_NOOP("Workstation", "Hotline"),
    "online": QT_TRANSLATE_NOOP("Workstation", "Online"),
    "proactive": QT_TRANSLATE_NOOP("Workstation", "Proactive service"),
}
PRIORITY_NAMES = {
    "immediate": QT_TRANSLATE_NOOP("Workstation", "Immediate"),
    "24h": QT_TRANSLATE_NOOP("Workstation", "24 hours"),
    "3wd": QT_TRANSLATE_NOOP("Workstation", "3 working days"),
}
CLOCK_NAMES = {
    "response": QT_TRANSLATE_NOOP("Workstation", "24 h response"),
    "accept": QT_TRANSLATE_NOOP("Workstation", "2 h start"),
    "closure": QT_TRANSLATE_NOOP("Workstation", "15 wd closure"),
}
OUTCOME_NAMES = {
    "met": QT_TRANSLATE_NOOP("Workstation", "Met"),
    "not_home": QT_TRANSLATE_NOOP("Workstation", "Not home"),
    "refused": QT_TRANSLATE_NOOP("Workstation", "Refused"),
}
GROUP_NAMES = {
    "solo_elderly": QT_TRANSLATE_NOOP("Workstation", "Solo elderly"),
    "disabled": QT_TRANSLATE_NOOP("Workstation", "Disabled"),
    "child_in_difficulty": QT_TRANSLATE_NOOP("Workstation", "Child in difficulty"),
    "low_income": QT_TRANSLATE_NOOP("Workstation", "Low income"),
    "other": QT_TRANSLATE_NOOP("Workstation", "Other"),
}
CADENCE_NAMES = {
    # behind since the last period (its cadence was not met); due again by this period's end
    "overdue": QT_TRANSLATE_NOOP("Workstation", "Behind from last period"),
    "due": QT_TRANSLATE_NOOP("Workstation", "Due"),
    "ok": QT_TRANSLATE_NOOP("Workstation", "Done"),
}
ROLE_NAMES = {
    "admin": QT_TRANSLATE_NOOP("Workstation", "Administrator"),
    "coordinator": QT_TRANSLATE_NOOP("Workstation", "Coordinator"),
    "assessor": QT_TRANSLATE_NOOP("Workstation", "Supervisor"),
    "leader": QT_TRANSLATE_NOOP("Workstation", "Leader"),
    "department": QT_TRANSLATE_NOOP("Workstation", "Department"),
    "viewer": QT_TRANSLATE_NOOP("Workstation", "Viewer"),
    "grid_worker": QT_TRANSLATE_NOOP("Workstation", "Grid worker"),
    "finance": QT_TRANSLATE_NOOP("Workstation", "Finance"),
    "wall": QT_TRANSLATE_NOOP("Workstation", "Video wall"),
    "building_leader": QT_TRANSLATE_NOOP("Workstation", "Building leader"),
    "community_worker": QT_TRANSLATE_NOOP("Workstation", "Community worker"),
    "volunteer": QT_TRANSLATE_NOOP("Workstation", "Volunteer"),
    "professional": QT_TRANSLATE_NOOP("Workstation", "Professional"),
}
MATCH_NAMES = {
    "code": QT_TRANSLATE_NOOP("Workstation", "code"),
    "name": QT_TRANSLATE_NOOP("Workstation", "resident name"),
    "phone": QT_TRANSLATE_NOOP("Workstation", "phone"),
    "id_number": QT_TRANSLATE_NOOP("Workstation", "ID number"),
    "address": QT_TRANSLATE_NOOP("Workstation", "address"),
}

# light-desktop state colours: (background, foreground)
STATE_COLOURS = {
    "breached": (QColor("#FDE2E1"), QColor("#A8071A")),
    "warning": (QColor("#FFF1D6"), QColor("#874D00")),
    "missed": (None, QColor("#A8071A")),
    "met": (None, QColor("#237804")),
    "running": (None, None),
    "none": (None, QColor("#8C8C8C")),
    "overdue": (QColor("#FDE2E1"), QColor("#A8071A")),
    "due": (QColor("#FFF1D6"), QColor("#874D00")),
    "ok": (None, QColor("#237804")),
}


def tr(text: str) -> str:
    """Translate a string taken from one of the tables above."""
    return translate("Workstation", text)


def name(table: dict[str, str], key: str | None) -> str:
    if key is None:
        return "—"
    return translate("Workstation", table.get(key, key))


def role_names(roles: Iterable[str]) -> str:
    """Roles in the UI language, the primary one (by precedence) first."""
    order = sorted(
        set(roles), key=lambda r: ROLE_PRECEDENCE.index(r) if r in ROLE_PRECEDENCE else 99
    )
    return "、".join(name(ROLE_NAMES, r) for r in order)


#: a display name that carries its own bracket: ``曾晶（督导考核组）``
_BRACKETED = re.compile(r"(.+?)\s*[（(]([^（）()]*)[）)]")


def who(display_name: str, roles: Iterable[str]) -> str:
    """A user as the windows show them, one way everywhere (case history, audit views,
    status bar): 姓名（角色） — ``王芳（综合协调组）``, ``民政联络员（责任部门）``. A
    display name that already ends in a bracket keeps it (``曾晶（督导考核组）``), with
    any role it does not name added inside; in English ``Carol (Coordinator)``."""
    order = sorted(
        set(roles), key=lambda r: ROLE_PRECEDENCE.index(r) if r in ROLE_PRECEDENCE else 99
    )
    m = _BRACKETED.fullmatch(display_name.strip())
    base, inside = (m.group(1), m.group(2).strip()) if m else (display_name.strip(), "")
    shown = [inside] if inside else []
    shown += [n for n in (name(ROLE_NAMES, r) for r in order) if n not in display_name]
    if not shown:
        return base
    if is_chinese():
        return f"{base}（{'、'.join(shown)}）"
    return f"{base} ({', '.join(shown)})"


def person(username: str | None, labels: Mapping[str, UserLabel]) -> str:
    """How a user is shown in case histories and audit views (:func:`who`); a name
    that is no account (``demo``) as it is."""
    if username is None:
        return "—"
    label = labels.get(username)
    if label is None:
        return username
    return who(label.display_name, label.roles)


def plain(text: str) -> str:
    """An action name without its mnemonic and ellipsis (for titles and messages)."""
    return text.replace("&", "").rstrip("…").strip()


def is_chinese() -> bool:
    return QLocale().language() == QLocale.Language.Chinese


def pick(zh: str, en: str | None) -> str:
    """The Chinese or English name of a reference row, by the UI language."""
    return zh if is_chinese() or not en else en


def street_now() -> datetime:
    """Now in the street's time zone (the machine's own zone may differ)."""
    return datetime.now(CST)


def qt_now() -> QDateTime:
    """Now as a QDateTime showing the street's wall-clock time."""
    return QDateTime(street_now().replace(tzinfo=None, second=0, microsecond=0))


def qt_today() -> QDate:
    return QDate(street_now().date())


def when(t: datetime | None) -> str:
    if t is None:
        return "—"
    return t.strftime("%Y-%m-%d %H:%M")


def day(t: datetime | None) -> str:
    return "—" if t is None else t.strftime("%Y-%m-%d")


def duration(d: timedelta) -> str:
    """``2d 4h``, ``3h 20m``, ``45m`` (translated units)."""
    minutes = int(abs(d).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return (
            translate("Workstation", "%1d %2h").replace("%1", str(days)).replace("%2", str(hours))
        )
    if hours:
        return (
            translate("Workstation", "%1h %2m")
            .replace("%1", str(hours))
            .replace("%2", f"{mins:02d}")
        )
    return translate("Workstation", "%1m").replace("%1", str(mins))
