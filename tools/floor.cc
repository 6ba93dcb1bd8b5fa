// clusterproc-floor: the cost floor of what clusterproc does to a JSON-lines
// file, measured on the machine at hand (tools/bench prints it next to every
// clusterproc row).
//
//   clusterproc-floor [--read pread|mmap] [--work validate|newlines|none]
//                     [-j N] [--chunk SIZE] FILE
//   clusterproc-floor --read stdin [--work newlines|none] -
//
// N threads (default: the online CPUs) take chunks of about SIZE bytes
// (default 4M) in turn, get their bytes (pread into a reused, padded buffer,
// or through one shared read-only mapping) and do the work:
//   validate  simdjson's DOM parse_many over the chunk: every record fully
//             validated (RFC 8259, UTF-8), nothing else done (the floor);
//   newlines  count '\n' (what `wc -l` does);
//   none      nothing (pread: the copy alone; mmap: touch one byte per page).
// Chunks start after the first newline at or after their nominal start and
// end after the first newline at or after their nominal end, as a worker
// would cut them. Prints one JSON line: records or newlines, seconds (wall),
// and CPU seconds of the process.
//
// --read stdin: the cost of a pipe alone (`cat FILE | clusterproc-floor
// --read stdin --work none -`): one thread reads standard input into a reused
// 4 MiB buffer with the pipe's buffer at 1 MiB, as clusterproc's master does.

#include <fcntl.h>
#include <simdjson.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Options {
  std::string read = "pread";
  std::string work = "validate";
  unsigned jobs = 0;
  size_t chunk = 4u << 20;
  std::string path;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(
      stderr,
      "clusterproc-floor: %s\nusage: clusterproc-floor [--read pread|mmap] "
      "[--work validate|newlines|none] [-j N] [--chunk SIZE] FILE\n"
      "       clusterproc-floor --read stdin [--work newlines|none] -\n",
      why);
  std::exit(1);
}

size_t parseSize(const char* s) {
  char* end = nullptr;
  unsigned long long v = std::strtoull(s, &end, 10);
  switch (*end) {
    case 'K':
      v <<= 10;
      break;
    case 'M':
      v <<= 20;
      break;
    case 'G':
      v <<= 30;
      break;
    case '\0':
      break;
    default:
      usage("bad size");
  }
  if (v == 0) usage("size must be positive");
  return static_cast<size_t>(v);
}

/// One thread's reading and counting.
class Reader {
 public:
  Reader(const Options& o, int fd, const char* map, size_t size)
      : o_(o), fd_(fd), map_(map), size_(size) {
    if (o.read == "pread") {
      cap_ = o.chunk + (1u << 20) + simdjson::SIMDJSON_PADDING;
      buf_ = static_cast<char*>(::mmap(nullptr, cap_, PROT_READ | PROT_WRITE,
                                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
      if (buf_ == MAP_FAILED) usage("out of memory");
      ::madvise(buf_, cap_, MADV_HUGEPAGE);
    }
#ifdef SIMDJSON_THREADS_ENABLED
    parser_.threaded = false;
#endif
  }

  /// The work on nominal chunk [from, to) of the file; returns its count.
  uint64_t chunk(size_t from, size_t to) {
    // The bytes [from - 1, to + slack): enough to find both boundaries for
    // lines shorter than the slack (longer ones are read on).
    size_t lo = from > 0 ? from - 1 : 0;
    size_t hi = std::min(size_, to + 64 * 1024);
    const char* p = get(lo, hi);
    size_t begin = 0;
    if (from > 0) {
      const void* nl = std::memchr(p, '\n', hi - lo);
      if (nl == nullptr || static_cast<const char*>(nl) - p >=
                               static_cast<ptrdiff_t>(to - 1 - lo)) {
        return 0;  // a line spans the whole chunk: the chunk before owns it
      }
      begin = static_cast<size_t>(static_cast<const char*>(nl) - p) + 1;
    }
    size_t end = hi - lo;
    if (to < size_) {
      const void* nl = std::memchr(p + (to - 1 - lo), '\n', hi - (to - 1));
      if (nl == nullptr)
        usage("a line longer than 64 KiB past a chunk's end: raise --chunk");
      end = static_cast<size_t>(static_cast<const char*>(nl) - p) + 1;
    }
    return work(p + begin, end - begin);
  }

 private:
  const char* get(size_t lo, size_t hi) {
    if (o_.read == "mmap") return map_ + lo;
    // From the page boundary below lo: pread copies about 3x slower when the
    // file offset and the buffer are aligned differently.
    size_t skip = lo % 4096;
    lo -= skip;
    if (hi - lo + simdjson::SIMDJSON_PADDING > cap_) usage("chunk too large");
    size_t done = 0;
    while (done < hi - lo) {
      ssize_t r = ::pread(fd_, buf_ + done, hi - lo - done,
                          static_cast<off_t>(lo + done));
      if (r <= 0) usage("short read");
      done += static_cast<size_t>(r);
    }
    std::memset(buf_ + done, ' ', simdjson::SIMDJSON_PADDING);
    return buf_ + skip;
  }

  uint64_t work(const char* p, size_t n) {
    if (o_.work == "none") {
      if (o_.read == "pread") return 0;
      volatile char sink = 0;
      for (size_t i = 0; i < n; i += 4096)
        sink = static_cast<char>(sink + p[i]);
      return 0;
    }
    if (o_.work == "newlines") {
      uint64_t c = 0;
      for (const char* q = p;
           (q = static_cast<const char*>(std::memchr(q, '\n', p + n - q)));
           ++q) {
        ++c;
      }
      return c;
    }
    // validate: the mapping has no padding after the file's last bytes.
    if (o_.read == "mmap" &&
        p + n + simdjson::SIMDJSON_PADDING > map_ + mapped_readable()) {
      tail_.assign(p, n);
      tail_.append(simdjson::SIMDJSON_PADDING, ' ');
      p = tail_.data();
    }
    simdjson::dom::document_stream stream;
    if (parser_.parse_many(p, n, std::max<size_t>(n, 1)).get(stream)) return 0;
    uint64_t c = 0;
    for (auto doc : stream) {
      simdjson::dom::element e;
      if (doc.get(e)) {
        bad_ = true;
        break;
      }
      ++c;
    }
    return c;
  }

  size_t mapped_readable() const {
    size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    return (size_ + page - 1) / page * page;
  }

 public:
  bool bad_ = false;

 private:
  const Options& o_;
  int fd_;
  const char* map_;
  size_t size_;
  char* buf_ = nullptr;
  size_t cap_ = 0;
  std::string tail_;
  simdjson::dom::parser parser_;
};

/// --read stdin: reads standard input to its end; the newlines it holds
/// (--work newlines) or 0.
uint64_t drainStdin(const Options& o) {
  (void)::fcntl(STDIN_FILENO, F_SETPIPE_SZ, 1 << 20);  // a pipe: as clusterproc
  std::vector<char> buf(4u << 20);
  uint64_t count = 0;
  for (;;) {
    const ssize_t n = ::read(STDIN_FILENO, buf.data(), buf.size());
    if (n == 0) break;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) usage("cannot read standard input");
    if (o.work == "newlines") {
      count +=
          static_cast<uint64_t>(std::count(buf.data(), buf.data() + n, '\n'));
    }
  }
  return count;
}

double cpuSeconds() {
  struct rusage ru;
  ::getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage(("missing value for " + a).c_str());
      return argv[++i];
    };
    if (a == "--read") {
      o.read = value();
    } else if (a == "--work") {
      o.work = value();
    } else if (a == "-j" || a == "--jobs") {
      o.jobs = static_cast<unsigned>(std::atoi(value()));
    } else if (a.size() > 2 && a.compare(0, 2, "-j") == 0) {
      o.jobs = static_cast<unsigned>(std::atoi(a.c_str() + 2));
    } else if (a == "--chunk") {
      o.chunk = parseSize(value());
    } else if (a == "-h" || a == "--help") {
      usage("the cost floor of validating JSON lines");
    } else if (a.size() > 1 && a[0] == '-') {
      usage(("unknown option " + a).c_str());
    } else {
      o.path = a;
    }
  }
  if (o.path.empty()) usage("no FILE");
  if (o.read == "stdin") {
    if (o.path != "-") usage("--read stdin reads '-'");
    if (o.work == "validate") usage("--read stdin does newlines or none");
    auto t0 = std::chrono::steady_clock::now();
    const uint64_t count = drainStdin(o);
    double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
            .count();
    std::printf(
        "{\"read\":\"stdin\",\"work\":\"%s\",\"jobs\":1,\"count\":%llu,"
        "\"seconds\":%.4f,\"cpu_seconds\":%.4f}\n",
        o.work.c_str(), static_cast<unsigned long long>(count), secs,
        cpuSeconds());
    return 0;
  }
  if (o.read != "pread" && o.read != "mmap")
    usage("--read is pread, mmap or stdin");
  if (o.work != "validate" && o.work != "newlines" && o.work != "none")
    usage("bad --work");
  if (o.jobs == 0) o.jobs = std::max(1u, std::thread::hardware_concurrency());
  auto t0 = std::chrono::steady_clock::now();
  int fd = ::open(o.path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || ::fstat(fd, &st) != 0) usage(("cannot open " + o.path).c_str());
  size_t size = static_cast<size_t>(st.st_size);
  const char* map = nullptr;
  if (o.read == "mmap" && size > 0) {
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) usage("cannot map");
    map = static_cast<const char*>(p);
  }
  size_t chunks = (size + o.chunk - 1) / o.chunk;
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> total{0};
  std::atomic<bool> bad{false};
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < o.jobs; ++t) {
    threads.emplace_back([&] {
      Reader r(o, fd, map, size);
      uint64_t n = 0;
      for (size_t k; (k = next.fetch_add(1)) < chunks;) {
        n += r.chunk(k * o.chunk, std::min(size, (k + 1) * o.chunk));
      }
      total += n;
      if (r.bad_) bad = true;
    });
  }
  for (std::thread& t : threads) t.join();
  double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  std::printf(
      "{\"read\":\"%s\",\"work\":\"%s\",\"jobs\":%u,\"count\":%llu,\"seconds\":"
      "%.4f,"
      "\"cpu_seconds\":%.4f}\n",
      o.read.c_str(), o.work.c_str(), o.jobs,
      static_cast<unsigned long long>(total.load()), secs, cpuSeconds());
  if (bad) {
    std::fprintf(stderr, "clusterproc-floor: invalid JSON in %s\n",
                 o.path.c_str());
    return 3;
  }
  return 0;
}
