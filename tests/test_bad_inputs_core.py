"Bad inputs to the shared helpers (dlworkbook.core): each gives a clear error that names the argument or file."
import os, stat, time
import numpy as np
import pandas as pd
import pytest
from PIL import Image
from dlworkbook.core import (set_seed, full_run, FULL_ENV, torch_device, DEVICE_ENV, check_int, check_number,
                             check_choice, check_array, check_labels, check_same_length, read_image, scale_images,
                             load_image_folder, atomic_write, atomic_dir, sweep_stale)


@pytest.mark.parametrize('call, exc, msg', [
    (lambda: check_int(2.0, 'n_epochs'), TypeError, 'n_epochs must be an integer'),
    (lambda: check_int(False, 'n_seeds'), TypeError, 'n_seeds must be an integer'),
    (lambda: check_int(0, 'n_seeds', min=1), ValueError, 'n_seeds must be >= 1'),
    (lambda: check_number('0.1', 'lr'), TypeError, 'lr must be a number'),
    (lambda: check_number(float('inf'), 'lr'), ValueError, 'lr must be a finite'),
    (lambda: check_choice('SMOTE', 'remedy', ['smote', 'over']), ValueError, "remedy must be one of"),
    (lambda: check_array(['1', '2'], 'series'), TypeError, 'series must hold numbers'),
    (lambda: check_array([1.0, np.nan], 'series'), ValueError, 'series holds 1 NaN'),
    (lambda: check_array(np.zeros((2, 2)), 'series', ndim=1), ValueError, 'series must have 1 dimension'),
    (lambda: check_labels(['a', 'b'], 'y_train'), TypeError, 'y_train must hold integer class indices'),
    (lambda: check_labels(np.eye(4), 'y'), ValueError, 'argmax'),
    (lambda: check_labels([0, 5], 'y', n_classes=5), ValueError, 'out of range for n_classes=5'),
    (lambda: check_labels([2, 2], 'y', min_classes=2), ValueError, '1 distinct class'),
    (lambda: check_same_length(X=np.zeros(3), y=np.zeros(2)), ValueError, 'X has 3, y has 2'),
    (lambda: scale_images(np.full((1, 4, 4), 255.0), 'X_val'), ValueError, 'X_val holds float pixels'),
    (lambda: scale_images(np.zeros((4, 4)), 'X'), ValueError, 'X must be images of shape'),
    (lambda: set_seed(2**40), ValueError, 'below 2**32'),
    (lambda: set_seed(0, frameworks=('jax',)), ValueError, 'frameworks'),
    (lambda: torch_device('gpu'), ValueError, "prefer='gpu'"),
])
def test_checks_name_the_input(call, exc, msg):
    with pytest.raises(exc, match=None) as e: call()
    assert msg in str(e.value)


def test_failed_set_seed_leaves_the_environment(monkeypatch):
    monkeypatch.setenv('PYTHONHASHSEED', '7')
    with pytest.raises(ValueError): set_seed(2**40)
    assert os.environ['PYTHONHASHSEED'] == '7'


def test_full_run_env(monkeypatch):
    monkeypatch.setenv(FULL_ENV, '1'); assert full_run()
    monkeypatch.setenv(FULL_ENV, '0'); assert not full_run()
    monkeypatch.delenv(FULL_ENV); assert not full_run()
    monkeypatch.setenv(FULL_ENV, 'sometimes')
    with pytest.raises(ValueError, match=FULL_ENV): full_run()


def test_device_env(monkeypatch):
    monkeypatch.setenv(DEVICE_ENV, 'cpu'); assert str(torch_device()) == 'cpu'
    monkeypatch.setenv(DEVICE_ENV, 'warp9')
    with pytest.raises(ValueError, match=DEVICE_ENV): torch_device()


def test_images_every_mode(tmp_path):
    ink = np.zeros((6, 6), np.uint8); ink[1:5, 2:4] = 255
    Image.fromarray((ink.astype(np.uint16) * 257)).save(tmp_path/'grey16.png')            # 16-bit grey
    rgba = np.zeros((6, 6, 4), np.uint8); rgba[..., 3] = ink; Image.fromarray(rgba, 'RGBA').save(tmp_path/'alpha.png')
    la = Image.fromarray(np.stack([np.zeros_like(ink), ink], -1), 'LA'); la.save(tmp_path/'la.png')
    x16, xa, xla = (read_image(tmp_path/f) for f in ('grey16.png', 'alpha.png', 'la.png'))
    assert x16.max() == 1 and x16.min() == 0 and (x16 == ink / 255).all()   # not all ones
    assert (xa < 0.5).sum() == (ink > 0).sum() == (xla < 0.5).sum()         # the glyph shows, dark on white
    assert read_image(tmp_path/'grey16.png').dtype == np.float32


def test_truncated_and_foreign_files_are_named(tmp_path):
    for c in 'ab':
        (tmp_path/c).mkdir()
        for i in range(2): Image.fromarray(np.full((8, 8), 30 * i, np.uint8)).save(tmp_path/c/f'{i}.png')
    data = (tmp_path/'b'/'1.png').read_bytes()
    (tmp_path/'b'/'1.png').write_bytes(data[:len(data) // 2])
    with pytest.raises(ValueError, match=r'1\.png could not be read'): load_image_folder(tmp_path)
    (tmp_path/'b'/'1.png').write_bytes(data)
    (tmp_path/'a'/'readme.md').write_text('x')
    with pytest.raises(ValueError, match=r'readme\.md is not an image file'): load_image_folder(tmp_path)
    with pytest.raises(FileNotFoundError, match='missing'): load_image_folder(tmp_path/'missing')


def test_outputs_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        with atomic_write(tmp_path/'metrics.json') as f: f.write('{}')
        with atomic_dir(tmp_path/'corpus') as d: (d/'a.wav').write_bytes(b'')
        with atomic_dir(tmp_path/'corpus') as d: (d/'b.wav').write_bytes(b'')
    finally: os.umask(old)
    assert stat.S_IMODE((tmp_path/'metrics.json').stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path/'corpus').stat().st_mode) == 0o755
    assert sorted(p.name for p in tmp_path.iterdir()) == ['corpus', 'metrics.json']


def test_sweep_keeps_fresh_temporaries(tmp_path):
    old, new = tmp_path/'.a.npz.x.tmp', tmp_path/'.b.npz.y.tmp'
    old.write_text(''); new.write_text('')
    os.utime(old, (time.time() - 4000,) * 2)
    assert sweep_stale(tmp_path) == 1 and new.exists() and not old.exists()
