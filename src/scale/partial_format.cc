#include "partial_format.h"

#include <zlib.h>

#include <cstring>

#include "bytes.h"

namespace clusterproc {

namespace {

constexpr char kMagic[8] = {'\x89', 'C', 'L', 'P', 'A', 'R', 'T', '\n'};
constexpr size_t kHeaderSize = 20;
constexpr size_t kChecksumSize = 4;
/// The totals a version-1 body holds, in this order.
constexpr uint32_t kTotalsCount = 5;

Status bad(const std::string& where, const std::string& why) {
  return Status::error(ExitCode::kInput, where + ": " + why);
}

uint32_t crc(std::string_view bytes) {
  uLong c = ::crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths: feed large states in pieces.
  while (!bytes.empty()) {
    size_t n = std::min<size_t>(bytes.size(), 1u << 30);
    c = ::crc32(c, reinterpret_cast<const Bytef*>(bytes.data()),
                static_cast<uInt>(n));
    bytes.remove_prefix(n);
  }
  return static_cast<uint32_t>(c);
}

bool shellSafe(const std::string& w) {
  if (w.empty()) return false;
  for (char c : w) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || std::strchr("-_./,:=@%+", c) != nullptr;
    if (!ok) return false;
  }
  return true;
}

// The body of one partial (checksum already verified).
Status decodeBody(std::string_view body, const std::string& where, Partial& p) {
  ByteReader r(body);
  const uint64_t fingerprint = r.u64();
  const uint32_t words = r.u32();
  for (uint32_t i = 0; i < words && !r.failed(); ++i)
    p.job.emplace_back(r.bytes());
  const uint32_t totals = r.u32();
  if (!r.failed() && totals < kTotalsCount)
    return bad(where, "corrupt partial: too few totals");
  uint64_t t[kTotalsCount] = {};
  for (uint32_t i = 0; i < totals && !r.failed(); ++i) {
    uint64_t v = r.u64();
    if (i < kTotalsCount) t[i] = v;
  }
  p.totals.records = t[0];
  p.totals.matched = t[1];
  p.totals.bad_records = t[2];
  p.totals.bytes = t[3];
  p.totals.lines = t[4];
  p.order_span = r.u64();
  p.state = std::string(r.bytes());
  const uint32_t extensions = r.u32();
  for (uint32_t i = 0; i < extensions && !r.failed(); ++i) {
    std::string key(r.bytes());
    p.extensions.emplace_back(std::move(key), std::string(r.bytes()));
  }
  if (r.failed()) return bad(where, "corrupt partial: body ends early");
  if (!r.atEnd()) return bad(where, "corrupt partial: bytes after the body");
  if (fingerprint != jobFingerprint(p.job)) {
    return bad(where,
               "corrupt partial: job fingerprint does not match the job");
  }
  return Status();
}

}  // namespace

std::vector<std::string> jobWords(const Job& job) {
  std::vector<std::string> w;
  auto add = [&w](const char* option, const std::string& value) {
    w.emplace_back(option);
    w.push_back(value);
  };
  if (job.kind == JobKind::kCount) w.emplace_back("--count");
  for (const std::string& e : job.explode) add("--explode", e);
  for (const std::string& e : job.where) add("--where", e);
  if (!job.select.empty()) add("--select", job.select);
  if (!job.group_by.empty()) add("--group-by", job.group_by);
  if (!job.agg.empty()) add("--agg", job.agg);
  if (!job.sort.empty()) add("--sort", job.sort);
  if (job.limit >= 0) add("--limit", std::to_string(job.limit));
  if (job.max_record != Job{}.max_record)
    add("--max-record", std::to_string(job.max_record));
  return w;
}

uint64_t jobFingerprint(const std::vector<std::string>& words) {
  uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&h](unsigned char c) {
    h ^= c;
    h *= 0x100000001b3ULL;
  };
  for (const std::string& word : words) {
    for (char c : word) mix(static_cast<unsigned char>(c));
    mix(0);
  }
  return h;
}

std::string jobText(const std::vector<std::string>& words) {
  if (words.empty()) return "the summary (no job option)";
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += ' ';
    if (shellSafe(w)) {
      out += w;
      continue;
    }
    out += '\'';
    for (char c : w)
      out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += '\'';
  }
  return out;
}

std::string encodePartial(const Partial& p) {
  ByteWriter body;
  body.u64(jobFingerprint(p.job));
  body.u32(static_cast<uint32_t>(p.job.size()));
  for (const std::string& w : p.job) body.bytes(w);
  body.u32(kTotalsCount);
  body.u64(p.totals.records);
  body.u64(p.totals.matched);
  body.u64(p.totals.bad_records);
  body.u64(p.totals.bytes);
  body.u64(p.totals.lines);
  body.u64(p.order_span);
  body.bytes(p.state);
  body.u32(static_cast<uint32_t>(p.extensions.size()));
  for (const auto& [key, value] : p.extensions) {
    body.bytes(key);
    body.bytes(value);
  }
  ByteWriter out;
  out.raw(kMagic, sizeof kMagic);
  out.u16(kPartialVersion);
  out.u16(0);  // flags
  out.u64(body.str().size());
  out.str() += body.str();
  out.u32(crc(out.str()));
  return std::move(out.str());
}

Result<std::vector<Partial>> decodePartials(std::string_view bytes,
                                            const std::string& name) {
  std::vector<Partial> partials;
  if (bytes.empty()) return bad(name, "empty: not a clusterproc partial");
  size_t at = 0;
  while (at < bytes.size()) {
    std::string_view rest = bytes.substr(at);
    std::string where = name;
    if (!partials.empty()) {
      where += ": partial " + std::to_string(partials.size() + 1) +
               " (at byte " + std::to_string(at) + ")";
    }
    size_t magic = std::min(rest.size(), sizeof kMagic);
    if (std::memcmp(rest.data(), kMagic, magic) != 0) {
      return bad(where, "not a clusterproc partial (wrong magic bytes)");
    }
    if (rest.size() < kHeaderSize) {
      return bad(where, "truncated partial: " + std::to_string(rest.size()) +
                            " bytes, the header alone is " +
                            std::to_string(kHeaderSize));
    }
    const uint16_t version =
        static_cast<uint16_t>(loadLittle(rest.data() + 8, 2));
    if (version == 0 || version > kPartialVersion) {
      return bad(where, "partial format version " + std::to_string(version) +
                            " not supported (this build reads versions up to " +
                            std::to_string(kPartialVersion) + ")");
    }
    const uint16_t flags =
        static_cast<uint16_t>(loadLittle(rest.data() + 10, 2));
    const uint64_t body = loadLittle(rest.data() + 12, 8);
    if (body > rest.size() - kHeaderSize ||
        rest.size() - kHeaderSize - body < kChecksumSize) {
      const bool huge = body > (uint64_t{1} << 62);
      return bad(where, "truncated partial: " + std::to_string(rest.size()) +
                            " bytes" +
                            (huge ? std::string(", length field corrupt")
                                  : " of " + std::to_string(kHeaderSize + body +
                                                            kChecksumSize)));
    }
    const size_t total = kHeaderSize + body + kChecksumSize;
    if (loadLittle(rest.data() + kHeaderSize + body, 4) !=
        crc(rest.substr(0, kHeaderSize + body))) {
      return bad(where, "checksum mismatch: corrupt partial");
    }
    if (flags != 0)
      return bad(where,
                 "unknown flags " + std::to_string(flags) + " in partial");
    Partial p;
    p.version = version;
    Status s = decodeBody(rest.substr(kHeaderSize, body), where, p);
    if (!s.ok()) return s;
    partials.push_back(std::move(p));
    at += total;
  }
  return partials;
}

}  // namespace clusterproc
