# lock-summary.py WAITS...: per P1 phase of a sample-waits.sh file (one sandbox at 32 connections with its warm-up, one
# sandbox at 4, 10 sandboxes), the mean number of the bench database's backends busy, waiting on each kind of lock, and
# idle in a transaction (waiting for the API). Used for bench/results/2026-12-02-p1-serialisation.md.
import sys, collections
def phases(path):
    rows=[l.rstrip('\n').split('|') for l in open(path) if l.count('|')>=9]
    phase='api32'; seen=False
    out=collections.defaultdict(lambda: collections.Counter()); samples=collections.defaultdict(set)
    for r in rows:
        t,sb,pid,state,wt,we,lw,trel,blk=r[:9]; q='|'.join(r[9:])
        if 'hangfire' in q or 'DISCARD ALL' in q or 'RESET ALL' in q: continue
        if 'bench.raw_requests' in q: phase='baseline'; seen=True
        elif seen and phase=='baseline' and ('cns.' in q or 'COMMIT' in q): phase='api4'
        if sb.isdigit() and int(sb)>1 and phase=='api4': phase='sandboxes10'
        samples[phase].add(t)
        c=out[phase]; c['busy']+=1
        if wt=='Lock':
            if 'UPDATE cns.sandboxes' in q: k='sandbox row (quota UPDATE)'
            elif 'charge_storage' in q: k='storage stripe row'
            elif lw.startswith('object:1262'): k='NOTIFY lock (database object 1262/0)'
            elif 'event_positions' in (trel+lw) : k='event_positions row'
            else: k='other lock: '+we+' '+lw[:30]+' '+q[:30]
            c['LOCK '+k]+=1; c['LOCK total']+=1
        if state.startswith('idle in transaction'): c['idle in transaction (waiting for the API)']+=1
    for ph in ['api32','api4','sandboxes10']:
        n=len(samples[ph])
        if not n: continue
        print(f'{ph}: samples {n}; ' + '; '.join(f'{k} {v/n:.2f}' for k,v in sorted(out[ph].items())))
for p in sys.argv[1:]:
    print('##',p); phases(p)
