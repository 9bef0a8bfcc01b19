#include "agent/shell/stager.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "agent/adapters/minisign_verifier.h"
#include "agent/adapters/openssl_hasher.h"
#include "agent/adapters/real_file_system.h"
#include "tests/support/builders.h"
#include "tests/support/config_builders.h"
#include "tests/support/test_support.h"

namespace nymvisor {
namespace {

using testing::ReadFileOrDie;
using testing::TempDir;
using testing::WriteFile;

constexpr char kUrl[] = "https://releases.example/v2/nym-node";

std::string Sha256(std::string_view data) {
  OpenSslHasher h(ChecksumAlgorithm::kSha256);
  h.Update(data);
  return h.FinalHex();
}

class StagerTest : public ::testing::Test {
 protected:
  StagerTest() : body_(100'000, 'b'), stager_(http_, files_, probes_, MakeOpenSslHasher) {
    for (size_t i = 0; i < body_.size(); ++i) body_[i] = static_cast<char>('a' + i % 26);
    request_.layout = testing::NodeLayout(dir_.path());
    request_.platform = "linux-x86_64";
    request_.info = testing::Upgrade("v2", "1.2.0");
    request_.info.platforms["linux-x86_64"] = {Sha256(body_), ChecksumAlgorithm::kSha256, kUrl};
    http_.resources[kUrl].body = body_;
    probes_.SetBuildInfo(Final().string(), testing::NodeBuildInfo("1.2.0"));
  }

  std::filesystem::path Final() { return request_.layout.UpgradeBinary("v2"); }
  std::filesystem::path Tmp() { return Final().string() + ".tmp"; }
  Result<StagedBinary> Stage() {
    return stager_.Stage(request_, [this](uint64_t done, std::optional<uint64_t>) {
      progress_.push_back(done);
      return !cancel_;
    });
  }

  TempDir dir_;
  std::string body_;
  RealFileSystem files_;
  testing::FakeHttpClient http_;
  testing::FakeProcessRunner probes_;
  Stager stager_;
  StageRequest request_;
  std::vector<uint64_t> progress_;
  bool cancel_ = false;
};

TEST_F(StagerTest, DownloadsVerifiesAndInstallsTheBinary) {
  Result<StagedBinary> staged = Stage();
  ASSERT_TRUE(staged.ok()) << staged.status().message();
  EXPECT_TRUE(staged->downloaded);
  EXPECT_EQ(staged->bytes, body_.size());
  EXPECT_EQ(staged->build.build_version, "1.2.0");
  EXPECT_EQ(ReadFileOrDie(Final()), body_);
  struct stat st {};
  ASSERT_EQ(::stat(Final().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u);
  EXPECT_FALSE(std::filesystem::exists(Tmp()));
  ASSERT_FALSE(progress_.empty());
  EXPECT_EQ(progress_.back(), body_.size());
  EXPECT_EQ(probes_.calls().back().at(0), Final().string());
}

TEST_F(StagerTest, TheRunningUpgradeIsNeverTouched) {
  testing::WriteFile(Final(), "running binary", 0755);
  std::filesystem::create_directory_symlink(request_.layout.UpgradeDir(request_.info.name),
                                            request_.layout.CurrentLink());
  Result<StagedBinary> staged = Stage();
  ASSERT_FALSE(staged.ok());
  EXPECT_NE(staged.status().message().find("is the version running now"), std::string::npos);
  EXPECT_EQ(ReadFileOrDie(Final()), "running binary");
}

TEST_F(StagerTest, AChecksumMismatchIsRefusedAndLeavesNothing) {
  request_.info.platforms["linux-x86_64"].checksum = Sha256("something else");
  Status st = Stage().status();
  EXPECT_FALSE(st.IsUnavailable());
  EXPECT_NE(st.message().find("checksum mismatch for " + std::string(kUrl)), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(Final()));
  EXPECT_FALSE(std::filesystem::exists(Tmp()));
}

TEST_F(StagerTest, Sha512IsSupported) {
  OpenSslHasher h(ChecksumAlgorithm::kSha512);
  h.Update(body_);
  request_.info.platforms["linux-x86_64"] = {h.FinalHex(), ChecksumAlgorithm::kSha512, kUrl};
  EXPECT_TRUE(Stage().ok());
}

TEST_F(StagerTest, AMissingChecksumIsRefusedBeforeAnyDownloadWhenEnforced) {
  request_.info.platforms["linux-x86_64"].checksum = "";
  EXPECT_NE(Stage().status().message().find("checksums are enforced"), std::string::npos);
  EXPECT_TRUE(http_.requests.empty());
  request_.enforce_checksum = false;
  EXPECT_TRUE(Stage().ok());
}

TEST_F(StagerTest, HttpErrorsAreFinalButServerTroubleIsRetried) {
  http_.resources[kUrl].status = 404;
  Status not_found = Stage().status();
  EXPECT_FALSE(not_found.ok());
  EXPECT_FALSE(not_found.IsUnavailable());
  http_.resources[kUrl].status = 503;
  EXPECT_TRUE(Stage().status().IsUnavailable());
}

TEST_F(StagerTest, ADownloadThatCanNeverCompleteLeavesNoPartialFile) {
  http_.resources[kUrl].fail_after_half =
      Status::Error("response from " + std::string(kUrl) + " is larger than 1073741824 bytes");
  Status st = Stage().status();
  EXPECT_FALSE(st.ok());
  EXPECT_FALSE(st.IsUnavailable());
  EXPECT_FALSE(std::filesystem::exists(Tmp())) << "a refused body is not kept to resume";
  EXPECT_FALSE(std::filesystem::exists(Final()));
}

TEST_F(StagerTest, AnInterruptedDownloadResumesWithARangeRequest) {
  http_.resources[kUrl].fail_after_half = Status::Unavailable("connection reset");
  EXPECT_TRUE(Stage().status().IsUnavailable());
  EXPECT_EQ(std::filesystem::file_size(Tmp()), body_.size() / 2);
  http_.resources[kUrl].fail_after_half = Status();
  Result<StagedBinary> staged = Stage();
  ASSERT_TRUE(staged.ok()) << staged.status().message();
  EXPECT_EQ(http_.requests.back().range_start, body_.size() / 2);
  EXPECT_EQ(ReadFileOrDie(Final()), body_);
}

TEST_F(StagerTest, ACancelledDownloadCanBeResumed) {
  cancel_ = true;
  Status st = Stage().status();
  EXPECT_TRUE(st.IsUnavailable());
  EXPECT_NE(st.message().find("cancelled"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(Tmp()));
  cancel_ = false;
  ASSERT_TRUE(Stage().ok());
  EXPECT_GT(http_.requests.back().range_start, 0u);
}

TEST_F(StagerTest, AServerThatIgnoresRangeMakesTheDownloadStartOver) {
  WriteFile(Tmp(), "garbage that must not survive");
  http_.resources[kUrl].honour_range = false;
  ASSERT_TRUE(Stage().ok());
  EXPECT_EQ(ReadFileOrDie(Final()), body_);
}

TEST_F(StagerTest, ACorruptPartialFileIsDiscardedAndRetried) {
  WriteFile(Tmp(), std::string(10, 'X'));
  Status st = Stage().status();
  EXPECT_TRUE(st.IsUnavailable()) << st.message();
  EXPECT_NE(st.message().find("after resuming"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(Tmp()));
  EXPECT_TRUE(Stage().ok());
}

TEST_F(StagerTest, ASizeMismatchIsRefused) {
  http_.resources[kUrl].announced_size = body_.size() + 10;
  EXPECT_NE(Stage().status().message().find("size mismatch"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(Final()));
}

TEST_F(StagerTest, AWrongBuildInfoVersionIsRefusedAndTheBinaryRemoved) {
  probes_.SetBuildInfo(Final().string(), testing::NodeBuildInfo("1.3.0"));
  Status st = Stage().status();
  EXPECT_NE(st.message().find("expects version 1.2.0 but the binary reports 1.3.0"),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(Final()));
}

TEST_F(StagerTest, WithDownloadsDisabledItWaitsForTheBinary) {
  request_.allow_download = false;
  Status st = Stage().status();
  EXPECT_TRUE(st.IsNotFound());
  EXPECT_NE(st.message().find("add-upgrade"), std::string::npos);
  EXPECT_TRUE(http_.requests.empty());
  WriteFile(Final(), "provided by add-upgrade", 0755);
  Result<StagedBinary> staged = Stage();
  ASSERT_TRUE(staged.ok()) << staged.status().message();
  EXPECT_FALSE(staged->downloaded);
}

TEST_F(StagerTest, FallsBackToTheAnyPlatform) {
  request_.platform = "linux-riscv64";
  EXPECT_NE(Stage().status().message().find("has no download for 'linux-riscv64'"),
            std::string::npos);
  request_.info.platforms["any"] = request_.info.platforms["linux-x86_64"];
  EXPECT_TRUE(Stage().ok());
}

TEST_F(StagerTest, AFullDiskFailsCleanly) {
  testing::FaultyFileSystem faulty;
  faulty.fail_write = [](const fs::path& p) { return p.extension() == ".tmp"; };
  Stager stager(http_, faulty, probes_, MakeOpenSslHasher);
  Status st = stager.Stage(request_, nullptr).status();
  EXPECT_NE(st.message().find("No space left on device"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(Final()));
}

std::string Minisign(const std::string& name) {
  return ReadFileOrDie(testing::FixturesDir() / "minisign" / name);
}

/// A binary and its signature made with the real minisign tool
/// (tests/fixtures/minisign/make-fixtures.sh).
class SignedStagerTest : public StagerTest {
 protected:
  SignedStagerTest() {
    body_ = Minisign("nym-node");
    request_.info.platforms["linux-x86_64"] = {Sha256(body_), ChecksumAlgorithm::kSha256, kUrl};
    http_.resources[kUrl].body = body_;
    std::string pub = Minisign("test.pub");
    size_t start = pub.find('\n') + 1;
    auto verifier = MinisignVerifier::Create({pub.substr(start, pub.find('\n', start) - start)});
    EXPECT_TRUE(verifier.ok());
    request_.signatures = {std::shared_ptr<SignatureVerifier>(std::move(verifier).value()), true};
  }
  void ServeSignature(long status, const std::string& text) {
    http_.resources[std::string(kUrl) + ".minisig"].status = status;
    http_.resources[std::string(kUrl) + ".minisig"].body = text;
  }
};

TEST_F(SignedStagerTest, ASignedBinaryIsStaged) {
  ServeSignature(200, Minisign("nym-node.minisig"));
  Result<StagedBinary> staged = Stage();
  ASSERT_TRUE(staged.ok()) << staged.status().message();
  EXPECT_EQ(ReadFileOrDie(Final()), body_);
}

TEST_F(SignedStagerTest, AnUnsignedBinaryIsRefusedAndNothingIsLeft) {
  ServeSignature(404, "");
  Result<StagedBinary> staged = Stage();
  ASSERT_FALSE(staged.ok());
  EXPECT_EQ(
      staged.status().message(),
      std::string("refusing ") + kUrl +
          ": nym-node is not signed (no nym-node.minisig) and nymvisor.require_signature is on");
  EXPECT_FALSE(std::filesystem::exists(Final()));
  EXPECT_FALSE(std::filesystem::exists(Tmp()));
}

TEST_F(SignedStagerTest, ASignatureOfOtherBytesIsRefused) {
  ServeSignature(200, Minisign("upgrade-info.json.minisig"));
  Result<StagedBinary> staged = Stage();
  ASSERT_FALSE(staged.ok());
  EXPECT_NE(staged.status().message().find("does not match the data"), std::string::npos)
      << staged.status().message();
  EXPECT_FALSE(std::filesystem::exists(Final()));
}

}  // namespace
}  // namespace nymvisor
