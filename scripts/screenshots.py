"""Full-page screenshots of the demo, to look at what a user sees.

Run `make run` in one terminal, then: .venv/bin/python scripts/screenshots.py [paths...]
PNGs go to screenshots/ (git-ignored). Signs in as the demo OPCC user of Lincolnshire, or as
the user named by --as (APCC lead and admin sign in with their demo TOTP code).
"""

from __future__ import annotations

import argparse
import base64
import re
from pathlib import Path

from django_otp.oath import totp
from playwright.sync_api import sync_playwright

BASE = "http://127.0.0.1:8000"
PASSWORD = "engage-demo-password"
SECRETS = {"admin@example.org": "KRUGKIDROVUWG2ZAMJZG653OEBTG66BA",
           "apcc.lead@example.org": "JJ2W24DTEBXXMZLSEB2GQZJANRQXU6JA"}
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="*", default=["/"])
    parser.add_argument("--as", dest="email", default="opcc.lincolnshire@example.org")
    parser.add_argument("--width", type=int, default=1280)
    options = parser.parse_args()
    out = Path(__file__).resolve().parent.parent / "screenshots"
    out.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": options.width, "height": 900})
        page.goto(f"{BASE}/accounts/login/")
        page.fill("#id_email", options.email)
        page.fill("#id_password", PASSWORD)
        page.click("button:has-text('Sign in')")
        if options.email in SECRETS:
            code = totp(base64.b32decode(SECRETS[options.email]), step=30, t0=0, digits=6)
            page.fill("#id_token", f"{code:06d}")
            page.click("button:has-text('Continue')")
        for path in options.paths:
            page.goto(BASE + path)
            name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
            target = out / f"{name}-{options.width}.png"
            page.screenshot(path=str(target), full_page=True)
            print(target)
        browser.close()


if __name__ == "__main__":
    main()
