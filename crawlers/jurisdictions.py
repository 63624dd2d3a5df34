"""The jurisdictions a source may name: a country's ISO 3166-1 alpha-2 code, or EU.

A jurisdiction is a filter in searches, watches and digests, so a typo ("Narnia",
"NLD") would silently hide a source's changes from everyone filtering on the real
code. `UK` is accepted beside `GB` because that is how British sources are
usually labelled (the default UK source is `UK`).
"""

from __future__ import annotations

from vocab.errors import ConfigError

# ISO 3166-1 alpha-2, as published (the list tzdata ships as iso3166.tab).
_ISO_CODES = """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
"""
ISO_3166 = frozenset(_ISO_CODES.split())
KNOWN = ISO_3166 | {"EU", "UK"}


def check_jurisdiction(text: str) -> str:
    """The code upper-cased; '' when none is given; a ConfigError for anything else."""
    code = (text or "").strip().upper()
    if code and code not in KNOWN:
        raise ConfigError(
            f"'{text.strip()}' is not a known jurisdiction: write a two-letter country code "
            "(NL, DE, FR, US…), EU or UK, or leave it empty",
            field="jurisdiction",
        )
    return code
