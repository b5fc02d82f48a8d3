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
    "The home page, chapters 1-5 numbered by their titles, then the reference pages Core and Command line."
    html = (site/'index.html').read_text(encoding='utf-8')
    sidebar = re.search(r'<nav[^>]*id="quarto-sidebar".*?</nav>', html, re.S)[0]
    pos = [sidebar.find(f'href="{p}.html"') for p in [*CHAPTERS.values(), 'core', 'cli']]
    assert all(p >= 0 for p in pos) and pos == sorted(pos), pos
    for i, stem in enumerate(CHAPTERS, 1):
        assert f'{i}. {_title(NBS/f"{stem}.ipynb")}' in sidebar, (i, stem)
    assert sidebar.find('Reference') > sidebar.find('href="timeseries.html"')


def test_sidebar_yml_is_generated_from_the_titles():
    "nbs/sidebar.yml (what Quarto reads too) is what build_docs writes from the notebooks' titles."
    assert (NBS/'sidebar.yml').read_text(encoding='utf-8') == _tool().sidebar_yml(NBS), \
        'nbs/sidebar.yml is out of date: run python tools/build_docs.py --readme and commit it'


def test_prev_next_and_footer_on_every_page(site):
    from configparser import ConfigParser
    cfg = ConfigParser(); cfg.read(ROOT/'settings.ini')
    version = cfg['DEFAULT']['version']
    sidebar = re.search(r'<nav[^>]*id="quarto-sidebar".*?</nav>', (site/'index.html').read_text(encoding='utf-8'), re.S)[0]
    order = list(dict.fromkeys(['index'] + re.findall(r'href="([\w-]+)\.html"', sidebar)))
    assert {'index', *CHAPTERS.values(), 'core', 'cli'} <= set(order), order
    for i, page in enumerate(order):
        html = (site/f'{page}.html').read_text(encoding='utf-8')
        nav = re.search(r'<nav class="page-navigation">.*?</nav>', html, re.S)
        assert nav, f'{page}.html has no previous/next links'
        if i > 0: assert f'href="{order[i-1]}.html"' in nav[0], (page, 'previous')
        if i < len(order) - 1: assert f'href="{order[i+1]}.html"' in nav[0], (page, 'next')
        foot = re.search(r'<footer.*?</footer>', html, re.S)
        assert foot and f'dlworkbook {version}' in foot[0] and 'License' in foot[0], f'{page}.html: footer'
    nav = re.search(r'<nav class="page-navigation">.*?</nav>', (site/'metric.html').read_text(encoding='utf-8'), re.S)[0]
    assert '1. ' + _title(NBS/'01_tuning.ipynb') in nav and '3. ' + _title(NBS/'03_imbalance.ipynb') in nav


def test_maths_offline(site):
    "KaTeX is served from the site itself: no page asks a CDN for it, and its fonts are there."
    katex = site/'site_libs'/'katex'
    assert (katex/'katex.min.js').exists() and (katex/'contrib'/'auto-render.min.js').exists()
    css = (katex/'katex.min.css').read_text(encoding='utf-8')
    fonts = re.findall(r'url\((fonts/[^)]+)\)', css)
    assert fonts and all((katex/f).exists() for f in fonts)
    with_maths = 0
    for p in site.glob('*.html'):
        html = p.read_text(encoding='utf-8')
        assert 'cdn.jsdelivr.net/npm/katex' not in html, p.name
        if 'class="math' in html:
            with_maths += 1
            assert 'site_libs/katex/katex.min.js' in html, p.name
    assert with_maths >= 1
    for css in (site/'site_libs'/'themes').glob('*.css'):
        assert 'fonts.googleapis.com' not in css.read_text(encoding='utf-8'), css.name


def test_search_works_from_files(site):
    "The search index is also a script (file:// pages cannot fetch search.json), and smalldocs.js loads it."
    js = (site/'site_libs'/'search-index.js').read_text(encoding='utf-8')
    assert js.startswith('window.smalldocsSearchIndex = [') and 'tuning.html' in js
    assert 'site_libs/search-index.js' in (site/'site_libs'/'smalldocs.js').read_text(encoding='utf-8')


def test_chapter_pages_link_their_notebook(site):
    for stem, page in CHAPTERS.items():
        html = (site/f'{page}.html').read_text(encoding='utf-8')
        assert f'href="notebooks/{stem}.ipynb" download' in html, page
        assert (site/'notebooks'/f'{stem}.ipynb').read_bytes() == (NBS/f'{stem}.ipynb').read_bytes()


def test_api_docs_tidy(site):
    "No `x:NoneType=None`, no markdown link inside a signature, no 'Call self as a function.'"
    for p in site.glob('*.html'):
        html = p.read_text(encoding='utf-8')
        assert ':NoneType=' not in html, p.name
        assert 'Call self as a function' not in html, p.name
        for block in re.findall(r'<pre class="sourceCode python[^"]*"><code[^>]*>(.*?)</code></pre>', html, re.S):
            assert not re.search(r'\]\((?:https?://|[\w-]+\.html)', block), (p.name, block[:200])


def test_tidy_show_doc():
    tidy = _tool().tidy_show_doc
    md = ('### f\n\n```python\ndef f(\n    x:NoneType=None, # as in [`g`](https://h.io/m.html#g)\n    '
          'y:int=None, # [`split`](metric.html#split) too\n):\n```\n\n*Call self as a function.*')
    assert tidy(md) == ('### f\n\n```python\ndef f(\n    x=None, # as in `g`\n    y:int=None, # `split` too\n):\n```')
    assert tidy('*Real docs* keep [`g`](https://h.io/m.html#g).') == '*Real docs* keep [`g`](https://h.io/m.html#g).'


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


def test_exported_callables_have_docstrings():
    "Every exported function or class says what it does (else its API block shows a bare signature)."
    import importlib, inspect, pkgutil
    import dlworkbook
    missing = []
    for m in pkgutil.iter_modules(dlworkbook.__path__):
        if m.name.startswith('_'): continue
        mod = importlib.import_module(f'dlworkbook.{m.name}')
        for name in getattr(mod, '__all__', []):
            o = getattr(mod, name, None)
            if o is None or not callable(o): continue
            if inspect.isfunction(o) or inspect.isclass(o):
                doc = o.__doc__
                if inspect.isclass(o) and doc == getattr(o.__mro__[1], '__doc__', None): doc = None
            else: doc = vars(o).get('__doc__') if hasattr(o, '__dict__') else None  # partials, lambdas' wrappers...
            if not (doc or '').strip(): missing.append(f'{m.name}.{name}')
    assert missing == [], f'exported without a docstring: {missing}'
