"""The `streams` section of tools/bench: compressed input, standard input and live pipes.

Rows (issue 14): a group-by on .gz against DuckDB on the same .gz, against `igzip -dc`
alone and against clusterproc on the plain file; the same for .zst (`zstd -dc`; DuckDB when
its build reads zstd); multi-member gzip (16 concatenated members and BGZF
from bgzip: decoded by the workers) and multi-frame zstd (16 frames; pzstd), -j2
against -j1, and the workers' decoding against the master's (CLUSTERPROC_DECODE=master); `cat FILE |
clusterproc --count` against the file; the latency of a record through a live pipe (a
writer that writes one record, then waits; median of 20).
"""

import os
import shlex
import statistics
import subprocess
import time


def compressed(bench, F, name, sh):
    """Makes (once, cached next to F) the file name from F with the shell command sh
    (reading "$1", writing "$2")."""
    # Named after F (web-1G-seed7.jsonl.gz, ...): a --size run caches its own.
    path = os.path.join(bench.a.dir, os.path.basename(F).replace(".jsonl", "") + name)
    if not os.path.exists(path):
        bench_log(f"streams: making {name}")
        tmp = path + ".tmp"
        subprocess.run(["bash", "-o", "pipefail", "-c", sh, "x", F, tmp], check=True)
        os.rename(tmp, path)
    return path


def bench_log(msg):
    print("[bench] " + msg, flush=True)


class Fixed:
    """A row operand that is not a command run by measure(): a measured latency or a target."""

    def __init__(self, label, times, text):
        self.label, self.times, self.cpus, self.text, self.inner = label, times, [0.0], text, False
        self.walls = times  # dump() writes them (tools/bench's last-run.json)
        self.scale = 1.0

    def display(self):
        return self.text

    def median(self):
        return statistics.median(self.times)

    def cpu(self):
        return 0.0

    def spread(self):
        return (min(self.times), max(self.times))


def live_latency(binary, n=20, pause=0.3):
    """Seconds from writing one record into clusterproc's standard input (a pipe, held
    open) to reading it back from its standard output (a pipe), n times."""
    p = subprocess.Popen([binary, "--where", "true"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE)
    times = []
    for i in range(n):
        t0 = time.perf_counter()
        p.stdin.write(b'{"seq":%d}\n' % i)
        p.stdin.flush()
        line = p.stdout.readline()
        times.append(time.perf_counter() - t0)
        assert line.strip() == b'{"seq":%d}' % i, line
        time.sleep(pause)
    p.stdin.close()
    p.wait()
    return times


def run(bench, Cmd, measure):
    a, F, q = bench.a, bench.F, shlex.quote
    gz = compressed(bench, F, ".jsonl.gz", 'gzip -6 -c "$1" > "$2"')
    zst = compressed(bench, F, ".jsonl.zst", 'zstd -q -3 -c "$1" > "$2"')
    parts = ('d=$(mktemp -d) && split -n l/16 "$1" "$d/p." && for f in "$d"/p.*; do %s; done'
             ' > "$2"; rc=$?; rm -rf "$d"; exit $rc')
    mgz = compressed(bench, F, ".16members.gz", parts % 'gzip -6 -c "$f"')
    mzst = compressed(bench, F, ".16frames.zst", parts % 'zstd -q -3 -c "$f"')
    bgz = compressed(bench, F, ".bgzf.gz", 'bgzip -@2 -c "$1" > "$2"')
    pzst = compressed(bench, F, ".pzstd.zst", 'pzstd -q -p 2 -3 -c "$1" > "$2"')
    GB = ["--group-by", "host", "--agg", bench.GB_AGG]

    def cp(label, *args):
        return Cmd(label, bench.cp(*args))

    plain = cp("clusterproc (plain file)", *GB, F)
    c_gz, c_zst = cp("clusterproc .gz", *GB, gz), cp("clusterproc .zst", *GB, zst)
    igz = Cmd("igzip -dc", sh=f"igzip -dc {q(gz)} > /dev/null")
    zsd = Cmd("zstd -dc", sh=f"zstd -q -dc {q(zst)} > /dev/null")
    dk_gz = bench.duck(bench.duck_gb_sql(gz), label="DuckDB GROUP BY on the same .gz")
    dk_zst = bench.duck(bench.duck_gb_sql(zst).replace("format=", "compression='zstd', format="),
                        label="DuckDB GROUP BY on the same .zst")
    bench_log("streams: warm-up and checks")
    want = plain.run_once(True)[3]
    for c in (c_gz, c_zst):
        bench.check(c.run_once(True)[3] == want, f"{c.label} == plain file, byte for byte")
    dk_ok = subprocess.run(dk_zst.full_argv(), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL).returncode == 0
    if not dk_ok:
        bench.note("DuckDB could not read the .zst file: no DuckDB row for .zst")
    cmds = [plain, c_gz, c_zst, igz, zsd, dk_gz] + ([dk_zst] if dk_ok else [])
    for c in cmds[3:]:
        c.run_once()
    measure(cmds, a.reps)
    job = "`--group-by host --agg …` on .gz"
    bench.add(job, c_gz, dk_gz, "≥ 3× faster than DuckDB on the same .gz", 3)
    bench.add("(same)", c_gz, igz, None, note="decompression alone")
    bench.add("(same)", c_gz, plain, "≤ 1.5× the plain file (ratio ≥ 0.67)", 1 / 1.5)
    job = "`--group-by host --agg …` on .zst"
    if dk_ok:
        bench.add(job, c_zst, dk_zst, None)
    bench.add(job if not dk_ok else "(same)", c_zst, zsd,
              "≤ 1.15× `zstd -dc` (ratio ≥ 0.87)", 1 / 1.15, note="decompression alone")
    bench.add("(same)", c_zst, plain, "≤ 1.2× the plain file (ratio ≥ 0.83)", 1 / 1.2)

    for name, path in (("16-member .gz", mgz), ("16-frame .zst", mzst), ("BGZF .gz (bgzip)", bgz),
                       ("pzstd .zst", pzst)):
        j1 = cp("clusterproc -j1", "-j1", *GB, path)
        j2 = cp("clusterproc -j2", "-j2", *GB, path)
        bench.check(j2.run_once(True)[3] == want, f"{name} -j2 == plain file")
        j1.run_once()
        measure([j1, j2], a.reps)
        bench.add(f"`--group-by …` on a {name}: -j2 vs -j1", j2, j1, "-j2 ≥ 1.7× faster than -j1", 1.7)
    for name, path in (("16-member .gz", mgz), ("BGZF .gz (bgzip)", bgz), ("pzstd .zst", pzst)):
        # The same file decoded by the master into the ring (as one-member files are).
        w = cp("clusterproc -j2", "-j2", *GB, path)
        m = Cmd("CLUSTERPROC_DECODE=master clusterproc -j2",
                sh=f"CLUSTERPROC_DECODE=master {q(a.bin)} -j2 {' '.join(q(x) for x in GB)} {q(path)}")
        bench.check(m.run_once(True)[3] == want, f"{name} decoded by the master == plain file")
        w.run_once()
        measure([w, m], a.reps)
        bench.add(f"`--group-by …` on a {name}: workers decode vs the master", w, m, None,
                  note="decoded by the master")

    s_in = Cmd("cat FILE | clusterproc --count", sh=f"cat {q(F)} | {q(a.bin)} --count")
    s_f = cp("clusterproc --count FILE", "--count", F)
    bench.check(s_in.run_once(True)[3] == s_f.run_once(True)[3], "stdin --count == file --count")
    measure([s_in, s_f], a.reps)
    bench.add("standard input `--count` vs the file", s_in, s_f,
              "stdin ≤ 1.3× the file (ratio ≥ 0.77)", 1 / 1.3)
    # What the pipe alone costs here: cat, and one reader that only drains it.
    s_pipe = Cmd("cat FILE | clusterproc-floor --read stdin --work none -",
                 sh=f"cat {q(F)} | {q(a.floor)} --read stdin --work none -")
    measure([s_in, s_pipe], a.reps)
    bench.add("standard input `--count` vs the pipe alone", s_in, s_pipe, None,
              note="the pipe alone: cat into a reader that drains it (1 MiB pipe, 4 MiB reads)")

    bench_log("streams: live pipe latency (20 records, 0.3 s apart)")
    lat = Fixed("live pipe", live_latency(a.bin),
                "python: write one record into `clusterproc --where true`'s stdin pipe, read it "
                "from its stdout pipe; 20 times")
    goal = Fixed("250 ms", [0.25], "the target")
    bench.add("live pipe: write → stdout latency (median of 20)", lat, goal,
              "< 250 ms (ratio ≥ 1)", 1)
