"The `dlworkbook` console script, as a user runs it."
import json, os, re, signal, subprocess, sys, types
from pathlib import Path
import pandas as pd
import pytest
from dlworkbook import cli
from dlworkbook.cli import CHAPTERS, main, chapter_runner


EXE = str(Path(sys.executable).parent/'dlworkbook')  # the console script installed beside this Python


def dlw(*args, cwd=None):
    return subprocess.run([EXE, *args], capture_output=True, text=True, cwd=cwd)


def test_console_script_list(tmp_path):
    r = dlw('list', cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    names = [line.split()[0] for line in r.stdout.splitlines()]
    assert names == list(CHAPTERS) == ['tuning', 'metric', 'imbalance', 'speech', 'timeseries']


def test_help():
    r = dlw('--help')
    assert r.returncode == 0 and 'list' in r.stdout and 'run' in r.stdout
    r = dlw('run', '--help')
    assert r.returncode == 0 and '--full' in r.stdout and '--out' in r.stdout and '--seed' in r.stdout


def test_unknown_chapter_is_a_clear_error():
    r = dlw('run', 'cooking')
    assert r.returncode == 2
    assert "unknown chapter 'cooking'" in r.stderr and 'timeseries' in r.stderr
    with pytest.raises(ValueError, match="unknown chapter 'cooking'"): chapter_runner('cooking')


def test_bad_seed_is_a_clear_error():
    r = dlw('run', 'timeseries', '--seed', '-3')
    assert r.returncode == 2 and '--seed must be a non-negative integer' in r.stderr


def test_every_chapter_has_a_runner():
    for name in CHAPTERS: assert callable(chapter_runner(name)), name


# --- One line and an exit code for every way a run can end badly; TensorFlow's start-up lines held back ---
NOISE = re.compile(r"cuda|absl|cudart", re.I)


def _clean_env(**extra):
    "This environment without TF_CPP_MIN_LOG_LEVEL (conftest.py sets it), as a user's shell has it."
    env = {k: v for k, v in os.environ.items() if k != 'TF_CPP_MIN_LOG_LEVEL'}
    return {**env, **extra}


@pytest.fixture
def fake_chapter(monkeypatch):
    "A chapter `fake` whose `run` the test sets: no training, no framework."
    mod = types.ModuleType('dlworkbook._fake_chapter')
    mod.run = lambda out, full, seed: ({'score': 0.5}, pd.DataFrame({'model': ['baseline'], 'score': [0.5]}))
    monkeypatch.setitem(sys.modules, mod.__name__, mod)
    monkeypatch.setitem(cli.CHAPTERS, 'fake', (mod.__name__, 'a chapter for tests'))
    monkeypatch.setitem(cli.FRAMEWORKS, 'fake', ())
    return mod


def _raises(exc):
    def run(out, full, seed): raise exc
    return run


def test_bad_arguments_end_in_one_line(tmp_path, capsys):
    "Checked before any work: one line on stderr, exit code 2 (the console script: see the tests above)."
    f = tmp_path/'a-file'; f.write_text('x')
    for args, text in [(['run', 'cooking'], "unknown chapter 'cooking'"),
                       (['run', 'timeseries', '--seed', 'x'], "invalid int value: 'x'"),
                       (['run', 'timeseries', '--out', str(f)], 'exists and is not a folder'),
                       (['run'], 'the following arguments are required: chapter'),
                       (['--colour'], 'unrecognized arguments: --colour')]:
        with pytest.raises(SystemExit) as e: main(args)
        err = capsys.readouterr().err
        assert e.value.code == 2, (args, err)
        assert err.count('\n') == 1 and text in err and 'usage' not in err, (args, err)


@pytest.mark.parametrize('exc, code, text', [
    (KeyboardInterrupt(), 130, 'dlworkbook: interrupted'),
    (ModuleNotFoundError("No module named 'espeakng_loader'", name='espeakng_loader'), 1,
     "dlworkbook: No module named 'espeakng_loader' (install what it names"),
    (ModuleNotFoundError('eSpeak NG is not installed: `pip install dlworkbook[speech]`'), 1,
     'dlworkbook: eSpeak NG is not installed: `pip install dlworkbook[speech]`'),
    (RuntimeError('the cache\nis full'), 1, 'dlworkbook: RuntimeError: the cache is full (run with --debug'),
])
def test_a_failing_run_ends_in_one_line(fake_chapter, tmp_path, capsys, exc, code, text):
    fake_chapter.run = _raises(exc)
    assert main(['run', 'fake', '--out', str(tmp_path)]) == code
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]
    assert last.startswith(text), err
    assert 'Traceback' not in err and err.splitlines()[:2] == ['dlworkbook: loading chapter fake...',
                                                             'dlworkbook: running chapter fake (quick)...'], err


def test_debug_shows_the_traceback(fake_chapter, tmp_path):
    fake_chapter.run = _raises(RuntimeError('the cache is full'))
    for argv in (['--debug', 'run', 'fake', '--out', str(tmp_path)], ['run', 'fake', '--out', str(tmp_path), '--debug']):
        with pytest.raises(RuntimeError, match='the cache is full'): main(argv)


def test_start_and_done_lines(fake_chapter, tmp_path, capsys):
    assert main(['run', 'fake', '--out', str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == ['dlworkbook: loading chapter fake...', 'dlworkbook: running chapter fake (quick)...',
                                'dlworkbook: chapter fake done in 0 s']
    assert 'baseline' in out and json.loads((tmp_path/'metrics.json').read_text())['score'] == 0.5
    main(['run', 'fake', '--out', str(tmp_path)])
    assert f'(quick; the last quick run in {tmp_path} took 0 s)' in capsys.readouterr().err
    main(['run', 'fake', '--out', str(tmp_path), '--full'])  # no full run there yet
    assert 'running chapter fake (full experiment)...' in capsys.readouterr().err


FAKE = '''
import sys, time, types
import pandas as pd
from dlworkbook import cli
mod = types.ModuleType('fake_chapter')
def run(out, full, seed):
    {body}
    return {{}}, pd.DataFrame({{'a': [1]}})
mod.run = run
sys.modules['fake_chapter'] = mod
cli.CHAPTERS['fake'] = ('fake_chapter', 'test')
cli.FRAMEWORKS['fake'] = {frameworks}
sys.exit(cli.main(sys.argv[1:]))
'''


def _fake_process(tmp_path, body, frameworks=(), env=None, **kw):
    return subprocess.Popen([sys.executable, '-c', FAKE.format(body=body, frameworks=frameworks),
                             'run', 'fake', '--out', str(tmp_path/'out')], cwd=tmp_path, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env or _clean_env(), **kw)


def test_ctrl_c_exits_130(tmp_path):
    p = _fake_process(tmp_path, "print('started', file=sys.stderr, flush=True); time.sleep(60)")
    for line in p.stderr:
        if line.startswith('started'): break
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    assert p.returncode == 130 and err.strip() == 'dlworkbook: interrupted', err


def test_tensorflow_start_up_lines_are_held_back(tmp_path):
    "A Keras chapter run from the console script prints no line about CUDA or absl on a CPU machine."
    body = ("import keras, numpy as np; m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)]); "
            "m.compile('adam', 'mse'); m.fit(np.zeros((8, 3)), np.zeros(8), verbose=0)")
    p = _fake_process(tmp_path, body, frameworks=('keras',))
    out, err = p.communicate(timeout=300)
    assert p.returncode == 0, err
    assert not [l for l in (out + err).splitlines() if NOISE.search(l)], err
    assert err.splitlines()[:2] == ['dlworkbook: loading chapter fake with Keras and TensorFlow...',
                                    'dlworkbook: running chapter fake (quick)...'], err


def test_tf_log_level_is_the_users_when_set():
    code = "import os; from dlworkbook.cli import main; main(['list']); print(os.environ['TF_CPP_MIN_LOG_LEVEL'])"
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, env=_clean_env())
    assert r.stdout.splitlines()[-1] == '3', r.stderr
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, env=_clean_env(TF_CPP_MIN_LOG_LEVEL='1'))
    assert r.stdout.splitlines()[-1] == '1', r.stderr


def test_data_reaches_chapters_that_take_it(monkeypatch, tmp_path, capsys):
    seen = {}
    def run(out, full, seed, data=None):
        seen['data'] = data
        return {'score': 1.0}, pd.DataFrame({'score': [1.0]})
    mod = types.ModuleType('fake_data_chapter'); mod.run = run
    monkeypatch.setitem(sys.modules, 'fake_data_chapter', mod)
    monkeypatch.setitem(CHAPTERS, 'mine', ('fake_data_chapter', 'for tests'))
    monkeypatch.setitem(cli.FRAMEWORKS, 'mine', ())
    (tmp_path/'series.csv').write_text('month,value\n')
    assert main(['run', 'mine', '--out', str(tmp_path/'out'), '--data', str(tmp_path/'series.csv')]) == 0
    assert seen['data'] == str(tmp_path/'series.csv')
    assert json.loads((tmp_path/'out'/'metrics.json').read_text())['data'] == str(tmp_path/'series.csv')
    assert 'mine' in cli.data_chapters()


def test_data_for_a_chapter_without_it_is_a_bad_argument(fake_chapter, tmp_path, capsys):
    with pytest.raises(SystemExit) as e: main(['run', 'fake', '--out', str(tmp_path/'o'), '--data', str(tmp_path)])
    assert e.value.code == 2 and 'runs on its own data only' in capsys.readouterr().err
