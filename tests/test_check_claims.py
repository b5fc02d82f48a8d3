"tools/check_claims.py: numbers in the prose must be printed by a cell, a code literal or a cited source."
import importlib.util, json, subprocess, sys
from decimal import Decimal
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parents[1] / 'tools' / 'check_claims.py'
if not TOOL.exists(): pytest.skip('needs the repository (tools/), not only the package', allow_module_level=True)
_spec = importlib.util.spec_from_file_location('check_claims', TOOL)
cc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cc)


def claims(text):
    "The claims in markdown `text` as written, e.g. ['0.892', '18 %']."
    return [c['text'] for c in cc.prose_numbers(text)]


def values(text): return [c['value'] for c in cc.prose_numbers(text)]


# ---------------------------------------------------------------------------------------------------------------
# Which numbers in prose are claims

def test_decimals_and_percentages_are_claims_whole_numbers_are_not():
    assert claims("Recall@1 0.892 on 87 classes after 1,000 steps with seed 3 in 2017.") == ['0.892']
    assert claims("halving used 18 % of the epochs, 58% of trials, 7\u00a0% of time") == ['18 %', '58%', '7\u00a0%']
    assert claims("1,800 clips, 1,286 epochs, but 1,286.5 seconds") == ['1,286.5']
    assert values("1,286.5 seconds") == [Decimal('1286.5')]
    assert claims("a 3.5x speed-up, 25.8 M parameters, 25.8M, 0.5s") == ['3.5', '25.8', '25.8', '0.5']
    assert claims("scored .5 here") == ['.5']
    assert claims("ahead by 0.05, version-free 0.4") == ["0.05", "0.4"]   # "by" alone is no licence


def test_plus_minus_ranges_and_signs_give_each_number():
    assert claims("UA 0.907 ± 0.008 over folds") == ['0.907', '0.008']
    assert [str(v) for v in values("UA 0.907 ± 0.008 over folds")] == ['0.907', '0.008']
    assert [str(v) for v in values("validation 0.920–0.992 and 0.749-0.860")] == ['0.920', '0.992', '0.749', '0.860']
    assert [str(v) for v in values("a change of −0.019, -0.5 and +0.019 (±0.000)")] == ['0.019', '0.5', '0.019',
                                                                                      '0.000']


def test_numbers_in_tables_bold_code_and_math_are_claims():
    table = "| model | UA |\n|---|---|\n| CNN | **0.907** |\n| logreg | 0.894 |\n"
    assert claims(table) == ['0.907', '0.894']
    assert claims("the threshold `0.5` and $\\ln 2 \\approx 0.693$") == ['0.5', '0.693']
    assert claims("```python\nfit(lr=0.005)\n```\n") == ['0.005']
    assert claims("the [0.9 run](01_tuning.ipynb) is here") == ['0.9']


def test_versions_are_not_claims():
    for text in ["nbdev 2.4.14", "on 01.12.2020", "Python 3.11", "Python 3.10+ and PyPI", "Keras 2.3+ logs",
                 "On joblib < 1.3 use it", "`torch==2.13.0`", "pip install x>=1.5", "MNIST: CC BY-SA 3.0",
                 "Apache-2.0", "version 1.2", "Versions 1.4 and", "numpy 1.26 arrays"]:
        assert claims(text) == [], text


def test_section_numbers_dates_links_and_tags_are_not_claims():
    for text in ["see section 2.1", "as in §3.2", "Figure 1.2 shows", "(fig. 4.1)", "Table 2.3", "exercise 6.2",
                 "## 2.1 The loss", "# 3.1 Data\n", "on 2017-03-01 at 17:35",
                 "[paper](https://arxiv.org/abs/1703.07737)", "arXiv:1703.07737", "https://example.com/v1.5/x",
                 "<img src='a.png' width='0.5'>", "<!-- 0.75 is hidden -->", "[ref]: https://x.org/0.5"]:
        assert claims(text) == [], text
    assert claims("## Results\nUA 0.907 in section 2.1") == ['0.907']


def test_sentences_and_blocks():
    text = "First 0.5 here. Hermans et al. found 0.6 in theirs (2017). Then 0.7!\n\n- item 0.8\n- item 0.9"
    got = {c['text']: ' '.join(text[slice(*c['sentence'])].split()) for c in cc.prose_numbers(text)}
    assert got['0.5'] == 'First 0.5 here.'
    assert got['0.6'] == 'Hermans et al. found 0.6 in theirs (2017).'
    assert got['0.7'] == 'Then 0.7!'
    blocks = {c['text']: text[slice(*c['block'])].strip() for c in cc.prose_numbers(text)}
    assert blocks['0.8'] == '- item 0.8' and blocks['0.9'] == '- item 0.9'
    text = "- item 0.1\n  goes on 0.2\n| a | 0.3 |\n| b | 0.4 |\n## Head 0.5\nbody 0.6\nmore 0.7"
    blocks = {c['text']: text[slice(*c['block'])].strip() for c in cc.prose_numbers(text)}
    assert blocks['0.2'] == '- item 0.1\n  goes on 0.2' and blocks['0.3'] == '| a | 0.3 |'
    assert blocks['0.5'] == '## Head 0.5' and blocks['0.7'] == 'body 0.6\nmore 0.7'


@pytest.mark.parametrize('text,expr', [
    ('micro-F1 ≈ 1/28 = 0.036 on 28 classes', '1/28'), ('$1/28 \\approx 0.036$', '1/28'),
    ('AP = (1/1 + 0)/2 = 0.5.', '(1/1 + 0)/2'), ('so 3 × 0.25 = 0.75', '3 × 0.25'), ('231/1286 ≈ 18 %', '231/1286'),
    ('the loss ends at $\\ln 28 = 3.33$', '\\ln 28'), ('ln(10) = 2.30', 'ln(10)'), ('$e^{-0.1} \\approx 0.905$', 'e^{-0.1}'),
    ('$\\frac{1}{28} \\approx 0.036$', '\\frac{1}{28}'), ('$\\sqrt{2} = 1.41$', '\\sqrt{2}'), ('2^10 = 1024.0', '2^10'),
    ('x = 0.5', None), ('with R = 2, AP = 0.5', None), ('1/0 = 0.5', None), ('$N(1 - e^{-0.1}) \\approx 0.095\\,N$', None),
    ('ln(-1) = 0.5', None), ('10^10^10 = 1.0', '10^10'), ('print(x) = 0.5', None), ('$\\ln x = 0.5$', None),
])
def test_arithmetic_before_a_claim(text, expr):
    got = cc.prose_numbers(text)[-1]['arithmetic']
    assert (got[0] if got else None) == expr


def test_arithmetic_traces_a_claim_only_when_it_rounds_to_it(tmp_path):
    nb = write_nb(tmp_path / 'a.ipynb', [('md', 'Chance is 1/28 ≈ 0.036, or 1/28 = 3.6 %. But 1/28 = 0.04 is fine and '
                                               '1/28 = 0.037 is not.')])
    rc, out, _ = run(nb, '--explain')
    assert rc == 1 and out.count('is printed by no cell') == 1 and ': 0.037 is printed by no cell' in out
    assert '0.036 <- the arithmetic written before it: 1/28' in out


# ---------------------------------------------------------------------------------------------------------------
# Rounding and matching

def test_tolerance_is_half_a_unit_of_the_last_written_decimal():
    assert cc.tolerance('0.892') == Decimal('0.0005')
    assert cc.tolerance('0.90') == Decimal('0.005')
    assert cc.tolerance('18') == Decimal('0.5')
    assert cc.tolerance('1,286.5') == Decimal('0.05')
    assert cc.tolerance('1.5e-3') == Decimal('0.00005')


def pool(printed='', code=''):
    "A Pool from printed text and code, as one notebook cell would give."
    nb = {'cells': [{'cell_type': 'code', 'source': code, 'outputs': [{'output_type': 'stream', 'text': printed}]}]}
    return cc.notebook_pool(nb, 'x.ipynb')


def traced(claim, printed='', code=''):
    c = cc.prose_numbers(claim)
    assert len(c) == 1, c
    c = c[0]
    return pool(printed, code).trace(c['value'], cc.tolerance(c['num']), c['pct'], '.' in c['num']) is not None


@pytest.mark.parametrize('claim,printed,ok', [
    ('0.892', 'recall 0.8917', True), ('0.89', 'recall 0.8917', True), ('0.9', 'recall 0.8917', True),
    ('0.891', 'recall 0.8917', False), ('0.8917', 'recall 0.892', False), ('0.892', 'recall 0.893', False),
    ('0.892', 'recall 0.8925', True), ('0.893', 'recall 0.8925', True),        # a tie rounds either way
    ('0.200', 'loss 0.2', True), ('0.203', 'loss 0.2', False),
    ('18 %', 'used 0.18 of the epochs', True), ('18%', 'used 0.1796', True), ('17 %', 'used 0.18', False),
    ('97.5 %', 'F1 0.9747', True), ('97.4 %', 'F1 0.9747', False),
    ('18 %', 'used 18.0% of it', True), ('0.18', 'used 18.0% of it', True), ('18 %', 'used 18% of it', True),
    ('18 %', 'epochs 18', False),                                # a bare 18 is not a percentage
    ('0.019', 'gap -0.019', True), ('-0.019', 'gap 0.019', True),  # signs are ignored
    ('0.000', 'seed 0', False), ('0.000', 'change 0.0', True), ('1.0', 'fold 1', False),
    ('1,286.5', 'total 1286.5 s', True), ('1,286.5', 'total 1,286.5 s', True), ('12.47', 'rmse 12.47±0.28', True),
    ('0.0015', 'lr 1.5e-03', True), ('48.7', 'RMSE 48.65', True),
])
def test_rounding(claim, printed, ok):
    assert traced(claim, printed) is ok


@pytest.mark.parametrize('claim,code,ok', [
    ('0.005', 'fit(lr=0.005)', True), ('0.005', 'fit(lr=5e-3)', True), ('8 %', 'RandomTranslation(0.08)', True),
    ('0.5', 'x = 0.25 * 2', False), ('0.5', '# threshold 0.5', False), ('0.5', "print('0.5')", False),
    ('0.000', 'set_seed(0)', False), ('3.5', '%time fig(3.5)', True), ('0.3', '!echo 0.3\nx = 1', False),
])
def test_float_literals_in_code(claim, code, ok):
    assert traced(claim, code=code) is ok


def test_output_formats():
    out = lambda data: {'cell_type': 'code', 'source': '', 'outputs': [
        {'output_type': 'execute_result', 'data': data, 'metadata': {}, 'execution_count': 1}]}
    html = ("<style>td {width: 0.75em}</style><table><thead><tr><th>model</th><th>UA</th></tr></thead>"
            "<tbody><tr><td>CNN</td><td>0.907</td></tr></tbody></table>")
    nb = {'cells': [out({'text/html': [html], 'text/plain': ['   model     UA\n0    CNN  0.907']}),
                    out({'text/markdown': '| a | 0.123 |'}), out({'text/latex': '$0.456$'}),
                    {'cell_type': 'code', 'source': '', 'outputs': [
                        {'output_type': 'error', 'ename': 'E', 'evalue': '0.789', 'traceback': []}]}]}
    p = cc.notebook_pool(nb, 'x.ipynb')
    tr = lambda v: p.trace(Decimal(v), cc.tolerance(v), False)
    assert tr('0.907') and tr('0.123') and tr('0.456')
    assert not tr('0.75') and not tr('0.789')   # CSS and error messages are not results


# ---------------------------------------------------------------------------------------------------------------
# Whole notebooks

def write_nb(path, cells):
    "Write a minimal notebook: cells are ('md', text) or ('code', source, printed)."
    out = []
    for i, c in enumerate(cells):
        if c[0] == 'md': out.append({'cell_type': 'markdown', 'id': f'c{i}', 'metadata': {}, 'source': c[1]})
        else: out.append({'cell_type': 'code', 'id': f'c{i}', 'metadata': {}, 'source': c[1], 'execution_count': 1,
                          'outputs': [{'output_type': 'stream', 'name': 'stdout', 'text': c[2]}] if c[2] else []})
    path.write_text(json.dumps({'cells': out, 'metadata': {}, 'nbformat': 4, 'nbformat_minor': 5}, indent=1))
    return path


def run(*args):
    r = subprocess.run([sys.executable, str(TOOL), *map(str, args)], capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout, r.stderr


def test_fails_on_a_number_no_cell_prints(tmp_path):
    nb = write_nb(tmp_path / '01_demo.ipynb', [
        ('code', 'acc = 0.9123\nprint(f"test accuracy {acc:.4f}")', 'test accuracy 0.9123\n'),
        ('md', 'The model scores 0.912 on test.\n\nIt trains in 2 minutes. It beats the baseline by 0.05.'),
    ])
    rc, out, _ = run(nb)
    assert rc == 1
    assert f"{nb} cell 1 (id c1): 0.05 is printed by no cell" in out
    assert "It beats the baseline by 0.05." in out            # the sentence, not the whole cell
    assert "0.912 is printed" not in out and "FAIL: 1 of 2 numbers" in out


def test_passes_when_every_number_is_printed_a_literal_or_cited(tmp_path):
    nb = write_nb(tmp_path / '01_demo.ipynb', [
        ('code', 'lr = 0.005\nprint(f"UA {0.9071:.4f} ± {0.0084:.4f}; used {231/1286:.2f} of the epochs")',
         'UA 0.9071 ± 0.0084; used 0.18 of the epochs\n'),
        ('md', '| run | UA |\n|---|---|\n| ours | **0.907 ± 0.008** |\n\n'
               'With learning rate `0.005` it used 18 % of the epochs (0.18). '
               'Hermans et al. report 94.2 % on their data. Schroff reported 0.99 [online](https://arxiv.org).'),
    ])
    rc, out, _ = run(nb, '--summary')
    assert rc == 0, out
    assert 'ok: all 7 numbers' in out
    row = next(l.split() for l in out.splitlines() if l.startswith(str(nb)))
    assert row[1:] == ['7', '5', '2', '0']      # claims, printed (or literals), cited, failing


def test_a_citation_covers_only_its_own_sentence(tmp_path):
    nb = write_nb(tmp_path / 'a.ipynb', [('code', 'x = 1', ''),
        ('md', 'Schroff et al. report 0.99 (2015). Ours reaches 0.95 on the same data.')])
    rc, out, _ = run(nb)
    assert rc == 1 and ': 0.95 is printed by no cell' in out and '0.99 is printed' not in out


@pytest.mark.parametrize('sentence,cited', [
    ('(Hermans et al., 2017) report 0.9.', True), ('Hermans et al. report 0.9.', True), ('In (2017) 0.9.', True),
    ('Hermans (2017) report 0.9.', True), ('(Smith and Lee 2019) 0.9.', True), ('as arXiv:1703.07737 says 0.9.', True),
    ('the [paper](https://arxiv.org/abs/1703.07737) says 0.9.', True), ('see <https://x.org> 0.9.', True),
    ('the [chapter](01_tuning.ipynb) says 0.9.', False), ('months (96, up to December 1956) 0.9.', False),
    ('it reports 0.9 in 2017.', False), ('the data (December 1956) give 0.9.', False), ('(Dec 1956) 0.9', False),
    ('(Marchetti 2016) 0.9', True),
])
def test_citation_patterns(sentence, cited):
    assert bool(cc.CITATION.search(sentence)) is cited


def test_index_rows_are_traced_by_the_chapter_they_link(tmp_path):
    write_nb(tmp_path / '01_tuning.ipynb', [('code', '', 'test F1 0.9784 ± 0.0032\n')])
    write_nb(tmp_path / '02_metric.ipynb', [('code', '', 'Recall@1 0.892\n')])
    idx = write_nb(tmp_path / 'index.ipynb', [('md',
        '| # | Chapter | Result |\n|---|---|---|\n'
        '| 1 | [Tuning](01_tuning.ipynb) | F1 **0.978 ± 0.003** |\n'
        '| 2 | [Metric](metric.html) | Recall@1 **0.892** |\n'
        '| 3 | [Other](02_metric.ipynb) | F1 0.978 |\n')])
    rc, out, _ = run(idx)
    assert rc == 1
    assert out.count('is printed by no cell') == 1
    assert 'cell 0 (id c0): 0.978 is printed by no cell (nor by 02_metric.ipynb, which the same row or paragraph links)' in out
    assert '\n    F1 0.978\n' in out       # the row's third chapter (linked to 02_metric) prints no 0.978


def test_linked_notebooks(tmp_path):
    for n in ('01_tuning', '02_metric', 'index'): write_nb(tmp_path / f'{n}.ipynb', [])
    got = cc.linked_notebooks('[a](01_tuning.ipynb#grid) [b](metric.html) [c](https://x.org/tuning.html) '
                              '[d](index.ipynb) [e](missing.ipynb) [f](pic.png)', tmp_path)
    assert [p.name for p in got] == ['01_tuning.ipynb', '02_metric.ipynb', 'index.ipynb']


def test_folders_and_summary(tmp_path):
    write_nb(tmp_path / '01_a.ipynb', [('code', '', 'acc 0.5\n'), ('md', 'acc 0.5')])
    write_nb(tmp_path / '02_b.ipynb', [('md', 'no numbers here')])
    rc, out, _ = run(tmp_path, '--summary')
    assert rc == 0 and '01_a.ipynb' in out and '02_b.ipynb' in out and 'ok: all 1 numbers' in out


def test_explain_names_the_source(tmp_path):
    nb = write_nb(tmp_path / 'a.ipynb', [('code', 'lr = 0.005', 'acc 0.8917\n'), ('md', 'acc 0.892 at lr 0.005')])
    rc, out, _ = run(nb, '--explain')
    assert rc == 0
    assert '0.892 <- a.ipynb cell 0 output: acc 0.8917' in out and '0.005 <- a.ipynb cell 0 code literal' in out


@pytest.mark.parametrize('make,msg', [
    (lambda d: d / 'missing.ipynb', 'does not exist'),
    (lambda d: (d / 'notes.txt').write_text('x') and d / 'notes.txt', 'not a notebook'),
    (lambda d: (d / 'bad.ipynb').write_text('{not json') and d / 'bad.ipynb', 'not a readable notebook'),
    (lambda d: (d / 'list.ipynb').write_text('[1, 2]') and d / 'list.ipynb', "'cells' list"),
    (lambda d: (d / 'empty').mkdir() or d / 'empty', 'has no .ipynb notebooks'),
])
def test_bad_input_is_a_clear_error(tmp_path, make, msg):
    path = make(tmp_path)
    rc, out, err = run(path)
    assert rc == 2 and msg in err and str(path.name) in err and out == ''
