"""Translations: English source strings, Simplified Chinese (zh_CN) by default.

Every user-visible string goes through ``QCoreApplication.translate(context, text)``
(or ``QT_TRANSLATE_NOOP`` for tables), so ``pyside6-lupdate`` finds it. Each feature
ships ``resources/i18n/<feature>_zh_CN.ts`` and the built ``.qm`` beside it; all
``*_<lang>.qm`` files are installed together with Qt's own translations.

Rebuild after changing strings::

    python -m center.windows.runtime.i18n update    # pyside6-lupdate: refresh the .ts files
    python -m center.windows.runtime.i18n release   # pyside6-lrelease: build the .qm files
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

import resources

LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"
I18N_DIR = resources.path("i18n")
ROOT = Path(__file__).resolve().parents[3]
# feature -> source folders and files scanned by `update`
FEATURES: dict[str, tuple[str, ...]] = {
    "wall": (
        "center/windows/wall",
        "center/windows/app/main_window.py",
        "center/windows/app/menus.py",
        "center/windows/app/reports.py",
        "center/windows/app/startup.py",
        "center/windows/runtime/changefeed.py",
        "center/windows/runtime/faults.py",
        "center/windows/wall/snapshot.py",
        "center/windows/wall/texts.py",
        "center/core/kpis.py",
        "widgets",
    ),
    "workstation": ("center/windows/workstation",),
}

_installed: list[QTranslator] = []


class LanguageError(ValueError):
    pass


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise LanguageError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    return lang


def install_translators(app: QCoreApplication, lang: str) -> list[str]:
    """Install the translators of ``lang``; returns the .qm files loaded."""
    check_language(lang)
    for t in _installed:
        app.removeTranslator(t)
    _installed.clear()
    QLocale.setDefault(QLocale("zh_CN" if lang == "zh_CN" else "en_US"))
    if lang == "en":
        return []
    loaded = []
    files = sorted(I18N_DIR.glob(f"*_{lang}.qm"))
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase", "qtwebengine"):
        candidate = Path(qt_dir) / f"{name}_{lang}.qm"
        if candidate.is_file():
            files.append(candidate)
    for file in files:
        t = QTranslator(app)
        if t.load(str(file)):
            app.installTranslator(t)
            _installed.append(t)
            loaded.append(str(file))
    return loaded


def _tool(name: str) -> str:
    exe = Path(sys.executable).with_name(name)
    found = str(exe) if exe.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: it ships with PySide6")
    return found


def update() -> None:
    for feature, sources in FEATURES.items():
        files: list[str] = []
        for src in sources:
            p = ROOT / src
            files.extend(sorted(str(f) for f in p.rglob("*.py")) if p.is_dir() else [str(p)])
        files = [f for f in files if Path(f).exists()]
        for lang in LANGUAGES:
            if lang == "en":
                continue
            ts = I18N_DIR / f"{feature}_{lang}.ts"
            subprocess.run(
                [_tool("pyside6-lupdate"), *files, "-no-obsolete", "-ts", str(ts)], check=True
            )


def release() -> None:
    for ts in sorted(I18N_DIR.glob("*.ts")):
        subprocess.run(
            [_tool("pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True
        )


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        update()
    elif argv[:1] == ["release"]:
        release()
    else:
        print("usage: python -m center.windows.runtime.i18n update|release")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
