#!/usr/bin/env python
"""Check that every number in a notebook's prose is printed by one of its cells.

    python tools/check_claims.py nbs                      # every notebook in nbs/ (the CI step)
    python tools/check_claims.py nbs/01_tuning.ipynb      # one notebook
    python tools/check_claims.py nbs --summary            # plus a count per notebook
    python tools/check_claims.py nbs/01_tuning.ipynb --explain   # how each number was traced

A *claim* is a number with a decimal point or a percent sign in a markdown cell (0.892, 18 %, 1,286.5, -0.019).
Whole numbers without a percent sign (seeds, epochs, 1,800 clips, years, dates such as 2017-03-01) are not checked.

A claim is *traced* when one of these holds:

1. A number printed in the outputs of the notebook's code cells (stream text, text/plain, text/html tables,
   text/markdown, text/latex) equals it after the prose's rounding: the claim is written with d decimals and
   the printed value lies within half a unit of the d-th decimal (0.8917 traces 0.892 and 0.89, not 0.891).
   Percentages convert both ways: a printed 0.18 traces "18 %", a printed 0.9747 traces "97.5 %", a printed
   "18.0%" traces "18 %" and "0.18". A printed number counts as a percentage when its output line has a `%`.
   A claim with a decimal point needs a printed number with a decimal point: a printed 0 or 1 (a seed, a
   count) does not trace "0.000" or "1.0". Error messages and images are not outputs.
2. A float literal in the notebook's code (parsed with `tokenize`; numbers inside strings and comments and
   integer literals do not count) equals it after rounding, e.g. a learning rate 0.005 (or 5e-3); a literal
   0.08 traces "8 %".
3. Linked notebooks: a block of markdown (a paragraph, a list item, a table row) that links to another notebook
   (`01_tuning.ipynb`, or its page `tuning.html`) may also be traced by that notebook's outputs and literals.
   This is how nbs/index.ipynb (and so README.md, generated from it) is checked: each row of its chapter table
   is traced by the chapter it links to.
4. Arithmetic in the prose: the claim follows "=", "≈" or "\\approx" after an expression that rounds to it,
   made of numbers, + - * / ^, brackets, \\frac, \\sqrt, ln/log/exp and e^{x} only: "1/28 = 0.036",
   "$1/28 \\approx 0.036$", "AP = (1/1 + 0)/2 = 0.5", "$\\ln 28 = 3.33$". The reader can check it; the numbers
   inside the expression are claims of their own.
5. Literature: the claim's sentence cites its source: it contains "et al.", a year in parentheses ("(2017)",
   "(Hermans et al., 2017)", "(Smith and Lee 2019)"; "(December 1956)" is a date), an arXiv id or DOI, or a
   link to an external page (http/https). Links to the project's own notebooks are not citations. A citation
   covers the numbers of its own sentence only.

Signs are ignored (a printed -0.019 traces "behind by 0.019" and "+0.019"): prose often puts the sign in words.
Each side of "0.907 ± 0.008" and of a range "0.920–0.992" is a claim of its own.

Not claims (left out before matching):
- link targets, bare URLs, HTML tags and comments (the text of a link is checked);
- versions: a number with two or more dots (2.4.14, 1.12.2020), a number followed by "+" (Python 3.10+),
  and a number after "version", "Python", a package or licence name from VERSION_WORDS, or a pin operator
  (==, >=, <=, ~=, !=), e.g. "joblib < 1.3", "torch==2.13.0", "CC BY-SA 3.0", "Apache-2.0";
- section numbers: after "section", "§", "chapter", "figure"/"fig.", "table", "equation"/"eq.", "exercise",
  "step", "part", or at the start of a heading ("## 2.1 Loss").
Numbers in `inline code`, in fenced code blocks and in LaTeX math ($...$) ARE claims, so that backticks cannot
hide a result: a number there is either a result (and must be printed) or a value the notebook's code also uses
(and is traced as a literal); versions in them (`torch==2.13.0`) are left out as anywhere else.

On failure it prints the notebook, the cell index and id, the number and its sentence, and exits with 1.
Bad arguments (a missing path, a file that is not a notebook) exit with 2 and say which argument.
Standard library only.
"""
import argparse, ast, bisect, html, io, json, operator, re, sys, tokenize
from decimal import Decimal, InvalidOperation
from pathlib import Path

# ---------------------------------------------------------------------------------------------------------------
# Numbers in prose

_NUM_BODY = r'\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\.\d+|\d+'
# not preceded by a word character, a dot or a comma (so "F1", "2.4.14" and "a,5" give nothing), not followed by
# a digit, "_" or ".digit"; units may follow (25.8M, 3.5x). `sign` and `pct` are kept for the report.
PROSE_NUM = re.compile(
    r'(?<![\w.,])(?P<sign>[-+−±]?)(?P<num>' + _NUM_BODY + r')(?P<exp>[eE][-+−]?\d+)?'
    r'(?![\d_]|\.\d)(?P<pct>[ \u00a0\u202f]?%)?')

# Words after which a number is a version: "Python 3.11", "Keras 2.3", "joblib < 1.3", "CC BY-SA 3.0", "Apache-2.0"
VERSION_WORDS = ('python', 'version', 'versions', 'release', 'keras', 'joblib', 'torch', 'pytorch', 'tensorflow',
                 'numpy', 'scipy', 'pandas', 'sklearn', 'scikit-learn', 'matplotlib', 'nbdev', 'quarto', 'cuda',
                 'jupyter', 'jupyterlab', 'torchaudio', 'statsmodels', 'imbalanced-learn', 'espeak', 'espeak ng',
                 'execnb', 'fastcore', 'optuna', 'keras-tuner', 'mlxtend', 'soundfile', 'pip', 'node', 'katex',
                 'ubuntu', 'debian', 'apache', 'gpl', 'lgpl', 'agpl', 'mit', 'bsd', 'cc by', 'cc by-sa',
                 'cc by-nc', 'cc by-nc-sa', 'cc by-nd', 'cc0')
_VERSION_BEFORE = re.compile(
    r'(?:(?<![\w-])(?:' + '|'.join(re.escape(w) for w in VERSION_WORDS) + r')[\s-]*(?:==|>=|<=|~=|!=|<|>)?\s*v?'
    r'|(?:==|>=|<=|~=|!=)\s*v?)$', re.I)
_SECTION_BEFORE = re.compile(
    r'(?:(?<!\w)(?:sections?|sec\.|chapters?|figures?|fig\.|figs\.|tables?|equations?|eqs?\.|exercises?|steps?'
    r'|parts?)\s*|§\s*)$', re.I)
_HEADING_START = re.compile(r'[ \t]*#{1,6}[ \t]+')

# Sentence ends: ".", "!" or "?" (optionally closing brackets/emphasis) then whitespace, not after an abbreviation
_ABBREV = re.compile(r'(?:\bet al|\be\.g|\bi\.e|\bcf|\bvs|\bapprox|\bfig|\bfigs|\beq|\beqs|\betc|\bno|\bca|\bresp'
                     r'|\bSec|\bsec|\bch|\bp|\bpp)$', re.I)
_SENT_END = re.compile(r'[.!?][)\]*_"\'’”]*(?=\s)')

# Citations: in the sentence's ORIGINAL text (links and ids included)
_YEAR = r'(?:1[89]|20)\d\d[a-z]?'
_MONTHS = (r'(?:January|February|March|April|May|June|July|August|September|October|November|December'
           r'|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s')      # "(December 1956)" is a date
CITATION = re.compile(
    r'\bet\s+al\.?'                                                   # Hermans et al.
    r'|\((?:(?!' + _MONTHS + r')[A-Z][\w\'’-]+(?:\s+(?:et\s+al\.?|and|&)(?:\s+[A-Z][\w\'’-]+)?)?,?\s+)?' + _YEAR +
    r'(?:[,;][^()]*)?\)'                                              # (2017), (Hermans et al., 2017)
    r'|\barxiv:\s*\d{4}\.\d{4,5}|\bdoi:\s*10\.\d+/|\bdoi\.org/'       # arXiv:1703.07737, doi:10.1109/...
    r'|\]\(\s*<?https?://|<https?://|(?<![(<\w])https?://', re.I)      # an external link or URL


def _blank(text, spans):
    "Replace every (start, end) span of `text` with spaces, newlines kept, so offsets stay the same."
    chars = list(text)
    for s, e in spans:
        for i in range(s, e):
            if chars[i] != '\n': chars[i] = ' '
    return ''.join(chars)


_MASKS = [
    re.compile(r'(?m)^[ \t]*(?:```|~~~)[^\n]*$'),                     # the fence lines of code blocks
    re.compile(r'(?s)<!--.*?-->'),                                    # HTML comments
    re.compile(r'(?<=\])\((?:[^()\s]|\([^()\s]*\))*(?:\s+"[^"]*")?\)'),  # link and image targets: [text](url)
    re.compile(r'(?m)^[ \t]*\[[^\]]+\]:\s*\S+.*$'),                   # reference link definitions
    re.compile(r'<https?://[^>]*>|https?://[^\s)>\]]+'),              # bare URLs
    re.compile(r'\barxiv:\s*\d{4}\.\d{4,5}(?:v\d+)?|\bdoi:\s*10\.\d+/\S+', re.I),  # arXiv ids, DOIs
    re.compile(r'</?[A-Za-z][^<>]*>'),                                # HTML tags (their text is kept)
]


def mask_markdown(text):
    "`text` with fence lines, link targets, URLs, ids and HTML tags blanked out (same length)."
    for rx in _MASKS:
        text = _blank(text, [m.span() for m in rx.finditer(text)])
    return text


_BLOCK_START = re.compile(r'[ \t]*(?:[|#>]|[-*+][ \t]|\d+[.)][ \t])')


def blocks(masked):
    "(start, end) of each block: a paragraph, a list item (with its indented lines), a table row or a heading."
    starts, pos, prev = [0], 0, None
    for line in masked.split('\n'):
        if prev is not None and (not line.strip() or not prev.strip() or _BLOCK_START.match(line)
                                 or prev.lstrip().startswith(('|', '#'))):
            starts.append(pos)
        prev, pos = line, pos + len(line) + 1
    return [(s, e) for s, e in zip(starts, starts[1:] + [len(masked)]) if masked[s:e].strip()]


def sentences(masked, start, end):
    "(start, end) of each sentence in masked[start:end]; the cells of a table row are separate sentences."
    cuts = [start]
    for m in _SENT_END.finditer(masked, start, end):
        if m.group()[0] == '.' and _ABBREV.search(masked[max(start, m.start() - 8):m.start()]): continue
        cuts.append(m.end())
    for m in re.finditer(r'\s\|\s', masked[start:end]): cuts.append(start + m.start() + 1)
    cuts = sorted(set(cuts)) + [end]
    return [(s, e) for s, e in zip(cuts, cuts[1:]) if masked[s:e].strip()]


def _decimal(num, exp=''):
    try: return Decimal(num.replace(',', '') + (exp or '').replace('−', '-'))
    except InvalidOperation: return None


# "1/28 = 0.036", "$1/28 \\approx 0.036$", "AP = (1/1 + 0)/2 = 0.5", "$\\ln 28 = 3.33$": arithmetic written out
# just before the claim. Numbers, + - * / ^ and brackets, \\frac, \\sqrt, ln/log/exp and e^{x}; nothing else.
_EQUALS_BEFORE = re.compile(r'(?:=|≈|\\approx|\\simeq)\s*$')
_ARITH_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_ARITH_FUNCS = {'ln': Decimal.ln, 'log': Decimal.ln, 'log10': Decimal.log10, 'exp': Decimal.exp,
                'sqrt': Decimal.sqrt}
_MATH_SUBS = [(r'\\left|\\right|\\[,;!]|\$', ' '), (r'−', '-'), (r'×|·|\\times|\\cdot', '*'),
              (r'\\d?frac\{([^{}]*)\}\{([^{}]*)\}', r'((\1)/(\2))'), (r'\\sqrt\{([^{}]*)\}', r'sqrt(\1)'),
              (r'\\?log_\{?10\}?', 'log10'), (r'\\(ln|log|exp)\b', r'\1'), (r'\be\^\{([^{}]*)\}', r'exp(\1)'),
              (r'\be\^(-?[\d.]+)', r'exp(\1)'), (r'\^\{([^{}]*)\}', r'**(\1)'), (r'\^', '**'),
              (r'\b(ln|log10|log|exp|sqrt)\s+([\d.]+)', r'\1(\2)'), (r'\{', '('), (r'\}', ')')]


def _arith(node):
    "The value of a parsed expression made only of numbers, + - * / **, brackets and _ARITH_FUNCS (else ValueError)."
    if isinstance(node, ast.Expression): return _arith(node.body)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float): return Decimal(str(node.value))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _arith(node.operand)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITH_OPS:
        return _ARITH_OPS[type(node.op)](_arith(node.left), _arith(node.right))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        base, exp = _arith(node.left), _arith(node.right)
        if abs(exp) > 100: raise ValueError('exponent too large')
        return base ** exp
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _ARITH_FUNCS
            and len(node.args) == 1 and not node.keywords):
        return _ARITH_FUNCS[node.func.id](_arith(node.args[0]))
    raise ValueError('not plain arithmetic')


def arithmetic_before(masked, start):
    """(expression, value) of the arithmetic written right before position `start` and joined to it by =, ≈ or
    \\approx ("1/28 = 0.036", "$\\ln 28 = 3.33$"), or None. The expression needs an operator or a function: in
    "x = 0.5" or "R = 2, AP = 0.5" nothing is computed."""
    before = masked[max(0, start - 80):start]
    m = _EQUALS_BEFORE.search(before)
    if not m: return None
    left = re.split(r'=|≈|\\approx|\\simeq|\n', before[:m.start()])[-1]
    for k in range(len(left)):      # the longest tail that is a whole expression: "AP = (1/1 + 0)/2" -> "(1/1 + 0)/2"
        if k and (left[k - 1].isalnum() or left[k - 1] in '._'): continue    # start at a token boundary
        tail = left[k:].strip(' \t$')
        expr = tail
        for rx, rep in _MATH_SUBS: expr = re.sub(rx, rep, expr)
        expr = expr.strip()
        if not expr: continue
        try:
            tree = ast.parse(expr, mode='eval')
            if not any(isinstance(n, (ast.BinOp, ast.Call)) for n in ast.walk(tree)): continue
            return tail, _arith(tree)
        except (SyntaxError, ValueError, TypeError, ArithmeticError, RecursionError): continue
    return None


def prose_numbers(text):
    """The claims in markdown `text`: dicts with the number as written (`text`), its value `value` (a Decimal,
    a fraction of 1 not converted), `pct`, the span, and the sentence and block spans. Versions, section numbers,
    code and link targets are left out (see the module docstring)."""
    masked = mask_markdown(text)
    out = []
    for bs, be in blocks(masked):
        sents = sentences(masked, bs, be)
        for m in PROSE_NUM.finditer(masked, bs, be):
            num, exp, pct = m.group('num'), m.group('exp'), bool(m.group('pct'))
            if '.' not in num and not pct: continue
            before = masked[max(0, m.start() - 40):m.start()]
            after = masked[m.end():m.end() + 2]
            if after[:1] == '+' and not after[1:2].isdigit(): continue       # Python 3.10+
            if _VERSION_BEFORE.search(before) or _SECTION_BEFORE.search(before): continue
            if _HEADING_START.fullmatch(masked[masked.rfind('\n', 0, m.start()) + 1:m.start()]): continue
            value = _decimal(num, exp)
            if value is None: continue
            ss, se = next(((s, e) for s, e in sents if s <= m.start() < e), (bs, be))
            out.append(dict(text=m.group().strip(), num=num + (exp or ''), value=abs(value), pct=pct,
                            span=m.span(), sentence=(ss, se), block=(bs, be),
                            arithmetic=arithmetic_before(masked, m.start())))
    return out


def tolerance(value_text):
    "Half a unit of the last written decimal: 0.892 -> 0.0005, 18 -> 0.5, 1.5e-3 -> 0.00005."
    return Decimal(5).scaleb(_decimal(value_text).as_tuple().exponent - 1)


# ---------------------------------------------------------------------------------------------------------------
# Numbers printed by the cells, and literals in the code

OUT_NUM = re.compile(r'(?<![\d.])(\d+(?:\.\d*)?|\.\d+)([eE][-+]?\d+)?')
OUT_GROUPED = re.compile(r'(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])')


def _around(line, start, end, width=45):
    "The text around line[start:end], with … where it is cut."
    a, b = max(0, start - width), min(len(line), end + width)
    return ('…' if a else '') + ' '.join(line[a:b].split()) + ('…' if b < len(line) else '')


def _html_text(s):
    s = re.sub(r'(?is)<(style|script)\b.*?</\1\s*>', ' ', s)
    s = re.sub(r'(?i)</tr\s*>|<br\s*/?>|</p\s*>|</h\d\s*>', '\n', s)
    s = re.sub(r'<[^<>]*>', ' ', s)
    return html.unescape(s)


def output_texts(cell):
    "The text a code cell printed or displayed."
    for o in cell.get('outputs', []):
        if o.get('output_type') == 'stream':
            yield _join(o.get('text', ''))
        elif o.get('output_type') in ('execute_result', 'display_data'):
            data = o.get('data', {})
            for mime in ('text/plain', 'text/markdown', 'text/latex'):
                if mime in data: yield _join(data[mime])
            if 'text/html' in data: yield _html_text(_join(data['text/html']))


def output_numbers(text):
    """(value, is_percent, is_integer, snippet) for each number in printed `text`; a number is a percentage when
    its line has a %, an integer when printed without a decimal point or exponent."""
    for line in text.split('\n'):
        pct = '%' in line
        seen = set()
        for rx in (OUT_NUM, OUT_GROUPED):
            for m in rx.finditer(line):
                if m.span() in seen: continue
                seen.add(m.span())
                v = _decimal(m.group(1) if rx is OUT_NUM else m.group(), m.group(2) if rx is OUT_NUM else '')
                if v is not None and v.is_finite():
                    yield v, pct, not re.search(r'[.eE]', m.group()), _around(line, *m.span())


def code_literals(source):
    """(value, snippet) for each float literal (0.005, 5e-3, 1.) in Python `source`. Integer literals are left
    out: a seed 0 must not trace "0.000". Line magics are stripped (`%time fit(0.5)`); cell magics and shell
    lines are ignored."""
    # `%time f(0.5)` keeps `f(0.5)`; cell magics (`%%time`) and shell lines (`!pip ...`) are dropped
    lines = [re.sub(r'^\s*%(?!%)\w+\s*', '', l) for l in source.split('\n')]
    src = '\n'.join('' if l.lstrip().startswith(('%%', '!')) else l for l in lines)
    try:
        toks = [(t.string, t.line) for t in tokenize.generate_tokens(io.StringIO(src + '\n').readline)
                if t.type == tokenize.NUMBER]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        code = re.sub(r'#[^\n]*|(["\'])(?:\\.|(?!\1).)*\1', ' ', src)
        toks = [(m.group(), '') for m in re.finditer(r'(?<![\w.])\d[\d_]*(?:\.\d*)?(?:[eE][-+]?\d+)?', code)]
    for s, line in toks:
        if s[-1:] in 'jJ' or s[:2].lower() in ('0x', '0o', '0b'): continue
        v = _decimal(s.replace('_', ''))
        if v is not None and ('.' in s or 'e' in s.lower()): yield v, line.strip()[:120]


def _join(x): return ''.join(x) if isinstance(x, list) else (x or '')


class Pool:
    "The numbers one notebook prints (plain and percentages) and its code literals, sorted for range look-ups."
    def __init__(self):
        self.items = {'plain': [], 'pct': [], 'plain_int': [], 'pct_int': []}

    def add(self, kind, value, where):
        self.items[kind].append((abs(value), where))

    def freeze(self):
        for k in self.items: self.items[k].sort(key=lambda t: t[0])
        self.keys = {k: [t[0] for t in v] for k, v in self.items.items()}
        return self

    def find(self, kind, lo, hi):
        "The item of `kind` with lo <= value <= hi: a printed one before a literal, then the closest, or None."
        keys = self.keys[kind]
        i, j = bisect.bisect_left(keys, lo), bisect.bisect_right(keys, hi)
        if i == j: return None
        mid = (lo + hi) / 2
        return min(self.items[kind][i:j], key=lambda t: ('code literal' in t[1], abs(t[0] - mid)))

    def trace(self, value, tol, pct, decimals=True):
        """How a claim of `value` ± `tol` (a percentage when `pct`) is printed or written, or None. Numbers printed
        without a decimal point trace only whole percentages ("18 %" from a printed "18%"): a printed 0 or 1 says
        nothing about a claim "0.000" or "1.0"."""
        if pct:   # "18 %": a printed/literal 0.18, or a printed 18 on a line with %
            return (self.find('plain', (value - tol) / 100, (value + tol) / 100)
                    or self.find('pct', value - tol, value + tol)
                    or (None if decimals else self.find('pct_int', value - tol, value + tol)))
        return (self.find('plain', value - tol, value + tol) or self.find('pct', value - tol, value + tol)
                or self.find('pct', (value - tol) * 100, (value + tol) * 100))


def read_notebook(path):
    try: nb = json.loads(Path(path).read_text(encoding='utf-8'))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"{path}: not a readable notebook ({e.__class__.__name__}: {e})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get('cells'), list):
        raise ValueError(f"{path}: not a notebook (expected JSON with a 'cells' list)")
    return nb


def notebook_pool(nb, name):
    pool = Pool()
    for i, cell in enumerate(nb['cells']):
        if cell.get('cell_type') != 'code': continue
        for text in output_texts(cell):
            for v, pct, is_int, snip in output_numbers(text):
                pool.add(('pct' if pct else 'plain') + ('_int' if is_int else ''), v, f"{name} cell {i} output: {snip}")
        for v, snip in code_literals(_join(cell.get('source', ''))):
            pool.add('plain', v, f"{name} cell {i} code literal: {snip}")
    return pool.freeze()


# ---------------------------------------------------------------------------------------------------------------
# Checking

LINK_TARGET = re.compile(r'\]\(\s*<?([^()\s>]+?)>?(?:\s+"[^"]*")?\s*\)')


def linked_notebooks(text, folder):
    "Notebooks in `folder` that markdown `text` links to (`01_tuning.ipynb`, `tuning.html`, with #anchors)."
    found = []
    for m in LINK_TARGET.finditer(text):
        target = m.group(1).split('#')[0].split('?')[0]
        if re.match(r'[a-z]+:', target, re.I) or not target: continue
        stem = Path(target).name
        for ext in ('.ipynb', '.html', '.md'):
            if stem.endswith(ext): stem = stem[:-len(ext)]; break
        else: continue
        for nb in sorted(folder.glob('*.ipynb')):
            if nb.stem == stem or re.sub(r'^\d+[a-z]?_', '', nb.stem) == stem:
                if nb not in found: found.append(nb)
    return found


class Checker:
    def __init__(self):
        self.pools = {}

    def pool(self, path):
        path = Path(path).resolve()
        if path not in self.pools: self.pools[path] = notebook_pool(read_notebook(path), path.name)
        return self.pools[path]

    def check(self, path):
        """Check notebook `path`: a list of result dicts, one per claim, with `traced` (how, or None), `cited`,
        the cell index and id and the sentence."""
        path = Path(path)
        nb = read_notebook(path)
        own = self.pool(path)
        results = []
        for i, cell in enumerate(nb['cells']):
            if cell.get('cell_type') != 'markdown': continue
            text = _join(cell.get('source', ''))
            for c in prose_numbers(text):
                sentence = ' '.join(text[slice(*c['sentence'])].split()).strip('| ')
                block = text[slice(*c['block'])]
                linked = [p for p in linked_notebooks(block, path.resolve().parent) if p.resolve() != path.resolve()]
                pools = [own] + [self.pool(p) for p in linked]
                tol = tolerance(c['num'])
                traced = next((t for t in (p.trace(c['value'], tol, c['pct'], '.' in c['num']) for p in pools)
                               if t), None)
                if not traced and c['arithmetic']:
                    expr, v = c['arithmetic']
                    if any(abs(abs(v) * f - c['value']) <= tol for f in ((1, 100) if c['pct'] else (1,))):
                        traced = (v, f"the arithmetic written before it: {expr}")
                cited = not traced and bool(CITATION.search(sentence))
                results.append(dict(notebook=str(path), cell=i, id=cell.get('id', ''), number=c['text'],
                                    sentence=sentence, traced=traced[1] if traced else None, cited=cited,
                                    linked=[p.name for p in linked]))
        return results


def notebook_paths(args):
    "Expand the command-line paths: a folder means its *.ipynb files (sorted); a missing path is an error."
    out = []
    for a in args:
        p = Path(a)
        if p.is_dir():
            nbs = sorted(q for q in p.glob('*.ipynb') if not q.name.startswith(('.', '_')))
            if not nbs: raise ValueError(f"paths: folder {a} has no .ipynb notebooks")
            out += nbs
        elif p.is_file():
            if p.suffix != '.ipynb': raise ValueError(f"paths: {a} is not a notebook (expected a .ipynb file)")
            out.append(p)
        else: raise ValueError(f"paths: {a} does not exist (expected a .ipynb file or a folder of notebooks)")
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0] if __doc__ else None,
                                 epilog="Rules: see the docstring of tools/check_claims.py.")
    ap.add_argument('paths', nargs='*', default=['nbs'], help="notebooks or folders of notebooks (default: nbs)")
    ap.add_argument('--summary', action='store_true', help="print the count of claims per notebook")
    ap.add_argument('--explain', action='store_true', help="print how every claim was traced")
    args = ap.parse_args(argv)
    try:
        paths = notebook_paths(args.paths)
        checker = Checker()
        per_nb = [(p, checker.check(p)) for p in paths]
    except ValueError as e:
        print(f"check_claims: {e}", file=sys.stderr)
        return 2
    failures = 0
    for p, results in per_nb:
        for r in results:
            if r['traced'] or r['cited']:
                if args.explain:
                    how = r['traced'] or 'cited in its sentence'
                    print(f"ok   {r['notebook']} cell {r['cell']}: {r['number']} <- {how}")
                continue
            failures += 1
            cid = f" (id {r['id']})" if r['id'] else ''
            also = f" (nor by {', '.join(r['linked'])}, which the same row or paragraph links)" if r['linked'] else ''
            print(f"{r['notebook']} cell {r['cell']}{cid}: {r['number']} is printed by no cell{also}")
            s = r['sentence']
            print(f"    {s if len(s) <= 400 else s[:400] + ' …'}")
    if args.summary:
        w = max([len(str(p)) for p, _ in per_nb] + [32])
        print(f"\n{'notebook':{w}} {'claims':>6} {'traced':>7} {'cited':>5} {'failing':>7}")
        for p, results in per_nb:
            n_tr = sum(bool(r['traced']) for r in results)
            n_ci = sum(r['cited'] for r in results)
            print(f"{str(p):{w}} {len(results):6d} {n_tr:7d} {n_ci:5d} {len(results) - n_tr - n_ci:7d}")
    n = sum(len(r) for _, r in per_nb)
    if failures:
        print(f"\nFAIL: {failures} of {n} numbers in the prose of {len(per_nb)} notebooks are printed by no cell "
              "(print them from a cell, or cite the source in the same sentence)")
        return 1
    print(f"ok: all {n} numbers in the prose of {len(per_nb)} notebooks are printed by a cell or cited")
    return 0


if __name__ == '__main__':
    sys.exit(main())
