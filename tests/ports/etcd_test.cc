#include "agent/ports/etcd.h"

#include <gtest/gtest.h>

#include "tests/support/etcd_contract.h"
#include "tests/support/fake_etcd.h"
#include "tests/support/test_support.h"

namespace nymvisor::testing {
namespace {

using namespace std::chrono_literals;

Timestamp Start() { return Timestamp(std::chrono::seconds(1'800'000'000)); }

class FakeBackend : public EtcdContractBackend {
 public:
  Etcd& etcd() override { return etcd_; }
  void Pass(Duration d) override { clock_.Advance(d); }

 private:
  FakeClock clock_{Start()};
  FakeEtcd etcd_{clock_};
};

INSTANTIATE_TEST_SUITE_P(Fake, EtcdContract,
                         ::testing::Values(EtcdContractParam{
                             "Fake", [] { return std::make_unique<FakeBackend>(); }}),
                         EtcdContractName);

TEST(EtcdPrefixEnd, IncrementsTheLastByteAndCarries) {
  EXPECT_EQ(EtcdPrefixEnd("upg/slots/"), "upg/slots0");
  EXPECT_EQ(EtcdPrefixEnd(std::string("a\xff", 2)), "b");
  EXPECT_EQ(EtcdPrefixEnd(""), std::string(1, '\0'));
  EXPECT_EQ(EtcdPrefixEnd(std::string("\xff\xff", 2)), std::string(1, '\0'));
}

TEST(EtcdStatus, CarriesItsKindThroughAStatus) {
  for (EtcdError kind :
       {EtcdError::kUnreachable, EtcdError::kLeaseNotFound, EtcdError::kUnauthenticated,
        EtcdError::kPermissionDenied, EtcdError::kBadRequest, EtcdError::kOther}) {
    Status st = EtcdStatus(kind, "etcd said no");
    EXPECT_FALSE(st.ok());
    EXPECT_EQ(st.message(), "etcd said no");
    EXPECT_EQ(EtcdErrorOf(st), kind);
  }
  EXPECT_EQ(EtcdErrorOf(Status()), EtcdError::kNone);
  EXPECT_TRUE(EtcdStatus(EtcdError::kUnreachable, "x").IsUnavailable());
}

class FakeEtcdTest : public ::testing::Test {
 protected:
  FakeClock clock_{Start()};
  FakeEtcd etcd_{clock_};
};

TEST_F(FakeEtcdTest, ExpiresALeaseExactlyAtItsTtl) {
  EtcdLease lease = etcd_.GrantLease(10).value();
  ASSERT_TRUE(etcd_.Put({.key = "slot", .value = "v", .lease = lease.id}).ok());
  clock_.Advance(9s);
  EXPECT_EQ(etcd_.TimeToLive(lease.id).value(), 1);
  EXPECT_EQ(etcd_.Range({.key = "slot"})->count, 1);
  clock_.Advance(1s);
  EXPECT_EQ(etcd_.Range({.key = "slot"})->count, 0);
  EXPECT_EQ(EtcdErrorOf(etcd_.TimeToLive(lease.id).status()), EtcdError::kLeaseNotFound);
}

TEST_F(FakeEtcdTest, FailsTheNextCallsAsUnreachableThenRecovers) {
  etcd_.FailNextCalls(2);
  EXPECT_EQ(EtcdErrorOf(etcd_.Range({.key = "k"}).status()), EtcdError::kUnreachable);
  EXPECT_EQ(EtcdErrorOf(etcd_.GrantLease(5).status()), EtcdError::kUnreachable);
  EXPECT_TRUE(etcd_.Range({.key = "k"}).ok());
  EXPECT_EQ(etcd_.calls(), 3);
}

TEST_F(FakeEtcdTest, ADownEtcdKeepsLeasesAndRestartsTheirTtl) {
  EtcdLease lease = etcd_.GrantLease(10).value();
  ASSERT_TRUE(etcd_.Put({.key = "slot", .value = "v", .lease = lease.id}).ok());
  etcd_.SetDown(true);
  clock_.Advance(60s);
  EXPECT_EQ(EtcdErrorOf(etcd_.KeepAlive(lease.id).status()), EtcdError::kUnreachable);
  etcd_.SetDown(false);
  EXPECT_EQ(etcd_.TimeToLive(lease.id).value(), 10);
  EXPECT_EQ(etcd_.Range({.key = "slot"})->count, 1);
}

TEST_F(FakeEtcdTest, GivesATxnOneRevisionAndAReadOnlyTxnNone) {
  int64_t before = etcd_.revision();
  EtcdTxn two_puts{
      .success = {EtcdPut{.key = "a", .value = "1"}, EtcdPut{.key = "b", .value = "2"}}};
  EXPECT_EQ(etcd_.Txn(two_puts)->revision, before + 1);
  EXPECT_EQ(etcd_.Range({.key = "a"})->kvs[0].create_revision,
            etcd_.Range({.key = "b"})->kvs[0].create_revision);
  EXPECT_EQ(etcd_.Txn({.success = {EtcdRange{.key = "a"}}})->revision, before + 1);
  EXPECT_EQ(etcd_.DeleteRange({.key = "none"})->revision, before + 1);
}

}  // namespace
}  // namespace nymvisor::testing
