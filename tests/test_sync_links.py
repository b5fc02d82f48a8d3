"tools/sync_links.py: the repository URL in settings.ini drives the Colab links, install cells and README lines."
import importlib.util, json, shutil
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not (ROOT/'tools'/'sync_links.py').exists(),
                                reason='needs the repository (tools/), not only the package')
CHAPTERS = ['01_tuning', '02_metric', '03_imbalance', '04_speech', '05_timeseries']


def _tool():
    spec = importlib.util.spec_from_file_location('sync_links', ROOT/'tools'/'sync_links.py')
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    return mod


@pytest.fixture
def repo(tmp_path):
    "A copy of what the tool reads: settings.ini, the CLI's chapter list, the chapter notebooks, the home page."
    (tmp_path/'nbs').mkdir(); (tmp_path/'dlworkbook').mkdir()
    shutil.copy(ROOT/'settings.ini', tmp_path)
    shutil.copy(ROOT/'dlworkbook'/'cli.py', tmp_path/'dlworkbook')
    for name in CHAPTERS + ['index', '00_core']: shutil.copy(ROOT/'nbs'/f'{name}.ipynb', tmp_path/'nbs')
    return tmp_path


def _nb(repo, name): return json.loads((repo/'nbs'/f'{name}.ipynb').read_text(encoding='utf-8'))
def _src(cell): return ''.join(cell['source'])
def _text(repo, name): return '\n'.join(_src(c) for c in _nb(repo, name)['cells'])


def _set_owner(repo, owner):
    p = repo/'settings.ini'
    text = p.read_text()
    assert '\nuser = dlworkbook\n' in text
    p.write_text(text.replace('\nuser = dlworkbook\n', f'\nuser = {owner}\n'))


def test_write_then_check(repo, capsys):
    sl = _tool()
    sl.main(['--root', str(repo)])
    assert sl.main(['--root', str(repo), '--check']) == 0
    before = {p.name: p.read_bytes() for p in (repo/'nbs').glob('*.ipynb')}
    sl.main(['--root', str(repo)])  # a second run changes nothing
    assert before == {p.name: p.read_bytes() for p in (repo/'nbs').glob('*.ipynb')}
    git_url = 'https://github.com/dlworkbook/dlworkbook'
    for name in CHAPTERS:
        nb = _nb(repo, name)
        first = _src(nb['cells'][0])
        assert first.startswith('#| hide\n') and "'google.colab' in str(get_ipython())" in first
        extra = '[speech]' if name == '04_speech' else ''
        assert f'!pip install -q "dlworkbook{extra} @ git+{git_url}"' in first, (name, first)
        links = [_src(c) for c in nb['cells'] if '[Open in Colab](' in _src(c)]
        assert len(links) == 1
        assert f'(https://colab.research.google.com/github/dlworkbook/dlworkbook/blob/main/nbs/{name}.ipynb)' in links[0]
    assert 'google.colab' not in (repo/'nbs'/'00_core.ipynb').read_text()  # not a chapter: untouched
    assert before['00_core.ipynb'] == (ROOT/'nbs'/'00_core.ipynb').read_bytes()


def test_a_new_owner_reaches_every_link(repo, capsys):
    sl = _tool()
    sl.main(['--root', str(repo)])
    capsys.readouterr()
    _set_owner(repo, 'alice')
    assert sl.main(['--root', str(repo), '--check']) == 1
    out = capsys.readouterr().out
    for name in CHAPTERS + ['index']: assert f'nbs/{name}.ipynb: out of date' in out, out
    assert '00_core' not in out
    sl.main(['--root', str(repo)])
    assert sl.main(['--root', str(repo), '--check']) == 0
    for name in CHAPTERS:
        text = _text(repo, name)
        assert 'github.com/dlworkbook/' not in text and 'github/dlworkbook/' not in text, name
        assert 'git+https://github.com/alice/dlworkbook"' in text
        assert f'colab.research.google.com/github/alice/dlworkbook/blob/main/nbs/{name}.ipynb' in text
    index = _text(repo, 'index')
    assert 'git+https://github.com/alice/dlworkbook' in index and 'github.com/dlworkbook/' not in index


def test_missing_cells_are_added_first_and_after_the_title(repo):
    sl = _tool()
    p = repo/'nbs'/'05_timeseries.ipynb'
    nb = json.loads(p.read_text())
    nb['cells'] = [c for c in nb['cells'] if 'google.colab' not in _src(c) and 'Open in Colab' not in _src(c)]
    p.write_text(json.dumps(nb, indent=1))
    assert sl.main(['--root', str(repo), '--check']) == 1
    sl.main(['--root', str(repo)])
    cells = json.loads(p.read_text())['cells']
    assert 'google.colab' in _src(cells[0]) and cells[0]['cell_type'] == 'code' and cells[0]['outputs'] == []
    title = next(i for i, c in enumerate(cells) if c['cell_type'] == 'markdown' and _src(c).startswith('# '))
    assert _src(cells[title + 1]).startswith('[Open in Colab](https://colab.research.google.com/github/')
    ids = [c.get('id') for c in cells]
    for new in (cells[0], cells[title + 1]): assert new['id'] and ids.count(new['id']) == 1


def test_a_git_url_colab_cannot_open_is_a_clear_error(repo):
    p = repo/'settings.ini'
    p.write_text(p.read_text().replace('git_url = https://github.com/%(user)s/%(repo)s',
                                       'git_url = https://gitlab.com/someone/dlworkbook'))
    with pytest.raises(SystemExit, match=r"git_url must be https://github.com/OWNER/REPO.*gitlab"):
        _tool().main(['--root', str(repo), '--check'])
