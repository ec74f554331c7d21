#!/usr/bin/env python3
"""cpu-summary.py OUT [CLK_TCK]: CPU per validation from bench/cpu/sample-cpu.sh samples.

A phase is a run of consecutive sampling windows in which validations were stored (a window with none ends it; the
sampler's windows stretch from 2 s to 3-6 s on a loaded machine). Per phase: the validations, the API's and
PostgreSQL's CPU ms per validation over its windows that start at least 15 s after the phase's first one (the bench's
warm-up) without its last, partial window; and the load range."""
import sys
rows = [l.strip().split('|') for l in open(sys.argv[1]) if l.count('|') == 4]
tck = float(sys.argv[2]) if len(sys.argv) > 2 else 100.0
s = [(float(t), int(a), int(p), int(n), float(l)) for t, a, p, n, l in rows if int(n) >= 0]
phases, cur = [], []
for x, y in zip(s, s[1:]):
    if y[3] - x[3] > 0: cur.append((x, y))
    elif cur: phases.append(cur); cur = []
if cur: phases.append(cur)
for i, ph in enumerate(p for p in phases if len(p) >= 4):
    steady = [w for w in ph[:-1] if w[0][0] - ph[0][0][0] >= 15]
    if not steady: continue
    n = sum(w[1][3] - w[0][3] for w in steady); secs = sum(w[1][0] - w[0][0] for w in steady)
    api = sum(w[1][1] - w[0][1] for w in steady) / tck * 1000 / n
    pg = sum(w[1][2] - w[0][2] for w in steady) / tck * 1000 / n
    loads = [w[1][4] for w in steady]
    print(f"phase {i + 1}: {len(ph)} windows, steady {secs:.0f} s, {n} validations ({n / secs:.1f}/s): "
          f"API {api:.2f} ms, PostgreSQL {pg:.2f} ms, total {api + pg:.2f} ms CPU per validation; load {min(loads)}-{max(loads)}")
