"Tests of the installed package's shared helpers (dlworkbook.core)."
import json, os, subprocess, sys
from pathlib import Path
import numpy as np
import pytest
import dlworkbook
from dlworkbook.core import (set_seed, data_dir, atomic_write, atomic_dir, results_table, write_metrics,
                             save_fig, set_style, load_mnist5k, render_glyphs, dejavu_fonts, DATA_ENV)


def test_imports_from_outside_the_repo(tmp_path):
    code = "import dlworkbook, dlworkbook.core, dlworkbook.cli; print(dlworkbook.__version__, dlworkbook.__file__)"
    out = subprocess.run([sys.executable, '-c', code], cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    version, path = out.split()
    assert version == dlworkbook.__version__
    assert Path(path).name == '__init__.py'


def _numbers(seed):
    import keras, torch, random
    set_seed(seed)
    X = np.random.rand(16, 3).astype('float32')
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(1)])
    model.compile('sgd', 'mse')
    model.fit(X, X.sum(1), epochs=1, batch_size=4, verbose=0)
    return np.r_[random.random(), np.random.rand(2), model.predict(X, verbose=0).ravel(), torch.randn(2).numpy()]


def test_set_seed_is_deterministic():
    a, b, c = _numbers(3), _numbers(3), _numbers(4)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


@pytest.mark.parametrize('bad', [-1, 1.5, '1', True, None])
def test_set_seed_rejects_bad_seeds(bad):
    with pytest.raises(ValueError, match='non-negative integer'): set_seed(bad)


def test_data_dir_env_override(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_ENV, str(tmp_path/'cache'))
    assert data_dir('a', 'b') == tmp_path/'cache'/'a'/'b' and (tmp_path/'cache'/'a'/'b').is_dir()
    monkeypatch.delenv(DATA_ENV)
    assert 'dlworkbook' in str(data_dir(create=False))


def test_atomic_write_leaves_nothing_half_written(tmp_path):
    p = tmp_path/'x.json'
    with atomic_write(p) as f: f.write('{"a": 1}')
    with pytest.raises(RuntimeError):
        with atomic_write(p) as f: f.write('{"a": '); raise RuntimeError('boom')
    assert json.loads(p.read_text()) == {'a': 1}
    assert [q.name for q in tmp_path.iterdir()] == ['x.json']
    with pytest.raises(RuntimeError):
        with atomic_dir(tmp_path/'d') as d: (d/'f').write_text('1'); raise RuntimeError('boom')
    assert not (tmp_path/'d').exists() and [q.name for q in tmp_path.iterdir()] == ['x.json']
    with atomic_dir(tmp_path/'d') as d: (d/'first').write_text('1')
    with atomic_dir(tmp_path/'d', replace=False) as d: (d/'second').write_text('2')   # a concurrent run lost the race
    assert [q.name for q in (tmp_path/'d').iterdir()] == ['first'] and sorted(q.name for q in tmp_path.iterdir()) == ['d', 'x.json']
    with atomic_dir(tmp_path/'d') as d: (d/'third').write_text('3')
    assert [q.name for q in (tmp_path/'d').iterdir()] == ['third']


def test_results_table_and_metrics(tmp_path):
    t = results_table({'a': {'rmse': [1.0, 3.0]}, 'b': {'rmse': 1.5}}, sort_by='rmse')
    assert list(t.index) == ['b', 'a'] and t.loc['a', 'rmse'] == 2.0
    with pytest.raises(ValueError, match='sort_by'): results_table({'a': {'x': 1}}, sort_by='y')
    m = write_metrics(tmp_path/'m.json', {'acc': np.float64(0.5), 'name': 'x', 'best_params': {'lr': 0.1}})
    assert json.loads((tmp_path/'m.json').read_text()) == m == {'acc': 0.5, 'name': 'x', 'best_params': {'lr': 0.1}}
    with pytest.raises(ValueError, match="'acc' is inf"): write_metrics(tmp_path/'n.json', {'acc': float('inf')})
    with pytest.raises(ValueError, match='type ndarray'): write_metrics(tmp_path/'n.json', {'acc': np.zeros(2)})
    assert not (tmp_path/'n.json').exists()


def test_save_fig(tmp_path):
    import matplotlib; matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    set_style()
    fig, ax = plt.subplots(); ax.plot([1, 2])
    assert save_fig(fig, tmp_path/'f.png').read_bytes()[:4] == b'\x89PNG'
    with pytest.raises(ValueError, match='.png'): save_fig(fig, tmp_path/'f.svg')


def test_bundled_and_generated_data():
    X, y = load_mnist5k()
    assert X.shape == (5000, 28, 28) and X.dtype == np.uint8 and np.bincount(y).tolist() == [500]*10
    assert len(dejavu_fonts()) == 12
    Xg, yg, fg = render_glyphs('ab', n_per_class=3, size=24, seed=5)
    assert Xg.shape == (6, 24, 24) and yg.tolist() == [0, 0, 0, 1, 1, 1]
    np.testing.assert_array_equal(Xg, render_glyphs('ab', n_per_class=3, size=24, seed=5)[0])
    with pytest.raises(ValueError, match='no font'): render_glyphs('中')
