"""An HTML page parsed with the standard library, independently of profmon.

The tests read the pages profmon writes through this parser, not through
profmon's own code, so that a bug in the writer cannot hide itself.
"""

from html.parser import HTMLParser


class Page(HTMLParser):
    """Start tags (with their attributes) and text of a page, in order."""

    def __init__(self, html):
        super().__init__()
        self.tags, self.text = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def attributes(self, tag):
        return [attrs for name, attrs in self.tags if name == tag]
