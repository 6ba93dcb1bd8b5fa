#!/usr/bin/env python3
"""Independent computation of clusterproc's default job, the summary (SPEC 5).

Usage:
  reference_summary.py FILE...
      Prints the expected summary as one compact JSON object.
  reference_summary.py --check CLUSTERPROC_BIN FILE...
      Runs `CLUSTERPROC_BIN -j2 FILE...` (the environment variable
      CLUSTERPROC_CHECK_ARGS, split like a shell would, replaces `-j2`),
      compares its output with the expected one and prints the differences.
      Exit status 0 on a match, 1 on a mismatch.

Standard library only. It is slow (pure Python) but its memory grows only
with the number of distinct values, not with the input size. FILE may be `-`
for standard input; compressed input is not supported.

Rules (the contract the C++ output is checked against):
- A line ends in LF; a CR before the LF is dropped. A line that is empty or
  only spaces, tabs and CRs is blank: skipped, not a record.
- Any other line is a record if it is exactly one valid RFC 8259 JSON value:
  strict UTF-8, no NaN/Infinity, no lone surrogate escape, integers in
  [-2^63, 2^64), finite numbers, at most 1024 nested arrays and objects
  (simdjson's default); otherwise it is a bad record.
- records / bad_records / bytes (every input byte, newlines included).
- fields: one entry per path, sorted by UTF-8 bytes. Object members are paths
  (`parent.child` for nested objects, which also get their own entry), a
  record that is not an object is counted under `.`. Duplicate keys count
  once per occurrence.
- STATS, members in this order, absent ones omitted:
  count, types (null bool int float string array object, nonzero only),
  min, max (numbers; an int wins a tie with a float), mean (math.fsum of the
  numbers as floats / how many numbers), p50, p99 (numbers: the value of rank
  floor(q * (n - 1)) among them sorted; exact when the path has at most 100
  distinct values, else checked within the sketch's 1 % relative error), min_string, max_string (strings, by code point = UTF-8
  bytes), approx_distinct (distinct non-null scalars, identity = type +
  value; omitted when there are none), top (when 1..100 distinct values: up
  to 5 {"value","count"} by count descending, then value ascending: false <
  true < numbers < strings), then for the elements of the arrays at the
  path, when there are any, elements: STATS of every element, with fields
  (the paths of the keys of the objects among them, as at the top) and
  elements (of the arrays among them).
- An int is a number spelled without `.`, `e` or `E`; anything else is a float.
"""

import json
import math
import os
import re
import shlex
import subprocess
import sys

INT_MIN = -(2**63)
INT_END = 2**64
TOP_MAX_DISTINCT = 100
TOP_SIZE = 5
APPROX_TOLERANCE = 0.05
QUANTILES = (("p50", 0.5), ("p99", 0.99))
# DDSketch's relative accuracy (1 %), plus rounding.
QUANTILE_TOLERANCE = 0.01 * (1 + 1e-9)
TYPE_NAMES = ("null", "bool", "int", "float", "string", "array", "object")
T_NULL, T_BOOL, T_INT, T_FLOAT, T_STRING, T_ARRAY, T_OBJECT = range(7)
# Every finite double is an integer multiple of 2^-1074: sums scaled by 2^1074
# are exact Python ints, and int / int division is correctly rounded, which
# gives math.fsum's result without keeping every value in memory.
FSUM_SHIFT = 1074
# simdjson's default limit: 1024 nested arrays/objects parse, 1025 do not.
MAX_DEPTH = 1024


class BadRecord(ValueError):
    pass


class Obj(list):
    """A JSON object as its (key, value) pairs, duplicates kept, in order."""

    __slots__ = ()


def _parse_int(text):
    value = int(text)
    if not INT_MIN <= value < INT_END:
        raise BadRecord("integer out of range")
    return value


def _parse_float(text):
    value = float(text)
    if math.isinf(value):
        raise BadRecord("number out of range")
    return value


def _parse_constant(text):
    raise BadRecord("not JSON: " + text)


_DECODER = json.JSONDecoder(
    object_pairs_hook=Obj,
    parse_int=_parse_int,
    parse_float=_parse_float,
    parse_constant=_parse_constant,
)
_MAYBE_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_lone_surrogate(value):
    """After decoding, only an unpaired \\uD8xx-\\uDFxx escape leaves a
    surrogate code point in a string (pairs are combined)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            if _SURROGATE.search(v):
                return True
        elif isinstance(v, Obj):
            for k, item in v:
                if _SURROGATE.search(k):
                    return True
                stack.append(item)
        elif isinstance(v, list):
            stack.extend(v)
    return False


def _depth(value):
    deepest = 0
    stack = [(value, 1)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, Obj):
            deepest = max(deepest, d)
            stack.extend((item, d + 1) for _, item in v)
        elif isinstance(v, list):
            deepest = max(deepest, d)
            stack.extend((item, d + 1) for item in v)
    return deepest


def parse_record(line):
    """Parses one line (without its LF) and returns the value; raises
    ValueError (or RecursionError) when the line is not a valid record."""
    text = line.decode("utf-8")  # strict: rejects bad and overlong bytes
    value = _DECODER.decode(text)  # rejects trailing data; no BOM allowed
    if _MAYBE_SURROGATE.search(line) and _has_lone_surrogate(value):
        raise BadRecord("lone surrogate escape")
    if (line.count(b"[") + line.count(b"{") > MAX_DEPTH
            and _depth(value) > MAX_DEPTH):
        raise BadRecord("too deeply nested")
    return value


def iter_lines(path):
    """Yields (line_number, raw_line_with_ending) for one input."""
    if path == "-":
        stream = sys.stdin.buffer
        yield from enumerate(stream, 1)
        return
    with open(path, "rb") as stream:
        yield from enumerate(stream, 1)


def classify(raw):
    """Returns (kind, value) for one raw line: kind is 'blank', 'bad' or
    'record'."""
    line = raw[:-1] if raw.endswith(b"\n") else raw
    if line.endswith(b"\r"):
        line = line[:-1]
    if not line.strip(b" \t\r"):
        return "blank", None
    try:
        return "record", parse_record(line)
    except (ValueError, RecursionError):
        return "bad", None


def scan(paths, on_record=None, on_bad=None):
    """Reads every input; returns (records, bad_records, bytes)."""
    records = bad = nbytes = 0
    for path in paths:
        for number, raw in iter_lines(path):
            nbytes += len(raw)
            kind, value = classify(raw)
            if kind == "record":
                records += 1
                if on_record:
                    on_record(value)
            elif kind == "bad":
                bad += 1
                if on_bad:
                    on_bad(path, number)
    return records, bad, nbytes


class FieldStats:
    __slots__ = ("count", "types", "min", "max", "numbers", "scaled_sum",
                 "values", "number_counts", "min_string", "max_string",
                 "fields", "elements")

    def __init__(self):
        self.count = 0
        self.types = [0] * 7
        self.min = None
        self.max = None
        self.numbers = 0
        self.scaled_sum = 0
        self.values = {}  # value key -> occurrences
        self.number_counts = {}  # number -> occurrences
        self.min_string = None
        self.max_string = None
        self.fields = {}  # for elements: path -> FieldStats of object keys
        self.elements = None  # FieldStats of the elements of arrays here

    def add(self, v):
        self.count += 1
        if v is None:
            self.types[T_NULL] += 1
            return
        if v is True or v is False:
            self.types[T_BOOL] += 1
            key = ("b", v)
        elif isinstance(v, int):
            self.types[T_INT] += 1
            self._add_number(v)
            key = v
        elif isinstance(v, float):
            self.types[T_FLOAT] += 1
            self._add_number(v)
            key = ("f", v)
        elif isinstance(v, str):
            self.types[T_STRING] += 1
            if self.min_string is None or v < self.min_string:
                self.min_string = v
            if self.max_string is None or v > self.max_string:
                self.max_string = v
            key = v
        elif isinstance(v, Obj):
            self.types[T_OBJECT] += 1
            return
        else:
            self.types[T_ARRAY] += 1
            return
        self.values[key] = self.values.get(key, 0) + 1

    def _add_number(self, v):
        self.numbers += 1
        # 1 and 1.0 share a key: the same number for ranks.
        self.number_counts[v] = self.number_counts.get(v, 0) + 1
        n, d = float(v).as_integer_ratio()
        self.scaled_sum += n << (FSUM_SHIFT - (d.bit_length() - 1))
        # Numeric comparisons between Python ints and floats are exact.
        if (self.min is None or v < self.min
                or (v == self.min and isinstance(self.min, float)
                    and isinstance(v, int))):
            self.min = v
        if (self.max is None or v > self.max
                or (v == self.max and isinstance(self.max, float)
                    and isinstance(v, int))):
            self.max = v

    def fsum(self):
        return self.scaled_sum / (1 << FSUM_SHIFT)

    def render(self):
        out = {"count": self.count}
        out["types"] = {
            TYPE_NAMES[i]: n for i, n in enumerate(self.types) if n
        }
        if self.numbers:
            out["min"] = self.min
            out["max"] = self.max
            out["mean"] = self.fsum() / self.numbers
            ranked = sorted(self.number_counts.items())
            for name, q in QUANTILES:
                out[name] = _rank_value(ranked, q, self.numbers)
        if self.min_string is not None:
            out["min_string"] = self.min_string
            out["max_string"] = self.max_string
        distinct = len(self.values)
        if distinct:
            out["approx_distinct"] = distinct
        if 0 < distinct <= TOP_MAX_DISTINCT:
            ranked = sorted(self.values.items(),
                            key=lambda kv: (-kv[1], _value_order(kv[0])))
            out["top"] = [{"value": _plain(k), "count": c}
                          for k, c in ranked[:TOP_SIZE]]
        if self.fields:
            out["fields"] = _render_fields(self.fields)
        if self.elements is not None:
            out["elements"] = self.elements.render()
        return out


def _rank_value(ranked, q, n):
    """The value of 0-based rank floor(q * (n - 1)) among the numbers, given
    as sorted (value, occurrences) pairs."""
    rank = math.floor(q * (n - 1))
    seen = 0
    for value, count in ranked:
        seen += count
        if seen > rank:
            return value
    raise AssertionError("rank beyond the numbers")


def _render_fields(fields):
    return {path: fields[path].render()
            for path in sorted(fields, key=lambda p: p.encode("utf-8"))}


# Arrays nested deeper than this are counted but their elements are not
# profiled (the summary's JSON must stay readable by any JSON parser).
MAX_ELEMENT_DEPTH = 16


def _add_value(st, v, arrays=0):
    """Counts v at st; the elements of an array at st.elements, the keys of
    an object element in the elements' fields. arrays: the arrays around v."""
    st.add(v)
    if isinstance(v, list) and not isinstance(v, Obj) and v and arrays < MAX_ELEMENT_DEPTH:
        if st.elements is None:
            st.elements = FieldStats()
        for item in v:
            _add_value(st.elements, item, arrays + 1)
            if isinstance(item, Obj):
                _add_object(st.elements.fields, item, arrays + 1)


def _add_object(fields, obj, arrays=0):
    """Counts the members of obj (and nested objects) in fields by path."""
    stack = [("", obj)]
    while stack:
        prefix, o = stack.pop()
        for key, value in o:
            path = path_step(prefix, key)
            st = fields.get(path)
            if st is None:
                st = fields[path] = FieldStats()
            _add_value(st, value, arrays)
            if isinstance(value, Obj):
                stack.append((path, value))


def _plain(key):
    return key[1] if isinstance(key, tuple) else key


def _value_order(key):
    """false < true < numbers (numerically, int before float on a tie) <
    strings (by UTF-8 bytes)."""
    if isinstance(key, tuple):
        if key[0] == "b":
            return (0, key[1], 0)
        return (1, key[1], 1)
    if isinstance(key, int):
        return (1, key, 0)
    return (2, key.encode("utf-8"), 0)


PLAIN_KEY = re.compile(r"[A-Za-z_\u0080-\U0010ffff][A-Za-z0-9_\u0080-\U0010ffff]*\Z")
KEYWORDS = {"true", "false", "null", "and", "or", "not", "in", "case"}


def path_step(prefix, key):
    """The summary's path of key below prefix: usable as an expression."""
    if PLAIN_KEY.match(key) and key not in KEYWORDS:
        return prefix + "." + key if prefix else key
    return (prefix or ".") + "[" + json.dumps(key, ensure_ascii=False) + "]"


class Summary:
    def __init__(self):
        self.fields = {}

    def _stats(self, path):
        st = self.fields.get(path)
        if st is None:
            st = self.fields[path] = FieldStats()
        return st

    def add(self, record):
        if not isinstance(record, Obj):
            _add_value(self._stats("."), record)
            return
        _add_object(self.fields, record)

    def render(self, records, bad, nbytes):
        return {"records": records, "bad_records": bad, "bytes": nbytes,
                "fields": _render_fields(self.fields)}


def expected_summary(paths):
    summary = Summary()
    records, bad, nbytes = scan(paths, on_record=summary.add)
    return summary.render(records, bad, nbytes)


def dump(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False)


# ------------------------------------------------------------------ --check


def _loads_ordered(text):
    """Parses JSON keeping object members in order (as Obj pairs)."""
    return json.JSONDecoder(object_pairs_hook=Obj,
                            parse_constant=_parse_constant).decode(text)


def _to_ordered(value):
    if isinstance(value, dict):
        return Obj((k, _to_ordered(v)) for k, v in value.items())
    if isinstance(value, list):
        return [_to_ordered(v) for v in value]
    return value


def _kind(v):
    if v is None:
        return "null"
    if v is True or v is False:
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, Obj):
        return "object"
    return "array"


def _compare(where, exp, got, diffs, approx_exact=None, quantile=False):
    """Appends human-readable differences between exp and got to diffs."""
    if quantile:  # p50/p99: the sketch's answer for the exact value exp
        if _kind(got) != "number" or abs(got - exp) > (
                QUANTILE_TOLERANCE * abs(exp)):
            diffs.append(f"{where}: expected {dump_any(exp)} within 1 %, "
                         f"got {dump_any(got)}")
        return
    if approx_exact is not None:  # approx_distinct of a high-cardinality field
        if _kind(got) != "number" or abs(got - approx_exact) > (
                APPROX_TOLERANCE * approx_exact):
            diffs.append(f"{where}: expected {approx_exact} within "
                         f"{APPROX_TOLERANCE:.0%}, got {dump_any(got)}")
        return
    if _kind(exp) != _kind(got):
        diffs.append(f"{where}: expected {dump_any(exp)}, got {dump_any(got)}")
        return
    if isinstance(exp, Obj):
        exp_keys = [k for k, _ in exp]
        got_keys = [k for k, _ in got]
        if exp_keys != got_keys:
            missing = [k for k in exp_keys if k not in got_keys]
            extra = [k for k in got_keys if k not in exp_keys]
            if missing:
                diffs.append(f"{where}: missing members {missing}")
            if extra:
                diffs.append(f"{where}: unexpected members {extra}")
            if not missing and not extra:
                diffs.append(f"{where}: members in order {got_keys}, "
                             f"expected {exp_keys}")
        got_map = {}
        for k, v in got:
            got_map.setdefault(k, v)
        in_field = where.startswith("fields[")
        sketched = in_field and any(
            k == "approx_distinct" and v > TOP_MAX_DISTINCT for k, v in exp)
        for k, v in exp:
            if k not in got_map:
                continue
            sub = f"{where}[{json.dumps(k, ensure_ascii=False)}]" if (
                where == "fields") else f"{where}.{k}" if where else k
            approx = None
            if in_field and k == "approx_distinct" and v > TOP_MAX_DISTINCT:
                approx = v
            _compare(sub, v, got_map[k], diffs, approx,
                     sketched and k in ("p50", "p99"))
        return
    if isinstance(exp, list):
        if len(exp) != len(got):
            diffs.append(f"{where}: expected {len(exp)} items, got {len(got)}:"
                         f" {dump_any(got)}")
        for i, (e, g) in enumerate(zip(exp, got)):
            _compare(f"{where}[{i}]", e, g, diffs)
        return
    if exp != got:  # numbers by exact value, whatever their spelling
        diffs.append(f"{where}: expected {dump_any(exp)}, got {dump_any(got)}")


def dump_any(value):
    def plain(v):
        if isinstance(v, Obj):
            return {k: plain(x) for k, x in v}
        if isinstance(v, list):
            return [plain(x) for x in v]
        return v
    return dump(plain(value))


def check(binary, paths):
    expected = expected_summary(paths)
    args = shlex.split(os.environ.get("CLUSTERPROC_CHECK_ARGS", "-j2"))
    command = [binary] + args + list(paths)
    proc = subprocess.run(command, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, check=False)
    diffs = []
    want_status = 3 if expected["bad_records"] else 0
    if proc.returncode != want_status:
        diffs.append(f"exit status: expected {want_status}, "
                     f"got {proc.returncode}")
    try:
        text = proc.stdout.decode("utf-8")
        got = _loads_ordered(text)
    except ValueError as err:
        diffs.append(f"output is not one JSON value: {err}")
        got = None
    if got is not None:
        if text.count("\n") != 1 or not text.endswith("\n"):
            diffs.append("output is not exactly one line ending in a newline")
        _compare("", _to_ordered(expected), got, diffs)
    if diffs:
        print(f"MISMATCH: {shlex.join(command)}")
        for d in diffs[:200]:
            print("  " + d)
        if len(diffs) > 200:
            print(f"  ... and {len(diffs) - 200} more")
        if proc.stderr:
            err = proc.stderr.decode("utf-8", "replace")
            print("stderr:\n" + err[-2000:])
        return 1
    print(f"OK: {shlex.join(command)} ({expected['records']} records, "
          f"{expected['bad_records']} bad, {len(expected['fields'])} fields)")
    return 0


def main(argv):
    # Lets the decoder reach MAX_DEPTH; deeper lines fail either way.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 4 * MAX_DEPTH))
    if len(argv) >= 1 and argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    if argv and argv[0] == "--check":
        if len(argv) < 3:
            print("usage: reference_summary.py --check CLUSTERPROC_BIN FILE...",
                  file=sys.stderr)
            return 2
        return check(argv[1], argv[2:])
    if not argv:
        print("usage: reference_summary.py [--check CLUSTERPROC_BIN] FILE...",
              file=sys.stderr)
        return 2
    sys.stdout.buffer.write(dump(expected_summary(argv)).encode("utf-8"))
    sys.stdout.buffer.write(b"\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
