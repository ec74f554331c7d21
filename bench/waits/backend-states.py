#!/usr/bin/env python3
"""backend-states.py record OUT | summary OUT

record: every 10 ms, the kernel's view of each backend of the bench database (state R/S/D, wait channel, the command in
its process title), counted per second, written to OUT when stopped (SIGTERM or SIGINT). Run next to `bench/run.sh p2`.
summary: for each backend that ran COPY, its share of samples by (state, wait channel, command), and what its time
outside `idle` was: running, waiting for the client inside a COPY (S + COPY), idle in its transaction (waiting for the
client between statements), or in the kernel's I/O (D). Used for bench/results/2026-12-06-p2-memoirs-from-arrays.md."""
import collections, os, signal, sys, time


def backends():
    found = []
    for p in os.listdir('/proc'):
        if not p.isdigit():
            continue
        try:
            with open(f'/proc/{p}/comm') as f:
                if f.read().strip() != 'postgres':
                    continue
            with open(f'/proc/{p}/cmdline', 'rb') as f:
                if b'cnsexchange_bench' in f.read():
                    found.append(p)
        except OSError:
            pass
    return found


def record(out):
    counts = collections.Counter()

    def dump(*_):
        with open(out, 'w') as f:
            for k, v in sorted(counts.items()):
                f.write(' '.join(map(str, k)) + f' {v}\n')
        sys.exit(0)
    signal.signal(signal.SIGTERM, dump)
    signal.signal(signal.SIGINT, dump)
    pids, listed = [], 0.0
    while True:
        now = time.time()
        if now - listed > 1:
            pids, listed = backends(), now
        for p in pids:
            try:
                with open(f'/proc/{p}/stat') as f:
                    state = f.read().rsplit(')', 1)[1].split()[0]
                with open(f'/proc/{p}/wchan') as f:
                    wchan = f.read().strip() or '-'
                with open(f'/proc/{p}/cmdline', 'rb') as f:
                    title = f.read().replace(b'\0', b' ').decode(errors='replace').split()
            except OSError:
                continue
            counts[(int(now), p, state, wchan, '_'.join(title[4:]) if len(title) > 4 else '-')] += 1
        time.sleep(0.01)


def summary(path):
    by = collections.defaultdict(collections.Counter)
    for line in open(path):
        _, pid, state, wchan, title, n = line.split()
        by[pid][(state, wchan, title)] += int(n)
    for pid, c in by.items():
        if sum(v for (s, w, t), v in c.items() if t.startswith('COPY')) < 50:
            continue
        busy = sum(v for (s, w, t), v in c.items() if t != 'idle')
        part = collections.Counter()
        for (s, w, t), v in c.items():
            if t == 'idle':
                continue
            part['running' if s == 'R' else 'I/O (D)' if s == 'D' else 'waiting for the client in COPY' if t.startswith('COPY')
                 else 'idle in transaction' if t.startswith('idle_in_transaction') else f'sleeping in {t}'] += v
        print(f'backend {pid}: {busy} samples outside idle: ' + ', '.join(f'{k} {100 * v / busy:.1f} %' for k, v in part.most_common()))
        for k, v in c.most_common(12):
            print(f'    {" ".join(k)}  {v}')


if __name__ == '__main__':
    {'record': record, 'summary': summary}[sys.argv[1]](sys.argv[2])
