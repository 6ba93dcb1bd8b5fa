# Answers checked against independent Python computations.
want=$(python3 "$ROOT/tests/reference_count.py" "$T/eq.jsonl" "$T/eq-crlf.jsonl" 2> "$T/ref-bad.txt")
got=$("$BIN" -j2 --count "$T/eq.jsonl" "$T/eq-crlf.jsonl" 2> "$T/bin-bad.txt")
expect_eq "--count equals reference_count.py" "$want" "$got"
"$BIN" -j2 --count --bad-records "$T/bad.jsonl" "$T/eq.jsonl" "$T/eq-crlf.jsonl" > /dev/null 2>&1
python3 - "$T/bad.jsonl" "$T/ref-bad.txt" <<'PY' && ok "--bad-records lines == reference bad lines" || fail "--bad-records lines differ from reference"
import json, sys
got = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
want = [l.strip() for l in open(sys.argv[2]) if l.strip()]
assert [f"{g['file']}:{g['line']}" for g in got] == want, (got[:3], want[:3])
for g in got:
    assert set(g) == {"file", "line", "offset", "error", "raw"}
    assert g["error"].startswith("invalid JSON at column "), g
PY
python3 - "$T/bad.jsonl" "$T/eq.jsonl" <<'PY' && ok "--bad-records offset and raw point at the bad line" || fail "--bad-records offset/raw wrong"
import json, sys
data = open(sys.argv[2], "rb").read()
for l in open(sys.argv[1], encoding="utf-8"):
    g = json.loads(l)
    if g["file"] != sys.argv[2]:
        continue
    line = data[g["offset"]:].split(b"\n", 1)[0].rstrip(b"\r")
    assert line.decode("utf-8", "replace") == g["raw"], (g, line)
    assert data[:g["offset"]].count(b"\n") + 1 == g["line"], g
PY
if python3 "$ROOT/tests/reference_summary.py" --check "$BIN" "$ROOT/data/sample.jsonl" > "$T/sum.txt" 2>&1; then
  ok "summary of data/sample.jsonl equals reference_summary.py"
else
  fail "summary of data/sample.jsonl differs from reference_summary.py"; head -20 "$T/sum.txt"
fi
if python3 "$ROOT/tests/reference_summary.py" --check "$BIN" "$T/eq.jsonl" "$T/eq-crlf.jsonl" > "$T/sum.txt" 2>&1; then
  ok "summary of generated data with bad lines equals reference_summary.py"
else
  fail "summary of generated data differs from reference_summary.py"; head -20 "$T/sum.txt"
fi
