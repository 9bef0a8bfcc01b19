// Needs a real etcd (Debian's etcd-server and etcd-client): the ctest
// EtcdGatewayRealEtcd (label "etcd") runs this binary once; it starts its
// own etcds on free loopback ports and ends them by PID. Without etcd it
// fails and says what to install.
#include "agent/adapters/etcd_gateway.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "agent/base/scope.h"
#include "tests/support/etcd_contract.h"
#include "tests/support/etcd_process.h"

namespace nymvisor::testing {
namespace {

using namespace std::chrono_literals;

/// Waits until etcd answers a read (a leader is elected).
Status WaitReady(Etcd& etcd) {
  Status last;
  for (int i = 0; i < 100; ++i) {
    last = etcd.Range({.key = "ready"}).status();
    if (last.ok()) return last;
    std::this_thread::sleep_for(200ms);
  }
  return last;
}

EtcdGatewayOptions Plain(const std::string& endpoint) {
  return EtcdGatewayOptions{.endpoints = {endpoint}, .call_timeout = 2s};
}

/// One etcd for all contract tests (they use their own key prefixes),
/// started by the first of them.
std::unique_ptr<EtcdProcess>& SharedEtcd() {
  static std::unique_ptr<EtcdProcess> etcd;
  static bool tried = false;
  if (!tried) {
    tried = true;
    etcd = std::make_unique<EtcdProcess>();
    Status st = etcd->Start();
    if (st.ok()) {
      EtcdGateway gateway(Plain(etcd->endpoint()));
      st = WaitReady(gateway);
    }
    if (!st.ok()) {
      ADD_FAILURE() << st.message() << "\n" << etcd->LogTail();
      etcd.reset();
    }
  }
  return etcd;
}

/// Ends the shared etcd (by its PID) and removes its data when the tests are
/// done, whatever they did.
class SharedEtcdEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { SharedEtcd().reset(); }
};
const auto* const kEnvironment = ::testing::AddGlobalTestEnvironment(new SharedEtcdEnvironment);

class RealBackend : public EtcdContractBackend {
 public:
  explicit RealBackend(const std::string& endpoint) : gateway_(Plain(endpoint)) {}
  Etcd& etcd() override { return gateway_; }
  void Pass(Duration d) override { std::this_thread::sleep_for(d); }

 private:
  EtcdGateway gateway_;
};

INSTANTIATE_TEST_SUITE_P(RealEtcd, EtcdContract,
                         ::testing::Values(EtcdContractParam{
                             "RealEtcd",
                             []() -> std::unique_ptr<EtcdContractBackend> {
                               EtcdProcess* etcd = SharedEtcd().get();
                               if (etcd == nullptr) return nullptr;
                               return std::make_unique<RealBackend>(etcd->endpoint());
                             }}),
                         EtcdContractName);

TEST(ParseEtcdCredentials, TakesUserColonPasswordOnOneLine) {
  Result<EtcdCredentials> c = ParseEtcdCredentials("agent:pa:ss word\r\n", "/etc/fleet");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->user, "agent");
  EXPECT_EQ(c->password, "pa:ss word");
  Result<EtcdCredentials> two_lines = ParseEtcdCredentials("agent\npw\n", "/etc/fleet");
  ASSERT_FALSE(two_lines.ok());
  EXPECT_NE(two_lines.status().message().find("/etc/fleet"), std::string::npos);
  EXPECT_FALSE(ParseEtcdCredentials("", "/etc/fleet").ok());
  EXPECT_FALSE(ParseEtcdCredentials("agent:\n", "/etc/fleet").ok());
  EXPECT_FALSE(ParseEtcdCredentials(":pw\n", "/etc/fleet").ok());
}

/// Starts an etcd of its own and waits for it, or fails the test.
#define START_ETCD(process, options, gateway_options)                              \
  do {                                                                             \
    Status started = (process).Start(options);                                     \
    ASSERT_TRUE(started.ok()) << started.message() << "\n" << (process).LogTail(); \
    EtcdGateway waiter(gateway_options);                                           \
    ASSERT_TRUE(WaitReady(waiter).ok()) << (process).LogTail();                    \
  } while (0)

TEST(EtcdGateway, AStoppedOrHungEtcdIsUnreachable) {
  EtcdProcess process;
  START_ETCD(process, EtcdProcess::Options{}, Plain(process.endpoint()));
  EtcdGateway gateway(EtcdGatewayOptions{.endpoints = {process.endpoint()}, .call_timeout = 1s});
  ASSERT_TRUE(gateway.Put({.key = "k", .value = "v"}).ok());
  process.Pause();  // hung: only the timeout ends the call
  Result<EtcdRangeResult> hung = gateway.Range({.key = "k"});
  process.Resume();
  EXPECT_EQ(EtcdErrorOf(hung.status()), EtcdError::kUnreachable) << hung.status().message();
  EXPECT_NE(hung.status().message().find(process.endpoint()), std::string::npos);
  process.Stop();
  Result<EtcdRangeResult> stopped = gateway.Range({.key = "k"});
  EXPECT_EQ(EtcdErrorOf(stopped.status()), EtcdError::kUnreachable);
  EXPECT_EQ(EtcdErrorOf(gateway.KeepAlive(42).status()), EtcdError::kUnreachable);
  ASSERT_TRUE(process.Restart().ok()) << process.LogTail();
  ASSERT_TRUE(WaitReady(gateway).ok()) << process.LogTail();
  EXPECT_EQ(gateway.Range({.key = "k"})->kvs.at(0).value, "v");
}

TEST(EtcdGateway, TriesTheNextEndpointWhenOneIsDown) {
  EtcdProcess process;
  START_ETCD(process, EtcdProcess::Options{}, Plain(process.endpoint()));
  std::string dead = "http://127.0.0.1:" + std::to_string(FreeLoopbackPort());
  EtcdGateway gateway(EtcdGatewayOptions{.endpoints = {dead, process.endpoint() + "/"}});
  EXPECT_TRUE(gateway.Put({.key = "k", .value = "v"}).ok());
  EtcdGateway none(EtcdGatewayOptions{.endpoints = {dead}});
  Result<EtcdPutResult> put = none.Put({.key = "k", .value = "v"});
  EXPECT_EQ(EtcdErrorOf(put.status()), EtcdError::kUnreachable);
  EXPECT_NE(put.status().message().find(dead), std::string::npos) << put.status().message();
}

/// etcdctl against `endpoint`; true when it succeeded.
bool Etcdctl(const std::string& endpoint, const std::string& args) {
  std::string command =
      "ETCDCTL_API=3 etcdctl --endpoints=" + endpoint + " " + args + " >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

/// Users root and agent (role upg: read-write under upg/), auth enabled.
void EnableAuth(const std::string& endpoint) {
  ASSERT_TRUE(Etcdctl(endpoint, "user add root:rootpw"));
  ASSERT_TRUE(Etcdctl(endpoint, "user grant-role root root"));
  ASSERT_TRUE(Etcdctl(endpoint, "role add upg"));
  ASSERT_TRUE(Etcdctl(endpoint, "role grant-permission upg --prefix=true readwrite upg/"));
  ASSERT_TRUE(Etcdctl(endpoint, "user add agent:agentpw"));
  ASSERT_TRUE(Etcdctl(endpoint, "user grant-role agent upg"));
  ASSERT_TRUE(Etcdctl(endpoint, "auth enable"));
}

EtcdGatewayOptions AsAgent(const std::string& endpoint, const std::string& password) {
  EtcdGatewayOptions options = Plain(endpoint);
  options.credentials = EtcdCredentials{.user = "agent", .password = password};
  options.credentials_source = "/run/credentials/fleet";
  return options;
}

TEST(EtcdGateway, LogsInReLogsInOnAnExpiredTokenAndReportsRefusals) {
  EtcdProcess process;
  START_ETCD(process, EtcdProcess::Options{.extra_args = {"--auth-token-ttl=2"}},
             Plain(process.endpoint()));
  EnableAuth(process.endpoint());
  EtcdGateway agent(AsAgent(process.endpoint(), "agentpw"));
  EtcdLease lease = agent.GrantLease(30).value();
  EXPECT_TRUE(agent.Put({.key = "upg/slots/a", .value = "v", .lease = lease.id}).ok());
  Result<EtcdPutResult> outside = agent.Put({.key = "other", .value = "v"});
  EXPECT_EQ(EtcdErrorOf(outside.status()), EtcdError::kPermissionDenied)
      << outside.status().message();
  std::this_thread::sleep_for(4s);  // the token idles out: 401, then one new login
  Result<EtcdRangeResult> read = agent.Range({.key = "upg/slots/a"});
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->count, 1);

  EtcdGateway wrong(AsAgent(process.endpoint(), "nope"));
  Result<EtcdRangeResult> refused = wrong.Range({.key = "upg/slots/a"});
  EXPECT_EQ(EtcdErrorOf(refused.status()), EtcdError::kUnauthenticated);
  EXPECT_NE(refused.status().message().find("authentication failed"), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("/run/credentials/fleet"), std::string::npos);
  EtcdGateway anonymous(Plain(process.endpoint()));
  Result<EtcdRangeResult> no_login = anonymous.Range({.key = "upg/slots/a"});
  EXPECT_EQ(EtcdErrorOf(no_login.status()), EtcdError::kUnauthenticated)
      << no_login.status().message();
}

/// Runs a shell command in `dir`; true when it succeeded.
bool Shell(const std::filesystem::path& dir, const std::string& command) {
  std::string full = "cd " + dir.string() + " && (" + command + ") >/dev/null 2>&1";
  return std::system(full.c_str()) == 0;
}

/// A CA, a server certificate for 127.0.0.1 (also for clientAuth: the
/// gateway dials etcd's gRPC port with it) and a client certificate.
void MakeCertificates(const std::filesystem::path& dir) {
  ASSERT_TRUE(Shell(dir,
                    "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=test-ca "
                    "-keyout ca.key -out ca.pem"));
  ASSERT_TRUE(
      Shell(dir,
            "printf 'subjectAltName=IP:127.0.0.1\\nextendedKeyUsage=serverAuth,clientAuth\\n'"
            " > ext.cnf && openssl req -newkey rsa:2048 -nodes -subj /CN=etcd "
            "-keyout server.key -out server.csr && openssl x509 -req -in server.csr "
            "-CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile ext.cnf "
            "-out server.pem"));
  ASSERT_TRUE(Shell(dir,
                    "printf 'extendedKeyUsage=clientAuth\\n' > client.cnf && openssl req "
                    "-newkey rsa:2048 -nodes -subj /O=fleet -keyout client.key -out client.csr "
                    "&& openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key "
                    "-CAcreateserial -days 2 -extfile client.cnf -out client.pem"));
}

TEST(EtcdGateway, SpeaksTlsWithAClientCertificate) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("nymvisor-etcd-tls-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  Scope remove = Scope::OnExit([dir] { std::filesystem::remove_all(dir); });
  MakeCertificates(dir);
  EtcdGatewayOptions tls{.ca_file = (dir / "ca.pem").string(),
                         .cert_file = (dir / "client.pem").string(),
                         .key_file = (dir / "client.key").string(),
                         .call_timeout = 2s};
  EtcdProcess process;
  EtcdProcess::Options options{.cert_file = (dir / "server.pem").string(),
                               .key_file = (dir / "server.key").string(),
                               .client_ca_file = (dir / "ca.pem").string()};
  ASSERT_TRUE(process.Start(options).ok()) << process.LogTail();
  tls.endpoints = {process.endpoint()};
  EtcdGateway gateway(tls);
  ASSERT_TRUE(WaitReady(gateway).ok()) << process.LogTail();
  EXPECT_TRUE(gateway.Put({.key = "k", .value = "v"}).ok());

  EtcdGatewayOptions no_cert = tls;
  no_cert.cert_file.clear();
  no_cert.key_file.clear();
  EXPECT_FALSE(EtcdGateway(no_cert).Range({.key = "k"}).ok());
  EtcdGatewayOptions unknown_ca = tls;
  unknown_ca.ca_file = (dir / "client.pem").string();
  Result<EtcdRangeResult> untrusted = EtcdGateway(unknown_ca).Range({.key = "k"});
  EXPECT_EQ(EtcdErrorOf(untrusted.status()), EtcdError::kOther) << untrusted.status().message();
  unknown_ca.credentials = EtcdCredentials{.user = "agent", .password = "pw"};
  Result<EtcdRangeResult> no_login = EtcdGateway(unknown_ca).Range({.key = "k"});
  EXPECT_EQ(EtcdErrorOf(no_login.status()), EtcdError::kOther);  // TLS, not the password
  EXPECT_EQ(no_login.status().message().find("refused the login"), std::string::npos)
      << no_login.status().message();
}

}  // namespace
}  // namespace nymvisor::testing
