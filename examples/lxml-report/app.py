"""A report page rendered with XSLT: lxml, compiled from source, parses and transforms XML."""

from __future__ import annotations

import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from lxml import etree

DATA = b"<items><item price='3'>tea</item><item price='5'>cake</item></items>"
STYLE = b"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:template match="/items"><html><body><ul>
    <xsl:for-each select="item"><li><xsl:value-of select="."/>: <xsl:value-of select="@price"/></li>
    </xsl:for-each></ul></body></html></xsl:template>
</xsl:stylesheet>"""
TRANSFORM = etree.XSLT(etree.XML(STYLE))


class Report(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = bytes(TRANSFORM(etree.XML(DATA)))
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8000"))), Report).serve_forever()
