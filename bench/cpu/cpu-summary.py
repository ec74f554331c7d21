#!/usr/bin/env python3
"""cpu-summary.py OUT [CLK_TCK]: CPU per validation from bench/cpu/sample-cpu.sh samples.

Groups consecutive 2-s windows in which validations were stored (>= 20 per window) into phases (a window with none
ends a phase), drops each phase's first 8 windows (16 s: the bench's 15 s of warm-up) and prints, per phase, the
validations, the API and PostgreSQL CPU ms per validation over the rest, and the load range."""
import sys
rows = [l.strip().split('|') for l in open(sys.argv[1]) if l.count('|') == 4]
tck = float(sys.argv[2]) if len(sys.argv) > 2 else 100.0
s = [(float(t), int(a), int(p), int(n), float(l)) for t, a, p, n, l in rows if int(n) >= 0]
phases, cur = [], []
for x, y in zip(s, s[1:]):
    if y[3] - x[3] >= 20: cur.append((x, y))
    elif cur: phases.append(cur); cur = []
if cur: phases.append(cur)
for i, ph in enumerate(phases):
    steady = ph[8:] if len(ph) > 10 else ph[len(ph) // 2:]
    if not steady: continue
    a0, a1 = steady[0][0], steady[-1][1]
    n = a1[3] - a0[3]; secs = a1[0] - a0[0]
    api = (a1[1] - a0[1]) / tck * 1000 / n; pg = (a1[2] - a0[2]) / tck * 1000 / n
    loads = [w[1][4] for w in steady]
    print(f"phase {i + 1}: {len(ph)} windows, steady {secs:.0f} s, {n} validations ({n / secs:.1f}/s): "
          f"API {api:.2f} ms, PostgreSQL {pg:.2f} ms, total {api + pg:.2f} ms CPU per validation; load {min(loads)}-{max(loads)}")
