"""Fonts for Chinese, Japanese and Korean labels in figures.

Matplotlib's default font (DejaVu Sans) has no CJK glyphs: institution names
such as 示范职业技术学院 would show as empty boxes. When a figure's text holds
CJK characters, :func:`apply_cjk_font` appends a CJK font to the font family of
every text in the figure. Matplotlib (>= 3.6) falls back glyph by glyph along
that list, so Latin text and numbers keep the default font and only the CJK
characters come from the CJK font.

Where the font comes from, in this order: a CJK font matplotlib already knows
(system fonts in its cache); Noto Sans CJK SC from the ``noto-cjk-sans-otc``
package, a dependency of this library (SIL Open Font License), registered with
matplotlib at first use; a CJK font installed on the system after
matplotlib's font cache was written (the font folders are scanned again, so no
cache needs deleting). Only when all three fail does a
:class:`CJKFontWarning` say how to install one - once per session, and
matplotlib's per-glyph "missing from font" warnings are then silenced so the
one warning is not buried.

Every figure also passes through :func:`prepare`, which sets ``pdf.fonttype``
and ``ps.fonttype`` to 42 (embedded TrueType/CID outline fonts) while they
hold matplotlib's default 3: journals reject PDFs with Type 3 fonts.

Matplotlib is imported inside the functions so that importing this module is
free.
"""

from __future__ import annotations

import functools
import logging
import re
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["CJKFontWarning", "apply_cjk_font", "find_cjk_font", "has_cjk", "prepare"]

# Han (with extensions and compatibility ideographs), kana, bopomofo, hangul,
# CJK punctuation and full-width forms.
_CJK = re.compile(
    "[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f]"
)

#: Fonts tried in this order: Simplified Chinese first (the bundled data are
#: Chinese), then the common system fonts of each platform, then any family
#: with "CJK" in its name.
PREFERRED_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
    "Noto Sans CJK KR",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "Arial Unicode MS",
    "Droid Sans Fallback",
    "Noto Serif CJK SC",
)

INSTALL_HINT = (
    "Install a CJK font and restart Python: `apt-get install fonts-noto-cjk` (Debian/Ubuntu), "
    "`dnf install google-noto-sans-cjk-fonts` (Fedora), `brew install --cask font-noto-sans-cjk-sc` "
    "(macOS), or `pip install noto-cjk-sans-otc` (the font package this library depends on), or "
    "register any CJK font file with `matplotlib.font_manager.fontManager.addfont(path)`."
)

#: File-name fragments of CJK fonts, used to pick the files worth registering
#: from a rescan of the system font folders.
_CJK_FILE_HINTS = ("cjk", "wqy", "wenquan", "sourcehan", "source-han", "droidsansfallback", "simhei",
                   "simsun", "msyh", "yahei", "pingfang", "hiragino", "heiti", "notosanssc", "notoserifsc",
                   "arialuni", "uming", "ukai", "hei", "song", "kai", "ming", "gothic", "mincho")


class CJKFontWarning(UserWarning):
    """Labels contain CJK characters but no CJK font is installed."""


_warned = False


def has_cjk(strings: Iterable[Any]) -> bool:
    """Whether any of ``strings`` holds a Chinese, Japanese or Korean character.

    >>> has_cjk(["tech_service_income", "示范学院"])
    True
    >>> has_cjk(["placement rate", 2023])
    False
    """
    return any(_CJK.search(s) for s in map(str, strings))


def _known_cjk_font() -> str | None:
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in PREFERRED_FONTS:
        if name in names:
            return name
    fallback = sorted(n for n in names if "CJK" in n.upper())
    return fallback[0] if fallback else None


def _add_fonts(paths: Iterable[Any]) -> None:
    from matplotlib import font_manager

    for path in paths:
        try:
            font_manager.fontManager.addfont(str(path))
        except (OSError, RuntimeError, ValueError):  # unreadable or unsupported file: skip it
            continue


def _bundled_font_file() -> Any:
    """The Noto Sans CJK collection of the ``noto-cjk-sans-otc`` package, if installed."""
    try:
        from noto_cjk_sans_otc import FONT_PATH
    except ImportError:
        return None
    path = Path(str(FONT_PATH))
    return path if path.is_file() else None


def _new_system_cjk_files() -> list[str]:
    """CJK font files in the system folders that matplotlib's cached font list does not know yet."""
    from matplotlib import font_manager

    known = {f.fname for f in font_manager.fontManager.ttflist}
    found = []
    for ext in ("ttf", "otf", "ttc"):
        for path in font_manager.findSystemFonts(fontext=ext):
            lower = Path(path).name.lower()
            if path not in known and any(h in lower for h in _CJK_FILE_HINTS):
                found.append(path)
    return found


class _RegularOnly(logging.Filter):
    """Drop matplotlib's note that the bundled CJK font has no bold face (regular is used, as it says)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (message.startswith("findfont: Failed to find font weight") and "CJK" in message)


@functools.lru_cache(maxsize=1)
def find_cjk_font() -> str | None:
    """The family name of a CJK font matplotlib can use, or ``None`` when there is none.

    Tries a font matplotlib already knows, then registers the bundled Noto
    Sans CJK collection (``noto-cjk-sans-otc``), then any CJK font installed
    since matplotlib's font cache was written. The answer is remembered for
    the session.
    """
    font = _known_cjk_font()
    if font is None:
        bundled = _bundled_font_file()
        if bundled is not None:
            _add_fonts([bundled])
            font = _known_cjk_font()
            # The package ships the regular weight only; bold CJK text falls back to it.
            logging.getLogger("matplotlib.font_manager").addFilter(_RegularOnly())
    if font is None:
        _add_fonts(_new_system_cjk_files())
        font = _known_cjk_font()
    return font


def prepare() -> None:
    """Embed fonts as TrueType/CID outlines in PDF and PostScript output.

    Sets ``pdf.fonttype`` and ``ps.fonttype`` to 42 while they hold
    matplotlib's default, 3 (Type 3 fonts, which journals reject). Called by
    every plot function, so it holds again after ``matplotlib.rcdefaults()``
    or an ``rc_context`` that ended. For Type 3 output save inside
    ``matplotlib.rc_context({"pdf.fonttype": 3})``.
    """
    import matplotlib as mpl

    for key in ("pdf.fonttype", "ps.fonttype"):
        if mpl.rcParams[key] == 3:
            mpl.rcParams[key] = 42


def _warn_missing() -> None:
    global _warned
    if _warned:
        return
    _warned = True
    warnings.warn(
        "The figure's labels contain Chinese/Japanese/Korean characters, but no CJK font is "
        "installed, so those characters will show as empty boxes. " + INSTALL_HINT
        + " (matplotlib's per-glyph 'missing from font' warnings are silenced for this session.)",
        CJKFontWarning,
        stacklevel=3,
    )
    # One warning says it all; without this matplotlib adds one line per missing glyph at draw time.
    warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font", category=UserWarning)


def _family_with(font: str) -> list[str]:
    import matplotlib as mpl

    family = mpl.rcParams["font.family"]
    family = [family] if isinstance(family, str) else list(family)
    return family if font in family else [*family, font]


def apply_cjk_font(fig: Any, strings: Iterable[Any] = ()) -> str | None:
    """Make every text of ``fig`` able to show CJK characters, if it needs to.

    ``strings`` lists labels that are not text artists yet (category tick
    labels are only written at draw time). When these or the figure's texts
    contain CJK characters, the CJK font is appended to the font family of
    every text and tick label of the figure, so glyph fallback covers them;
    with no CJK font installed a :class:`CJKFontWarning` is issued (once).
    Returns the CJK font used, or ``None``.
    """
    from matplotlib.text import Text

    prepare()
    texts = fig.findobj(Text)
    if not has_cjk([*strings, *(t.get_text() for t in texts)]):
        return None
    font = find_cjk_font()
    if font is None:
        _warn_missing()
        return None
    family = _family_with(font)
    for text in texts:
        text.set_fontfamily(family)
    for ax in fig.axes:
        ax.tick_params(axis="both", which="both", labelfontfamily=family)
    return font
