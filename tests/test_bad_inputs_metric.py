"Bad inputs to dlworkbook.metric (chapter 02): each is a clear error of the right type that names the argument."
import numpy as np
import pytest
from PIL import Image

pytest.importorskip('keras')
from dlworkbook.metric import *

E4 = np.array([[0.], [1.], [5.], [6.]])
Y4 = np.array([0, 0, 1, 1])


def raises(exc, *words):
    "pytest.raises that also checks every word appears in the message."
    class _Check:
        def __enter__(self):
            self.cm = pytest.raises(exc); self.info = self.cm.__enter__(); return self.info
        def __exit__(self, *a):
            out = self.cm.__exit__(*a)
            for w in words: assert w in str(self.info.value), f"{w!r} not in {self.info.value!r}"
            return out
    return _Check()


# --- verification --------------------------------------------------------------------------------------------
def test_verification_lengths_differ():
    with raises(ValueError, 'd has 3', 'same has 2'): verification_accuracy([0.1, 0.2, 0.3], [True, False], 0.5)

def test_verification_empty():
    with raises(ValueError, 'd must have at least 1'): verification_accuracy([], [], 0.5)

def test_verification_threshold_nan():
    with raises(ValueError, 'threshold'): verification_accuracy([0.1], [True], float('nan'))

def test_verification_threshold_text():
    with raises(TypeError, 'threshold'): verification_accuracy([0.1], [True], 'high')

def test_choose_threshold_flags_not_boolean():
    with raises(ValueError, 'same'): choose_threshold([0.1, 0.2], [2, 3])

def test_choose_threshold_nan_distance():
    with raises(ValueError, 'd holds'): choose_threshold([0.1, np.nan], [True, False])

def test_pair_distances_index_out_of_range():
    with raises(ValueError, 'j holds index 9', '4 embeddings'): pair_distances(E4, [0, 1], [2, 9])

def test_tutorial_distance_outside_cube():
    with raises(ValueError, 'd must lie in [0, N=4]'): tutorial_distance([5.], 4)


# --- triplets and retrieval ----------------------------------------------------------------------------------
def test_triplet_accuracy_index_beyond_embeddings():
    with raises(ValueError, 'negatives', 'outside the 4 embeddings'): triplet_accuracy(E4, ([0], [1], [4]))

def test_triplet_accuracy_negative_index():
    with raises(ValueError, 'anchors', 'index -1'): triplet_accuracy(E4, ([-1], [1], [2]))

def test_triplet_accuracy_float_indices():
    with raises(ValueError, 'positives', 'integer indices'): triplet_accuracy(E4, ([0], [1.5], [2]))

def test_triplet_accuracy_lengths_differ():
    with raises(ValueError, 'anchors has 2', 'negatives has 1'): triplet_accuracy(E4, ([0, 1], [1, 0], [2]))

@pytest.mark.parametrize('ks', [(0,), (-1,), (1, 0)])
def test_retrieval_k_below_one(ks):
    with raises(ValueError, 'ks must be >= 1'): retrieval_metrics(E4, Y4, ks=ks)

def test_retrieval_k_not_integer():
    with raises(TypeError, 'ks must be an integer'): retrieval_metrics(E4, Y4, ks=(2.5,))

def test_retrieval_ks_empty():
    with raises(ValueError, 'ks must name at least one k'): retrieval_metrics(E4, Y4, ks=())

def test_retrieval_labels_length():
    with raises(ValueError, 'one label per embedding'): retrieval_metrics(E4, [0, 0, 1])

def test_retrieval_nan_embeddings():
    with raises(ValueError, 'E holds 1 NaN'): retrieval_metrics(np.array([[0.], [np.nan], [1.], [2.]]), Y4)

def test_evaluate_dimensions_differ():
    with raises(ValueError, 'E_val has 2 dimensions'): evaluate(np.c_[E4, E4], Y4, E4, Y4)

def test_recall_se_no_queries():
    with raises(ValueError, 'n_queries must be >= 1'): recall_se(0.5, 0)


# --- images and folders --------------------------------------------------------------------------------------
def test_float_images_in_0_255_are_refused():
    with raises(ValueError, 'X holds float pixels', '[0, 1]'): as_images(np.full((2, 4, 4), 200.))

def test_text_images_are_refused():
    with raises(TypeError, 'X must hold pixel numbers'): as_images(np.array([[['a']]]))

def test_folder_missing(tmp_path):
    with raises(FileNotFoundError, str(tmp_path/'nowhere')): load_class_folders(tmp_path/'nowhere')

def _folder(tmp_path):
    for c in ('a', 'b'):
        (tmp_path/c).mkdir()
        Image.fromarray(np.zeros((6, 6), np.uint8)).save(tmp_path/c/'0.png')
    return tmp_path

def test_folder_with_a_non_image_file(tmp_path):
    (_folder(tmp_path)/'b'/'notes.txt').write_text('hello')
    with raises(ValueError, 'notes.txt', 'not an image'): load_class_folders(tmp_path)

def test_folder_with_a_truncated_png(tmp_path):
    (_folder(tmp_path)/'a'/'1.png').write_bytes(b'\x89PNG\r\n\x1a\n' + b'\0' * 10)
    with raises(ValueError, '1.png'): load_class_folders(tmp_path)

def test_folder_16_bit_and_alpha_only_images_are_read(tmp_path):
    _folder(tmp_path)
    Image.fromarray(np.full((6, 6), 32768, np.uint16)).save(tmp_path/'a'/'16bit.png')      # mid-grey, 16 bits
    rgba = np.zeros((6, 6, 4), np.uint8); rgba[2:4, 2:4, 3] = 255                           # black glyph in alpha only
    Image.fromarray(rgba, 'RGBA').save(tmp_path/'b'/'alpha.png')
    X, y, names = load_class_folders(tmp_path)
    assert names == ['a', 'b'] and X.shape == (4, 6, 6, 1)
    assert abs(X[1].mean() - 0.5) < 0.01                                   # not all ones
    assert X[3, 2, 2, 0] == 0 and X[3, 0, 0, 0] == 1                       # glyph dark on white, not blank


# --- training and the experiment -----------------------------------------------------------------------------
@pytest.fixture(scope='module')
def tiny():
    d = glyph_data(n_classes=12, n_per_class=3, size=16, seed=0)
    return d['X_train'], d['y_train']

@pytest.mark.parametrize('kw, exc, words', [
    (dict(steps=0), ValueError, ('steps must be >= 1',)),
    (dict(lr=-1.), ValueError, ('lr must be >=',)),
    (dict(mode='hardest'), ValueError, ('mode must be one of',)),
    (dict(squared='no'), TypeError, ('squared must be True or False',)),
    (dict(margin=-0.1), ValueError, ('margin must be >= 0',)),
    (dict(K=1), ValueError, ('K must be >= 2',)),
])
def test_train_triplets_bad_settings(tiny, kw, exc, words):
    with raises(exc, *words): train_triplets(base_cnn((16, 16, 1), dims=4, width=4), tiny, **kw)

def test_embed_wrong_image_size(tiny):
    with raises(ValueError, 'base expects'): embed(base_cnn((20, 20, 1), dims=4, width=4), tiny[0])

def test_experiment_unknown_recipe():
    with raises(ValueError, 'recipes must be one of'): experiment(recipes=('hardest',))

def test_experiment_no_seeds():
    with raises(ValueError, 'seeds must be a non-empty'): experiment(seeds=())

def test_glyph_data_bad_split_and_count():
    with raises(ValueError, 'split must be one of'): glyph_data(split='by font')
    with raises(TypeError, 'n_classes must be an integer'): glyph_data(n_classes=20.5)

def test_split_groups_wrong_length():
    with raises(ValueError, 'groups must hold one group per class'): split_classes(range(10), groups=[0, 1, 2])

def test_pk_batches_P_too_large():
    with raises(ValueError, 'P must be <= 2'): next(pk_batches([0, 0, 1, 1], P=5))
