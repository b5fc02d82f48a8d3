"Tests of dlworkbook.tuning (the installed package): data, folder loader errors, search space, searches, run."
import numpy as np, pytest
from pathlib import Path
from PIL import Image
import joblib
import dlworkbook.tuning as tuning
from dlworkbook.tuning import (ARABIC_LETTERS, GRID, QUICK_SPACE, scale_images, split_data, digits_data, letters_data,
                               load_folder, check_params, param_grid, build_cnn, train_trial, grid_search,
                               successive_halving, summarize_search, compare_searches, retrain_seeds, run,
                               pixel_baseline, tutorial_regime, sklearn_halving, cache_key)

# Keras' own convert_to_numpy trips NumPy 2's __array__(copy=) deprecation; not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")

TINY = dict(kernel_size=[3], filters1=[10], filters2=[50], lr=[0.005], optimizer=['sgd', 'adam'], activation=['relu'])


def write_folder(root, classes=('a', 'b'), n=3, size=(12, 12)):
    rng = np.random.default_rng(0)
    for split in ('train', 'validation', 'test'):
        for c in classes:
            (root/split/c).mkdir(parents=True, exist_ok=True)
            for i in range(n): Image.fromarray(rng.integers(0, 256, size, dtype=np.uint8)).save(root/split/c/f'{i}.png')
    return root


@pytest.fixture(scope='module')
def small(): return digits_data(n=500, seed=0)


def test_scale_and_split():
    X = scale_images(np.full((2, 3, 3), 255, np.uint8))
    assert X.shape == (2, 3, 3, 1) and X.dtype == np.float32 and X.max() == 1
    with pytest.raises(ValueError, match=r"must already be in \[0, 1\]"): scale_images(np.full((1, 2, 2), 2.0))
    d = split_data(np.zeros((40, 4, 4), np.uint8), np.repeat([0, 1], 20))
    assert len(d['X_train']) + len(d['X_val']) + len(d['X_test']) == 40
    with pytest.raises(ValueError, match="need 0 < val"): split_data(np.zeros((40, 4, 4), np.uint8), np.repeat([0, 1], 20), val=0.6, test=0.5)


def test_digits_and_letters():
    d = digits_data(seed=0)
    assert d['X_train'].shape[1:] == (28, 28, 1) and len(d['classes']) == 10 and d['X_test'].max() <= 1
    assert len(ARABIC_LETTERS) == 28 == len(set(ARABIC_LETTERS))
    L = letters_data(n_per_class=12, seed=1)
    assert L['X_train'].shape[1:] == (50, 50, 1) and L['classes'] == ARABIC_LETTERS
    L2 = letters_data(n_per_class=12, seed=1)
    assert np.array_equal(L['X_test'], L2['X_test'])  # deterministic per seed
    with pytest.raises(ValueError, match="holdout_font=50"): letters_data(n_per_class=12, holdout_font=50)


def test_load_folder(tmp_path):
    d = load_folder(write_folder(tmp_path/'ok'))
    assert d['X_train'].shape == (6, 12, 12, 1) and d['classes'] == ['a', 'b'] and d['X_val'].max() <= 1


@pytest.mark.parametrize('breakage, message', [
    (lambda r: [__import__('shutil').rmtree(r/'train'/'a'), __import__('shutil').rmtree(r/'train'/'b')], '0 class sub-folder'),
    (lambda r: (r/'train'/'c').mkdir(), 'has no images'),
    (lambda r: (r/'test'/'a'/'readme.txt').write_text('x'), 'is not an image file'),
    (lambda r: (r/'test'/'a'/'broken.png').write_bytes(b'x'), 'could not be read as an image'),
    (lambda r: Image.fromarray(np.zeros((20, 20), np.uint8)).save(r/'validation'/'b'/'big.png'), 'differ in size'),
])
def test_load_folder_errors(tmp_path, breakage, message):
    root = write_folder(tmp_path/'r'); breakage(root)
    with pytest.raises(ValueError, match=message): load_folder(root)


def test_load_folder_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match='does not exist'): load_folder(tmp_path/'nope')


def test_space():
    assert len(param_grid(GRID)) == 96 and len(param_grid(QUICK_SPACE)) == 8
    with pytest.raises(ValueError, match=r"unknown hyperparameter\(s\) \['dropout'\]"): param_grid({**GRID, 'dropout': [0.5]})
    with pytest.raises(ValueError, match='unknown hyperparameter'): check_params({'learning_rate': 0.1})
    with pytest.raises(ValueError, match="activation must be one of"): build_cnn((28, 28, 1), 10, activation='tanh')
    with pytest.raises(ValueError, match="lr=0.1 is not a value of the given space"): check_params(dict(lr=0.1), QUICK_SPACE)
    assert check_params(dict(lr=0.1), {'lr': [0.1]}) == {'lr': 0.1}
    assert build_cnn((50, 50, 1), 28).output_shape == (None, 28)


def test_trial_and_searches(small, tmp_path):
    row = train_trial(param_grid(TINY)[1], small, max_epochs=2)
    assert row['epochs'] <= 2 and 0 <= row['val_f1_macro'] <= 1 and len(row['history']['val_accuracy']) == row['epochs']
    assert 'f1_macro' not in row  # the test split is scored only when asked
    g = grid_search(small, TINY, max_epochs=1, save=tmp_path/'g.pkl')
    assert len(g) == 2 and g.val_accuracy.is_monotonic_decreasing and len(list(tmp_path.glob('g-*.pkl'))) == 1
    assert g.f1_macro.notna().tolist() == [True, False]  # only the pick is scored on test
    h = successive_halving(small, TINY, min_epochs=1, eta=2, max_epochs=2)
    assert h.groupby('rung').size().tolist() == [2, 1] and h.epochs.sum() == 3
    t = compare_searches(grid=g, halving=h)
    assert list(t.index) == ['grid', 'halving'] and t.loc['grid', 'epochs'] == 2
    assert set(summarize_search(g)['best_params']) == set(TINY)


def test_grid_resumes(small, tmp_path):
    """A saved grid resumes: finished trials are not trained again, and a bigger space trains only the new ones."""
    space = dict(TINY, lr=[0.01, 0.005])
    grid_search(small, dict(space, lr=[0.01]), max_epochs=1, save=tmp_path/'g.pkl')
    again = grid_search(small, space, max_epochs=1, save=tmp_path/'g.pkl')
    assert len(again) == len(param_grid(space)) and len(list(tmp_path.glob('g-*.pkl'))) == 1
    same = grid_search(small, space, max_epochs=1, save=tmp_path/'g.pkl')
    assert same.seconds.tolist() == again.seconds.tolist()  # all reused


def test_retrain_seeds(small):
    p = param_grid(TINY)[1]
    r = retrain_seeds(p, small, seeds=[3, 4], max_epochs=1)
    assert r.seed.tolist() == [3, 4] and r.epochs.tolist() == [1, 1] and r.f1_macro.between(0, 1).all()
    # the same seed gives the same run as train_trial with that seed
    assert abs(r.f1_macro[0] - train_trial(p, small, max_epochs=1, seed=3, test=True)['f1_macro']) < 0.02
    with pytest.raises(ValueError, match='seeds is empty'): retrain_seeds(p, small, seeds=())
    with pytest.raises(ValueError, match=r"sets \['checkpoint'\] itself"): retrain_seeds(p, small, checkpoint='x')


def test_run(tmp_path):
    metrics, table = run(tmp_path, n=400, space=TINY, max_epochs=1, n_seeds=2)
    assert metrics['n_seeds'] == 2 and 0 <= metrics['f1_macro_best_seed_mean'] <= 1 and metrics['augment'] is False
    for k in ('f1_macro_best', 'f1_micro_best', 'best_params', 'epochs_grid', 'epochs_budget_search',
              'f1_macro_budget_search', 'dataset'):
        assert k in metrics
    assert metrics['dataset'] == 'mnist5k' and isinstance(metrics['best_params'], dict) and len(table) == 2
    assert (tmp_path/'best_history.png').exists()
    assert 0 < metrics['f1_macro_pixels_baseline'] <= 1
    with pytest.raises(ValueError, match='dataset must be'): run(tmp_path, dataset='fashion')
    with pytest.raises(ValueError, match='n_seeds must be >= 0'): run(tmp_path, n=400, space=TINY, max_epochs=1, n_seeds=-1)


def test_build_cnn_augment_only_while_training():
    import numpy as np
    m = build_cnn((28, 28, 1), 10, augment=True)
    assert [l.name for l in m.layers[:2]] == ['shift', 'rotate']
    x = np.random.default_rng(0).random((3, 28, 28, 1)).astype('float32')
    assert np.allclose(m.predict(x, verbose=0), m.predict(x, verbose=0))
    assert len(build_cnn((28, 28, 1), 10).layers) == len(m.layers) - 2


def test_cache_key_recomputes(small, tmp_path):
    """A changed max_epochs, augment or data set starts a new saved file; the same arguments reuse the old one."""
    one = dict(TINY, optimizer=['adam'])
    a = grid_search(small, one, max_epochs=1, save=tmp_path/'g.pkl')
    again = grid_search(small, one, max_epochs=1, save=tmp_path/'g.pkl')
    assert again.seconds.tolist() == a.seconds.tolist()  # reused, not trained again
    grid_search(small, one, max_epochs=2, save=tmp_path/'g.pkl')
    grid_search(small, one, max_epochs=1, augment=True, save=tmp_path/'g.pkl')
    other = digits_data(n=500, seed=1)
    b = grid_search(other, one, max_epochs=1, save=tmp_path/'g.pkl')
    assert len(list(tmp_path.glob('g-*.pkl'))) == 4 and b.seconds.tolist() != a.seconds.tolist()
    h1 = successive_halving(small, TINY, eta=2, max_epochs=2, save=tmp_path/'h.pkl')
    h2 = successive_halving(small, TINY, eta=2, max_epochs=2, save=tmp_path/'h.pkl')
    assert h1.seconds.tolist() == h2.seconds.tolist()
    successive_halving(small, TINY, eta=2, max_epochs=1, save=tmp_path/'h.pkl')
    assert len(list(tmp_path.glob('h-*.pkl'))) == 2
    assert cache_key(data=small, x=1) != cache_key(data=other, x=1)
    p = {k: v[0] for k, v in one.items()}
    r1 = retrain_seeds(p, small, seeds=[1], max_epochs=1, save=tmp_path/'s.pkl')
    r2 = retrain_seeds(p, small, seeds=[1], max_epochs=1, save=tmp_path/'s.pkl')
    assert r1.seconds.tolist() == r2.seconds.tolist()  # reused
    retrain_seeds(p, small, seeds=[1], max_epochs=1, augment=True, save=tmp_path/'s.pkl')
    retrain_seeds(p, small, seeds=[2], max_epochs=1, save=tmp_path/'s.pkl')
    assert len(list(tmp_path.glob('s-*.pkl'))) == 3


def test_two_workers_loky(small):
    """n_jobs=2 with joblib's loky backend: two tiny trials in two processes give the one-process results."""
    with joblib.parallel_config(backend='loky'):
        par = grid_search(small, TINY, max_epochs=1, n_jobs=2)
    seq = grid_search(small, TINY, max_epochs=1, n_jobs=1)
    assert len(par) == 2
    assert np.allclose(par.sort_values('optimizer').val_accuracy.values, seq.sort_values('optimizer').val_accuracy.values, atol=0.02)


def _loky_in_child(release):
    import time
    joblib.Parallel(n_jobs=2, backend='loky')(joblib.delayed(time.sleep)(0.5) for _ in range(4))  # both workers start
    if release: tuning._release_workers()


def test_forked_process_exits_after_loky_search():
    """Why n_jobs=2 'hung' inside nbdev_test: it runs notebooks in forked worker processes, and a forked process joins
    its live children when it exits, loky's idle workers included (they wait 300 s for more work). The searches stop
    those workers when they finish, so the process exits at once."""
    import multiprocessing as mp
    ctx = mp.get_context('fork')
    kept = ctx.Process(target=_loky_in_child, args=(False,)); kept.start(); kept.join(15)
    still_waiting = kept.is_alive()
    if still_waiting: kept.kill(); kept.join()
    assert still_waiting  # without the release the process waits for loky's idle workers
    released = ctx.Process(target=_loky_in_child, args=(True,)); released.start(); released.join(60)
    assert released.exitcode == 0


def test_pixel_baseline_and_regime(small):
    b = pixel_baseline(small, Cs=(0.1, 1.0))
    assert b['C'] in (0.1, 1.0) and 0.5 < b['f1_macro'] <= 1 and len(b['y_pred']) == len(small['y_test'])
    r = tutorial_regime(small, 'sgd', raw=True, batch_size=1, max_epochs=1)
    assert r['epochs'] == 1 and 0 <= r['dead_units'] <= 1 and 1 <= r['classes_predicted'] <= 10


def test_sklearn_halving(small):
    s = sklearn_halving(small, TINY, min_epochs=1, eta=2, max_epochs=2)
    assert s['rungs'].configs.tolist() == [2, 1] and s['epochs'] == 2 * 1 + 1 * 2
    assert set(s['best_params']) == set(TINY) and 0 <= s['val_accuracy'] <= 1


def test_run_on_a_folder(tmp_path):
    """run(data=FOLDER) on the original tutorial's layout writes the same metrics as the built-in data."""
    root = write_folder(tmp_path/'imgs', classes=('a', 'b', 'c'), n=6, size=(16, 16))
    metrics, table = run(tmp_path/'out', data=root, space=dict(TINY, optimizer=['adam']), max_epochs=1)
    assert metrics['dataset'] == 'folder:imgs' and metrics['classes'] == 3 and 0 <= metrics['f1_macro_best'] <= 1
    assert 'f1_macro_pixels_baseline' in metrics and len(table) == 2


def test_full_run_reruns_seeds_and_resumes(small, tmp_path, monkeypatch):
    """A full run re-trains the pick with other seeds, with and without augmentation (f1_macro_best_no_augment), and
    keeps its searches and re-trainings in the data folder, so a second run trains nothing."""
    monkeypatch.setenv('DLWORKBOOK_DATA', str(tmp_path/'cache'))
    one = dict(TINY, optimizer=['adam'])
    kw = dict(full=True, data=small, space=one, max_epochs=1, n_seeds=2)
    m, _ = run(tmp_path/'a', **kw)
    assert m['augment'] and m['n_seeds'] == 2
    for k in ('f1_macro_best_seed_mean', 'f1_macro_best_seed_std', 'f1_macro_best_no_augment'): assert 0 <= m[k] <= 1
    saved = sorted(p.name.split('-')[0] for p in (tmp_path/'cache'/'tuning').glob('*.pkl'))
    assert saved == ['grid_full', 'halving_full', 'seeds_full', 'seeds_full']  # with and without augmentation
    again, _ = run(tmp_path/'b', **kw)
    assert again == m  # every number read back, none trained again
