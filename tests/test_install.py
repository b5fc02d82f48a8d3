"""The package as a student gets it: the wheel built from the repository, installed into a fresh environment,
run from another folder (not the editable install the other tests use). Also: the sdist builds.

Nothing here downloads: the wheel is built without build isolation (with this environment's setuptools), and
the fresh environment gets the dependencies (numpy, torch, ...) from this one through a `.pth` file, while the
wheel itself is the only copy of `dlworkbook` on its path. Set DLWORKBOOK_SKIP_INSTALL_TEST=1 to skip (~30 s).
"""
import os, shutil, subprocess, sys, sysconfig, venv
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ['setup.py', 'settings.ini', 'README.md', 'LICENSE', 'MANIFEST.in', 'dlworkbook']
pytestmark = [
    pytest.mark.skipif(not (ROOT/'setup.py').exists(), reason='needs the repository (setup.py), not only the package'),
    pytest.mark.skipif(os.environ.get('DLWORKBOOK_SKIP_INSTALL_TEST', '') not in ('', '0'),
                       reason='DLWORKBOOK_SKIP_INSTALL_TEST is set'),
]


def _run(*cmd, **kw):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    assert r.returncode == 0, f"{' '.join(map(str, cmd))}\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}"
    return r


@pytest.fixture(scope='module')
def src(tmp_path_factory):
    "A copy of what the package is built from, so that building writes nothing into the repository."
    d = tmp_path_factory.mktemp('src')
    for name in SOURCES:
        p = ROOT/name
        if p.is_dir(): shutil.copytree(p, d/name, ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))
        else: shutil.copy(p, d/name)
    return d


def test_wheel_installs_into_a_fresh_environment(src, tmp_path):
    dist = tmp_path/'dist'
    _run(sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '-q', src, '-w', dist)
    wheel, = dist.glob('dlworkbook-*.whl')
    env_dir = tmp_path/'fresh'
    venv.create(env_dir, with_pip=False)
    py = env_dir/'bin'/'python'
    site = Path(_run(py, '-c', "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    # the dependencies come from this environment, after the fresh one's own site-packages
    (site/'_dlworkbook_test_deps.pth').write_text(sysconfig.get_paths()['purelib'] + '\n')
    _run(sys.executable, '-m', 'pip', '--python', py, 'install', '--no-deps', '-q', wheel)
    elsewhere = tmp_path/'elsewhere'; elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ('PYTHONPATH', 'VIRTUAL_ENV')}
    r = _run(env_dir/'bin'/'dlworkbook', 'list', cwd=elsewhere, env=env)
    assert [l.split()[0] for l in r.stdout.splitlines()] == ['tuning', 'metric', 'imbalance', 'speech', 'timeseries']
    code = ("import dlworkbook, dlworkbook.cli; from importlib import resources; "
            "print(dlworkbook.__file__); print(resources.files('dlworkbook').joinpath('data/airline.csv').is_file())")
    where, data = _run(py, '-c', code, cwd=elsewhere, env=env).stdout.split()
    assert Path(where).is_relative_to(env_dir), where  # the wheel's copy, not the repository's
    assert data == 'True'


def test_sdist_builds(src, tmp_path):
    pytest.importorskip('build')
    _run(sys.executable, '-m', 'build', '--sdist', '--no-isolation', '-o', tmp_path, src)
    sdist, = tmp_path.glob('dlworkbook-*.tar.gz')
    import tarfile
    names = tarfile.open(sdist).getnames()
    for f in ('settings.ini', 'LICENSE', 'README.md', 'dlworkbook/data/airline.csv', 'dlworkbook/cli.py'):
        assert any(n.endswith('/' + f) for n in names), f
