#!/usr/bin/env python
"""Build the docs site offline, without Quarto: nbdev's own processing, then smalldocs, then a link check.

    python tools/build_docs.py            # writes _docs/ (one HTML page per notebook) and checks every link
    python tools/build_docs.py --readme   # also writes README.md from nbs/index.ipynb

Where Quarto exists (the GitHub deploy workflow), `nbdev_docs` builds the same site from the same
`nbs/_quarto.yml`. nbdev names pages after their module (`00_core.ipynb` -> `core.html`); smalldocs names
them after the file, so the processed notebooks are renamed to their `output-file` before rendering, and the
links nbdev writes to the published site are made relative, so that every link works offline.
"""
import argparse, json, os, re, shutil, subprocess, sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse, unquote

ROOT = Path(__file__).resolve().parents[1]


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
    ap.add_argument('--readme', action='store_true', help='also write README.md from nbs/index.ipynb')
    ap.add_argument('--out', default=None, help='site folder (default: the doc_path of settings.ini, _docs)')
    a = ap.parse_args()
    os.chdir(ROOT)
    proc, cfg = nbdev_process()
    rename_pages(proc)
    dest = Path(a.out) if a.out else cfg.doc_path
    render(proc, cfg, dest)
    if a.readme: readme(proc, ROOT/'README.md', f"{cfg.doc_host.rstrip('/')}{cfg.doc_baseurl.rstrip('/')}/")
    pages = sorted(p.name for p in dest.glob('*.html'))
    broken = check_links(dest)
    print(f"docs: {len(pages)} pages in {dest}: {', '.join(pages)}")
    if broken:
        print(f"{len(broken)} broken internal link(s):", *broken, sep='\n  ')
        sys.exit(1)
    print("docs: every internal link resolves")


if __name__ == '__main__':
    main()
