#!/usr/bin/env python
"""Run notebooks top to bottom and save their outputs in place (the committed outputs are the docs).

    python tools/exec_nb.py nbs/05_timeseries.ipynb            # every cell, `#| slow` ones included
    python tools/exec_nb.py nbs/05_timeseries.ipynb --skip slow # keep the saved outputs of slow cells

Cells marked `#| eval: false` and the `nbdev_export()` cell are not run, as in `nbdev_test`. Skipped cells keep the
outputs they had. The run stops at the first error and then writes nothing. Afterwards run `nbdev_clean`.
"""
import argparse, os, sys, time
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from nbdev.process import NBProcessor
from nbdev.frontmatter import FrontmatterProc
from fastcore.xtras import working_directory


class _Shell(CaptureShell):
    "execnb 0.1.18 drops a cell's printed output when its last line ends with `;`; Jupyter keeps it, and so do we."
    def _run(self, raw_cell, *args, **kwargs):
        src = raw_cell.rstrip()
        # without the `;` and with a final `pass`: the prints are kept and the last value is still not shown
        if src.endswith(';'): raw_cell = src[:-1] + '\npass\n'
        return super()._run(raw_cell, *args, **kwargs)


def exec_nb(path, skip=()):
    path = Path(path).resolve()
    nb = read_nb(path)
    proc = NBProcessor(path, procs=FrontmatterProc, process=True).nb  # parses the `#|` directives
    directives = [getattr(c, 'directives_', {}) or {} for c in proc.cells]

    def _skip(cell):
        if cell.cell_type != 'code': return True
        if 'nbdev_export' + '(' in cell.source: return True
        d = directives[cell.idx_]
        if d.get('eval:', [''])[0].lower() == 'false': return True
        return bool(set(skip) & d.keys())

    shell = _Shell(path)
    start = time.time()
    with working_directory(path.parent):
        shell.run_all(nb, exc_stop=True, preproc=_skip)
    write_nb(nb, path)
    return time.time() - start


if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('notebooks', nargs='+')
    p.add_argument('--skip', nargs='*', default=[], help='flags whose cells are not run (e.g. slow)')
    a = p.parse_args()
    os.environ.setdefault('DLWORKBOOK_PROGRESS', '0')
    for nb in a.notebooks:
        try: secs = exec_nb(nb, a.skip)
        except Exception as e:
            sys.exit(f"{nb}: {type(e).__name__}: {e}")
        print(f"{nb}: ran in {secs:.0f} s, outputs saved")
