"""Tests of the installed `dlworkbook.imbalance` module: data split, metrics, resampling, calibration, bad inputs."""
import math
import numpy as np
import pytest
from scipy.special import softmax
from sklearn.calibration import calibration_curve
from sklearn.metrics import balanced_accuracy_score, matthews_corrcoef, cohen_kappa_score, f1_score

from dlworkbook import imbalance as im


def test_lt_counts_ratio():
    c = im.lt_counts(300, 10, 50)
    assert c[0] == 300 and c[-1] == 6 and c[0] / c[-1] == 50
    assert np.all(np.diff(c) < 0)
    assert im.lt_counts(100, 4, 1).tolist() == [100] * 4


@pytest.mark.parametrize('ratio', [10, 50])
def test_load_mnist_lt_counts(ratio):
    X_train, y_train, X_val, y_val, X_test, y_test = im.load_mnist_lt(ratio=ratio, seed=0)
    counts = np.bincount(y_train, minlength=10)
    assert counts.tolist() == im.lt_counts(300, 10, ratio).tolist()
    assert counts.max() / counts.min() == pytest.approx(ratio, rel=0.1)
    assert np.bincount(y_val).tolist() == [50] * 10 and np.bincount(y_test).tolist() == [150] * 10
    assert X_train.shape[1:] == (28, 28, 1) and X_train.dtype == np.float32 and X_train.max() <= 1


def test_split_disjoint_and_configurable():
    X, y = np.arange(90)[:, None], np.repeat(np.arange(3), 30)
    X_train, y_train, X_val, y_val, X_test, y_test = im.long_tailed_split(X, y, ratio=5, n_val=5, n_test=5, n_max=20, seed=3)
    assert np.bincount(y_train).tolist() == [20, 9, 4]
    tr, va, te = set(X_train.ravel()), set(X_val.ravel()), set(X_test.ravel())
    assert not (tr & va) and not (tr & te) and not (va & te)


def test_split_bad_inputs():
    X, y = np.zeros((30, 2)), np.repeat(np.arange(3), 10)
    with pytest.raises(ValueError, match='X has 5, y has 30'): im.long_tailed_split(X[:5], y)
    with pytest.raises(ValueError, match='n_max=9 is more than'): im.long_tailed_split(X, y, n_val=2, n_test=2, n_max=9)
    with pytest.raises(ValueError, match='ratio must be >= 1'): im.lt_counts(10, 3, 0.5)


def test_metrics_equal_sklearn():
    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 4, 200), rng.integers(0, 4, 200)
    m = im.imbalance_metrics(y, p)
    assert m['balanced_accuracy'] == balanced_accuracy_score(y, p)
    assert m['mcc'] == matthews_corrcoef(y, p) and m['kappa'] == cohen_kappa_score(y, p)
    assert m['macro_f1'] == f1_score(y, p, average='macro')
    with pytest.raises(ValueError, match='y_true has 200, y_pred has 10'): im.imbalance_metrics(y, p[:10])


def test_resample_counts_and_errors():
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(3), [40, 12, 4]); X = rng.random((len(y), 4, 4, 1)).astype(np.float32)
    assert np.bincount(im.resample(X, y, 'over')[1]).tolist() == [40] * 3
    assert np.bincount(im.resample(X, y, 'under')[1]).tolist() == [4] * 3
    assert np.bincount(im.resample(X, y, 'nearmiss')[1]).tolist() == [4] * 3
    Xs, ys = im.resample(X, y, 'smote')
    assert np.bincount(ys).tolist() == [40] * 3 and Xs.shape[1:] == (4, 4, 1)
    assert np.bincount(im.resample(X, y, 'combined', sampling_strategy=(10, 20))[1]).tolist() == [20, 12, 10]
    with pytest.raises(ValueError, match='cannot ask for more samples'): im.resample(X, y, 'under', sampling_strategy={2: 10})
    with pytest.raises(ValueError, match='cannot ask for fewer'): im.resample(X, y, 'over', sampling_strategy={0: 5})
    with pytest.raises(ValueError, match='absent from the training labels'): im.resample(X, y, 'over', sampling_strategy={7: 50})
    with pytest.raises(ValueError, match='method must be one of'): im.resample(X, y, 'mixup')
    with pytest.raises(ValueError, match='must not exceed'): im.combined_sampler(y, 30, 10)
    with pytest.raises(ValueError, match=r'pair \(floor, cap\)'): im.resample(X, y, 'combined', sampling_strategy={0: 5})


def test_absent_class():
    y = np.array([0, 0, 1, 1, 3])
    with pytest.raises(ValueError, match=r'classes \[2\] are absent'): im.check_classes(y, 4)
    with pytest.raises(ValueError, match='absent from y_train'):
        im.fit_remedy('class_weight', np.zeros((5, 28, 28, 1), np.float32), y, n_classes=4)


def test_ece_matches_calibration_curve():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(500, 5)) * 3; y = rng.integers(0, 5, 500)
    probs = softmax(logits, axis=1)
    t = im.reliability_table(probs, y, n_bins=15)
    correct = (probs.argmax(1) == y).astype(int)
    pt, pp = calibration_curve(correct, probs.max(1), n_bins=15)
    nz = t[t['count'] > 0]
    np.testing.assert_allclose(nz.accuracy, pt); np.testing.assert_allclose(nz.confidence, pp)
    ece = im.expected_calibration_error(probs, y)
    assert ece == pytest.approx(np.sum(nz['count'] / 500 * np.abs(pt - pp)))
    assert im.expected_calibration_error(np.eye(3), [0, 1, 2]) == 0


def test_bad_probabilities():
    with pytest.raises(ValueError, match='sum to 1'): im.check_probs([[0.2, 0.2]])
    with pytest.raises(ValueError, match=r'lie in \[0, 1\]'): im.check_probs([[1.2, -0.2]])
    with pytest.raises(ValueError, match='probs has 1, y has 2'): im.expected_calibration_error([[0.5, 0.5]], [0, 1])
    with pytest.raises(ValueError, match='probs must have 2 dimension'): im.check_probs([0.5, 0.5])


def test_temperature_recovers_scale():
    rng = np.random.default_rng(2)
    z = rng.normal(size=(3000, 4)) * 2
    y = np.array([rng.choice(4, p=p) for p in softmax(z, axis=1)])
    # logits three times too large: the fitted temperature undoes it
    assert im.fit_temperature(3 * z, y) == pytest.approx(3, rel=0.1)
    assert im.nll(np.zeros((2, 2)), [0, 1]) == pytest.approx(math.log(2))
    with pytest.raises(ValueError, match='logits has 3000, y has 10'): im.fit_temperature(z, y[:10])


def test_imagenet_offline_error():
    try: im.imagenet_backbone('MobileNetV2', (96, 96, 3))
    except RuntimeError as e: assert 'ImageNet weights' in str(e) and 'source task' in str(e)
    with pytest.raises(ValueError, match='no model named'): im.imagenet_backbone('NoSuchNet')


def test_taxonomy_levels():
    chars, labels = im.taxonomy_labels()
    assert len(chars) == 36 and len(set(chars)) == 36 and all(len(l) == 3 for l in labels)
    classes = np.array(sorted({x for l in labels for x in l}))
    onehot = np.array([[c in l for c in classes] for l in labels], float)
    assert (im.level_predictions(onehot, classes, 'script') == [l[0] for l in labels]).all()
    with pytest.raises(ValueError, match='no labels of level'): im.level_predictions(onehot, classes, 'family')


def test_freeze_and_unfreeze():
    src = im.make_cnn(5)
    m = im.freeze_backbone(src, 3)
    assert sum(int(np.prod(w.shape)) for w in m.trainable_weights) == 800 * 3 + 3
    im.unfreeze_top(m, ('conv2',))
    assert m.get_layer('conv2').trainable and not m.get_layer('conv1').trainable
    with pytest.raises(ValueError, match="layers names 'conv9'"): im.unfreeze_top(m, ('conv9',))


def test_run_end_to_end(tmp_path, monkeypatch):
    # three remedies for one epoch keep the test short; run() itself is unchanged
    full = im.compare_remedies
    monkeypatch.setattr(im, 'compare_remedies', lambda data, seeds, n_epochs: full(
        data, remedies=('none', 'prior_correction', 'over'), seeds=seeds, n_epochs=1))
    metrics, table = im.run(tmp_path)
    for k in ['balanced_accuracy_plain', 'balanced_accuracy_best', 'best_remedy', 'mcc_plain', 'mcc_best',
              'ece_before', 'ece_after', 'imbalance_ratio', 'remedy_chosen', 'balanced_accuracy_chosen_test',
              'ece_temperature_only', 'ece_prior_only', 'ece_both', 'nll_temperature_only', 'nll_prior_only',
              'nll_both', 'brier_temperature_only', 'brier_prior_only', 'brier_both', 'ece_of_calibrated']:
        assert k in metrics, k
    assert metrics['remedy_chosen'] in ('none', 'prior_correction', 'over')
    assert 0 <= metrics['ece_both'] <= 1 and metrics['temperature'] > 0
    assert (tmp_path / 'reliability_plain.png').exists() and (tmp_path / 'confusion_plain.png').exists()
    assert set(table.index) == {'none', 'prior_correction', 'over'}
    # the test split scores only the plain model and the chosen remedy
    assert set(table['test_balanced_accuracy'].dropna().index) == {'none', metrics['remedy_chosen']}


def test_every_resampled_row_is_used():
    idx = im.epoch_indices(3000, 839, 5, seed=0)
    assert idx.shape == (5, 839) and len(np.unique(idx)) == 3000
    assert len(np.unique(idx.ravel()[:3000])) == 3000  # none repeats before all were drawn
    # and train_cnn trains on exactly those rows, epoch by epoch
    seen = []
    class Spy:
        input_shape, output_shape = (None, 2, 2, 1), (None, 3)
        def fit(self, X, y, **kw): seen.append(X[:, 0, 0, 0].copy())
    X = np.arange(30, dtype=np.float32).reshape(30, 1, 1, 1) * np.ones((1, 2, 2, 1), np.float32) / 30
    im.train_cnn(X, np.arange(30) % 3, n_epochs=4, n_seen=10, model=Spy(), seed=1)
    used = np.round(np.concatenate(seen) * 30).astype(int)
    assert len(seen) == 4 and sorted(used[:30]) == list(range(30))
    assert (used == im.epoch_indices(30, 10, 4, seed=1).ravel()).all()


def test_choose_remedy_ties_go_to_the_simplest():
    val = {'none': {'balanced_accuracy': [0.70, 0.71, 0.72]}, 'over': {'balanced_accuracy': [0.80, 0.84, 0.82]},
           'smote': {'balanced_accuracy': [0.83, 0.82, 0.84]}}
    chosen, tab = im.choose_remedy(val)
    assert chosen == 'over' and tab['tie'].to_dict() == {'smote': True, 'over': True, 'none': False}


def test_calibration_steps_one_effect_at_a_time():
    rng = np.random.default_rng(0)
    y_train = np.repeat(np.arange(3), [60, 20, 5])
    z = rng.normal(size=(600, 3)) * 2; y = np.array([rng.choice(3, p=p) for p in softmax(z, axis=1)])
    skew = np.log(np.bincount(y_train) / len(y_train))
    tab, probs = im.calibration_steps(3 * (z[:300] + skew), y[:300], 3 * (z[300:] + skew), y[300:], y_train)
    assert list(tab.index) == ['raw', 'temperature only', 'prior only', 'prior + temperature']
    assert tab.loc['raw', 'T'] == 1 and tab.loc['temperature only', 'T'] > 1
    assert (probs['temperature only'].argmax(1) == probs['raw'].argmax(1)).all()
    assert tab.loc['prior + temperature', 'nll'] < tab.loc['raw', 'nll']
    assert (tab['ece_low'] <= tab['ece']).all() and (tab['ece'] <= tab['ece_high']).all()
    assert tab.loc['raw', 'brier'] == pytest.approx(np.mean(np.sum((probs['raw'] - np.eye(3)[y[300:]]) ** 2, 1)))


def test_prior_correction():
    from scipy.special import softmax
    logits = np.random.default_rng(0).normal(size=(5, 3))
    # a balanced prior changes nothing after the softmax; a skewed one moves probability to the rare class
    assert np.allclose(softmax(im.prior_correction(logits, [0, 1, 2]), axis=1), softmax(logits, axis=1))
    adj = softmax(im.prior_correction(np.zeros((1, 2)), [0, 0, 0, 1]), axis=1)
    assert np.allclose(adj, [[0.25, 0.75]])
    with pytest.raises(ValueError, match='absent from y_train'): im.prior_correction(np.zeros((2, 3)), [0, 1, 1])
    with pytest.raises(ValueError, match='out of range for n_classes=2'): im.prior_correction(np.zeros((2, 2)), [0, 1, 2])


def test_augmented_cnn_is_deterministic_at_inference():
    m = im.make_cnn(10, augment=True)
    assert [l.name for l in m.layers[:3]] == ['rotate', 'shift', 'zoom']
    x = np.random.default_rng(0).random((4, 28, 28, 1)).astype('float32')
    assert np.allclose(im.predict_logits(m, x), im.predict_logits(m, x))  # augmentation is off outside training
