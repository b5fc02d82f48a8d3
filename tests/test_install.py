"""The package as a student gets it: the wheel built from the repository, installed into a fresh environment,
run from another folder (not the editable install the other tests use). Also: the sdist builds, and
tools/install.sh picks the torch build a machine needs.

Nothing here downloads: the wheel is built without build isolation (with this environment's setuptools), and
the fresh environment gets the dependencies (numpy, torch, ...) from this one through a `.pth` file, while the
wheel itself is the only copy of `dlworkbook` on its path. Set DLWORKBOOK_SKIP_INSTALL_TEST=1 to skip (~40 s).
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


def _torch_build(tmp_path, **env):
    "What `bash tools/install.sh --torch-build` says, on a machine without pip settings (like a student's)."
    path = f"{tmp_path/'bin'}:{ROOT/'.venv'/'bin'}:/usr/bin:/bin"
    base = {k: v for k, v in os.environ.items() if not k.startswith('PIP_') and k != 'TORCH_INDEX_URL'}
    r = _run('bash', ROOT/'tools'/'install.sh', '--torch-build',
             env={**base, 'PATH': path, 'PIP_CONFIG_FILE': os.devnull, **env})
    return r.stdout


def _fake_torch_wheel(folder: Path):
    "A minimal wheel named torch 2.13.0, for pip to find in a local folder (it is never installed)."
    import zipfile
    folder.mkdir()
    info = 'torch-2.13.0.dist-info'
    with zipfile.ZipFile(folder/'torch-2.13.0-py3-none-any.whl', 'w') as z:
        z.writestr(f'{info}/METADATA', 'Metadata-Version: 2.1\nName: torch\nVersion: 2.13.0\n')
        z.writestr(f'{info}/WHEEL', 'Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n')
        z.writestr(f'{info}/RECORD', '')


@pytest.mark.skipif(not (ROOT/'.venv'/'bin'/'python').exists(), reason='needs the .venv that tools/install.sh made')
@pytest.mark.skipif(sys.platform != 'linux' or Path('/proc/driver/nvidia/version').exists()
                    or shutil.which('nvidia-smi') is not None, reason='a Linux machine without an NVIDIA driver')
def test_install_picks_the_torch_build(tmp_path):
    (tmp_path/'bin').mkdir()
    out = _torch_build(tmp_path)
    assert 'the CPU build from https://download.pytorch.org/whl/cpu (no NVIDIA driver found)' in out, out
    assert 'index: https://download.pytorch.org/whl/cpu' in out
    _fake_torch_wheel(tmp_path/'wheels')
    out = _torch_build(tmp_path, PIP_FIND_LINKS=str(tmp_path/'wheels'))
    assert 'a local wheel that pip finds without an index' in out and 'index: the default' in out, out
    out = _torch_build(tmp_path, TORCH_INDEX_URL='https://example.invalid/simple')
    assert 'index: https://example.invalid/simple' in out, out
    out = _torch_build(tmp_path, TORCH_INDEX_URL='pypi')
    assert 'PyPI (TORCH_INDEX_URL=pypi)' in out and 'index: the default' in out, out
    smi = tmp_path/'bin'/'nvidia-smi'; smi.write_text('#!/bin/sh\nexit 0\n'); smi.chmod(0o755)
    out = _torch_build(tmp_path)
    assert "PyPI's CUDA build (an NVIDIA driver is present)" in out and 'index: the default' in out, out
