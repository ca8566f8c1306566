#!/usr/bin/env python3
"""A person's browser for the deploy tests (scripts/test-deploy), standard
library only: it opens a URL, follows redirects keeping cookies, fills
Vhod's login form with a login and password, allows the consent page, and
stops at the first page that is neither. It prints that page's URL on the
first line and its text after; it exits 1 when a step fails or --expect is
missing from the final page.

    browser.py [--login L --password P] [--jar FILE] [--expect TEXT]... URL

--jar keeps the cookies in a file between runs (a second call is the same
browser: a logout after a login).
"""

import argparse
import html.parser
import http.cookiejar
import sys
import urllib.error
import urllib.parse
import urllib.request


class Forms(html.parser.HTMLParser):
    """Every POST form of a page: its action and its inputs."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self.current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.current = {"action": attrs.get("action") or "", "inputs": {}}
            self.forms.append(self.current)
        elif tag in ("input", "button") and self.current is not None:
            name = attrs.get("name")
            if name and (tag == "input" or name == "decision"):
                self.current["inputs"].setdefault(name, attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def fetch(opener, url, data=None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        res = opener.open(urllib.request.Request(url, data=body), timeout=30)
    except urllib.error.HTTPError as e:
        res = e
    return res.geturl(), res.status, res.read().decode("utf-8", "replace")


def main():
    args = argparse.ArgumentParser()
    args.add_argument("url")
    args.add_argument("--login")
    args.add_argument("--password")
    args.add_argument("--jar")
    args.add_argument("--expect", action="append", default=[])
    a = args.parse_args()

    jar = http.cookiejar.LWPCookieJar(a.jar) if a.jar else http.cookiejar.CookieJar()
    if a.jar:
        try:
            jar.load(ignore_discard=True, ignore_expires=True)
        except FileNotFoundError:
            pass
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    # As a browser asks for a page: mod_auth_openidc answers requests that
    # do not accept HTML with 401 rather than a redirect to log in.
    opener.addheaders = [
        ("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) vhod-deploy-test"),
        ("Accept", "text/html,application/xhtml+xml,*/*;q=0.8"),
        ("Accept-Language", "ru,en;q=0.5"),
    ]

    url, status, page = fetch(opener, a.url)
    for _ in range(6):
        parser = Forms()
        parser.feed(page)
        login = next((f for f in parser.forms if "password" in f["inputs"]), None)
        consent = next((f for f in parser.forms if "decision" in f["inputs"]), None)
        if login is not None and a.login:
            fields = dict(login["inputs"], login=a.login, password=a.password)
            form = login
            a.login = None  # one attempt: a refused password is the answer
        elif consent is not None:
            fields = dict(consent["inputs"], decision="allow")
            form = consent
        else:
            break
        url, status, page = fetch(opener, urllib.parse.urljoin(url, form["action"]), fields)

    if a.jar:
        jar.save(ignore_discard=True, ignore_expires=True)
    print(url)
    print(f"HTTP {status}")
    print(page)
    missing = [t for t in a.expect if t not in page]
    if status >= 400 or missing:
        print(f"browser.py: HTTP {status} at {url}; missing {missing}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
