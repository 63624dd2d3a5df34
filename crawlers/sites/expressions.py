"""The expression languages of source parameters, compiled with the library that applies them.

A site module lists its expression parameters in `EXPRESSIONS` (name -> one of the
checks below), so a bad selector is refused when the source is saved instead of
crashing every crawl of it. Each check compiles the expression exactly as the
module's parser will use it: CSS through soupsieve (the CSS grammar Lexwatch has always
accepted) and cssselect (the XPath the page kind runs on lxml), XPath through lxml,
JMESPath through jmespath.
"""

from __future__ import annotations

import jmespath
import jmespath.exceptions as jmespath_errors
import soupsieve
from cssselect import HTMLTranslator, SelectorError
from lxml import etree
from lxml import html as lxml_html

from vocab.errors import ConfigError

# lxml reports an unknown function or namespace prefix only when the XPath runs.
_EMPTY_PAGE = "<html><body></body></html>"
_VALUES = {float: "a number", bool: "true or false", str: "text"}
# jmespath reports these only when the expression runs; a type error depends on the data.
_JMESPATH_LATE = (jmespath_errors.UnknownFunctionError, jmespath_errors.EmptyExpressionError)


def css(selector: str) -> None:
    """A CSS selector as the page kind applies it (cssselect's XPath on lxml)."""
    try:
        soupsieve.compile(selector)
        HTMLTranslator().css_to_xpath(selector)
    except (soupsieve.SelectorSyntaxError, SelectorError) as exc:
        raise ConfigError(
            f"'{selector}' is not a CSS selector ({_first_line(exc)}): write e.g. #main, "
            "div.content or table.events"
        ) from exc


def xpath(expression: str) -> None:
    """An XPath expression as lxml evaluates it, selecting elements (the page kind reads those)."""
    try:
        found = etree.XPath(expression)(lxml_html.fromstring(_EMPTY_PAGE))
    except etree.XPathError as exc:
        raise ConfigError(
            f"'{expression}' is not an XPath expression ({_first_line(exc)}): write e.g. "
            "//div[@id='main']"
        ) from exc
    if not isinstance(found, list):  # count(), string(), boolean(): a value, not elements
        raise ConfigError(
            f"'{expression}' gives {_value_word(found)}, not elements: write an XPath that "
            "selects elements, e.g. //div[@id='main']"
        )


def _value_word(value: object) -> str:
    return next((word for kind, word in _VALUES.items() if isinstance(value, kind)), "a value")


def jmespath_expression(expression: str) -> None:
    """A JMESPath expression as jmespath evaluates it."""
    try:
        jmespath.compile(expression).search(None)
    except (jmespath_errors.ParseError, *_JMESPATH_LATE) as exc:
        raise ConfigError(
            f"'{expression}' is not a JMESPath expression ({_first_line(exc)}): write e.g. "
            "data.status or results[*].title"
        ) from exc
    except jmespath_errors.JMESPathTypeError:
        return  # valid: it only needs data of another type than none


def _first_line(exc: Exception) -> str:
    """The error without the multi-line pointer some libraries add."""
    return str(exc).strip().splitlines()[0].rstrip(":").strip() if str(exc).strip() else "invalid"
