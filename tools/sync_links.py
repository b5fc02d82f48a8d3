#!/usr/bin/env python
"""Make every link to the repository follow `git_url` and `branch` in settings.ini.

    python tools/sync_links.py           # rewrite what is out of date
    python tools/sync_links.py --check   # change nothing; list what is out of date, exit 1 if anything is

What it writes:
- in each chapter notebook (the chapters `dlworkbook run` knows), the first cell: a hidden cell that installs
  the package from the repository on Google Colab, with only the extras that chapter needs (`EXTRAS`);
- the URL of the chapter's "Open in Colab" link (a markdown cell right after the title if there is none);
- in nbs/index.ipynb (the source of README.md), every `git+<URL>` install line, `git clone <URL>` and Colab link.
Notebooks are read and written as JSON the way nbdev writes them (sorted keys, indent 1, UTF-8).
"""
import argparse, ast, configparser, json, re, secrets, sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
EXTRAS = {'speech': ['speech']}  # chapter module -> the extras its Colab cell installs (eSpeak NG for ch. 4)
COLAB = 'https://colab.research.google.com/github'
COLAB_RE = re.compile(re.escape(COLAB) + r"/[^)\s\"'>]*")
GIT_RE = re.compile(r"(?<=git\+)https?://[^\s\"'`)@]+|(?<=git clone )https?://[^\s\"'`)]+")
LINK_TEXT = ("[Open in Colab]({url}) · run this chapter in your browser; "
             "its first (hidden) cell installs the package.")


def read_settings(root: Path):
    "(git_url, owner, repo, branch, nbs_path, lib_path) from `root`/settings.ini, with a clear error."
    cp = configparser.ConfigParser(delimiters=['='])
    if not cp.read(root/'settings.ini', encoding='utf-8'): sys.exit(f"no settings.ini in {root}")
    cfg = cp['DEFAULT']
    git_url = cfg.get('git_url', '').rstrip('/')
    u = urlparse(git_url)
    parts = [p for p in u.path.split('/') if p]
    if u.scheme != 'https' or u.netloc != 'github.com' or len(parts) != 2:
        sys.exit(f"settings.ini: git_url must be https://github.com/OWNER/REPO (Colab opens GitHub files), "
                 f"got {git_url!r}")
    return git_url, parts[0], parts[1], cfg.get('branch', 'main'), cfg.get('nbs_path', 'nbs'), cfg['lib_path']


def chapter_modules(root: Path, lib_path: str):
    "The chapter modules `dlworkbook run` knows: the `CHAPTERS` dict of the CLI, read without importing it."
    tree = ast.parse((root/lib_path/'cli.py').read_text(encoding='utf-8'))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) == 'CHAPTERS' for t in node.targets):
            return [mod.rsplit('.', 1)[-1] for mod, _ in ast.literal_eval(node.value).values()]
    sys.exit(f"{lib_path}/cli.py defines no CHAPTERS")


def install_line(git_url: str, extras=()):
    "The pip requirement that installs the package (with `extras`) from the repository."
    name = 'dlworkbook' + (f"[{','.join(extras)}]" if extras else '')
    return f'"{name} @ git+{git_url}"'


def install_source(git_url: str, extras=()):
    "The source of a chapter's first cell: on Colab only, install the package with `extras`."
    return ("#| hide\n"
            "# On Google Colab, install the course package first; elsewhere this cell does nothing.\n"
            "if 'google.colab' in str(get_ipython()):\n"
            f"    !pip install -q {install_line(git_url, extras)}")


def colab_url(owner, repo, branch, nbs_path, name):
    return f"{COLAB}/{owner}/{repo}/blob/{branch}/{nbs_path}/{name}"


def _src(cell): return ''.join(cell['source'])
def _lines(text): return text.splitlines(keepends=True)
def _cell(kind, text):
    c = {'cell_type': kind, 'id': secrets.token_hex(4), 'metadata': {}, 'source': _lines(text)}
    if kind == 'code': c.update(execution_count=None, outputs=[])
    return c


def default_exp(nb):
    for c in nb['cells']:
        m = re.search(r"^#\|\s*default_exp\s+(\S+)", _src(c), re.M) if c['cell_type'] == 'code' else None
        if m: return m.group(1)


def sync_chapter(nb, name, settings):
    "Bring chapter notebook `nb` (file `name`) in line with `settings`; return the list of changes made."
    git_url, owner, repo, branch, nbs_path, _ = settings
    changes, cells = [], nb['cells']
    want = install_source(git_url, EXTRAS.get(default_exp(nb), ()))
    idx = [i for i, c in enumerate(cells) if c['cell_type'] == 'code' and 'google.colab' in _src(c)]
    if not idx:
        cells.insert(0, _cell('code', want)); changes.append('add the Colab install cell')
    else:
        i = idx[0]
        if _src(cells[i]) != want:
            cells[i]['source'] = _lines(want); changes.append(f'install cell -> {install_line(git_url, EXTRAS.get(default_exp(nb), ()))}')
        if i != 0:
            cells.insert(0, cells.pop(i)); changes.append('move the Colab install cell first')
    url = colab_url(owner, repo, branch, nbs_path, name)
    links = [c for c in cells if c['cell_type'] == 'markdown' and '[Open in Colab](' in _src(c)]
    if not links:
        title = next((i for i, c in enumerate(cells)
                      if c['cell_type'] == 'markdown' and _src(c).lstrip().startswith('# ')), 0)
        cells.insert(title + 1, _cell('markdown', LINK_TEXT.format(url=url)))
        changes.append('add the Open in Colab link')
    for c in links:
        new = COLAB_RE.sub(url, _src(c))
        if new != _src(c): c['source'] = _lines(new); changes.append(f'Colab link -> {url}')
    return changes


def sync_index(nb, settings):
    "Point the home page's `git+`/`git clone` URLs and Colab links at the repository; return the changes."
    git_url, owner, repo, branch, nbs_path, _ = settings
    changes = []
    for c in nb['cells']:
        if c['cell_type'] != 'markdown': continue
        old = _src(c)
        new = GIT_RE.sub(git_url, old)
        new = COLAB_RE.sub(lambda m: colab_url(owner, repo, branch, nbs_path, m.group(0).rsplit('/', 1)[-1]), new)
        if new != old:
            c['source'] = _lines(new); changes.append(f'install lines and Colab links -> {git_url}')
    return changes


def dump(nb): return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--check', action='store_true', help='change nothing; exit 1 if anything is out of date')
    ap.add_argument('--root', default=str(ROOT), help='the repository (default: the one holding this script)')
    a = ap.parse_args(argv)
    root = Path(a.root)
    settings = read_settings(root)
    nbs = root/settings[4]
    modules = set(chapter_modules(root, settings[5]))
    todo = []  # (path, changes, new text)
    for p in sorted(nbs.glob('*.ipynb')):
        text = p.read_text(encoding='utf-8')
        nb = json.loads(text)
        if p.name == 'index.ipynb': changes = sync_index(nb, settings)
        elif default_exp(nb) in modules: changes = sync_chapter(nb, p.name, settings)
        else: continue
        if changes: todo.append((p, changes, dump(nb)))
    for p, changes, text in todo:
        rel = p.relative_to(root)
        if a.check: print(f"{rel}: out of date with settings.ini: {'; '.join(changes)}")
        else: p.write_text(text, encoding='utf-8'); print(f"{rel}: {'; '.join(changes)}")
    if a.check and todo:
        print("run `python tools/sync_links.py` and commit the notebooks (then rebuild README.md)", file=sys.stderr)
        return 1
    if not todo: print(f"ok: links and Colab install cells follow {settings[0]} (branch {settings[3]})")
    return 0


if __name__ == '__main__': sys.exit(main())
