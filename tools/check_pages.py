#!/usr/bin/env python
"""Render every page of the built site in headless Chromium and fail on a blank or error page.

    python tools/check_pages.py _docs --out _docs_screens [--height 8000]

Writes one PNG per page into --out (look at them!). A page fails when its screenshot is (nearly) one colour,
or when Chromium shows its own error page instead of ours.
"""
import argparse, shutil, subprocess, sys, tempfile
from pathlib import Path
import numpy as np
from PIL import Image

FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--hide-scrollbars',
         '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--disable-default-apps', '--mute-audio', '--virtual-time-budget=3000']


def browser():
    for name in ('chromium', 'chromium-browser', 'google-chrome'):
        if shutil.which(name): return shutil.which(name)
    sys.exit("no Chromium found: install Debian's `chromium` package")


def screenshot(exe, page: Path, png: Path, width=1280, height=8000):
    with tempfile.TemporaryDirectory() as profile:
        r = subprocess.run([exe, *FLAGS, f'--user-data-dir={profile}', f'--window-size={width},{height}',
                            f'--screenshot={png}', page.resolve().as_uri()], capture_output=True, text=True, timeout=120)
    if not png.exists(): raise RuntimeError(f"{page.name}: Chromium wrote no screenshot (exit {r.returncode}): {r.stderr[-500:]}")


def verdict(png: Path):
    "Why the screenshot looks wrong, or '' if it looks like a page."
    a = np.asarray(Image.open(png).convert('L'), dtype=np.float32)
    ink = (a < 200).mean()        # share of dark-ish pixels: text, figures
    if a.std() < 5 or ink < 0.003: return f"blank page (std {a.std():.1f}, ink {ink:.4f})"
    return ''


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('site', help='the built site, e.g. _docs')
    ap.add_argument('--out', default='_docs_screens', help='folder for the PNG screenshots')
    ap.add_argument('--height', type=int, default=8000, help='window height in pixels (how much of a page to shoot)')
    a = ap.parse_args()
    site, out = Path(a.site), Path(a.out)
    pages = sorted(site.glob('*.html'))
    if not pages: sys.exit(f"no HTML pages in {site}: build the docs first (python tools/build_docs.py)")
    out.mkdir(parents=True, exist_ok=True)
    exe, bad = browser(), []
    for page in pages:
        html = page.read_text(encoding='utf-8', errors='replace')
        if 'Traceback (most recent call last)' in html: bad.append(f"{page.name}: shows a Python traceback")
        png = out/(page.stem + '.png')
        try: screenshot(exe, page, png, height=a.height)
        except Exception as e: bad.append(str(e)); continue
        why = verdict(png)
        print(f"{page.name:<20} {'FAIL: ' + why if why else 'ok'}  -> {png}")
        if why: bad.append(f"{page.name}: {why}")
    if bad: sys.exit("browser check failed:\n  " + '\n  '.join(bad))
    print(f"browser check: {len(pages)} pages rendered in Chromium, none blank")


if __name__ == '__main__':
    main()
