#ifndef NYMVISOR_TESTS_SUPPORT_LOOPBACK_HTTP_SERVER_H_
#define NYMVISOR_TESTS_SUPPORT_LOOPBACK_HTTP_SERVER_H_

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace nymvisor::testing {

/// A tiny HTTP/1.0 server on 127.0.0.1 for testing the real HTTP client:
/// canned responses per path, optional Range support and a truncated body,
/// and a log of the requests' headers. Serves on its own thread.
class LoopbackHttpServer {
 public:
  struct Response {
    int status = 200;
    std::string body;
    std::map<std::string, std::string> headers;
    bool honour_range = true;       ///< answer "Range: bytes=N-" with 206
    size_t close_after = SIZE_MAX;  ///< send only this many body bytes, then close
  };
  struct Request {
    std::string path;
    std::map<std::string, std::string> headers;  ///< lower-case names
  };

  LoopbackHttpServer();
  ~LoopbackHttpServer();

  void Set(const std::string& path, Response response);
  std::string Url(const std::string& path) const;
  std::vector<Request> Requests();

 private:
  void Serve();
  void Handle(int client);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::map<std::string, Response> routes_;
  std::vector<Request> requests_;
  std::thread thread_;
};

}  // namespace nymvisor::testing

#endif  // NYMVISOR_TESTS_SUPPORT_LOOPBACK_HTTP_SERVER_H_
