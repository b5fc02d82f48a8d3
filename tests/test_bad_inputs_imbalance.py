"""Bad inputs to `dlworkbook.imbalance`: each is a clear error naming the argument, raised before any training."""
import numpy as np
import pytest

from dlworkbook import imbalance as im


@pytest.fixture(scope='module')
def small():
    "A tiny long-tailed image set: 3 classes of 28×28×1 images."
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(3), [20, 8, 4])
    return rng.random((len(y), 28, 28, 1)).astype(np.float32), y


def probs(n=6, k=3, seed=0):
    z = np.random.default_rng(seed).normal(size=(n, k))
    return np.exp(z) / np.exp(z).sum(1, keepdims=True)


# the cases the chapter's issue lists
def test_labels_out_of_range_for_n_classes(small):
    X, y = small
    with pytest.raises(ValueError, match=r"y holds label 12, out of range for n_classes=3"):
        im.train_cnn(X, y + 10, n_classes=3)

def test_labels_out_of_range_in_fit_remedy(small):
    X, y = small
    with pytest.raises(ValueError, match=r"y_train holds label 11, out of range for n_classes=10"):
        im.fit_remedy('over', X, y + 9)

def test_string_labels_with_smote(small):
    X, y = small
    with pytest.raises(TypeError, match=r"y must hold integer class indices"):
        im.resample(X, np.array(['cat', 'dog', 'eel'])[y], 'smote')

def test_one_hot_y_to_ece():
    with pytest.raises(ValueError, match=r"y must be 1-D class indices.*one-hot"):
        im.expected_calibration_error(probs(), np.eye(3)[[0, 1, 2, 0, 1, 2]])

@pytest.mark.parametrize('empty', [np.empty((0, 3)), []])
def test_empty_probability_arrays(empty):
    with pytest.raises(ValueError, match=r"probs is empty"):
        im.expected_calibration_error(empty, [])

def test_infinite_logits_to_fit_temperature():
    z = np.zeros((4, 3)); z[1, 2] = np.inf
    with pytest.raises(ValueError, match=r"logits holds 1 NaN or infinite"):
        im.fit_temperature(z, [0, 1, 2, 0])

def test_label_at_least_k_to_fit_temperature():
    with pytest.raises(ValueError, match=r"y holds label 3, out of range for n_classes=3"):
        im.fit_temperature(np.zeros((4, 3)), [0, 1, 2, 3])


# more of what a student with their own data would pass
def test_fit_temperature_lengths():
    with pytest.raises(ValueError, match=r"logits has 4.*y has 3"):
        im.fit_temperature(np.zeros((4, 3)), [0, 1, 2])

def test_nll_temperature_zero():
    with pytest.raises(ValueError, match=r"T must be >="):
        im.nll(np.zeros((2, 2)), [0, 1], T=0)

def test_logits_passed_as_probs():
    with pytest.raises(ValueError, match=r"probs must lie in \[0, 1\]"):
        im.reliability_table(np.array([[2.0, -1.0]]), [0])

def test_probs_rows_do_not_sum_to_one():
    with pytest.raises(ValueError, match=r"probs rows must sum to 1"):
        im.check_probs([[0.2, 0.2]])

def test_n_bins_zero():
    with pytest.raises(ValueError, match=r"n_bins must be >= 1"):
        im.expected_calibration_error(probs(), [0, 1, 2, 0, 1, 2], n_bins=0)

def test_ece_interval_level():
    with pytest.raises(ValueError, match=r"level must be <= 1"):
        im.ece_interval(probs(), [0, 1, 2, 0, 1, 2], level=95)

def test_ratio_not_a_number():
    with pytest.raises(TypeError, match=r"ratio must be a number"):
        im.lt_counts(300, 10, 'fifty')

def test_one_class():
    with pytest.raises(ValueError, match=r"n_classes must be >= 2"):
        im.lt_counts(300, 1)

def test_split_leaves_no_training_images():
    X, y = np.zeros((30, 2)), np.repeat(np.arange(3), 10)
    with pytest.raises(ValueError, match=r"n_val=5 and n_test=5 leave no training images"):
        im.long_tailed_split(X, y, n_val=5, n_test=5)

def test_split_labels_not_consecutive():
    X, y = np.zeros((30, 2)), np.repeat([0, 1, 5], 10)
    with pytest.raises(ValueError, match=r"y must hold every label 0 … K-1"):
        im.long_tailed_split(X, y, n_val=1, n_test=1)

def test_negative_seed():
    with pytest.raises(ValueError, match=r"seed must be >= 0"):
        im.load_mnist_lt(seed=-1)

def test_long_tail_view_counts():
    with pytest.raises(ValueError, match=r"counts must be positive"):
        im.long_tail_view(np.repeat(np.arange(3), 5), [5, 0, 1])

def test_unknown_resampler(small):
    with pytest.raises(ValueError, match=r"method must be one of"):
        im.resample(*small, method='mixup')

def test_combined_floor_above_cap(small):
    with pytest.raises(ValueError, match=r"floor=10 must not exceed cap=5"):
        im.resample(*small, method='combined', sampling_strategy=(10, 5))

def test_over_sampling_asks_for_fewer(small):
    with pytest.raises(ValueError, match=r"sampling_strategy asks for 5"):
        im.resample(*small, method='over', sampling_strategy={0: 5})

def test_unknown_remedy_before_training(small):
    X, y = small
    with pytest.raises(ValueError, match=r"remedies must be one of"):
        im.compare_remedies((X, y, X, y, X, y), remedies=('focal',))

def test_absent_class_before_training(small):
    X, y = small
    with pytest.raises(ValueError, match=r"classes \[3, 4, 5, 6, 7, 8, 9\] are absent from y_train"):
        im.fit_remedy('none', X, y)

def test_images_without_channel_axis(small):
    X, y = small
    with pytest.raises(ValueError, match=r"X must have 4 dimension"):
        im.train_cnn(X[..., 0], y, n_classes=3)

def test_images_of_the_wrong_size(small):
    X, y = small
    with pytest.raises(ValueError, match=r"X holds images of shape \(14, 14, 1\)"):
        im.train_cnn(X[:, :14, :14], y, model=im.make_cnn(3))

def test_fractional_epochs(small):
    with pytest.raises(TypeError, match=r"n_epochs must be an integer"):
        im.train_cnn(*small, n_epochs=2.5, n_classes=3)

def test_class_weight_unknown_class(small):
    with pytest.raises(ValueError, match=r"class_weight must be a dict"):
        im.train_cnn(*small, n_classes=3, class_weight={7: 2.0})

def test_prior_correction_absent_class():
    with pytest.raises(ValueError, match=r"classes \[2\] are absent from y_train"):
        im.prior_correction(np.zeros((2, 3)), [0, 1, 1])

def test_metrics_non_integer_labels():
    with pytest.raises(ValueError, match=r"y_true must hold integer class indices"):
        im.imbalance_metrics([0.5, 1.0], [0, 1])

def test_metrics_lengths():
    with pytest.raises(ValueError, match=r"y_true has 3, y_pred has 2"):
        im.imbalance_metrics([0, 1, 1], [0, 1])

def test_taxonomy_not_a_dict():
    with pytest.raises(TypeError, match=r"taxonomy must be a non-empty dict"):
        im.taxonomy_labels(['ABC'])

def test_heads_leaf_out_of_range():
    chars, labels = im.taxonomy_labels()
    with pytest.raises(ValueError, match=r"leaf holds label 40, out of range for n_classes=36"):
        im.compare_heads(np.zeros((2, 28, 28, 1)), [0, 40], labels)

def test_unfreeze_unknown_layer():
    m = im.freeze_backbone(im.make_cnn(5), 3)
    with pytest.raises(ValueError, match=r"layers names 'conv9'"):
        im.unfreeze_top(m, ('conv9',))

def test_imagenet_unknown_name():
    with pytest.raises(ValueError, match=r"name: keras.applications has no model named 'NoSuchNet'"):
        im.imagenet_backbone('NoSuchNet')

def test_run_negative_seed(tmp_path):
    with pytest.raises(ValueError, match=r"seed must be >= 0"):
        im.run(tmp_path, seed=-1)

def test_epoch_indices_empty_set():
    with pytest.raises(ValueError, match=r"n must be >= 1"):
        im.epoch_indices(0, 10, 2)
