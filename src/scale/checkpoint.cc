#include "checkpoint.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <sstream>

#include "fd.h"
#include "output.h"
#include "partial_format.h"
#include "sys.h"

namespace clusterproc {

namespace {

constexpr const char* kFileName = "checkpoint";
constexpr const char* kLockName = "lock";
constexpr const char* kTempPrefix = ".checkpoint.clusterproc-tmp-";
constexpr const char* kVersion = "1";

Status inputError(const std::string& msg) {
  return Status::error(ExitCode::kInput, msg);
}

uint64_t envCount(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 10) : 0;
}

std::string shardText(const Job& job) {
  if (job.shard_count == 0) return "";
  return std::to_string(job.shard_index) + "/" +
         std::to_string(job.shard_count);
}

/// One line per input: path, size, modification time (ns), device:inode.
Result<std::string> inputsIdentity(const std::vector<Input>& inputs) {
  std::string out;
  for (const Input& in : inputs) {
    struct stat st;
    if (::stat(in.name.c_str(), &st) != 0) {
      return inputError(errnoText("cannot stat input", in.name));
    }
    out += in.name + '\t' + std::to_string(st.st_size) + '\t' +
           std::to_string(st.st_mtim.tv_sec) + '.' +
           std::to_string(st.st_mtim.tv_nsec) + '\t' +
           std::to_string(st.st_dev) + ':' + std::to_string(st.st_ino) + '\n';
  }
  return out;
}

std::vector<std::vector<std::string>> identityRows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> fields;
    size_t from = 0;
    for (size_t tab; (tab = line.find('\t', from)) != std::string::npos;
         from = tab + 1) {
      fields.push_back(line.substr(from, tab - from));
    }
    fields.push_back(line.substr(from));
    rows.push_back(std::move(fields));
  }
  return rows;
}

/// "" when the inputs are those of the checkpoint, else what differs.
std::string identityDiff(const std::string& saved, const std::string& now) {
  auto a = identityRows(saved), b = identityRows(now);
  if (a.size() != b.size()) {
    return "it was written for " + std::to_string(a.size()) +
           " inputs, this run has " + std::to_string(b.size());
  }
  static const char* kWhat[] = {"path", "size", "modification time", "inode"};
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].size() != 4 || b[i].size() != 4)
      return "its list of inputs is damaged";
    for (size_t f = 0; f < 4; ++f) {
      if (a[i][f] == b[i][f]) continue;
      if (f == 0) {
        return "input " + std::to_string(i + 1) + " was " + a[i][0] +
               ", now it is " + b[i][0];
      }
      return "input " + b[i][0] + " changed since (" + kWhat[f] + " " +
             a[i][f] + " -> " + b[i][f] + ")";
    }
  }
  return "";
}

const std::string* extension(const Partial& p, const std::string& key) {
  for (const auto& [k, v] : p.extensions) {
    if (k == key) return &v;
  }
  return nullptr;
}

Status syncDir(const std::string& dir) {
  UniqueFd fd(openRetry(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return inputError(errnoText("cannot open folder", dir));
  if (::fsync(fd.get()) != 0) return inputError(errnoText("fsync", dir));
  return Status();
}

}  // namespace

Status Checkpoint::checkJob(const Job& job) {
  if (job.checkpoint_dir.empty()) return Status();
  if (job.kind == JobKind::kSummary || job.kind == JobKind::kCount ||
      job.kind == JobKind::kAggregate) {
    return Status();
  }
  return Status::error(
      ExitCode::kUsage,
      "--checkpoint applies to the summary, --count and --group-by/--agg: "
      "--where, --select and --exec write their rows as they go, and a "
      "resumed run could neither take them back nor append to them safely");
}

Checkpoint::Checkpoint(const Job& job, std::string dir)
    : job_(job),
      dir_(std::move(dir)),
      last_write_(std::chrono::steady_clock::now()),
      wait_(std::chrono::seconds(kCheckpointSeconds)),
      die_after_(envCount(kDieAfterChunksEnv)),
      signal_after_(envCount(kSignalAfterChunksEnv)) {}

Checkpoint::~Checkpoint() {
  if (locked_ && !found_ && !saved_) {
    (void)::unlink((dir_ + "/" + kLockName).c_str());
    if (created_) (void)::rmdir(dir_.c_str());
  }
}

Result<std::unique_ptr<Checkpoint>> Checkpoint::open(
    const Job& job, const std::vector<Input>& inputs) {
  std::string dir = job.checkpoint_dir;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  bool created = ::mkdir(dir.c_str(), 0777) == 0;
  if (!created && errno != EEXIST) {
    return inputError(errnoText("cannot create checkpoint folder", dir));
  }
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0)
    return inputError(errnoText("checkpoint folder", dir));
  if (!S_ISDIR(st.st_mode))
    return inputError("checkpoint folder: " + dir + ": Not a directory");
  std::unique_ptr<Checkpoint> c(new Checkpoint(job, dir));
  c->created_ = created;
  std::string lock = dir + "/" + kLockName;
  c->lock_fd_.reset(
      openRetry(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666));
  if (!c->lock_fd_.valid()) return inputError(errnoText("cannot create", lock));
  // A POSIX record lock, not flock(): it belongs to this process only, so
  // the forked workers do not hold it, and it goes when the master dies
  // even while its workers are still being killed.
  struct flock fl = {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  int r;
  do {
    r = ::fcntl(c->lock_fd_.get(), F_SETLK, &fl);
  } while (r != 0 && errno == EINTR);
  if (r != 0) {
    if (errno == EACCES || errno == EAGAIN) {
      return inputError("checkpoint folder " + dir +
                        " is in use by another clusterproc run");
    }
    return inputError(errnoText("cannot lock", lock));
  }
  c->locked_ = true;
  // A run killed while writing leaves its temporary file; we hold the lock.
  if (DIR* d = ::opendir(dir.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name.rfind(kTempPrefix, 0) == 0)
        (void)::unlink((dir + "/" + name).c_str());
    }
    ::closedir(d);
  }
  Result<std::string> identity = inputsIdentity(inputs);
  if (!identity.ok()) return identity.status();
  c->identity_ = identity.value();

  std::string path = dir + "/" + kFileName;
  UniqueFd fd(openRetry(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return c;  // a fresh start
    return inputError(errnoText("cannot open checkpoint", path));
  }
  c->found_ = true;
  std::string bytes;
  Status read = readToEnd(fd.get(), bytes, path);
  if (!read.ok()) return read;
  fd.reset();
  const std::string again = "; remove " + dir + " to start over";
  Result<std::vector<Partial>> parts = decodePartials(bytes, path);
  if (!parts.ok()) return inputError(parts.status().message() + again);
  if (parts.value().size() != 1 ||
      extension(parts.value()[0], "checkpoint") == nullptr) {
    return inputError(path + ": not a clusterproc checkpoint" + again);
  }
  Partial& p = parts.value()[0];
  if (*extension(p, "checkpoint") != kVersion) {
    return inputError(path + ": checkpoint version " +
                      *extension(p, "checkpoint") +
                      " is not supported by this clusterproc" + again);
  }
  if (job.kind == JobKind::kSummary && p.version < kSummaryPartialVersion) {
    return inputError(path + ": a summary checkpoint of format version " +
                      std::to_string(p.version) +
                      " (an older clusterproc) cannot be resumed" + again);
  }
  std::vector<std::string> words = jobWords(job);
  if (p.job != words) {
    return inputError(path + ": the checkpoint is of another job (" +
                      jobText(p.job) + "), this run is " + jobText(words) +
                      again);
  }
  const std::string* shard = extension(p, "shard");
  if (shard == nullptr || *shard != shardText(job)) {
    auto show = [](const std::string& s) {
      return s.empty() ? "no --shard" : "--shard " + s;
    };
    return inputError(path + ": the checkpoint is of " +
                      show(shard ? *shard : "?") + ", this run has " +
                      show(shardText(job)) + again);
  }
  const std::string* saved = extension(p, "inputs-identity");
  std::string diff = saved ? identityDiff(*saved, c->identity_)
                           : "its inputs are not recorded";
  if (!diff.empty()) return inputError(path + ": " + diff + again);
  const std::string* pos = extension(p, "position");
  CheckpointResume res;
  std::istringstream in(pos ? *pos : "");
  if (!(in >> res.position.input >> res.position.offset >>
        res.position.line_base >> res.position.next_chunk) ||
      res.position.input > inputs.size() ||
      (res.position.input < inputs.size() &&
       res.position.offset > inputs[res.position.input].size)) {
    return inputError(path + ": its position is damaged" + again);
  }
  res.totals = p.totals;
  res.state = std::move(p.state);
  c->resume_ = std::move(res);
  return c;
}

std::string Checkpoint::path() const { return dir_ + "/" + kFileName; }

std::vector<InputRange> Checkpoint::remaining(
    std::vector<InputRange> ranges) const {
  if (!resume_) return ranges;
  const CheckpointPosition& p = resume_->position;
  for (size_t i = 0; i < ranges.size(); ++i) {
    InputRange& r = ranges[i];
    if (i < p.input) {
      r = InputRange{r.end, r.end, 0};
    } else if (i == p.input && p.offset > r.begin) {
      r.begin = std::min(p.offset, r.end);
      r.line_base = p.line_base;
    }
  }
  return ranges;
}

std::string Checkpoint::resumeNote() const {
  if (!resume_) return "";
  const RunTotals& t = resume_->totals;
  std::string note = "resuming from " + dir_ + "/" + kFileName + ": " +
                     std::to_string(t.bytes) + " bytes (" +
                     std::to_string(t.records) +
                     " records) were done by an earlier run";
  if (t.bad_records > 0) {
    note += "; its " + std::to_string(t.bad_records) +
            " bad records were reported by that run and are counted here";
  }
  return note;
}

Status Checkpoint::save(const CheckpointPosition& pos, const RunTotals& totals,
                        const JobState& state) {
  auto start = std::chrono::steady_clock::now();
  Partial p;
  p.job = jobWords(job_);
  p.totals = totals;
  p.order_span = pos.next_chunk << 32;
  p.state = state.serialize();
  p.extensions = {{"checkpoint", kVersion},
                  {"position", std::to_string(pos.input) + " " +
                                   std::to_string(pos.offset) + " " +
                                   std::to_string(pos.line_base) + " " +
                                   std::to_string(pos.next_chunk)},
                  {"inputs-identity", identity_},
                  {"shard", shardText(job_)}};
  Result<OutputFile> f = OutputFile::open(dir_ + "/" + kFileName);
  if (!f.ok()) return f.status();
  Status s = f.value().write(encodePartial(p));
  if (s.ok()) s = f.value().commit();
  if (s.ok()) saved_ = true;
  if (s.ok()) s = syncDir(dir_);
  last_write_ = std::chrono::steady_clock::now();
  wait_ = std::max<std::chrono::steady_clock::duration>(
      std::chrono::seconds(kCheckpointSeconds),
      kCheckpointSpacing * (last_write_ - start));
  return s;
}

Status Checkpoint::chunkMerged(const CheckpointPosition& pos,
                               const RunTotals& totals, const JobState& state) {
  ++merged_;
  bool due =
      die_after_ > 0 || std::chrono::steady_clock::now() - last_write_ >= wait_;
  if (!due) return Status();
  Status s = save(pos, totals, state);
  if (!s.ok()) return s;
  if (die_after_ > 0 && merged_ >= die_after_) ::raise(SIGKILL);
  return Status();
}

bool Checkpoint::signalNow() const {
  return signal_after_ > 0 && merged_ == signal_after_;
}

Status Checkpoint::finish() {
  std::string path = dir_ + "/" + kFileName;
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return inputError(errnoText("cannot remove checkpoint", path));
  }
  (void)::unlink((dir_ + "/" + kLockName).c_str());
  lock_fd_.reset();
  (void)::rmdir(dir_.c_str());  // only when empty: other files are the user's
  return Status();
}

}  // namespace clusterproc
