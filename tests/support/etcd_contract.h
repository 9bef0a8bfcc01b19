#ifndef NYMVISOR_TESTS_SUPPORT_ETCD_CONTRACT_H_
#define NYMVISOR_TESTS_SUPPORT_ETCD_CONTRACT_H_

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "agent/base/duration.h"
#include "agent/ports/etcd.h"

namespace nymvisor::testing {

/// An Etcd under contract test, and how time passes for its leases.
class EtcdContractBackend {
 public:
  virtual ~EtcdContractBackend() = default;
  virtual Etcd& etcd() = 0;
  /// Lets `d` pass for the leases: a fake clock advances, a real etcd is
  /// waited for (leases then need a margin of a second or more).
  virtual void Pass(Duration d) = 0;
};

/// Makes a backend; the contract tests give each test its own key prefix,
/// so one real etcd may serve all of them.
struct EtcdContractParam {
  std::string name;
  std::function<std::unique_ptr<EtcdContractBackend>()> make;
};

/// Names the parameter in test output (the name, not its bytes).
inline void PrintTo(const EtcdContractParam& param, std::ostream* os) { *os << param.name; }

/// The contract every Etcd must keep (tests/support/etcd_contract.cc):
/// instantiated for FakeEtcd (tests/ports/etcd_test.cc) and for EtcdGateway
/// over a real etcd (tests/adapters/etcd_gateway_test.cc), so the fake
/// answers as etcd does.
class EtcdContract : public ::testing::TestWithParam<EtcdContractParam> {
 protected:
  void SetUp() override;
  Etcd& etcd() { return backend_->etcd(); }
  void Pass(Duration d) { backend_->Pass(d); }
  /// A key under this test's own prefix.
  std::string Key(const std::string& name) const { return prefix_ + name; }
  const std::string& prefix() const { return prefix_; }

 private:
  std::unique_ptr<EtcdContractBackend> backend_;
  std::string prefix_;
};

/// The name of a parameter, for INSTANTIATE_TEST_SUITE_P.
std::string EtcdContractName(const ::testing::TestParamInfo<EtcdContractParam>& info);

}  // namespace nymvisor::testing

#endif  // NYMVISOR_TESTS_SUPPORT_ETCD_CONTRACT_H_
