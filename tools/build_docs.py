#!/usr/bin/env python
"""Build the docs site offline, without Quarto: nbdev's own processing, then smalldocs, then a link check.

    python tools/build_docs.py            # writes _docs/ (one HTML page per notebook) and checks every link
    python tools/build_docs.py --readme   # also writes the generated files: README.md from nbs/index.ipynb,
                                          # nbs/sidebar.yml and the footer of nbs/_quarto.yml
    python -m http.server -d _docs 8000   # optional: serve the site (search also works from file://)

The offline site needs no network: KaTeX (tools/katex/, from npm `katex`) is copied into site_libs/, the search
index is also written as a script that works from file://, each chapter page links to its notebook (copied
into notebooks/) and to Colab. Chapters are numbered in the sidebar (from each notebook's `# Title`), every
page has previous/next links and a footer with the licence and the package version. show_doc blocks are
tidied: `x:NoneType=None` shows as `x=None`, links inside signature comments as their text; exported
callables without a docstring are listed (and their "Call self as a function." line dropped).

Where Quarto exists (the GitHub deploy workflow), `nbdev_docs` builds the same site from the same
`nbs/_quarto.yml`. nbdev names pages after their module (`00_core.ipynb` -> `core.html`); smalldocs names
them after the file, so the processed notebooks are renamed to their `output-file` before rendering, and the
links nbdev writes to the published site are made relative, so that every link works offline.
"""
import argparse, fcntl, hashlib, html, json, os, re, shutil, subprocess, sys, tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse, unquote

ROOT = Path(__file__).resolve().parents[1]
KATEX_DIR = ROOT/'tools'/'katex'
KATEX_CDN = re.compile(r'https://cdn\.jsdelivr\.net/npm/katex@[\d.]+/dist/')
REFERENCE = ['00_core', '06_cli']   # reference pages, after the numbered chapters in the sidebar
LICENSES = {'apache2': 'Apache License 2.0', 'mit': 'MIT License', 'gpl3': 'GPL v3', 'bsd3': 'BSD 3-Clause License'}


def nbdev_process():
    "Run nbdev's docs processing (no Quarto needed): `_quarto.yml`/`nbdev.yml`, the module index, `_proc/`."
    from nbdev.config import get_config
    from nbdev.quarto import refresh_quarto_yml, nbdev_sidebar
    from nbdev.serve import proc_nbs
    import nbdev.doclinks
    refresh_quarto_yml()
    nbdev.doclinks._build_modidx()
    nbdev_sidebar.__wrapped__()  # a no-op with custom_sidebar = True: nbs/sidebar.yml is ours
    return Path(proc_nbs(force=True, n_workers=0)), get_config()


def _frontmatter(nb):
    c = nb['cells'][0] if nb['cells'] else None
    if c is None or c['cell_type'] != 'raw': return {}
    import yaml
    src = ''.join(c['source']).strip()
    return yaml.safe_load(src.strip('-').strip()) or {} if src.startswith('---') else {}


def rename_pages(proc: Path):
    "Rename each processed notebook to its nbdev `output-file` name; fix the sidebar and the links to it."
    renames = {}
    for p in sorted(proc.glob('*.ipynb')):
        out = _frontmatter(json.loads(p.read_text()))
        target = str(out.get('output-file', '')).strip()
        if target and Path(target).stem != p.stem: renames[p.name] = Path(target).stem + '.ipynb'
    for old, new in renames.items(): (proc/old).rename(proc/new)

    def fix(text):
        for old, new in renames.items():
            text = re.sub(rf"(?<![\w/.-]){re.escape(old)}", new, text)
            text = re.sub(rf"(?<![\w/.-]){re.escape(Path(old).stem)}\.html", Path(new).stem + '.html', text)
        return text
    for p in [proc/'sidebar.yml', *proc.glob('*.ipynb')]:
        if p.exists(): p.write_text(fix(p.read_text()))
    # smalldocs builds only HTML: drop the Quarto-only output format so it does not warn about it
    q = proc/'_quarto.yml'
    q.write_text(re.sub(r"\n  commonmark: default", "", q.read_text()).replace("    keep-md: true\n", ""))
    return renames


def nb_title(nb_path: Path) -> str:
    "The notebook's title: its first markdown `# Title` line (nbdev makes it the page title)."
    nb = json.loads(Path(nb_path).read_text(encoding='utf-8'))
    for c in nb['cells']:
        if c['cell_type'] == 'markdown':
            m = re.search(r'^# (.+)$', ''.join(c['source']), re.M)
            if m: return m.group(1).strip()
    return Path(nb_path).stem


def chapters(nbs: Path):
    "The chapter notebooks in order: every `NN_*.ipynb` or `NNa_*.ipynb` (a part of chapter NN) but the reference pages."
    return [p for p in sorted(nbs.glob('[0-9][0-9]*_*.ipynb'))
            if re.match(r'\d\d[a-z]?_', p.name) and p.stem not in REFERENCE]


def chapter_label(p: Path) -> str:
    "A chapter's name in the sidebar: its number (from the file name: `04a_x` is 4a) and its title."
    m = re.match(r'0*(\d+)([a-z]?)_', p.name)
    return f"{m[1]}{m[2]}. {nb_title(p)}"


def sidebar_yml(nbs: Path) -> str:
    "nbs/sidebar.yml: the home page, the chapters numbered by their file names and titled by their `# Title`, then the reference pages."
    def q(t): return json.dumps(t, ensure_ascii=False)   # a YAML double-quoted string
    lines = ['# Generated by `python tools/build_docs.py --readme` from the notebooks\' titles: do not edit.',
             'website:', '  sidebar:', '    contents:', '      - index.ipynb', '      - section: Chapters',
             '        contents:']
    for p in chapters(nbs):
        lines += [f'          - text: {q(chapter_label(p))}', f'            href: {p.name}']
    lines += ['      - section: Reference', '        contents:']
    for stem in REFERENCE:
        p = nbs/f'{stem}.ipynb'
        if p.exists(): lines += [f'          - text: {q(nb_title(p))}', f'            href: {p.name}']
    return '\n'.join(lines) + '\n'


def repo_url(cfg) -> str:
    "The repository's web address: settings.ini's `repo_url` when set, else its `git_url`."
    return str(cfg.get('repo_url') or cfg.git_url).rstrip('/').removesuffix('.git')


def footer_yml(cfg) -> str:
    "The `page-footer:` entry of _quarto.yml: the package version and its licence."
    lic = LICENSES.get(str(cfg.license).lower(), str(cfg.license))
    url = repo_url(cfg)
    text = f"{cfg.lib_name} {cfg.version} · [{lic}]({url}/blob/{cfg.branch}/LICENSE) · [source]({url})"
    return f'  page-footer:\n    center: {json.dumps(text, ensure_ascii=False)}\n'


def quarto_yml(text: str, cfg) -> str:
    "_quarto.yml with its `page-footer:` entry (under `website:`) set to `footer_yml`."
    text = re.sub(r'\n  page-footer:\n(?:    .*\n)*', '\n', text)
    return re.sub(r'(\nwebsite:\n)', lambda m: m[1] + footer_yml(cfg), text, count=1)


def write_generated(cfg):
    "Write the generated source files: nbs/sidebar.yml and the footer of nbs/_quarto.yml."
    nbs = cfg.nbs_path
    for path, text in [(nbs/'sidebar.yml', sidebar_yml(nbs)),
                       (nbs/'_quarto.yml', quarto_yml((nbs/'_quarto.yml').read_text(encoding='utf-8'), cfg))]:
        if path.read_text(encoding='utf-8') != text: path.write_text(text, encoding='utf-8')


SHOWDOC_CODE = re.compile(r'```python\n(.*?)\n```', re.S)
MD_LINK = re.compile(r'\[([^\]\n]+)\]\((?:https?://|[\w./-]+\.html)[^)\s]*\)')
CALL_SELF = '*Call self as a function.*'


def tidy_show_doc(md: str) -> str:
    "Tidy one show_doc block: `x:NoneType=None` -> `x=None`; a link in a signature comment -> its text."
    def code(m):
        c = re.sub(r'(\w):NoneType=None\b', r'\1=None', m[1])
        return '```python\n' + MD_LINK.sub(lambda l: l[1], c) + '\n```'
    md = SHOWDOC_CODE.sub(code, md)
    return md.replace('\n\n' + CALL_SELF, '').replace(CALL_SELF, '')


def _show_doc_name(md):
    m = re.search(r'^#{2,4} (\S+)', md, re.M)
    return m[1] if m else '?'


def proc_fixups(proc: Path, cfg):
    "Tidy the show_doc blocks of the processed notebooks; return {notebook: [callables without a docstring]}."
    missing = {}
    for p in sorted(proc.glob('*.ipynb')):
        nb, changed = json.loads(p.read_text(encoding='utf-8')), False
        for c in nb['cells']:
            for o in c.get('outputs', []):
                md = o.get('data', {}).get('text/markdown')
                if md is None: continue
                text = ''.join(md)
                if '```python' not in text or not re.search(r'^#{2,4} ', text, re.M): continue
                sig_end = text.rfind('```') + 3
                if CALL_SELF in text or not text[sig_end:].strip():
                    missing.setdefault(p.stem, []).append(_show_doc_name(text))
                new = tidy_show_doc(text)
                if new != text: o['data']['text/markdown'], changed = new, True
        if changed: p.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding='utf-8')
    return missing


def chapter_links(proc: Path, cfg, nb_names: dict):
    "Put a line of links under each chapter's title: download the notebook, open it in Colab, its source."
    url = repo_url(cfg)
    gh = url.removeprefix('https://github.com/')
    for page, src in nb_names.items():
        p = proc/f'{page}.ipynb'
        if not p.exists(): continue
        nb = json.loads(p.read_text(encoding='utf-8'))
        colab = f'https://colab.research.google.com/github/{gh}/blob/{cfg.branch}/{cfg.nbs_path.name}/{src}'
        # raw HTML: smalldocs would turn a markdown link to an .ipynb into a link to its page
        text = (f'<p class="chapter-links"><a href="notebooks/{src}" download="{src}">Download this notebook</a> · '
                f'<a href="{colab}">Open in Colab</a> · '
                f'<a href="{url}/blob/{cfg.branch}/{cfg.nbs_path.name}/{src}">View on GitHub</a></p>')
        at = 1 if nb['cells'] and nb['cells'][0]['cell_type'] == 'raw' else 0
        nb['cells'].insert(at, {'cell_type': 'markdown', 'metadata': {}, 'source': [text]})
        p.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding='utf-8')


def vendor_katex(dest: Path):
    "Copy KaTeX into the site and point every page at that copy instead of the CDN. Return the pages with maths."
    if not (KATEX_DIR/'katex.min.js').exists():
        sys.exit(f"{KATEX_DIR} has no katex.min.js: see {KATEX_DIR/'README.md'} to vendor KaTeX from npm")
    shutil.copytree(KATEX_DIR, dest/'site_libs'/'katex', dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns('README.md'))
    pages = []
    for p in dest.rglob('*.html'):
        t = p.read_text(encoding='utf-8')
        if not KATEX_CDN.search(t): continue
        depth = len(p.relative_to(dest).parts) - 1
        p.write_text(KATEX_CDN.sub('../' * depth + 'site_libs/katex/', t), encoding='utf-8')
        pages.append(p.name)
    return pages


SEARCH_FETCH = 'const r = await fetch(offset + "search.json");\n      index = await r.json();'
SEARCH_LOCAL = ('index = await new Promise((ok, no) => { if (window.smalldocsSearchIndex) return ok(window.smalldocsSearchIndex);'
                ' const s = document.createElement("script"); s.src = offset + "site_libs/search-index.js";'
                ' s.onload = () => ok(window.smalldocsSearchIndex || []); s.onerror = no; document.head.appendChild(s); });')


def offline_search(dest: Path):
    "Make search work from file:// too: the index also as a script, which smalldocs.js loads instead of fetching."
    idx, js = dest/'search.json', dest/'site_libs'/'smalldocs.js'
    if not idx.exists(): return
    (dest/'site_libs'/'search-index.js').write_text(
        'window.smalldocsSearchIndex = ' + idx.read_text(encoding='utf-8') + ';\n', encoding='utf-8')
    t = js.read_text(encoding='utf-8')
    if SEARCH_FETCH not in t:
        sys.exit("smalldocs.js no longer fetches search.json as tools/build_docs.py expects: update offline_search()")
    js.write_text(t.replace(SEARCH_FETCH, SEARCH_LOCAL), encoding='utf-8')


def no_remote_fonts(dest: Path):
    "Drop the theme's web-font import (Google Fonts): offline the browser would wait for it, then use its own font."
    for css in (dest/'site_libs'/'themes').glob('*.css'):
        t = css.read_text(encoding='utf-8')
        new = re.sub(r'@import url\(https?://[^)]*\);?', '', t)
        if new != t: css.write_text(new, encoding='utf-8')


def numbered_nav(dest: Path, nbs: Path, renames: dict):
    "Show the chapter numbers of the sidebar in the previous/next links too (smalldocs shows the page title)."
    names = {}
    for p in chapters(nbs):
        names[Path(renames.get(p.name, p.name)).stem + '.html'] = chapter_label(p)
    for page in dest.glob('*.html'):
        t = page.read_text(encoding='utf-8')
        nav = re.search(r'<nav class="page-navigation">.*?</nav>', t, re.S)
        if not nav: continue
        new = re.sub(r'(<a href="([\w-]+\.html)" class="pagination-link">(?:<i [^>]*></i> )?<span class="nav-page-text">)[^<]*',
                     lambda m: m[1] + html.escape(names[m[2]]) if m[2] in names else m[0], nav[0])
        if new != nav[0]: page.write_text(t.replace(nav[0], new), encoding='utf-8')


def copy_notebooks(dest: Path, nbs: Path, names):
    "Copy the chapter notebooks into the site, for their download links."
    (dest/'notebooks').mkdir(exist_ok=True)
    for n in names: shutil.copy2(nbs/n, dest/'notebooks'/n)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(); self.links, self.ids = [], set()
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if 'id' in a: self.ids.add(a['id'])
        if tag == 'a' and a.get('name'): self.ids.add(a['name'])
        for k in ('href', 'src'):
            if a.get(k): self.links.append(a[k])


def check_links(site: Path):
    "Every relative href/src in `site` points at an existing file (and anchor). Return the broken ones."
    pages, broken = {}, []
    for p in site.rglob('*.html'):
        parser = _Links(); parser.feed(p.read_text(encoding='utf-8')); pages[p.resolve()] = parser
    for p, parser in pages.items():
        for link in parser.links:
            u = urlparse(link)
            if u.scheme or link.startswith('//') or link.startswith('data:') or link.startswith('mailto:'): continue
            target = p if not u.path else (p.parent/unquote(u.path)).resolve()
            if target.is_dir(): target = target/'index.html'
            if not target.exists(): broken.append(f"{p.relative_to(site)}: {link} (no file {target.name})"); continue
            if u.fragment and target.suffix == '.html' and target in pages and u.fragment not in pages[target].ids:
                broken.append(f"{p.relative_to(site)}: {link} (no anchor #{u.fragment})")
    return broken


def render(proc: Path, cfg, dest: Path):
    "Render `_proc` with smalldocs into `dest`; make links to the published site relative."
    subprocess.run([sys.executable, '-m', 'smalldocs.cli', 'render', '--quiet', str(proc)], check=True)
    built = proc/cfg.doc_path.name
    if dest.exists(): shutil.rmtree(dest)
    shutil.move(str(built), str(dest))
    base = f"{cfg.doc_host.rstrip('/')}{cfg.doc_baseurl.rstrip('/')}/"
    for p in dest.rglob('*.html'):
        t = p.read_text(encoding='utf-8')
        if base in t: p.write_text(t.replace(base, ''), encoding='utf-8')


def readme(proc: Path, dest: Path, site_url: str):
    "Write README.md from the processed home page: its markdown and the text of its visible outputs."
    nb = json.loads((proc/'index.ipynb').read_text())
    fm, parts = _frontmatter(nb), []
    if fm.get('title'): parts.append(f"# {fm['title']}")
    if fm.get('description'): parts.append(f"> {fm['description']}")
    for c in nb['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'markdown':
            if 'AUTOGENERATED' in src: continue
            parts.append(src.strip())
        elif c['cell_type'] == 'code':
            if src.strip(): parts.append(f"```python\n{src.strip()}\n```")
            for o in c.get('outputs', []):
                d = o.get('data', {})
                if 'text/markdown' in d: parts.append(''.join(d['text/markdown']).strip())
                elif 'text/plain' in d: parts.append("```\n" + ''.join(d['text/plain']).strip() + "\n```")
                elif o.get('output_type') == 'stream': parts.append("```\n" + ''.join(o['text']).strip() + "\n```")
    # README.md lives at the repository root: point page links at the published site
    body = re.sub(r"\]\(([\w-]+)\.(?:ipynb|html)(#[\w-]*)?\)", lambda m: f"]({site_url}{m[1]}.html{m[2] or ''})", '\n\n'.join(parts))
    text = "<!-- Generated from nbs/index.ipynb by tools/build_docs.py --readme: edit the notebook, not this file. -->\n\n"
    dest.write_text(text + body + '\n', encoding='utf-8')


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--readme', action='store_true',
                    help='also write the generated files: README.md, nbs/sidebar.yml, the footer of nbs/_quarto.yml')
    ap.add_argument('--out', default=None, help='site folder (default: the doc_path of settings.ini, _docs)')
    a = ap.parse_args()
    os.chdir(ROOT)
    # nbdev processes into the one folder _proc/: two builds at once would write over each other
    with open(Path(tempfile.gettempdir())/f"dlworkbook-docs-{hashlib.md5(str(ROOT).encode()).hexdigest()[:8]}.lock", 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        build(a)


def build(a):
    from nbdev.config import get_config
    cfg = get_config()
    if a.readme: write_generated(cfg)
    try: proc, cfg = nbdev_process()
    except Exception as e:
        if 'Error in notebook' not in str(e): raise
        sys.exit(f"\ndocs build failed: {str(e).splitlines()[0]} ({type(e.__cause__).__name__}: {e.__cause__})\n"
                 "When nbdev builds the docs it runs only the exported cells, the show_doc cells and every cell "
                 "that contains an import. A cell that imports AND uses variables of earlier cells fails there: "
                 "move its import into the notebook's import cell (or a cell of its own).")
    (proc/'sidebar.yml').write_text(sidebar_yml(cfg.nbs_path), encoding='utf-8')
    q = proc/'_quarto.yml'
    q.write_text(quarto_yml(q.read_text(encoding='utf-8'), cfg), encoding='utf-8')
    renames = rename_pages(proc)
    missing = proc_fixups(proc, cfg)
    chapter_nbs = [p.name for p in chapters(cfg.nbs_path)]
    chapter_links(proc, cfg, {Path(renames.get(n, n)).stem: n for n in chapter_nbs})
    dest = Path(a.out) if a.out else cfg.doc_path
    render(proc, cfg, dest)
    copy_notebooks(dest, cfg.nbs_path, chapter_nbs)
    math_pages = vendor_katex(dest)
    offline_search(dest)
    no_remote_fonts(dest)
    numbered_nav(dest, cfg.nbs_path, renames)
    if a.readme: readme(proc, ROOT/'README.md', f"{cfg.doc_host.rstrip('/')}{cfg.doc_baseurl.rstrip('/')}/")
    pages = sorted(p.name for p in dest.glob('*.html'))
    broken = check_links(dest)
    print(f"docs: {len(pages)} pages in {dest}: {', '.join(pages)}")
    print(f"docs: KaTeX served from site_libs/katex on {len(math_pages)} page(s) with maths: {', '.join(sorted(math_pages))}")
    for nb, names in missing.items():
        print(f"docs: no docstring in {nb}: {', '.join(names)}")
    if broken:
        print(f"{len(broken)} broken internal link(s):", *broken, sep='\n  ')
        sys.exit(1)
    print("docs: every internal link resolves")


if __name__ == '__main__':
    main()
