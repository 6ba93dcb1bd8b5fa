# Shared by the case files of compressed input (sourced; they define run_norm
# FILE ARGS..., printing "exit N", stdout and stderr with the name as F).

# flip_byte IN AT OUT: OUT is IN with the byte at offset AT xor 0x55.
flip_byte() {
  python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[int(sys.argv[2])] ^= 0x55
open(sys.argv[3], "wb").write(d)' "$1" "$2" "$3"
}

# check_decode_damage NAME FILE: the master's decoding of damaged FILE (-j1,
# CLUSTERPROC_DECODE=master) is the reference; every job of the array
# damage_jobs with every variant of damage_variants gives the same stdout,
# stderr and exit code, and the reference is exit 2 naming the compressed
# offset and the whole lines before it.
check_decode_damage() {
  local name=$1 f=$2 v job same=1 bad=""
  for job in "${damage_jobs[@]}"; do
    CLUSTERPROC_DECODE=master run_norm "$f" -j1 $job > "$P/dref"
    for v in "${damage_variants[@]}"; do
      run_norm "$f" $v $job > "$P/dgot"
      cmp -s "$P/dref" "$P/dgot" || { same=0; bad="$bad [$job $v]"; }
    done
  done
  expect_eq "$name: same output, message and exit as the master's decoding$bad" 1 "$same"
  grep -q "^exit 2$" "$P/dref" && grep -q "at compressed byte [0-9]*.*whole lines" "$P/dref" &&
    ok "$name: exit 2, the compressed offset is named" ||
    fail "$name: $(head -1 "$P/dref") $(grep compressed "$P/dref")"
}
