#include "tests/support/etcd_contract.h"

#include <atomic>
#include <thread>
#include <vector>

namespace nymvisor::testing {
namespace {

using namespace std::chrono_literals;
using Target = EtcdCompare::Target;
using Cmp = EtcdCompare::Result;

template <typename T>
T Must(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (!r.ok()) throw std::runtime_error(r.status().message());
  return std::move(r).value();
}

std::vector<std::string> Keys(const EtcdRangeResult& r) {
  std::vector<std::string> keys;
  for (const EtcdKeyValue& kv : r.kvs) keys.push_back(kv.key);
  return keys;
}

/// The semaphore recipe's acquire: create `slot` with `lease` only when it
/// is new and no halt mark exists; the failure branch reads both.
EtcdTxn Acquire(const std::string& slot, const std::string& halt, int64_t lease) {
  return EtcdTxn{
      .compare = {{.key = slot, .target = Target::kCreate, .result = Cmp::kEqual, .number = 0},
                  {.key = halt, .target = Target::kVersion, .result = Cmp::kEqual, .number = 0}},
      .success = {EtcdPut{.key = slot, .value = "1.2.3", .lease = lease}},
      .failure = {EtcdRange{.key = slot}, EtcdRange{.key = halt}}};
}

}  // namespace

void EtcdContract::SetUp() {
  backend_ = GetParam().make();
  ASSERT_NE(backend_, nullptr);
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  prefix_ = std::string("contract/") + info->name() + "/";
  // A clean prefix, also when a real etcd kept the keys of an earlier run.
  Result<EtcdDeleteResult> clean =
      etcd().DeleteRange({.key = prefix_, .range_end = EtcdPrefixEnd(prefix_)});
  ASSERT_TRUE(clean.ok()) << clean.status().message();
}

std::string EtcdContractName(const ::testing::TestParamInfo<EtcdContractParam>& info) {
  return info.param.name;
}

TEST_P(EtcdContract, PutsCountVersionsAndKeepTheCreateRevision) {
  auto first = Must(etcd().Put({.key = Key("a"), .value = "one"}));
  auto second = Must(etcd().Put({.key = Key("a"), .value = "two"}));
  EXPECT_EQ(second.revision, first.revision + 1);
  auto read = Must(etcd().Range({.key = Key("a")}));
  ASSERT_EQ(read.kvs.size(), 1u);
  EXPECT_EQ(read.count, 1);
  EXPECT_EQ(read.kvs[0].value, "two");
  EXPECT_EQ(read.kvs[0].version, 2);
  EXPECT_EQ(read.kvs[0].create_revision, first.revision);
  EXPECT_EQ(read.kvs[0].mod_revision, second.revision);
  EXPECT_EQ(read.kvs[0].lease, 0);
  EXPECT_GE(read.revision, second.revision);
}

TEST_P(EtcdContract, ReadsAMissingKeyAsEmpty) {
  auto read = Must(etcd().Range({.key = Key("none")}));
  EXPECT_TRUE(read.kvs.empty());
  EXPECT_EQ(read.count, 0);
  EXPECT_GT(read.revision, 0);
}

TEST_P(EtcdContract, KeepsBinaryKeysAndValues) {
  std::string value("\0\xff\x01 slot", 8);
  Must(etcd().Put({.key = Key(std::string("b\xfe", 2)), .value = value}));
  auto read = Must(etcd().Range({.key = Key(std::string("b\xfe", 2))}));
  ASSERT_EQ(read.kvs.size(), 1u);
  EXPECT_EQ(read.kvs[0].value, value);
}

TEST_P(EtcdContract, SortsAPrefixByCreationAndLimitsAfterSorting) {
  for (const char* name : {"c", "b", "a"}) Must(etcd().Put({.key = Key(name), .value = name}));
  std::string end = EtcdPrefixEnd(prefix());
  auto by_key = Must(etcd().Range({.key = prefix(), .range_end = end}));
  EXPECT_EQ(Keys(by_key), (std::vector{Key("a"), Key("b"), Key("c")}));
  auto oldest = Must(etcd().Range(
      {.key = prefix(), .range_end = end, .sort_by_create = true, .limit = 2, .keys_only = true}));
  EXPECT_EQ(Keys(oldest), (std::vector{Key("c"), Key("b")}));
  EXPECT_EQ(oldest.count, 3);
  EXPECT_EQ(oldest.kvs[0].value, "");
  EXPECT_EQ(oldest.kvs[0].version, 1);
}

TEST_P(EtcdContract, DeletesARangeAndCountsWhatWent) {
  for (const char* name : {"x/1", "x/2", "y"}) Must(etcd().Put({.key = Key(name), .value = "v"}));
  auto gone = Must(etcd().DeleteRange({.key = Key("x/"), .range_end = EtcdPrefixEnd(Key("x/"))}));
  EXPECT_EQ(gone.deleted, 2);
  auto none = Must(etcd().DeleteRange({.key = Key("x/1")}));
  EXPECT_EQ(none.deleted, 0);
  auto left = Must(etcd().Range({.key = prefix(), .range_end = EtcdPrefixEnd(prefix())}));
  EXPECT_EQ(Keys(left), std::vector{Key("y")});
}

TEST_P(EtcdContract, AcquiresASlotOnceAndTellsWhyItFailedAfter) {
  EtcdLease lease = Must(etcd().GrantLease(30));
  EtcdTxn acquire = Acquire(Key("slots/A"), Key("halt/1.2.3"), lease.id);
  auto won = Must(etcd().Txn(acquire));
  EXPECT_TRUE(won.succeeded);
  ASSERT_EQ(won.responses.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<EtcdPutResult>(won.responses[0]));
  auto again = Must(etcd().Txn(acquire));
  EXPECT_FALSE(again.succeeded);
  ASSERT_EQ(again.responses.size(), 2u);
  const auto& own = std::get<EtcdRangeResult>(again.responses[0]);
  ASSERT_EQ(own.kvs.size(), 1u);
  EXPECT_EQ(own.kvs[0].lease, lease.id);
  EXPECT_EQ(own.kvs[0].value, "1.2.3");
  EXPECT_TRUE(std::get<EtcdRangeResult>(again.responses[1]).kvs.empty());
  EXPECT_TRUE(etcd().RevokeLease(lease.id).ok());
}

TEST_P(EtcdContract, AHaltMarkBlocksTheAcquireAtomically) {
  EtcdLease lease = Must(etcd().GrantLease(30));
  Must(etcd().Put({.key = Key("halt/1.2.3"), .value = "rolled back"}));
  auto blocked = Must(etcd().Txn(Acquire(Key("slots/A"), Key("halt/1.2.3"), lease.id)));
  EXPECT_FALSE(blocked.succeeded);
  const auto& halt = std::get<EtcdRangeResult>(blocked.responses[1]);
  ASSERT_EQ(halt.kvs.size(), 1u);
  EXPECT_EQ(halt.kvs[0].value, "rolled back");
  EXPECT_EQ(Must(etcd().Range({.key = Key("slots/A")})).count, 0);
  auto other = Must(etcd().Txn(Acquire(Key("slots/A"), Key("halt/1.2.4"), lease.id)));
  EXPECT_TRUE(other.succeeded);
  EXPECT_TRUE(etcd().RevokeLease(lease.id).ok());
}

TEST_P(EtcdContract, ComparesAnEmptyRangeAsZeroAndARangeKeyByKey) {
  std::string halts = Key("halt/");
  EtcdCompare no_halt{.key = halts, .range_end = EtcdPrefixEnd(halts), .number = 0};
  EXPECT_TRUE(Must(etcd().Txn({.compare = {no_halt}})).succeeded);
  Must(etcd().Put({.key = Key("halt/1"), .value = "a"}));
  Must(etcd().Put({.key = Key("halt/2"), .value = "b"}));
  Must(etcd().Put({.key = Key("halt/2"), .value = "c"}));
  EXPECT_FALSE(Must(etcd().Txn({.compare = {no_halt}})).succeeded);
  EtcdCompare all_once = no_halt;
  all_once.number = 1;  // halt/2 has version 2
  EXPECT_FALSE(Must(etcd().Txn({.compare = {all_once}})).succeeded);
  all_once.result = Cmp::kGreater;
  all_once.number = 0;
  EXPECT_TRUE(Must(etcd().Txn({.compare = {all_once}})).succeeded);
}

TEST_P(EtcdContract, ComparesEveryTarget) {
  EtcdLease lease = Must(etcd().GrantLease(30));
  auto put = Must(etcd().Put({.key = Key("k"), .value = "m", .lease = lease.id}));
  std::vector<std::pair<EtcdCompare, bool>> cases = {
      {{.key = Key("k"), .target = Target::kValue, .value = "m"}, true},
      {{.key = Key("k"), .target = Target::kValue, .result = Cmp::kLess, .value = "n"}, true},
      {{.key = Key("k"), .target = Target::kValue, .result = Cmp::kGreater, .value = "n"}, false},
      {{.key = Key("k"), .target = Target::kCreate, .number = put.revision}, true},
      {{.key = Key("k"), .target = Target::kMod, .result = Cmp::kLess, .number = put.revision},
       false},
      {{.key = Key("k"), .target = Target::kVersion, .result = Cmp::kNotEqual, .number = 1}, false},
      {{.key = Key("k"), .target = Target::kLease, .number = lease.id}, true},
      {{.key = Key("absent"), .target = Target::kLease, .number = 0}, true},
      {{.key = Key("absent"), .target = Target::kValue, .value = ""}, false},
      {{.key = Key("absent"), .target = Target::kValue, .result = Cmp::kNotEqual, .value = "x"},
       false},
  };
  for (const auto& [compare, holds] : cases) {
    auto txn = Must(etcd().Txn({.compare = {compare}}));
    EXPECT_EQ(txn.succeeded, holds)
        << "target " << static_cast<int>(compare.target) << " key " << compare.key;
  }
  EXPECT_TRUE(etcd().RevokeLease(lease.id).ok());
}

TEST_P(EtcdContract, AnUnknownLeaseRejectsTheWholeTxn) {
  EtcdLease lease = Must(etcd().GrantLease(5));
  ASSERT_TRUE(etcd().RevokeLease(lease.id).ok());
  Result<EtcdPutResult> put = etcd().Put({.key = Key("k"), .value = "v", .lease = lease.id});
  EXPECT_EQ(EtcdErrorOf(put.status()), EtcdError::kLeaseNotFound) << put.status().message();
  EtcdTxn txn{.success = {EtcdPut{.key = Key("a"), .value = "v"},
                          EtcdPut{.key = Key("b"), .value = "v", .lease = lease.id}}};
  EXPECT_EQ(EtcdErrorOf(etcd().Txn(txn).status()), EtcdError::kLeaseNotFound);
  EXPECT_EQ(Must(etcd().Range({.key = Key("a")})).count, 0);
  EXPECT_EQ(EtcdErrorOf(etcd().RevokeLease(lease.id)), EtcdError::kLeaseNotFound);
  EXPECT_EQ(EtcdErrorOf(etcd().KeepAlive(lease.id).status()), EtcdError::kLeaseNotFound);
  EXPECT_EQ(EtcdErrorOf(etcd().TimeToLive(lease.id).status()), EtcdError::kLeaseNotFound);
}

TEST_P(EtcdContract, GrantsLeaseIdsAbove2To53AndRoundTripsThem) {
  EtcdLease lease = Must(etcd().GrantLease(20));
  EXPECT_GT(lease.id, int64_t{1} << 53);
  EXPECT_EQ(lease.ttl, 20);
  EXPECT_EQ(Must(etcd().KeepAlive(lease.id)), 20);
  int64_t left = Must(etcd().TimeToLive(lease.id));
  EXPECT_GE(left, 15);
  EXPECT_LE(left, 20);
  EXPECT_EQ(Must(etcd().GrantLease(1)).ttl, 2);  // etcd's minimum
  EXPECT_TRUE(etcd().RevokeLease(lease.id).ok());
}

TEST_P(EtcdContract, RevokingALeaseDeletesItsKeys) {
  EtcdLease lease = Must(etcd().GrantLease(30));
  Must(etcd().Put({.key = Key("held"), .value = "v", .lease = lease.id}));
  Must(etcd().Put({.key = Key("kept"), .value = "v"}));
  ASSERT_TRUE(etcd().RevokeLease(lease.id).ok());
  auto left = Must(etcd().Range({.key = prefix(), .range_end = EtcdPrefixEnd(prefix())}));
  EXPECT_EQ(Keys(left), std::vector{Key("kept")});
}

TEST_P(EtcdContract, AnExpiredLeaseFreesItsKeysAndCannotBeKeptAlive) {
  EtcdLease lease = Must(etcd().GrantLease(2));
  Must(etcd().Put({.key = Key("slot"), .value = "v", .lease = lease.id}));
  Pass(5s);  // a real etcd revokes expired leases in its own loop: a margin
  EXPECT_EQ(Must(etcd().Range({.key = Key("slot")})).count, 0);
  Result<int64_t> renewed = etcd().KeepAlive(lease.id);
  EXPECT_EQ(EtcdErrorOf(renewed.status()), EtcdError::kLeaseNotFound) << renewed.status().message();
}

TEST_P(EtcdContract, KeepAliveHoldsALeasePastItsTtl) {
  EtcdLease lease = Must(etcd().GrantLease(6));
  Must(etcd().Put({.key = Key("slot"), .value = "v", .lease = lease.id}));
  for (int i = 0; i < 4; ++i) {  // 8 s in all, renewed with 4 s to spare each time
    Pass(2s);
    EXPECT_EQ(Must(etcd().KeepAlive(lease.id)), 6);
  }
  EXPECT_EQ(Must(etcd().Range({.key = Key("slot")})).count, 1);
  EXPECT_TRUE(etcd().RevokeLease(lease.id).ok());
}

TEST_P(EtcdContract, OnlyOneOfFiveParallelAcquiresWins) {
  EtcdLease lease = Must(etcd().GrantLease(30));
  std::atomic<int> won = 0;
  std::atomic<int> errors = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 5; ++i) {
    threads.emplace_back([&] {
      Result<EtcdTxnResult> r = etcd().Txn(Acquire(Key("slots/A"), Key("halt/v"), lease.id));
      if (!r.ok()) ++errors;
      if (r.ok() && r->succeeded) ++won;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(won, 1);
  EXPECT_TRUE(etcd().RevokeLease(lease.id).ok());
}

TEST_P(EtcdContract, RanksHoldersByCreationAndFreesASlotOnRelease) {
  std::string slots = Key("slots/");
  EtcdRange first_two{.key = slots,
                      .range_end = EtcdPrefixEnd(slots),
                      .sort_by_create = true,
                      .limit = 2,
                      .keys_only = true};
  EtcdLease c = Must(etcd().GrantLease(30));
  EtcdLease b = Must(etcd().GrantLease(30));
  for (auto [name, lease] : {std::pair{"C", c.id}, std::pair{"B", b.id}, std::pair{"A", c.id}}) {
    ASSERT_TRUE(Must(etcd().Txn(Acquire(slots + name, Key("halt/v"), lease))).succeeded);
  }
  EXPECT_EQ(Keys(Must(etcd().Range(first_two))), (std::vector{slots + "C", slots + "B"}));
  Must(etcd().DeleteRange({.key = slots + "C"}));
  EXPECT_EQ(Keys(Must(etcd().Range(first_two))), (std::vector{slots + "B", slots + "A"}));
  ASSERT_TRUE(etcd().RevokeLease(b.id).ok());
  EXPECT_EQ(Keys(Must(etcd().Range(first_two))), (std::vector{slots + "A"}));
  EXPECT_TRUE(etcd().RevokeLease(c.id).ok());
}

TEST_P(EtcdContract, RefusesTheSameKeyTwiceInOneBranch) {
  EtcdTxn twice{
      .success = {EtcdPut{.key = Key("a"), .value = "1"}, EtcdPut{.key = Key("a"), .value = "2"}}};
  EXPECT_EQ(EtcdErrorOf(etcd().Txn(twice).status()), EtcdError::kBadRequest);
  EXPECT_EQ(Must(etcd().Range({.key = Key("a")})).count, 0);
}

}  // namespace nymvisor::testing
