"""Reading untrusted XML (checklists, benchmarks, CLIXML evidence) without letting it reach out.

One hardened lxml configuration for the whole project: no DTD loading or validation, no entity
expansion, no network, and libxml2's size and depth limits left on.  A document that declares a
DTD is refused before libxml2 sees it, since none of the formats cklauto reads ever has one.
"""

from __future__ import annotations

from lxml import etree


def hardened_parser(
    *,
    remove_comments: bool = False,
    remove_pis: bool = False,
    remove_blank_text: bool = False,
    target: object | None = None,
) -> etree.XMLParser:
    """A parser that resolves nothing and fetches nothing.

    ``remove_blank_text`` drops whitespace-only text *between* elements (indentation), which
    makes parsing a large checklist about a quarter faster; a leaf element's own whitespace
    content is kept by libxml2.  A ``target`` receives parser events instead of a tree being
    built (one without ``start``/``end``/``data`` methods makes a pure well-formedness check).
    """
    return etree.XMLParser(
        target=target,
        remove_blank_text=remove_blank_text,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        collect_ids=False,
        remove_comments=remove_comments,
        remove_pis=remove_pis,
    )


def prolog_declares_dtd(data: bytes) -> bool:
    """Whether a ``<!`` declaration (DOCTYPE, ENTITY) stands before the root element.

    Walks the prolog (BOM, XML declaration, comments, processing instructions) instead of
    searching for a string, so a DOCTYPE after a comment is caught and a "<!DOCTYPE" inside the
    document's text is not mistaken for one.
    """
    pos = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while pos < len(data) and data[pos : pos + 1] in b" \t\r\n":
            pos += 1
        if data.startswith(b"<?", pos):
            end = data.find(b"?>", pos + 2)
            pos = len(data) if end < 0 else end + 2
        elif data.startswith(b"<!--", pos):
            end = data.find(b"-->", pos + 4)
            pos = len(data) if end < 0 else end + 3
        else:
            return data.startswith(b"<!", pos)


def has_dtd(root: etree._Element) -> bool:
    """Second line of defence, after parsing: the document carried a DOCTYPE after all."""
    docinfo = root.getroottree().docinfo
    return bool(docinfo.doctype) or docinfo.internalDTD is not None
