"The rendered course: build the site offline (tools/build_docs.py) and check what a student will see."
import importlib.util, json, re, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT/'nbs'
pytestmark = pytest.mark.skipif(not (NBS/'_quarto.yml').exists(), reason='needs the repository (nbs/), not only the package')
CHAPTERS = {'01_tuning': 'tuning', '02_metric': 'metric', '03_imbalance': 'imbalance',
            '04_speech': 'speech', '05_timeseries': 'timeseries'}


def _tool():
    spec = importlib.util.spec_from_file_location('build_docs', ROOT/'tools'/'build_docs.py')
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    return mod


def _title(nb_path):
    nb = json.loads(nb_path.read_text())
    for c in nb['cells']:
        if c['cell_type'] == 'markdown':
            m = re.search(r'^# (.+)$', ''.join(c['source']), re.M)
            if m: return m.group(1).strip()


@pytest.fixture(scope='module')
def site():
    r = subprocess.run([sys.executable, str(ROOT/'tools'/'build_docs.py'), '--readme'], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return ROOT/'_docs'


def _page(nb):
    "nbdev names a page after its module (`00_core.ipynb` -> core.html); the home page is index.html."
    stem = nb.stem
    return 'index.html' if stem == 'index' else re.sub(r'^\d+[a-z]?_', '', stem) + '.html'


def test_every_notebook_has_a_page_with_its_title(site):
    nbs = sorted(NBS.glob('*.ipynb'))
    assert (site/'index.html').exists()
    for nb in nbs:
        html = (site/_page(nb)).read_text(encoding='utf-8')
        title = _title(nb)
        assert title, f'{nb.name} has no "# Title" cell'
        assert re.search(rf'<h1[^>]*>[^<]*{re.escape(title)}', html) or f'<title>{title}' in html, (nb.name, title)


def test_chapter_pages_are_complete(site):
    for stem, page in CHAPTERS.items():
        assert (NBS/f'{stem}.ipynb').exists(), f'chapter notebook {stem}.ipynb is missing'
        html = (site/f'{page}.html').read_text(encoding='utf-8')
        assert '<img' in html, f'{page}.html shows no figure'
        assert 'Traceback' not in html, f'{page}.html shows a traceback'
        for section in ('Summary', 'Exercises'):
            assert re.search(rf'<h2[^>]*>[^<]*{section}', html), f'{page}.html has no {section} section'


def test_sidebar_in_chapter_order(site):
    html = (site/'index.html').read_text(encoding='utf-8')
    pos = [html.find(f'href="{p}.html"') for p in ['core', *CHAPTERS.values(), 'cli']]
    assert all(p >= 0 for p in pos) and pos == sorted(pos), pos


def test_every_internal_link_resolves(site):
    assert _tool().check_links(site) == []


def test_chapters_open_in_colab(site):
    for stem, page in CHAPTERS.items():
        nb = json.loads((NBS/f'{stem}.ipynb').read_text())
        first = ''.join(nb['cells'][0]['source'])
        assert first.startswith('#| hide') and 'google.colab' in first and 'pip install' in first, stem
        url = f'https://colab.research.google.com/github/dlworkbook/dlworkbook/blob/main/nbs/{stem}.ipynb'
        assert url in (site/f'{page}.html').read_text(encoding='utf-8'), f'{page}.html has no Open-in-Colab link'
        assert 'google.colab' not in (site/f'{page}.html').read_text(encoding='utf-8'), f'{page}.html shows the install cell'


def test_no_progress_bar_residue_or_warnings(site):
    for page in CHAPTERS.values():
        html = (site/f'{page}.html').read_text(encoding='utf-8')
        for junk in ('it/s]', 'UserWarning', 'DeprecationWarning', 'FutureWarning'):
            assert junk not in html, f'{page}.html shows {junk!r}'
