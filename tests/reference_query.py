#!/usr/bin/env python3
"""Independent implementation of clusterproc's query jobs, for differential tests.

Written from SPEC sections 2-4, docs/expressions.md and docs/aggregates.md (not
from the C++ code). Standard library only.

Usage:
  reference_query.py --print FILE... -- [QUERY OPTIONS]
      Prints the expected rows (one JSON value a line).
  reference_query.py --check BIN FILE... -- [QUERY OPTIONS]
      Runs `BIN -j2 QUERY OPTIONS FILE...` (the environment variable
      CLUSTERPROC_CHECK_ARGS, split like a shell would, replaces `-j2`) and
      compares its output with the expected rows. Exit 0 on a match, 1 on a
      mismatch (the first differences are printed), 2 on a usage error.
  reference_query.py --check-list LISTFILE BIN FILE...
      Checks many queries over the same inputs (read once): each line of
      LISTFILE is one query's options written as shell words (blank lines and
      lines starting with # are skipped). A line starting with `KNOWN ` is a
      known clusterproc bug: its mismatch is printed as `KNOWN:` and does not
      fail; if it matches, `FIXED:` is printed and it fails (remove the mark).
      Prints one `OK:`/`MISMATCH:` line per query (details indented).
  reference_query.py --random N [--seed S] [--verbose] BIN FILE...
      Generates N random queries (seeded) and checks each as --check does, and
      also that `-j1` and `-j3 --chunk-size 4K` give byte-identical output.
      Each failing query is printed in a copy-pasteable form.

QUERY OPTIONS are the job options of clusterproc: --where EXPR (repeatable),
--select LIST, --count, --group-by LIST, --agg LIST, --sort LIST, --limit N.

Not modelled (keep them out of the queries checked): str() of an array or
object (clusterproc keeps the record's own spelling of the numbers inside,
`[1.0]`), regexes outside the RE2/Python common subset (Python `re` is used),
lower()/upper() of letters whose simple case mapping is not one code point
inside Latin-1, Latin Extended-A, Greek or Cyrillic, or the symbol variants
such as U+03D0 (the reference applies Python's mapping within those blocks,
except for İ ı ſ µ which it keeps).

Validity of input lines (what is a record, what is a bad line) is the one of
tests/reference_summary.py, which this script imports. A record's objects keep
the first of duplicate keys (docs/expressions.md).

Comparison rules (expected vs clusterproc's jsonl output, parsed with json):
- Objects: the same member names in the same order.
- Numbers: exactly the same value whatever the spelling (1 == 1.0, integers
  compared as Python ints, so exact beyond 2^53); doubles therefore bit-equal,
  including the sign of zero ("-0" is read as -0.0).
- Tolerances, only for the documented approximate aggregates:
  approx_distinct: |got - exact| <= 5% of exact + 1 (HyperLogLog, 4096
    registers: 1.6% standard error, see docs/aggregates.md);
  quantile/median: within 1% relative (plus 1e-12 for the rounding at bucket
    edges) of the lower-rank exact quantile sorted[floor(q*(n-1))]; exact when
    that value is 0;
  var/stddev: relative 1e-12 of the exact value (fractions.Fraction, rounded
    once; the documented bound is about one ulp).
- --where rows are compared byte for byte with the input lines, without
  their line ending (a CR LF ending is written as LF).
- Exit status: 3 when the inputs have bad lines, else 0; a streaming job
  (--where/--select) with --limit and no --sort may stop before the bad lines,
  so 0 is accepted too.
"""

import functools
import json
import math
import os
import random
import re
import shlex
import subprocess
import sys
from fractions import Fraction

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import reference_summary  # noqa: E402  (shares the validity rules)

INT_MIN = -(2**63)
UINT_END = 2**64
INT_END = 2**63


class RefError(Exception):
    """A query the reference cannot parse (a usage error)."""


class _Missing:
    __repr__ = lambda self: "MISSING"  # noqa: E731


MISSING = _Missing()

# ---------------------------------------------------------------- values


def is_num(v):
    return (type(v) is int) or (type(v) is float)


def kind_rank(v):
    if v is None:
        return 0
    if v is False:
        return 1
    if v is True:
        return 2
    t = type(v)
    if t is int or t is float:
        return 3
    if t is str:
        return 4
    if t is list:
        return 5
    return 6


def compare(a, b):
    """jq's total order: null < false < true < numbers < strings < arrays <
    objects; numbers by exact value, strings by UTF-8 bytes (== code points),
    arrays element by element, objects by sorted keys then values."""
    ra, rb = kind_rank(a), kind_rank(b)
    if ra != rb:
        return -1 if ra < rb else 1
    if ra == 3 or ra == 4:
        return (a > b) - (a < b)
    if ra == 5:
        for x, y in zip(a, b):
            c = compare(x, y)
            if c:
                return c
        return (len(a) > len(b)) - (len(a) < len(b))
    if ra == 6:
        ka, kb = sorted(a), sorted(b)
        c = compare(ka, kb)
        if c:
            return c
        for k in ka:
            c = compare(a[k], b[k])
            if c:
                return c
        return 0
    return 0


def equal(a, b):
    ra, rb = kind_rank(a), kind_rank(b)
    if ra != rb:
        return False
    if ra == 3 or ra == 4:
        return a == b
    if ra == 5:
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b))
    if ra == 6:
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    return True


def canon(v):
    """A hashable key equal for values that are equal (1 == 1.0)."""
    t = type(v)
    if v is None:
        return ("z",)
    if t is bool:
        return ("b", v)
    if t is int or t is float:
        return ("n", v)  # Python: 1 == 1.0 and hash(1) == hash(1.0)
    if t is str:
        return ("s", v)
    if t is list:
        return ("a", tuple(canon(x) for x in v))
    return ("o", tuple(sorted((k, canon(x)) for k, x in v.items())))


def truthy(v):
    return not (v is None or v is False)


def norm_int(r):
    """Integer arithmetic: int64, then uint64, then the rounded double."""
    if INT_MIN <= r < UINT_END:
        return r
    return finite(float(r))


def finite(f):
    return f if math.isfinite(f) else None


def fmt_double(x):
    """std::to_chars(double) shortest form: fixed or scientific, whichever is
    shorter, fixed on a tie; exponent with a sign and at least two digits."""
    if x == 0:
        return "-0" if math.copysign(1.0, x) < 0 else "0"
    sign = "-" if x < 0 else ""
    r = repr(abs(x))
    mant, _, exp = r.partition("e")
    e = int(exp) if exp else 0
    ip, _, fp = mant.partition(".")
    if fp == "0":
        fp = ""
    digits = (ip + fp).lstrip("0")
    # value = 0.(ip fp) * 10^(len(ip)) * 10^e ; first significant digit pos
    lead_zeros = len(ip + fp) - len((ip + fp).lstrip("0"))
    p = len(ip) - 1 - lead_zeros + e  # exponent of the first digit
    digits = digits.rstrip("0") or "0"
    n = len(digits)
    sci = digits[0] + ("." + digits[1:] if n > 1 else "") + "e" + (
        "-" if p < 0 else "+") + ("%02d" % abs(p))
    if p >= n - 1:
        fixed = str(int(abs(x)))  # as printf("%.0f"): the exact integer
    elif p >= 0:
        fixed = digits[:p + 1] + "." + digits[p + 1:]
    else:
        fixed = "0." + "0" * (-p - 1) + digits
    return sign + (fixed if len(fixed) <= len(sci) else sci)


def to_json(v):
    """Compact JSON as clusterproc prints values."""
    t = type(v)
    if v is None:
        return "null"
    if t is bool:
        return "true" if v else "false"
    if t is int:
        return str(v)
    if t is float:
        return fmt_double(v) if math.isfinite(v) else "null"
    if t is str:
        return json.dumps(v, ensure_ascii=False)
    if t is list:
        return "[" + ",".join(to_json(x) for x in v) + "]"
    return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + to_json(x)
                          for k, x in v.items()) + "}"


def _parse_int_keep_sign(text):
    if text == "-0":
        return -0.0
    return int(text)


def loads_output(text):
    """Parses clusterproc output: objects as lists of pairs (order kept)."""
    return json.JSONDecoder(object_pairs_hook=Pairs,
                            parse_int=_parse_int_keep_sign).decode(text)


class Pairs(list):
    __slots__ = ()


def plain(v):
    """Pairs -> dict (first key wins), recursively."""
    if isinstance(v, Pairs):
        d = {}
        for k, x in v:
            if k not in d:
                d[k] = plain(x)
        return d
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v


def record_value(v):
    """reference_summary.Obj -> dict, the first of duplicate keys kept."""
    if isinstance(v, reference_summary.Obj):
        d = {}
        for k, x in v:
            if k not in d:
                d[k] = record_value(x)
        return d
    if isinstance(v, list):
        return [record_value(x) for x in v]
    return v

# ---------------------------------------------------------------- lexer


KEYWORDS = {"and", "or", "not", "in", "true", "false", "null"}
WORD_OPS = {"and", "or", "not", "in"}
_NUM_RE = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
TWO_CHAR = {"==", "!=", "<=", ">=", "=~"}
ONE_CHAR = set("<>+-*/%()[],.")


class Tok:
    __slots__ = ("kind", "text", "start", "end", "value", "ws")

    def __init__(self, kind, text, start, end, value, ws):
        self.kind, self.text, self.start, self.end = kind, text, start, end
        self.value, self.ws = value, ws

    def __repr__(self):
        return f"Tok({self.kind},{self.text!r})"


def _ident_start(c):
    return c == "_" or ("a" <= c <= "z") or ("A" <= c <= "Z") or (
        ord(c) > 127 and c.isalpha())


def _ident_cont(c):
    return _ident_start(c) or ("0" <= c <= "9") or (ord(c) > 127 and c.isalnum())


def _decode_string(text, i, quote):
    """Decodes a string literal starting at text[i] == quote; returns
    (value, end)."""
    out = []
    j = i + 1
    n = len(text)
    while True:
        if j >= n:
            raise RefError("unterminated string")
        c = text[j]
        if c == quote:
            return "".join(out), j + 1
        if c == "\\":
            if j + 1 >= n:
                raise RefError("unterminated string")
            e = text[j + 1]
            simple = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f",
                      "n": "\n", "r": "\r", "t": "\t"}
            if e in simple:
                out.append(simple[e])
                j += 2
            elif e == "'" and quote == "'":
                out.append("'")
                j += 2
            elif e == "u":
                h = text[j + 2:j + 6]
                if not re.fullmatch(r"[0-9a-fA-F]{4}", h):
                    raise RefError("invalid \\u escape")
                cp = int(h, 16)
                j += 6
                if 0xD800 <= cp < 0xDC00:
                    h2 = text[j:j + 6]
                    if not re.fullmatch(r"\\u[dD][c-fC-F][0-9a-fA-F]{2}", h2):
                        raise RefError("invalid \\u escape")
                    lo = int(h2[2:], 16)
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
                    j += 6
                elif 0xDC00 <= cp < 0xE000:
                    raise RefError("invalid \\u escape")
                out.append(chr(cp))
            else:
                raise RefError("invalid escape '\\%s'" % e)
        elif ord(c) < 0x20:
            raise RefError("raw control character in string")
        else:
            out.append(c)
            j += 1


def tokenize(text):
    toks = []
    i = 0
    n = len(text)
    ws = False
    while i < n:
        c = text[i]
        if c in " \t\r\n":
            ws = True
            i += 1
            continue
        start = i
        if "0" <= c <= "9":
            m = _NUM_RE.match(text, i)
            end = m.end()
            if end < n and (_ident_cont(text[end]) or text[end] == "."):
                raise RefError("invalid number at column %d" % (i + 1))
            t = m.group(0)
            if m.group(2) is None and m.group(3) is None and int(t) < UINT_END:
                v = int(t)
            else:
                v = float(t)
                if not math.isfinite(v):
                    raise RefError("invalid number '%s'" % t)
            toks.append(Tok("num", t, start, end, v, ws))
            i = end
        elif c == '"' or c == "'":
            v, end = _decode_string(text, i, c)
            toks.append(Tok("str", text[i:end], start, end, v, ws))
            i = end
        elif _ident_start(c):
            j = i + 1
            while j < n and _ident_cont(text[j]):
                j += 1
            w = text[i:j]
            toks.append(Tok("kw" if w in KEYWORDS else "ident", w, start, j, w,
                            ws))
            i = j
        elif text[i:i + 2] in TWO_CHAR:
            toks.append(Tok("op", text[i:i + 2], start, i + 2, None, ws))
            i += 2
        elif c in ONE_CHAR:
            toks.append(Tok("op", c, start, i + 1, None, ws))
            i += 1
        else:
            raise RefError("unexpected character %r at column %d" % (c, i + 1))
        ws = False
    return toks


def default_name(text):
    """docs/expressions.md 'Default names': white space removed outside string
    literals, one space kept between two words and around and/or/not/in; a
    single key in brackets or quotes (.["a b"], ."a b") is named by the key."""
    toks = tokenize(text)
    shape = [(t.kind, t.text if t.kind == "op" else None) for t in toks[1:]]
    if toks and toks[0].kind == "op" and toks[0].text == ".":
        if shape == [("op", "["), ("str", None), ("op", "]")]:
            return toks[2].value
        if shape == [("str", None)]:
            return toks[1].value
    out = []
    prev = None
    for t in toks:
        if prev is not None and t.ws:
            words = (prev.kind in ("ident", "kw", "num")
                     and t.kind in ("ident", "kw", "num"))
            opword = ((prev.kind == "kw" and prev.text in WORD_OPS)
                      or (t.kind == "kw" and t.text in WORD_OPS))
            if words or opword:
                out.append(" ")
        out.append(t.text)
        prev = t
    return "".join(out)


def split_list(text):
    """Splits at commas outside (), [] and string literals."""
    items = []
    depth = 0
    quote = None
    start = 0
    i = 0
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "," and depth == 0:
            items.append(text[start:i])
            start = i + 1
        i += 1
    if text.strip():
        items.append(text[start:])
    return items

# ---------------------------------------------------------------- parser
# Compiles to closures: f(record) -> value (None for null and missing).


class Node:
    """A compiled expression: fn(rec) -> value, const (is constant), and for
    paths steps (for exists)."""
    __slots__ = ("fn", "const", "path")

    def __init__(self, fn, const=False, path=None):
        self.fn, self.const, self.path = fn, const, path


def const_node(v):
    return Node(lambda rec, v=v: v, True)


def _apply_step(v, step, rec):
    kind, arg = step
    if kind == "dyn":
        d = arg(rec)
        if type(d) is str:
            kind, arg = "key", d
        elif is_num(d) and (type(d) is int or d.is_integer()):
            kind, arg = "idx", int(d)
        else:
            return MISSING
    if kind == "key":
        if type(v) is dict:
            return v.get(arg, MISSING)
        return MISSING
    if type(v) is list:
        j = arg if arg >= 0 else len(v) + arg
        if 0 <= j < len(v):
            return v[j]
    return MISSING


def _walk(v, steps, rec):
    for s in steps:
        v = _apply_step(v, s, rec)
        if v is MISSING:
            return MISSING
    return v


def path_node(base, steps):
    """base: None for the record, else a Node."""
    steps = list(steps)
    if base is None:
        if not steps:
            fn = lambda rec: rec  # noqa: E731
        elif len(steps) == 1 and steps[0][0] == "key":
            k = steps[0][1]

            def fn(rec, k=k):
                if type(rec) is dict:
                    return rec.get(k)
                return None
        elif len(steps) == 2 and steps[0][0] == "key" and steps[1][0] == "key":
            k1, k2 = steps[0][1], steps[1][1]

            def fn(rec, k1=k1, k2=k2):
                if type(rec) is dict:
                    v = rec.get(k1)
                    if type(v) is dict:
                        return v.get(k2)
                return None
        else:
            def fn(rec, steps=steps):
                v = _walk(rec, steps, rec)
                return None if v is MISSING else v

        return Node(fn, False, ("root", steps))
    bfn = base.fn

    def fn2(rec, steps=steps):
        v = _walk(bfn(rec), steps, rec)
        return None if v is MISSING else v

    node = Node(fn2, False, ("expr", base, steps))
    return fold(node, base.const and all(s[0] != "dyn" for s in steps))


def fold(node, is_const):
    if is_const:
        return const_node(node.fn(None))
    return node


# --- operators

def op_add(a, b):
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        return norm_int(a + b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return finite(float(a) + float(b))
    if ta is str and tb is str:
        return a + b
    if ta is list and tb is list:
        return a + b
    return None


def op_sub(a, b):
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        return norm_int(a - b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return finite(float(a) - float(b))
    return None


def op_mul(a, b):
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        return norm_int(a * b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return finite(float(a) * float(b))
    return None


def op_div(a, b):
    ta, tb = type(a), type(b)
    if not ((ta is int or ta is float) and (tb is int or tb is float)):
        return None
    if b == 0:
        return None
    if ta is int and tb is int:
        if a % b == 0:
            return norm_int(a // b)
        return finite(a / b)  # correctly rounded
    return finite(float(a) / float(b))


def _trunc(v):
    """Truncation toward zero; None outside the int64/uint64 range (as
    int())."""
    if type(v) is int:
        return v
    if not math.isfinite(v):
        return None
    r = int(v)
    return r if INT_MIN <= r < UINT_END else None


def op_mod(a, b):
    if not (is_num(a) and is_num(b)):
        return None
    ta, tb = _trunc(a), _trunc(b)
    if ta is None or tb is None or tb == 0:
        return None
    r = abs(ta) % abs(tb)
    return norm_int(-r if ta < 0 else r)


def op_neg(a):
    t = type(a)
    if t is int:
        return norm_int(-a)
    if t is float:
        return -a
    return None


def op_in(x, lst):
    if type(lst) is not list:
        return False
    return any(equal(x, e) for e in lst)


CMP = {
    "==": lambda a, b: equal(a, b),
    "!=": lambda a, b: not equal(a, b),
    "<": lambda a, b: compare(a, b) < 0,
    "<=": lambda a, b: compare(a, b) <= 0,
    ">": lambda a, b: compare(a, b) > 0,
    ">=": lambda a, b: compare(a, b) >= 0,
}
ARITH = {"+": op_add, "-": op_sub, "*": op_mul, "/": op_div, "%": op_mod}

# --- functions


def _case_map(s, upper):
    out = []
    for c in s:
        cp = ord(c)
        if cp < 0x180 or 0x370 <= cp < 0x500:
            if c in "\u0130\u0131\u017f\u00b5":  # İ ı ſ µ: kept
                out.append(c)
                continue
            m = c.upper() if upper else c.lower()
            if len(m) == 1 and (ord(m) < 0x180 or 0x370 <= ord(m) < 0x500):
                out.append(m)
                continue
        out.append(c)
    return "".join(out)


def f_len(x):
    t = type(x)
    if t is str or t is list or t is dict:
        return len(x)
    return None


def f_lower(s):
    return _case_map(s, False) if type(s) is str else None


def f_upper(s):
    return _case_map(s, True) if type(s) is str else None


def f_contains(s, sub):
    if type(s) is str:
        return (sub in s) if type(sub) is str else None
    if type(s) is list:
        return any(equal(e, sub) for e in s)
    return None


def f_starts_with(s, p):
    if type(s) is str and type(p) is str:
        return s.startswith(p)
    return None


def f_ends_with(s, p):
    if type(s) is str and type(p) is str:
        return s.endswith(p)
    return None


def f_substr(s, start, length=MISSING):
    if type(s) is not str or not is_num(start):
        return None
    st = int(start)  # any finite number; out-of-range parts are cut
    n = len(s)
    b = st if st >= 0 else n + st
    if length is MISSING:
        e = n
    else:
        if not is_num(length):
            return None
        ln = int(length)
        if ln <= 0:
            return ""
        e = b + ln
    b = min(max(b, 0), n)
    e = min(max(e, 0), n)
    return s[b:e] if e > b else ""


def f_split(s, sep):
    if type(s) is not str or type(sep) is not str:
        return None
    if sep == "":
        return list(s)
    return s.split(sep)


def f_is_null(x):
    return x is None


_INT_STR = re.compile(r"[+-]?[0-9]+")
_FLOAT_STR = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def f_int(x):
    t = type(x)
    if t is int:
        return x
    if t is float:
        if not math.isfinite(x):
            return None
        r = int(x)
        return r if INT_MIN <= r < UINT_END else None
    if t is str and _INT_STR.fullmatch(x):
        r = int(x)
        return r if INT_MIN <= r < UINT_END else None
    return None


def f_float(x):
    t = type(x)
    if t is int or t is float:
        return finite(float(x))
    if t is str and _FLOAT_STR.fullmatch(x):
        return finite(float(x))
    return None


def f_str(x):
    if type(x) is str:
        return x
    return to_json(x)


def f_abs(x):
    t = type(x)
    if t is int:
        return norm_int(abs(x))
    if t is float:
        return abs(x)
    return None


def _int_or_double(r):
    if INT_MIN <= r < INT_END:
        return r
    return float(r)


def f_round(x):
    t = type(x)
    if t is int:
        return x
    if t is float:
        a = abs(x)
        fl = math.floor(a)
        if a - fl >= 0.5:
            fl += 1
        return _int_or_double(-fl if x < 0 else fl)
    return None


def f_floor(x):
    t = type(x)
    if t is int:
        return x
    if t is float:
        return _int_or_double(math.floor(x))
    return None


def f_ceil(x):
    t = type(x)
    if t is int:
        return x
    if t is float:
        return _int_or_double(math.ceil(x))
    return None


_RFC3339 = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})?")


def _days_from_civil(y, m, d):
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def f_epoch(s):
    if type(s) is not str:
        return None
    m = _RFC3339.fullmatch(s)
    if not m:
        return None
    y, mo, d, h, mi, se = (int(m.group(i)) for i in range(1, 7))
    if not 1 <= mo <= 12:
        return None
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    mdays = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    if not 1 <= d <= mdays[mo - 1] or h > 23 or mi > 59 or se > 60:
        return None
    z = m.group(8)
    off = 0
    if z is not None and z not in ("Z", "z"):
        oh, om = int(z[1:3]), int(z[4:6])
        if oh > 23 or om > 59:
            return None
        off = (oh * 60 + om) * 60 * (1 if z[0] == "+" else -1)
    secs = _days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off
    frac = m.group(7)
    if frac and int(frac[1:]) != 0:
        return float(Fraction(secs) + Fraction(int(frac[1:]), 10 ** (len(frac) - 1)))
    return norm_int(secs)


def f_type(x):
    r = kind_rank(x)
    return ("null", "boolean", "boolean", "number", "string", "array",
            "object")[r]


FUNCS = {
    "len": (f_len, 1, 1), "lower": (f_lower, 1, 1), "upper": (f_upper, 1, 1),
    "contains": (f_contains, 2, 2), "starts_with": (f_starts_with, 2, 2),
    "ends_with": (f_ends_with, 2, 2), "substr": (f_substr, 2, 3),
    "split": (f_split, 2, 2), "exists": (None, 1, 1),
    "is_null": (f_is_null, 1, 1), "coalesce": (None, 1, 1 << 30),
    "int": (f_int, 1, 1), "float": (f_float, 1, 1), "str": (f_str, 1, 1),
    "abs": (f_abs, 1, 1), "round": (f_round, 1, 1), "floor": (f_floor, 1, 1),
    "ceil": (f_ceil, 1, 1), "epoch": (f_epoch, 1, 1), "type": (f_type, 1, 1),
}


class Parser:
    def __init__(self, text):
        self.text = text
        self.toks = tokenize(text)
        self.i = 0

    def peek(self, k=0):
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def at(self, kind, text=None, k=0):
        t = self.peek(k)
        return t is not None and t.kind == kind and (text is None or t.text == text)

    def take(self):
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect(self, text):
        if not self.at("op", text):
            raise RefError("expected %r in %r" % (text, self.text))
        return self.take()

    def parse(self):
        if not self.toks:
            raise RefError("empty expression")
        n = self.parse_or()
        if self.i != len(self.toks):
            raise RefError("unexpected %r in %r" % (self.peek().text, self.text))
        return n

    def parse_or(self):
        left = self.parse_and()
        while self.at("kw", "or"):
            self.take()
            right = self.parse_and()
            lf, rf = left.fn, right.fn
            left = fold(Node(lambda r, lf=lf, rf=rf: truthy(lf(r)) or truthy(rf(r))),
                        left.const and right.const)
        return left

    def parse_and(self):
        left = self.parse_not()
        while self.at("kw", "and"):
            self.take()
            right = self.parse_not()
            lf, rf = left.fn, right.fn
            left = fold(Node(lambda r, lf=lf, rf=rf: truthy(lf(r)) and truthy(rf(r))),
                        left.const and right.const)
        return left

    def parse_not(self):
        if self.at("kw", "not"):
            self.take()
            x = self.parse_not()
            f = x.fn
            return fold(Node(lambda r, f=f: not truthy(f(r))), x.const)
        return self.parse_cmp()

    def _is_cmp(self):
        t = self.peek()
        return t is not None and ((t.kind == "op" and t.text in CMP)
                                  or (t.kind == "op" and t.text == "=~")
                                  or (t.kind == "kw" and t.text == "in"))

    def parse_cmp(self):
        left = self.parse_add()
        if not self._is_cmp():
            return left
        op = self.take().text
        lf = left.fn
        if op == "=~":
            t = self.peek()
            if t is None or t.kind != "str":
                raise RefError("expected a string literal after '=~'")
            self.take()
            rx = re.compile(t.value)
            node = Node(lambda r, lf=lf, rx=rx: type(lf(r)) is str
                        and rx.search(lf(r)) is not None)
            node = fold(node, left.const)
        else:
            right = self.parse_add()
            rf = right.fn
            if op == "in":
                node = Node(lambda r, lf=lf, rf=rf: op_in(lf(r), rf(r)))
            else:
                c = CMP[op]
                node = Node(lambda r, lf=lf, rf=rf, c=c: c(lf(r), rf(r)))
            node = fold(node, left.const and right.const)
        if self._is_cmp():
            raise RefError("comparisons do not chain")
        return node

    def parse_add(self):
        left = self.parse_mul()
        while self.at("op", "+") or self.at("op", "-"):
            f = ARITH[self.take().text]
            right = self.parse_mul()
            lf, rf = left.fn, right.fn
            left = fold(Node(lambda r, lf=lf, rf=rf, f=f: f(lf(r), rf(r))),
                        left.const and right.const)
        return left

    def parse_mul(self):
        left = self.parse_unary()
        while self.at("op", "*") or self.at("op", "/") or self.at("op", "%"):
            f = ARITH[self.take().text]
            right = self.parse_unary()
            lf, rf = left.fn, right.fn
            left = fold(Node(lambda r, lf=lf, rf=rf, f=f: f(lf(r), rf(r))),
                        left.const and right.const)
        return left

    def parse_unary(self):
        if self.at("op", "-"):
            self.take()
            x = self.parse_unary()
            f = x.fn
            return fold(Node(lambda r, f=f: op_neg(f(r))), x.const)
        return self.parse_postfix()

    def _touch(self, k=0):
        """The token at k starts where the previous one ends."""
        t = self.peek(k)
        return t is not None and not t.ws

    def _key_after_dot(self):
        """After a '.', a touching identifier, keyword or string is a key."""
        t = self.peek()
        if t is not None and not t.ws and t.kind in ("ident", "kw", "str"):
            self.take()
            return ("key", t.value if t.kind == "str" else t.text)
        return None

    def _index_step(self):
        self.expect("[")
        x = self.parse_or()
        self.expect("]")
        if x.const:
            v = x.fn(None)
            if type(v) is str:
                return ("key", v)
            if is_num(v) and (type(v) is int or v.is_integer()):
                return ("idx", int(v))
            return ("dyn", x.fn)
        return ("dyn", x.fn)

    def parse_postfix(self):
        base, steps = self.parse_primary()
        while True:
            if self.at("op", ".") and self._touch():
                self.take()
                st = self._key_after_dot()
                if st is None:
                    if self.at("op", "[") and self._touch():
                        continue
                    raise RefError("expected a key after '.' in %r" % self.text)
                steps.append(st)
            elif self.at("op", "["):
                steps.append(self._index_step())
            else:
                break
        if base is None:
            return path_node(None, steps)
        if steps:
            return path_node(base, steps)
        return base

    def parse_primary(self):
        """Returns (base, steps): base None means a path from the record."""
        t = self.peek()
        if t is None:
            raise RefError("unexpected end of expression in %r" % self.text)
        if t.kind == "num" or t.kind == "str":
            self.take()
            return const_node(t.value), []
        if t.kind == "kw" and t.text in ("true", "false", "null"):
            self.take()
            return const_node({"true": True, "false": False, "null": None}[t.text]), []
        if t.kind == "op" and t.text == "(":
            self.take()
            x = self.parse_or()
            self.expect(")")
            return x, []
        if t.kind == "op" and t.text == "[":
            self.take()
            items = []
            if not self.at("op", "]"):
                while True:
                    items.append(self.parse_or())
                    if self.at("op", ","):
                        self.take()
                        continue
                    break
            self.expect("]")
            fns = [x.fn for x in items]
            node = Node(lambda r, fns=fns: [f(r) for f in fns])
            return fold(node, all(x.const for x in items)), []
        if t.kind == "op" and t.text == ".":
            self.take()
            st = self._key_after_dot()
            return None, [st] if st else []
        if t.kind == "ident":
            self.take()
            if self.at("op", "("):
                return self.parse_call(t.text), []
            return None, [("key", t.text)]
        raise RefError("unexpected %r in %r" % (t.text, self.text))

    def parse_call(self, name):
        if name not in FUNCS:
            raise RefError("unknown function '%s'" % name)
        fn, lo, hi = FUNCS[name]
        self.expect("(")
        args = []
        if not self.at("op", ")"):
            while True:
                args.append(self.parse_or())
                if self.at("op", ","):
                    self.take()
                    continue
                break
        self.expect(")")
        if not lo <= len(args) <= hi:
            raise RefError("%s() takes %d argument(s) (got %d)" % (name, lo, len(args)))
        if name == "exists":
            p = args[0].path
            if p is None:
                raise RefError("exists() takes a path")
            if p[0] == "root":
                steps = p[1]
                return Node(lambda r, steps=steps: _walk(r, steps, r) is not MISSING)
            bfn, steps = p[1].fn, p[2]
            return Node(lambda r, bfn=bfn, steps=steps:
                        _walk(bfn(r), steps, r) is not MISSING)
        fns = [a.fn for a in args]
        allc = all(a.const for a in args)
        if name == "coalesce":
            def co(r, fns=fns):
                for f in fns:
                    v = f(r)
                    if v is not None:
                        return v
                return None
            return fold(Node(co), allc)
        if len(fns) == 1:
            f0 = fns[0]
            return fold(Node(lambda r, fn=fn, f0=f0: fn(f0(r))), allc)
        if len(fns) == 2:
            f0, f1 = fns
            return fold(Node(lambda r, fn=fn, f0=f0, f1=f1: fn(f0(r), f1(r))), allc)
        return fold(Node(lambda r, fn=fn, fns=fns: fn(*[f(r) for f in fns])), allc)


def compile_expr(text):
    return Parser(text).parse()


def split_as(item):
    """'EXPR [as NAME]' -> (expr_text, name or None)."""
    toks = tokenize(item)
    if (len(toks) >= 3 and toks[-2].kind == "ident"
            and toks[-2].text.lower() == "as" and toks[-1].kind in ("ident", "str")):
        name = toks[-1].value if toks[-1].kind == "str" else toks[-1].text
        return item[:toks[-2].start], name
    return item, None


def parse_item_list(text):
    out = []
    for item in split_list(text):
        expr_text, name = split_as(item)
        if not expr_text.strip():
            raise RefError("empty item in list")
        out.append((name if name is not None else default_name(expr_text),
                    compile_expr(expr_text)))
    return out

# ---------------------------------------------------------------- aggregates


AGGS = {"count", "sum", "min", "max", "avg", "stddev", "var",
        "count_distinct", "approx_distinct", "quantile", "median",
        "quantile_exact", "top", "first", "last"}


class Agg:
    __slots__ = ("name", "func", "arg", "param")

    def __init__(self, name, func, arg, param):
        self.name, self.func, self.arg, self.param = name, func, arg, param


def parse_agg_list(text):
    out = []
    for item in split_list(text):
        call_text, name = split_as(item)
        toks = tokenize(call_text)
        if not toks or toks[0].kind != "ident":
            raise RefError("expected an aggregate in %r" % item)
        func = toks[0].text.lower()
        if func not in AGGS:
            raise RefError("unknown aggregate '%s'" % toks[0].text)
        arg = param = None
        if len(toks) > 1:
            inner = call_text[toks[1].start:toks[-1].end]
            if not (inner.startswith("(") and inner.endswith(")")):
                raise RefError("bad aggregate call %r" % item)
            parts = split_list(inner[1:-1])
            if parts:
                arg = compile_expr(parts[0])
            if len(parts) > 1:
                pn = compile_expr(parts[1])
                if not pn.const:
                    raise RefError("expected a number")
                param = pn.fn(None)
            if len(parts) > 2:
                raise RefError("too many arguments in %r" % item)
        if func != "count" and arg is None:
            raise RefError("%s needs an argument" % func)
        if func in ("quantile", "quantile_exact"):
            if not is_num(param) or not 0 <= param <= 1:
                raise RefError("q must be between 0 and 1")
        if func == "top":
            if not is_num(param) or param != int(param) or param < 1:
                raise RefError("k must be an integer >= 1")
            param = int(param)
        if func == "median":
            func, param = "quantile", 0.5
            kind = "median"
        else:
            kind = func
        out.append(Agg(name if name is not None else default_name(call_text),
                       kind, arg, param))
    return out


def _exact_float_sum(nums):
    try:
        s = math.fsum(float(v) for v in nums)
    except OverflowError:
        exact = sum(Fraction(float(v)) for v in nums)
        try:
            s = float(exact)
        except OverflowError:
            return None
    return finite(s)


def agg_result(a, vals, nrecords):
    """The value of aggregate a over the argument values of one group (in
    input order); vals is None for plain count."""
    f = a.func
    if f == "count":
        if a.arg is None:
            return nrecords
        return sum(1 for v in vals if v is not None)
    if f in ("first", "last"):
        if not vals:
            return None
        return vals[0] if f == "first" else vals[-1]
    nonnull = [v for v in vals if v is not None]
    if f in ("min", "max"):
        best = None
        for v in nonnull:
            if best is None:
                best = v
                continue
            c = compare(v, best)
            if (f == "min" and c < 0) or (f == "max" and c > 0):
                best = v
        return best
    if f in ("count_distinct", "approx_distinct"):
        return len({canon(v) for v in nonnull})
    if f == "top":
        counts = {}
        spelling = {}
        for v in nonnull:
            k = canon(v)
            if k not in counts:
                counts[k] = 0
                spelling[k] = v
            counts[k] += 1
        ranked = sorted(counts, key=functools.cmp_to_key(
            lambda x, y: (counts[y] - counts[x]) or compare(spelling[x], spelling[y])))
        return [{"value": spelling[k], "count": counts[k]} for k in ranked[:a.param]]
    nums = [v for v in nonnull if is_num(v)]
    if f == "sum":
        if not nums:
            return None
        if all(type(v) is int for v in nums):
            return sum(nums)
        return _exact_float_sum(nums)
    if f == "avg":
        if not nums:
            return None
        s = _exact_float_sum(nums)
        if s is None:
            return None
        return finite(s / len(nums))
    if f in ("var", "stddev"):
        n = len(nums)
        if n < 2:
            return None
        fl = [float(v) for v in nums]
        if any(abs(x) >= 2.0 ** 512 for x in fl):
            return None  # documented: the squares would overflow
        xs = [Fraction(x) for x in fl]
        s1 = sum(xs)
        s2 = sum(x * x for x in xs)
        var = (n * s2 - s1 * s1) / (n * (n - 1))
        try:
            fvar = float(var)
        except OverflowError:
            return None
        if not math.isfinite(fvar):
            return None
        if f == "var":
            return fvar
        return math.sqrt(fvar)
    if f in ("quantile", "median", "quantile_exact"):
        if not nums:
            return None
        # Sorted by value; among equal numbers ints first (the documented
        # choice of quantile_exact; it does not change the value).
        s = sorted(nums, key=functools.cmp_to_key(
            lambda x, y: compare(x, y) or ((type(x) is float) - (type(y) is float))))
        return s[math.floor(a.param * (len(s) - 1))]
    raise RefError("aggregate %s" % f)


def agg_tolerance(a):
    if a.func == "approx_distinct":
        return "approx_distinct"
    if a.func in ("quantile", "median"):
        return "quantile"
    if a.func in ("var", "stddev"):
        return "variance"
    return "exact"

# ---------------------------------------------------------------- queries


def parse_query_args(argv):
    """clusterproc job options -> dict."""
    q = {"where": [], "select": None, "count": False, "group_by": None,
         "agg": None, "sort": None, "limit": None}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--count":
            q["count"] = True
            i += 1
            continue
        key = {"--where": "where", "--select": "select", "--group-by": "group_by",
               "--agg": "agg", "--sort": "sort", "--limit": "limit"}.get(a)
        val = None
        if key is None and a.startswith("--") and "=" in a:
            k, _, val = a.partition("=")
            key = {"--where": "where", "--select": "select", "--group-by": "group_by",
                   "--agg": "agg", "--sort": "sort", "--limit": "limit"}.get(k)
        if key is None:
            raise RefError("reference_query.py does not know the option %r" % a)
        if val is None:
            if i + 1 >= len(argv):
                raise RefError("missing value for %s" % a)
            val = argv[i + 1]
            i += 2
        else:
            i += 1
        if key == "where":
            q["where"].append(val)
        elif key == "limit":
            q["limit"] = int(val)
        else:
            q[key] = val
    return q


class Data:
    """The records of the inputs: list of (value, raw line without ending)."""

    def __init__(self, paths):
        self.records = []
        self.bad = 0
        for path in paths:
            for _, raw in reference_summary.iter_lines(path):
                kind, value = reference_summary.classify(raw)
                if kind == "record":
                    line = raw[:-1] if raw.endswith(b"\n") else raw
                    if line.endswith(b"\r"):
                        line = line[:-1]  # CR LF is the line ending
                    self.records.append((record_value(value), line))
                elif kind == "bad":
                    self.bad += 1


class Expected:
    """kind: 'rows' (list of Pairs-like lists of (name, value)), 'lines' (raw
    bytes), 'count'; tolerances per column name."""

    def __init__(self, kind, rows, tol=None, may_stop_early=False):
        self.kind, self.rows = kind, rows
        self.tol = tol or {}
        self.may_stop_early = may_stop_early


def _sort_rows(rows, sort_text, columns, row_value):
    """Stable sort of rows; row_value(row) gives the value expressions are
    evaluated on; rows are lists of (name, value) pairs or raw records."""
    items = []
    for raw in split_list(sort_text):
        item = raw.strip()
        desc = False
        m = re.fullmatch(r"(.*\S)\s+(asc|desc)", item, re.S | re.I)
        if m:
            item, desc = m.group(1), m.group(2).lower() == "desc"
        name = default_name(item)
        if name in columns:
            idx = columns.index(name)
            items.append((lambda row, i=idx: row_value(row).get(columns[i]), desc))
        else:
            e = compile_expr(item)
            items.append((lambda row, f=e.fn: f(row_value(row)), desc))
    keyed = [([f(r) for f, _ in items], r) for r in rows]

    def cmp(x, y):
        for i, (_, desc) in enumerate(items):
            c = compare(x[0][i], y[0][i])
            if c:
                return -c if desc else c
        return 0

    keyed.sort(key=functools.cmp_to_key(cmp))
    return [r for _, r in keyed]


def _as_printed(row):
    """A row as clusterproc's output reads back (integral doubles print as
    integers, etc.): what --sort expressions see."""
    return plain(loads_output(to_json(dict(row))))


def expected_result(q, data):
    where = [compile_expr(w) for w in q["where"]]
    recs = data.records
    if where:
        fns = [w.fn for w in where]
        recs = [r for r in recs if all(truthy(f(r[0])) for f in fns)]
    aggregate = q["group_by"] is not None or q["agg"] is not None
    if q["count"]:
        return Expected("rows", [[("count", len(recs))]])
    if aggregate:
        keys = parse_item_list(q["group_by"]) if q["group_by"] else []
        aggs = parse_agg_list(q["agg"] if q["agg"] is not None else "count")
        groups = {}
        order = []
        for rec, _ in recs:
            kv = [k.fn(rec) for _, k in keys]
            ck = tuple(canon(v) for v in kv)
            g = groups.get(ck)
            if g is None:
                g = groups[ck] = (kv, [[] for _ in aggs], [0])
                order.append(ck)
            g[2][0] += 1
            for i, a in enumerate(aggs):
                if a.arg is not None:
                    g[1][i].append(a.arg.fn(rec))
        if not keys and not groups:
            groups[()] = ([], [[] for _ in aggs], [0])
            order.append(())
        glist = [groups[k] for k in order]
        glist.sort(key=functools.cmp_to_key(lambda x, y: compare(x[0], y[0])))
        rows = []
        for kv, vals, n in glist:
            row = [(name, v) for (name, _), v in zip(keys, kv)]
            for a, vs in zip(aggs, vals):
                row.append((a.name, agg_result(a, vs, n[0])))
            rows.append(row)
        columns = [n for n, _ in keys] + [a.name for a in aggs]
        tol = {a.name: agg_tolerance(a) for a in aggs}
        if q["sort"]:
            rows = _sort_rows(rows, q["sort"], columns, _as_printed)
        if q["limit"] is not None:
            rows = rows[:q["limit"]]
        return Expected("rows", rows, tol)
    if q["select"] is not None:
        items = parse_item_list(q["select"])
        rows = [[(name, e.fn(rec)) for name, e in items] for rec, _ in recs]
        columns = [n for n, _ in items]
        if q["sort"]:
            rows = _sort_rows(rows, q["sort"], columns, _as_printed)
        if q["limit"] is not None:
            rows = rows[:q["limit"]]
        return Expected("rows", rows, may_stop_early=(
            q["limit"] is not None and not q["sort"]))
    if where:
        lines = recs
        if q["sort"]:
            lines = _sort_rows(lines, q["sort"], [], lambda r: r[0])
        if q["limit"] is not None:
            lines = lines[:q["limit"]]
        return Expected("lines", [line for _, line in lines], may_stop_early=(
            q["limit"] is not None and not q["sort"]))
    raise RefError("not a query job (the summary is reference_summary.py)")

# ---------------------------------------------------------------- compare


def _num_same(e, g):
    if e != g:
        return False
    if e == 0:
        return (math.copysign(1, e) if type(e) is float else 1) == (
            math.copysign(1, g) if type(g) is float else 1)
    return True


def _show(v):
    if isinstance(v, Pairs):
        v = plain(v)
    try:
        return to_json(v)
    except Exception:  # noqa: BLE001
        return repr(v)


def compare_value(where, exp, got, mode, diffs):
    if mode == "approx_distinct" and is_num(exp):
        if not is_num(got) or abs(got - exp) > 0.05 * exp + 1:
            diffs.append(f"{where}: expected {exp} within 5%+1, got {_show(got)}")
        return
    if mode == "quantile" and is_num(exp):
        if not is_num(got):
            diffs.append(f"{where}: expected about {_show(exp)}, got {_show(got)}")
        elif exp == 0:
            if got != 0:
                diffs.append(f"{where}: expected exactly 0, got {_show(got)}")
        elif abs(got - exp) > 0.01 * abs(exp) * (1 + 1e-12) + 1e-300:
            diffs.append(f"{where}: expected {_show(exp)} within 1%, got {_show(got)}")
        return
    if mode == "variance" and is_num(exp):
        if not is_num(got) or abs(got - exp) > 1e-12 * abs(exp):
            diffs.append(f"{where}: expected {_show(exp)} within 1e-12 relative, "
                         f"got {_show(got)}")
        return
    ke, kg = kind_rank(exp), kind_rank(got)
    if ke in (1, 2) and kg in (1, 2):
        ke, kg = 1, 1
        if exp is not got:
            diffs.append(f"{where}: expected {_show(exp)}, got {_show(got)}")
            return
    if ke != kg:
        diffs.append(f"{where}: expected {_show(exp)}, got {_show(got)}")
        return
    if ke == 3:
        if not _num_same(exp, got):
            diffs.append(f"{where}: expected {_show(exp)}, got {_show(got)}")
        return
    if ke == 5:
        if len(exp) != len(got):
            diffs.append(f"{where}: expected {_show(exp)}, got {_show(got)}")
            return
        for i, (x, y) in enumerate(zip(exp, got)):
            compare_value(f"{where}[{i}]", x, y, "exact", diffs)
        return
    if ke == 6:
        ek = list(exp.keys()) if isinstance(exp, dict) else [k for k, _ in exp]
        gk = [k for k, _ in got] if isinstance(got, Pairs) else list(got.keys())
        if ek != gk:
            diffs.append(f"{where}: members {gk}, expected {ek} "
                         f"(expected {_show(exp)}, got {_show(got)})")
            return
        ev = list(exp.values()) if isinstance(exp, dict) else [v for _, v in exp]
        gv = [v for _, v in got] if isinstance(got, Pairs) else list(got.values())
        for k, x, y in zip(ek, ev, gv):
            compare_value(f"{where}.{k}", x, y, "exact", diffs)
        return
    if exp != got:
        diffs.append(f"{where}: expected {_show(exp)}, got {_show(got)}")


def compare_output(exp, out, diffs, limit=20):
    """Compares clusterproc's stdout (bytes) with the expected result."""
    lines = out.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    elif out:
        diffs.append("output does not end in a newline")
    if exp.kind == "lines":
        for i, (e, g) in enumerate(zip(exp.rows, lines)):
            if e != g:
                diffs.append(f"line {i + 1}: expected {e[:300]!r}\n"
                             f"          got {g[:300]!r}")
                if len(diffs) >= limit:
                    return
        if len(exp.rows) != len(lines):
            diffs.append(f"expected {len(exp.rows)} lines, got {len(lines)}")
        return
    for i, (e, g) in enumerate(zip(exp.rows, lines)):
        try:
            got = loads_output(g.decode("utf-8"))
        except ValueError as err:
            diffs.append(f"row {i + 1}: not JSON ({err}): {g[:300]!r}")
            continue
        if not isinstance(got, Pairs):
            diffs.append(f"row {i + 1}: not an object: {g[:300]!r}")
            continue
        names = [k for k, _ in e]
        gnames = [k for k, _ in got]
        if names != gnames:
            diffs.append(f"row {i + 1}: columns {gnames}, expected {names}")
            continue
        before = len(diffs)
        for (name, ev), (_, gv) in zip(e, got):
            compare_value(f"row {i + 1} {name}", ev, gv,
                          exp.tol.get(name, "exact"), diffs)
        if len(diffs) > before:
            diffs.append(f"  expected row {i + 1}: {_show(dict(e))}\n"
                         f"       got row {i + 1}: {g.decode('utf-8', 'replace')[:600]}")
        if len(diffs) >= limit:
            return
    if len(exp.rows) != len(lines):
        diffs.append(f"expected {len(exp.rows)} rows, got {len(lines)}")
        for j in range(len(lines), min(len(exp.rows), len(lines) + 3)):
            diffs.append(f"  missing row {j + 1}: {_show(dict(exp.rows[j]))}")
        for j in range(len(exp.rows), min(len(lines), len(exp.rows) + 3)):
            diffs.append(f"  extra row {j + 1}: {lines[j][:300]!r}")


def run_binary(binary, extra, opts, paths):
    cmd = [binary] + extra + opts + list(paths)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       check=False)
    return cmd, p


def check_query(binary, paths, opts, data, extra_args, verbose=False,
                equivalence=False):
    """Returns a list of difference lines (empty on a match)."""
    diffs = []
    try:
        exp = expected_result(parse_query_args(opts), data)
    except RefError as err:
        return [f"reference cannot run the query: {err}"], None, None
    cmd, p = run_binary(binary, extra_args, opts, paths)
    want = 3 if data.bad else 0
    ok_codes = {want, 0} if exp.may_stop_early else {want}
    if p.returncode not in ok_codes:
        diffs.append(f"exit status: expected {sorted(ok_codes)}, got {p.returncode}")
        err = p.stderr.decode("utf-8", "replace").strip().splitlines()
        diffs.extend("  stderr: " + line for line in err[:5])
    if p.returncode in (0, 3):
        compare_output(exp, p.stdout, diffs)
    if equivalence and p.returncode in (0, 3):
        outs = []
        for args in (["-j1"], ["-j3", "--chunk-size", "4K"]):
            c2, p2 = run_binary(binary, args, opts, paths)
            outs.append((args, p2))
        for args, p2 in outs:
            if p2.stdout != p.stdout or p2.returncode != p.returncode:
                diffs.append(f"{shlex.join(args)} differs from {shlex.join(extra_args)}"
                             f" (exit {p2.returncode} vs {p.returncode}; "
                             f"{len(p2.stdout)} vs {len(p.stdout)} bytes)")
    return diffs, cmd, len(exp.rows)


def report(cmd, diffs, nrows=None, show_ok=True):
    if diffs:
        print(f"MISMATCH: {shlex.join(cmd) if cmd else '(not run)'}")
        for d in diffs[:25]:
            print("  " + d)
        if len(diffs) > 25:
            print(f"  ... and {len(diffs) - 25} more")
    elif show_ok:
        print(f"OK: {shlex.join(cmd)}" + (f" ({nrows} rows)" if nrows is not None else ""))

# ---------------------------------------------------------------- random


NUM_FIELDS = ["bytes", "latency_ms", "status", "user.id", "geo.lat", "geo.lon",
              "geo.tz_offset", "score"]
STR_FIELDS = ["host", "method", "path", "user.name", "referrer", "geo.country",
              "ts", "user.agent"]
OTHER_FIELDS = ["tags", "cached", "user", "geo", ".[\"région\"]"]
NUM_EXPRS = ["bytes / 1000", "bytes % 1000", "latency_ms * 2 - 1", "-latency_ms",
             "user.id % 7", "coalesce(score, 0)", "status + 0.5", "len(path)",
             "len(tags)", "epoch(ts)", "round(latency_ms)", "floor(geo.lat)",
             "ceil(latency_ms)", "abs(geo.lon)", "int(substr(ts, 17, 2))",
             "float(str(status))", "bytes * 8", "geo.lat + geo.lon",
             "int(user.id / 100)", "tags[0] + tags[-1]"]
STR_EXPRS = ["lower(method)", "upper(geo.country)", "substr(host, 0, 3)",
             "substr(path, -4)", "split(path, \"/\")[1]", "tags[-1]", "str(status)",
             "method + \"/\" + host", "coalesce(referrer, 'none')", "type(score)",
             "lower(user.name)", "upper(user.name)", "substr(user.name, 1, 2)",
             ".tags[0]", ".[\"geo\"].country", "str(cached)"]
GROUP_KEYS = ["host", "method", "status", "geo.country", "cached", "user.id % 7",
              "status >= 500"]
REGEXES = ['"^web-0[1-4]\\\\."', "'users/[0-9]+$'", '"(?i)^get$"', "'^/api/v[12]/'",
           '"é|ł|ü"', "'^[A-Z]{2}$'", '"prod$"', "'^$'", '"Zo|山"', "'[0-9]{3}'"]


class Gen:
    def __init__(self, rng):
        self.r = rng

    def pick(self, xs):
        return self.r.choice(xs)

    def num_const(self, expr):
        table = {
            "bytes": ["0", "1000", "16842", "100000", "5e6", "1e9"],
            "latency_ms": ["10", "45.5", "100", "250.25", "1e3"],
            "status": ["200", "204", "301", "404", "500", "503"],
            "user.id": ["100", "5000", "50000", "99999"],
            "geo.lat": ["0", "-33.9", "40", "51.5"],
            "geo.lon": ["0", "-79.36", "31.2282", "126"],
            "geo.tz_offset": ["0", "-300", "60", "330"],
            "score": ["1", "1.0", "-0.5", "2500", "0.001", "-3.4E-5"],
        }
        return self.pick(table.get(expr, ["0", "1", "2", "3", "100", "1709251300",
                                          "-1", "0.5", "2.5"]))

    def str_const(self):
        return self.pick(['"GET"', "'POST'", '"web-04.prod"', '"KR"', '"US"', "'bob'",
                          '"Zoë"', '"Zo\\u00eb"', '"https://example.com/"', '""',
                          '"a"', '"m"', "'api'", '"bot"', '"/index.html"', "'Łukasz'",
                          '"number"', '"null"', '"200"'])

    def num(self):
        return self.pick(NUM_FIELDS + NUM_FIELDS + NUM_EXPRS)

    def string(self):
        return self.pick(STR_FIELDS + STR_FIELDS + STR_EXPRS)

    def cmp_op(self):
        return self.pick(["==", "!=", "<", "<=", ">", ">="])

    def pred(self, depth=0):
        r = self.r.random()
        if depth < 2 and r < 0.22:
            op = self.pick(["and", "or"])
            return f"{self.pred(depth + 1)} {op} {self.pred(depth + 1)}"
        if depth < 2 and r < 0.28:
            return f"not ({self.pred(depth + 1)})"
        if depth < 2 and r < 0.32:
            return f"({self.pred(depth + 1)})"
        choice = self.r.randrange(22)
        if choice < 4:
            e = self.num()
            return f"{e} {self.cmp_op()} {self.num_const(e)}"
        if choice < 6:
            return f"{self.string()} {self.cmp_op()} {self.str_const()}"
        if choice == 6:
            return f"{self.pick(STR_FIELDS + STR_EXPRS)} =~ {self.pick(REGEXES)}"
        if choice == 7:
            return self.pick(["status in [200, 204, 304]", "method in ['GET', \"POST\"]",
                              "geo.country in [\"KR\", 'US', null]",
                              "score in [1, 2500, -0.5]", "2.0 in [1, 2, status]",
                              "user.id % 7 in [0, 1.0]", "\"bot\" in tags",
                              "'v2' in split(path, '/')", "referrer in [null]",
                              "status in []", "cached in [true]"])
        if choice == 8:
            return self.pick(["contains(path, 'users')", "contains(tags, \"api\")",
                              "starts_with(host, 'web-0')", "ends_with(path, \".html\")",
                              "ends_with(host, 'prod')", "contains(user.name, 'o')",
                              "starts_with(ts, '2024-03-01T00:0')"])
        if choice == 9:
            return self.pick(["exists(geo.tz_offset)", "exists(user.name)",
                              "exists(.tags[1])", "exists(.[\"région\"])",
                              "not exists(user)", "is_null(referrer)", "is_null(user)",
                              "exists(.geo[\"country\"])", "exists(.user)"])
        if choice == 10:
            return self.pick(["cached", "cached == false", "not cached",
                              "user", "referrer", "tags", "score"])
        if choice == 11:
            a, b = self.num(), self.num()
            return f"{a} {self.cmp_op()} {b}"
        if choice == 12:
            return self.pick(["type(user) == 'object'", "type(score) == \"number\"",
                              "type(referrer) != 'string'", "len(user.name) > 4",
                              "len(tags) >= 2", "len(geo) == 4",
                              "substr(ts, 0, 10) == '2024-03-01'",
                              "split(path, '/')[1] == \"api\"",
                              "int(substr(ts, 11, 2)) < 1",
                              "round(latency_ms) % 2 == 0",
                              "floor(latency_ms) == ceil(latency_ms)",
                              "abs(geo.lon) > 50", "epoch(ts) > 1709251300",
                              "epoch(ts) < 1709251200.5",
                              "lower(method) == 'get'", "upper(host) =~ 'WEB'",
                              "coalesce(user.id, -1) > 50000",
                              "str(status) == '200'", "float(str(status)) >= 404",
                              "bytes / 1000 > 500", "bytes * 2 - 1 > 10000",
                              "-latency_ms < -50", "geo.lat + geo.lon > 0",
                              "status - 400 >= 0", "user.id % 7 == 3",
                              "-7 % 3 == -1", "7.9 % 3 == 1"])
        if choice == 13:
            # cross-type comparisons in jq order
            return self.pick(["referrer < 'h'", "score >= 1", "user.name < 100",
                              "geo > null", "tags > 'x'", "user > tags",
                              "cached < 0", "referrer == null", "score != null",
                              "user.id >= '0'", "tags[0] < tags[-1]",
                              "geo.tz_offset <= 0", "[status, method] < [300, 'H']",
                              ".geo == .geo", "user != null"])
        if choice == 14:
            return f"{self.num()} + {self.num()} > {self.num_const('x')}"
        if choice == 15:
            return f"{self.num()} * {self.num()} {self.cmp_op()} {self.num_const('bytes')}"
        if choice == 16:
            return f"{self.num()} / {self.num()} {self.cmp_op()} {self.num_const('x')}"
        if choice == 17:
            return f"{self.num()} % {self.pick(['2', '3', '7', '0', '2.5', '-4'])} == " \
                   f"{self.pick(['0', '1', '-1'])}"
        if choice == 18:
            return f"-{self.pick(NUM_FIELDS)} {self.cmp_op()} {self.num_const('x')}"
        if choice == 19:
            return f"{self.string()} {self.cmp_op()} {self.string()}"
        if choice == 20:
            return self.pick(["'a' + 'b' == \"ab\"", "[1] + [2] == [1, 2.0]",
                              "tags + ['x'] != tags", "host + method > 'w'",
                              "null + 1 == null", "(1 and 'x') == true",
                              "not not cached", "1 == 1.0", "100 == 1e2"])
        return f"{self.string()} {self.cmp_op()} {self.str_const()}"

    def agg_arg(self):
        return self.pick(NUM_FIELDS + NUM_FIELDS + STR_FIELDS +
                         ["tags", "cached", "user.name", "referrer", "bytes * 8",
                          "epoch(ts)", "len(tags)", "geo.lat + geo.lon",
                          "latency_ms / 3", "score"])

    def agg(self):
        f = self.pick(["count", "count", "sum", "sum", "min", "max", "avg", "avg",
                       "stddev", "var", "count_distinct", "approx_distinct",
                       "quantile", "median", "quantile_exact", "top", "first",
                       "last"])
        if f == "count":
            if self.r.random() < 0.5:
                return "count"
            return f"count({self.agg_arg()})"
        x = self.agg_arg()
        if f in ("quantile", "quantile_exact"):
            q = self.pick(["0", "0.01", "0.25", "0.5", "0.9", "0.99", "1", "1/3"])
            return f"{f}({x}, {q})"
        if f == "top":
            return f"top({x}, {self.pick(['1', '2', '3', '5'])})"
        return f"{f}({x})"

    def query(self):
        r = self.r.random()
        opts = []
        if self.r.random() < 0.6:
            for _ in range(1 if self.r.random() < 0.8 else 2):
                opts += ["--where", self.pred()]
        if r < 0.55:
            keys = []
            if self.r.random() < 0.85:
                keys = self.r.sample(GROUP_KEYS, self.pick([1, 1, 2]))
                named = []
                for i, k in enumerate(keys):
                    if self.r.random() < 0.15:
                        named.append(f"{k} as k{i}")
                    else:
                        named.append(k)
                opts += ["--group-by", ", ".join(named)]
            aggs = []
            for _ in range(self.r.randint(1, 5)):
                a = self.agg()
                if a not in aggs:
                    aggs.append(a)
            if keys and self.r.random() < 0.1:
                aggs = ["count"]  # --group-by alone counts
            else:
                opts += ["--agg", ", ".join(aggs)]
            if self.r.random() < 0.4:
                cols = [default_name(split_as(k)[0]) if " as " not in k else
                        k.split(" as ")[1] for k in
                        (named if keys else [])]
                exact_aggs = [default_name(a) for a in aggs
                              if not a.startswith(("quantile(", "median(", "approx_",
                                                   "var(", "stddev("))]
                cands = [a for a in aggs if not a.startswith(
                    ("quantile(", "median(", "approx_", "var(", "stddev("))]
                choices = cands + cols + [".[\"%s\"] * -1" % c for c in exact_aggs]
                if "host" in cols:
                    choices.append("len(host)")
                if choices:
                    items = self.r.sample(choices, min(len(choices), self.pick([1, 1, 2])))
                    opts += ["--sort", ", ".join(
                        i + self.pick(["", " asc", " desc", " desc"]) for i in items)]
            if self.r.random() < 0.3:
                opts += ["--limit", str(self.pick([1, 2, 3, 5, 10]))]
            return opts
        if r < 0.75:
            items = []
            for _ in range(self.r.randint(1, 4)):
                e = self.pick(NUM_FIELDS + STR_FIELDS + NUM_EXPRS + STR_EXPRS +
                              OTHER_FIELDS)
                if e in [x.split(" as ")[0] for x in items]:
                    continue
                if self.r.random() < 0.2:
                    e = f"{e} as c{len(items)}"
                items.append(e)
            opts += ["--select", ", ".join(items)]
            if self.r.random() < 0.4:
                names = [x.split(" as ")[1] if " as " in x else x for x in items]
                it = self.pick(names)
                opts += ["--sort", it + self.pick(["", " asc", " desc"])]
            if self.r.random() < 0.6:
                opts += ["--limit", str(self.pick([1, 5, 20, 100]))]
            return opts
        if r < 0.9:
            if not opts:
                opts += ["--where", self.pred()]
            if self.r.random() < 0.3:
                opts += ["--sort", self.pick(["status desc", "latency_ms", "user.name",
                                              "epoch(ts) desc", "len(path), host desc",
                                              "score asc"])]
            if self.r.random() < 0.5:
                opts += ["--limit", str(self.pick([1, 3, 10, 50]))]
            return opts
        return opts + ["--count"]


def random_mode(n, seed, binary, paths, verbose, extra_args):
    data = Data(paths)
    gen = Gen(random.Random(seed))
    failures = 0
    for i in range(n):
        opts = gen.query()
        diffs, cmd, nrows = check_query(binary, paths, opts, data, extra_args,
                                        equivalence=True)
        if diffs:
            failures += 1
            print(f"--- query {i + 1}/{n} FAILED; reproduce with:")
            print("  " + shlex.join([sys.argv[0], "--check", binary] + list(paths)
                                    + ["--"] + opts))
            report(cmd, diffs)
        elif verbose:
            print(f"ok {i + 1} ({nrows} rows): {shlex.join(opts)}")
    print(f"random: {n - failures}/{n} queries passed (seed {seed}, "
          f"{len(data.records)} records, {data.bad} bad lines)")
    return 1 if failures else 0

def check_list(listfile, binary, paths, extra_args):
    data = Data(paths)
    failures = 0
    with open(listfile, encoding="utf-8") as f:
        queries = [line.rstrip("\n") for line in f]
    for line in queries:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        known = line.startswith("KNOWN ")
        opts = shlex.split(line[6:] if known else line)
        diffs, cmd, nrows = check_query(binary, paths, opts, data, extra_args)
        shown = shlex.join(cmd) if cmd else shlex.join(opts)
        if known:
            if diffs:
                print(f"KNOWN: {shown}")
                for d in diffs[:6]:
                    print("  " + d)
            else:
                failures += 1
                print(f"FIXED: {shown} (matches now: remove its KNOWN mark)")
            continue
        if diffs:
            failures += 1
            report(cmd, diffs)
            if cmd is None:
                print("  query: " + shlex.join(opts))
        else:
            print(f"OK: {shown} ({nrows} rows)")
    return 1 if failures else 0

# ---------------------------------------------------------------- main


def main(argv):
    sys.setrecursionlimit(max(sys.getrecursionlimit(),
                              4 * reference_summary.MAX_DEPTH))
    extra_args = shlex.split(os.environ.get("CLUSTERPROC_CHECK_ARGS", "-j2"))
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    if argv[0] == "--random":
        args = argv[1:]
        try:
            n = int(args.pop(0))
            seed = 1
            verbose = False
            while args and args[0].startswith("--"):
                a = args.pop(0)
                if a == "--seed":
                    seed = int(args.pop(0))
                elif a == "--verbose":
                    verbose = True
                else:
                    raise ValueError(a)
            binary, paths = args[0], args[1:]
        except (IndexError, ValueError):
            print("usage: reference_query.py --random N [--seed S] [--verbose] "
                  "BIN FILE...", file=sys.stderr)
            return 2
        if not paths:
            print("reference_query.py: no input FILE", file=sys.stderr)
            return 2
        return random_mode(n, seed, binary, paths, verbose, extra_args)
    if argv[0] == "--check-list":
        if len(argv) < 4:
            print("usage: reference_query.py --check-list LISTFILE BIN FILE...",
                  file=sys.stderr)
            return 2
        return check_list(argv[1], argv[2], argv[3:], extra_args)
    if argv[0] in ("--check", "--print") and "--" in argv:
        sep = argv.index("--")
        opts = argv[sep + 1:]
        if argv[0] == "--check":
            if sep < 3:
                print("usage: reference_query.py --check BIN FILE... -- OPTIONS",
                      file=sys.stderr)
                return 2
            binary, paths = argv[1], argv[2:sep]
            data = Data(paths)
            diffs, cmd, nrows = check_query(binary, paths, opts, data, extra_args)
            report(cmd, diffs, nrows)
            return 1 if diffs else 0
        paths = argv[1:sep]
        data = Data(paths)
        try:
            exp = expected_result(parse_query_args(opts), data)
        except RefError as err:
            print(f"reference_query.py: {err}", file=sys.stderr)
            return 1
        out = sys.stdout.buffer
        for row in exp.rows:
            if exp.kind == "lines":
                out.write(row + b"\n")
            else:
                out.write(to_json(dict(row)).encode("utf-8") + b"\n")
        return 0
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
