#!/usr/bin/env python
"""Check every page of the built site in headless Chromium, over its whole length, as a student scrolls it.

    python tools/check_pages.py _docs --out _docs_screens           # every page, at 1366 px and 390 px
    python tools/check_pages.py _docs --pages tuning.html --widths 390 --no-screens   # one page, quickly

Each page is loaded at a laptop width (1366 px) and at a phone width (390 px, emulated as a phone) with the
network blocked, as the offline site is read. The page fails when it shows:
  - raw TeX (maths that KaTeX did not typeset, or `\\(`, `$$`, `\\frac`... left in the text);
  - a code block, table or figure wider than its column with no visible sign that it scrolls (a scrollbar,
    or the scroll shadow of nbs/styles.css), or a page that scrolls sideways;
  - a broken image;
  - things from the build machine: a "Downloading ..." line, a traceback, a home-directory path
    (/root/..., /home/<user>/..., ~/.cache/... printed by a cell), a library build string (2.11.1+cu132), or
    a printed dump (a stream output of more than 12 lines, or of more than 10 that reads like a log);
  - no previous/next links (a page in the sidebar), or a blank screenshot;
  - a search (from index.html opened as a file) that finds nothing.
It prints one summary line per page and width (the numbers chapter authors need), then every problem with
the text it found, and writes full-length screenshots `<page>-<width>.jpg` into --out (look at them!).

`--allow FILE` (JSON: {"page.html": {"kind": count}}) accepts up to `count` problems of a kind on a page:
a count that can only go down. Chromium is driven over its DevTools pipe (no extra Python package).
"""
import argparse, base64, json, os, re, select, shutil, subprocess, sys, tempfile, time
from pathlib import Path

WIDTHS = (1366, 390)
PHONE = 600          # widths below this are emulated as a phone (touch, overlay scrollbars)
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-extensions',
         '--disable-default-apps', '--mute-audio', '--remote-debugging-pipe']
KINDS = {  # kind: what a student sees
    'raw-tex': 'raw TeX', 'overflow': 'wider than its column, no visible scroll', 'sideways': 'page scrolls sideways',
    'broken-image': 'broken image', 'downloading': '"Downloading" line', 'traceback': 'traceback',
    'home-path': 'home-directory path', 'build-string': 'library build string', 'long-log': 'printed dump (> 12 lines, or a log > 10)',
    'no-prev-next': 'no previous/next links', 'network': 'asks the network for', 'blank': 'blank page',
    'js-error': 'script error', 'search': 'search finds nothing (opened as a file)'}

# Runs in the page after it loaded; returns what it found as JSON. Kept in one place so the tests can seed defects.
CHECK_JS = r"""
(async () => {
  try { await document.fonts.ready; } catch (e) {}
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const out = {width: innerWidth, height: Math.max(document.documentElement.scrollHeight, document.body.scrollHeight),
               problems: [], counts: {code: 0, code_scroll: 0, tables: 0, tables_scroll: 0, math: 0, images: 0, figures: 0, captioned: 0}};
  const main = document.querySelector('main') || document.body;
  const Y = el => Math.round(el.getBoundingClientRect().top + scrollY);
  const add = (kind, el, detail) => out.problems.push({kind, y: el ? Y(el) : 0, detail: String(detail).replace(/\s+/g, ' ').trim().slice(0, 160)});
  const visible = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
                          return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  // -- maths: every span.math is typeset by KaTeX; TeX left in the text anywhere else
  const math = [...main.querySelectorAll('span.math')];
  out.counts.math = math.length;
  math.filter(m => !m.querySelector('.katex')).forEach(m => add('raw-tex', m, m.textContent));
  main.querySelectorAll('.katex-error').forEach(m => add('raw-tex', m, 'KaTeX error: ' + (m.title || m.textContent)));
  const texRe = /\\\(|\\\)|\\\[|\\\]|\$\$|\\(?:frac|sum|prod|lVert|rVert|mathrm|mathbf|mathcal|hat|bar|sqrt|alpha|beta|gamma|sigma|lambda|mu|cdot|times|leq|geq|left|right|log|exp|operatorname|text|in)\b/;
  const code = 'pre, code, script, style, textarea, .katex, .sourceCode';  // prose, tables and show_doc text are checked
  const tw = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  for (let n; (n = tw.nextNode());) {
    const p = n.parentElement;
    if (!p || p.closest(code) || p.closest('span.math')) continue;
    const m = n.textContent.match(texRe);
    if (m && visible(p)) add('raw-tex', p, n.textContent.slice(Math.max(0, m.index - 40), m.index + 60));
  }
  // -- width: blocks wider than their box must scroll visibly; nothing may stick out of the column
  const col = document.querySelector('#quarto-document-content') || main;
  const colRight = col.getBoundingClientRect().right;
  const scrolls = el => /auto|scroll/.test(getComputedStyle(el).overflowX);
  const cue = el => {
    const s = getComputedStyle(el);
    const bar = el.offsetHeight - el.clientHeight - parseFloat(s.borderTopWidth) - parseFloat(s.borderBottomWidth);
    // a scrollbar the page keeps visible, or scrolling shadows (gradients, some of them scrolling with the content)
    return bar >= 3 || (/gradient/.test(s.backgroundImage) && /local/.test(s.backgroundAttachment));
  };
  const flagged = [];
  const near = el => flagged.some(f => f.contains(el) || el.contains(f));
  const blocks = [...main.querySelectorAll('pre, table, .cell-output, .cell-output-display, div.sourceCode, .katex-display, img, svg, figure, .table-responsive, .dlw-scroll')];
  for (const el of blocks) {
    if (!visible(el) || el.closest('.katex, nav, .sidebar, #TOC')) continue;
    const wide = el.scrollWidth > el.clientWidth + 1;
    if (wide && /hidden|clip/.test(getComputedStyle(el).overflowX) && !near(el)) {
      flagged.push(el); add('overflow', el, 'cut off (overflow hidden): ' + el.tagName.toLowerCase() + ' ' + el.textContent.slice(0, 80));
    } else if (wide && scrolls(el) && !cue(el) && !near(el)) {
      flagged.push(el); add('overflow', el, 'scrolls, but nothing shows it: ' + el.tagName.toLowerCase() + ' ' + el.textContent.slice(0, 80));
    }
    const r = el.getBoundingClientRect();
    if (r.right > colRight + 2 && !near(el)) {
      let a = el.parentElement, inside = false;
      for (; a && a !== col && a !== document.body; a = a.parentElement) if (scrolls(a) || /hidden|clip/.test(getComputedStyle(a).overflowX)) { inside = true; break; }
      if (!inside) { flagged.push(el); add('overflow', el, `${Math.round(r.right - colRight)} px past the column: ${el.tagName.toLowerCase()} ${el.textContent.slice(0, 80)}`); }
    }
  }
  const docW = document.documentElement.scrollWidth;
  if (docW > innerWidth + 1) add('sideways', null, `the page is ${docW} px wide in a ${innerWidth} px window`);
  const overflows = el => { for (let a = el; a && a !== main; a = a.parentElement) if (a.scrollWidth > a.clientWidth + 1 && scrolls(a)) return true; return false; };
  const pres = [...main.querySelectorAll('pre')].filter(visible);
  out.counts.code = pres.length; out.counts.code_scroll = pres.filter(overflows).length;
  out.wide = pres.filter(overflows).map(p => { const ls = p.textContent.split('\n'); const l = ls.reduce((a, b) => b.length > a.length ? b : a, '');
                                             return {y: Y(p), chars: l.length, line: l.trim().slice(0, 100)}; });
  const tables = [...main.querySelectorAll('table')].filter(visible);
  out.counts.tables = tables.length; out.counts.tables_scroll = tables.filter(overflows).length;
  // -- images
  const imgs = [...main.querySelectorAll('img')];
  out.counts.images = imgs.length;
  imgs.filter(i => i.complete && i.naturalWidth === 0).forEach(i => add('broken-image', i, i.getAttribute('src').slice(0, 100)));
  const figs = imgs.filter(i => i.closest('.cell-output-display'));   // the figures cells draw
  out.counts.figures = figs.length;
  out.counts.captioned = figs.filter(i => { const f = i.closest('figure'); return f && f.querySelector('figcaption') && (i.alt || '').trim(); }).length;
  // -- things from the build machine, in the text a student sees
  const text = [...main.querySelectorAll('p, li, td, th, pre, h1, h2, h3, h4, blockquote, dd, dt, figcaption')].filter(el => !el.querySelector('p, li, pre, td'));
  const rules = [
    ['downloading', /^.*\bDownloading\b.*$/m, el => el.closest('.cell-output') || /Downloading (data )?from/.test(el.textContent)],
    ['traceback', /Traceback \(most recent call last\)|^\s*File "[^"]+", line \d+/m, el => true],
    ['home-path', /(?:^|[\s'"(=:\[])(?:\/root\/|\/home\/[\w.-]+\/|\/Users\/[\w.-]+\/|[A-Z]:\\Users\\)[^\s'"),\]]*/m, el => true],
    // `~/.cache/...` in the prose documents where things go; printed by a cell, it is the build machine's cache
    ['home-path', /~\/\.cache\/[^\s'"),\]]*/, el => el.closest('.cell-output')],
    ['build-string', /\b\d+\.\d+(?:\.\d+)?\+(?:cu\d{2,3}|cpu|rocm[\d.]*)\b|compiled extension loaded/, el => true],
  ];
  for (const el of text) {
    if (!visible(el)) continue;
    const t = el.innerText || el.textContent;
    for (const [kind, re, when] of rules) { const m = t.match(re); if (m && when(el)) add(kind, el, m[0]); }
  }
  // -- dumps: printed output of more than 12 lines, or of more than 10 that reads like a log (most lines alike:
  //    the same first word, timestamps, log levels, epochs, progress bars). Show a table as a DataFrame instead.
  for (const pre of main.querySelectorAll('.cell-output-stdout pre, .cell-output-stderr pre, .cell-output pre')) {
    if (!visible(pre) || pre.closest('.cell-output-display')) continue;
    const lines = pre.textContent.split('\n').filter(l => l.trim());
    if (lines.length <= 10) continue;
    const first = {}; lines.forEach(l => { const w = l.trim().split(/[\s:=]+/)[0].replace(/\d+/g, '#'); first[w] = (first[w] || 0) + 1; });
    const top = Math.max(...Object.values(first));
    const loggy = lines.filter(l => /^\s*(\[?\d{4}-\d\d-\d\d|\d\d:\d\d:\d\d|\[?(INFO|WARNING|DEBUG|ERROR)\b|Epoch \d|\d+\/\d+ \S*[━=])/.test(l)).length;
    if (lines.length > 12 || top / lines.length > 0.6 || loggy / lines.length > 0.5)
      add('long-log', pre, `${lines.length} lines: ${lines[0].slice(0, 60)} / ${lines[1].slice(0, 60)}`);
  }
  // -- navigation
  const nav = document.querySelector('nav.page-navigation');
  out.nav = nav ? [...nav.querySelectorAll('a')].map(a => a.closest('.nav-page-previous') ? 'prev' : 'next') : [];
  out.in_sidebar = !!document.querySelector('#quarto-sidebar a.sidebar-link.active, #quarto-sidebar a.active');
  return JSON.stringify(out);
})()
"""


class Chromium:
    "Headless Chromium driven over its DevTools pipe (`--remote-debugging-pipe`: JSON messages on fds 3 and 4)."
    def __init__(self, exe):
        self.profile = tempfile.mkdtemp(prefix='check-pages-')
        to_c, from_c = os.pipe(), os.pipe()
        def child():  # the browser reads commands on fd 3 and writes answers on fd 4
            a, b = os.dup(to_c[0]), os.dup(from_c[1]); os.dup2(a, 3); os.dup2(b, 4)
        self.proc = subprocess.Popen([exe, *FLAGS, f'--user-data-dir={self.profile}', 'about:blank'],
                                     preexec_fn=child, close_fds=False, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_c[0]); os.close(from_c[1])
        self.w, self.r, self.buf, self.n, self.events = to_c[1], from_c[0], b'', 0, []

    def _read(self, timeout):
        end = time.time() + timeout
        while b'\0' not in self.buf:
            left = end - time.time()
            if left <= 0 or not select.select([self.r], [], [], left)[0]: raise TimeoutError('Chromium did not answer')
            chunk = os.read(self.r, 1 << 20)
            if not chunk: raise RuntimeError('Chromium closed its DevTools pipe (did it crash?)')
            self.buf += chunk
        msg, self.buf = self.buf.split(b'\0', 1)
        return json.loads(msg)

    def send(self, method, session=None, timeout=60, **params):
        self.n += 1
        msg = {'id': self.n, 'method': method, 'params': params, **({'sessionId': session} if session else {})}
        os.write(self.w, json.dumps(msg).encode() + b'\0')
        while True:
            m = self._read(timeout)
            if m.get('id') == self.n:
                if 'error' in m: raise RuntimeError(f"{method}: {m['error'].get('message')}")
                return m.get('result', {})
            self.events.append(m)

    def wait_event(self, name, session, timeout=30):
        end = time.time() + timeout
        while True:
            for i, m in enumerate(self.events):
                if m.get('method') == name and m.get('sessionId') == session: return self.events.pop(i)
            self.events.append(self._read(max(0.1, end - time.time())))

    def close(self):
        try: self.send('Browser.close', timeout=5)
        except Exception: pass
        try: self.proc.wait(5)
        except subprocess.TimeoutExpired: self.proc.kill(); self.proc.wait()
        os.close(self.w); os.close(self.r)
        shutil.rmtree(self.profile, ignore_errors=True)


def browser():
    for name in ('chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'):
        if shutil.which(name): return shutil.which(name)
    sys.exit("no Chromium found: install Debian's `chromium` package (apt-get install chromium)")


def check_page(c: Chromium, page: Path, width: int, shot_file: Path | None):
    "Load `page` at `width` with the network blocked; return the page's findings (and write its screenshot)."
    tid = c.send('Target.createTarget', url='about:blank')['targetId']
    s = c.send('Target.attachToTarget', targetId=tid, flatten=True)['sessionId']
    try:
        for m in ('Page.enable', 'Network.enable', 'Runtime.enable'): c.send(m, s)
        c.send('Network.setBlockedURLs', s, urls=['http://*', 'https://*', 'ws://*', 'wss://*'])
        phone = width < PHONE
        c.send('Emulation.setDeviceMetricsOverride', s, width=width, height=844 if phone else 900,
               deviceScaleFactor=1, mobile=phone)
        if phone: c.send('Emulation.setTouchEmulationEnabled', s, enabled=True)
        c.send('Emulation.setScrollbarsHidden', s, hidden=True)   # as macOS and phones show them: not at all
        c.events.clear()
        c.send('Page.navigate', s, url=page.resolve().as_uri())
        c.wait_event('Page.loadEventFired', s, timeout=60)
        r = c.send('Runtime.evaluate', s, expression=CHECK_JS, awaitPromise=True, returnByValue=True, timeout=120)
        if 'exceptionDetails' in r: raise RuntimeError(f"the check script failed: {r['exceptionDetails']}")
        found = json.loads(r['result']['value'])
        blocked = sorted({m['params'].get('request', {}).get('url', '') for m in c.events
                          if m.get('method') == 'Network.requestWillBeSent' and m.get('sessionId') == s
                          and re.match(r'(https?|wss?)://', m['params'].get('request', {}).get('url', ''))})
        found['problems'] += [{'kind': 'network', 'y': 0, 'detail': u[:160]} for u in blocked]
        errors = [m['params']['exceptionDetails'] for m in c.events
                  if m.get('method') == 'Runtime.exceptionThrown' and m.get('sessionId') == s]
        found['problems'] += [{'kind': 'js-error', 'y': 0, 'detail': (e.get('exception', {}).get('description') or e.get('text', ''))[:160]}
                              for e in errors]
        if shot_file is not None:
            h = min(found['height'], 60000)
            shot = c.send('Page.captureScreenshot', s, format='jpeg', quality=80, captureBeyondViewport=True, timeout=120,
                          clip={'x': 0, 'y': 0, 'width': width, 'height': h, 'scale': 1})
            shot_file.write_bytes(base64.b64decode(shot["data"]))
            why = blank(shot_file)
            if why: found['problems'].append({'kind': 'blank', 'y': 0, 'detail': why})
        return found
    finally:
        c.send('Target.closeTarget', targetId=tid)


SEARCH_JS = r"""
(async (q) => {
  const i = document.querySelector('.smalldocs-search input, #quarto-search input');
  if (!i) return 'no search box';
  i.focus(); i.value = q; i.dispatchEvent(new Event('input'));
  for (let t = 0; t < 40; t++) {
    await new Promise(r => setTimeout(r, 100));
    const hits = document.querySelectorAll('.smalldocs-search-results a.search-result, .aa-Item').length;
    if (hits) return '';
  }
  const box = document.querySelector('.smalldocs-search-results');
  return `no results for "${q}"` + (box ? ': ' + box.textContent.slice(0, 80) : '');
})
"""


def search_problem(c: Chromium, page: Path, query: str) -> str:
    "Search the site from `page`, opened as a file, as a student would; '' when results come, else why not."
    tid = c.send('Target.createTarget', url='about:blank')['targetId']
    s = c.send('Target.attachToTarget', targetId=tid, flatten=True)['sessionId']
    try:
        c.send('Page.enable', s); c.events.clear()
        c.send('Page.navigate', s, url=page.resolve().as_uri())
        c.wait_event('Page.loadEventFired', s, timeout=60)
        r = c.send('Runtime.evaluate', s, expression=f"{SEARCH_JS}({json.dumps(query)})", awaitPromise=True,
                   returnByValue=True, timeout=60)
        return r.get('result', {}).get('value', 'the search script failed')
    finally:
        c.send('Target.closeTarget', targetId=tid)


def search_query(site: Path) -> str:
    "A word that the site's search index holds: the first long word of its first page title."
    idx = site/'search.json'
    entries = json.loads(idx.read_text(encoding='utf-8')) if idx.exists() else []
    words = [w for e in entries for w in re.findall(r'[A-Za-z]{5,}', e.get('title', ''))]
    return words[0] if words else ''


def blank(image: Path):
    "Why the screenshot looks wrong, or '' if it looks like a page."
    import numpy as np
    from PIL import Image
    Image.MAX_IMAGE_PIXELS = None
    a = np.asarray(Image.open(image).convert('L').reduce(4), dtype=np.float32)
    ink = (a < 200).mean()        # share of dark-ish pixels: text, figures
    return f"blank page (std {a.std():.1f}, ink {ink:.4f})" if a.std() < 5 or ink < 0.003 else ''


def sidebar_pages(site: Path):
    "The pages of the sidebar, in its order (the home page first): previous/next links follow that order."
    index = site/'index.html'
    if not index.exists(): return []
    nav = re.search(r'<nav[^>]*id="quarto-sidebar".*?</nav>', index.read_text(encoding='utf-8'), re.S)
    order = ['index.html'] + re.findall(r'href="(?:\./)?([\w-]+\.html)"', nav[0]) if nav else []
    return list(dict.fromkeys(order))


def nav_problem(order, page, nav):
    "What is missing from the previous/next links of `page`, or ''."
    if page not in order or len(order) < 2: return ''
    i = order.index(page)
    need = (['prev'] if i > 0 else []) + (['next'] if i < len(order) - 1 else [])
    missing = [n for n in need if n not in nav]
    return f"no {' and no '.join(missing)} link" if missing else ''


def check_site(site: Path, out: Path | None = None, widths=WIDTHS, pages=None, allow=None, log=print):
    "Check the pages of `site`; return (summary rows, problems that fail, problems allowed)."
    pages = [site/p for p in pages] if pages else sorted(site.glob('*.html'))
    if not pages: raise SystemExit(f"no HTML pages in {site}: build the docs first (python tools/build_docs.py)")
    if out: out.mkdir(parents=True, exist_ok=True)
    in_sidebar, allow = sidebar_pages(site), allow or {}
    rows, failing, allowed = [], [], []
    c = Chromium(browser())
    try:
        for page in pages:
            per_kind = {}
            for w in widths:
                shot = out/f"{page.stem}-{w}.jpg" if out else None
                t = time.time()
                f = check_page(c, page, w, shot)
                why = nav_problem(in_sidebar, page.name, f['nav'])
                if why: f['problems'].append({'kind': 'no-prev-next', 'y': 0, 'detail': why})
                k = f['counts']
                row = dict(page=page.name, width=w, screens=round(f['height'] / (844 if w < PHONE else 768), 1),
                           code=k['code'], code_scroll=k['code_scroll'], tables=k['tables'], tables_scroll=k['tables_scroll'],
                           math=k['math'], figures=k['figures'], captioned=k['captioned'],
                           **{kind: 0 for kind in KINDS}, seconds=round(time.time() - t, 1))
                for p in f['problems']:
                    row[p['kind']] += 1
                    per_kind.setdefault(p['kind'], []).append({**p, 'page': page.name, 'width': w})
                row['wide'] = f.get('wide', [])
                rows.append(row)
                log(summary_line(row))
            for kind, ps in per_kind.items():
                # a problem seen at both widths counts once per page, by the width where it is seen most
                n = max(sum(p['width'] == w for p in ps) for w in widths)
                (allowed if n <= allow.get(page.name, {}).get(kind, 0) else failing).extend(ps)
        q = search_query(site)
        if q and (site/'index.html').exists() and (site/'index.html') in pages:
            why = search_problem(c, site/'index.html', q)
            if why:
                p = {'kind': 'search', 'y': 0, 'detail': why, 'page': 'index.html', 'width': widths[0]}
                (allowed if allow.get('index.html', {}).get('search', 0) else failing).append(p)
                log(f"index.html: search: FAIL: {why}")
            else: log(f"index.html: search for {q!r} from file:// finds results")
    finally:
        c.close()
    return rows, failing, allowed


def summary_line(r):
    bad = ', '.join(f"{r[k]} {KINDS[k]}" for k in KINDS if r[k])
    return (f"{r['page']:<17} {r['width']:>4} px  {r['screens']:>5} screens  code {r['code_scroll']:>3}/{r['code']:<3} scroll  "
            f"tables {r['tables_scroll']:>2}/{r['tables']:<2} scroll  maths {r['math']:>3}  "
            f"figures {r['captioned']:>2}/{r['figures']:<2} with caption+alt  "
            f"{'FAIL: ' + bad if bad else 'ok'}  ({r['seconds']} s)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('site', help='the built site, e.g. _docs')
    ap.add_argument('--out', default='_docs_screens', help='folder for the full-length screenshots (JPEG)')
    ap.add_argument('--no-screens', action='store_true', help='check only, write no screenshots (faster)')
    ap.add_argument('--widths', default=','.join(map(str, WIDTHS)), help='window widths in px, comma-separated')
    ap.add_argument('--pages', default='', help='only these pages, comma-separated (e.g. tuning.html)')
    ap.add_argument('--allow', default='', help='JSON file {"page.html": {"kind": count}} of problems still accepted')
    ap.add_argument('--list-wide', action='store_true',
                    help='also list the code blocks that scroll at the first width: their longest line and its length')
    ap.add_argument('--json', default='', help='also write the summary rows and problems to this JSON file')
    ap.add_argument('--write-allow', default='', help='write the problems found now as an allow-list to this file '
                    '(to start a ratchet: commit it, then only lower its counts)')
    a = ap.parse_args()
    site = Path(a.site)
    allow = json.loads(Path(a.allow).read_text()) if a.allow else {}
    t = time.time()
    print(f"checking {site} at {a.widths} px (network blocked); per page: code blocks and tables wider than the column"
          " (they scroll, with a shadow) / all, maths typeset, figures with a caption and alt text / all")
    rows, failing, allowed = check_site(site, None if a.no_screens else Path(a.out), [int(w) for w in a.widths.split(',')],
                                        [p for p in a.pages.split(',') if p], allow)
    if a.json: Path(a.json).write_text(json.dumps({'rows': rows, 'failing': failing, 'allowed': allowed}, indent=1))
    if a.write_allow:
        counts = {}
        for p in failing + allowed:
            per = counts.setdefault(p['page'], {}).setdefault(p['kind'], {})
            per[p['width']] = per.get(p['width'], 0) + 1
        Path(a.write_allow).write_text(json.dumps({pg: {k: max(v.values()) for k, v in sorted(ks.items())}
                                                   for pg, ks in sorted(counts.items())}, indent=1) + '\n')
        print(f"wrote {a.write_allow}: the problems of today, allowed; lower a count when a page gets better")
    if a.list_wide:
        w0 = int(a.widths.split(',')[0])
        for r in rows:
            if r['width'] != w0 or not r['wide']: continue
            print(f"\n{r['page']} @{w0}px: {len(r['wide'])} code block(s) wider than the column (they scroll):")
            for b in r['wide']: print(f"  y={b['y']:>6}  {b['chars']:>3} chars: {b['line']}")
    for title, ps in (('allowed by ' + a.allow, allowed), ('FAIL', failing)):
        if ps: print(f"\n{title}: {len(ps)} problem(s)")
        for p in ps: print(f"  {p['page']} @{p['width']}px y={p['y']}: {KINDS[p['kind']]}: {p['detail']}")
    for page, kinds in allow.items():
        for kind, n in kinds.items():
            seen = max([r[kind] for r in rows if r['page'] == page] or [0])
            if seen < n: print(f"note: {page} now has {seen} '{kind}' (allowed {n}): lower its count in {a.allow}")
    if not a.no_screens: print(f"\nscreenshots: {a.out}/<page>-<width>.jpg")
    print(f"browser check: {len(rows)} page views in {time.time() - t:.0f} s")
    if failing: sys.exit(f"browser check failed: {len(failing)} problem(s) on {len({p['page'] for p in failing})} page(s)")


if __name__ == '__main__':
    main()
