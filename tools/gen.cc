// clusterproc-gen: writes synthetic web-log records as JSON lines, for tests
// and benchmarks. Standard library only; see tools/README.md.
//
// Every line is drawn from its own random stream, derived from the seed and
// the line number, so line N of a run does not depend on the limits chosen and
// the output is the same on every platform (no std:: distributions).

#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <string_view>

namespace {

using std::string_view;

constexpr uint64_t kGamma = 0x9E3779B97F4A7C15ULL;

uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// splitmix64, one stream per line.
class Rng {
 public:
  Rng(uint64_t seed, uint64_t line)
      : state_(mix64(mix64(seed) + line * 0xD1B54A32D192ED03ULL)) {}
  uint64_t next() {
    state_ += kGamma;
    return mix64(state_);
  }
  /// Uniform in [0, n) (multiply-shift; the bias is far below what matters).
  uint64_t below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >>
                                 64);
  }
  /// Uniform in [lo, hi].
  int64_t range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo) + 1));
  }
  bool perMille(unsigned p) { return below(1000) < p; }

 private:
  uint64_t state_;
};

// ---------------------------------------------------------------- formatting

constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536"
    "37383940414243444546474849505152535455565758596061626364656667686970717273"
    "74757677787980818283848586878889909192939495969798999";

// A cursor into the output buffer; the caller guarantees room for one line.
struct Line {
  char* p;

  template <size_t N>
  void lit(const char (&s)[N]) {
    std::memcpy(p, s, N - 1);
    p += N - 1;
  }
  void str(string_view s) {
    std::memcpy(p, s.data(), s.size());
    p += s.size();
  }
  void ch(char c) { *p++ = c; }
  void u64(uint64_t v) {
    char tmp[20];
    char* e = tmp + sizeof tmp;
    char* b = e;
    while (v >= 100) {
      const unsigned i = static_cast<unsigned>(v % 100) * 2;
      v /= 100;
      *--b = kDigitPairs[i + 1];
      *--b = kDigitPairs[i];
    }
    if (v >= 10) {
      *--b = kDigitPairs[v * 2 + 1];
      *--b = kDigitPairs[v * 2];
    } else {
      *--b = static_cast<char>('0' + v);
    }
    std::memcpy(p, b, static_cast<size_t>(e - b));
    p += e - b;
  }
  void i64(int64_t v) {
    if (v < 0) {
      ch('-');
      u64(0 - static_cast<uint64_t>(v));
    } else {
      u64(static_cast<uint64_t>(v));
    }
  }
  /// Exactly `width` digits, zero-padded (width <= 4).
  void padded(unsigned v, int width) {
    for (int i = width - 1; i >= 0; --i) {
      p[i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    p += width;
  }
  /// scaled / 10^decimals with trailing zeros dropped but at least one
  /// decimal kept, so that it always reads as a float: 12.3, 12.0, -0.0778.
  void fixed(int64_t scaled, int decimals) {
    uint64_t m = scaled < 0 ? 0 - static_cast<uint64_t>(scaled)
                            : static_cast<uint64_t>(scaled);
    if (scaled < 0) ch('-');
    uint64_t unit = 1;
    for (int i = 0; i < decimals; ++i) unit *= 10;
    u64(m / unit);
    ch('.');
    uint64_t frac = m % unit;
    int keep = decimals;
    while (keep > 1 && frac % 10 == 0) {
      frac /= 10;
      --keep;
    }
    padded(static_cast<unsigned>(frac), keep);
  }
  /// RFC 3339 UTC time stamp with milliseconds, e.g. 2024-03-01T12:00:00.123Z.
  void timestamp(int64_t ms) {
    int64_t days = ms / 86400000;
    int64_t rem = ms % 86400000;
    // Howard Hinnant's civil_from_days (valid for days >= -719468).
    days += 719468;
    const int64_t era = days / 146097;
    const int64_t doe = days - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t day = doy - (153 * mp + 2) / 5 + 1;
    const int64_t month = mp < 10 ? mp + 3 : mp - 9;
    const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    padded(static_cast<unsigned>(year), 4);
    ch('-');
    padded(static_cast<unsigned>(month), 2);
    ch('-');
    padded(static_cast<unsigned>(day), 2);
    ch('T');
    padded(static_cast<unsigned>(rem / 3600000), 2);
    ch(':');
    padded(static_cast<unsigned>(rem / 60000 % 60), 2);
    ch(':');
    padded(static_cast<unsigned>(rem / 1000 % 60), 2);
    ch('.');
    padded(static_cast<unsigned>(rem % 1000), 3);
    ch('Z');
  }
};

// -------------------------------------------------------------------- tables
// Strings below are JSON fragments, written as they are: escapes included.

struct Weighted {
  string_view text;
  unsigned weight;  // per mille; a table's weights add up to 1000
};

template <size_t N>
string_view pick(Rng& r, const Weighted (&table)[N]) {
  unsigned u = static_cast<unsigned>(r.below(1000));
  for (const Weighted& w : table) {
    if (u < w.weight) return w.text;
    u -= w.weight;
  }
  return table[N - 1].text;
}

template <size_t N>
string_view pick(Rng& r, const string_view (&table)[N]) {
  return table[r.below(N)];
}

constexpr string_view kHosts[] = {
    "web-01.prod", "web-02.prod", "web-03.prod",   "web-04.prod",
    "web-05.prod", "web-06.prod", "web-07.prod",   "web-08.prod",
    "web-09.prod", "web-10.prod", "web-11.prod",   "web-12.prod",
    "api-01.prod", "api-02.prod", "api-03.prod",   "api-04.prod",
    "api-05.prod", "api-06.prod", "cdn-edge-fra1", "cdn-edge-sfo2",
};

constexpr Weighted kMethods[] = {
    {"GET", 700},  {"POST", 140}, {"PUT", 50},     {"DELETE", 30},
    {"PATCH", 20}, {"HEAD", 40},  {"OPTIONS", 20},
};

constexpr Weighted kStatuses[] = {
    {"200", 700}, {"201", 30}, {"204", 20}, {"301", 15},
    {"302", 25},  {"304", 60}, {"400", 20}, {"401", 15},
    {"403", 10},  {"404", 50}, {"429", 10}, {"499", 5},
    {"500", 20},  {"502", 8},  {"503", 8},  {"504", 4},
};

constexpr string_view kSearchTerms[] = {
    "shoes",
    "caf\\u00e9",
    "\\\"exact phrase\\\"",
    "na\\u00efve+bayes",
    "Zo\xc3\xab",
    "\xe6\x9d\xb1\xe4\xba\xac \xe3\x83\xa9\xe3\x83\xbc\xe3\x83\xa1\xe3\x83\xb3",
    "C:\\\\Windows\\\\System32",
    "a\\/b",
    "100%25",
    "\\ud83d\\ude00",
    "emoji \xf0\x9f\x98\x80",
    "tab\\there",
    "red+dress",
    "laptop",
};

constexpr string_view kWikiTitles[] = {
    "\xc5\x81\xc3\xb3\x64\xc5\xba",  // Łódź
    "\xe6\x9d\xb1\xe4\xba\xac",      // 東京
    "Zo\\u00eb",
    "Caf\xc3\xa9",
    "C%2B%2B",
    "O'Reilly",
    "S\xc3\xa3o_Paulo",
    "\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0",  // Москва
};

constexpr string_view kSortKeys[] = {"price", "name", "-date", "rating"};

constexpr Weighted kAgents[] = {
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
     "like Gecko) Chrome/120.0.0.0 Safari/537.36",
     110},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/17.1 Safari/605.1.15",
     60},
    {"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
     50},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) "
     "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
     80},
    {"curl/8.5.0", 220},
    {"python-requests/2.31.0", 160},
    {"Go-http-client/1.1", 120},
    {"Googlebot/2.1 (+http:\\/\\/www.google.com\\/bot.html)", 60},
    {"okhttp/4.12.0", 120},
    {"PostmanRuntime/7.36.0", 20},
};

constexpr string_view kNames[] = {
    "alice",
    "bob",
    "carol",
    "dave",
    "mallory",
    "Zo\xc3\xab",  // Zoë, also spelled with an escape below
    "Zo\\u00eb",
    "\xc5\x81ukasz",                                     // Łukasz
    "\xe5\xb1\xb1\xe7\x94\xb0",                          // 山田
    "\xe5\xb1\xb1\xe7\x94\xb0\xe5\xa4\xaa\xe9\x83\x8e",  // 山田太郎
    "Jos\xc3\xa9",
    "S\xc3\xb8ren",
    "Fran\xc3\xa7ois",
    "\xd0\x94\xd0\xbc\xd0\xb8\xd1\x82\xd1\x80\xd0\xb8\xd0\xb9",  // Дмитрий
    "\xd9\x85\xd8\xad\xd9\x85\xd8\xaf",                          // محمد
    "\xea\xb9\x80\xeb\xaf\xbc\xec\xa4\x80",                      // 김민준
    "\xe1\xbc\x88\xce\xb8\xce\xb7\xce\xbd\xe1\xbe\xb6",          // Ἀθηνᾶ
    "Nguy\xe1\xbb\x85n V\xc4\x83n An",
    "\xc3\x87\x61\xc4\x9f\x6c\x61",  // Çağla
    "Bj\xc3\xb8rk",
    "Ren\xc3\xa9\x65",
    "O'Brien",
    "Dwayne \\\"The Rock\\\" Johnson",
    "back\\\\slash",
    "Emoji \xf0\x9f\x98\x80",
    "Emoji \\ud83d\\ude00",
    "Tab\\tName",
    "trent",
};

constexpr string_view kTags[] = {
    "api",
    "mobile",
    "web",
    "beta",
    "internal",
    "bot",
    "cache-miss",
    "retry",
    "\xc3\xbcn\xc3\xaf\x63\xc3\xb6\x64\xc3\xa9",  // ünïcödé
    "v2",
};

constexpr string_view kReferrers[] = {
    "https://www.google.com/",
    "https:\\/\\/t.co\\/x7Fq2",
    "https://news.ycombinator.com/item?id=3812",
    "https://example.com/",
    "android-app://com.google.android.gm/",
    "https://www.bing.com/search?q=caf%C3%A9",
    "https://duckduckgo.com/",
    "https://www.facebook.com/",
};

// Number spellings a careless logger might produce; 2500 / 2.5E+3 and 1 / 1.0
// are distinct values for the summary.
constexpr string_view kScores[] = {
    "-0.5",   "1e-3", "2.5E+3", "2500",  "-12", "0",   "3.75",    "-1E-2",
    "1.5e10", "42",   "-7",     "0.125", "1",   "1.0", "-3.4E-5", "100",
};

constexpr string_view kRegions[] = {"eu-west", "eu-central", "us-east",
                                    "ap-south"};

struct City {
  string_view country;
  int32_t lat;  // degrees * 1e4
  int32_t lon;
  int32_t tz_offset;  // minutes
};

constexpr City kCities[] = {
    {"FR", 488566, 23522, 60},      {"DE", 525200, 134050, 60},
    {"GB", 515074, -1278, 0},       {"US", 407128, -740060, -300},
    {"US", 377749, -1224194, -480}, {"BR", -235505, -466333, -180},
    {"AR", -346037, -583816, -180}, {"JP", 356762, 1396503, 540},
    {"CN", 312304, 1214737, 480},   {"IN", 190760, 728777, 330},
    {"AU", -338688, 1512093, 600},  {"ZA", -262041, 280473, 120},
    {"NG", 65244, 33792, 60},       {"EG", 300444, 312357, 120},
    {"RU", 557558, 376173, 180},    {"PL", 522297, 210122, 60},
    {"ES", 404168, -37038, 60},     {"IT", 419028, 124964, 60},
    {"CA", 436532, -793832, -300},  {"MX", 194326, -991332, -360},
    {"KR", 375665, 1269780, 540},   {"SG", 13521, 1038198, 480},
    {"NZ", -368485, 1747633, 720},  {"IS", 641466, -219426, 0},
    {"CL", -334489, -706693, -240}, {"NP", 277172, 853240, 345},
};

constexpr string_view kHex = "0123456789abcdef";

// ------------------------------------------------------------------- records

enum class Defect {
  kNone,
  kTruncated,
  kTrailingComma,
  kUnquotedKey,
  kInvalidUtf8,
  kBareWord,
  kNaN,
  kLoneBrace,
};
constexpr int kDefectKinds = 7;

constexpr string_view kBareWords[] = {"undefined", "None", "ERROR", "nil"};
constexpr string_view kNonFinite[] = {"NaN", "Infinity", "-Infinity"};

constexpr int64_t kBaseMs = 1709251200000;  // 2024-03-01T00:00:00Z

void writePath(Line& o, Rng& r) {
  const unsigned u = static_cast<unsigned>(r.below(1000));
  if (u < 30) {
    o.lit("/");
  } else if (u < 70) {
    o.lit("/index.html");
  } else if (u < 270) {
    o.lit("/api/v1/users/");
    o.u64(r.range(1, 200000));
  } else if (u < 330) {
    o.lit("/api/v1/users/");
    o.u64(r.range(1, 200000));
    o.lit("/orders");
  } else if (u < 410) {
    o.lit("/api/v1/orders/");
    o.u64(r.range(1, 5000000));
    o.lit("/items");
  } else if (u < 470) {
    o.lit("/api/v2/items?page=");
    o.u64(r.range(1, 500));
    o.lit("&sort=");
    o.str(pick(r, kSortKeys));
  } else if (u < 570) {
    o.lit("/static/js/app.");
    const uint64_t h = mix64(r.below(64));
    for (int i = 0; i < 8; ++i) o.ch(kHex[(h >> (4 * i)) & 15]);
    o.lit(".js");
  } else if (u < 620) {
    o.lit("/static/css/site.");
    const uint64_t h = mix64(1000 + r.below(16));
    for (int i = 0; i < 8; ++i) o.ch(kHex[(h >> (4 * i)) & 15]);
    o.lit(".css");
  } else if (u < 720) {
    o.lit("/img/");
    o.u64(r.range(1, 20000));
    o.lit(".jpg");
  } else if (u < 800) {
    o.lit("/search?q=");
    o.str(pick(r, kSearchTerms));
  } else if (u < 820) {
    o.lit("\\/legacy\\/index.php?id=");
    o.u64(r.range(1, 999));
  } else if (u < 870) {
    o.lit("/wiki/");
    o.str(pick(r, kWikiTitles));
  } else if (u < 920) {
    o.lit("/health");
  } else if (u < 950) {
    o.lit("/favicon.ico");
  } else if (u < 960) {
    o.lit("/files/C:\\\\temp\\\\report-");
    o.u64(r.range(1, 300));
    o.lit(".txt");
  } else {
    o.lit("/api/v1/login");
  }
}

void writeRecord(Line& o, Rng& r, uint64_t line, Defect defect) {
  if (defect == Defect::kUnquotedKey) {
    o.lit("{ts:\"");
  } else {
    o.lit("{\"ts\":\"");
  }
  o.timestamp(kBaseMs + static_cast<int64_t>(line) * 47 + r.range(0, 400));
  o.lit("\",\"host\":\"");
  o.str(pick(r, kHosts));
  const string_view method = pick(r, kMethods);
  o.lit("\",\"method\":\"");
  o.str(method);
  o.lit("\",\"path\":\"");
  writePath(o, r);
  const string_view status = pick(r, kStatuses);
  o.lit("\",\"status\":");
  o.str(status);

  if (!r.perMille(30)) {
    o.lit(",\"bytes\":");
    const unsigned u = static_cast<unsigned>(r.below(1000));
    if (status == "204" || status == "304" || method == "HEAD") {
      o.ch('0');
    } else if (u < 600) {
      o.u64(r.range(200, 20000));
    } else if (u < 900) {
      o.u64(r.range(20000, 2000000));
    } else if (u < 995) {
      o.u64(r.range(2000000, 500000000));
    } else {
      o.u64(r.range(500000000, 1000000000000));
    }
  }

  if (defect == Defect::kNaN) {
    o.lit(",\"latency_ms\":");
    o.str(pick(r, kNonFinite));
  } else if (!r.perMille(20)) {
    o.lit(",\"latency_ms\":");
    const unsigned u = static_cast<unsigned>(r.below(1000));
    int64_t micros;  // thousandths of a millisecond
    if (status[0] == '5') {
      micros = r.range(100000, 30000000);
    } else if (u < 700) {
      micros = r.range(200, 50000);
    } else if (u < 950) {
      micros = r.range(50000, 500000);
    } else {
      micros = r.range(500000, 5000000);
    }
    if (r.perMille(10)) {
      o.u64(static_cast<uint64_t>(micros / 1000));  // a logger writing ints
    } else {
      o.fixed(micros, 3);
    }
  }

  const unsigned user = static_cast<unsigned>(r.below(1000));
  if (user < 20 && defect != Defect::kInvalidUtf8) {
    o.lit(",\"user\":null");
  } else if (user >= 50 || defect == Defect::kInvalidUtf8) {
    o.lit(",\"user\":{\"id\":");
    o.u64(r.range(1, 100000));
    if (defect == Defect::kInvalidUtf8) {
      o.lit(",\"name\":\"Zo\xeb\"");  // Latin-1, not UTF-8
    } else if (!r.perMille(50)) {
      o.lit(",\"name\":\"");
      o.str(pick(r, kNames));
      o.ch('"');
    }
    o.lit(",\"agent\":\"");
    o.str(pick(r, kAgents));
    o.lit("\"}");
  }

  const unsigned tags = static_cast<unsigned>(r.below(1000));
  if (tags < 150) {
    o.lit(",\"tags\":[]");
  } else if (tags < 950) {
    o.lit(",\"tags\":[\"");
    o.str(pick(r, kTags));
    for (uint64_t n = r.below(3); n > 0; --n) {
      o.lit("\",\"");
      o.str(pick(r, kTags));
    }
    o.lit("\"]");
  }

  const unsigned ref = static_cast<unsigned>(r.below(1000));
  if (ref < 350) {
    o.lit(",\"referrer\":null");
  } else if (ref < 900) {
    o.lit(",\"referrer\":\"");
    o.str(pick(r, kReferrers));
    o.ch('"');
  }

  if (!r.perMille(150)) {
    const City& c = kCities[r.below(std::size(kCities))];
    o.lit(",\"geo\":{\"country\":\"");
    o.str(c.country);
    o.ch('"');
    if (!r.perMille(50)) {
      o.lit(",\"lat\":");
      o.fixed(c.lat + r.range(-500, 500), 4);
      o.lit(",\"lon\":");
      o.fixed(c.lon + r.range(-500, 500), 4);
      if (r.perMille(400)) {
        o.lit(",\"tz_offset\":");
        o.i64(c.tz_offset);
      }
    }
    o.ch('}');
  }

  if (r.perMille(300)) {
    if (r.perMille(600)) {
      o.lit(",\"cached\":true");
    } else {
      o.lit(",\"cached\":false");
    }
  }
  if (r.perMille(150)) {
    o.lit(",\"score\":");
    o.str(pick(r, kScores));
  }
  if (r.perMille(10)) {
    // The same key, sometimes spelled with an escape.
    if (r.perMille(500)) {
      o.lit(",\"r\xc3\xa9gion\":\"");
    } else {
      o.lit(",\"r\\u00e9gion\":\"");
    }
    o.str(pick(r, kRegions));
    o.ch('"');
  }
  if (defect == Defect::kTrailingComma) o.ch(',');
  o.ch('}');
}

void writeBadLine(Line& o, Rng& r, uint64_t line, uint64_t bad_index) {
  const auto kind = static_cast<Defect>(1 + bad_index % kDefectKinds);
  switch (kind) {
    case Defect::kTruncated: {
      char* const start = o.p;
      writeRecord(o, r, line, Defect::kNone);
      const size_t len = static_cast<size_t>(o.p - start);
      size_t cut = len / 4 + r.below(len / 2);
      // Cut at a character boundary, so that only the truncation is wrong.
      while (cut > 1 && (static_cast<unsigned char>(start[cut]) & 0xC0) == 0x80)
        --cut;
      o.p = start + cut;
      break;
    }
    case Defect::kBareWord:
      o.str(kBareWords[bad_index / kDefectKinds % std::size(kBareWords)]);
      break;
    case Defect::kLoneBrace:
      o.ch('}');
      break;
    default:
      writeRecord(o, r, line, kind);
      break;
  }
}

// -------------------------------------------------------------------- output

constexpr size_t kBufferSize = 4 << 20;
constexpr size_t kMaxLine = 4096;  // far above the longest line we write

char g_buffer[kBufferSize];

void writeAll(const char* data, size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(STDOUT_FILENO, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE) std::_Exit(0);  // the reader went away: stop quietly
      std::fprintf(stderr, "clusterproc-gen: write: standard output: %s\n",
                   std::strerror(errno));
      std::_Exit(2);
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
}

// ------------------------------------------------------------------- options

constexpr char kUsage[] =
    "Usage: clusterproc-gen [OPTIONS]\n"
    "Writes synthetic web-log records, one compact JSON object per line, to\n"
    "standard output. The output depends only on the options.\n"
    "\n"
    "Options:\n"
    "  --size SIZE       stop after the line that brings the output to SIZE\n"
    "                    bytes (suffixes K, M, G, T: powers of 1024)\n"
    "  --lines N         stop after N lines (blank and bad lines included)\n"
    "                    (with neither --size nor --lines: 1000 lines)\n"
    "  --seed N          random seed (default 1)\n"
    "  --bad-every N     make every Nth line an invalid record, rotating\n"
    "                    through: truncated object, trailing comma,\n"
    "                    unquoted key, invalid UTF-8, bare word,\n"
    "                    NaN/Infinity, lone '}'\n"
    "  --blank-every N   make every Nth line blank (alternately empty and\n"
    "                    spaces and a tab); takes precedence over --bad-every\n"
    "  --crlf            end lines with CR LF instead of LF\n"
    "  -h, --help        show this help\n"
    "\n"
    "Examples:\n"
    "  clusterproc-gen --size 1G > big.jsonl\n"
    "  clusterproc-gen --lines 40 --bad-every 10 --blank-every 17 > bad.jsonl\n"
    "  clusterproc-gen --seed 7 --size 100M --crlf | clusterproc -j8\n";

[[noreturn]] void usageError(const char* what, const char* arg) {
  std::fprintf(stderr, "clusterproc-gen: %s: %s\n(see --help)\n", what, arg);
  std::exit(1);
}

uint64_t parseCount(const char* option, const char* s, bool allow_suffix) {
  const char* p = s;
  if (*p < '0' || *p > '9') usageError(option, s);
  uint64_t v = 0;
  for (; *p >= '0' && *p <= '9'; ++p) {
    const uint64_t d = static_cast<uint64_t>(*p - '0');
    if (v > (UINT64_MAX - d) / 10) usageError(option, s);
    v = v * 10 + d;
  }
  if (allow_suffix && *p != '\0') {
    // K, M, G, T (powers of 1024), optionally followed by "iB" or "B".
    static constexpr string_view kUnits = "kmgt";
    const size_t unit = kUnits.find(static_cast<char>(*p | 0x20));
    if (unit != string_view::npos) {
      const int shift = 10 * static_cast<int>(unit + 1);
      if (v > (UINT64_MAX >> shift)) usageError(option, s);
      v <<= shift;
      ++p;
      if ((*p | 0x20) == 'i') ++p;
    }
    if ((*p | 0x20) == 'b') ++p;
  }
  if (*p != '\0') usageError(option, s);
  return v;
}

struct Options {
  uint64_t size = 0;
  bool has_size = false;
  uint64_t lines = 0;
  bool has_lines = false;
  uint64_t seed = 1;
  uint64_t bad_every = 0;
  uint64_t blank_every = 0;
  bool crlf = false;
};

Options parseOptions(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    string_view arg = argv[i];
    const char* value = nullptr;
    string_view name = arg;
    if (const size_t eq = arg.find('=');
        arg.starts_with("--") && eq != arg.npos) {
      name = arg.substr(0, eq);
      value = argv[i] + eq + 1;
    }
    auto needValue = [&]() -> const char* {
      if (value) return value;
      if (i + 1 >= argc) usageError("missing value for", argv[i]);
      return argv[++i];
    };
    if (name == "-h" || name == "--help") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (name == "--size") {
      opt.size = parseCount("--size", needValue(), true);
      opt.has_size = true;
    } else if (name == "--lines") {
      opt.lines = parseCount("--lines", needValue(), false);
      opt.has_lines = true;
    } else if (name == "--seed") {
      opt.seed = parseCount("--seed", needValue(), false);
    } else if (name == "--bad-every") {
      opt.bad_every = parseCount("--bad-every", needValue(), false);
    } else if (name == "--blank-every") {
      opt.blank_every = parseCount("--blank-every", needValue(), false);
    } else if (name == "--crlf" && !value) {
      opt.crlf = true;
    } else {
      usageError("unknown option", argv[i]);
    }
  }
  if (!opt.has_size && !opt.has_lines) {
    opt.lines = 1000;
    opt.has_lines = true;
  }
  return opt;
}

}  // namespace

int main(int argc, char** argv) {
  const Options opt = parseOptions(argc, argv);
  std::signal(SIGPIPE, SIG_IGN);  // write() then fails with EPIPE

  uint64_t total = 0;
  uint64_t bad_lines = 0;
  uint64_t blank_lines = 0;
  size_t used = 0;
  for (uint64_t line = 1;; ++line) {
    if (opt.has_lines && line > opt.lines) break;
    if (opt.has_size && total >= opt.size) break;
    Line o{g_buffer + used};
    if (opt.blank_every != 0 && line % opt.blank_every == 0) {
      if (blank_lines++ % 2 == 1) o.lit("  \t ");
    } else {
      Rng r(opt.seed, line);
      if (opt.bad_every != 0 && line % opt.bad_every == 0) {
        writeBadLine(o, r, line, bad_lines++);
      } else {
        writeRecord(o, r, line, Defect::kNone);
      }
    }
    if (opt.crlf) o.ch('\r');
    o.ch('\n');
    const size_t n = static_cast<size_t>(o.p - (g_buffer + used));
    total += n;
    used += n;
    if (used > kBufferSize - kMaxLine) {
      writeAll(g_buffer, used);
      used = 0;
    }
  }
  writeAll(g_buffer, used);
  return 0;
}
