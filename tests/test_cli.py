"The `dlworkbook` console script, as a user runs it."
import json, subprocess, sys
from pathlib import Path
import pytest
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
