// fake-node: stands in for a Nym node binary in tests.
//
//   fake-node [--no-banner] build-info [--output=json|text]
//   fake-node [--no-banner] run [ARGS...]      runs until SIGINT/SIGTERM
//   fake-node stamp OUT [--KEY VALUE]...       writes a copy with settings baked in
//
// Settings come from (later wins): built-in defaults, a JSON trailer that `stamp`
// appends to the executable (so a downloaded copy carries its own behaviour), and
// FAKE_NODE_<KEY> environment variables. Keys:
//   version, binary_name         what build-info reports
//   exit_at_start=N              `run` exits with status N right away
//   crash_after_seconds=N        `run` aborts (SIGABRT) after N seconds
//   ignore_sigterm, ignore_sigint=true
//   hang_build_info=true         build-info never answers
//   bad_build_info=true          build-info prints something that is not JSON
//   notify_ready=true            `run` sends READY=1 over sd_notify
//   ready_delay_ms=N             wait before READY=1
//   mutate_file=PATH             `run` appends a line to PATH first (a "migration")
//   write_file=PATH              `run` keeps overwriting 64 KiB blocks of PATH (an existing
//                                file) at write_kib_s (default 10240) KiB/s, and one last
//                                block as it stops: a database written up to the stop
//   write_version=V              only version V writes (the setting is in the unit's env)
//   start_log=PATH               `run` first appends "<version> <sha256 of start_data>" to
//                                PATH (synced): what data each start found ("missing" if
//                                start_data cannot be read)
//   start_data=PATH              the file start_log digests
//   http_listen=HOST:PORT        `run` serves nym-node's API there: GET /api/v1/health and
//                                /api/v1/build-information
//   http_health_status=N         what /api/v1/health answers (default 200)
//   http_build_version=V         the build_version /api/v1/build-information reports
//                                (default: version)
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#ifndef FAKE_NODE_DEFAULT_VERSION
#define FAKE_NODE_DEFAULT_VERSION "1.1.0"
#endif

namespace {

using nlohmann::json;

constexpr char kMagic[] = "FAKENODE";  // 8 bytes, last in the file
constexpr size_t kMagicLen = 8;
constexpr size_t kLengthLen = 8;  // hex length of the JSON, before the magic

const char* const kKeys[] = {
    "version",        "binary_name",        "exit_at_start",     "crash_after_seconds",
    "ignore_sigterm", "ignore_sigint",      "hang_build_info",   "bad_build_info",
    "notify_ready",   "ready_delay_ms",     "mutate_file",       "write_file",
    "write_kib_s",    "write_version",      "start_log",         "start_data",
    "http_listen",    "http_health_status", "http_build_version"};

std::string ReadSelf() {
  std::ifstream in("/proc/self/exe", std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

/// Splits the executable into its code and the stamped settings (if any).
std::pair<std::string, json> SplitTrailer(const std::string& exe) {
  if (exe.size() < kMagicLen + kLengthLen ||
      exe.compare(exe.size() - kMagicLen, kMagicLen, kMagic) != 0) {
    return {exe, json::object()};
  }
  size_t len = std::stoul(exe.substr(exe.size() - kMagicLen - kLengthLen, kLengthLen), nullptr, 16);
  size_t start = exe.size() - kMagicLen - kLengthLen - len;
  return {exe.substr(0, start), json::parse(exe.substr(start, len))};
}

/// The stamped settings, read from the end of the executable only (a padded
/// fake node of hundreds of MiB answers build-info as fast as a small one).
json ReadStampedSettings() {
  std::ifstream in("/proc/self/exe", std::ios::binary | std::ios::ate);
  std::streamoff size = in.tellg();
  std::streamoff tail = std::min<std::streamoff>(size, 1 << 16);
  std::string end(static_cast<size_t>(tail), '\0');
  in.seekg(size - tail);
  in.read(end.data(), tail);
  return SplitTrailer(end).second;
}

json LoadSettings() {
  json s = {{"version", FAKE_NODE_DEFAULT_VERSION}, {"binary_name", "nym-node"}};
  json stamped = ReadStampedSettings();
  for (auto& [k, v] : stamped.items()) s[k] = v;
  for (const char* key : kKeys) {
    std::string var = "FAKE_NODE_" + std::string(key);
    for (char& c : var) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (const char* v = std::getenv(var.c_str())) s[key] = v;
  }
  return s;
}

std::string Get(const json& s, const char* key, const std::string& fallback = "") {
  if (!s.contains(key)) return fallback;
  return s[key].is_string() ? s[key].get<std::string>() : s[key].dump();
}

bool Flag(const json& s, const char* key) { return Get(s, key) == "true"; }

/// 40 hex digits derived from `seed`, like a git commit id.
std::string FakeSha(const std::string& seed) {
  std::string hex;
  for (int round = 0; hex.size() < 40; ++round) {
    char part[17];
    std::snprintf(part, sizeof part, "%016zx",
                  std::hash<std::string>{}(seed + std::to_string(round)));
    hex += part;
  }
  return hex.substr(0, 40);
}

/// Nym's build information: these ten string fields, in this order (as
/// bin-common prints them; see docs in ../shared/reference/nym-releases.md 3).
nlohmann::ordered_json BuildInfo(const json& s) {
  std::string version = Get(s, "version");
  return {{"binary_name", Get(s, "binary_name")},
          {"build_timestamp", "2024-11-18T12:00:00.000000000Z"},
          {"build_version", version},
          {"commit_sha", FakeSha(version)},
          {"commit_timestamp", "2024-11-18T10:00:00.000000000+00:00"},
          {"commit_branch", "HEAD"},
          {"rustc_version", "1.84.1"},
          {"rustc_channel", "stable"},
          {"cargo_profile", "release"},
          {"cargo_triple", "x86_64-unknown-linux-gnu"}};
}

/// The text form: an empty line, nine labels in 20 columns, an empty line.
void PrintBuildInfoText(const json& s) {
  nlohmann::ordered_json b = BuildInfo(s);
  const std::pair<const char*, const char*> rows[] = {
      {"Binary Name:", "binary_name"},      {"Build Timestamp:", "build_timestamp"},
      {"Build Version:", "build_version"},  {"Commit SHA:", "commit_sha"},
      {"Commit Date:", "commit_timestamp"}, {"Commit Branch:", "commit_branch"},
      {"rustc Version:", "rustc_version"},  {"rustc Channel:", "rustc_channel"},
      {"cargo Profile:", "cargo_profile"}};
  std::cout << "\n";
  for (const auto& [label, key] : rows) {
    std::printf("%-20s%s\n", label, b[key].get<std::string>().c_str());
  }
  std::cout << "\n";
}

int CmdBuildInfo(const json& s, const std::vector<std::string>& args) {
  if (Flag(s, "hang_build_info")) {
    while (true) pause();
  }
  if (Flag(s, "bad_build_info")) {
    std::cout << "this is not build information\n";
    return 0;
  }
  bool text = true;
  for (const std::string& a : args) text = text && a != "--output=json" && a != "json";
  if (!text) {
    std::cout << BuildInfo(s).dump() << "\n";
    return 0;
  }
  PrintBuildInfoText(s);
  return 0;
}

volatile sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

/// sha256 of a file in hex, or "missing".
std::string Sha256Of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "missing";
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    EVP_DigestUpdate(ctx.get(), buf, static_cast<size_t>(in.gcount()));
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    char two[3];
    std::snprintf(two, sizeof two, "%02x", md[i]);
    hex += two;
  }
  return hex;
}

/// Appends "<version> <digest of the data>" to the start log, durably.
void LogStart(const json& s, const std::string& version) {
  std::string line = version + " " + Sha256Of(Get(s, "start_data")) + "\n";
  int fd = ::open(Get(s, "start_log").c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0 || ::write(fd, line.data(), line.size()) < 0) std::perror("fake-node start_log");
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

void Mutate(const std::string& path, const std::string& version) {
  std::ofstream out(path, std::ios::app);
  out << "migrated by fake-node " << version << "\n";
  out.flush();
  ::sync();
}

/// Overwrites 64 KiB blocks of an existing file at pseudo-random places, each
/// stamped with a counter so that every write changes the data.
class Writer {
 public:
  Writer(const std::string& path, int kib_per_second)
      : fd_(::open(path.c_str(), O_WRONLY | O_CLOEXEC)), per_tick_(kib_per_second / 50 / 64) {
    struct stat st {};
    if (fd_ >= 0 && ::fstat(fd_, &st) == 0) blocks_ = st.st_size / kBlock;
    if (blocks_ == 0 && fd_ >= 0) {
      std::cerr << "fake-node: " << path << " is smaller than a block; not writing" << std::endl;
    }
  }
  ~Writer() {
    if (fd_ >= 0) ::close(fd_);
  }
  /// One 20 ms tick's worth of writes.
  void Tick() {
    for (int i = 0; i < std::max(per_tick_, 1); ++i) WriteOne();
  }
  void WriteOne() {
    if (fd_ < 0 || blocks_ == 0) return;
    count_ += 1;
    std::string block(kBlock, static_cast<char>('a' + count_ % 26));
    std::snprintf(block.data(), 32, "write %llu", static_cast<unsigned long long>(count_));
    uint64_t at = (count_ * 2654435761u) % blocks_;
    if (::pwrite(fd_, block.data(), block.size(), at * kBlock) < 0) std::perror("fake-node write");
  }

 private:
  static constexpr size_t kBlock = 64 << 10;
  int fd_;
  int per_tick_;
  uint64_t blocks_ = 0;
  uint64_t count_ = 0;
};

std::unique_ptr<Writer> MakeWriter(const json& s) {
  std::string path = Get(s, "write_file");
  std::string only = Get(s, "write_version");
  if (path.empty() || (!only.empty() && only != Get(s, "version"))) return nullptr;
  return std::make_unique<Writer>(path, std::stoi(Get(s, "write_kib_s", "10240")));
}

/// One answer of the node's API, as nym-node's HTTP server would give it.
std::string ApiAnswer(const json& s, const std::string& path) {
  long status = 404;
  std::string body = "{\"error\":\"not found\"}";
  if (path == "/api/v1/health") {
    status = std::stol(Get(s, "http_health_status", "200"));
    body = status / 100 == 2 ? "{\"status\":\"up\",\"uptime\":1}" : "{\"error\":\"unhealthy\"}";
  } else if (path == "/api/v1/build-information") {
    json reported = s;
    reported["version"] = Get(s, "http_build_version", Get(s, "version"));
    status = 200;
    body = BuildInfo(reported).dump();
  }
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\n" +
         "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

/// Serves the API on http_listen (an IPv4 address and port) until the
/// process ends; one connection at a time is enough for the agent's probes.
void ServeApi(const json& s) {
  std::string listen = Get(s, "http_listen");
  size_t colon = listen.rfind(':');
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(std::stoi(listen.substr(colon + 1))));
  inet_pton(AF_INET, listen.substr(0, colon).c_str(), &addr.sin_addr);
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 8) != 0) {
    std::perror("fake-node http_listen");
    return;
  }
  std::thread([s, fd] {
    while (true) {
      int c = ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      char buf[4096];
      ssize_t n = ::recv(c, buf, sizeof buf - 1, 0);
      std::string request(buf, n > 0 ? static_cast<size_t>(n) : 0);
      size_t sp = request.find(' ');
      std::string path = request.substr(sp + 1, request.find(' ', sp + 1) - sp - 1);
      std::string answer = ApiAnswer(s, path);
      (void)!::send(c, answer.data(), answer.size(), MSG_NOSIGNAL);
      ::close(c);
    }
  }).detach();
}

int CmdRun(const json& s, const std::vector<std::string>& args) {
  std::string version = Get(s, "version");
  std::cout << "fake-node " << version << " starting with";
  for (const std::string& a : args) std::cout << " " << a;
  std::cout << std::endl;
  if (!Get(s, "start_log").empty()) LogStart(s, version);
  if (!Get(s, "mutate_file").empty()) Mutate(Get(s, "mutate_file"), version);
  if (!Get(s, "exit_at_start").empty()) {
    std::cerr << "fake-node " << version << ": failing at start as configured" << std::endl;
    return std::stoi(Get(s, "exit_at_start"));
  }
  signal(SIGTERM, Flag(s, "ignore_sigterm") ? SIG_IGN : OnSignal);
  signal(SIGINT, Flag(s, "ignore_sigint") ? SIG_IGN : OnSignal);
  int ready_delay = std::stoi(Get(s, "ready_delay_ms", "0"));
  int crash_after = std::stoi(Get(s, "crash_after_seconds", "0"));
  auto start = std::chrono::steady_clock::now();
  bool ready_sent = false;
  std::unique_ptr<Writer> writer = MakeWriter(s);
  if (!Get(s, "http_listen").empty()) ServeApi(s);
  while (!g_stop) {
    if (writer) writer->Tick();
    auto elapsed = std::chrono::steady_clock::now() - start;
    if (!ready_sent && Flag(s, "notify_ready") &&
        elapsed >= std::chrono::milliseconds(ready_delay)) {
      sd_notifyf(0, "READY=1\nSTATUS=fake-node %s serving", version.c_str());
      ready_sent = true;
    }
    if (crash_after > 0 && elapsed >= std::chrono::seconds(crash_after)) {
      std::cerr << "fake-node " << version << ": crashing as configured" << std::endl;
      std::abort();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (writer) writer->WriteOne();  // the last write, as the stop arrives
  std::cout << "fake-node " << version << " stopping" << std::endl;
  return 0;
}

int CmdStamp(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cerr << "usage: fake-node stamp OUT [--KEY VALUE]...\n";
    return 2;
  }
  json settings = json::object();
  for (size_t i = 1; i + 1 < args.size(); i += 2) {
    std::string key = args[i].starts_with("--") ? args[i].substr(2) : args[i];
    for (char& c : key) c = c == '-' ? '_' : c;
    settings[key] = args[i + 1];
  }
  std::string payload = settings.dump();
  char len[16];
  std::snprintf(len, sizeof len, "%08zx", payload.size());
  std::string out = SplitTrailer(ReadSelf()).first + payload + len + kMagic;
  std::string tmp = args[0] + ".stamping";
  std::ofstream(tmp, std::ios::binary) << out;
  ::chmod(tmp.c_str(), 0755);
  return std::rename(tmp.c_str(), args[0].c_str()) == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "--no-banner") args.erase(args.begin());
  if (args.empty()) {
    std::cerr << "usage: fake-node [--no-banner] build-info|run|stamp ...\n";
    return 2;
  }
  std::string cmd = args[0];
  args.erase(args.begin());
  if (cmd == "stamp") return CmdStamp(args);
  json settings = LoadSettings();
  if (cmd == "-V") {  // clap's short version
    std::cout << Get(settings, "binary_name") << " " << Get(settings, "version") << "\n";
    return 0;
  }
  if (cmd == "--version") {  // the long one: the name, then the table
    std::cout << Get(settings, "binary_name") << "\n";
    PrintBuildInfoText(settings);
    return 0;
  }
  if (cmd == "build-info") return CmdBuildInfo(settings, args);
  if (cmd == "run") return CmdRun(settings, args);
  std::cerr << "fake-node: unknown command " << cmd << "\n";
  return 2;
}
