"The whole-page browser check (tools/check_pages.py) fails on a page seeded with each defect, and passes a clean one."
import importlib.util, shutil
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT/'tools'/'check_pages.py'
pytestmark = [pytest.mark.skipif(not TOOL.exists(), reason='needs the repository (tools/), not only the package'),
              pytest.mark.skipif(not any(shutil.which(b) for b in ('chromium', 'chromium-browser', 'google-chrome')),
                                 reason='needs Chromium (apt-get install chromium)')]


def _tool():
    spec = importlib.util.spec_from_file_location('check_pages', TOOL)
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    return mod


LONG = 'x = compute_something(' + ', '.join(f'argument_{i}={i}' for i in range(30)) + ')'
LOG = '\n'.join(f'2026-12-01 15:{i:02d}:00 INFO step {i} done' for i in range(14))
DUMP = '\n'.join(['name dlworkbook', 'language en'] + [f'formant {i} 106 100 100' for i in range(9)] +
                 ['tone 600 120', 'flutter 2', 'roughness 4', 'breath 5 5 2'])


def page(body, nav=True, css=True):
    "A page in the markup of the built site: the course's styles.css, a main column, previous/next links."
    links = ('<nav class="page-navigation"><div class="nav-page nav-page-previous"><a href="index.html">prev</a></div>'
             '<div class="nav-page nav-page-next"><a href="index.html">next</a></div></nav>') if nav else ''
    style = '<link rel="stylesheet" href="styles.css">' if css else ''
    return (f'<!doctype html><html><head><meta charset="utf-8">{style}<style>body{{margin:0}} main{{padding:0 16px;'
            f'font-family:sans-serif}} pre{{margin:0}}</style></head><body><main class="content" id="quarto-document-content">'
            f'<h1>A page</h1><p>Some prose that a student reads, long enough to leave some ink on the screenshot. '
            f'{"Words and more words. " * 40}</p>{body}{links}</main></body></html>')


DEFECTS = {  # page: (body, the kind of problem the check must report)
    'tex.html': ('<p>The distance \\(d_p = \\lVert f(a) - f(p)\\rVert^2\\) is raw.</p>', 'raw-tex'),
    'math-span.html': ('<p>Loss <span class="math inline">\\(x^2\\)</span> untypeset.</p>', 'raw-tex'),
    'dollars.html': ('<p>The rule $$\\frac{a}{b}$$ left as typed.</p>', 'raw-tex'),
    'docstring-tex.html': ('<div class="cell-output cell-output-display cell-output-markdown"><p><em>Scales by '
                           '\\frac{1}{n}</em></p></div>', 'raw-tex'),
    'hidden-scroll.html': (f'<pre style="overflow-x:auto;background:#eee">{LONG}</pre>', 'overflow'),
    'cut-off.html': (f'<pre style="overflow:hidden">{LONG}</pre>', 'overflow'),
    'wide-table.html': ('<table>' + '<tr>' + ''.join(f'<td>column_{i}_value</td>' for i in range(40)) + '</tr></table>',
                        'overflow'),
    'broken-image.html': ('<p><img src="missing.png" alt="a figure"></p>', 'broken-image'),
    'downloading.html': ('<div class="cell-output cell-output-stderr"><pre><code>Downloading data from '
                         'https://storage.googleapis.com/weights.h5</code></pre></div>', 'downloading'),
    'traceback.html': ('<div class="cell-output cell-output-error"><pre><code>Traceback (most recent call last):\n'
                       '  File "x.py", line 1, in &lt;module&gt;\nValueError: bad</code></pre></div>', 'traceback'),
    'home-root.html': ('<div class="cell-output"><pre><code>saved to /root/.cache/dlworkbook/x.npz</code></pre></div>',
                       'home-path'),
    'home-user.html': ('<p>Read from /home/alice/data/clips.npz today.</p>', 'home-path'),
    'home-tilde.html': ('<div class="cell-output"><pre><code>cache: ~/.cache/dlworkbook/speech</code></pre></div>',
                        'home-path'),
    'build-string.html': ('<div class="cell-output"><pre><code>2.11.1+cu132 | compiled extension loaded: False'
                          '</code></pre></div>', 'build-string'),
    'log.html': (f'<div class="cell-output cell-output-stdout"><pre><code>{LOG}</code></pre></div>', 'long-log'),
    'dump.html': (f'<div class="cell-output cell-output-stdout"><pre><code>{DUMP}</code></pre></div>', 'long-log'),
}
CLEAN = (f'<div class="cell"><div class="sourceCode"><pre class="sourceCode python"><code>{LONG}</code></pre></div>'
         '<div class="cell-output cell-output-display"><table class="dataframe"><thead><tr><th></th>'
         + ''.join(f'<th>metric_{i}</th>' for i in range(14)) + '</tr></thead><tbody><tr><th>0</th>'
         + ''.join(f'<td>{i / 7:.6f}</td>' for i in range(14)) + '</tr></tbody></table></div></div>'
         '<p>The cache lives in <code>~/.cache/dlworkbook</code> by default.</p>'
         '<div class="cell-output cell-output-stdout"><pre><code>' + '\n'.join(f'line {i}' for i in range(8)) +
         '</code></pre></div>')


@pytest.fixture(scope='module')
def checked(tmp_path_factory):
    site = tmp_path_factory.mktemp('site')
    shutil.copy(ROOT/'nbs'/'styles.css', site/'styles.css')
    for name, (body, _) in DEFECTS.items(): (site/name).write_text(page(body), encoding='utf-8')
    (site/'clean.html').write_text(page(CLEAN), encoding='utf-8')
    (site/'unstyled.html').write_text(page(CLEAN, css=False), encoding='utf-8')
    (site/'no-nav.html').write_text(page('<p>A chapter.</p>', nav=False), encoding='utf-8')
    (site/'index.html').write_text(page('<nav id="quarto-sidebar"><a href="clean.html">1</a> <a href="no-nav.html">2</a>'
                                        '</nav>'), encoding='utf-8')
    out = tmp_path_factory.mktemp('screens')
    rows, failing, allowed = _tool().check_site(site, out, widths=(1366, 390), log=lambda *a: None)
    kinds = {}
    for p in failing: kinds.setdefault(p['page'], set()).add(p['kind'])
    return rows, kinds, out


@pytest.mark.parametrize('name', list(DEFECTS))
def test_each_seeded_defect_fails(checked, name):
    rows, kinds, _ = checked
    assert DEFECTS[name][1] in kinds.get(name, set()), (name, kinds.get(name))


def test_a_clean_page_passes(checked):
    "Wide code and a wide table that scroll with the shadows of nbs/styles.css, `~/.cache` in prose, 8 printed lines."
    rows, kinds, _ = checked
    assert 'clean.html' not in kinds, kinds.get('clean.html')
    clean = [r for r in rows if r['page'] == 'clean.html']
    assert {r['width'] for r in clean} == {1366, 390}
    assert all(r['code_scroll'] == 1 and r['tables_scroll'] == 1 for r in clean if r['width'] == 390), clean


def test_the_scroll_shadows_come_from_styles_css(checked):
    "The clean page without nbs/styles.css: its wide code scrolls with nothing to show it, and that fails."
    rows, kinds, _ = checked
    assert 'overflow' in kinds.get('unstyled.html', set()), kinds.get('unstyled.html')


def test_page_without_prev_next_fails(checked):
    rows, kinds, _ = checked
    assert 'no-prev-next' in kinds.get('no-nav.html', set())
    assert 'no-prev-next' not in kinds.get('clean.html', set())


def test_whole_page_screenshots_at_both_widths(checked):
    from PIL import Image
    rows, kinds, out = checked
    for w in (1366, 390):
        im = Image.open(out/f'clean-{w}.jpg')
        assert im.width == w
        assert im.height >= max(r['screens'] for r in rows if r['page'] == 'clean.html' and r['width'] == w) * 700


def test_allow_list_accepts_up_to_its_count(tmp_path):
    (tmp_path/'index.html').write_text(page('<p>x \\(y\\)</p><p>and \\(z\\)</p>'), encoding='utf-8')
    tool = _tool()
    _, failing, allowed = tool.check_site(tmp_path, None, widths=(1366,), allow={'index.html': {'raw-tex': 2}},
                                          log=lambda *a: None)
    assert failing == [] and {p['kind'] for p in allowed} == {'raw-tex'}
    _, failing, _ = tool.check_site(tmp_path, None, widths=(1366,), allow={'index.html': {'raw-tex': 1}},
                                    log=lambda *a: None)
    assert {p['kind'] for p in failing} == {'raw-tex'}


def _build_tool():
    spec = importlib.util.spec_from_file_location('build_docs', ROOT/'tools'/'build_docs.py')
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    return mod


def test_search_from_file_fails_until_the_index_is_a_script(tmp_path):
    "smalldocs' search fetches search.json, which a file:// page cannot: the check says so; build_docs' fix works."
    import smalldocs
    libs = tmp_path/'site_libs'; libs.mkdir()
    shutil.copy(Path(smalldocs.__file__).parent/'assets'/'smalldocs.js', libs/'smalldocs.js')
    (tmp_path/'search.json').write_text('[{"title": "Tuning a classifier", "section": "", "text": "halving", '
                                        '"href": "index.html"}]', encoding='utf-8')
    box = ('<div class="smalldocs-search" id="quarto-search"><input type="search">'
           '<div class="smalldocs-search-results dropdown-menu"></div></div>')
    (tmp_path/'index.html').write_text(page(box).replace(
        '</head>', '<meta name="smalldocs:offset" content="./"><script src="site_libs/smalldocs.js" defer></script></head>'),
        encoding='utf-8')
    tool = _tool()
    _, failing, _ = tool.check_site(tmp_path, None, widths=(1366,), log=lambda *a: None)
    assert 'search' in {p['kind'] for p in failing}
    _build_tool().offline_search(tmp_path)
    _, failing, _ = tool.check_site(tmp_path, None, widths=(1366,), log=lambda *a: None)
    assert failing == [], failing
