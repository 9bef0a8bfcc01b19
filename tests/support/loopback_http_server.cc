#include "tests/support/loopback_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <sstream>

namespace nymvisor::testing {
namespace {

void SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    data.remove_prefix(static_cast<size_t>(n));
  }
}

std::string ReadRequestHead(int fd) {
  std::string head;
  char buf[1024];
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    head.append(buf, static_cast<size_t>(n));
  }
  return head;
}

LoopbackHttpServer::Request ParseHead(const std::string& head) {
  LoopbackHttpServer::Request request;
  std::istringstream in(head);
  std::string method, line;
  in >> method >> request.path;
  std::getline(in, line);
  while (std::getline(in, line) && line != "\r") {
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    if (!value.empty() && value.back() == '\r') value.pop_back();
    request.headers[name] = value;
  }
  return request;
}

}  // namespace

LoopbackHttpServer::LoopbackHttpServer() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  ::listen(listen_fd_, 16);
  thread_ = std::thread([this] { Serve(); });
}

LoopbackHttpServer::~LoopbackHttpServer() {
  stop_ = true;
  thread_.join();
  ::close(listen_fd_);
}

void LoopbackHttpServer::Set(const std::string& path, Response response) {
  std::lock_guard<std::mutex> lock(mu_);
  routes_[path] = std::move(response);
}

std::string LoopbackHttpServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<LoopbackHttpServer::Request> LoopbackHttpServer::Requests() {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

void LoopbackHttpServer::Serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    Handle(client);
    ::close(client);
  }
}

void LoopbackHttpServer::Handle(int client) {
  Request request = ParseHead(ReadRequestHead(client));
  Response r;
  {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(request);
    auto it = routes_.find(request.path);
    r = it != routes_.end() ? it->second : Response{404, "not found\n", {}, false, SIZE_MAX};
  }
  std::string body = r.body;
  int status = r.status;
  std::string extra;
  auto range = request.headers.find("range");
  if (status == 200 && r.honour_range && range != request.headers.end()) {
    size_t from = std::stoul(range->second.substr(range->second.find('=') + 1));
    extra = "Content-Range: bytes " + std::to_string(from) + "-" + std::to_string(body.size() - 1) +
            "/" + std::to_string(body.size()) + "\r\n";
    body = body.substr(std::min(from, body.size()));
    status = 206;
  }
  std::string head = "HTTP/1.0 " + std::to_string(status) +
                     " Canned\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra;
  for (const auto& [name, value] : r.headers) head += name + ": " + value + "\r\n";
  SendAll(client, head + "\r\n");
  SendAll(client, std::string_view(body).substr(0, std::min(body.size(), r.close_after)));
}

}  // namespace nymvisor::testing
