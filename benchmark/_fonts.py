"""Fonts for Chinese, Japanese and Korean labels in figures.

Matplotlib's default font (DejaVu Sans) has no CJK glyphs: institution names
such as 示范职业技术学院 would show as empty boxes. When a figure's text holds
CJK characters, :func:`apply_cjk_font` appends an installed CJK font to the
font family of every text in the figure. Matplotlib (>= 3.6) falls back glyph
by glyph along that list, so Latin text and numbers keep the default font and
only the CJK characters come from the CJK font. When no CJK font is installed
a :class:`CJKFontWarning` says how to install one, once per session.

Matplotlib is imported inside the functions so that importing this module is
free.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Iterable
from typing import Any

__all__ = ["CJKFontWarning", "has_cjk", "find_cjk_font", "apply_cjk_font"]

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
    "(macOS), or download Noto Sans CJK SC and register it with "
    "`matplotlib.font_manager.fontManager.addfont(path)`. If the font is installed but not found, "
    "delete matplotlib's font cache (`matplotlib.get_cachedir()`)."
)


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


@functools.lru_cache(maxsize=1)
def find_cjk_font() -> str | None:
    """The family name of an installed CJK font, or ``None`` when there is none."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in PREFERRED_FONTS:
        if name in names:
            return name
    fallback = sorted(n for n in names if "CJK" in n.upper())
    return fallback[0] if fallback else None


def _warn_missing() -> None:
    global _warned
    if _warned:
        return
    _warned = True
    warnings.warn(
        "The figure's labels contain Chinese/Japanese/Korean characters, but no CJK font is "
        "installed, so those characters will show as empty boxes. " + INSTALL_HINT,
        CJKFontWarning,
        stacklevel=3,
    )


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
