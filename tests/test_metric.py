"Tests of dlworkbook.metric (chapter 02): the installed package's public API, bad inputs and a tiny end-to-end run."
import json
import numpy as np
import pytest

keras = pytest.importorskip('keras')
from dlworkbook import metric
from dlworkbook.metric import *


# --- plain NumPy references ---------------------------------------------------------------------------------
def triplet_np(a, p, n, margin):
    return np.maximum(((a - p) ** 2).sum(1) - ((a - n) ** 2).sum(1) + margin, 0)

def lossless_np(a, p, n, eps=1e-8):
    N = a.shape[1]
    dp, dn = ((a - p) ** 2).sum(1), ((a - n) ** 2).sum(1)
    return -np.log(-dp / N + 1 + eps) - np.log(-(N - dn) / N + 1 + eps)

def dists(E): return ((E[:, None] - E[None]) ** 2).sum(-1)

def batch_hard_np(y, E, margin):
    D, out = dists(E), []
    for i in range(len(y)):
        pos = [D[i, j] for j in range(len(y)) if y[j] == y[i] and j != i]
        if not pos: continue
        out.append(max(max(pos) - min(D[i, k] for k in range(len(y)) if y[k] != y[i]) + margin, 0))
    return np.mean(out)

def semi_hard_np(y, E, margin):
    D, out = dists(E), []
    for i in range(len(y)):
        negs = [D[i, k] for k in range(len(y)) if y[k] != y[i]]
        for j in range(len(y)):
            if j == i or y[j] != y[i]: continue
            semi = [v for v in negs if v > D[i, j]]
            out.append(max(D[i, j] - (min(semi) if semi else max(negs)) + margin, 0))
    return np.mean(out)


@pytest.fixture(scope='module')
def data():
    return glyph_data(n_classes=30, n_per_class=4, size=32, seed=0)


# --- data ---------------------------------------------------------------------------------------------------
def test_alphabet_drops_lookalikes_and_accents():
    a = glyph_alphabet()
    assert len(a) > 300 and len(set(a)) == len(a)
    assert 'A' in a and 'Α' not in a and 'А' not in a and 'é' not in a

def test_glyph_data_split_by_class(data):
    tr, va, te = (set(data[f'y_{k}']) for k in ('train', 'val', 'test'))
    assert not (tr & va or tr & te or va & te)
    assert data['X_train'].shape[1:] == (32, 32, 1) and data['X_train'].dtype == np.float32
    np.testing.assert_array_equal(glyph_data(n_classes=30, n_per_class=4, seed=0)['X_test'], data['X_test'])

def test_twin_free_split_has_no_twins():
    assert glyph_split(seed=0, split='twin-free')[1] == 0
    (tr, va, te), n = glyph_split(seed=0, split='random')
    assert n > 0
    D = glyph_distances(glyph_alphabet())
    assert (D[np.ix_(te, tr)].min(1) < TWIN_DIST).sum() == n

def test_split_classes_errors():
    with pytest.raises(ValueError, match='too few'): split_classes(range(4))
    with pytest.raises(ValueError, match='duplicates'): split_classes([1, 1, 2, 3, 4, 5, 6, 7])

def test_class_folders_round_trip(tmp_path, data):
    X, y = data['X_test'][:8], data['y_test'][:8]
    save_class_folders(X, y, tmp_path)
    Xf, yf, names = load_class_folders(tmp_path)
    assert Xf.shape == X.shape and len(names) == len(set(y))
    order = np.concatenate([np.flatnonzero(y == int(c)) for c in names])
    np.testing.assert_allclose(Xf, X[order], atol=1 / 255)
    assert as_dataset(str(tmp_path), size=20)[0].shape == (8, 20, 20, 1)

def test_bad_images(tmp_path):
    with pytest.raises(ValueError, match='different shapes'): as_images([np.zeros((8, 8)), np.zeros((9, 9))])
    with pytest.raises(ValueError, match='NaN'): as_images(np.full((1, 4, 4), np.nan))
    with pytest.raises(FileNotFoundError, match='nowhere'): load_class_folders(tmp_path/'nowhere')
    with pytest.raises(ValueError, match='class sub-folder'): load_class_folders(tmp_path)


# --- losses -------------------------------------------------------------------------------------------------
CASES = {'random': np.random.default_rng(0).uniform(0, 1, (3, 40, 8)).astype(np.float32),
         'identical': np.zeros((3, 1, 8), np.float32),
         'positive far': np.stack([np.zeros((1, 8)), np.ones((1, 8)), np.zeros((1, 8))]).astype(np.float32),
         'negative far': np.stack([np.zeros((1, 8)), np.zeros((1, 8)), np.ones((1, 8))]).astype(np.float32)}

@pytest.mark.parametrize('case', CASES)
def test_losses_match_numpy(case):
    a, p, n = CASES[case]
    y_pred = np.concatenate([a, p, n], 1)
    np.testing.assert_allclose(np.asarray(triplet_loss(0.3)(None, y_pred)), triplet_np(a, p, n, 0.3), atol=1e-5)
    np.testing.assert_allclose(np.asarray(lossless_triplet_loss()(None, y_pred)), lossless_np(a, p, n), atol=1e-3)

def test_lossless_is_finite_past_N():
    z, o = np.zeros((1, 4), np.float32), np.ones((1, 4), np.float32) * 1.001
    assert np.isfinite(np.asarray(lossless_triplet_loss()(None, np.concatenate([z, o, z], 1)))).all()

def test_loss_errors():
    with pytest.raises(ValueError, match='margin'): triplet_loss(-0.1)
    with pytest.raises(ValueError, match='beta'): lossless_triplet_loss(beta=-1)
    with pytest.raises(ValueError, match='three embeddings'): triplet_loss()(None, np.zeros((2, 4), np.float32))

@pytest.mark.parametrize('seed', range(4))
def test_mined_losses_match_brute_force(seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 4, 14)
    E = rng.normal(size=(14, 6)).astype(np.float32); E /= np.linalg.norm(E, axis=1, keepdims=True)
    assert abs(float(batch_hard_loss(0.2)(y, E)) - batch_hard_np(y, E, 0.2)) < 1e-4
    assert abs(float(semi_hard_loss(0.2)(y, E)) - semi_hard_np(y, E, 0.2)) < 1e-4

def test_collapsed_embedding_costs_the_margin():
    y, E = np.repeat(np.arange(4), 3), np.ones((12, 5), np.float32) / np.sqrt(5)
    assert abs(float(batch_hard_loss(0.3)(y, E)) - 0.3) < 1e-6 and abs(float(semi_hard_loss(0.3)(y, E)) - 0.3) < 1e-6


# --- model --------------------------------------------------------------------------------------------------
def test_triplet_model_shares_the_base_and_save_load(tmp_path, data):
    base = base_cnn(dims=16, width=8)
    out = triplet_model(base).predict([data['X_test'][:4]] * 3, verbose=0)
    np.testing.assert_allclose(out[:, :16], out[:, 32:], atol=1e-6)
    base.save(tmp_path/'base.keras')
    np.testing.assert_array_equal(embed(keras.saving.load_model(tmp_path/'base.keras'), data['X_test']), embed(base, data['X_test']))

def test_embed_errors(data):
    base = base_cnn(dims=8, width=8)
    with pytest.raises(ValueError, match='base expects'): embed(base, data['X_test'][:, :20, :20])
    with pytest.raises(ValueError, match='head'): base_cnn(head='tanh')

def test_pretrained_offline_error_names_the_fix():
    try: pretrained_base(weights='imagenet', alpha=0.35)
    except RuntimeError as e: assert 'weights=None' in str(e)
    else: pytest.skip('ImageNet weights could be loaded (network or cache available)')
    assert embed(pretrained_base(weights=None, alpha=0.35, image_size=32, dims=8), np.zeros((2, 32, 32, 1))).shape == (2, 8)


# --- triplets -----------------------------------------------------------------------------------------------
def test_sample_triplets_valid_and_seeded(data):
    y = data['y_train']
    a, p, n = sample_triplets(y, 500, seed=3)
    assert (y[a] == y[p]).all() and (y[a] != y[n]).all() and (a != p).all()
    np.testing.assert_array_equal(sample_triplets(y, 500, seed=3)[0], a)

def test_triplet_errors():
    with pytest.raises(ValueError, match='single example'): sample_triplets([0, 0, 1], 3)
    with pytest.raises(ValueError, match='two classes'): sample_triplets([0, 0, 0], 3)
    with pytest.raises(ValueError, match='different shapes'): next(triplet_batches(([np.zeros((4, 4)), np.zeros((5, 5))], [0, 1])))
    with pytest.raises(ValueError, match='P must be'): next(pk_batches([0, 0, 1, 1], P=5))

def test_pk_batches(data):
    ib = next(pk_batches(data['y_train'], P=5, K=3, seed=0))
    assert len(ib) == 15 and (np.unique(data['y_train'][ib], return_counts=True)[1] == 3).all()

def test_triplet_batches_from_folder(tmp_path, data):
    save_class_folders(data['X_train'][:12], data['y_train'][:12], tmp_path)
    (xa, xp, xn), yb = next(triplet_batches(tmp_path, batch_size=5))
    assert xa.shape == (5, 32, 32, 1) and yb.shape == (5,)


# --- evaluation ---------------------------------------------------------------------------------------------
def test_retrieval_hand_made():
    m = retrieval_metrics(np.array([[0.], [1.], [5.], [2.5], [6.]]), np.array([0, 0, 0, 1, 1]), ks=(1, 2))
    assert m == pytest.approx({'recall_at_1': 0.4, 'recall_at_2': 0.6, 'map_at_r': 0.2})
    perfect = retrieval_metrics(np.eye(3).repeat(3, 0), np.arange(3).repeat(3))
    assert perfect == pytest.approx({'recall_at_1': 1, 'recall_at_5': 1, 'map_at_r': 1})

def test_nan_embeddings_are_an_error():
    E = np.array([[0.], [np.nan], [1.], [2.]])
    with pytest.raises(ValueError, match='NaN'): retrieval_metrics(E, [0, 0, 1, 1])
    with pytest.raises(ValueError, match='NaN'): evaluate(E, [0, 0, 1, 1], E, [0, 0, 1, 1])

def test_threshold_and_verification():
    assert choose_threshold([0.1, 0.2, 0.5, 0.9], [True, True, False, False]) == pytest.approx(0.35)
    assert verification_accuracy([0.1, 0.2, 0.5, 0.9], [True, True, False, False], 0.35) == 1.0
    y = np.repeat(np.arange(5), 3)
    i, j, same = verification_pairs(y, 40, seed=0)
    assert same.sum() == 20 and (y[i][same] == y[j][same]).all() and (y[i][~same] != y[j][~same]).all()


# --- training and the CLI entry point -----------------------------------------------------------------------
def test_train_modes_and_errors(data):
    tr = (data['X_train'], data['y_train'])
    for mode, squared in [('batch-hard', True), ('batch-hard', False), ('random', True), ('batch-all', True)]:
        h = train_triplets(base_cnn(dims=8, width=8), tr, mode, steps=3, batch_size=12, K=3, eval_every=3,
                           val=(data['X_val'], data['y_val']), squared=squared)
        assert list(h.columns) == ['loss', 'val_recall_at_1', 'spread'] and np.isfinite(h.values).all()
        assert 0 <= h['spread'].iloc[-1] <= 1
    train_triplets(base_cnn(dims=8, width=8, head='sigmoid'), tr, 'lossless', steps=2, batch_size=12)
    with pytest.raises(ValueError, match="head='sigmoid'"): train_triplets(base_cnn(dims=8, width=8), tr, 'lossless', steps=1)
    with pytest.raises(ValueError, match='mode must be'): train_triplets(base_cnn(dims=8, width=8), tr, 'hardest', steps=1)

def test_same_seed_same_batches_for_every_mined_recipe(data):
    y = data['y_train']
    a = [next(metric._mined_batches(data['X_train'], y, m, 5, 3, seed=4))[1][:, 0] for m in ('random', 'semi-hard')]
    np.testing.assert_array_equal(a[0], a[1])

def test_experiment_cache_gives_the_same_results(tmp_path, monkeypatch):
    monkeypatch.setenv('DLWORKBOOK_DATA', str(tmp_path))
    kw = dict(n_classes=30, n_per_class=4, steps=2, recipes=('batch-hard, plain distances',), seeds=(0, 1),
              eval_every=2, cache=True)
    r1, r2 = experiment(**kw), experiment(**kw)
    assert r1['results'] == r2['results'] and len(list((tmp_path/'metric'/'runs').iterdir())) == 2
    t = seed_table(r1['results'])
    assert list(t.columns[:3]) == ['R@1', 'sd', 'SE'] and t.loc['batch-hard, plain distances', 'sd'] >= 0

def test_run_tiny(tmp_path, monkeypatch):
    monkeypatch.setattr(metric, 'QUICK', dict(n_classes=30, n_per_class=4, steps=4, recipes=('batch-all', 'semi-hard'),
                                              seeds=(0, 1), eval_every=2))
    m, table = run(tmp_path, full=False, seed=0)
    for k in ('recall_at_1', 'recall_at_1_std', 'recall_at_1_se', 'recall_at_5', 'map_at_r', 'recall_at_1_pixels',
              'recall_at_1_untrained', 'recall_at_1_batch_all', 'recall_at_1_twin_free_split',
              'n_test_classes_with_train_twin', 'n_test_classes_with_train_twin_random_split', 'verification_accuracy'):
        assert k in m, k
    assert m['n_test_classes_with_train_twin'] == 0 and m['n_seeds'] == 2
    assert {'raw pixels (k-NN)', 'untrained base', 'semi-hard', 'batch-all'} == set(table.index)
    assert {p.name for p in tmp_path.glob('*.png')} == {'gallery.png', 'projection.png', 'training.png'}
    from dlworkbook.core import write_metrics
    json.dumps(write_metrics(tmp_path/'metrics.json', m))


# --- checked against pytorch-metric-learning ----------------------------------------------------------------
def _pml():
    pytest.importorskip('pytorch_metric_learning')
    import torch
    return torch

def test_retrieval_matches_pml_accuracy_calculator():
    torch = _pml()
    from pytorch_metric_learning.utils.accuracy_calculator import AccuracyCalculator
    from pytorch_metric_learning.utils.inference import CustomKNN
    from pytorch_metric_learning.distances import LpDistance

    class Calc(AccuracyCalculator):   # PML's documented way to add a metric: a calculate_* method on the kNN labels
        def calculate_recall_at_5(self, knn_labels, query_labels, **kwargs):
            return (knn_labels[:, :5] == query_labels[:, None]).any(1).double().mean().item()
        def requires_knn(self): return super().requires_knn() + ['recall_at_5']

    calc = Calc(include=('precision_at_1', 'mean_average_precision_at_r', 'recall_at_5'), k='max_bin_count',
                knn_func=CustomKNN(LpDistance(normalize_embeddings=False)), device=torch.device('cpu'))
    for seed in range(3):
        rng = np.random.default_rng(seed)
        y = np.repeat(np.arange(10), rng.integers(2, 9, 10))
        E = rng.normal(size=(len(y), 6)) + 0.8 * rng.normal(size=(10, 6))[y]
        ours = retrieval_metrics(E, y, ks=(1, 5))
        ref = calc.get_accuracy(torch.tensor(E), torch.tensor(y))
        assert ours['recall_at_1'] == pytest.approx(ref['precision_at_1'], abs=1e-9)
        assert ours['map_at_r'] == pytest.approx(ref['mean_average_precision_at_r'], abs=1e-9)
        assert ours['recall_at_5'] == pytest.approx(ref['recall_at_5'], abs=1e-9)

@pytest.mark.parametrize('squared', [True, False])
@pytest.mark.parametrize('seed', range(3))
def test_mined_losses_match_pml(squared, seed):
    torch = _pml()
    from pytorch_metric_learning import losses, miners, reducers, distances
    rng = np.random.default_rng(seed)
    y = np.repeat(rng.permutation(8)[:6], 4)                            # a P×K batch: 6 classes × 4 images
    E = rng.normal(size=(len(y), 8)).astype(np.float32); E /= np.linalg.norm(E, axis=1, keepdims=True)
    Et, yt = torch.tensor(E), torch.tensor(y)
    dist = distances.LpDistance(normalize_embeddings=False, power=2 if squared else 1)
    mean_loss = losses.TripletMarginLoss(margin=0.2, distance=dist, reducer=reducers.MeanReducer())
    # batch-hard: PML's BatchHardMiner, loss averaged over anchors
    ref = mean_loss(Et, yt, miners.BatchHardMiner(distance=dist)(Et, yt)).item()
    assert float(batch_hard_loss(0.2, squared)(y.astype(np.float32), E)) == pytest.approx(ref, abs=1e-5)
    # batch-all: every triplet, averaged over those with a non-zero loss (PML's default reducer)
    all_loss = losses.TripletMarginLoss(margin=0.2, distance=dist, reducer=reducers.AvgNonZeroReducer())
    assert float(batch_all_loss(0.2, squared)(y.astype(np.float32), E)) == pytest.approx(all_loss(Et, yt).item(), abs=1e-5)
    # random: the same triplets handed to PML's loss
    neg = random_negatives(y, seed)
    a, p = np.nonzero((y[:, None] == y[None]) & ~np.eye(len(y), dtype=bool))
    ref = mean_loss(Et, yt, tuple(torch.tensor(v) for v in (a, p, neg[a, p]))).item()
    yr = np.concatenate([y[:, None], neg], 1).astype(np.float32)
    assert float(random_triplet_loss(0.2, squared)(yr, E)) == pytest.approx(ref, abs=1e-5)
