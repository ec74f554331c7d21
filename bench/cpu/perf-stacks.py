#!/usr/bin/env python3
"""perf-stacks.py PERF.DATA [NAME=SUBSTRING ...]

Summarises a `perf record -g -p <API pid>` of the API (started with DOTNET_PerfMapEnabled=1 and
DOTNET_EnableWriteXorExecute=0, so that perf names JIT-compiled methods): shares of the samples by thread, by the kind of
the leaf frame (JIT-compiled code, the runtime libcoreclr — mostly the GC —, the kernel), by the assembly of the innermost
managed frame, and, for each NAME=SUBSTRING given, the samples with a frame containing SUBSTRING. Where several are given,
a sample counts for the first that matches (so e.g. a decision that runs in the continuation of a read counts once, as the
decision, when named first). Used for bench/results/2026-12-06-p2-memoirs-from-arrays.md."""
import collections, re, subprocess, sys

text = subprocess.run(['perf', 'script', '-i', sys.argv[1], '-F', 'comm,ip,sym,dso'], capture_output=True, text=True).stdout
samples, frames, thread = [], [], None
for line in text.splitlines():
    if not line.strip():
        if frames:
            samples.append((thread, frames))
        frames = []
        continue
    if line[0] not in ' \t':
        thread, frames = line.strip(), []
        continue
    parts = line.strip().split(' ', 1)
    frames.append(parts[1] if len(parts) > 1 else '')
if frames:
    samples.append((thread, frames))
n = len(samples) or 1
share = lambda c: ', '.join(f'{k} {100 * v / n:.1f} %' for k, v in c.most_common(8))
print(f'{len(samples)} samples')
print('threads:', share(collections.Counter(' '.join(t.split()[:2]) for t, _ in samples)))
kind = lambda f: 'JIT code' if '/perf-' in f else 'libcoreclr' if 'libcoreclr' in f else 'kernel' if 'kernel' in f else 'libclrjit' if 'clrjit' in f else 'other'
print('leaf frame:', share(collections.Counter(kind(s[0]) for _, s in samples)))
inner = collections.Counter()
for _, s in samples:
    m = next((re.search(r'\[([A-Za-z][\w.]*)\] ', f) for f in s if '/perf-' in f and re.search(r'\[([A-Za-z][\w.]*)\] ', f)), None)
    inner[m.group(1) if m else '(no managed frame)'] += 1
print('innermost managed assembly:', share(inner))
named = [a.split('=', 1) for a in sys.argv[2:]]
if named:
    c = collections.Counter()
    for _, s in samples:
        c[next((name for name, sub in named if any(sub in f for f in s)), '(none of these)')] += 1
    print('named frames:', ', '.join(f'{k} {100 * v / n:.1f} %' for k, v in c.most_common()))
