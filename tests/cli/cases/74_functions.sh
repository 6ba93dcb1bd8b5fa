# The functions of issue 15 (conditionals, strings, numbers, time, file() and
# line()) against an independent Python computation, on generated records with
# nulls, unicode, missing paths and mixed types; -j1 and -j3 --chunk-size 4K
# must give the same bytes. Also the error messages that teach.
FN_DIR="$T/fn"
mkdir -p "$FN_DIR"
python3 - "$FN_DIR" <<'EOF'
import json, random, sys
random.seed(74)
d = sys.argv[1]
hosts = ["web-01", "web-02", "db-1", "café-3", "  spaced  ", "ünï", "", None]
paths = ["/api/v1/users/42", "/static/x.css", "/api/v2/items/7/edit", "/", "/ζ/9", None]
def rec(i):
    r = {}
    if random.random() < 0.9: r["status"] = random.choice([200, 201, 404, 500, 503, "500", None, 3.5])
    if random.random() < 0.9: r["host"] = random.choice(hosts)
    if random.random() < 0.9: r["path"] = random.choice(paths)
    if random.random() < 0.9: r["x"] = random.choice([0, 1, 2.5, -2.5, 0.125, 1234.5678, 1e-3, 99.95, -7, 16, None, "3", True])
    t = 1709251200 + random.randint(-400000, 4000000)
    r["t"] = random.choice([t, t + 0.5, None, "x"]) if random.random() < 0.2 else t
    s = random.randint(0, 59)
    form = random.random()
    if form < 0.6:
        import datetime
        dt = datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
        r["ts"] = random.choice([dt.strftime("%Y-%m-%dT%H:%M:%SZ"), dt.strftime("%Y-%m-%d %H:%M:%S"),
                                 dt.strftime("%Y-%m-%dT%H:%M:%S"), dt.strftime("%Y-%m-%dT%H:%M:%S.%f+02:00")])
        r["clf"] = dt.strftime("%d/%b/%Y:%H:%M:%S +0000")
    elif form < 0.8:
        r["ts"] = random.choice(["yesterday", 17, None])
    r["tags"] = random.choice([["a", "b"], ["ü", None, 1], [], None, "notalist", [2.5, True]])
    if random.random() < 0.8: r["user"] = {"id": random.randint(1, 10 ** 6), "name": random.choice(["Łukasz", "ana", "Bob"])}
    return r
with open(d + "/a.jsonl", "w") as f:
    for i in range(3000):
        f.write(json.dumps(rec(i), ensure_ascii=False) + "\n")
        if i % 97 == 0: f.write("\n")  # blank lines count in line()
with open(d + "/b.jsonl", "w") as f:
    for i in range(1500):
        f.write(json.dumps(rec(i), ensure_ascii=False) + "\n")
EOF

FN_SELECT='file(), line(), if(status >= 500, "err", "ok") as cond, case when status < 300 then "2xx" when status < 500 then "4xx" else "other" end as cs, replace(path, "[0-9]+", "#") as rp, replace(host, "^([a-z]+)-([0-9]+)$", "\\2.\\1") as rg, extract(path, "/([a-z]+)/([0-9]+)", 2) as ex, extract(path, "v[0-9]") as ex0, trim(host) as tr, ltrim(host) as lt, rtrim(host) as rt, join(tags, ",") as jn, concat(user.name, "@", host, x) as cc, round(x, 2) as r2, round(x, -1) as rm, log(x) as lg, ln(x) as lnx, exp(x) as ex1, sqrt(x) as sq, pow(x, 2) as pw, least(x, status, 7) as ls, greatest(x, status, host) as gt, hash(user.id) as h, hash(host) as hh, hash(user.id) % 100 < 5 as sample, epoch(ts) as ep, strftime(t, "%Y-%m-%d %H:%M:%S %j %a %b") as sf, strptime(clf, "%d/%b/%Y:%H:%M:%S %z") as sp, date_trunc("hour", ts) as dh, date_trunc("week", t) as dw, date_trunc("month", ts) as dm, time_bucket(ts, "5m") as b5, time_bucket(t, "1d") as bd'
(cd "$FN_DIR" && "$BIN" -j1 --select "$FN_SELECT" a.jsonl b.jsonl > j1.out 2> j1.err)
expect_eq "functions: -j1 exit" 0 $?
(cd "$FN_DIR" && "$BIN" -j3 --chunk-size 4K --select "$FN_SELECT" a.jsonl b.jsonl > j3.out 2> j3.err)
expect_eq "functions: -j3 --chunk-size 4K exit" 0 $?
expect_same_file "functions: -j1 and -j3 --chunk-size 4K give the same bytes" "$FN_DIR/j1.out" "$FN_DIR/j3.out"
(cd "$FN_DIR" && "$BIN" -j3 --chunk-size 64K --select "$FN_SELECT" - < a.jsonl > stdin.out 2>&1)
expect_eq "functions: file() of standard input is -" "-" "$(head -1 "$FN_DIR/stdin.out" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["file()"])')"

python3 - "$FN_DIR" > "$FN_DIR/check.out" 2>&1 <<'EOF'
import datetime, json, math, re, sys
from decimal import Decimal, ROUND_HALF_UP
d = sys.argv[1]
UTC = datetime.timezone.utc

def rank(v):
    if v is None: return 0
    if v is False: return 1
    if v is True: return 2
    if isinstance(v, (int, float)): return 3
    if isinstance(v, str): return 4
    if isinstance(v, list): return 5
    return 6
def cmp(a, b):
    ra, rb = rank(a), rank(b)
    if ra != rb: return (ra > rb) - (ra < rb)
    if ra == 4: a, b = a.encode(), b.encode()
    return (a > b) - (a < b)
def truthy(v): return v is not None and v is not False
def num(v): return isinstance(v, (int, float)) and not isinstance(v, bool)
def dumps(v): return json.dumps(v, ensure_ascii=False, separators=(",", ":"))
def text(v): return v if isinstance(v, str) else dumps(v)
def fnum(v):
    return None if v is None or (isinstance(v, float) and not math.isfinite(v)) else v
def canon(v):
    if isinstance(v, float) and v == int(v): return str(int(v))
    return dumps(v)
def fnv(v):
    h = 0xcbf29ce484222325
    for b in canon(v).encode(): h = ((h ^ b) * 0x100000001b3) % 2 ** 64
    return h >> 1
def round_to(x, n):
    if not num(x): return None
    if isinstance(x, int):
        if n >= 0: return x
        p = 10 ** -n
        q = abs(x) // p; r = abs(x) % p
        if 2 * r >= p: q += 1
        return q * p * (1 if x >= 0 else -1)
    if n <= 0:
        p = 10.0 ** -n
        y = x / p
        r = math.floor(abs(y) + 0.5) * (1 if y >= 0 else -1)
        return int(r * p)
    return float(Decimal(x).quantize(Decimal(1).scaleb(-n), rounding=ROUND_HALF_UP))
def epoch(s):
    if not isinstance(s, str): return None
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(\.\d+)?([Zz]|[+-]\d\d:\d\d)?", s)
    if not m: return None
    dt = datetime.datetime(*map(int, m.groups()[:6]), tzinfo=UTC)
    off = 0
    z = m.group(8)
    if z and z not in "Zz":
        off = (int(z[1:3]) * 60 + int(z[4:6])) * 60 * (1 if z[0] == "+" else -1)
    secs = int(dt.timestamp()) - off
    frac = m.group(7)
    if frac and int(frac[1:]):
        from fractions import Fraction
        return float(Fraction(secs) + Fraction(int(frac[1:]), 10 ** (len(frac) - 1)))
    return secs
def moment(v):
    if isinstance(v, str):
        return epoch(v), True
    return (v if num(v) else None), False
def rfc(secs): return datetime.datetime.fromtimestamp(secs, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
def trunc(unit, v):
    t, s = moment(v)
    if t is None: return None
    t = math.floor(t)
    dt = datetime.datetime.fromtimestamp(t, UTC)
    if unit == "hour": r = t - t % 3600
    elif unit == "week": r = (t // 86400 - dt.weekday()) * 86400
    elif unit == "month": r = int(datetime.datetime(dt.year, dt.month, 1, tzinfo=UTC).timestamp())
    return rfc(r) if s else r
def bucket(v, w):
    t, s = moment(v)
    if t is None: return None
    r = math.floor(t) // w * w
    return rfc(r) if s else r
def sub(pat, rep, s): return re.sub(pat, rep, s) if isinstance(s, str) else None
def extract(s, pat, g):
    if not isinstance(s, str): return None
    m = re.search(pat, s)
    return m.group(g) if m else None
WS = " \t\n\r\f\v"
def extreme(vals, pick):
    vals = [v for v in vals if v is not None]
    if not vals: return None
    best = vals[0]
    for v in vals[1:]:
        if pick(cmp(v, best)): best = v
    return best

expected = []
for name in ["a.jsonl", "b.jsonl"]:
    with open(d + "/" + name, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            if not line.strip(): continue
            r = json.loads(line)
            st, host, path, x, t = r.get("status"), r.get("host"), r.get("path"), r.get("x"), r.get("t")
            ts, tags, user = r.get("ts"), r.get("tags"), r.get("user")
            uid = user.get("id") if isinstance(user, dict) else None
            uname = user.get("name") if isinstance(user, dict) else None
            fx = float(x) if num(x) else None
            o = {"file()": name, "line()": no}
            o["cond"] = "err" if truthy(st) and cmp(st, 500) >= 0 else "ok"
            o["cs"] = "2xx" if cmp(st, 300) < 0 else "4xx" if cmp(st, 500) < 0 else "other"
            o["rp"] = sub(r"[0-9]+", "#", path)
            o["rg"] = sub(r"^([a-z]+)-([0-9]+)$", r"\2.\1", host)
            o["ex"] = extract(path, r"/([a-z]+)/([0-9]+)", 2)
            o["ex0"] = extract(path, r"v[0-9]", 0)
            o["tr"] = host.strip(WS) if isinstance(host, str) else None
            o["lt"] = host.lstrip(WS) if isinstance(host, str) else None
            o["rt"] = host.rstrip(WS) if isinstance(host, str) else None
            o["jn"] = ",".join("" if e is None else text(e) for e in tags) if isinstance(tags, list) else None
            o["cc"] = "".join(text(v) for v in [uname, "@", host, x] if v is not None)
            o["r2"] = round_to(x, 2)
            o["rm"] = round_to(x, -1)
            o["lg"] = math.log10(fx) if fx is not None and fx > 0 else None
            o["lnx"] = math.log(fx) if fx is not None and fx > 0 else None
            try:
                o["ex1"] = fnum(math.exp(fx)) if fx is not None else None
            except OverflowError:
                o["ex1"] = None
            o["sq"] = math.sqrt(fx) if fx is not None and fx >= 0 else None
            o["pw"] = (x * x if isinstance(x, int) else fnum(math.pow(fx, 2))) if fx is not None else None
            o["ls"] = extreme([x, st, 7], lambda c: c < 0)
            o["gt"] = extreme([x, st, host], lambda c: c > 0)
            o["h"] = fnv(uid)
            o["hh"] = fnv(host)
            o["sample"] = fnv(uid) % 100 < 5
            o["ep"] = epoch(ts)
            o["sf"] = datetime.datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M:%S %j %a %b") if isinstance(t, int) and not isinstance(t, bool) else (None if not num(t) else datetime.datetime.fromtimestamp(math.floor(t), UTC).strftime("%Y-%m-%d %H:%M:%S %j %a %b"))
            clf = r.get("clf")
            o["sp"] = int(datetime.datetime.strptime(clf, "%d/%b/%Y:%H:%M:%S %z").timestamp()) if clf else None
            o["dh"] = trunc("hour", ts)
            o["dw"] = trunc("week", t)
            o["dm"] = trunc("month", ts)
            o["b5"] = bucket(ts, 300)
            o["bd"] = bucket(t, 86400)
            expected.append(o)
got = [json.loads(l) for l in open(d + "/j1.out", encoding="utf-8")]
bad = 0
if len(got) != len(expected):
    print("rows: want %d got %d" % (len(expected), len(got))); bad += 1
for i, (w, g) in enumerate(zip(expected, got)):
    for k, v in w.items():
        gv = g.get(k, "<absent>")
        same = gv == v and type(gv) in (type(v), int, float) if num(v) else gv == v
        if not same:
            bad += 1
            if bad <= 10: print("row %d %s: want %r got %r" % (i + 1, k, v, gv))
print("MISMATCHES %d" % bad)
EOF
expect_eq "functions: against Python (first mismatches in $FN_DIR/check.out)" "MISMATCHES 0" "$(tail -1 "$FN_DIR/check.out")"
[ "$(tail -1 "$FN_DIR/check.out")" == "MISMATCHES 0" ] || head -12 "$FN_DIR/check.out"

# line() and file() in every job: --where, --group-by, --agg and --sort.
expect_eq "line() in --where" '{"host":"web-01"}' \
  "$(printf '{"host":"db"}\n\n{"host":"web-01"}\n' | "$BIN" -j1 --where 'line() == 3')"
expect_eq "file() in --group-by, line() in --agg" \
  '{"file()":"a.jsonl","count":3000,"max(line())":3031}
{"file()":"b.jsonl","count":1500,"max(line())":1500}' \
  "$(cd "$FN_DIR" && "$BIN" -j3 --chunk-size 4K --group-by 'file()' --agg 'count, max(line())' a.jsonl b.jsonl)"
expect_eq "line() in --select with --sort" '{"l":3}
{"l":1}' \
  "$(printf '{"a":1}\n{"a":2}\n{"a":3}\n' | "$BIN" -j1 --where 'a != 2' --select 'line() as l' --sort 'l desc')"

# Error messages that teach (exit 1, usage).
fn_err() { "$BIN" "$@" "$FN_DIR/b.jsonl" 2>&1 >/dev/null; }
expect_eq "in (..) suggests [..]" \
  "clusterproc: error in --where at column 11: a list is written in square brackets: in [200, 201]" \
  "$(fn_err --where 'status in (200, 201)')"
expect_eq "unquoted web-01 suggests quotes" \
  'clusterproc: error in --where at column 9: unexpected '"'"'web-01'"'"' (a string is quoted: "web-01")' \
  "$(fn_err --where 'host == web-01')"
expect_eq "unknown function lists the nearest" \
  "clusterproc: error in --select at column 1: unknown function 'lenght' (did you mean len?)" \
  "$(fn_err --select 'lenght(host)')"
expect_eq "count(*) is count" '{"count(*)":1500}' "$("$BIN" --agg 'count(*)' "$FN_DIR/b.jsonl")"
expect_eq "AND OR NOT in capitals" "$("$BIN" --where 'status == 200 and not (host == "db-1" or x == 1)' --count "$FN_DIR/b.jsonl")" \
  "$("$BIN" --where 'status == 200 AND NOT (host == "db-1" OR x == 1)' --count "$FN_DIR/b.jsonl")"
"$BIN" --where 'x == 1' --sort 'line() desc' "$FN_DIR/b.jsonl" > "$FN_DIR/sort.out" 2> "$FN_DIR/sort.err"
expect_eq "line() in --sort on records: exit 0" 0 "$?"
expect_same_file "line() in --sort on records: the matching lines, last first" \
  <(grep -n '' "$FN_DIR/b.jsonl" | python3 -c '
import json, sys
rows = []
for l in sys.stdin:
    n, _, text = l.partition(":")
    try:
        r = json.loads(text)
    except ValueError:
        continue
    if isinstance(r, dict) and r.get("x") == 1 and type(r.get("x")) is int:
        rows.append((int(n), text))
for n, text in sorted(rows, reverse=True):
    sys.stdout.write(text)') "$FN_DIR/sort.out"
expect_eq "-j abc says what -j expects" \
  "clusterproc: --jobs: expects a number of worker processes from 1 to 1024, such as -j4 or --jobs 4 (got 'abc') (see clusterproc --help)" \
  "$(fn_err -j abc)"
